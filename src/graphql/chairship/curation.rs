//! Curation of chairship records: their input, checks and mutations.

use super::*;
use crate::graphql::error::ApiResult;
use entity::chairship;
use entity::enums::RecordKind;

use crate::dataset::chairship_key;
use crate::graphql::curation::{Checked, Checks, RecordInput, crud};
use crate::graphql::dates::DateInput;
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseTransaction;

/// A chairship as curators write it: who chaired the Coalition, and when.
#[derive(async_graphql::InputObject)]
pub struct ChairshipInput {
    /// ISO code of the chairing state; leave it out when no state chaired.
    pub chair: Option<String>,
    /// Who acted instead of a chair, as the source words it.
    pub interim: Option<String>,
    /// When it began.
    pub start: Option<DateInput>,
    /// When it ended.
    pub end: Option<DateInput>,
    /// What else the sources say about it.
    pub note: Option<String>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for ChairshipInput {
    type Entity = chairship::Entity;
    type Model = chairship::Model;
    type Active = chairship::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Chairship);
    const TYPE: &'static str = "Chairship";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&chairship::Model>,
    ) -> ApiResult<Checked<chairship::ActiveModel>> {
        let mut checks = Checks::default();
        if self.chair.is_none() && self.interim.is_none() {
            checks.problem(
                "input.chair",
                "name the chairing state or who acted instead",
            );
        }
        let state_id = checks
            .find_opt::<entity::state::Entity>(txn, "input.chair", self.chair.as_deref())
            .await?;
        let start = checks.date(txn, "input.start", self.start.as_ref()).await?;
        let end = checks.date(txn, "input.end", self.end.as_ref()).await?;
        if let (Some(s), Some(e)) = (&start, &end)
            && let (Ok(s), Ok(e)) = (s.resolve(), e.resolve())
            && let (Some(from), Some(to)) = (s.earliest, e.latest)
            && to < from
        {
            checks.problem("input.end", "a chairship cannot end before it starts");
        }
        let key = chairship_key(
            self.chair.as_deref(),
            self.interim.as_deref(),
            start.as_ref(),
        );
        checks
            .unique::<chairship::Entity>(txn, "input.start", &key, current.map(|c| c.id))
            .await?;
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let mut row = chairship::ActiveModel {
            key: Set(key),
            state_id: Set(state_id),
            interim: Set(self.interim.clone()),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        crate::dataset::set_date(&mut row, "start", start.as_ref());
        crate::dataset::set_date(&mut row, "end", end.as_ref());
        Ok(Checked { row, sources })
    }
}

crud! {
/// Curation of chairships: each mutation needs the admin token and runs in one transaction.
ChairshipMutation {
    Chairship(ChairshipInput), id "The chairship's global id." {
        /// Adds a chairship.
        create_chairship;
        /// Replaces a chairship's facts and sources with the input.
        update_chairship;
        /// Deletes a chairship; returns its id.
        delete_chairship;
    }
}
}
