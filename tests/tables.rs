//! Any query as a table, on both databases, against the real server: CSV and NDJSON by
//! Accept header or `format=`, the rows of the deepest list with parents repeated, sibling
//! lists refused by name, RFC 4180 quoting, the table page size and the cost limit, errors
//! as JSON, the cache and entity tags, and `pandas.read_csv` reading a CSV link.

mod common;

use serde_json::{Value, json};

use common::{TestApp, curator_settings};

/// The members on 2014-01-16: the worked example of the README.
const MEMBERS_2014: &str =
    "{ states(memberOn: \"2014-01-16\", first: 100) { nodes { code name region } } }";

/// GETs `query` with the query-string parameters given.
async fn get(app: &TestApp, query: &str, params: &[(&str, &str)]) -> reqwest::Response {
    let mut all = vec![("query", query)];
    all.extend_from_slice(params);
    app.client
        .get(format!("{}/graphql", app.url))
        .query(&all)
        .send()
        .await
        .expect("send")
}

/// POSTs `query` accepting `accept`.
async fn post(app: &TestApp, query: &str, accept: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/graphql", app.url))
        .header("accept", accept)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("send")
}

fn content_type(response: &reqwest::Response) -> String {
    response.headers()["content-type"]
        .to_str()
        .unwrap_or("")
        .to_owned()
}

on_both_backends!(a_query_is_a_table_in_csv_and_ndjson, |app| {
    // The JSON answer the table must agree with.
    let data = app.query(MEMBERS_2014).await.data().clone();
    let nodes = data["states"]["nodes"].as_array().expect("nodes").clone();
    assert_eq!(nodes.len(), 22, "the fact sheet's 22 members of 2014-01-16");

    let response = get(&app, MEMBERS_2014, &[("format", "csv")]).await;
    assert_eq!(response.status(), 200);
    assert!(content_type(&response).starts_with("text/csv; charset=utf-8"));
    let bytes = response.bytes().await.expect("a body");
    assert!(
        !bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "no byte-order mark"
    );
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "code,name,region");
    assert_eq!(
        lines.len(),
        22 + 2,
        "header, 22 rows, and the final line end"
    );
    for (line, node) in lines[1..23].iter().zip(&nodes) {
        assert_eq!(
            *line,
            format!(
                "{},{},{}",
                node["code"].as_str().unwrap_or(""),
                node["name"].as_str().unwrap_or(""),
                node["region"].as_str().unwrap_or("")
            )
        );
    }

    // The same by Accept header, and as NDJSON.
    let by_accept = post(&app, MEMBERS_2014, "text/csv").await;
    assert_eq!(by_accept.text().await.expect("a body"), text);
    let response = post(&app, MEMBERS_2014, "application/x-ndjson").await;
    assert_eq!(content_type(&response), "application/x-ndjson");
    let body = response.text().await.expect("a body");
    let rows: Vec<Value> = body
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(rows, nodes, "each line is one row with the answer's values");
});

on_both_backends!(
    nested_lists_give_a_row_per_leaf_and_siblings_are_refused,
    |app| {
        let query = "{ states(first: 5, orderBy: [{field: CODE}]) { totalCount nodes { code
        status: membershipStatus(on: \"2020-01-01\") memberships { nodes { joined { earliest } } } } } }";
        let data = app.query(query).await.data().clone();
        let total = data["states"]["totalCount"].clone();
        let mut expected = vec![
            "states.totalCount,states.nodes.code,states.nodes.status,joined.earliest".to_owned(),
        ];
        for state in data["states"]["nodes"].as_array().expect("states") {
            for membership in state["memberships"]["nodes"]
                .as_array()
                .expect("memberships")
            {
                expected.push(format!(
                    "{total},{},{},{}",
                    state["code"].as_str().unwrap_or(""),
                    state["status"].as_str().unwrap_or(""),
                    membership["joined"]["earliest"].as_str().unwrap_or("")
                ));
            }
        }
        assert!(expected.len() > 2, "the first states have memberships");
        let text = get(&app, query, &[("format", "csv")])
            .await
            .text()
            .await
            .expect("a body");
        assert_eq!(text, format!("{}\r\n", expected.join("\r\n")));

        // Two lists side by side: refused with a clear error naming both, as JSON.
        let siblings =
            "{ states(first: 2) { nodes { code } } conferences(first: 2) { nodes { key } } }";
        let response = get(&app, siblings, &[("format", "csv")]).await;
        assert_eq!(response.status(), 400);
        assert!(content_type(&response).starts_with("application/json"));
        let body: Value = response.json().await.expect("JSON");
        let message = body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(
            message.contains("`states.nodes`") && message.contains("`conferences.nodes`"),
            "{message}"
        );
    }
);

on_both_backends!(tables_quote_what_needs_it, curator_settings(), |app| {
    let answer = app
        .curate(
            "mutation { createState(input: {code: \"QT\", name: \"Comma, \\\"Quote\\\" Land\",
                region: EUROPE, subregion: \"West\", sources: [\"AA-2018\"]}) { id } }",
            json!({}),
        )
        .await;
    answer.data();
    let text = get(
        &app,
        "{ state(code: \"QT\") { code name } }",
        &[("format", "csv")],
    )
    .await
    .text()
    .await
    .expect("a body");
    assert_eq!(
        text,
        "state.code,state.name\r\nQT,\"Comma, \"\"Quote\"\" Land\"\r\n"
    );
});

on_both_backends!(a_table_may_ask_for_more_rows_within_the_cost_limit, |app| {
    let big = "{ commitments(first: 100) { nodes { endorsers(first: 1000) { nodes { id } } } } }";
    // JSON pages stay at 100 items.
    let json_answer = app.query(big).await;
    let message = json_answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(message.contains("between 1 and 100"), "{message}");
    // A table may ask for up to 10,000: one row per endorsement.
    let response = get(&app, big, &[("format", "ndjson")]).await;
    assert_eq!(response.status(), 200);
    let counts = app
        .query("{ commitments(first: 100) { nodes { endorsers { totalCount } } } }")
        .await
        .data()["commitments"]["nodes"]
        .as_array()
        .expect("commitments")
        .iter()
        .map(|c| c["endorsers"]["totalCount"].as_u64().unwrap_or(0).min(1000))
        .sum::<u64>();
    assert!(counts > 100, "more rows than a JSON page holds: {counts}");
    let lines = response.text().await.expect("a body").lines().count() as u64;
    assert_eq!(lines, counts);
    let too_many = get(
        &app,
        "{ sources(first: 10001) { nodes { key } } }",
        &[("format", "csv")],
    )
    .await;
    let body: Value = too_many.json().await.expect("JSON errors");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("between 1 and 10000"),
        "{body}"
    );
    // Nested tables multiply and meet the cost limit like any query.
    let nested =
        "{ states(first: 10000) { nodes { memberships(first: 10000) { nodes { id } } } } }";
    let body: Value = get(&app, nested, &[("format", "csv")])
        .await
        .json()
        .await
        .expect("JSON errors");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
        "{body}"
    );
});

