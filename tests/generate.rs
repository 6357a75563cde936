//! `foc-graph generate`: synthetic data beside the real dataset, on SQLite and PostgreSQL.
//! The binary seeds and generates into two fresh databases; the test then checks the counts
//! it printed against the tables, that every generated record cites the synthetic source,
//! that the Coalition's rules hold (members endorse what is endorsed on joining), that the
//! search index is current, that the API serves the data (and answers the load test's
//! queries), and that the same seed gave the same records in both databases.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::Backend;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

const STATES: u64 = 200;
const SEED: &str = "7";

/// Runs the binary against `url`; its standard output, or a panic with its errors.
fn foc_graph(url: &str, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_foc-graph"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run foc-graph");
    assert!(
        output.status.success(),
        "foc-graph {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The rows per table that a `seed` or `generate` run reports adding.
fn added(out: &str) -> HashMap<String, u64> {
    out.lines()
        .filter_map(|line| {
            let (table, rest) = line.split_once(": ")?;
            let n = rest.strip_suffix(" added")?.parse().ok()?;
            Some((table.to_owned(), n))
        })
        .collect()
}

/// Seeds the built-in dataset, then generates: the rows each added per table.
fn seed_and_generate(url: &str) -> (HashMap<String, u64>, HashMap<String, u64>) {
    let seeded = added(&foc_graph(url, &["seed"]));
    let states = STATES.to_string();
    let out = foc_graph(url, &["generate", "--states", &states, "--seed", SEED]);
    assert!(out.contains(" rows generated in "), "{out}");
    (seeded, added(&out))
}

/// The single number a query returns.
async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("run the query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

async fn check(backend: Backend) {
    let Some((url, _guard)) = common::fresh_database(backend).await else {
        return;
    };
    let Some((twin_url, _twin_guard)) = common::fresh_database(backend).await else {
        return;
    };
    // The twin database, for the determinism check at the end, fills meanwhile.
    let twin_run = {
        let twin_url = twin_url.clone();
        std::thread::spawn(move || seed_and_generate(&twin_url))
    };
    let (seeded, added) = seed_and_generate(&url);
    let db = Database::connect(&url).await.expect("connect");

    let expected = [
        ("sources", 1),
        ("states", STATES),
        ("conferences", STATES / 20),
        ("chairships", STATES / 50),
        ("documents", STATES / 100),
        ("commitments", STATES / 100 * 5),
        ("organizations", STATES / 100),
        ("fundings", STATES / 50),
    ];
    for (table, n) in expected {
        assert_eq!(added.get(table), Some(&n), "{table}: {added:?}");
    }
    let memberships = added["memberships"];
    assert!(
        (150..=200).contains(&memberships),
        "about 90%: {memberships}"
    );
    // What was there is still there, beside what was added.
    assert_eq!(added.len(), 14, "{added:?}");
    for (table, n) in &added {
        let total = number(&db, &format!("SELECT COUNT(*) FROM {table}")).await;
        let before = seeded.get(table).copied().unwrap_or_default();
        assert_eq!(total as u64, before + n, "{table}");
    }
    let hosts = added["conference_hosts"];
    assert!((STATES / 20..=STATES / 20 * 3).contains(&hosts), "{hosts}");

    // Every generated record cites the synthetic source, and only it.
    let citable: u64 = [
        "states",
        "memberships",
        "conferences",
        "chairships",
        "documents",
        "commitments",
        "endorsements",
        "organizations",
        "fundings",
    ]
    .iter()
    .map(|table| added[*table])
    .sum();
    assert_eq!(added["citations"], citable);
    let synthetic_source = "(SELECT id FROM sources WHERE key = 'SYNTHETIC-7')";
    assert_eq!(
        number(
            &db,
            &format!("SELECT COUNT(*) FROM citations WHERE source_id = {synthetic_source}")
        )
        .await,
        citable as i64
    );
    assert_eq!(
        number(
            &db,
            "SELECT COUNT(*) FROM states s WHERE NOT EXISTS (SELECT 1 FROM citations c \
             WHERE c.record_kind = 'state' AND c.record_id = s.id)"
        )
        .await,
        0,
        "every state cites a source"
    );
    assert_eq!(
        number(
            &db,
            &format!(
                "SELECT COUNT(*) FROM states s JOIN citations c ON c.record_kind = 'state' \
                 AND c.record_id = s.id WHERE c.source_id = {synthetic_source} \
                 AND s.name NOT LIKE 'Synthetic State %'"
            )
        )
        .await,
        0,
        "no real state is marked synthetic"
    );
    // Each member, real or synthetic, endorses each commitment endorsed on joining.
    assert_eq!(
        number(
            &db,
            "SELECT COUNT(*) FROM memberships m CROSS JOIN commitments c \
             WHERE c.endorsed_on_joining AND NOT EXISTS (SELECT 1 FROM endorsements e \
             WHERE e.state_id = m.state_id AND e.commitment_id = c.id)"
        )
        .await,
        0
    );
    // The index the generator wrote is the one the records call for.
    assert_eq!(
        foc_graph::search::reindex(&db).await.expect("reindex"),
        0,
        "the search index is current"
    );

    // The API serves the synthetic records.
    let (server, _task) = common::serve(db.clone(), foc_graph::http::Settings::default()).await;
    let response = ask(
        &server,
        r#"{
            states { totalCount }
            state(code: "xa") { name sources { nodes { key title } } }
            search(text: "synthetic state 1", first: 1) { field }
        }"#,
    )
    .await;
    assert!(response.get("errors").is_none(), "{response}");
    let data = &response["data"];
    assert_eq!(data["states"]["totalCount"], 37 + STATES);
    assert_eq!(data["state"]["name"], "Synthetic State 1");
    let sources = &data["state"]["sources"]["nodes"];
    assert_eq!(sources[0]["key"], "SYNTHETIC-7", "{sources}");
    assert!(
        sources[0]["title"]
            .as_str()
            .is_some_and(|t| t.contains("Synthetic")),
        "{sources}"
    );
    assert_eq!(data["search"][0]["field"], "name");
    // The load test's queries (bench/queries) still fit the schema and answer.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/queries");
    let mut benched = 0;
    for entry in std::fs::read_dir(&dir).expect("bench/queries") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "graphql") {
            continue;
        }
        let query = std::fs::read_to_string(&path).expect("read the query");
        let response = ask(&server, &query).await;
        assert!(
            response.get("errors").is_none() && !response["data"].is_null(),
            "{}: {response}",
            path.display()
        );
        benched += 1;
    }
    assert_eq!(benched, 5);

    // The same seed over the same data gives the same records.
    let (_, twin_added) = twin_run.join().expect("the twin run");
    assert_eq!(twin_added, added);
    let twin = Database::connect(&twin_url).await.expect("connect");
    let export = common::export_text(&db).await;
    assert!(export.contains("SYNTHETIC-7"));
    assert_eq!(export, common::export_text(&twin).await);

    // A seed already generated is refused in one line; another one adds beside it.
    let refused = Command::new(env!("CARGO_BIN_EXE_foc-graph"))
        .args(["--database-url", &twin_url, "generate", "--states", "5"])
        .args(["--seed", SEED])
        .env_remove("DATABASE_URL")
        .output()
        .expect("run foc-graph");
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("already holds the synthetic data of seed 7"),
        "{stderr}"
    );
    let out = foc_graph(&twin_url, &["generate", "--states", "30", "--seed", "8"]);
    assert!(out.contains("states: 30 added"), "{out}");
    assert_eq!(
        number(&twin, "SELECT COUNT(*) FROM states").await,
        37 + STATES as i64 + 30
    );
    let _ = db.close().await;
    let _ = twin.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    check(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    check(Backend::Postgres).await;
}

