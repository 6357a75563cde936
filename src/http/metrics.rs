//! Prometheus metrics at `GET /metrics`: requests by route and status, latency, GraphQL
//! errors, SQL statements per GraphQL request, and the connection pool's use.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::DbBackend;

use super::AppState;

/// The labels of a request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route, e.g. `/graphql` (not the raw path, which clients choose).
    route: String,
    /// The HTTP status.
    status: u16,
}

/// The labels of a pool gauge.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    /// `open` or `idle`.
    state: String,
}

/// The labels of the planner's count.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlannerLabels {
    /// `planned`, `fallback` or `mismatched`.
    outcome: &'static str,
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    graphql_errors: Counter,
    statements: Histogram,
    pool: Family<PoolLabels, Gauge>,
    feed: FeedGauges,
    planner: Family<PlannerLabels, Gauge>,
    plans_reused: Gauge,
}

/// How the server stands with the change feed, read when the metrics are.
#[derive(Default)]
struct FeedGauges {
    hearing: Gauge,
    version: Gauge,
    reconnects: Gauge,
    read_lag: Gauge<f64, std::sync::atomic::AtomicU64>,
    live_connections: Gauge,
    subscribers: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("foc");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_5, 2.0, 16))
        });
        let graphql_errors = Counter::default();
        let statements = Histogram::new([
            0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0, 64.0,
        ]);
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency",
            latency.clone(),
        );
        registry.register(
            "graphql_errors",
            "Errors in GraphQL responses",
            graphql_errors.clone(),
        );
        registry.register(
            "sql_statements_per_request",
            "SQL statements one GraphQL request ran",
            statements.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database connections of the pool",
            pool.clone(),
        );
        let feed = FeedGauges::default();
        for (name, help, gauge) in [
            (
                "change_feed_hearing",
                "1 while the server hears every committed write, else 0",
                &feed.hearing,
            ),
            (
                "dataset_version",
                "The dataset version the server's reads reflect",
                &feed.version,
            ),
            (
                "change_feed_reconnects",
                "How many times the change feed's connection was lost",
                &feed.reconnects,
            ),
            (
                "live_connections",
                "Open WebSocket and Server-Sent Events connections",
                &feed.live_connections,
            ),
            (
                "subscribers",
                "Subscriptions receiving changes",
                &feed.subscribers,
            ),
        ] {
            registry.register(name, help, gauge.clone());
        }
        registry.register(
            "read_replay_lag_seconds",
            "The read standby's replay lag (0 without a standby)",
            feed.read_lag.clone(),
        );
        let planner = Family::<PlannerLabels, Gauge>::default();
        registry.register(
            "planner_fields",
            "Root list fields the planner answered in one statement (planned), left to the \
             resolvers (fallback), or answered differently from them (mismatched, verify mode)",
            planner.clone(),
        );
        let plans_reused = Gauge::default();
        registry.register(
            "planner_plans_reused",
            "Root fields this server decided by a plan kept from an earlier request with the \
             same text, operation and variables, rather than planning them again",
            plans_reused.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            graphql_errors,
            statements,
            pool,
            feed,
            planner,
            plans_reused,
        }
    }
}

impl Metrics {
    /// Records what one GraphQL request cost.
    pub fn graphql(&self, statements: usize, errors: usize) {
        self.statements.observe(statements as f64);
        self.graphql_errors.inc_by(errors as u64);
    }

    /// The metrics in Prometheus' text format, with the pool and the feed read now.
    fn render(&self, app: &AppState) -> Result<String, std::fmt::Error> {
        let feed = &app.feed;
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.feed.hearing.set(i64::from(feed.hearing()));
        self.feed.version.set(feed.version());
        self.feed
            .reconnects
            .set(i64::try_from(feed.reconnects()).unwrap_or(i64::MAX));
        self.feed.read_lag.set(feed.read_lag().as_secs_f64());
        self.feed.live_connections.set(count(
            app.subscriptions
                .max_connections
                .saturating_sub(app.connections.available_permits()),
        ));
        self.feed.subscribers.set(count(feed.subscribers()));
        let pool = &app.databases.primary;
        let (open, idle) = match pool.get_database_backend() {
            DbBackend::Postgres => {
                let p = pool.get_postgres_connection_pool();
                (p.size(), p.num_idle() as u32)
            }
            _ => {
                let p = pool.get_sqlite_connection_pool();
                (p.size(), p.num_idle() as u32)
            }
        };
        self.pool
            .get_or_create(&PoolLabels {
                state: "open".into(),
            })
            .set(open.into());
        self.pool
            .get_or_create(&PoolLabels {
                state: "idle".into(),
            })
            .set(idle.into());
        let (planned, fallback, mismatched) = crate::graphql::plan::COUNTS.read();
        for (outcome, n) in [
            ("planned", planned),
            ("fallback", fallback),
            ("mismatched", mismatched),
        ] {
            self.planner
                .get_or_create(&PlannerLabels { outcome })
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        self.plans_reused
            .set(i64::try_from(app.plans.reused()).unwrap_or(i64::MAX));
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Counts and times every routed request.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let start = Instant::now();
    let response = next.run(request).await;
    let labels = RequestLabels {
        route,
        status: response.status().as_u16(),
    };
    metrics.requests.get_or_create(&labels).inc();
    metrics
        .latency
        .get_or_create(&labels)
        .observe(start.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn metrics(State(app): State<AppState>) -> Response {
    match app.metrics.render(&app) {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "metrics could not be written\n",
        )
            .into_response(),
    }
}
