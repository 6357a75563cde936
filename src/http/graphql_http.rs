//! GraphQL over HTTP, as the GraphQL-over-HTTP specification has it: queries by GET and
//! POST, mutations by POST only (405 otherwise), `application/graphql-response+json` or
//! `application/json` as the Accept header asks, and 4xx statuses for requests that cannot
//! run (bad JSON, no query, a document that does not parse or validate, a query over a limit).

use crate::graphql::curation::WriteReceipt;
use std::collections::HashMap;

use async_graphql::{Response as GqlResponse, Value, Variables};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::cache::{self, PersistedQueryError, ResponseCache};
use super::request::{bearer_token, is_mutation};
use super::table::{Table, TableFormat};
use crate::graphql::limits::JSON_NESTING_LIMIT;
use crate::graphql::list::{Db, PageLimit, TABLE_PAGE_SIZE};
use crate::graphql::plan::PlanSlot;

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

impl TableFormat {
    fn content_type(self) -> &'static str {
        match self {
            TableFormat::Csv => "text/csv; charset=utf-8; header=present",
            TableFormat::Ndjson => "application/x-ndjson",
        }
    }
}

/// The table a request asks for: `format=csv|ndjson` in a GET's query string, else an
/// Accept header naming `text/csv` or `application/x-ndjson`. None for a JSON answer.
fn requested_table(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Option<TableFormat>, String> {
    if method == Method::GET
        && let Ok(Query(params)) = Query::<HashMap<String, String>>::try_from_uri(uri)
        && let Some(name) = params.get("format")
    {
        return match name.as_str() {
            "json" => Ok(None),
            other => TableFormat::named(other)
                .map(Some)
                .ok_or_else(|| format!("`format` is `csv`, `ndjson` or `json`, not `{other}`")),
        };
    }
    let accept = media_types(headers).find_map(|t| match t {
        "text/csv" => Some(TableFormat::Csv),
        "application/x-ndjson" => Some(TableFormat::Ndjson),
        _ => None,
    });
    Ok(accept)
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
    // The JSON reader stops at JSON_NESTING_LIMIT levels, far above the input nesting limit:
    // say so rather than call the JSON invalid.
    let unreadable = |what: &str, error: serde_json::Error| {
        if error.to_string().starts_with("recursion limit exceeded") {
            bad(&format!(
                "{what} nests more than {JSON_NESTING_LIMIT} levels deep, far above the input nesting limit"
            ))
        } else {
            bad(&format!("{what} is not valid JSON"))
        }
    };
    let request = if method == Method::GET {
        let Query(params) = Query::<HashMap<String, String>>::try_from_uri(uri)
            .map_err(|_| bad("the query string is not valid"))?;
        let query = params.get("query").cloned().unwrap_or_default();
        let mut request = async_graphql::Request::new(query);
        if let Some(variables) = params.get("variables") {
            let value: serde_json::Value =
                serde_json::from_str(variables).map_err(|e| unreadable("`variables`", e))?;
            if !value.is_object() && !value.is_null() {
                return Err(bad("`variables` must be a JSON object"));
            }
            request = request.variables(Variables::from_json(value));
        }
        if let Some(name) = params.get("operationName") {
            request = request.operation_name(name.clone());
        }
        if let Some(extensions) = params.get("extensions") {
            let value: serde_json::Value =
                serde_json::from_str(extensions).map_err(|e| unreadable("`extensions`", e))?;
            let object = value
                .as_object()
                .ok_or_else(|| bad("`extensions` must be a JSON object"))?;
            for (name, value) in object {
                let value = Value::from_json(value.clone())
                    .map_err(|_| bad("`extensions` is not valid"))?;
                request.extensions.insert(name.clone(), value);
            }
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
            serde_json::from_slice(body).map_err(|e| unreadable("the body", e))?;
        let object = value
            .as_object()
            .ok_or_else(|| bad("the body must be a JSON object"))?;
        match object.get("query") {
            Some(serde_json::Value::String(_)) | None => {}
            Some(_) => return Err(bad("`query` must be a string")),
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
    let persisted = request.extensions.contains_key("persistedQuery");
    if request.query.trim().is_empty() && !persisted {
        return Err(bad("a GraphQL request needs a non-empty `query`"));
    }
    Ok(request)
}

/// Replaces a persisted query's hash with its text (automatic persisted queries), or
/// answers why it cannot.
fn persisted_query(
    app: &AppState,
    media: Media,
    request: &mut async_graphql::Request,
) -> Result<(), Box<Response>> {
    let Some(persisted) = request.extensions.get("persistedQuery") else {
        return Ok(());
    };
    let hash = match persisted {
        Value::Object(fields) => match (fields.get("version"), fields.get("sha256Hash")) {
            (Some(Value::Number(v)), Some(Value::String(hash))) if v.as_u64() == Some(1) => {
                hash.clone()
            }
            _ => {
                return Err(Box::new(request_error(
                    media,
                    "`persistedQuery` needs `version: 1` and a `sha256Hash`".to_owned(),
                )));
            }
        },
        _ => {
            return Err(Box::new(request_error(
                media,
                "`persistedQuery` must be an object".to_owned(),
            )));
        }
    };
    match app.persisted.resolve(&hash, &request.query) {
        Ok(text) => {
            request.query = text.to_string();
            Ok(())
        }
        Err(PersistedQueryError::Mismatch) => Err(Box::new(request_error(
            media,
            "the query's SHA-256 is not `sha256Hash`".to_owned(),
        ))),
        // The name and code clients look for to send the text with the hash.
        Err(PersistedQueryError::NotFound) => {
            let body = serde_json::json!({ "errors": [{
                "message": "PersistedQueryNotFound",
                "extensions": { "code": "PERSISTED_QUERY_NOT_FOUND" }
            }] });
            Err(Box::new(
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, media.content_type())],
                    body.to_string(),
                )
                    .into_response(),
            ))
        }
    }
}

/// Errors that stopped the request before execution: parse, validation, variables, limits.
/// Field errors always carry a path; these never do.
fn is_request_error(response: &GqlResponse) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The request header that asks for a read reflecting at least this dataset version (as
/// a mutation's `extensions.datasetVersion` or `dataset-version` header gave it).
const MIN_VERSION_HEADER: &str = "min-dataset-version";

/// The response header of a mutation: the dataset version it committed.
const VERSION_HEADER: &str = "dataset-version";

/// `GET /graphql`: a WebSocket for subscriptions when the request asks to upgrade, else a
/// request like a POST's.
pub async fn get(State(app): State<AppState>, request: axum::extract::Request) -> Response {
    if super::subscription::is_upgrade(request.headers()) {
        return super::subscription::websocket(app, request).await;
    }
    let (parts, _) = request.into_parts();
    graphql(
        State(app),
        parts.method,
        parts.uri,
        parts.headers,
        Bytes::new(),
    )
    .await
}

/// The items of every value of a list-valued header (`Accept: a, b` and a second `Accept`).
fn header_items(headers: &HeaderMap, name: header::HeaderName) -> impl Iterator<Item = &str> {
    headers
        .get_all(name)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
}

/// The media types the client accepts, without their parameters.
fn media_types(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    header_items(headers, header::ACCEPT).filter_map(|t| t.split(';').next().map(str::trim))
}

/// Whether the client asks for Server-Sent Events.
fn wants_events(headers: &HeaderMap) -> bool {
    media_types(headers).any(|t| t == "text/event-stream")
}

/// The dataset version a read must reflect, from its `min-dataset-version` header.
fn min_version(headers: &HeaderMap) -> Result<Option<i64>, String> {
    match headers.get(MIN_VERSION_HEADER) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|v| *v >= 0)
            .map(Some)
            .ok_or_else(|| {
                format!("`{MIN_VERSION_HEADER}` must be a dataset version (a whole number)")
            }),
    }
}

