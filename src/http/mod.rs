//! HTTP: the router, the GraphQL endpoint, GraphiQL with its assets, the SDL, health and
//! readiness, Prometheus metrics, and the layers around them: request ids in every log line,
//! compression, CORS and the body size limit.

mod bibliography;
mod cache;
mod dashboard;
mod events;
mod graphiql;
mod graphql_http;
mod metrics;
mod request;
pub mod subscription;
mod table;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::time::Duration;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::StatusCode;
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::SizeAbove;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::changes::{Databases, Feed, Mode};
use crate::graphql::FocSchema;
use crate::graphql::curation::{AdminToken, WriteGate};
use crate::graphql::limits::Limits;
use crate::graphql::plan::PlannerMode;
use crate::graphql::response_order::ResponseOrder;

/// How the server protects itself and whom it serves: query limits, the largest request
/// body, how long a request may run, and the browser origins allowed to call it.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Depth, cost, field and alias limits of a query.
    pub limits: Limits,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long one GraphQL request may run.
    pub request_timeout: Duration,
    /// Browser origins allowed to call the API (CORS); `*` allows any; none by default.
    pub cors_origins: Vec<String>,
    /// The token that authorizes curation mutations; without one, writes are disabled.
    pub admin_token: Option<String>,
    /// How long browsers and proxies may reuse the answer to a query sent by GET, and the
    /// longest the server keeps an answer (mutations invalidate it sooner).
    pub cache_max_age: Duration,
    /// Limits of subscriptions and their connections.
    pub subscriptions: subscription::SubscriptionLimits,
    /// The most replay lag of the read standby at which the server is ready.
    pub max_read_lag: Duration,
    /// Whether root list fields are planned (see `graphql::plan`).
    pub planner: PlannerMode,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(10),
            cors_origins: Vec::new(),
            admin_token: None,
            cache_max_age: Duration::from_secs(30),
            subscriptions: subscription::SubscriptionLimits::default(),
            max_read_lag: Duration::from_secs(5),
            planner: PlannerMode::On,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The GraphQL schema.
    pub schema: FocSchema,
    /// The schema that words refusals by the query limits (see `graphql::limits`).
    pub explaining: FocSchema,
    /// The schema that checks the query limits itself, for subscriptions.
    pub checking: FocSchema,
    /// The query limits.
    pub limits: Limits,
    /// Where the server writes and where it reads.
    pub databases: Databases,
    /// How long one GraphQL request may run.
    pub request_timeout: Duration,
    /// The server's metrics.
    pub metrics: Arc<metrics::Metrics>,
    /// Query texts clients persisted by hash.
    pub persisted: Arc<cache::PersistedQueries>,
    /// Parsed documents by query text.
    pub documents: Arc<cache::Documents>,
    /// The planner's statements for root fields, by request.
    pub plans: Arc<crate::graphql::plan::Plans>,
    /// Read-only responses, until the next write.
    pub responses: Arc<cache::ResponseCache>,
    /// The change feed: which writes this server's reads reflect, and its subscribers.
    pub feed: Arc<Feed>,
    /// Places for live connections (WebSocket and Server-Sent Events).
    pub connections: Arc<tokio::sync::Semaphore>,
    /// Limits of subscriptions.
    pub subscriptions: subscription::SubscriptionLimits,
    /// The most replay lag of the read standby at which the server is ready.
    pub max_read_lag: Duration,
    /// The `Cache-Control` of a read answered by GET: how long it may be reused.
    pub get_cache_control: axum::http::HeaderValue,
    /// Puts each answer's fields in the order its query asks for them.
    pub response_order: Arc<ResponseOrder>,
}

