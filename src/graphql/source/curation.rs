//! Curation of source records: their input, checks and mutations.

use super::*;
use crate::graphql::error::ApiResult;
use entity::enums::RecordKind;
use entity::source;

use crate::graphql::curation::{Checked, Checks, RecordInput, crud};
use crate::graphql::dates::DateInput;
use crate::graphql::error::OrGraphql;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

/// A source as curators write it: a publication that facts cite.
#[derive(async_graphql::InputObject)]
pub struct SourceInput {
    /// Short stable key that facts cite it by, unique, e.g. `FS2014`.
    pub key: String,
    /// Its title.
    pub title: String,
    /// Whether `title` is a description of the publication rather than the title it gives
    /// itself (no source gives that).
    #[graphql(default)]
    pub title_is_description: bool,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was published.
    pub date: Option<DateInput>,
    /// Where to read it.
    pub url: Option<String>,
    /// What to know about it.
    pub note: Option<String>,
}

impl RecordInput for SourceInput {
    type Entity = source::Entity;
    type Model = source::Model;
    type Active = source::ActiveModel;
    const KIND: Option<RecordKind> = None;
    const TYPE: &'static str = "Source";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&source::Model>,
    ) -> ApiResult<Checked<source::ActiveModel>> {
        let mut checks = Checks::default();
        checks.not_blank("input.key", &self.key);
        if self.key.contains(',') || self.key.contains(char::is_whitespace) {
            checks.problem("input.key", "a source key has no commas or spaces");
        }
        checks.not_blank("input.title", &self.title);
        checks
            .unique::<source::Entity>(txn, "input.key", &self.key, current.map(|c| c.id))
            .await?;
        if let Some(url) = &self.url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            checks.problem("input.url", "a URL starts with https:// or http://");
        }
        let date = checks.date(txn, "input.date", self.date.as_ref()).await?;
        if let Some(current) = current
            && current.key != self.key
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
        checks.finish()?;
        let mut row = source::ActiveModel {
            key: Set(self.key.clone()),
            title: Set(self.title.clone()),
            title_is_description: Set(self.title_is_description),
            publisher: Set(self.publisher.clone()),
            url: Set(self.url.clone()),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        crate::dataset::set_date(&mut row, "published", date.as_ref());
        Ok(Checked {
            row,
            sources: Vec::new(),
        })
    }

    async fn other_references(
        txn: &DatabaseTransaction,
        current: &source::Model,
    ) -> ApiResult<Vec<(&'static str, u64)>> {
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
