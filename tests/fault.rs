//! A database outage under load. The test starts a PostgreSQL server of its own (`initdb` into
//! a temporary directory, its own port on 127.0.0.1), serves the API over it, and keeps several
//! clients querying while it stops PostgreSQL and later starts it again on the same port and
//! data. It proves that while the database is away the server stays up: `/health` answers 200,
//! `/ready` 503, and every GraphQL request gets a prompt HTTP 200 answer whose error says
//! `DATABASE_UNAVAILABLE` with a clear message, never a panic, a dropped connection, another
//! status or a request that hangs; that no answer ever carries wrong data; and that once the
//! database is back the server recovers by itself, with no restart, serving the same data as
//! before. It measures and prints how long recovery took.
//!
//! The PostgreSQL binaries come from `pg_config --bindir`, else `/usr/lib/postgresql/*/bin`.
//! Without them the test is skipped, except under CI (`CI=true`), where it fails. As root,
//! PostgreSQL runs as the `postgres` user through `runuser`, since `initdb` refuses root.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::cluster::Postgres;

/// The query the load sends: a page of states and their count.
const LOAD_QUERY: &str = "{ states(first: 5) { totalCount nodes { code name } } }";
/// The error code and message of a request the database could not answer
/// (`ApiError::Unavailable` in src/graphql/error.rs).
const UNAVAILABLE_CODE: &str = "DATABASE_UNAVAILABLE";
const UNAVAILABLE_MESSAGE: &str = "the database could not answer; try again later";
/// How many clients query at once.
const WORKERS: usize = 4;
/// The longest any request may take before the test calls it hung: the server's own request
/// timeout (10 s by default) and a margin.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);
/// The most recovery may take.
const RECOVERY_BOUND: Duration = Duration::from_secs(30);

/// Where the test stands; each request is tallied by the phase it was sent in and the phase
/// its answer arrived in.
const HEALTHY: u8 = 0;
const STOPPING: u8 = 1;
const DOWN: u8 = 2;
const STARTING: u8 = 3;
const BACK: u8 = 4;
const RECOVERED: u8 = 5;
const PHASES: usize = 6;

/// Panics anywhere in the process, the server's tasks included.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// What the requests sent in one phase and answered in another came to.
#[derive(Clone, Debug, Default)]
struct Tally {
    requests: usize,
    ok: usize,
    /// Answers with `errors`.
    errors: usize,
    /// Answers with data that differ from the data before the outage.
    wrong_data: usize,
    /// Requests the client gave up on after `CLIENT_TIMEOUT`.
    hung: usize,
    /// Requests that got no HTTP answer at all (connection refused or dropped).
    transport: usize,
    statuses: BTreeMap<u16, usize>,
    /// The `extensions.code` of each error (`-` for none).
    codes: BTreeMap<String, usize>,
    messages: BTreeMap<String, usize>,
    slowest: Duration,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.requests += other.requests;
        self.ok += other.ok;
        self.errors += other.errors;
        self.wrong_data += other.wrong_data;
        self.hung += other.hung;
        self.transport += other.transport;
        for (status, n) in &other.statuses {
            *self.statuses.entry(*status).or_default() += n;
        }
        for (code, n) in &other.codes {
            *self.codes.entry(code.clone()).or_default() += n;
        }
        for (message, n) in &other.messages {
            *self.messages.entry(message.clone()).or_default() += n;
        }
        self.slowest = self.slowest.max(other.slowest);
    }
}

/// Tallies by (phase sent, phase answered).
type Tallies = Arc<Mutex<[[Tally; PHASES]; PHASES]>>;

/// The outcome of one GraphQL request.
enum Outcome {
    Answered { status: u16, body: Value },
    Hung,
    Transport(String),
}

