//! The test harness: starts the real server on a free port over a fresh database (a temporary
//! SQLite file, or a PostgreSQL database created for the test and dropped after) and talks
//! to it over HTTP like any client.

#![allow(dead_code)]

pub mod cluster;

use std::sync::atomic::{AtomicUsize, Ordering};

use foc_graph::graphql::plan::PlannerMode;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

/// The environment variable that names a PostgreSQL server for the tests.
pub const POSTGRES_ENV: &str = "FOC_TEST_POSTGRES_URL";

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server over its own database.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    pub client: reqwest::Client,
    /// A direct connection to the test's database, for setting up data.
    pub db: DatabaseConnection,
    pub database_url: String,
    _guard: DatabaseGuard,
}

enum DatabaseGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for DatabaseGuard {
    fn drop(&mut self) {
        if let DatabaseGuard::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async code, so use a runtime of its own on a plain thread.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// The PostgreSQL admin URL, or None when the PostgreSQL tests should be skipped. Under CI
/// (`CI=true`) a missing URL is an error: both backends must run there.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{POSTGRES_ENV} must be set under CI: the PostgreSQL tests may not be skipped"
            );
            eprintln!("skipping: set {POSTGRES_ENV} to run the PostgreSQL tests");
            None
        }
    }
}

/// A database name no other test uses.
fn unique_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "foc_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The URL of database `name` on the server of `admin_url`.
fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

/// Creates a fresh database for `backend`; None when PostgreSQL is not configured.
pub async fn fresh_database(backend: Backend) -> Option<(String, DatabaseGuardHandle)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("foc.sqlite").display()
            );
            Some((url, DatabaseGuardHandle(DatabaseGuard::Sqlite(dir))))
        }
        Backend::Postgres => {
            let admin_url = postgres_url()?;
            let name = unique_name();
            let admin = Database::connect(&admin_url)
                .await
                .expect("connect to the PostgreSQL server");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create a test database");
            let _ = admin.close().await;
            let url = with_database(&admin_url, &name);
            Some((
                url,
                DatabaseGuardHandle(DatabaseGuard::Postgres { admin_url, name }),
            ))
        }
    }
}

/// Keeps a test database alive; dropping it removes the database.
pub struct DatabaseGuardHandle(DatabaseGuard);

/// Starts the server over a fresh, migrated and seeded database. None when the backend is
/// not available (PostgreSQL without its URL, outside CI).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, foc_graph::http::Settings::default()).await
}

/// The same, with server settings of the test's own.
pub async fn spawn_app_with(
    backend: Backend,
    settings: foc_graph::http::Settings,
) -> Option<TestApp> {
    let (database_url, guard) = fresh_database(backend).await?;
    let pool = foc_graph::db::prepare(&database_url, settings.request_timeout)
        .await
        .expect("prepare the database");
    let (url, _server) = serve(pool.clone(), settings).await;
    let client = reqwest::Client::new();
    // On PostgreSQL a starting server listens for writes in the background, and drops what
    // it cached before it heard the first time: tests start once it hears.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let ready = client.get(format!("{url}/ready")).send().await;
        let text = match ready {
            Ok(response) => response.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.starts_with("ready") && !text.contains("not hearing writes yet") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server is not ready: {text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Some(TestApp {
        url,
        client,
        db: pool,
        database_url,
        _guard: guard.0,
    })
}

/// Serves `pool` with `settings` on a free loopback port, in a task of the current runtime:
/// the base URL (e.g. `http://127.0.0.1:41234`) and the server's task. A planner left on
/// verifies: every list it plans is resolved too, and a difference fails the request, so
/// every query of the suite holds the planner equal to the resolvers.
pub async fn serve(
    pool: DatabaseConnection,
    mut settings: foc_graph::http::Settings,
) -> (String, tokio::task::JoinHandle<()>) {
    if settings.planner == PlannerMode::On {
        settings.planner = PlannerMode::Verify;
    }
    serve_as_set(pool, settings).await
}

/// [`serve`] with the planner exactly as `settings` set it.
pub async fn serve_as_set(
    pool: DatabaseConnection,
    settings: foc_graph::http::Settings,
) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("local address");
    let router = foc_graph::http::router(foc_graph::changes::Databases::single(pool), settings);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), task)
}

/// A GraphQL response: its data, errors and extensions.
pub struct Answer {
    pub body: Value,
}

