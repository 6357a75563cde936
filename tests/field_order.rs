//! Answers keep the order the query asks for: for every pair of root fields (found by
//! introspection) in both orders, plain, aliased and through a fragment, the keys of `data`
//! come in the order asked, on a miss and on a cache hit; nested objects too.

mod common;

use std::fmt;

use common::TestApp;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::json;

/// A JSON value that keeps its objects' keys in the order they were written (serde_json's
/// own map sorts them).
#[derive(Debug)]
enum Ordered {
    Object(Vec<(String, Ordered)>),
    List(Vec<Ordered>),
    Leaf,
}

impl Ordered {
    fn keys(&self) -> Vec<&str> {
        match self {
            Ordered::Object(fields) => fields.iter().map(|(key, _)| key.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    fn get(&self, key: &str) -> &Ordered {
        match self {
            Ordered::Object(fields) => fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, value)| value)
                .unwrap_or_else(|| panic!("no `{key}` in {self:?}")),
            _ => panic!("not an object: {self:?}"),
        }
    }

    fn items(&self) -> &[Ordered] {
        match self {
            Ordered::List(items) => items,
            _ => panic!("not a list: {self:?}"),
        }
    }
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut fields = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Ordered>()? {
                    fields.push((key, value));
                }
                Ok(Ordered::Object(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Ordered>()? {
                    items.push(item);
                }
                Ok(Ordered::List(items))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Leaf)
            }
        }
        deserializer.deserialize_any(OrderedVisitor)
    }
}

/// The answer's `data`, keys in the order written; panics on errors. Sent by GET, so the
/// second time the same query comes it is a cache hit.
async fn data(app: &TestApp, query: &str) -> (Ordered, u64) {
    let response = app
        .client
        .get(format!("{}/graphql", app.url))
        .query(&[("query", query)])
        .send()
        .await
        .expect("send");
    assert!(response.status().is_success(), "{}", response.status());
    let text = response.text().await.expect("a body");
    let body: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(body.get("errors").is_none(), "{query}: {body}");
    let statements = body["extensions"]["sqlStatements"].as_u64().unwrap_or(0);
    #[derive(serde::Deserialize)]
    struct Body {
        data: Ordered,
        #[allow(dead_code)]
        extensions: IgnoredAny,
    }
    let body: Body = serde_json::from_str(&text).expect("an answer with data");
    (body.data, statements)
}

/// Asks `query` twice (a miss, then a hit) and checks the keys of `data` both times.
async fn check_order(app: &TestApp, query: &str, expected: &[&str], hits: &mut usize) {
    for attempt in 0..2 {
        let (data, statements) = data(app, query).await;
        assert_eq!(data.keys(), expected, "attempt {attempt}: {query}");
        if attempt == 1 && statements == 0 {
            *hits += 1;
        }
    }
}

/// Each root field with the arguments and selection that make it answer.
async fn root_fields(app: &TestApp) -> Vec<(String, String)> {
    let introspection = app
        .query(
            "{ __schema { queryType { fields { name args { name defaultValue type { kind } } \
             type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
        )
        .await;
    let id = app.query("{ states(first: 1) { nodes { id } } }").await;
    let id = id.data()["states"]["nodes"][0]["id"].clone();
    let samples = json!({ "code": "KE", "ordinal": 2, "text": "kenya", "id": id, "ids": [id] });
    let fields = introspection.data()["__schema"]["queryType"]["fields"]
        .as_array()
        .expect("the query type's fields")
        .clone();
    fields
        .iter()
        .map(|field| {
            let name = field["name"].as_str().expect("a name").to_owned();
            let required: Vec<String> = field["args"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|arg| arg["type"]["kind"] == "NON_NULL" && arg["defaultValue"].is_null())
                .map(|arg| {
                    let arg = arg["name"].as_str().expect("an argument name");
                    let value = samples
                        .get(arg)
                        .unwrap_or_else(|| panic!("no sample value for {name}({arg}:)"));
                    format!("{arg}: {value}")
                })
                .collect();
            let mut ty = &field["type"];
            while ty["name"].is_null() {
                ty = &ty["ofType"];
            }
            let composite =
                ["OBJECT", "INTERFACE", "UNION"].contains(&ty["kind"].as_str().unwrap_or(""));
            let arguments = if required.is_empty() {
                String::new()
            } else {
                format!("({})", required.join(", "))
            };
            let selection = if composite { " { __typename }" } else { "" };
            (name, format!("{arguments}{selection}"))
        })
        .collect()
}

on_both_backends!(every_pair_of_root_fields_comes_in_the_order_asked, |app| {
    let fields = root_fields(&app).await;
    assert!(fields.len() >= 15, "{fields:?}");
    let mut hits = 0;
    for (a, a_rest) in &fields {
        for (b, b_rest) in &fields {
            if a == b {
                continue;
            }
            let plain = format!("{{ {a}{a_rest} {b}{b_rest} }}");
            check_order(&app, &plain, &[a, b], &mut hits).await;
            let aliased = format!("{{ second: {a}{a_rest} first: {b}{b_rest} }}");
            check_order(&app, &aliased, &["second", "first"], &mut hits).await;
            let fragments = format!(
                "{{ ... on Query {{ {a}{a_rest} }} ...Rest }} fragment Rest on Query {{ {b}{b_rest} }}"
            );
            check_order(&app, &fragments, &[a, b], &mut hits).await;
        }
    }
    // The second asking of each query was answered from the cache.
    assert!(hits >= fields.len() * (fields.len() - 1) * 3, "{hits} hits");
});

on_both_backends!(nested_objects_come_in_the_order_asked, |app| {
    // Fields that wait on the database (lists, counts) asked before ones that do not.
    let query = "{ states(first: 5) { nodes { hostedConferences { totalCount } name \
                 memberships { nodes { joined { stated } } } code id } totalCount } }";
    let mut hits = 0;
    check_order(&app, query, &["states"], &mut hits).await;
    for _ in 0..2 {
        let (data, _) = data(&app, query).await;
        let states = data.get("states");
        assert_eq!(states.keys(), ["nodes", "totalCount"]);
        for state in states.get("nodes").items() {
            assert_eq!(
                state.keys(),
                ["hostedConferences", "name", "memberships", "code", "id"]
            );
        }
    }
    // A union's members each in the order of their own fragment.
    let query = "{ search(text: \"a\", first: 50) { node { \
                 ... on State { code name } ... on Conference { name ordinal } __typename } } }";
    let (data, _) = data(&app, query).await;
    let results = data.get("search").items();
    assert!(results.len() >= 10, "{results:?}");
    for result in results {
        let keys = result.get("node").keys();
        assert!(
            keys == ["code", "name", "__typename"]
                || keys == ["name", "ordinal", "__typename"]
                || keys == ["__typename"],
            "{keys:?}"
        );
    }
});
