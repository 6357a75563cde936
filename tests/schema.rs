//! The committed `schema.graphql` is what the server serves and prints, every type,
//! field, argument and enum value in it is described, and a node type's filter reaches
//! every list and parent it has.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn committed_schema() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql"))
        .expect("schema.graphql at the repository root")
}

#[test]
fn committed_schema_is_current() {
    let current = foc_graph::graphql::sdl();
    if std::env::var("FOC_UPDATE_SCHEMA").as_deref() == Ok("1") {
        std::fs::write(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql"),
            &current,
        )
        .expect("write schema.graphql");
        return;
    }
    assert!(
        committed_schema() == current,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql` (or FOC_UPDATE_SCHEMA=1 cargo test --test schema)"
    );
}

#[test]
fn the_schema_command_prints_the_committed_schema() {
    let output = Command::new(env!("CARGO_BIN_EXE_foc-graph"))
        .arg("schema")
        .output()
        .expect("run foc-graph schema");
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout), committed_schema());
}

#[tokio::test]
async fn the_server_serves_the_committed_schema() {
    let app = common::spawn_app(common::Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let served = app.get("/schema.graphql").await;
    assert!(served.status().is_success());
    assert_eq!(served.text().await.expect("body"), committed_schema());
}

const INTROSPECTION: &str = r#"{
  __schema {
    types {
      name kind description
      interfaces { name }
      fields(includeDeprecated: true) {
        name description args { name description } type { kind name }
      }
      inputFields { name description }
      enumValues(includeDeprecated: true) { name description }
    }
  }
}"#;

/// The schema's types, as the running server's introspection gives them.
async fn served_types() -> Vec<Value> {
    let app = common::spawn_app(common::Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let answer = app.query(INTROSPECTION).await;
    answer.data()["__schema"]["types"]
        .as_array()
        .expect("types")
        .clone()
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_described() {
    let types = served_types().await;
    let described = |v: &Value| {
        v["description"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty())
    };
    let mut missing = Vec::new();
    let mut checked = 0;
    for ty in &types {
        let name = ty["name"].as_str().unwrap_or_default();
        // The introspection types and GraphQL's own scalars come with the language.
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        checked += 1;
        if !described(ty) {
            missing.push(format!("type {name}"));
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            checked += 1;
            let field_name = field["name"].as_str().unwrap_or_default();
            if !described(field) {
                missing.push(format!("field {name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                checked += 1;
                if !described(arg) {
                    missing.push(format!("argument {name}.{field_name}({})", arg["name"]));
                }
            }
        }
        for input in ty["inputFields"].as_array().into_iter().flatten() {
            checked += 1;
            if !described(input) {
                missing.push(format!("input field {name}.{}", input["name"]));
            }
        }
        for value in ty["enumValues"].as_array().into_iter().flatten() {
            checked += 1;
            if !described(value) {
                missing.push(format!("enum value {name}.{}", value["name"]));
            }
        }
    }
    assert!(
        checked > 300,
        "introspection reached the schema ({checked} items)"
    );
    assert!(
        missing.is_empty(),
        "{} undescribed:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[tokio::test]
async fn every_list_and_parent_of_a_node_type_is_a_member_of_its_filter() {
    let types = served_types().await;
    let named = |name: &str| types.iter().find(|t| t["name"] == name);
    let is_node = |name: &str| {
        named(name).is_some_and(|t| {
            t["interfaces"]
                .as_array()
                .is_some_and(|i| i.iter().any(|i| i["name"] == "Node"))
        })
    };
    let mut checked = 0;
    let mut missing = Vec::new();
    for ty in types.iter().filter(|t| t["kind"] == "OBJECT") {
        let name = ty["name"].as_str().unwrap_or_default();
        let Some(filter) = named(&format!("{name}Filter")).filter(|_| is_node(name)) else {
            continue;
        };
        let members: Vec<&str> = filter["inputFields"]
            .as_array()
            .expect("a filter has members")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap_or_default();
            // A list the model describes takes the listed type's filter; a parent is a
            // nullable node.
            let is_list = field["args"]
                .as_array()
                .is_some_and(|args| args.iter().any(|a| a["name"] == "filter"));
            let is_parent = field["type"]["kind"] == "OBJECT"
                && is_node(field["type"]["name"].as_str().unwrap_or_default());
            if is_list || is_parent {
                checked += 1;
                if !members.contains(&field_name) {
                    missing.push(format!("{name}Filter.{field_name}"));
                }
            }
        }
    }
    assert!(checked > 30, "lists and parents reached ({checked})");
    assert!(missing.is_empty(), "not filterable: {}", missing.join(", "));
}
