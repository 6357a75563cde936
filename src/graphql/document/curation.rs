//! Curation of document records: their input, checks and mutations.

use super::*;
use crate::graphql::error::ApiResult;
use entity::enums::{DocumentKind, RecordKind};
use entity::{conference, document};

use crate::graphql::curation::{Checked, Checks, RecordInput, crud};
use crate::graphql::dates::DateInput;
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseTransaction;

/// A document as curators write it.
#[derive(async_graphql::InputObject)]
pub struct DocumentInput {
    /// Short stable key, unique, e.g. `hague-declaration`.
    pub key: String,
    /// Its title.
    pub title: String,
    /// What kind of document it is.
    pub kind: DocumentKind,
    /// When it was adopted.
    pub adopted: Option<DateInput>,
    /// Key of the conference that adopted it.
    pub conference: Option<String>,
    /// What else the sources say about it.
    pub note: Option<String>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for DocumentInput {
    type Entity = document::Entity;
    type Model = document::Model;
    type Active = document::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Document);
    const TYPE: &'static str = "Document";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&document::Model>,
    ) -> ApiResult<Checked<document::ActiveModel>> {
        let mut checks = Checks::default();
        checks.not_blank("input.key", &self.key);
        checks.not_blank("input.title", &self.title);
        checks
            .unique::<document::Entity>(txn, "input.key", &self.key, current.map(|c| c.id))
            .await?;
        let conference_id = checks
            .find_opt::<conference::Entity>(txn, "input.conference", self.conference.as_deref())
            .await?;
        let adopted = checks
            .date(txn, "input.adopted", self.adopted.as_ref())
            .await?;
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let mut row = document::ActiveModel {
            key: Set(self.key.clone()),
            title: Set(self.title.clone()),
            kind: Set(self.kind),
            conference_id: Set(conference_id),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        crate::dataset::set_date(&mut row, "adopted", adopted.as_ref());
        Ok(Checked { row, sources })
    }
}

crud! {
/// Curation of documents: each mutation needs the admin token and runs in one transaction.
DocumentMutation {
    Document(DocumentInput), id "The document's global id." {
        /// Adds a document.
        create_document;
        /// Replaces a document's facts and sources with the input.
        update_document;
        /// Deletes a document that no commitment refers to; returns its id.
        delete_document;
    }
}
}
