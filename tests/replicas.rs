//! Several servers over one PostgreSQL primary and a streaming standby of it, as the real
//! binary runs them. The test starts a primary of its own (`initdb` into a temporary
//! directory), a standby of it (`pg_basebackup -R`), server A over the primary alone, and
//! servers B and C that read from the standby (C allows only 500 ms of replay lag). Writes
//! go through A; the test proves that B keeps up with them:
//!
//! 1. a subscription on B receives each write committed through A within a second of the
//!    mutation's answer, with the record as written, and nothing of a refused one;
//! 2. a cached GET on B answers the new data within a second, and its old ETag stops
//!    getting 304;
//! 3. a read on B that names the version a write through A committed (`min-dataset-version`)
//!    sees that write on its first try;
//! 4. 1,000 subscribers on B each receive 100 successive writes in order with no gap, and
//!    B's memory stays within bounds;
//! 5. when the primary ends the servers' listening connections, they say they are not
//!    hearing writes, reconnect by themselves, and no write made meanwhile goes unnoticed;
//! 6. while the standby's replay is paused, C turns not ready and says how far behind it
//!    is, B passes no write on that its reads cannot see yet, and both recover on resume;
//! 7. A and B give the same answer the same entity tag, so either honours the other's;
//! 8. 200 successive writes through A reach a subscriber on B with a p99 under a second,
//!    and B's cached reads show each of 20 writes within a second;
//! 9. A killed (SIGKILL) in the middle of its writes costs B's readers nothing: every read
//!    sent to B meanwhile is answered, and B's data ends where the primary's does;
//! 10. with the standby stopped, B turns not ready, refuses reads cleanly and stays up,
//!     and once the standby is back it is ready again and answers by itself.
//!
//! It prints the latencies, counts and memory figures it measures. The PostgreSQL binaries
//! come from `pg_config --bindir`, else `/usr/lib/postgresql/*/bin`. Without them the test
//! is skipped, except under CI (`CI=true`), where it fails. As root, PostgreSQL runs as the
//! `postgres` user through `runuser`, since `initdb` refuses root.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, TransactionTrait,
};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use common::ADMIN_TOKEN;
use common::cluster::Postgres;

/// How long a committed write may take to reach B's subscribers and B's cached reads.
const DELIVERY: Duration = Duration::from_secs(1);
/// How long the test waits to be sure that nothing arrives.
const QUIET: Duration = Duration::from_millis(1500);
/// How many subscribers B holds at once in the load phase, and how many writes they follow.
const SUBSCRIBERS: usize = 1000;
const CHANGES: usize = 100;
/// The most B's resident memory may grow by while it holds the subscribers.
const MAX_GROWTH_MIB: f64 = 200.0;
/// C's `--max-read-lag-ms`.
const MAX_READ_LAG_MS: u64 = 500;
/// How long the test allows for anything that depends on the lag measure, which the servers
/// take once a second.
const LAG_NOTICED: Duration = Duration::from_secs(5);

const CREATE: &str = "mutation($code: String!, $name: String!, $sources: [String!]!) {
    createState(input: {code: $code, name: $name, region: EUROPE, subregion: \"West\", sources: $sources}) { id code name }
}";
const UPDATE: &str = "mutation($id: ID!, $code: String!, $name: String!) {
    updateState(id: $id, input: {code: $code, name: $name, region: EUROPE, subregion: \"West\", sources: [\"AA-2018\"]}) { id code name }
}";
const DATASET_CHANGED: &str = "subscription { datasetChanged { version cause replaced complete
    records { kind id operation record { __typename ... on State { code name } } } } }";
const RECORD_CHANGED: &str = "subscription { recordChanged(kinds: [STATE]) {
    kind id operation version record { __typename ... on State { code name } } } }";
/// What each of the many subscribers asks for: nothing that needs the database, so the
/// load is the fan-out itself.
const VERSIONS: &str = "subscription { datasetChanged { version cause } }";

/// One `foc-graph serve` process; killed when dropped.
struct Server {
    name: &'static str,
    url: String,
    child: Child,
    log: PathBuf,
}