/// `GET /graphql` and `POST /graphql`.
pub async fn graphql(
    State(app): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let events = wants_events(&headers);
    let table = match requested_table(&method, &uri, &headers) {
        Ok(table) => table,
        Err(message) => return request_error(Media::Json, message),
    };
    // Tables and event streams report errors as JSON.
    let Some(media) = (if events || table.is_some() {
        Some(Media::Json)
    } else {
        negotiate(&headers)
    }) else {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            "accept application/graphql-response+json or application/json",
        );
    };
    let mut request = match read_request(&method, &headers, &uri, &body) {
        Ok(request) => request,
        Err((StatusCode::BAD_REQUEST, message)) => return request_error(media, message),
        Err((status, message)) => return refuse(status, &message),
    };
    if let Err(response) = persisted_query(&app, media, &mut request) {
        return *response;
    }
    if events {
        return super::events::answer(&app, &method, &headers, request).await;
    }
    let citations = match super::bibliography::requested(&request) {
        Ok(style) => style,
        Err(message) => return request_error(media, message),
    };
    let wanted_version = match min_version(&headers) {
        Ok(version) => version,
        Err(message) => return request_error(media, message),
    };
    // A read that must reflect a version this server has not seen waits for its reads to
    // catch up, and is not answered from the cache.
    let caught_up = wanted_version.is_none_or(|wanted| app.feed.version() >= wanted);
    if let (Some(wanted), false) = (wanted_version, caught_up) {
        match app
            .databases
            .reads_reflect(wanted, app.request_timeout)
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                return request_error(
                    media,
                    format!(
                        "this server's data has not reached dataset version {wanted} within {} ms; try again",
                        app.request_timeout.as_millis()
                    ),
                );
            }
            Err(error) => {
                tracing::error!(%error, "cannot read the dataset version");
                return refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database could not answer",
                );
            }
        }
    }
    let cacheable = caught_up && app.feed.cache_usable();
    // Only reads are ever cached, so a hit is a read and needs no parsing at all.
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    // What decides the answer's form: its media type, and the citations it carries.
    let form = format!(
        "{}{}",
        table.map_or(media.content_type(), TableFormat::content_type),
        citations.map_or(String::new(), |style| format!(" citations={style:?}"))
    );
    let cache_key = ResponseCache::key(
        &request.query,
        &variables,
        request.operation_name.as_deref(),
        &form,
    );
    let version = app.feed.version();
    if let Some(hit) = app.responses.get(&cache_key, version).filter(|_| cacheable) {
        app.metrics.graphql(0, 0);
        let (body, encoding) = match hit.brotli {
            Some(compressed) if accepts_brotli(&headers) => (compressed, Some("br")),
            _ => (hit.body, None),
        };
        let mut response = answer(
            &app,
            &method,
            &headers,
            table.map_or(media.content_type(), TableFormat::content_type),
            StatusCode::OK,
            body,
            Some(hit.etag),
        );
        if let Some(encoding) = encoding
            && response.status() == StatusCode::OK
        {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        return response;
    }

    // The document is parsed once: to tell a mutation, to count its fields, and then to
    // run. A document that does not parse goes to the schema as it is, which reports the
    // syntax error.
    // A text nested deeper than any query within the limits is refused unparsed: the
    // parser recurses on nesting.
    let mut refusal = app.limits.check_text(&request.query).err();
    let parsed = match refusal {
        Some(_) => None,
        None => app.documents.parse(&request.query).ok(),
    };
    let mutation = match &parsed {
        Some(document) => {
            let mutation = is_mutation(document, request.operation_name.as_deref());
            refusal = app
                .limits
                .check_document(document, &request.variables)
                .err();
            request.set_parsed_query(document.as_ref().clone());
            mutation
        }
        None => false,
    };
    if method == Method::GET && mutation {
        let mut response = refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "mutations are sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let cache_key = (!mutation && cacheable).then_some(cache_key);

    let db = Db::for_request(app.databases.for_operation(mutation));
    let receipt = WriteReceipt::default();
    let ordering = (request.operation_name.clone(), request.variables.clone());
    let mut response = match refusal {
        Some(error) => GqlResponse::from_errors(vec![error]),
        None => {
            let mut request = request.data(receipt.clone());
            if table.is_some() {
                request = request.data(PageLimit(TABLE_PAGE_SIZE));
            }
            execute(&app, &db, request, &headers).await
        }
    };
    if let Some(version) = receipt.version() {
        response
            .extensions
            .insert("datasetVersion".to_owned(), Value::from(version));
    }
    if let Some(style) = citations
        && response.errors.is_empty()
        && table.is_none()
    {
        match super::bibliography::of(&db.conn, &response.data, style).await {
            Ok(Some(list)) => {
                let list = list.into_iter().map(Value::from).collect();
                response
                    .extensions
                    .insert("citations".to_owned(), Value::List(list));
            }
            Ok(None) => response.errors.push(async_graphql::ServerError::new(
                "the answer names too many records to cite; ask for fewer",
                None,
            )),
            Err(error) => {
                tracing::error!(%error, "cannot read the citations of an answer");
                response.errors.push(async_graphql::ServerError::new(
                    "the citations could not be read; try again later",
                    None,
                ));
            }
        }
    }
    if let Some(document) = &parsed {
        let (operation_name, variables) = ordering;
        app.response_order.order(
            document,
            operation_name.as_deref(),
            &variables,
            &mut response.data,
        );
    }
    app.metrics.graphql(db.statements(), response.errors.len());

    // A table of a successful read: its rows instead of the JSON answer.
    let table_body = match table {
        Some(format) if response.errors.is_empty() => match Table::of(&response.data) {
            Ok(rows) => Some((format, Bytes::from(rows.write(format)))),
            Err(message) => return request_error(Media::Json, message),
        },
        _ => None,
    };
    // A successful read carries its entity tag (a hash of the answer, the same on every
    // server), and is remembered when the cache may be used.
    let tag = |body: &Bytes| {
        (!mutation).then(|| match &cache_key {
            Some(key) => app.responses.put(key.clone(), version, body.clone()),
            None => super::cache::entity_tag(body),
        })
    };
    if let Some((format, body)) = table_body {
        let etag = tag(&body);
        return answer(
            &app,
            &method,
            &headers,
            format.content_type(),
            StatusCode::OK,
            body,
            etag,
        );
    }

    // As it would be answered from the cache: reporting no SQL statements, so the entity
    // tag is the same for both.
    let mut etag = None;
    if response.errors.is_empty() && !mutation {
        response
            .extensions
            .insert("sqlStatements".to_owned(), Value::from(0u64));
        if let Ok(body) = serde_json::to_vec(&response) {
            etag = tag(&Bytes::from(body));
        }
    }
    response.extensions.insert(
        "sqlStatements".to_owned(),
        Value::from(db.statements() as u64),
    );

    // A request that could not run has no data entry at all in a graphql-response+json
    // answer, and a 400 status.
    let unrun = is_request_error(&response) && media == Media::GraphqlResponse;
    let body = if unrun {
        serde_json::to_vec(&serde_json::json!({
            "errors": &response.errors,
            "extensions": &response.extensions,
        }))
    } else {
        serde_json::to_vec(&response)
    };
    let body = match body {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "cannot serialize a response");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the response could not be written",
            );
        }
    };
    let status = if unrun {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let etag = etag.filter(|_| status == StatusCode::OK);
    let mut answered = answer(
        &app,
        &method,
        &headers,
        media.content_type(),
        status,
        Bytes::from(body),
        etag,
    );
    if let Some(version) = receipt.version() {
        answered
            .headers_mut()
            .insert(VERSION_HEADER, HeaderValue::from(version));
    }
    answered
}

