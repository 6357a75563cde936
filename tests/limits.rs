//! Query limits, on by default: each is exceeded once here and answered with an error that
//! names the limit and the value, and the server goes on serving.

mod common;

use std::time::Duration;

use common::Backend;
use foc_graph::http::Settings;
use serde_json::{Value, json};

/// The error extensions of a refused query.
fn refusal(body: &Value) -> &Value {
    assert!(body["data"].is_null(), "nothing runs: {body}");
    let extensions = &body["errors"][0]["extensions"];
    assert_eq!(extensions["code"], "LIMIT_EXCEEDED", "{body}");
    extensions
}

async fn still_serving(app: &common::TestApp) {
    let answer = app.query("{ state(code: \"KE\") { name } }").await;
    assert_eq!(answer.data()["state"]["name"], "Kenya");
}

#[tokio::test]
async fn a_query_nested_too_deep_is_refused() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    // state > memberships > nodes > state > memberships > ... : 20 levels.
    let mut query = String::from("name");
    for _ in 0..5 {
        query = format!("memberships(first: 1) {{ nodes {{ state {{ {query} }} }} }}");
    }
    let answer = app
        .query(&format!("{{ state(code: \"KE\") {{ {query} }} }}"))
        .await;
    let limit = refusal(&answer.body);
    assert_eq!(limit["limit"], "depth");
    assert_eq!(limit["max"], 15);
    assert!(
        limit["value"].as_u64().expect("depth") > 15,
        "{}",
        answer.body
    );
    still_serving(&app).await;
}

#[tokio::test]
async fn a_query_that_could_return_too_many_objects_is_refused() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    // 100 states x 100 conferences x 100 hosts: a million objects at worst.
    let answer = app
        .query("{ states(first: 100) { nodes { hostedConferences(first: 100) { nodes { hosts(first: 100) { nodes { name } } } } } } }")
        .await;
    let limit = refusal(&answer.body);
    assert_eq!(limit["limit"], "cost");
    assert_eq!(limit["max"], 500_000);
    assert!(
        limit["value"].as_u64().expect("cost") >= 1_000_000,
        "{}",
        answer.body
    );
    assert!(
        answer.error_messages()[0].contains("cost"),
        "{}",
        answer.body
    );
    // The same shape with small pages is fine.
    let small = app
        .query("{ states(first: 10) { nodes { hostedConferences(first: 10) { nodes { hosts(first: 10) { nodes { name } } } } } } }")
        .await;
    assert!(small.data()["states"]["nodes"].is_array());
}

#[tokio::test]
async fn alias_and_field_bombs_are_refused() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let aliases: String = (0..60)
        .map(|i| format!("a{i}: coalition {{ name }} "))
        .collect();
    let answer = app.query(&format!("{{ {aliases} }}")).await;
    let limit = refusal(&answer.body);
    assert_eq!(
        (
            limit["limit"].clone(),
            limit["value"].clone(),
            limit["max"].clone()
        ),
        (json!("alias count"), json!(60), json!(50))
    );
    let fields = "name ".repeat(600);
    let answer = app.query(&format!("{{ coalition {{ {fields} }} }}")).await;
    let limit = refusal(&answer.body);
    assert_eq!(limit["limit"], "field count");
    assert_eq!(limit["value"], 601);
    still_serving(&app).await;
}

#[tokio::test]
async fn fragment_cycles_and_spread_bombs_are_refused() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let cycle = app
        .query("query { coalition { ...A } } fragment A on Coalition { name ...B } fragment B on Coalition { name ...A }")
        .await;
    assert!(cycle.body["data"].is_null(), "{}", cycle.body);
    assert!(
        cycle
            .error_messages()
            .iter()
            .any(|m| m.contains("cycle") || m.contains("recursion depth")),
        "{}",
        cycle.body
    );
    // Fragments nesting one another: a small document, an enormous query.
    let mut document = String::from("query { states(first: 100) { nodes { ...F0 } } }");
    for i in 0..6 {
        document.push_str(&format!(
            " fragment F{i} on State {{ memberships(first: 100) {{ nodes {{ state {{ ...F{} }} }} }} }}",
            i + 1
        ));
    }
    document.push_str(" fragment F6 on State { name }");
    let answer = app.query(&document).await;
    let limit = refusal(&answer.body);
    assert!(
        limit["limit"] == "cost" || limit["limit"] == "depth",
        "{}",
        answer.body
    );
    still_serving(&app).await;
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let padding = " ".repeat(70 * 1024);
    let response = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("content-type", "application/json")
        .body(json!({ "query": format!("{{ coalition {{ name }} }}{padding}") }).to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 413);
    still_serving(&app).await;
}

#[tokio::test]
async fn a_request_that_runs_too_long_is_stopped() {
    let settings = Settings {
        request_timeout: Duration::from_millis(1),
        ..Settings::default()
    };
    let app = common::spawn_app_with(Backend::Sqlite, settings)
        .await
        .expect("SQLite is always available");
    // Ten lists of different sizes, none of which can share another's statements: far
    // more than a millisecond of work however fast the machine.
    let lists: String = (0..10)
        .map(|i| {
            format!(
                "l{i}: states(first: {}) {{ nodes {{ memberships(first: 5) {{ nodes {{ \
                 sources(first: {}) {{ nodes {{ key title }} }} }} }} }} }} ",
                100 - i,
                5 + i
            )
        })
        .collect();
    let answer = app.query(&format!("{{ {lists} }}")).await;
    let limit = refusal(&answer.body);
    assert_eq!(limit["limit"], "request timeout (ms)");
    assert_eq!(limit["max"], 1);
}

#[tokio::test]
async fn limits_are_configurable() {
    let mut settings = Settings::default();
    settings.limits.max_depth = 3;
    settings.limits.max_aliases = 1;
    let app = common::spawn_app_with(Backend::Sqlite, settings)
        .await
        .expect("SQLite is always available");
    let deep = app
        .query("{ state(code: \"KE\") { memberships { nodes { ordinal } } } }")
        .await;
    assert_eq!(refusal(&deep.body)["max"], 3);
    let aliased = app
        .query("{ a: coalition { name } b: coalition { name } }")
        .await;
    assert_eq!(refusal(&aliased.body)["limit"], "alias count");
    let fine = app.query("{ state(code: \"KE\") { name } }").await;
    assert_eq!(fine.data()["state"]["name"], "Kenya");
}