/// The application's routes over `databases`, and on PostgreSQL the tasks that keep the
/// server consistent with its peers (see `changes`).
pub fn router(databases: Databases, settings: Settings) -> Router {
    let sqlite = databases.primary.get_database_backend() == sea_orm::DbBackend::Sqlite;
    let mode = match (sqlite, databases.standby) {
        (true, _) => Mode::InProcess,
        (false, false) => Mode::Listening,
        (false, true) => Mode::ListeningWithStandby,
    };
    let feed = Feed::new(settings.subscriptions.buffer, mode);
    crate::changes::start(feed.clone(), databases.clone());
    let shared = crate::graphql::Shared {
        admin_token: AdminToken(settings.admin_token.clone()),
        // SQLite allows one writer at a time: concurrent mutations take turns.
        write_gate: WriteGate::new(sqlite),
        feed: feed.clone(),
        planner: settings.planner,
    };
    let schema = crate::graphql::schema(settings.limits, shared.clone());
    let state = AppState {
        response_order: Arc::new(ResponseOrder::new(&schema.sdl())),
        schema,
        explaining: crate::graphql::explaining_schema(settings.limits),
        checking: crate::graphql::checking_schema(settings.limits, shared),
        limits: settings.limits,
        databases,
        request_timeout: settings.request_timeout,
        metrics: Arc::default(),
        persisted: Arc::default(),
        documents: Arc::default(),
        plans: Arc::default(),
        responses: Arc::new(cache::ResponseCache::new(settings.cache_max_age)),
        feed,
        connections: Arc::new(tokio::sync::Semaphore::new(
            settings.subscriptions.max_connections,
        )),
        subscriptions: settings.subscriptions,
        max_read_lag: settings.max_read_lag,
        get_cache_control: axum::http::HeaderValue::from_str(&format!(
            "public, max-age={}, must-revalidate",
            settings.cache_max_age.as_secs()
        ))
        .unwrap_or(axum::http::HeaderValue::from_static("no-cache")),
    };
    let metrics = state.metrics.clone();
    Router::new()
        .route("/", get(graphiql::page))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route("/dashboard", get(dashboard::page))
        .route("/dashboard/{file}", get(dashboard::asset))
        .route(
            "/graphql",
            get(graphql_http::get).post(graphql_http::graphql),
        )
        .route("/schema.graphql", get(sdl))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics::metrics))
        .route_layer(axum::middleware::from_fn_with_state(metrics, metrics::track))
        // A bug must cost one request a 500, never the connection or the server.
        .layer(CatchPanicLayer::new())
        .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
        .layer(cors(&settings.cors_origins))
        // Small answers are not worth a compressor's time; larger ones get its fastest level,
        // which keeps most of the saving at a fraction of the CPU.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Fastest)
                .compress_when(SizeAbove::new(1024)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().on_response(DefaultOnResponse::new().level(tracing::Level::INFO)).make_span_with(|request: &axum::http::Request<_>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
        }))
        .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
        .with_state(state)
}

/// Numbers requests in the order they arrive (a client's own `x-request-id` is kept).
#[derive(Clone, Default)]
struct RequestIds(Arc<AtomicU64>);

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        axum::http::HeaderValue::from_str(&n.to_string())
            .ok()
            .map(RequestId::new)
    }
}

/// The CORS layer for the configured origins.
fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT, header::AUTHORIZATION]);
    if origins.iter().any(|o| o == "*") {
        layer.allow_origin(AllowOrigin::any())
    } else {
        let allowed: Vec<axum::http::HeaderValue> =
            origins.iter().filter_map(|o| o.parse().ok()).collect();
        layer.allow_origin(AllowOrigin::list(allowed))
    }
}

/// The error of a request that ran past its time.
pub(crate) fn timeout_error(limit: Duration) -> async_graphql::ServerError {
    let ms = limit.as_millis() as u64;
    crate::graphql::limits::refusal(
        format!("query refused: it ran longer than the limit of {ms} ms"),
        "request timeout (ms)",
        None,
        ms,
    )
}

async fn sdl(State(app): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        app.schema.sdl(),
    )
}

/// How long `/ready` waits for the database before answering that it is not ready.
const READY_DEADLINE: Duration = Duration::from_millis(800);

/// Ready (200) when the databases answer and a read standby is within `--max-read-lag`;
/// 503 otherwise. The body says how the server stands, including whether it hears writes
/// (while it does not, its response cache is off, which costs speed, not correctness).
async fn ready(State(app): State<AppState>) -> impl IntoResponse {
    let plain = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    // Probes have short deadlines of their own; while the database is down, connecting
    // retries for the pool's whole acquire timeout, so answer "not ready" well before that.
    let ping = |db: sea_orm::DatabaseConnection| async move {
        match tokio::time::timeout(READY_DEADLINE, db.ping()).await {
            Ok(Ok(())) => true,
            Ok(Err(error)) => {
                tracing::warn!(%error, "the database is unreachable");
                false
            }
            Err(_) => {
                tracing::warn!("the database did not answer the readiness ping in time");
                false
            }
        }
    };
    // Without the database nothing else matters, and nothing else is said.
    if !ping(app.databases.primary.clone()).await {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            plain,
            "database unreachable\n".to_owned(),
        );
    }
    let mut lines = Vec::new();
    let mut ready = true;
    if app.databases.standby {
        let lag = app.feed.read_lag();
        if !ping(app.databases.reads.clone()).await {
            ready = false;
            lines.push("read standby unreachable".to_owned());
        } else if lag > app.max_read_lag {
            ready = false;
            lines.push(format!(
                "read standby lags {} ms, more than the {} ms allowed",
                lag.as_millis(),
                app.max_read_lag.as_millis()
            ));
        } else {
            lines.push(format!("read standby lags {} ms", lag.as_millis()));
        }
    }
    if app.feed.lost() {
        lines.push(
            "not hearing writes: the response cache is off until the server listens again"
                .to_owned(),
        );
    } else if !app.feed.hearing() {
        lines.push("not hearing writes yet: starting to listen".to_owned());
    }
    lines.push(format!("dataset version {}", app.feed.version()));
    let status = if ready {
        lines.insert(0, "ready".to_owned());
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, plain, format!("{}\n", lines.join("\n")))
}

async fn health() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
}
