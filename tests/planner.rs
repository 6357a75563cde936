//! The read planner against the resolvers, over HTTP on both databases: two servers over one
//! database, one planning (`--planner on`) and one resolving field by field (`off`), give the
//! same bytes of `data` for every query, and the planning one runs one statement per root
//! list field it covers. (Every other test runs its server with the planner verifying, so
//! the whole suite holds the two equal; this one checks what verifying cannot: the planned
//! bytes themselves, and the statement count.)

mod common;

use foc_graph::graphql::plan::PlannerMode;
use serde_json::json;

/// Queries the planner covers, each with its number of root list fields.
const COVERED: &[(&str, u64)] = &[
    (
        "{ states { totalCount nodes { id code name region subregion __typename } } }",
        1,
    ),
    (
        r#"{ states(first: 3, after: "Y3Vyc29yOjE", filter: {region: {eq: EUROPE}}, orderBy: [{field: CODE, direction: DESC}]) {
            __typename totalCount
            edges { cursor node { code } __typename }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename } } }"#,
        1,
    ),
    (
        "{ a: organizations(first: 2) { nodes { name kind } } b: organizations(first: 2) { nodes { key } } }",
        2,
    ),
    (
        "{ memberships(first: 5) { nodes { id founding ordinal note } } }",
        1,
    ),
    (
        "{ fundings { nodes { key amount currency qualifier fundersComplete } } }",
        1,
    ),
    (
        "{ claims(first: 100) { nodes { topic statement value subject } } }",
        1,
    ),
    (
        "{ commitments { nodes { key kind title endorsedOnJoining } } }",
        1,
    ),
    ("{ conferences { totalCount pageInfo { hasNextPage } } }", 1),
    (
        "{ states(first: 5) { nodes { ...Names } } } fragment Names on State { code ... on State { name } }",
        1,
    ),
    ("{ states(first: 2) { nodes { code } nodes { name } } }", 1),
    // Past the end of the list: an empty page, as the resolvers place it.
    (
        r#"{ states(first: 5, after: "Y3Vyc29yOjk5OTk") { totalCount nodes { code } pageInfo { hasPreviousPage startCursor } } }"#,
        1,
    ),
    (
        r#"{ states(filter: {name: {eq: "No such state"}}) { totalCount nodes { code } } }"#,
        1,
    ),
    // A filtered list counts with its page, and apart where the page is past its end.
    (
        r#"{ states(first: 5, after: "Y3Vyc29yOjk5OTk", filter: {region: {eq: EUROPE}}) { totalCount nodes { code } pageInfo { hasNextPage hasPreviousPage } } }"#,
        1,
    ),
    (
        r#"{ commitments(kind: PRINCIPLE, first: 2) { totalCount nodes { key } } conferences(first: 1, filter: {hosts: {some: {region: {eq: EUROPE}}}}) { totalCount nodes { name } } }"#,
        2,
    ),
    // Nested lists (children, links, citations) and parents, with their own arguments.
    (
        r#"query Q($first: Int = 2, $region: Region) {
            states(first: 5, filter: {region: {eq: $region}}) { nodes {
                code
                memberships { totalCount nodes { founding joined { stated precision earliest latest narrowedBy narrowingNote } left { stated } state { code } } }
                hostedConferences(first: $first, orderBy: [{field: START_DATE, direction: DESC}]) {
                    totalCount pageInfo { hasNextPage endCursor }
                    edges { cursor node { name startDate endDate hosts { nodes { code } } } } }
                sources(first: 2, filter: {key: {startsWith: "F"}}) { totalCount nodes { key published { stated } } }
                organizations { nodes { name parent { name } units { nodes { key } } } } } } }"#,
        1,
    ),
    (
        "{ initiatives { nodes { name launched { stated } launchedAt { name hosts { nodes { code } } } manager { name homeState { code } } fundings { nodes { key amount } } } } }",
        1,
    ),
    // Aggregates: totals, measures and groups, at the root and in nested lists.
    (
        r#"{ states(memberOn: "2014-01-16", first: 100) { aggregate { count groupBy(keys: [REGION]) { region subregion count __typename } __typename } } }"#,
        1,
    ),
    (
        "{ fundings { aggregate { count totalAmount largestAmount groupBy(keys: [CURRENCY, QUALIFIER]) { currency qualifier count totalAmount smallestAmount } } } }",
        1,
    ),
    (
        "{ states(first: 3) { nodes { code hostedConferences { totalCount aggregate { count earliestStartDate } } endorsedCommitments { aggregate { count groupBy(keys: [KIND]) { kind count } } } } } }",
        1,
    ),
    // Roots that give one row, and null where there is none.
    (
        r#"{ state(code: "nl") { code memberships { nodes { founding } } sources(first: 1) { nodes { key } } } conference(ordinal: 1) { name startDate } none: state(code: "ZZ") { code } }"#,
        3,
    ),
];