impl Answer {
    /// The `data` member; panics with the errors when there are any.
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }

    /// The messages of the errors.
    pub fn error_messages(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["message"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many SQL statements the request ran, as the server reports it; panics when the
    /// request failed, so a refused query cannot pass for a cheap one.
    pub fn sql_statements(&self) -> u64 {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        self.body["extensions"]["sqlStatements"]
            .as_u64()
            .expect("sqlStatements extension")
    }
}

impl TestApp {
    /// POSTs a query with variables to /graphql.
    pub async fn query_with(&self, query: &str, variables: Value) -> Answer {
        let response = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("send the request");
        assert!(
            response.status().is_success(),
            "HTTP status {}",
            response.status()
        );
        Answer {
            body: response.json().await.expect("a JSON body"),
        }
    }

    /// POSTs a query with variables and an `Authorization: Bearer` token, if any.
    pub async fn query_as(&self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send the request");
        assert!(
            response.status().is_success(),
            "HTTP status {}",
            response.status()
        );
        Answer {
            body: response.json().await.expect("a JSON body"),
        }
    }

    /// A mutation (or query) sent with the curators' token of [`curator_settings`].
    pub async fn curate(&self, query: &str, variables: Value) -> Answer {
        self.query_as(Some(ADMIN_TOKEN), query, variables).await
    }

    /// GETs a path of the server, e.g. `/health`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("send the request")
    }

    /// POSTs a query to /graphql.
    pub async fn query(&self, query: &str) -> Answer {
        self.query_with(query, json!({})).await
    }
}

/// The admin token of [`curator_settings`].
pub const ADMIN_TOKEN: &str = "curator-secret-for-tests";

/// The default settings, with an admin token so that curation mutations are enabled.
pub fn curator_settings() -> foc_graph::http::Settings {
    foc_graph::http::Settings {
        admin_token: Some(ADMIN_TOKEN.to_owned()),
        ..foc_graph::http::Settings::default()
    }
}

/// Settings for tests that pack many wide lists into one request: the default limits, but
/// a cost ceiling high enough for them (tests/limits.rs checks the real default).
pub fn wide_settings() -> foc_graph::http::Settings {
    let mut settings = foc_graph::http::Settings::default();
    settings.limits.max_cost = 10_000_000;
    settings
}

/// Defines a test that runs on SQLite and on PostgreSQL: `mod name { sqlite, postgres }`,
/// with the default server settings or the ones given.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, |$app:ident| $body:block) => {
        on_both_backends!($name, foc_graph::http::Settings::default(), |$app| $body);
    };
    ($name:ident, $settings:expr, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn check($app: common::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = common::spawn_app_with(common::Backend::Sqlite, $settings).await {
                    check(app).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = common::spawn_app_with(common::Backend::Postgres, $settings).await {
                    check(app).await;
                }
            }
        }
    };
}

/// The values of `field` in a list of objects, sorted.
pub fn sorted_strings(list: &Value, field: &str) -> Vec<String> {
    let mut values: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| item[field].as_str().expect("a string field").to_owned())
        .collect();
    values.sort();
    values
}

/// The whole dataset as `foc-graph export` writes it. Two exports are equal exactly when the
/// records are, so comparing one taken before a request with one taken after shows whether
/// the request changed anything.
pub async fn export_text(db: &DatabaseConnection) -> String {
    foc_graph::dataset::export(db)
        .await
        .expect("export the dataset")
        .to_toml()
        .expect("write the dataset as TOML")
}

/// The real `foc-graph` binary serving a fresh database: the process as an operator runs
/// it, with its own runtime and threads. Killed when dropped.
pub struct ServerProcess {
    /// The server, as the in-process tests see it.
    pub app: TestApp,
    child: std::process::Child,
}

impl ServerProcess {
    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary over a fresh database of `backend` on a free port, with `args` after
/// `serve`, and waits until it answers; None when the backend is not available.
pub async fn spawn_process(
    backend: Backend,
    args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
) -> Option<ServerProcess> {
    let (database_url, guard) = fresh_database(backend).await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_foc-graph"))
        .args([
            "--database-url",
            &database_url,
            "serve",
            "--listen",
            &listen,
        ])
        .args(args)
        // As `serve` does: the planner verifies unless a test's arguments say otherwise.
        .env("FOC_PLANNER", "verify")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the server");
    let url = format!("http://{listen}");
    let client = reqwest::Client::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let health = client.get(format!("{url}/health")).send().await;
        if health.is_ok_and(|response| response.status().is_success()) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not start"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let db = Database::connect(&database_url)
        .await
        .expect("connect to the server's database");
    Some(ServerProcess {
        app: TestApp {
            url,
            client,
            db,
            database_url,
            _guard: guard.0,
        },
        child,
    })
}