on_both_backends!(
    tables_are_cached_and_revalidated_and_errors_stay_json,
    |app| {
        let first = get(&app, MEMBERS_2014, &[("format", "csv")]).await;
        let etag = first.headers()["etag"].clone();
        let body = first.text().await.expect("a body");
        let again = app
            .client
            .get(format!("{}/graphql", app.url))
            .query(&[("query", MEMBERS_2014), ("format", "csv")])
            .header("if-none-match", etag.clone())
            .send()
            .await
            .expect("send");
        assert_eq!(again.status(), 304);
        // The JSON answer of the same query is another entry, with another tag.
        let json_answer = get(&app, MEMBERS_2014, &[]).await;
        assert_ne!(json_answer.headers()["etag"], etag);
        // A persisted query answers the same table.
        let hash = {
            use sha2::Digest;
            sha2::Sha256::digest(MEMBERS_2014.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let extensions =
            json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
        let persisted = app
            .client
            .get(format!("{}/graphql", app.url))
            .query(&[
                ("query", MEMBERS_2014),
                ("extensions", extensions.as_str()),
                ("format", "csv"),
            ])
            .send()
            .await
            .expect("send");
        assert_eq!(persisted.text().await.expect("a body"), body);
        let by_hash = app
            .client
            .get(format!("{}/graphql", app.url))
            .query(&[("extensions", extensions.as_str()), ("format", "csv")])
            .send()
            .await
            .expect("send");
        assert_eq!(by_hash.text().await.expect("a body"), body);
        // Errors answer JSON, as any request's.
        let response = get(
            &app,
            "{ states { nodes { nosuchfield } } }",
            &[("format", "csv")],
        )
        .await;
        assert!(content_type(&response).starts_with("application/json"));
        let body: Value = response.json().await.expect("JSON");
        assert!(body["errors"].is_array(), "{body}");
        let response = get(&app, MEMBERS_2014, &[("format", "xlsx")]).await;
        assert_eq!(response.status(), 400);
    }
);

/// `pandas.read_csv` of a CSV link reads the right rows and columns, where Python with
/// pandas is installed (`.ci/run` installs it; elsewhere the test says it skipped).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pandas_reads_a_csv_link() {
    let has_pandas = std::process::Command::new("python3")
        .args(["-c", "import pandas"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !has_pandas {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the pandas check may not be skipped under CI: install pandas"
        );
        eprintln!("skipping: Python with pandas is not installed");
        return;
    }
    let app = common::spawn_app(common::Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let url = reqwest::Url::parse_with_params(
        &format!("{}/graphql", app.url),
        &[
            ("query", "{ states(memberOn: \"2014-01-16\", first: 100) { nodes { code name region memberships { totalCount } } } }"),
            ("format", "csv"),
        ],
    )
    .expect("a URL");
    let script = "import sys, pandas\n\
                  frame = pandas.read_csv(sys.argv[1], keep_default_na=False)\n\
                  print(frame.shape[0], frame.shape[1], ','.join(frame.columns), frame['code'].iloc[0])";
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .args(["-c", script, url.as_str()])
            .output()
    })
    .await
    .expect("join")
    .expect("run python3");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8_lossy(&output.stdout);
    let first = app.query(MEMBERS_2014).await.data()["states"]["nodes"][0]["code"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert_eq!(
        printed.trim(),
        format!("22 4 code,name,region,memberships.totalCount {first}")
    );
}
