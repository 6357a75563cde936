//! GraphQL over Server-Sent Events, in the protocol's "distinct connections" mode: a GET or
//! POST to `/graphql` that accepts `text/event-stream` gets each result as a `next` event,
//! then a `complete` event, on a connection of its own. A subscription's results come as
//! its changes commit; a query or mutation gives one result. Proxies that drop WebSockets
//! pass these, and `EventSource`-style clients read them.

use std::convert::Infallible;

use async_graphql::Value;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};

use super::AppState;
use super::request::{bearer_token, is_mutation};
use super::subscription::connection_permit;
use crate::graphql::change::SubscriptionSlots;
use crate::graphql::curation::WriteReceipt;
use crate::graphql::list::Db;

/// Answers a GraphQL request with a stream of events.
pub(super) async fn answer(
    app: &AppState,
    method: &Method,
    headers: &HeaderMap,
    mut request: async_graphql::Request,
) -> Response {
    // The same checks as any request's, before the parser and after it.
    let refusal = app.limits.check_text(&request.query).err();
    let document = match refusal {
        Some(error) => return refused(error),
        None => app.documents.parse(&request.query).ok(),
    };
    let mut mutation = false;
    if let Some(document) = &document {
        if let Err(error) = app.limits.check_document(document, &request.variables) {
            return refused(error);
        }
        mutation = is_mutation(document, request.operation_name.as_deref());
        request.set_parsed_query(document.as_ref().clone());
    }
    if mutation && method == Method::GET {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            "mutations are sent with POST\n",
        )
            .into_response();
    }
    let permit = match connection_permit(app) {
        Ok(permit) => permit,
        Err(refusal) => return *refusal,
    };
    let db = Db::for_request(app.databases.for_operation(mutation));
    let receipt = WriteReceipt::default();
    let ordering = (request.operation_name.clone(), request.variables.clone());
    let request = request
        .data(db.loader())
        .data(db)
        .data(bearer_token(headers))
        .data(receipt.clone())
        .data(SubscriptionSlots::new(1));
    let order = app.response_order.clone();
    let results = app
        .checking
        .execute_stream(request)
        .map(move |mut response| {
            // The connection's place is held for as long as its events flow.
            let _held = &permit;
            if let Some(document) = &document {
                order.order(
                    document,
                    ordering.0.as_deref(),
                    &ordering.1,
                    &mut response.data,
                );
            }
            if let Some(version) = receipt.version() {
                response
                    .extensions
                    .insert("datasetVersion".to_owned(), Value::from(version));
            }
            let data = serde_json::to_string(&response).unwrap_or_else(|error| {
                tracing::error!(%error, "cannot serialize a result");
                r#"{"errors":[{"message":"the result could not be written"}]}"#.to_owned()
            });
            Ok::<_, Infallible>(Event::default().event("next").data(data))
        });
    let complete = stream::once(async { Ok(Event::default().event("complete").data("")) });
    Sse::new(results.chain(complete))
        .keep_alive(KeepAlive::new().interval(app.subscriptions.keepalive))
        .into_response()
}

/// A request refused by the query limits: a 400 with the GraphQL error, as JSON.
fn refused(error: async_graphql::ServerError) -> Response {
    let body = serde_json::json!({ "errors": [error] });
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}
