//! The HTTP surface: GraphQL over GET and POST, GraphiQL and its assets, health.

mod common;

use common::Backend;

#[tokio::test]
async fn graphql_answers_over_get_too() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let response = app
        .client
        .get(format!("{}/graphql", app.url))
        .query(&[("query", "{ conference(ordinal: 3) { city } }")])
        .send()
        .await
        .expect("GET /graphql");
    assert!(response.status().is_success());
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["data"]["conference"]["city"], "Tunis");
}

#[tokio::test]
async fn graphiql_is_served_from_the_binary() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let page = app
        .client
        .get(format!("{}/", app.url))
        .send()
        .await
        .expect("GET /");
    assert!(page.status().is_success());
    let html = page.text().await.expect("page");
    assert!(
        html.contains("query ConferencesAndHosts"),
        "the example query is filled in"
    );
    assert!(!html.contains("__FOC_DEFAULT_QUERY__"));
    for asset in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
    ] {
        assert!(
            html.contains(&format!("/graphiql/{asset}")),
            "the page loads {asset}"
        );
        let response = app
            .client
            .get(format!("{}/graphiql/{asset}", app.url))
            .send()
            .await
            .expect("asset");
        assert!(response.status().is_success(), "{asset}");
        assert!(
            response.bytes().await.expect("bytes").len() > 10_000,
            "{asset} is the real file"
        );
    }
    // Nothing is fetched from elsewhere: no absolute URL in the page's tags.
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "{html}"
    );
    let missing = app
        .client
        .get(format!("{}/graphiql/nope.js", app.url))
        .send()
        .await
        .expect("GET");
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn health_answers() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let response = app
        .client
        .get(format!("{}/health", app.url))
        .send()
        .await
        .expect("GET /health");
    assert!(response.status().is_success());
    assert_eq!(response.text().await.expect("body").trim(), "ok");
}

#[tokio::test]
async fn requests_that_are_not_graphql_get_4xx() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let url = format!("{}/graphql", app.url);
    let no_type = app
        .client
        .post(&url)
        .body(r#"{"query":"{ coalition { name } }"}"#)
        .send()
        .await
        .expect("send");
    assert_eq!(no_type.status(), 415);
    let malformed = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .expect("send");
    assert_eq!(malformed.status(), 400);
    let body: serde_json::Value = malformed.json().await.expect("a JSON error");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("not valid JSON")
    );
    let no_query = app
        .client
        .post(&url)
        .json(&serde_json::json!({ "variables": {} }))
        .send()
        .await
        .expect("send");
    assert_eq!(no_query.status(), 400);
    let mutation = app
        .client
        .get(&url)
        .query(&[("query", "mutation { __typename }")])
        .send()
        .await
        .expect("send");
    assert_eq!(mutation.status(), 405);
    assert_eq!(mutation.headers()["allow"], "POST");
    let unacceptable = app
        .client
        .get(&url)
        .header("accept", "text/html")
        .query(&[("query", "{ coalition { name } }")])
        .send()
        .await
        .expect("send");
    assert_eq!(unacceptable.status(), 406);
}

#[tokio::test]
async fn responses_follow_the_accept_header() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let url = format!("{}/graphql", app.url);
    let send = |accept: &'static str, query: &'static str| {
        app.client
            .post(&url)
            .header("accept", accept)
            .json(&serde_json::json!({ "query": query }))
            .send()
    };
    let plain = send("application/json", "{ coalition { name } }")
        .await
        .expect("send");
    assert_eq!(plain.status(), 200);
    assert!(
        plain.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/json")
    );
    let graphql = send(
        "application/graphql-response+json",
        "{ coalition { name } }",
    )
    .await
    .expect("send");
    assert!(
        graphql.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/graphql-response+json")
    );
    // A document that does not parse: 400 and no data with the GraphQL media type...
    let broken = send("application/graphql-response+json", "{ coalition { name }")
        .await
        .expect("send");
    assert_eq!(broken.status(), 400);
    let body: serde_json::Value = broken.json().await.expect("JSON");
    assert!(
        body.get("data").is_none() && body["errors"].is_array(),
        "{body}"
    );
    // ...200 with plain JSON.
    let broken = send("application/json", "{ coalition { name }")
        .await
        .expect("send");
    assert_eq!(broken.status(), 200);
    // A field error is not a request error: 200 with data.
    let field_error = send(
        "application/graphql-response+json",
        "{ states(first: 0) { totalCount } coalition { name } }",
    )
    .await
    .expect("send");
    assert_eq!(field_error.status(), 200);
}
