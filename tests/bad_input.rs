//! Every kind of bad input a public endpoint meets, sent with the curators' token so that
//! writes would be possible: malformed and non-JSON bodies, invalid GraphQL, unknown fields,
//! wrong variable types, depth and alias bombs, fragment cycles, huge pages, invalid and
//! foreign global ids, and SQL-injection strings in every string filter of every list and
//! in search. Each gets a clear 4xx or GraphQL error, never a 5xx, and the dataset is the
//! same afterwards, compared through a full export.

mod common;

use serde_json::{Value, json};

/// Strings that would break a query built by pasting text into SQL.
const INJECTIONS: [&str; 6] = [
    "'; DROP TABLE states; --",
    "KE' OR '1'='1",
    "\" OR 1=1 --",
    "%' UNION SELECT code FROM states --",
    "\\'; DELETE FROM citations; --",
    "_%",
];

/// What a bad request got back.
struct Outcome {
    status: u16,
    body: Value,
}

async fn send(
    app: &common::TestApp,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> Outcome {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.url))
        .bearer_auth(common::ADMIN_TOKEN)
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.expect("send the request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    Outcome {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

async fn graphql(app: &common::TestApp, query: &str, variables: Value) -> Outcome {
    let body = json!({ "query": query, "variables": variables }).to_string();
    send(app, Some("application/json"), body).await
}

/// A refusal: a 4xx, or a GraphQL answer with errors whose messages say something.
fn assert_refused(what: &str, outcome: &Outcome) {
    assert!(outcome.status < 500, "{what}: HTTP {}", outcome.status);
    if outcome.status == 200 {
        let errors = outcome.body["errors"].as_array();
        assert!(
            errors.is_some_and(|e| !e.is_empty()),
            "{what}: accepted: {}",
            outcome.body
        );
    } else {
        assert!(
            (400..500).contains(&outcome.status),
            "{what}: HTTP {}",
            outcome.status
        );
    }
    let text = outcome.body.to_string();
    assert!(text.len() > 20, "{what}: no explanation: {text}");
}

/// An answer without a server error: 200 with data (an empty list is the right answer to
/// a filter no record matches) or a clear GraphQL error.
fn assert_answered(what: &str, outcome: &Outcome) {
    assert_eq!(outcome.status, 200, "{what}: {}", outcome.body);
    let codes: Vec<&str> = outcome.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["extensions"]["code"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        !codes.contains(&"DATABASE_UNAVAILABLE"),
        "{what}: the database failed: {}",
        outcome.body
    );
}

/// Every (list field, filter field) pair whose filter field is a `StringFilter`, read from
/// the schema itself so new lists and filters are covered as they appear.
async fn string_filters(app: &common::TestApp) -> Vec<(String, String)> {
    let introspection = app
        .query(
            "{ __schema { queryType { fields { name args { name type { name kind ofType { name } } } } }
               types { name inputFields { name type { name } } } } }",
        )
        .await;
    let schema = &introspection.data()["__schema"];
    let mut pairs = Vec::new();
    for field in schema["queryType"]["fields"]
        .as_array()
        .expect("root fields")
    {
        let Some(filter) = field["args"]
            .as_array()
            .and_then(|args| args.iter().find(|a| a["name"] == "filter"))
        else {
            continue;
        };
        let filter_type = filter["type"]["name"]
            .as_str()
            .or(filter["type"]["ofType"]["name"].as_str())
            .expect("a filter type name");
        let input = schema["types"]
            .as_array()
            .expect("types")
            .iter()
            .find(|t| t["name"] == filter_type)
            .expect("the filter's input type");
        for input_field in input["inputFields"].as_array().expect("input fields") {
            if input_field["type"]["name"] == "StringFilter" {
                pairs.push((
                    field["name"].as_str().expect("a name").to_owned(),
                    input_field["name"].as_str().expect("a name").to_owned(),
                ));
            }
        }
    }
    pairs
}

mod bad_requests_are_refused_and_change_nothing {
    use super::*;

