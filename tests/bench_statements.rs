//! Every benchmark query (bench/queries) runs at most one SQL statement per list level plus
//! one, and the same number at two scales: pages are cut by the database, so statements do
//! not grow with the data. Runs over synthetic data from `foc-graph generate`.

mod common;

/// Each benchmark query with its list fields (each costs one statement at most, the root
/// list two: its count and its page).
const QUERIES: [(&str, &str, u64); 5] = [
    // states > hostedConferences > hosts
    (
        "dashboard",
        include_str!("../bench/queries/dashboard.graphql"),
        3,
    ),
    // states (its filter runs inside the root statements)
    (
        "filtered",
        include_str!("../bench/queries/filtered.graphql"),
        1,
    ),
    // memberships' aggregate: count, then groups
    (
        "grouped",
        include_str!("../bench/queries/grouped.graphql"),
        1,
    ),
    // state(code:) > memberships, sources
    ("lookup", include_str!("../bench/queries/lookup.graphql"), 2),
    // states > hostedConferences > hosts, without the count
    ("page", include_str!("../bench/queries/page.graphql"), 3),
];

#[test]
fn every_benchmark_query_is_checked() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/queries");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("bench/queries")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".graphql")?.to_owned())
        })
        .collect();
    files.sort();
    let checked: Vec<&str> = QUERIES.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(
        files, checked,
        "bench/queries and the queries checked here differ"
    );
}

async fn statements(app: &common::TestApp, round: &str) -> Vec<u64> {
    let mut counts = Vec::new();
    for (name, query, lists) in QUERIES {
        // A comment of its own each round: the data grows behind the server's back, which
        // its response cache does not see.
        let answer = app.query(&format!("# {round}\n{query}")).await;
        let n = answer.sql_statements();
        assert!(n > 0, "{name} ran no SQL");
        assert!(
            n <= lists + 1,
            "{name}: {n} statements for {lists} list levels"
        );
        counts.push(n);
    }
    counts
}

on_both_backends!(bench_queries_keep_their_statement_bound, |app| {
    let options = |states, seed| foc_graph::generate::GenerateOptions { states, seed };
    foc_graph::generate::generate(&app.db, options(100, 42), &foc_graph::progress::Silent)
        .await
        .expect("generate 100 states");
    let small = statements(&app, "small").await;
    let dashboard = app.query(QUERIES[0].1).await;
    let states = dashboard.data()["states"]["nodes"].as_array().map(Vec::len);
    assert_eq!(states, Some(50), "the dashboard page is full");
    foc_graph::generate::generate(&app.db, options(900, 43), &foc_graph::progress::Silent)
        .await
        .expect("generate 900 more states");
    let large = statements(&app, "large").await;
    assert_eq!(small, large, "statements grew with the data");
    eprintln!(
        "bench statements per request (dashboard, filtered, grouped, lookup, page): {large:?}"
    );
});

on_both_backends!(planned_bench_queries_run_one_statement_each, |app| {
    let options = foc_graph::generate::GenerateOptions {
        states: 100,
        seed: 42,
    };
    foc_graph::generate::generate(&app.db, options, &foc_graph::progress::Silent)
        .await
        .expect("generate 100 states");
    // A server as it runs by default: the planner answers what it covers.
    let settings = foc_graph::http::Settings {
        planner: foc_graph::graphql::plan::PlannerMode::On,
        ..foc_graph::http::Settings::default()
    };
    let (url, _server) = common::serve_as_set(app.db.clone(), settings).await;
    let mut counts = Vec::new();
    for (name, query, lists) in QUERIES {
        let body: serde_json::Value = app
            .client
            .post(format!("{url}/graphql"))
            .json(&serde_json::json!({ "query": query }))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("JSON");
        assert!(body.get("errors").is_none(), "{name}: {body}");
        let n = body["extensions"]["sqlStatements"].as_u64().unwrap_or(0);
        assert_eq!(
            n, 1,
            "{name}: one statement for the whole answer ({lists} list levels)"
        );
        counts.push(n);
    }
    eprintln!(
        "planned statements per request (dashboard, filtered, grouped, lookup, page): {counts:?}"
    );
});
