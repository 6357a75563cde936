//! HTTP: the router, the GraphQL endpoint, GraphiQL with its assets, the SDL and health.

mod graphiql;
mod graphql_http;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tower_http::limit::RequestBodyLimitLayer;

use crate::graphql::FocSchema;
use crate::graphql::limits::Limits;

/// How the server protects itself: query limits, the largest request body, and how long a
/// request may run.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Depth, cost, field and alias limits of a query.
    pub limits: Limits,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long one GraphQL request may run.
    pub request_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The GraphQL schema.
    pub schema: FocSchema,
    /// The connection pool.
    pub pool: DatabaseConnection,
    /// How long one GraphQL request may run.
    pub request_timeout: Duration,
}

/// The application's routes.
pub fn router(pool: DatabaseConnection, settings: Settings) -> Router {
    let state = AppState {
        schema: crate::graphql::schema(settings.limits),
        pool,
        request_timeout: settings.request_timeout,
    };
    Router::new()
        .route("/", get(graphiql::page))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route(
            "/graphql",
            get(graphql_http::graphql).post(graphql_http::graphql),
        )
        .route("/schema.graphql", get(sdl))
        .route("/health", get(health))
        .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
        .with_state(state)
}

/// The error of a request that ran past its time.
pub(crate) fn timeout_error(limit: Duration) -> async_graphql::ServerError {
    let ms = limit.as_millis() as u64;
    let mut error = async_graphql::ServerError::new(
        format!("query refused: it ran longer than the limit of {ms} ms"),
        None,
    );
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "LIMIT_EXCEEDED");
    extensions.set("limit", "request timeout (ms)");
    extensions.set("max", ms);
    error.extensions = Some(extensions);
    error
}

async fn sdl(State(app): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        app.schema.sdl(),
    )
}

async fn health() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
}
