//! Curation of source records: their input, checks and mutations.

use super::*;
use crate::graphql::curation::{crud, record_input};
use crate::graphql::dates::DateInput;
use crate::graphql::error::{ApiResult, OrGraphql};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

record_input! {
/// A source as curators write it: a publication that facts cite.
SourceInput -> Source in source {
    /// Short stable key that facts cite it by, unique, e.g. `FS2014`.
    key: String [key],
    /// Its title.
    title: String [text],
    /// Whether `title` is a description of the publication rather than the title it gives
    /// itself (no source gives that).
    #[graphql(default)]
    title_is_description: bool [set],
    /// Who published it.
    publisher: Option<String> [set],
    /// When it was published.
    date: Option<DateInput> [date published],
    /// Where to read it.
    url: Option<String> [set],
    /// What to know about it.
    note: Option<String> [set],
}
check |input, checks, txn, current, row| {
    if input.key.contains(',') || input.key.contains(char::is_whitespace) {
        checks.problem("input.key", "a source key has no commas or spaces");
    }
    if let Some(url) = &input.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        checks.problem("input.url", "a URL starts with https:// or http://");
    }
    if let Some(current) = current
        && current.key != input.key
    {
        let uses = key_uses(txn, &current.key).await?;
        if uses > 0 {
            checks.problem(
                "input.key",
                format!(
                    "{uses} dates are narrowed by `{}`, so its key stays",
                    current.key
                ),
            );
        }
    }
}
other_references |txn, current| {
    Ok(vec![("narrowed dates", key_uses(txn, &current.key).await?)])
}
}

/// How many dates name a source among the sources that narrowed them: dates keep source
/// keys, not ids, as the data file writes them.
async fn key_uses(txn: &DatabaseTransaction, key: &str) -> ApiResult<u64> {
    let mut uses = 0;
    for (table, column) in entity::narrowed_dates() {
        // LIKE narrows the rows down; the list is then matched item by item.
        let statement = Query::select()
            .expr_as(Expr::col(Alias::new(column)), Alias::new("keys"))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new(column)).like(format!("%{key}%")))
            .to_owned();
        for row in txn.query_all(&statement).await.or_gql()? {
            let keys: Option<String> = row.try_get("", "keys").or_gql()?;
            if keys.is_some_and(|keys| keys.split(',').any(|k| k == key)) {
                uses += 1;
            }
        }
    }
    Ok(uses)
}

crud! {
/// Curation of sources: each mutation needs the admin token and runs in one transaction.
SourceMutation {
    Source(SourceInput), id "The source's global id." {
        /// Adds a source that facts can then cite.
        create_source;
        /// Replaces a source's details with the input.
        update_source;
        /// Deletes a source that no fact cites any more; returns its id.
        delete_source;
    }
}
}
