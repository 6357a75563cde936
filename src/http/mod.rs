//! HTTP: the router, the GraphQL endpoint, GraphiQL with its assets, the SDL and health.

mod graphiql;

use async_graphql::Value;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tower_http::limit::RequestBodyLimitLayer;

use crate::graphql::limits::Limits;
use crate::graphql::{FocSchema, loader::Db};

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
        .route("/graphql", get(graphql).post(graphql))
        .route("/schema.graphql", get(sdl))
        .route("/health", get(health))
        .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
        .with_state(state)
}

/// Runs a GraphQL request with its own database handle and loader, within the request
/// timeout, and reports in the response's `extensions.sqlStatements` how many SQL
/// statements it ran.
async fn graphql(State(app): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    let db = Db::for_request(&app.pool);
    let request = request.into_inner().data(db.loader()).data(db.clone());
    let execution = tokio::time::timeout(app.request_timeout, app.schema.execute(request));
    // On timeout the execution is dropped, which cancels its pending SQL; PostgreSQL also
    // cuts off each statement after the same time (see `db::connect`).
    let mut response = execution.await.unwrap_or_else(|_| {
        async_graphql::Response::from_errors(vec![timeout_error(app.request_timeout)])
    });
    response.extensions.insert(
        "sqlStatements".to_owned(),
        Value::from(db.statements() as u64),
    );
    response.into()
}

/// The error of a request that ran past its time.
fn timeout_error(limit: Duration) -> async_graphql::ServerError {
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
