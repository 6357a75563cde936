//! HTTP: the router, the GraphQL endpoint, GraphiQL with its assets, the SDL and health.

mod graphiql;

use async_graphql::Value;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use sea_orm::DatabaseConnection;

use crate::graphql::{FocSchema, loader::Db};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The GraphQL schema.
    pub schema: FocSchema,
    /// The connection pool.
    pub pool: DatabaseConnection,
}

/// The application's routes.
pub fn router(pool: DatabaseConnection) -> Router {
    let state = AppState {
        schema: crate::graphql::schema(),
        pool,
    };
    Router::new()
        .route("/", get(graphiql::page))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route("/graphql", get(graphql).post(graphql))
        .route("/schema.graphql", get(sdl))
        .route("/health", get(health))
        .with_state(state)
}

/// Runs a GraphQL request with its own database handle and loader, and reports in the
/// response's `extensions.sqlStatements` how many SQL statements it ran.
async fn graphql(State(app): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    let db = Db::for_request(&app.pool);
    let request = request.into_inner().data(db.loader()).data(db.clone());
    let mut response = app.schema.execute(request).await;
    response.extensions.insert(
        "sqlStatements".to_owned(),
        Value::from(db.statements() as u64),
    );
    response.into()
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
