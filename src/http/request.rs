//! What a GraphQL request says before it runs, read alike by the request handler and the
//! event stream: its bearer token, and whether it mutates.

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use axum::http::{HeaderMap, header};

use crate::graphql::curation::Bearer;

/// Whether the operation a request selects is a mutation.
pub(super) fn is_mutation(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    document.operations.iter().any(|(name, operation)| {
        let selected = match (operation_name, name) {
            (Some(wanted), Some(name)) => wanted == name.as_str(),
            (Some(_), None) => false,
            (None, _) => true,
        };
        selected && operation.node.ty == OperationType::Mutation
    })
}

/// The token of an `Authorization: Bearer <token>` header.
pub(super) fn bearer_token(headers: &HeaderMap) -> Bearer {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        });
    Bearer(token)
}