/// Queries it leaves to the resolvers: the answer must not change either.
const FALLBACK: &[&str] = &[
    "{ states(last: 3) { nodes { code } } }",
    "{ states(first: 20) { nodes { code hostedConferences { edges { role node { name } } } } } }",
    "{ states(first: 2) { nodes { code membershipStatus(on: \"2014-01-16\") } } }",
    "{ states(first: 2) { nodes { code @skip(if: true) name } } }",
];

/// Two servers over the app's database with `settings`: one planning (`--planner on`), one
/// resolving field by field (`off`); their addresses, and their tasks to keep them running.
async fn both(
    app: &common::TestApp,
    settings: foc_graph::http::Settings,
) -> (String, String, [tokio::task::JoinHandle<()>; 2]) {
    let with = |planner| foc_graph::http::Settings {
        planner,
        ..settings.clone()
    };
    let (planned, a) = common::serve_as_set(app.db.clone(), with(PlannerMode::On)).await;
    let (resolved, b) = common::serve_as_set(app.db.clone(), with(PlannerMode::Off)).await;
    (planned, resolved, [a, b])
}

/// The `data` member as the server wrote it, byte for byte.
fn data_text(body: &str) -> &str {
    let start = body.find("\"data\":").map_or(0, |at| at + 7);
    let end = body.rfind(",\"extensions\"").unwrap_or(body.len() - 1);
    &body[start..end]
}

/// POSTs `query` to `url`: the body as text and as JSON.
async fn post(client: &reqwest::Client, url: &str, query: &str) -> (String, serde_json::Value) {
    post_request(client, url, &json!({ "query": query })).await
}

/// POSTs a request (query, variables) to `url`: the body as text and as JSON, which must
/// hold no errors.
async fn post_request(
    client: &reqwest::Client,
    url: &str,
    request: &serde_json::Value,
) -> (String, serde_json::Value) {
    let text = client
        .post(format!("{url}/graphql"))
        .json(request)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    let body: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(body.get("errors").is_none(), "{request}: {body}");
    (text, body)
}

on_both_backends!(planned_and_resolved_answers_are_the_same_bytes, |app| {
    let (planned, resolved, _servers) = both(&app, foc_graph::http::Settings::default()).await;
    for (query, roots) in COVERED {
        let (planned_text, planned_body) = post(&app.client, &planned, query).await;
        let (resolved_text, _) = post(&app.client, &resolved, query).await;
        assert_eq!(
            data_text(&planned_text),
            data_text(&resolved_text),
            "{query}"
        );
        assert_eq!(
            planned_body["extensions"]["sqlStatements"],
            json!(roots),
            "one statement per root list field: {query}"
        );
    }
    for query in FALLBACK {
        let (planned_text, _) = post(&app.client, &planned, query).await;
        let (resolved_text, _) = post(&app.client, &resolved, query).await;
        assert_eq!(
            data_text(&planned_text),
            data_text(&resolved_text),
            "{query}"
        );
    }
    // The metrics count what was planned.
    let planned_count = gauge(
        &app.client,
        &planned,
        "foc_planner_fields{outcome=\"planned\"}",
    )
    .await;
    assert!(planned_count >= COVERED.len() as u64);
});

/// The root lists, each with its length.
const TOTALS: &str = "{ chairships { totalCount } claims { totalCount } commitments { totalCount }
    conferences { totalCount } documents { totalCount } fundings { totalCount }
    initiatives { totalCount } memberships { totalCount } organizations { totalCount }
    people { totalCount } sources { totalCount } states { totalCount } }";

/// Every count the database keeps equals its table's rows, and the planner's totals (read
/// from those counts) equal the resolvers' (counted).
async fn counts_are_kept(app: &common::TestApp, planned: &str, resolved: &str, when: &str) {
    use sea_orm::{ConnectionTrait, EntityTrait};
    let kept = entity::row_count::Entity::find()
        .all(&app.db)
        .await
        .expect("the kept counts");
    assert_eq!(kept.len(), 12, "a count for every root list's table");
    for count in kept {
        let sql = format!("SELECT count(*) AS n FROM {}", count.table_name);
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                sql,
            ))
            .await
            .expect("count")
            .expect("a row");
        let rows: i64 = row.try_get("", "n").expect("the count");
        assert_eq!(count.row_count, rows, "{} {when}", count.table_name);
    }
    let (planned_text, _) = post(&app.client, planned, TOTALS).await;
    let (resolved_text, _) = post(&app.client, resolved, TOTALS).await;
    assert_eq!(
        data_text(&planned_text),
        data_text(&resolved_text),
        "{when}"
    );
}