/// Runs a request with this request's database handle, within the request timeout. A
/// query the schema refused for its depth or cost is validated again by the explaining
/// schema, whose refusal names the limit and the value.
async fn execute(
    app: &AppState,
    db: &Db,
    request: async_graphql::Request,
    headers: &HeaderMap,
) -> GqlResponse {
    let retry = (
        request.query.clone(),
        request.variables.clone(),
        request.operation_name.clone(),
    );
    let slot = if request.query.len() <= cache::LONGEST_CACHED_QUERY {
        PlanSlot::new(
            app.plans.clone(),
            &request.query,
            request.operation_name.as_deref(),
            &request.variables,
        )
    } else {
        None
    };
    let mut request = request
        .data(db.loader())
        .data(db.clone())
        .data(bearer_token(headers));
    if let Some(slot) = slot {
        request = request.data(slot);
    }
    let execution = tokio::time::timeout(app.request_timeout, app.schema.execute(request));
    // On timeout the execution is dropped, which cancels its pending SQL; PostgreSQL also
    // cuts off each statement after the same time (see `db::connect`).
    let response = execution.await.unwrap_or_else(|_| {
        GqlResponse::from_errors(vec![super::timeout_error(app.request_timeout)])
    });
    if !crate::graphql::limits::is_unexplained_refusal(&response.errors) {
        return response;
    }
    let (query, variables, operation_name) = retry;
    let mut request = async_graphql::Request::new(query).variables(variables);
    request.operation_name = operation_name;
    let explained = app.explaining.execute(request).await;
    if explained
        .errors
        .iter()
        .any(crate::graphql::limits::is_limit_refusal)
    {
        explained
    } else {
        response
    }
}

