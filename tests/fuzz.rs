//! Generated queries, well-formed or not, never get a 5xx or crash the server.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A value a client might put in an argument, sensible or hostile.
fn argument_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        Just("1000000000".to_owned()),
        Just("-1".to_owned()),
        Just("null".to_owned()),
        "[a-zA-Z0-9 _%'\";\\-]{0,12}".prop_map(|s| format!("{s:?}")),
        Just("\"'; DROP TABLE states; --\"".to_owned()),
        Just("\"2014-13-45\"".to_owned()),
        Just("AFRICA".to_owned()),
        Just("NOT_AN_ENUM".to_owned()),
        Just("{ eq: \"KE\" }".to_owned()),
        Just("[]".to_owned()),
        // Nested literals, shallow to far past the limits: the server must refuse the deep
        // ones without recursing on them.
        (1..400usize, prop::sample::select(vec!["and", "or"])).prop_map(|(n, op)| format!(
            "{}{}",
            format!("{{{op}: [").repeat(n),
            "]}".repeat(n)
        )),
        (1..400usize).prop_map(|n| format!("{}{{}}{}", "{not: ".repeat(n), "}".repeat(n))),
        (1..400usize).prop_map(|n| format!(
            "{}{{}}{}",
            "{memberships: {some: {state: ".repeat(n),
            "}}}".repeat(n)
        )),
        (1..3000usize).prop_map(|n| format!("{}1{}", "[".repeat(n), "]".repeat(n))),
    ]
}

/// A selection of fields, nested a few levels, with arguments of any of those values.
fn selection(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        Just("name".to_owned()),
        Just("code".to_owned()),
        Just("id".to_owned()),
        Just("totalCount".to_owned()),
        Just("__typename".to_owned()),
        Just("nope".to_owned()),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let field = prop_oneof![
        Just("states"),
        Just("conferences"),
        Just("memberships"),
        Just("hosts"),
        Just("hostedConferences"),
        Just("nodes"),
        Just("edges"),
        Just("node"),
        Just("aggregate"),
        Just("groupBy"),
        Just("sources"),
        Just("search"),
        Just("state"),
    ];
    let argument = prop_oneof![
        Just("first"),
        Just("last"),
        Just("after"),
        Just("filter"),
        Just("orderBy"),
        Just("memberOn"),
        Just("code"),
        Just("text"),
        Just("keys"),
        Just("id"),
    ];
    let arguments = prop::collection::vec((argument, argument_value()), 0..3).prop_map(|args| {
        if args.is_empty() {
            String::new()
        } else {
            let inner: Vec<String> = args.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("({})", inner.join(", "))
        }
    });
    prop_oneof![
        leaf,
        (
            field,
            arguments,
            prop::collection::vec(selection(depth - 1), 1..4)
        )
            .prop_map(|(f, a, inner)| format!("{f}{a} {{ {} }}", inner.join(" "))),
    ]
    .boxed()
}

/// A query that should run: real lists with page sizes in range and real fields.
fn valid_query() -> impl Strategy<Value = String> {
    let root = prop_oneof![
        Just("states"),
        Just("conferences"),
        Just("documents"),
        Just("sources")
    ];
    let leaf = prop_oneof![Just("id"), Just("__typename")];
    (root, 1..=100i32, leaf)
        .prop_map(|(r, n, l)| format!("{{ {r}(first: {n}) {{ totalCount nodes {{ {l} }} }} }}"))
}

fn document() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(selection(3), 1..4).prop_map(|fields| format!("{{ {} }}", fields.join(" "))),
        2 => valid_query(),
        1 => "[{}()a-z:\"!$@. ]{0,40}",
    ]
}

#[test]
fn generated_queries_never_get_a_server_error() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let app = runtime
        .block_on(common::spawn_app(common::Backend::Sqlite))
        .expect("SQLite is always available");
    // A fixed seed: the same 300 queries on every run, so a failure can be replayed.
    let config = Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let (answered, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    let result = runner.run(&document(), |query| {
        let status = runtime.block_on(async {
            let response = app
                .client
                .post(format!("{}/graphql", app.url))
                .json(&serde_json::json!({ "query": query }))
                .send()
                .await
                .expect("the server answers");
            let status = response.status();
            let body: serde_json::Value = response.json().await.expect("a JSON body");
            assert!(
                body.get("data").is_some() || body.get("errors").is_some(),
                "{body}"
            );
            if body.get("data").is_some_and(|d| !d.is_null()) {
                answered.set(answered.get() + 1);
            }
            if body.get("errors").is_some() {
                refused.set(refused.get() + 1);
            }
            status
        });
        prop_assert!(status.as_u16() < 500, "{status} for {query}");
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    // The generator reaches both sides: queries that run and queries that are refused.
    assert!(
        answered.get() >= 5 && refused.get() >= 5,
        "{} answered, {} refused",
        answered.get(),
        refused.get()
    );
    // And the server is still whole.
    let answer = runtime.block_on(app.query("{ states(first: 100) { totalCount } }"));
    assert_eq!(answer.data()["states"]["totalCount"], 37);
}