on_both_backends!(
    row_counts_follow_every_write,
    common::curator_settings(),
    |app| {
        let (planned, resolved, _servers) = both(&app, foc_graph::http::Settings::default()).await;
        counts_are_kept(&app, &planned, &resolved, "after the seed").await;

        let created = app
            .curate(
                "mutation($input: StateInput!) { createState(input: $input) { id } }",
                json!({ "input": { "code": "ZZ", "name": "Zedland", "region": "EUROPE",
                    "subregion": "Northern Europe", "sources": ["FS2014"] } }),
            )
            .await;
        let id = created.data()["createState"]["id"].clone();
        assert!(id.is_string(), "{:?}", created.body);
        counts_are_kept(&app, &planned, &resolved, "after a state was added").await;
        let deleted = app
            .curate(
                "mutation($id: ID!) { deleteState(id: $id) }",
                json!({ "id": id }),
            )
            .await;
        assert!(deleted.body.get("errors").is_none(), "{:?}", deleted.body);
        counts_are_kept(&app, &planned, &resolved, "after it was deleted").await;

        let options = foc_graph::generate::GenerateOptions {
            states: 20,
            seed: 7,
        };
        foc_graph::generate::generate(&app.db, options, &foc_graph::progress::Silent)
            .await
            .expect("generate 20 states");
        counts_are_kept(&app, &planned, &resolved, "after generating").await;

        let text = common::export_text(&app.db).await;
        foc_graph::dataset::import(&app.db, &text, &foc_graph::progress::Silent)
            .await
            .expect("import");
        counts_are_kept(&app, &planned, &resolved, "after an import").await;

        // The planner reads the kept count rather than counting: a count set wrong by hand
        // shows in its answer (and only there).
        use sea_orm::ConnectionTrait;
        let shift = |by: i64| {
            format!(
                "UPDATE row_counts SET row_count = row_count + {by} WHERE table_name = 'states'"
            )
        };
        app.db
            .execute_unprepared(&shift(1000))
            .await
            .expect("shift");
        let states = |url: String| {
            let client = app.client.clone();
            async move {
                post(&client, &url, "{ states(first: 1) { totalCount } }")
                    .await
                    .1["data"]["states"]["totalCount"]
                    .as_i64()
                    .expect("a total")
            }
        };
        let (planned_total, resolved_total) = (
            states(planned.clone()).await,
            states(resolved.clone()).await,
        );
        app.db
            .execute_unprepared(&shift(-1000))
            .await
            .expect("shift back");
        assert_eq!(planned_total, resolved_total + 1000);
    }
);

/// The value of a gauge in a server's metrics.
async fn gauge(client: &reqwest::Client, url: &str, name: &str) -> u64 {
    let metrics = client
        .get(format!("{url}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics text");
    metrics
        .lines()
        .find(|line| line.starts_with(name))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("{name} in {metrics}"))
}

on_both_backends!(a_repeated_request_reuses_its_plans, |app| {
    // No response cache: every request runs.
    let settings = foc_graph::http::Settings {
        cache_max_age: std::time::Duration::ZERO,
        ..foc_graph::http::Settings::default()
    };
    let (planned, resolved, _servers) = both(&app, settings).await;
    let reused = || gauge(&app.client, &planned, "foc_planner_plans_reused");
    assert_eq!(reused().await, 0);
    // Every covered query twice: the second time each root field is decided by the plan
    // kept from the first, and answers the same bytes.
    let roots: u64 = COVERED.iter().map(|(_, roots)| roots).sum();
    for (query, _) in COVERED {
        let (first, _) = post(&app.client, &planned, query).await;
        let (second, _) = post(&app.client, &planned, query).await;
        assert_eq!(data_text(&first), data_text(&second), "{query}");
    }
    assert_eq!(reused().await, roots);
    // A plan is kept for its variables: others are planned anew, and answered for themselves.
    let query = "query Q($region: Region) { states(first: 3, filter: {region: {eq: $region}}) { totalCount nodes { code } } }";
    let mut answers = Vec::new();
    for region in ["EUROPE", "AFRICA", "EUROPE"] {
        let body = json!({ "query": query, "variables": { "region": region } });
        let mut texts = Vec::new();
        for url in [&planned, &resolved] {
            let (text, _) = post_request(&app.client, url, &body).await;
            texts.push(data_text(&text).to_owned());
        }
        assert_eq!(texts[0], texts[1], "{region}");
        answers.push(texts.swap_remove(0));
    }
    assert_ne!(answers[0], answers[1], "the regions' answers differ");
    assert_eq!(
        reused().await,
        roots + 1,
        "only the repeated variables reuse a plan"
    );
});
