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
