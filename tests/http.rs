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
    let page = app.get("/").await;
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
        let response = app.get(&format!("/graphiql/{asset}")).await;
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
    let missing = app.get("/graphiql/nope.js").await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn health_answers() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let response = app.get("/health").await;
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

#[tokio::test]
async fn ready_request_ids_compression_and_cors() {
    let settings = foc_graph::http::Settings {
        cors_origins: vec!["https://dashboard.example".to_owned()],
        ..Default::default()
    };
    let app = common::spawn_app_with(Backend::Sqlite, settings)
        .await
        .expect("SQLite is always available");
    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), 200);
    // Every response carries a request id; a client's own is kept.
    let first = app.get("/health").await;
    assert!(first.headers().get("x-request-id").is_some());
    let own = app
        .client
        .get(format!("{}/health", app.url))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .expect("GET");
    assert_eq!(own.headers()["x-request-id"], "abc-123");
    // Compressed when asked for.
    let gzip = app
        .client
        .get(format!("{}/schema.graphql", app.url))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("GET");
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    // CORS for the configured origin only.
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let allowed = preflight("https://dashboard.example")
        .await
        .expect("OPTIONS");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://dashboard.example"
    );
    let other = preflight("https://elsewhere.example")
        .await
        .expect("OPTIONS");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn without_its_database_the_server_stays_up_and_says_so() {
    let Some(app) = common::spawn_app(Backend::Postgres).await else {
        return;
    };
    // Take the database away under the running server.
    let admin_url = common::postgres_url().expect("the PostgreSQL URL");
    let name = app
        .database_url
        .rsplit('/')
        .next()
        .expect("a database name")
        .split('?')
        .next()
        .expect("name")
        .to_owned();
    let admin = sea_orm::Database::connect(&admin_url)
        .await
        .expect("connect as admin");
    sea_orm::ConnectionTrait::execute_unprepared(
        &admin,
        &format!("DROP DATABASE \"{name}\" WITH (FORCE)"),
    )
    .await
    .expect("drop the test database");
    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), 503);
    let answer = app.query("{ states { totalCount } }").await;
    assert_eq!(
        answer.body["errors"][0]["extensions"]["code"], "DATABASE_UNAVAILABLE",
        "{}",
        answer.body
    );
    let health = app.get("/health").await;
    assert_eq!(health.status(), 200, "the server itself is alive");
}

#[tokio::test]
async fn metrics_count_requests_statements_and_connections() {
    let app = common::spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let answer = app
        .query("{ states(first: 5) { nodes { memberships { totalCount } } } }")
        .await;
    let statements = answer.sql_statements();
    let refused = app.query("{ nope }").await;
    assert!(!refused.error_messages().is_empty());
    let text = app.get("/metrics").await.text().await.expect("text");
    assert!(
        text.contains(r#"foc_http_requests_total{route="/graphql",status="200"} 2"#),
        "{text}"
    );
    assert!(
        text.contains("foc_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("foc_graphql_errors_total 1"), "{text}");
    assert!(
        text.contains("foc_sql_statements_per_request_count 2"),
        "{text}"
    );
    let sum = text
        .lines()
        .find_map(|l| l.strip_prefix("foc_sql_statements_per_request_sum "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .expect("the statements sum");
    assert_eq!(sum as u64, statements, "the refused query ran no SQL");
    assert!(
        text.contains(r#"foc_db_pool_connections{state="open"}"#),
        "{text}"
    );
}