/// Writes a GraphQL response. A read that succeeded carries its entity tag, and `304 Not
/// Modified` when the client already holds it; by GET it may also be reused for a while.
fn answer(
    app: &AppState,
    method: &Method,
    headers: &HeaderMap,
    content_type: &'static str,
    status: StatusCode,
    body: Bytes,
    etag: Option<String>,
) -> Response {
    let cache_control = match (&etag, method) {
        (Some(_), &Method::GET) => app.get_cache_control.clone(),
        (Some(_), _) => HeaderValue::from_static("no-cache"),
        (None, _) => HeaderValue::from_static("no-store"),
    };
    let mut response = match &etag {
        Some(tag) if matches_etag(headers, tag) => StatusCode::NOT_MODIFIED.into_response(),
        _ => (status, [(header::CONTENT_TYPE, content_type)], body).into_response(),
    };
    let response_headers = response.headers_mut();
    response_headers.insert(header::CACHE_CONTROL, cache_control);
    if let Some(value) = etag.and_then(|tag| HeaderValue::from_str(&tag).ok()) {
        response_headers.insert(header::ETAG, value);
    }
    // The answer depends on these request headers, so shared caches must key on them.
    response_headers.insert(
        header::VARY,
        HeaderValue::from_static("accept, accept-encoding, authorization"),
    );
    response
}

/// Whether the client accepts brotli (`Accept-Encoding: br`, not refused with `q=0`).
fn accepts_brotli(headers: &HeaderMap) -> bool {
    header_items(headers, header::ACCEPT_ENCODING).any(|coding| {
        let mut parts = coding.split(';').map(str::trim);
        parts
            .next()
            .is_some_and(|name| name.eq_ignore_ascii_case("br"))
            && !parts.any(|p| p.replace(' ', "").starts_with("q=0") && !p.contains("q=0."))
    })
}

/// Whether `If-None-Match` names the entity tag (or `*`).
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    header_items(headers, header::IF_NONE_MATCH)
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag.trim_start_matches("W/") || t == "*")
}