/// POSTs `query` to the server's /graphql, bounded by the client's timeout. Each request
/// carries a comment of its own, so the server's response cache (which would answer a
/// question it already answered, database or not) cannot stand in for the database.
async fn post(client: &reqwest::Client, url: &str, query: &str, accept: &str) -> Outcome {
    static SENT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let sent = client
        .post(format!("{url}/graphql"))
        .header("accept", accept)
        .json(&json!({ "query": format!("# request {n}\n{query}") }))
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(error) if error.is_timeout() => return Outcome::Hung,
        Err(error) => return Outcome::Transport(error.to_string()),
    };
    let status = response.status().as_u16();
    match response.text().await {
        Ok(text) => Outcome::Answered {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        },
        Err(error) if error.is_timeout() => Outcome::Hung,
        Err(error) => Outcome::Transport(error.to_string()),
    }
}

/// The `extensions.code` and message of each error of a GraphQL answer.
fn errors_of(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| {
                    (
                        error["extensions"]["code"]
                            .as_str()
                            .unwrap_or("-")
                            .to_owned(),
                        error["message"].as_str().unwrap_or("-").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One client of the load: queries until told to stop, tallying every outcome.
async fn load(
    client: reqwest::Client,
    url: String,
    expected: Value,
    phase: Arc<AtomicU8>,
    stop: Arc<AtomicBool>,
    tallies: Tallies,
) {
    while !stop.load(Ordering::SeqCst) {
        let sent_in = phase.load(Ordering::SeqCst);
        let started = Instant::now();
        let outcome = post(&client, &url, LOAD_QUERY, "application/json").await;
        let elapsed = started.elapsed();
        let answered_in = phase.load(Ordering::SeqCst);
        {
            let mut tallies = tallies.lock().expect("the tallies lock");
            let tally = &mut tallies[usize::from(sent_in)][usize::from(answered_in)];
            tally.requests += 1;
            tally.slowest = tally.slowest.max(elapsed);
            match outcome {
                Outcome::Hung => tally.hung += 1,
                Outcome::Transport(_) => tally.transport += 1,
                Outcome::Answered { status, body } => {
                    *tally.statuses.entry(status).or_default() += 1;
                    let errors = errors_of(&body);
                    if errors.is_empty() {
                        if body["data"] == expected {
                            tally.ok += 1;
                        } else {
                            tally.wrong_data += 1;
                        }
                    } else {
                        tally.errors += 1;
                        for (code, message) in errors {
                            *tally.codes.entry(code).or_default() += 1;
                            *tally.messages.entry(message).or_default() += 1;
                        }
                    }
                }
            }
        }
        // Steady pressure without starving the two cores the machine has.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Asserts an answer is the documented one for a query the database cannot answer: HTTP 200
/// with `data: null` and one error coded `DATABASE_UNAVAILABLE` with the clear message and
/// nothing of the underlying failure.
fn assert_unavailable(outcome: Outcome, accept: &str) {
    let (status, body) = match outcome {
        Outcome::Answered { status, body } => (status, body),
        Outcome::Hung => panic!("a query during the outage hung ({accept})"),
        Outcome::Transport(error) => {
            panic!("a query during the outage got no HTTP answer ({accept}): {error}")
        }
    };
    // Field errors carry a path, so even application/graphql-response+json answers 200.
    assert_eq!(status, 200, "status during the outage ({accept}): {body}");
    assert_eq!(body["data"], Value::Null, "{body}");
    let errors = errors_of(&body);
    assert!(!errors.is_empty(), "an error is expected: {body}");
    for (code, message) in errors {
        assert_eq!(code, UNAVAILABLE_CODE, "{body}");
        assert_eq!(message, UNAVAILABLE_MESSAGE, "{body}");
    }
    let text = body.to_string();
    for leak in ["127.0.0.1", "refused", "postgres", "sqlx", "pool"] {
        assert!(
            !text.to_lowercase().contains(leak),
            "the answer shows `{leak}`: {text}"
        );
    }
}

/// GETs a path with the client's timeout: its status and body.
async fn get(client: &reqwest::Client, url: &str, path: &str) -> (u16, String) {
    let response = client
        .get(format!("{url}{path}"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {path} got no answer: {error}"));
    let status = response.status().as_u16();
    let body = response
        .text()
        .await
        .unwrap_or_else(|error| panic!("GET {path}: no body: {error}"));
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_survives_a_database_outage_and_recovers_by_itself() {
    let Some((bin, as_postgres)) = common::cluster::available("fault") else {
        return;
    };
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous_hook(info);
    }));

    let postgres = Postgres::start_new(bin, as_postgres);
    let settings = foc_graph::http::Settings::default();
    let pool = foc_graph::db::prepare(&postgres.url(), settings.request_timeout)
        .await
        .expect("prepare the test's PostgreSQL database");
    let request_timeout = settings.request_timeout;
    let (url, server) = common::serve(pool, settings).await;
    let client = reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .expect("an HTTP client");

    // Before the fault: ready, and the data every good answer must repeat.
    assert_eq!(get(&client, &url, "/ready").await.0, 200, "ready at first");
    let expected = match post(&client, &url, LOAD_QUERY, "application/json").await {
        Outcome::Answered { status: 200, body } => common::Answer { body }.data().clone(),
        Outcome::Answered { status, body } => panic!("first query: HTTP {status}: {body}"),
        Outcome::Hung => panic!("the first query hung"),
        Outcome::Transport(error) => panic!("the first query failed: {error}"),
    };
    let count_before = expected["states"]["totalCount"]
        .as_u64()
        .expect("a count of states");
    assert!(count_before > 0, "the seeded database has states");

    // The load.
    let phase = Arc::new(AtomicU8::new(HEALTHY));
    let stop = Arc::new(AtomicBool::new(false));
    let tallies: Tallies = Arc::default();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            tokio::spawn(load(
                client.clone(),
                url.clone(),
                expected.clone(),
                phase.clone(),
                stop.clone(),
                tallies.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The fault.
    phase.store(STOPPING, Ordering::SeqCst);
    tokio::task::block_in_place(|| postgres.stop());
    phase.store(DOWN, Ordering::SeqCst);
    let down_since = Instant::now();

    // While the database is away, checked side by side since each database request waits
    // out the pool's acquire timeout.
    let (health, ready, json_answer, graphql_answer) = tokio::join!(
        get(&client, &url, "/health"),
        get(&client, &url, "/ready"),
        post(&client, &url, LOAD_QUERY, "application/json"),
        post(
            &client,
            &url,
            LOAD_QUERY,
            "application/graphql-response+json"
        ),
    );
    assert_eq!(
        health,
        (200, "ok\n".to_owned()),
        "/health during the outage"
    );
    assert_eq!(
        ready,
        (503, "database unreachable\n".to_owned()),
        "/ready during the outage"
    );
    assert_unavailable(json_answer, "application/json");
    assert_unavailable(graphql_answer, "application/graphql-response+json");
    // Each client sends and gets answered at least one request wholly inside the outage.
    let deadline = Instant::now() + 2 * CLIENT_TIMEOUT;
    loop {
        let inside = tallies.lock().expect("the tallies lock")[usize::from(DOWN)]
            [usize::from(DOWN)]
        .requests;
        if inside >= WORKERS {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {inside} load requests were answered during the outage"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!server.is_finished(), "the server task is still running");
    let outage = down_since.elapsed();

    // The database returns, on the same port and data.
    phase.store(STARTING, Ordering::SeqCst);
    tokio::task::block_in_place(|| postgres.start());
    phase.store(BACK, Ordering::SeqCst);
    let back_at = Instant::now();
    let mut ready_after = None;
    let recovered_after = loop {
        let elapsed = back_at.elapsed();
        assert!(
            elapsed < RECOVERY_BOUND,
            "the server did not recover within {RECOVERY_BOUND:?} of the database's return \
             (ready: {ready_after:?})"
        );
        if get(&client, &url, "/ready").await.0 == 200 {
            ready_after.get_or_insert(back_at.elapsed());
            if let Outcome::Answered { status: 200, body } =
                post(&client, &url, LOAD_QUERY, "application/json").await
                && errors_of(&body).is_empty()
            {
                assert_eq!(body["data"], expected, "the first answer after the outage");
                break back_at.elapsed();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    phase.store(RECOVERED, Ordering::SeqCst);
    // Some load on the recovered server, then the end of it.
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.await.expect("a load client ends without panicking");
    }

    // The same data as before the fault, by a second query too.
    let count_after = match post(
        &client,
        &url,
        "{ states { totalCount } }",
        "application/json",
    )
    .await
    {
        Outcome::Answered { status: 200, body } => {
            common::Answer { body }.data()["states"]["totalCount"]
                .as_u64()
                .expect("a count of states")
        }
        Outcome::Answered { status, body } => panic!("count after: HTTP {status}: {body}"),
        Outcome::Hung => panic!("the count after the outage hung"),
        Outcome::Transport(error) => panic!("the count after the outage failed: {error}"),
    };
    assert_eq!(count_after, count_before, "the states after the outage");
    assert_eq!(get(&client, &url, "/ready").await.0, 200, "ready again");
    assert!(!server.is_finished(), "the server task is still running");

    let tallies = tallies.lock().expect("the tallies lock").clone();
    let mut all = Tally::default();
    let mut during = Tally::default();
    for (sent_in, row) in tallies.iter().enumerate() {
        for tally in row {
            all.add(tally);
            if (usize::from(STOPPING)..=usize::from(STARTING)).contains(&sent_in) {
                during.add(tally);
            }
        }
    }
    let summary = |name: &str, tally: &Tally| {
        eprintln!(
            "fault: {name}: {} requests, {} ok, {} errors {:?}, statuses {:?}, {} wrong data, \
             {} hung, {} without answer, slowest {} ms",
            tally.requests,
            tally.ok,
            tally.errors,
            tally.codes,
            tally.statuses,
            tally.wrong_data,
            tally.hung,
            tally.transport,
            tally.slowest.as_millis()
        );
    };
    let names = [
        "healthy",
        "stopping",
        "down",
        "starting",
        "back",
        "recovered",
    ];
    for (sent_in, row) in tallies.iter().enumerate() {
        let mut sent = Tally::default();
        row.iter().for_each(|tally| sent.add(tally));
        summary(&format!("sent while {}", names[sent_in]), &sent);
    }

    // Every request got a prompt, documented answer; no answer carried wrong data.
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "no panics");
    assert_eq!(all.hung, 0, "no request hung: {all:?}");
    assert_eq!(
        all.transport, 0,
        "every request got an HTTP answer: {all:?}"
    );
    assert!(
        all.slowest < request_timeout,
        "every answer came within the request timeout of {request_timeout:?}, from the \
         pool's acquire timeout: {all:?}"
    );
    assert_eq!(
        all.statuses.keys().collect::<Vec<_>>(),
        vec![&200],
        "database errors answer HTTP 200 with GraphQL errors: {all:?}"
    );
    assert_eq!(all.wrong_data, 0, "no wrong data: {all:?}");
    assert!(
        all.codes.keys().all(|code| code == UNAVAILABLE_CODE),
        "the only error is {UNAVAILABLE_CODE}: {all:?}"
    );
    assert!(
        all.messages
            .keys()
            .all(|message| message == UNAVAILABLE_MESSAGE),
        "the only message is the clear one: {all:?}"
    );
    // Before the fault all went well; inside the outage nothing could; after recovery all
    // went well again.
    let healthy = &tallies[usize::from(HEALTHY)][usize::from(HEALTHY)];
    assert!(healthy.ok > 0 && healthy.errors == 0, "before: {healthy:?}");
    let inside = &tallies[usize::from(DOWN)][usize::from(DOWN)];
    assert!(
        inside.requests >= WORKERS && inside.ok == 0 && inside.errors == inside.requests,
        "inside the outage: {inside:?}"
    );
    let recovered = &tallies[usize::from(RECOVERED)][usize::from(RECOVERED)];
    assert!(
        recovered.ok > 0 && recovered.errors == 0,
        "after recovery: {recovered:?}"
    );
    assert!(recovered_after < RECOVERY_BOUND);

    eprintln!(
        "fault: database down for {} ms; /ready 200 {} ms and first good answer {} ms after \
         it returned",
        outage.as_millis(),
        ready_after.unwrap_or_default().as_millis(),
        recovered_after.as_millis()
    );
    eprintln!(
        "fault: recovered {} ms after the database returned ({} requests during the outage, \
         {} errors, {} ok)",
        recovered_after.as_millis(),
        during.requests,
        during.errors,
        during.ok
    );
}
