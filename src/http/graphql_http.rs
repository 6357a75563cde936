//! GraphQL over HTTP, as the GraphQL-over-HTTP specification has it: queries by GET and
//! POST, mutations by POST only (405 otherwise), `application/graphql-response+json` or
//! `application/json` as the Accept header asks, and 4xx statuses for requests that cannot
//! run (bad JSON, no query, a document that does not parse or validate, a query over a limit).

use std::collections::HashMap;

use async_graphql::parser::types::OperationType;
use async_graphql::{Response as GqlResponse, Value, Variables};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::graphql::loader::Db;

/// The response media types a client can ask for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Media {
    /// `application/graphql-response+json`: statuses tell request errors apart.
    GraphqlResponse,
    /// `application/json`: always 200 once the request is understood.
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer in, from the Accept header; None when none we offer fits.
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Media::Json);
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|part| part.split(';').next().unwrap_or("").trim())
        .collect();
    if types.iter().all(|t| t.is_empty()) {
        Some(Media::Json)
    } else if types.contains(&"application/graphql-response+json") {
        Some(Media::GraphqlResponse)
    } else if types
        .iter()
        .any(|t| ["application/json", "application/*", "*/*"].contains(t))
    {
        Some(Media::Json)
    } else {
        None
    }
}

/// A plain-text error for a request that is not a GraphQL request at all.
fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}

/// A GraphQL error response for a request that cannot run.
fn request_error(media: Media, message: String) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message }] });
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, media.content_type())],
        body.to_string(),
    )
        .into_response()
}

/// Reads the GraphQL request from the query string (GET) or the JSON body (POST).
fn read_request(
    method: &Method,
    headers: &HeaderMap,
    uri: &Uri,
    body: &Bytes,
) -> Result<async_graphql::Request, (StatusCode, String)> {
    let bad = |m: &str| (StatusCode::BAD_REQUEST, m.to_owned());
    let request = if method == Method::GET {
        let Query(params) = Query::<HashMap<String, String>>::try_from_uri(uri)
            .map_err(|_| bad("the query string is not valid"))?;
        let query = params
            .get("query")
            .ok_or_else(|| bad("a GraphQL request needs a `query`"))?;
        let mut request = async_graphql::Request::new(query.clone());
        if let Some(variables) = params.get("variables") {
            let value: serde_json::Value =
                serde_json::from_str(variables).map_err(|_| bad("`variables` is not JSON"))?;
            if !value.is_object() && !value.is_null() {
                return Err(bad("`variables` must be a JSON object"));
            }
            request = request.variables(Variables::from_json(value));
        }
        if let Some(name) = params.get("operationName") {
            request = request.operation_name(name.clone());
        }
        request
    } else {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if content_type.split(';').next().map(str::trim) != Some("application/json") {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the request as application/json".to_owned(),
            ));
        }
        let value: serde_json::Value =
            serde_json::from_slice(body).map_err(|_| bad("the body is not valid JSON"))?;
        let object = value
            .as_object()
            .ok_or_else(|| bad("the body must be a JSON object"))?;
        match object.get("query") {
            Some(serde_json::Value::String(_)) => {}
            Some(_) => return Err(bad("`query` must be a string")),
            None => return Err(bad("a GraphQL request needs a `query`")),
        }
        if object
            .get("variables")
            .is_some_and(|v| !v.is_object() && !v.is_null())
        {
            return Err(bad("`variables` must be a JSON object"));
        }
        if object
            .get("operationName")
            .is_some_and(|v| !v.is_string() && !v.is_null())
        {
            return Err(bad("`operationName` must be a string"));
        }
        serde_json::from_value(value).map_err(|_| bad("the body is not a GraphQL request"))?
    };
    if request.query.trim().is_empty() {
        return Err(bad("a GraphQL request needs a non-empty `query`"));
    }
    Ok(request)
}

/// Whether the operation a request selects is a mutation (unparsable documents are not:
/// the schema reports those).
fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    document.operations.iter().any(|(name, operation)| {
        let selected = match (&request.operation_name, name) {
            (Some(wanted), Some(name)) => wanted.as_str() == name.as_str(),
            (Some(_), None) => false,
            (None, _) => true,
        };
        selected && operation.node.ty == OperationType::Mutation
    })
}

/// Errors that stopped the request before execution: parse, validation, variables, limits.
/// Field errors always carry a path; these never do.
fn is_request_error(response: &GqlResponse) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// `GET /graphql` and `POST /graphql`.
pub async fn graphql(
    State(app): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            "accept application/graphql-response+json or application/json",
        );
    };
    let request = match read_request(&method, &headers, &uri, &body) {
        Ok(request) => request,
        Err((StatusCode::BAD_REQUEST, message)) => return request_error(media, message),
        Err((status, message)) => return refuse(status, &message),
    };
    if method == Method::GET && is_mutation(&request) {
        let mut response = refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "mutations are sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }

    let db = Db::for_request(&app.pool);
    let request = request.data(db.loader()).data(db.clone());
    let execution = tokio::time::timeout(app.request_timeout, app.schema.execute(request));
    // On timeout the execution is dropped, which cancels its pending SQL; PostgreSQL also
    // cuts off each statement after the same time (see `db::connect`).
    let mut response = execution.await.unwrap_or_else(|_| {
        GqlResponse::from_errors(vec![super::timeout_error(app.request_timeout)])
    });
    response.extensions.insert(
        "sqlStatements".to_owned(),
        Value::from(db.statements() as u64),
    );
    app.metrics.graphql(db.statements(), response.errors.len());

    let request_error = is_request_error(&response);
    let mut body = match serde_json::to_value(&response) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "cannot serialize a response");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the response could not be written",
            );
        }
    };
    let status = if request_error && media == Media::GraphqlResponse {
        // Nothing ran, so there is no data entry at all.
        if let Some(object) = body.as_object_mut() {
            object.remove("data");
        }
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (
        status,
        [(header::CONTENT_TYPE, media.content_type())],
        body.to_string(),
    )
        .into_response()
}