    on_both_backends!(check, common::curator_settings(), |app| {
        let export = || async {
            foc_graph::dataset::export(&app.db)
                .await
                .expect("export")
                .to_toml()
                .expect("render")
        };
        let before = export().await;
        let mut sent = 0usize;

        // Bodies that are not GraphQL requests.
        for (what, content_type, body) in [
            ("malformed JSON", Some("application/json"), "{ \"query\": "),
            ("a JSON array", Some("application/json"), "[1, 2, 3]"),
            (
                "a JSON string",
                Some("application/json"),
                "\"{ states { totalCount } }\"",
            ),
            (
                "no query",
                Some("application/json"),
                "{ \"variables\": {} }",
            ),
            ("an empty body", Some("application/json"), ""),
            (
                "plain text",
                Some("text/plain"),
                "{ states { totalCount } }",
            ),
            (
                "no content type",
                None,
                "{\"query\":\"{ states { totalCount } }\"}",
            ),
            (
                "form data",
                Some("application/x-www-form-urlencoded"),
                "query=%7B%7D",
            ),
            (
                "binary",
                Some("application/octet-stream"),
                "\u{0}\u{1}\u{2}",
            ),
            (
                "a query that is a number",
                Some("application/json"),
                "{ \"query\": 42 }",
            ),
            (
                "variables that are a list",
                Some("application/json"),
                "{ \"query\": \"{ __typename }\", \"variables\": [1] }",
            ),
        ] {
            let outcome = send(&app, content_type, body).await;
            sent += 1;
            assert_refused(what, &outcome);
        }

        // Documents that are not valid GraphQL, or ask for what does not exist.
        let deep = format!(
            "{{ states {{ nodes {}{} }} }}",
            "{ hostedConferences { nodes { hosts { nodes ".repeat(6),
            "} } } }".repeat(6)
        );
        let aliases = format!(
            "{{ {} }}",
            (0..500)
                .map(|i| format!("a{i}: __typename"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        for (what, query, variables) in [
            ("a syntax error", "{ states { nodes { code }", json!({})),
            (
                "an unknown field",
                "{ states { nodes { password } } }",
                json!({}),
            ),
            (
                "an unknown root field",
                "{ users { totalCount } }",
                json!({}),
            ),
            (
                "an unknown argument",
                "{ states(limit: 5) { totalCount } }",
                json!({}),
            ),
            (
                "a wrong variable type",
                "query($n: Int) { states(first: $n) { totalCount } }",
                json!({ "n": "ten" }),
            ),
            (
                "a missing variable",
                "query($code: String!) { state(code: $code) { name } }",
                json!({}),
            ),
            (
                "a wrong enum value",
                "{ states(region: MARS) { totalCount } }",
                json!({}),
            ),
            (
                "a huge page",
                "{ states(first: 1000000000) { totalCount } }",
                json!({}),
            ),
            (
                "a negative page",
                "{ states(first: -1) { totalCount } }",
                json!({}),
            ),
            (
                "a bad cursor",
                "{ states(after: \"'; DROP TABLE states; --\") { totalCount } }",
                json!({}),
            ),
            ("a depth bomb", deep.as_str(), json!({})),
            ("an alias bomb", aliases.as_str(), json!({})),
            (
                "a fragment cycle",
                "{ states { ...A } } fragment A on StateConnection { ...B } fragment B on StateConnection { ...A }",
                json!({}),
            ),
            (
                "two anonymous operations",
                "{ __typename } { __typename }",
                json!({}),
            ),
            (
                "a subscription",
                "subscription { states { totalCount } }",
                json!({}),
            ),
            (
                "an invalid global id",
                "{ node(id: \"not-an-id\") { id } }",
                json!({}),
            ),
            (
                "an injected global id",
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": "U3RhdGU6MSBPUiAxPTE" }),
            ),
            (
                "a global id of another type",
                "mutation($id: ID!) { deleteConference(id: $id) }",
                json!({ "id": "U3RhdGU6MQ" }),
            ),
            (
                "a global id of nothing",
                "mutation($id: ID!) { deleteState(id: $id) }",
                json!({ "id": "U3RhdGU6OTk5OTk5" }),
            ),
            (
                "an empty search",
                "{ search(text: \"\") { text } }",
                json!({}),
            ),
            (
                "an endless search",
                "query($t: String!) { search(text: $t) { text } }",
                json!({ "t": "x".repeat(5000) }),
            ),
            (
                "a mutation of the wrong shape",
                "mutation { createState(input: { code: 1 }) { id } }",
                json!({}),
            ),
            (
                "a mutation without sources",
                "mutation { createState(input: { code: \"ZZ\", name: \"Z\", region: EUROPE, subregion: \"Z\", sources: [] }) { id } }",
                json!({}),
            ),
        ] {
            let outcome = graphql(&app, query, variables).await;
            sent += 1;
            assert_refused(what, &outcome);
        }

        // SQL injection in every string filter of every list, and in search and lookups.
        let pairs = string_filters(&app).await;
        assert!(pairs.len() >= 20, "too few string filters found: {pairs:?}");
        for (list, field) in &pairs {
            for op in ["eq", "contains", "startsWith"] {
                let query = format!(
                    "query($v: String!) {{ {list}(filter: {{ {field}: {{ {op}: $v }} }}) {{ totalCount }} }}"
                );
                for evil in INJECTIONS {
                    let outcome = graphql(&app, &query, json!({ "v": evil })).await;
                    sent += 1;
                    assert_answered(&format!("{list}.{field}.{op}"), &outcome);
                    assert!(
                        outcome.body["errors"].is_null(),
                        "{list}.{field}.{op}: {}",
                        outcome.body
                    );
                }
            }
        }
        for evil in INJECTIONS {
            for query in [
                "query($v: String!) { search(text: $v) { text } }",
                "query($v: String!) { state(code: $v) { name } }",
            ] {
                let outcome = graphql(&app, query, json!({ "v": evil })).await;
                sent += 1;
                assert_answered(query, &outcome);
            }
        }

        assert_eq!(export().await, before, "a bad request changed the data");
        let still = app.query("{ states { totalCount } }").await;
        assert!(
            still.data()["states"]["totalCount"]
                .as_u64()
                .unwrap_or_default()
                > 20
        );
        eprintln!(
            "bad input: {sent} bad requests sent ({} string filters), data unchanged",
            pairs.len()
        );
    });
}