impl Server {
    /// Starts the binary over `primary` with `args` after `serve`, and waits until it
    /// answers `/health` (the first one migrates and seeds the database, which takes a
    /// while).
    async fn start(
        name: &'static str,
        logs: &Path,
        primary: &str,
        args: &[&str],
        client: &reqwest::Client,
    ) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let listen = format!("127.0.0.1:{port}");
        let log = logs.join(format!("{name}.log"));
        let stderr = std::fs::File::create(&log).expect("create the server's log file");
        let child = Command::new(env!("CARGO_BIN_EXE_foc-graph"))
            .args(["--database-url", primary, "serve", "--listen", &listen])
            .args(["--admin-token", ADMIN_TOKEN])
            .args(args)
            // Warnings only: a log line per request would cost the two cores more than the
            // load phase itself.
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start the server");
        let mut server = Server {
            name,
            url: format!("http://{listen}"),
            child,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let health = client.get(format!("{}/health", server.url)).send().await;
            if health.is_ok_and(|response| response.status().is_success()) {
                return server;
            }
            assert!(
                matches!(server.child.try_wait(), Ok(None)),
                "server {name} exited at start:\n{}",
                server.log_text()
            );
            assert!(
                Instant::now() < deadline,
                "server {name} did not answer /health within 60 s:\n{}",
                server.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The process's resident memory, in MiB.
    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read the server's /proc status");
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("a VmRSS line in /proc/<pid>/status");
        kib / 1024.0
    }

    /// The CPU time the process has used so far.
    fn cpu(&self) -> Duration {
        cpu_of(&self.child.id().to_string())
    }

    /// One value of `/metrics`.
    async fn metric(&self, client: &reqwest::Client, name: &str) -> f64 {
        let text = client
            .get(format!("{}/metrics", self.url))
            .send()
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("the /metrics body");
        metric_in(&text, name)
            .unwrap_or_else(|| panic!("server {}: no `{name}` in /metrics:\n{text}", self.name))
    }

    /// Waits until a value of `/metrics` passes `test`; panics with `what` after `bound`.
    async fn await_metric(
        &self,
        client: &reqwest::Client,
        name: &str,
        test: impl Fn(f64) -> bool,
        bound: Duration,
        what: &str,
    ) -> Duration {
        let started = Instant::now();
        loop {
            let value = self.metric(client, name).await;
            if test(value) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < bound,
                "server {}: {what} within {bound:?} (`{name}` is {value})",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// `GET /ready`: its status and body.
    async fn ready(&self, client: &reqwest::Client) -> (u16, String) {
        let response = client
            .get(format!("{}/ready", self.url))
            .send()
            .await
            .expect("GET /ready");
        let status = response.status().as_u16();
        (status, response.text().await.expect("the /ready body"))
    }

    /// Waits until `/ready` answers `status`; its body, and how long it took.
    async fn await_ready(
        &self,
        client: &reqwest::Client,
        status: u16,
        bound: Duration,
    ) -> (String, Duration) {
        let started = Instant::now();
        loop {
            let (now, body) = self.ready(client).await;
            if now == status {
                return (body, started.elapsed());
            }
            assert!(
                started.elapsed() < bound,
                "server {}: /ready did not answer {status} within {bound:?}: {now} {body}",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// POSTs a query (without the curators' token) with extra headers: the answer's JSON.
    async fn post(&self, client: &reqwest::Client, query: &str, headers: &[(&str, &str)]) -> Value {
        let mut request = client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query }));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("send the query");
        assert_eq!(response.status(), 200, "server {}: {query}", self.name);
        response.json().await.expect("a JSON answer")
    }

    /// GETs `/graphql?query=...`, revalidating `etag` when given: status, ETag and body.
    async fn get_query(
        &self,
        client: &reqwest::Client,
        query: &str,
        etag: Option<&str>,
    ) -> (u16, Option<String>, String) {
        let headers: Vec<(&str, &str)> = etag
            .map(|etag| ("if-none-match", etag))
            .into_iter()
            .collect();
        self.get_query_with(client, query, &headers).await
    }

    /// GETs `/graphql?query=...` with extra headers: status, ETag and body.
    async fn get_query_with(
        &self,
        client: &reqwest::Client,
        query: &str,
        headers: &[(&str, &str)],
    ) -> (u16, Option<String>, String) {
        let mut request = client
            .get(format!("{}/graphql", self.url))
            .query(&[("query", query)]);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("GET /graphql");
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        (status, etag, response.text().await.expect("a body"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The CPU time (user and system) process `pid` has used so far, from `/proc/<pid>/stat`.
fn cpu_of(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc/<pid>/stat");
    // The fields after the command name, which may hold spaces, start with the state
    // (field 3); user and system time are fields 14 and 15, in clock ticks.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: u64 = fields[11..13]
        .iter()
        .map(|field| field.parse::<u64>().expect("a clock tick count"))
        .sum();
    let output = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .expect("run getconf CLK_TCK");
    let per_second: u64 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("clock ticks per second");
    Duration::from_millis(ticks * 1000 / per_second)
}

/// The value of metric `name` in a Prometheus text.
fn metric_in(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|line| {
        let mut parts = line.split_whitespace();
        (parts.next() == Some(name))
            .then(|| parts.next()?.parse().ok())
            .flatten()
    })
}

/// A committed (or refused) mutation, as the client saw it.
struct Written {
    body: Value,
    /// The version it committed: `extensions.datasetVersion`, checked against the header.
    version: Option<i64>,
    sent: Instant,
    answered: Instant,
}

/// Sends a mutation with the curators' token through `server`.
async fn write(
    client: &reqwest::Client,
    server: &Server,
    query: &str,
    variables: Value,
) -> Written {
    let sent = Instant::now();
    let response = client
        .post(format!("{}/graphql", server.url))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("send the mutation");
    assert_eq!(response.status(), 200, "a mutation's status");
    let header = response
        .headers()
        .get("dataset-version")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<i64>().ok());
    let body: Value = response.json().await.expect("a JSON answer");
    let answered = Instant::now();
    let version = body["extensions"]["datasetVersion"].as_i64();
    assert_eq!(
        header, version,
        "the header and the extension agree: {body}"
    );
    Written {
        body,
        version,
        sent,
        answered,
    }
}

/// A mutation that must commit: what it wrote, and the version.
async fn commit(
    client: &reqwest::Client,
    server: &Server,
    query: &str,
    variables: Value,
) -> (Written, i64) {
    let written = write(client, server, query, variables).await;
    assert!(
        written.body.get("errors").is_none(),
        "the mutation failed: {}",
        written.body
    );
    let version = written
        .version
        .unwrap_or_else(|| panic!("a committed mutation reports its version: {}", written.body));
    (written, version)
}

/// Creates a state through `server`: its global id and the version committed.
async fn create_state(
    client: &reqwest::Client,
    server: &Server,
    code: &str,
    name: &str,
) -> (String, Written, i64) {
    let (written, version) = commit(
        client,
        server,
        CREATE,
        json!({ "code": code, "name": name, "sources": ["AA-2018"] }),
    )
    .await;
    let id = written.body["data"]["createState"]["id"]
        .as_str()
        .expect("the new state's id")
        .to_owned();
    (id, written, version)
}

/// Renames a state through `server`.
async fn rename_state(
    client: &reqwest::Client,
    server: &Server,
    id: &str,
    code: &str,
    name: &str,
) -> (Written, i64) {
    commit(
        client,
        server,
        UPDATE,
        json!({ "id": id, "code": code, "name": name }),
    )
    .await
}

/// Splits a Server-Sent Events byte stream into events.
#[derive(Default)]
struct EventParser {
    buffer: Vec<u8>,
}

impl EventParser {
    /// The events a chunk completes: each one's name and data. Comments (keep-alives) are
    /// not events.
    fn push(&mut self, chunk: &[u8]) -> Vec<(String, String)> {
        self.buffer.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some(end) = self.buffer.windows(2).position(|pair| pair == b"\n\n") {
            let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&block);
            let mut name = None;
            let mut data = Vec::new();
            for line in text.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    name = Some(value.trim().to_owned());
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push(value.strip_prefix(' ').unwrap_or(value));
                }
            }
            if name.is_some() || !data.is_empty() {
                events.push((
                    name.unwrap_or_else(|| "message".to_owned()),
                    data.join("\n"),
                ));
            }
        }
        events
    }
}

/// Opens a subscription over Server-Sent Events: the response's body once the server
/// answered 200 with an event stream.
async fn open_stream(
    client: &reqwest::Client,
    server: &Server,
    query: &str,
) -> impl futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + use<> {
    let response = client
        .post(format!("{}/graphql", server.url))
        .header("accept", "text/event-stream")
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("open the event stream");
    assert_eq!(response.status(), 200, "the event stream's status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("text/event-stream"),
        "an event stream: {content_type}"
    );
    response.bytes_stream()
}

/// An event and when the client had it.
struct Event {
    at: Instant,
    name: String,
    data: Value,
}

/// One subscription, read by a task of its own so each event's arrival is timed as it
/// comes, whatever the test is doing meanwhile.
struct Subscription {
    events: mpsc::UnboundedReceiver<Event>,
    reader: tokio::task::JoinHandle<()>,
}

impl Subscription {
    async fn open(client: &reqwest::Client, server: &Server, query: &str) -> Subscription {
        let mut bytes = Box::pin(open_stream(client, server, query).await);
        let (sender, events) = mpsc::unbounded_channel();
        let reader = tokio::spawn(async move {
            let mut parser = EventParser::default();
            while let Some(Ok(chunk)) = bytes.next().await {
                let at = Instant::now();
                for (name, data) in parser.push(&chunk) {
                    let data = serde_json::from_str(&data).unwrap_or(Value::String(data));
                    if sender.send(Event { at, name, data }).is_err() {
                        return;
                    }
                }
            }
        });
        Subscription { events, reader }
    }

    /// The next event within `wait`, if one comes.
    async fn next(&mut self, wait: Duration) -> Option<Event> {
        tokio::time::timeout(wait, self.events.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next event, which must be a `next` event without errors arriving within `wait`.
    async fn expect_next(&mut self, wait: Duration, what: &str) -> Event {
        let event = self
            .next(wait)
            .await
            .unwrap_or_else(|| panic!("{what}: no event within {wait:?}"));
        assert_eq!(event.name, "next", "{what}: {}", event.data);
        assert!(
            event.data.get("errors").is_none(),
            "{what}: an error: {}",
            event.data
        );
        event
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Milliseconds, for printing.
fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

/// Two-letter codes for the states the test creates; the seeded data has none beginning
/// with Q or X.
struct Codes(AtomicUsize);

impl Codes {
    fn next(&self) -> String {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        assert!(n < 52, "the test ran out of state codes");
        let first = if n < 26 { 'Q' } else { 'X' };
        let second = char::from(b'A' + u8::try_from(n % 26).expect("a letter"));
        format!("{first}{second}")
    }
}

/// What every phase works with.
struct Cluster {
    /// For control requests and writes.
    client: reqwest::Client,
    /// For event streams, which must not time out.
    streams: reqwest::Client,
    primary_db: DatabaseConnection,
    standby_db: DatabaseConnection,
    a: Server,
    b: Server,
    c: Server,
    codes: Codes,
}

impl Cluster {
    /// Waits until B's reads reflect `version`.
    async fn b_reflects(&self, version: i64) {
        self.b
            .await_metric(
                &self.client,
                "foc_dataset_version",
                |v| v >= version as f64,
                Duration::from_secs(10),
                &format!("reads reflect version {version}"),
            )
            .await;
    }

    /// Waits until B holds `count` subscribers.
    async fn b_subscribers(&self, count: usize, bound: Duration) -> Duration {
        self.b
            .await_metric(
                &self.client,
                "foc_subscribers",
                |v| v >= count as f64,
                bound,
                &format!("{count} subscribers"),
            )
            .await
    }

    /// Opens subscriptions on B and waits until the server has subscribed them all (the
    /// answer's headers come before the subscription starts).
    async fn subscribe_on_b(&self, queries: &[&str]) -> Vec<Subscription> {
        let before = self.b.metric(&self.client, "foc_subscribers").await as usize;
        let mut subscriptions = Vec::new();
        for query in queries {
            subscriptions.push(Subscription::open(&self.streams, &self.b, query).await);
        }
        self.b_subscribers(before + queries.len(), Duration::from_secs(10))
            .await;
        subscriptions
    }
}

/// The first value of the row `sql` returns.
async fn sql_one<T: sea_orm::TryGetable>(db: &DatabaseConnection, sql: &str) -> T {
    db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
        .unwrap_or_else(|| panic!("{sql}: no row"))
        .try_get_by_index(0)
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_over_a_primary_and_its_standby_keep_up_with_every_write() {
    let Some((bin, as_postgres)) = common::cluster::available("replica") else {
        return;
    };
    let started = Instant::now();

    let primary = tokio::task::block_in_place(|| Postgres::start_new(bin, as_postgres));
    let primary_db = Database::connect(primary.url())
        .await
        .expect("connect to the primary");
    // Commits wait for their WAL to be written, as by default: the throwaway cluster's
    // `synchronous_commit = off` would hold each commit back from the standby until the WAL
    // writer's next round (up to 200 ms), which no deployment's latency includes.
    primary_db
        .execute_unprepared("ALTER SYSTEM SET synchronous_commit = on")
        .await
        .expect("set synchronous_commit");
    let _: bool = sql_one(&primary_db, "SELECT pg_reload_conf()").await;
    let standby = tokio::task::block_in_place(|| Postgres::standby_of(&primary));
    let standby_db = Database::connect(standby.url())
        .await
        .expect("connect to the standby");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !sql_one::<bool>(&standby_db, "SELECT pg_is_in_recovery()").await {
        assert!(Instant::now() < deadline, "the standby is not in recovery");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let streaming: i64 = sql_one(
        &primary_db,
        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
    )
    .await;
    assert_eq!(streaming, 1, "the standby streams from the primary");

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let streams = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("an HTTP client for event streams");
    let logs = tempfile::tempdir().expect("a directory for the servers' logs");
    let standby_url = standby.url();
    let a = Server::start("A", logs.path(), &primary.url(), &[], &client).await;
    let b = Server::start(
        "B",
        logs.path(),
        &primary.url(),
        &["--read-database-url", &standby_url],
        &client,
    )
    .await;
    let c = Server::start(
        "C",
        logs.path(),
        &primary.url(),
        &[
            "--read-database-url",
            &standby_url,
            "--max-read-lag-ms",
            &MAX_READ_LAG_MS.to_string(),
        ],
        &client,
    )
    .await;
    for server in [&a, &b, &c] {
        server
            .await_metric(
                &client,
                "foc_change_feed_hearing",
                |v| v == 1.0,
                Duration::from_secs(10),
                "hearing writes",
            )
            .await;
    }
    eprintln!(
        "replicas: primary, standby and servers A, B, C up in {} ms",
        started.elapsed().as_millis()
    );
    let mut cluster = Cluster {
        client,
        streams,
        primary_db,
        standby_db,
        a,
        b,
        c,
        codes: Codes(AtomicUsize::new(0)),
    };

    let phase = Instant::now();
    subscriptions_hear_writes_through_another_server(&cluster).await;
    eprintln!("replicas: phase 1 took {} ms", phase.elapsed().as_millis());
    let phase = Instant::now();
    cached_reads_follow_writes_through_another_server(&cluster).await;
    eprintln!("replicas: phase 2 took {} ms", phase.elapsed().as_millis());
    let phase = Instant::now();
    a_client_reads_its_own_writes(&cluster).await;
    eprintln!("replicas: phase 3 took {} ms", phase.elapsed().as_millis());
    let phase = Instant::now();
    many_subscribers_each_get_every_write_in_order(&cluster).await;
    eprintln!("replicas: phase 4 took {} ms", phase.elapsed().as_millis());
    let phase = Instant::now();
    a_lost_listening_connection_is_noticed_and_replaced(&cluster).await;
    eprintln!("replicas: phase 5 took {} ms", phase.elapsed().as_millis());
    let phase = Instant::now();
    a_lagging_standby_is_reported_and_waited_for(&cluster).await;
    eprintln!("replicas: phase 6 took {} ms", phase.elapsed().as_millis());
    let phase = Instant::now();
    entity_tags_agree_across_servers(&cluster).await;
    eprintln!("replicas: phase 7 took {} ms", phase.elapsed().as_millis());
    let phase = Instant::now();
    writes_reach_another_server_within_bounds(&cluster).await;
    eprintln!("replicas: phase 8 took {} ms", phase.elapsed().as_millis());
    // A is gone from here on: B and C still have the primary and the standby.
    let phase = Instant::now();
    reads_on_b_outlive_a_killed_under_load(&mut cluster).await;
    eprintln!("replicas: phase 9 took {} ms", phase.elapsed().as_millis());
    let phase = Instant::now();
    a_stopped_standby_is_reported_and_recovered_from(&mut cluster, &standby).await;
    eprintln!("replicas: phase 10 took {} ms", phase.elapsed().as_millis());

    assert!(!cluster.a.is_running(), "server A stays killed");
    for server in [&mut cluster.b, &mut cluster.c] {
        let name = server.name;
        let running = server.is_running();
        assert!(
            running,
            "server {name} is still running:\n{}",
            server.log_text()
        );
    }
    for server in [&cluster.a, &cluster.b, &cluster.c] {
        let log = server.log_text();
        assert!(
            !log.contains("panicked"),
            "server {} panicked:\n{log}",
            server.name
        );
    }
    eprintln!(
        "replicas: all phases passed in {} ms",
        started.elapsed().as_millis()
    );
    drop(cluster);
    drop(standby);
    drop(primary);
}

/// Phase 1: a subscription on B hears a write committed through A, with the record as
/// written; a refused write sends nothing, and the next write's version follows the first's.
async fn subscriptions_hear_writes_through_another_server(cluster: &Cluster) {
    let mut subscriptions = cluster
        .subscribe_on_b(&[DATASET_CHANGED, RECORD_CHANGED])
        .await;
    let mut records = subscriptions.pop().expect("the recordChanged subscription");
    let mut dataset = subscriptions
        .pop()
        .expect("the datasetChanged subscription");

    let code = cluster.codes.next();
    let (id, written, first) = create_state(&cluster.client, &cluster.a, &code, "Firstland").await;
    let event = records
        .expect_next(DELIVERY, "recordChanged on B after a write through A")
        .await;
    let latency = event.at.saturating_duration_since(written.answered);
    assert!(
        latency <= DELIVERY,
        "the event came {} ms after the mutation's answer",
        ms(latency)
    );
    assert_eq!(
        event.data["data"]["recordChanged"],
        json!({ "kind": "STATE", "id": id, "operation": "CREATED", "version": first,
                "record": { "__typename": "State", "code": code, "name": "Firstland" } }),
        "the record in the event is the one written"
    );
    let change = dataset
        .expect_next(DELIVERY, "datasetChanged on B after a write through A")
        .await;
    assert_eq!(
        change.data["data"]["datasetChanged"],
        json!({ "version": first, "cause": "MUTATION", "replaced": false, "complete": true,
                "records": [{ "kind": "STATE", "id": id, "operation": "CREATED",
                "record": { "__typename": "State", "code": code, "name": "Firstland" } }] })
    );
    eprintln!(
        "replicas: write through A reached B's subscriber {} ms after the mutation's answer \
         ({} ms after it was sent)",
        ms(latency),
        ms(event.at.saturating_duration_since(written.sent))
    );

    // Refused writes roll back, so nothing is announced.
    let next_code = cluster.codes.next();
    for (sources, message) in [
        (json!([]), "every fact must cite at least one source"),
        (json!(["NO-SUCH-SOURCE"]), "NO-SUCH-SOURCE"),
    ] {
        let refused = write(
            &cluster.client,
            &cluster.a,
            CREATE,
            json!({ "code": next_code, "name": "Nowhere", "sources": sources }),
        )
        .await;
        assert!(
            refused.body["errors"].to_string().contains(message),
            "the refusal says `{message}`: {}",
            refused.body
        );
        assert_eq!(
            refused.version, None,
            "a refused mutation commits no version"
        );
    }
    if let Some(event) = dataset.next(QUIET).await {
        panic!("a refused write sent an event: {}", event.data);
    }
    if let Some(event) = records.next(Duration::ZERO).await {
        panic!("a refused write sent a record: {}", event.data);
    }

    let (id, written, second) =
        create_state(&cluster.client, &cluster.a, &next_code, "Secondland").await;
    assert_eq!(
        second,
        first + 1,
        "the next committed write has the next version"
    );
    let change = dataset
        .expect_next(DELIVERY, "datasetChanged after the refusals")
        .await;
    assert_eq!(change.data["data"]["datasetChanged"]["version"], second);
    let event = records
        .expect_next(DELIVERY, "recordChanged after the refusals")
        .await;
    let latency = event.at.saturating_duration_since(written.answered);
    assert!(latency <= DELIVERY, "{} ms", ms(latency));
    assert_eq!(event.data["data"]["recordChanged"]["id"], id);
    assert_eq!(event.data["data"]["recordChanged"]["version"], second);
    assert_eq!(
        event.data["data"]["recordChanged"]["record"]["name"],
        "Secondland"
    );
    eprintln!(
        "replicas: after two refused writes, the next (version {second}, the first's + 1) \
         reached B's subscriber {} ms after its answer",
        ms(latency)
    );
}

/// Phase 2: a GET on B, cached and revalidated by ETag, answers a write through A within
/// the delivery bound; until then the old ETag still gets 304.
async fn cached_reads_follow_writes_through_another_server(cluster: &Cluster) {
    let (client, b) = (&cluster.client, &cluster.b);
    let code = cluster.codes.next();
    let query = format!("{{ states {{ totalCount }} state(code: \"{code}\") {{ code name }} }}");
    let (status, etag, body) = b.get_query(client, &query, None).await;
    assert_eq!(status, 200, "{body}");
    let before: Value = serde_json::from_str(&body).expect("a JSON answer");
    assert_eq!(before["data"]["state"], Value::Null, "{body}");
    let count = before["data"]["states"]["totalCount"]
        .as_i64()
        .expect("a count of states");
    let etag = etag.expect("a read answered by GET has an ETag");
    let (status, _, _) = b.get_query(client, &query, Some(&etag)).await;
    assert_eq!(status, 304, "the ETag gets 304 while the data is unchanged");

    let (_, written, _) = create_state(client, &cluster.a, &code, "Cacheland").await;
    let mut revalidations = 0;
    let (new_etag, body) = loop {
        let (status, new_etag, body) = b.get_query(client, &query, Some(&etag)).await;
        revalidations += 1;
        if status == 200 {
            break (new_etag, body);
        }
        assert_eq!(status, 304, "{body}");
        assert!(
            written.answered.elapsed() <= DELIVERY,
            "B still answers 304 to the old ETag {} ms after the write",
            written.answered.elapsed().as_millis()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let latency = written.answered.elapsed();
    let after: Value = serde_json::from_str(&body).expect("a JSON answer");
    assert_eq!(
        after["data"],
        json!({ "states": { "totalCount": count + 1 },
                "state": { "code": code, "name": "Cacheland" } }),
        "the answer after the write has the new data"
    );
    let new_etag = new_etag.expect("the new answer has an ETag");
    assert_ne!(new_etag, etag, "new data, new ETag");
    let (status, _, _) = b.get_query(client, &query, Some(&new_etag)).await;
    assert_eq!(status, 304, "the new ETag gets 304");
    eprintln!(
        "replicas: B's cached GET answered the write through A {} ms after the mutation's \
         answer ({revalidations} revalidations)",
        ms(latency)
    );
}

/// Phase 3: a read on B naming the version a write through A committed sees that write at
/// once.
async fn a_client_reads_its_own_writes(cluster: &Cluster) {
    const ROUNDS: usize = 20;
    let (client, b) = (&cluster.client, &cluster.b);
    let mut stale_without = 0;
    let mut waits = Vec::new();
    for round in 0..ROUNDS {
        let code = cluster.codes.next();
        let name = format!("Mine {round}");
        let (_, _, version) = create_state(client, &cluster.a, &code, &name).await;
        let query = format!("{{ state(code: \"{code}\") {{ name }} }}");
        // The same question without the version at the same moment, for comparison: B
        // may not have the write yet.
        let plain_query = format!("# plain\n{query}");
        let wanted = version.to_string();
        let started = Instant::now();
        let (answer, plain) = tokio::join!(
            async {
                let answer = b
                    .post(client, &query, &[("min-dataset-version", &wanted)])
                    .await;
                (answer, started.elapsed())
            },
            b.post(client, &plain_query, &[]),
        );
        let (answer, waited) = answer;
        waits.push(waited);
        assert_eq!(
            answer["data"]["state"]["name"], name,
            "round {round}: the first read naming version {version} sees the write: {answer}"
        );
        if plain["data"]["state"].is_null() {
            stale_without += 1;
        }
    }
    waits.sort();
    eprintln!(
        "replicas: {ROUNDS} reads on B with min-dataset-version each saw the write through A \
         at once (median {} ms, slowest {} ms); {stale_without} of {ROUNDS} reads without the \
         header, sent alongside, did not see it yet",
        ms(waits[ROUNDS / 2]),
        ms(waits[ROUNDS - 1])
    );
}

/// Phase 4: 1,000 subscribers on B each receive every one of 100 writes through A, in order
/// and without gaps, and B's memory stays within bounds.
async fn many_subscribers_each_get_every_write_in_order(cluster: &Cluster) {
    let (client, b) = (&cluster.client, &cluster.b);
    let code = cluster.codes.next();
    let (id, _, start) = create_state(client, &cluster.a, &code, "Loadland").await;
    // Subscribers that come before B has passed this write on would receive it too.
    cluster.b_reflects(start).await;
    let subscribers_before = b.metric(client, "foc_subscribers").await as usize;
    let connections_before = b.metric(client, "foc_live_connections").await as usize;
    let rss_before = b.rss_mib();

    // A client per 250 connections, none kept idle: each stream is a connection of its own.
    let clients: Vec<reqwest::Client> = (0..SUBSCRIBERS.div_ceil(250))
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .expect("an HTTP client for the subscribers")
        })
        .collect();
    let received = Arc::new(AtomicUsize::new(0));
    // Connections open a few dozen at a time, as a crowd of clients would, not all in one
    // burst at the listening socket.
    let opening = Arc::new(tokio::sync::Semaphore::new(50));
    let connect_started = Instant::now();
    let subscribers: Vec<_> = (0..SUBSCRIBERS)
        .map(|n| {
            let client = clients[n % clients.len()].clone();
            let url = b.url.clone();
            let received = received.clone();
            let opening = opening.clone();
            tokio::spawn(async move {
                let permit = opening
                    .acquire_owned()
                    .await
                    .expect("the opening semaphore");
                let response = client
                    .post(format!("{url}/graphql"))
                    .header("accept", "text/event-stream")
                    .json(&json!({ "query": VERSIONS }))
                    .send()
                    .await
                    .map_err(|error| format!("subscriber {n}: {error}"))?;
                if response.status() != 200 {
                    return Err(format!("subscriber {n}: HTTP {}", response.status()));
                }
                drop(permit);
                let mut bytes = Box::pin(response.bytes_stream());
                let mut parser = EventParser::default();
                let mut versions: Vec<(Instant, i64)> = Vec::with_capacity(CHANGES);
                while versions.len() < CHANGES {
                    let Some(chunk) = bytes.next().await else {
                        return Err(format!(
                            "subscriber {n}: the stream ended after {} events",
                            versions.len()
                        ));
                    };
                    let chunk = chunk.map_err(|error| format!("subscriber {n}: {error}"))?;
                    let at = Instant::now();
                    for (name, data) in parser.push(&chunk) {
                        let data: Value = serde_json::from_str(&data)
                            .map_err(|error| format!("subscriber {n}: {error}: {data}"))?;
                        let version = data["data"]["datasetChanged"]["version"].as_i64();
                        match (name.as_str(), version) {
                            ("next", Some(version))
                                if data["data"]["datasetChanged"]["cause"] == "MUTATION" =>
                            {
                                versions.push((at, version));
                                received.fetch_add(1, Ordering::Relaxed);
                            }
                            _ => return Err(format!("subscriber {n}: `{name}` event {data}")),
                        }
                    }
                }
                Ok(versions)
            })
        })
        .collect();
    cluster
        .b_subscribers(subscribers_before + SUBSCRIBERS, Duration::from_secs(60))
        .await;
    let connect_time = connect_started.elapsed();
    let connections = b.metric(client, "foc_live_connections").await as usize;
    assert!(
        connections >= connections_before + SUBSCRIBERS,
        "each subscriber holds a connection of its own: {connections} live connections"
    );
    let rss_connected = b.rss_mib();
    let (b_cpu, own_cpu) = (b.cpu(), cpu_of("self"));

    // The writes, one after another as fast as A takes them.
    let mut answered = Vec::with_capacity(CHANGES);
    let writes_started = Instant::now();
    for n in 1..=CHANGES {
        let (written, version) =
            rename_state(client, &cluster.a, &id, &code, &format!("Loadland {n}")).await;
        assert_eq!(version, start + n as i64, "no other writer");
        answered.push(written.answered);
    }
    let writes_time = writes_started.elapsed();
    let all = futures_util::future::join_all(subscribers);
    let results = match tokio::time::timeout(Duration::from_secs(120), all).await {
        Ok(results) => results,
        Err(_) => panic!(
            "the subscribers received {} of {} events within 120 s",
            received.load(Ordering::Relaxed),
            SUBSCRIBERS * CHANGES
        ),
    };
    let delivered_time = writes_started.elapsed();
    let rss_after = b.rss_mib();
    let b_cpu = b.cpu().saturating_sub(b_cpu);
    let own_cpu = cpu_of("self").saturating_sub(own_cpu);

    let expected: Vec<i64> = (1..=CHANGES as i64).map(|n| start + n).collect();
    // For each write: when its first and its last subscriber had it.
    let mut first_at: Vec<Option<Instant>> = vec![None; CHANGES];
    let mut last_at: Vec<Option<Instant>> = vec![None; CHANGES];
    for (n, result) in results.into_iter().enumerate() {
        let versions = result
            .unwrap_or_else(|error| panic!("subscriber {n} panicked: {error}"))
            .unwrap_or_else(|error| panic!("{error}"));
        let got: Vec<i64> = versions.iter().map(|(_, version)| *version).collect();
        assert_eq!(
            got, expected,
            "subscriber {n} received every write once, in order"
        );
        for (k, (at, _)) in versions.iter().enumerate() {
            first_at[k] = Some(first_at[k].map_or(*at, |t| t.min(*at)));
            last_at[k] = Some(last_at[k].map_or(*at, |t| t.max(*at)));
        }
    }
    let lags = |times: &[Option<Instant>]| {
        let mut lags: Vec<Duration> = times
            .iter()
            .zip(&answered)
            .map(|(at, answered)| {
                at.expect("every write was received")
                    .saturating_duration_since(*answered)
            })
            .collect();
        lags.sort();
        lags
    };
    let (first, last) = (lags(&first_at), lags(&last_at));

    // Each subscriber's task has ended, dropping its stream: that closes the connection,
    // which must free its place and its subscription on B.
    let closed_started = Instant::now();
    b.await_metric(
        client,
        "foc_live_connections",
        |v| v <= connections_before as f64,
        Duration::from_secs(15),
        "closed event streams give their connections back",
    )
    .await;
    b.await_metric(
        client,
        "foc_subscribers",
        |v| v <= subscribers_before as f64,
        Duration::from_secs(15),
        "closed event streams end their subscriptions",
    )
    .await;
    let close_time = closed_started.elapsed();
    let rss_closed = b.rss_mib();

    eprintln!(
        "replicas: {SUBSCRIBERS} subscribers on B connected in {} ms; {CHANGES} writes \
         through A took {} ms, and every subscriber had all {CHANGES} in order {} ms after \
         the first was sent",
        connect_time.as_millis(),
        writes_time.as_millis(),
        delivered_time.as_millis()
    );
    let events = (SUBSCRIBERS * CHANGES) as f64;
    eprintln!(
        "replicas: meanwhile B ({} build) used {} ms of CPU, {:.1} us per event delivered, \
         and the test's own clients {} ms",
        if cfg!(debug_assertions) {
            "an unoptimized"
        } else {
            "an optimized"
        },
        b_cpu.as_millis(),
        b_cpu.as_secs_f64() * 1e6 / events,
        own_cpu.as_millis()
    );
    eprintln!(
        "replicas: from a write's answer to its first subscriber: median {} ms, max {} ms; \
         to its last of {SUBSCRIBERS}: median {} ms, max {} ms",
        ms(first[CHANGES / 2]),
        ms(first[CHANGES - 1]),
        ms(last[CHANGES / 2]),
        ms(last[CHANGES - 1])
    );
    eprintln!(
        "replicas: B's resident memory: {rss_before:.1} MiB before, {rss_connected:.1} MiB \
         with {SUBSCRIBERS} subscribers ({:.1} KiB each), {rss_after:.1} MiB after {CHANGES} \
         writes, {rss_closed:.1} MiB {} ms after they closed",
        (rss_connected - rss_before) * 1024.0 / SUBSCRIBERS as f64,
        close_time.as_millis()
    );
    for (when, rss) in [
        ("connected", rss_connected),
        ("after the writes", rss_after),
    ] {
        assert!(
            rss - rss_before < MAX_GROWTH_MIB,
            "B's memory grew by {:.1} MiB ({when}), more than {MAX_GROWTH_MIB} MiB",
            rss - rss_before
        );
    }
}

/// Phase 5: when the primary ends the listening connections, the servers say they are not
/// hearing writes, listen again by themselves, and a write made meanwhile reaches B's
/// subscribers (as itself, or as writes missed) and B's cached reads.
async fn a_lost_listening_connection_is_noticed_and_replaced(cluster: &Cluster) {
    const ATTEMPTS: usize = 5;
    // Ends every listening connection at once, without waiting (waiting for each in turn
    // takes 100 ms steps, long enough for the first servers to be back): their ids.
    const END_LISTENERS: &str = "SELECT coalesce(array_agg(pid), '{}') FROM pg_stat_activity \
         WHERE query ILIKE 'LISTEN%' AND pid <> pg_backend_pid() AND pg_terminate_backend(pid)";
    let (client, b) = (&cluster.client, &cluster.b);
    let code = cluster.codes.next();
    let (id, _, version) = create_state(client, &cluster.a, &code, "Listenland").await;
    cluster.b_reflects(version).await;
    let query = format!("{{ state(code: \"{code}\") {{ name }} }}");

    // Each server listens on a connection of its own, which shows the LISTEN it ran.
    let listening: Vec<String> = cluster
        .primary_db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT query FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'",
        ))
        .await
        .expect("list the listening connections")
        .iter()
        .map(|row| row.try_get_by_index(0).expect("a query text"))
        .collect();
    assert!(
        listening.len() >= 3,
        "A, B and C each listen: {listening:?}"
    );
    assert!(
        listening
            .iter()
            .all(|q| q == "LISTEN \"foc_graph_changes\""),
        "{listening:?}"
    );

    let mut dataset = cluster
        .subscribe_on_b(&[DATASET_CHANGED])
        .await
        .pop()
        .expect("a subscription");
    let (mut seen_ready, mut seen_metric, mut seen_missed) = (false, false, false);
    let mut attempts = 0;
    while attempts < ATTEMPTS && !(seen_ready && seen_metric && seen_missed) {
        attempts += 1;
        let (status, etag, body) = b.get_query(client, &query, None).await;
        assert_eq!(status, 200, "{body}");
        let etag = etag.expect("an ETag while B hears writes");
        let reconnects: Vec<f64> = futures_util::future::join_all(
            [&cluster.a, b, &cluster.c].map(|s| s.metric(client, "foc_change_feed_reconnects")),
        )
        .await;

        // Watch B's /ready and /metrics as closely as the machine allows.
        let stop = Arc::new(AtomicBool::new(false));
        let watch = |path: &'static str, sign: &'static str| {
            let (client, url, stop) = (client.clone(), b.url.clone(), stop.clone());
            tokio::spawn(async move {
                let mut seen = false;
                while !stop.load(Ordering::Relaxed) {
                    let response = client.get(format!("{url}{path}")).send().await;
                    if let Ok(response) = response
                        && let Ok(text) = response.text().await
                    {
                        seen |= text.lines().any(|line| line == sign);
                    }
                    // The gap lasts some tens of milliseconds: this still looks many times.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                seen
            })
        };
        let ready_watch = watch(
            "/ready",
            "not hearing writes: the response cache is off until the server listens again",
        );
        let metric_watch = watch("/metrics", "foc_change_feed_hearing 0");

        // A write through A that has done all its work but commit: it waits for the dataset
        // version's row, which the test holds until the listening connections have ended.
        // Released then, it commits within milliseconds, while the servers pause before
        // listening again, so B cannot hear it and must find out on its return.
        let holder = cluster
            .primary_db
            .begin()
            .await
            .expect("begin a transaction");
        holder
            .execute_unprepared("SELECT version FROM dataset_version WHERE id = 1 FOR UPDATE")
            .await
            .expect("hold the dataset version's row");
        let name = format!("Listenland {attempts}");
        let ((written, version), ended_at) =
            tokio::join!(rename_state(client, &cluster.a, &id, &code, &name), async {
                let deadline = Instant::now() + Duration::from_secs(10);
                while sql_one::<i64>(
                    &cluster.primary_db,
                    "SELECT count(*) FROM pg_locks WHERE NOT granted",
                )
                .await
                    == 0
                {
                    assert!(
                        Instant::now() < deadline,
                        "the write never waited for the row"
                    );
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                let ended: Vec<i32> = sql_one(&cluster.primary_db, END_LISTENERS).await;
                assert!(
                    ended.len() >= 3,
                    "the listening connections were ended: {ended:?}"
                );
                let gone = format!(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid IN ({})",
                    ended
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let deadline = Instant::now() + Duration::from_secs(10);
                while sql_one::<i64>(&cluster.primary_db, &gone).await > 0 {
                    assert!(Instant::now() < deadline, "the listening connections ended");
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                let ended_at = Instant::now();
                holder
                    .commit()
                    .await
                    .expect("release the dataset version's row");
                ended_at
            },);
        let written_after = written.answered.saturating_duration_since(ended_at);

        for (server, before) in [&cluster.a, b, &cluster.c].into_iter().zip(&reconnects) {
            server
                .await_metric(
                    client,
                    "foc_change_feed_reconnects",
                    |v| v > *before,
                    Duration::from_secs(10),
                    "the lost connection is counted",
                )
                .await;
        }
        let mut hearing_again = Duration::ZERO;
        for server in [&cluster.a, b, &cluster.c] {
            server
                .await_metric(
                    client,
                    "foc_change_feed_hearing",
                    |v| v == 1.0,
                    Duration::from_secs(10),
                    "hearing writes again",
                )
                .await;
            hearing_again = hearing_again.max(ended_at.elapsed());
        }
        stop.store(true, Ordering::Relaxed);
        let ready_saw = ready_watch.await.expect("the /ready watcher");
        let metric_saw = metric_watch.await.expect("the /metrics watcher");
        seen_ready |= ready_saw;
        seen_metric |= metric_saw;

        // B's subscriber hears of the write, as itself or as writes it missed.
        let event = dataset
            .expect_next(DELIVERY, "datasetChanged after the reconnection")
            .await;
        let change = &event.data["data"]["datasetChanged"];
        let heard_as = match change["cause"].as_str() {
            Some("MUTATION") => {
                assert_eq!(change["version"], version, "{change}");
                "the write itself"
            }
            Some("MISSED") => {
                assert!(change["version"].as_i64() >= Some(version), "{change}");
                assert_eq!(change["complete"], false, "{change}");
                seen_missed = true;
                "writes missed (MISSED)"
            }
            _ => panic!("an unexpected event: {change}"),
        };
        // And its cached read shows the write.
        let (status, _, body) = b.get_query(client, &query, Some(&etag)).await;
        assert_eq!(status, 200, "the old ETag no longer matches: {body}");
        let answer: Value = serde_json::from_str(&body).expect("a JSON answer");
        assert_eq!(answer["data"]["state"]["name"], name, "{body}");
        eprintln!(
            "replicas: listening connections ended (attempt {attempts}): all servers hearing \
             again {} ms later; B's /ready said it was not hearing: {ready_saw}, its metrics \
             showed hearing 0: {metric_saw}; B's subscriber heard of the write answered {} ms \
             after the end as {heard_as}",
            ms(hearing_again),
            ms(written_after)
        );
    }
    assert!(
        seen_ready,
        "B's /ready never said it was not hearing writes in {attempts} attempts"
    );
    assert!(
        seen_metric,
        "B's /metrics never showed foc_change_feed_hearing 0 in {attempts} attempts"
    );
    assert!(
        seen_missed,
        "B never reported a write it could not hear as missed in {attempts} attempts"
    );
}

/// Phase 6: while the standby's replay is paused, C (which allows 500 ms of lag) turns not
/// ready and says how far behind it is, and B passes on no write its reads cannot see; once
/// replay resumes, both catch up.
async fn a_lagging_standby_is_reported_and_waited_for(cluster: &Cluster) {
    let (client, b, c) = (&cluster.client, &cluster.b, &cluster.c);
    let code = cluster.codes.next();
    let (id, _, version) = create_state(client, &cluster.a, &code, "Lagland").await;
    cluster.b_reflects(version).await;
    let (body, _) = c.await_ready(client, 200, LAG_NOTICED).await;
    assert!(body.starts_with("ready\n"), "{body}");
    let query = format!("{{ state(code: \"{code}\") {{ name }} }}");
    let mut dataset = cluster
        .subscribe_on_b(&[DATASET_CHANGED])
        .await
        .pop()
        .expect("a subscription");

    cluster
        .standby_db
        .execute_unprepared("SELECT pg_wal_replay_pause()")
        .await
        .expect("pause the standby's replay");
    let paused_at = Instant::now();
    let (written, version) = rename_state(client, &cluster.a, &id, &code, "Lagland, later").await;
    let (body, _) = c.await_ready(client, 503, LAG_NOTICED).await;
    let unready_at = Instant::now();
    assert!(
        body.contains(&format!("more than the {MAX_READ_LAG_MS} ms allowed")),
        "C's /ready says why: {body}"
    );
    let lag_line = body
        .lines()
        .find(|line| line.starts_with("read standby lags"))
        .unwrap_or_else(|| panic!("C's /ready names the lag: {body}"))
        .to_owned();
    let lag = c.metric(client, "foc_read_replay_lag_seconds").await;
    assert!(
        lag > MAX_READ_LAG_MS as f64 / 1000.0,
        "C's metrics show the lag: {lag} s"
    );
    // B's reads cannot see the write, so B has not passed it on.
    if let Some(event) = dataset.next(Duration::ZERO).await {
        panic!(
            "B passed on a write its standby has not replayed: {}",
            event.data
        );
    }
    let stale = b.post(client, &query, &[]).await;
    assert_eq!(stale["data"]["state"]["name"], "Lagland", "{stale}");
    assert!(
        b.metric(client, "foc_dataset_version").await < version as f64,
        "B does not claim a version its reads do not reflect"
    );

    cluster
        .standby_db
        .execute_unprepared("SELECT pg_wal_replay_resume()")
        .await
        .expect("resume the standby's replay");
    let resumed_at = Instant::now();
    let event = dataset
        .expect_next(DELIVERY, "datasetChanged once replay resumed")
        .await;
    assert_eq!(event.data["data"]["datasetChanged"]["version"], version);
    let delivered = event.at.saturating_duration_since(resumed_at);
    let fresh = b.post(client, &query, &[]).await;
    assert_eq!(fresh["data"]["state"]["name"], "Lagland, later", "{fresh}");
    let (body, back) = c.await_ready(client, 200, LAG_NOTICED).await;
    assert!(body.starts_with("ready\n"), "{body}");
    eprintln!(
        "replicas: standby replay paused: C answered 503 {} ms after the write's answer \
         ({} ms after the pause), saying `{lag_line}`; once resumed, B's subscriber had the \
         write {} ms later and C was ready again {} ms later",
        ms(unready_at.saturating_duration_since(written.answered)),
        ms(unready_at.saturating_duration_since(paused_at)),
        ms(delivered),
        ms(back)
    );
}

/// The `p`th percentile (nearest rank) of durations sorted in ascending order.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// The codes of a GraphQL answer's errors.
fn error_codes(answer: &Value) -> Vec<String> {
    answer["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| {
                    error["extensions"]["code"]
                        .as_str()
                        .unwrap_or("(none)")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Phase 7: the same read answered by A and by B (once B has the latest write) carries the
/// same entity tag, and each server answers 304 to the other's.
async fn entity_tags_agree_across_servers(cluster: &Cluster) {
    let (client, a, b) = (&cluster.client, &cluster.a, &cluster.b);
    let code = cluster.codes.next();
    let (_, _, version) = create_state(client, a, &code, "Tagland").await;
    let query = "{ states(first: 100) { totalCount nodes { code name } } }";

    let (status, etag_a, body_a) = a.get_query(client, query, None).await;
    assert_eq!(status, 200, "A: {body_a}");
    let etag_a = etag_a.unwrap_or_else(|| panic!("A's answer to a GET has an ETag: {body_a}"));
    let answer_a: Value = serde_json::from_str(&body_a).expect("A's JSON answer");
    assert!(
        answer_a["data"]["states"]["nodes"]
            .as_array()
            .is_some_and(|nodes| nodes.iter().any(|node| node["code"] == code.as_str())),
        "A's answer has the state just written: {body_a}"
    );

    // A read that had to wait for B to catch up is answered without an ETag, since B does
    // not cache it; B has the version by the time of the next read.
    let wanted = version.to_string();
    let headers = [("min-dataset-version", wanted.as_str())];
    let started = Instant::now();
    let mut reads = 0;
    let (etag_b, body_b) = loop {
        let (status, etag, body) = b.get_query_with(client, query, &headers).await;
        reads += 1;
        assert_eq!(status, 200, "B: {body}");
        if let Some(etag) = etag {
            break (etag, body);
        }
        assert!(
            started.elapsed() < DELIVERY,
            "B's reads at version {version} still had no ETag after {reads} tries: {body}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let answer_b: Value = serde_json::from_str(&body_b).expect("B's JSON answer");
    assert_eq!(answer_b["data"], answer_a["data"], "A and B answer alike");
    assert_eq!(etag_b, etag_a, "A and B give the same answer the same ETag");

    let (status, _, body) = b.get_query(client, query, Some(&etag_a)).await;
    assert_eq!(status, 304, "B answers 304 to A's ETag: {body}");
    let (status, _, body) = a.get_query(client, query, Some(&etag_b)).await;
    assert_eq!(status, 304, "A answers 304 to B's ETag: {body}");
    // Without the version header, B answers from its cache with the same tag.
    let (status, etag, body) = b.get_query(client, query, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        etag.as_deref(),
        Some(etag_a.as_str()),
        "B's cached answer's ETag"
    );
    eprintln!(
        "replicas: A and B gave the list of states (version {version}) the ETag {etag_a}; \
         B had it on read {reads} with min-dataset-version, and each server answered 304 \
         to the other's"
    );
}

/// Phase 8: 200 successive writes through A reach a subscriber on B, each within a p99
/// of a second of its answer; and a cached GET on B shows each of 20 more writes through
/// A within a second.
async fn writes_reach_another_server_within_bounds(cluster: &Cluster) {
    const WRITES: usize = 200;
    const INVALIDATIONS: usize = 20;
    const MAX_P99: Duration = Duration::from_secs(1);
    let (client, b) = (&cluster.client, &cluster.b);
    let code = cluster.codes.next();
    let (id, _, start) = create_state(client, &cluster.a, &code, "Latencyland").await;
    // A subscriber that came before B passed this write on would receive it too.
    cluster.b_reflects(start).await;
    let mut versions = cluster
        .subscribe_on_b(&[VERSIONS])
        .await
        .pop()
        .expect("a subscription");

    let mut answered = Vec::with_capacity(WRITES);
    let writes_started = Instant::now();
    for n in 1..=WRITES {
        let (written, version) =
            rename_state(client, &cluster.a, &id, &code, &format!("Latencyland {n}")).await;
        assert_eq!(version, start + n as i64, "no other writer");
        answered.push((written.sent, written.answered));
    }
    let writes_time = writes_started.elapsed();
    let mut latencies = Vec::with_capacity(WRITES);
    let mut from_sent = Vec::with_capacity(WRITES);
    let mut before_answer = 0;
    for (n, (sent, answered)) in answered.iter().enumerate() {
        let event = versions
            .expect_next(Duration::from_secs(10), &format!("the event of write {n}"))
            .await;
        let change = &event.data["data"]["datasetChanged"];
        assert_eq!(
            (change["version"].as_i64(), change["cause"].as_str()),
            (Some(start + 1 + n as i64), Some("MUTATION")),
            "B's subscriber has every write once, in order: {change}"
        );
        // B may pass a write on before A's answer has reached the client.
        if event.at < *answered {
            before_answer += 1;
        }
        latencies.push(event.at.saturating_duration_since(*answered));
        from_sent.push(event.at.saturating_duration_since(*sent));
    }
    latencies.sort();
    from_sent.sort();
    let (p50, p99, max) = (
        percentile(&latencies, 50),
        percentile(&latencies, 99),
        latencies[WRITES - 1],
    );
    eprintln!(
        "replicas: {WRITES} successive writes through A took {} ms; from each answer to its \
         event on B's subscriber: p50 {} ms, p99 {} ms, max {} ms ({before_answer} events \
         came before the answer did, counted as 0); from each mutation's sending: p50 {} ms, \
         p99 {} ms, max {} ms",
        writes_time.as_millis(),
        ms(p50),
        ms(p99),
        ms(max),
        ms(percentile(&from_sent, 50)),
        ms(percentile(&from_sent, 99)),
        ms(from_sent[WRITES - 1])
    );
    assert!(
        p99 < MAX_P99,
        "the p99 of the events' latency is {} ms, more than {} ms",
        ms(p99),
        MAX_P99.as_millis()
    );

    // Each write must evict an answer B really holds in its cache: a hit reports no SQL.
    let query = format!("{{ state(code: \"{code}\") {{ name }} }}");
    let mut delays = Vec::with_capacity(INVALIDATIONS);
    let mut polls = 0;
    for n in 1..=INVALIDATIONS {
        let deadline = Instant::now() + DELIVERY;
        let etag = loop {
            let (status, etag, body) = b.get_query(client, &query, None).await;
            assert_eq!(status, 200, "{body}");
            let answer: Value = serde_json::from_str(&body).expect("a JSON answer");
            if answer["extensions"]["sqlStatements"] == 0 {
                break etag.expect("a cached answer has an ETag");
            }
            assert!(
                Instant::now() < deadline,
                "B did not cache the read within {DELIVERY:?}: {body}"
            );
        };
        let name = format!("Latencyland, again {n}");
        let (written, _) = rename_state(client, &cluster.a, &id, &code, &name).await;
        loop {
            let (status, _, body) = b.get_query(client, &query, Some(&etag)).await;
            polls += 1;
            if status == 200 {
                let answer: Value = serde_json::from_str(&body).expect("a JSON answer");
                assert_eq!(
                    answer["data"]["state"]["name"], name,
                    "once the old ETag fails, B answers the new data: {body}"
                );
                break;
            }
            assert_eq!(status, 304, "{body}");
            assert!(
                written.answered.elapsed() <= DELIVERY,
                "B's cached read still answered 304 to the old ETag {} ms after write {n}",
                written.answered.elapsed().as_millis()
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        delays.push(written.answered.elapsed());
    }
    delays.sort();
    eprintln!(
        "replicas: B's cached GET showed each of {INVALIDATIONS} writes through A: p50 {} ms, \
         p99 {} ms, max {} ms after the mutation's answer ({polls} revalidations)",
        ms(percentile(&delays, 50)),
        ms(percentile(&delays, 99)),
        ms(delays[INVALIDATIONS - 1])
    );
}

/// One read a client of phase 9 sent to B.
struct Read {
    sent: Instant,
    took: Duration,
    get: bool,
    /// What went wrong, if anything.
    failure: Option<String>,
}

/// Sends one read to B by GET or POST: an error unless B answered 200 with data and no
/// errors.
async fn read_from(
    client: &reqwest::Client,
    url: &str,
    get: bool,
    query: &str,
) -> Result<(), String> {
    let request = if get {
        client
            .get(format!("{url}/graphql"))
            .query(&[("query", query)])
    } else {
        client
            .post(format!("{url}/graphql"))
            .json(&json!({ "query": query }))
    };
    let response = request.send().await.map_err(|error| format!("{error:?}"))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|error| format!("HTTP {status}, reading the body: {error:?}"))?;
    if status != 200 {
        return Err(format!("HTTP {status}: {body}"));
    }
    let answer: Value = serde_json::from_str(&body).map_err(|error| format!("{error}: {body}"))?;
    if answer.get("errors").is_some() || !answer["data"].is_object() {
        return Err(body);
    }
    Ok(())
}

/// Phase 9: while clients keep reading from B and a client keeps writing through A, A is
/// killed (SIGKILL). Every read B was sent, before and after, is answered with data, and
/// B's reads end at the primary's last version.
async fn reads_on_b_outlive_a_killed_under_load(cluster: &mut Cluster) {
    use std::os::unix::process::ExitStatusExt;
    const READERS: usize = 4;
    const BEFORE_KILL: Duration = Duration::from_millis(1500);
    const AFTER_KILL: Duration = Duration::from_millis(2500);
    // What the readers ask for besides the state the writes change.
    const LIST: &str = "{ states(first: 3) { totalCount nodes { code name } } }";
    let client = cluster.client.clone();
    let code = cluster.codes.next();
    let (id, _, start) = create_state(&client, &cluster.a, &code, "Killland").await;
    cluster.b_reflects(start).await;

    let stop = Arc::new(AtomicBool::new(false));
    // A reader's own client: what an ordinary client would use, with the server's request
    // timeout as its own.
    let readers_client = reqwest::Client::builder()
        .timeout(foc_graph::http::Settings::default().request_timeout)
        .build()
        .expect("an HTTP client for the readers");
    // A third of the reads repeat one query, which the writes keep evicting from B's cache;
    // the rest are each new, so B reads them from the standby.
    let repeated = format!("{{ state(code: \"{code}\") {{ code name }} }}");
    let readers: Vec<_> = (0..READERS)
        .map(|r| {
            let (client, url, stop) = (readers_client.clone(), cluster.b.url.clone(), stop.clone());
            let repeated = repeated.clone();
            tokio::spawn(async move {
                let mut reads = Vec::new();
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let get = n % 3 != 1;
                    let query = if n.is_multiple_of(3) {
                        repeated.clone()
                    } else {
                        format!("# reader {r}, read {n}\n{LIST}")
                    };
                    let sent = Instant::now();
                    let failure = read_from(&client, &url, get, &query).await.err();
                    reads.push(Read {
                        sent,
                        took: sent.elapsed(),
                        get,
                        failure,
                    });
                    n += 1;
                }
                reads
            })
        })
        .collect();
    // Writes through A, one after another, until A is gone: how many A acknowledged, and
    // the error that ended them.
    let writer = {
        let (client, url, stop) = (client.clone(), cluster.a.url.clone(), stop.clone());
        let (id, code) = (id.clone(), code.clone());
        tokio::spawn(async move {
            let mut acknowledged = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let name = format!("Killland {}", acknowledged + 1);
                let variables = json!({ "id": id, "code": code, "name": name });
                let response = client
                    .post(format!("{url}/graphql"))
                    .bearer_auth(ADMIN_TOKEN)
                    .json(&json!({ "query": UPDATE, "variables": variables }))
                    .send()
                    .await;
                let body = match response {
                    Ok(response) => response.json::<Value>().await,
                    Err(error) => return (acknowledged, Some(error.to_string())),
                };
                match body {
                    Ok(body) => {
                        assert!(body.get("errors").is_none(), "a write through A: {body}");
                        acknowledged += 1;
                    }
                    Err(error) => return (acknowledged, Some(error.to_string())),
                }
            }
            (acknowledged, None)
        })
    };

    tokio::time::sleep(BEFORE_KILL).await;
    cluster.a.child.kill().expect("kill server A");
    let killed_at = Instant::now();
    let status = cluster.a.child.wait().expect("reap server A");
    assert_eq!(status.signal(), Some(9), "A ended by SIGKILL: {status}");
    let (acknowledged, ended_by) = tokio::time::timeout(Duration::from_secs(30), writer)
        .await
        .expect("the writer notices that A is gone")
        .expect("the writer");
    let ended_by = ended_by.expect("the writes through A end with an error once A is gone");
    tokio::time::sleep(AFTER_KILL.saturating_sub(killed_at.elapsed())).await;
    stop.store(true, Ordering::Relaxed);
    let mut reads = Vec::new();
    for reader in readers {
        reads.extend(reader.await.expect("a reader"));
    }

    let failures: Vec<String> = reads
        .iter()
        .filter_map(|read| {
            read.failure.as_ref().map(|failure| {
                let when = if read.sent < killed_at {
                    format!("{} ms before the kill", ms(killed_at - read.sent))
                } else {
                    format!("{} ms after the kill", ms(read.sent - killed_at))
                };
                format!(
                    "{} {when}: {failure}",
                    if read.get { "GET" } else { "POST" }
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} reads on B failed; the first: {:#?}",
        failures.len(),
        reads.len(),
        &failures[..failures.len().min(5)]
    );
    let after = reads.iter().filter(|read| read.sent >= killed_at).count();
    let gets = reads.iter().filter(|read| read.get).count();
    assert!(
        after >= READERS * 10,
        "B answered only {after} reads after the kill"
    );
    let slowest = reads.iter().map(|read| read.took).max().unwrap_or_default();

    // B still hears the primary, and its reads reach the last write A committed, whether or
    // not A lived to answer it.
    let latest: i64 = sql_one(
        &cluster.primary_db,
        "SELECT version FROM dataset_version WHERE id = 1",
    )
    .await;
    let committed = usize::try_from(latest - start).expect("the version only grows");
    assert!(
        committed == acknowledged || committed == acknowledged + 1,
        "A acknowledged {acknowledged} writes, and the primary has {committed}"
    );
    cluster.b_reflects(latest).await;
    let answer = cluster.b.post(&client, &repeated, &[]).await;
    assert_eq!(
        answer["data"]["state"]["name"],
        format!("Killland {committed}"),
        "B reads the last write committed: {answer}"
    );
    let (status, body) = cluster.b.ready(&client).await;
    assert_eq!(status, 200, "B stays ready without A: {body}");
    eprintln!(
        "replicas: A killed after {acknowledged} writes through it ({} the write in flight; \
         its client got `{ended_by}`); {READERS} clients sent B {} reads ({gets} by GET, {} \
         by POST), {after} of them after the kill, and every one was answered with data \
         (slowest {} ms)",
        if committed > acknowledged {
            "it committed"
        } else {
            "it did not commit"
        },
        reads.len(),
        reads.len() - gets,
        ms(slowest)
    );
}

/// Phase 10: with the standby stopped, B turns not ready, answers reads with a clean error
/// within the request timeout and stays up; with the standby started again, B is ready and
/// answers data by itself.
async fn a_stopped_standby_is_reported_and_recovered_from(
    cluster: &mut Cluster,
    standby: &Postgres,
) {
    const PROBES: usize = 4;
    // How long the standby stays down.
    const OUTAGE: Duration = Duration::from_secs(4);
    const UNREADY_WITHIN: Duration = Duration::from_secs(5);
    const RECOVERY_WITHIN: Duration = Duration::from_secs(30);
    let client = cluster.client.clone();
    let timeout = foc_graph::http::Settings::default().request_timeout;
    let (body, _) = cluster.b.await_ready(&client, 200, LAG_NOTICED).await;
    assert!(body.starts_with("ready\n"), "{body}");
    // An answer B holds in its cache before the standby stops.
    let cached = "{ states(first: 2) { totalCount } }";
    for _ in 0..2 {
        let (status, _, body) = cluster.b.get_query(&client, cached, None).await;
        assert_eq!(status, 200, "{body}");
    }

    tokio::task::block_in_place(|| standby.stop());
    let stopped_at = Instant::now();
    let (unready_body, unready_after) = cluster.b.await_ready(&client, 503, UNREADY_WITHIN).await;
    assert!(
        unready_body.contains("read standby unreachable"),
        "B's /ready says why: {unready_body}"
    );

    // Reads B must take to the standby (each query is new), in rounds for as long as the
    // outage lasts: the first fail on the connections the standby closed, the later ones
    // on connecting anew. Each is answered within the request timeout, with an error that
    // says the database is unavailable.
    let mut waits = Vec::new();
    let mut codes = Vec::new();
    let mut rounds = 0;
    while rounds == 0 || stopped_at.elapsed() < OUTAGE {
        let probes = (0..PROBES).map(|n| {
            let (client, url) = (client.clone(), cluster.b.url.clone());
            let query = format!("# probe {rounds}.{n}\n{{ states(first: 3) {{ totalCount }} }}");
            async move {
                let request = if n % 2 == 0 {
                    client
                        .post(format!("{url}/graphql"))
                        .json(&json!({ "query": query }))
                } else {
                    client
                        .get(format!("{url}/graphql"))
                        .query(&[("query", &query)])
                };
                let sent = Instant::now();
                let response = request
                    .send()
                    .await
                    .unwrap_or_else(|error| panic!("probe {n}: B answered no read: {error:?}"));
                let status = response.status();
                let body = response.text().await.expect("the probe's body");
                (status, body, sent.elapsed())
            }
        });
        for (status, body, took) in futures_util::future::join_all(probes).await {
            assert_eq!(status, 200, "a read while the standby is down: {body}");
            assert!(
                took <= timeout + Duration::from_secs(1),
                "a read took {} ms, past the request timeout of {} ms",
                took.as_millis(),
                timeout.as_millis()
            );
            let answer: Value = serde_json::from_str(&body).expect("a JSON answer");
            let errors = error_codes(&answer);
            assert!(
                !errors.is_empty() && errors.iter().all(|code| code == "DATABASE_UNAVAILABLE"),
                "a read while the standby is down fails with DATABASE_UNAVAILABLE: {body}"
            );
            assert_eq!(
                answer["data"],
                Value::Null,
                "no data without the standby: {body}"
            );
            waits.push(took);
            codes.extend(errors);
        }
        rounds += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    waits.sort();
    codes.sort();
    codes.dedup();
    // The cache still holds an answer no write has made stale.
    let (status, _, body) = cluster.b.get_query(&client, cached, None).await;
    let served_cached = status == 200
        && serde_json::from_str::<Value>(&body)
            .is_ok_and(|answer| answer.get("errors").is_none() && answer["data"].is_object());
    let health = client
        .get(format!("{}/health", cluster.b.url))
        .send()
        .await
        .expect("GET /health while the standby is down");
    assert_eq!(health.status(), 200, "B stays healthy");
    assert!(
        cluster.b.is_running(),
        "B runs on:\n{}",
        cluster.b.log_text()
    );
    let (status, body) = cluster.b.ready(&client).await;
    assert_eq!(status, 503, "B is still not ready: {body}");
    let down_for = stopped_at.elapsed();

    let starting = Instant::now();
    tokio::task::block_in_place(|| standby.start());
    let start_took = starting.elapsed();
    let (body, b_back) = cluster.b.await_ready(&client, 200, RECOVERY_WITHIN).await;
    assert!(body.starts_with("ready\n"), "{body}");
    let (body, c_back) = cluster.c.await_ready(&client, 200, RECOVERY_WITHIN).await;
    assert!(body.starts_with("ready\n"), "{body}");
    let fresh = cluster
        .b
        .post(
            &client,
            "# after the outage\n{ states(first: 3) { totalCount } }",
            &[],
        )
        .await;
    assert!(
        fresh.get("errors").is_none() && fresh["data"]["states"]["totalCount"].as_i64() > Some(0),
        "B answers data again: {fresh}"
    );
    // And it follows writes again: one through C, the server left that writes.
    let code = cluster.codes.next();
    let (_, written, version) = create_state(&client, &cluster.c, &code, "Afterland").await;
    cluster.b_reflects(version).await;
    let followed = written.answered.elapsed();
    let answer = cluster
        .b
        .post(
            &client,
            &format!("{{ state(code: \"{code}\") {{ name }} }}"),
            &[],
        )
        .await;
    assert_eq!(answer["data"]["state"]["name"], "Afterland", "{answer}");
    eprintln!(
        "replicas: standby stopped: B's /ready answered 503 {} ms later, saying `{}`; {} reads \
         in {rounds} rounds meanwhile failed with {codes:?} in {} ms (median) to {} ms \
         (request timeout {} ms), a cached read was served: {served_cached}, /health stayed \
         200",
        ms(unready_after),
        unready_body.trim().replace('\n', "; "),
        waits.len(),
        ms(percentile(&waits, 50)),
        ms(waits[waits.len() - 1]),
        timeout.as_millis()
    );
    eprintln!(
        "replicas: standby started again after {} ms down (pg_ctl start took {} ms): B ready \
         {} ms after it accepted connections, C {} ms after B; a write through C then reached \
         B's reads in {} ms",
        down_for.as_millis(),
        start_took.as_millis(),
        ms(b_back),
        ms(c_back),
        ms(followed)
    );
}