/// The JSON answer of the server at `server` to `query`.
async fn ask(server: &str, query: &str) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{server}/graphql"))
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
        .expect("send the query")
        .json()
        .await
        .expect("a JSON answer")
}

/// With standard error not a terminal (piped here), `generate` writes a plain line to it as
/// each stage ends: the stage, its rows, the rows in all of about how many, the time taken
/// and left. Standard output keeps the summary alone.
#[test]
fn progress_goes_to_standard_error_in_plain_lines() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("foc.sqlite").display()
    );
    foc_graph(&url, &["seed"]);
    let states = STATES.to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_foc-graph"))
        .args(["--database-url", &url, "generate", "--states", &states])
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run foc-graph");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stderr}");

    // The summary, as before: a line per table, then the total.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 15, "{stdout}");
    assert!(
        lines[..14].iter().all(|l| l.ends_with(" added")),
        "{stdout}"
    );
    let total: u64 = lines[14]
        .split_once(" rows generated in ")
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("the total: {stdout}"));

    // A line per stage, in order, each counting the rows so far.
    let stages = [
        "states",
        "memberships",
        "conferences",
        "chairships",
        "documents",
        "endorsements",
        "organizations",
        "fundings",
        "citations",
        "search index",
    ];
    let done: Vec<(&str, u64, u64, u64)> = stderr
        .lines()
        .map(|line| {
            let parse = |n: &str| n.replace(',', "").parse::<u64>().ok();
            let rest = line.strip_prefix("generate: ")?;
            let (stage, rest) = rest.split_once(" done: ")?;
            let (rows, rest) = rest.split_once(" row")?;
            let rest = rest.trim_start_matches('s').strip_prefix(" in ")?;
            let (_, rest) = rest.split_once(" s; ")?;
            let (so_far, rest) = rest.split_once(" of about ")?;
            let (expected, rest) = rest.split_once(" rows in all, ")?;
            assert!(rest.ends_with(" left"), "{line}");
            Some((stage, parse(rows)?, parse(so_far)?, parse(expected)?))
        })
        .map(|parsed| parsed.unwrap_or_else(|| panic!("a progress line: {stderr}")))
        .collect();
    assert_eq!(
        done.iter().map(|d| d.0).collect::<Vec<_>>(),
        stages,
        "{stderr}"
    );
    let mut so_far = 0;
    for (stage, rows, total_so_far, _) in &done {
        so_far += rows;
        assert_eq!(*total_so_far, so_far, "{stage}: {stderr}");
    }
    assert_eq!(so_far, total, "{stderr}");
    // The estimate the time left rests on is near the truth.
    let expected = done[0].3;
    assert!(
        expected * 4 >= total * 3 && expected * 4 <= total * 5,
        "about {expected} rows expected, {total} written"
    );
}
