//! Curation of state records: their input, checks and mutations.

use super::*;
use crate::graphql::error::ApiResult;
use entity::enums::{RecordKind, Region};
use entity::state;

use crate::graphql::curation::{Checked, Checks, RecordInput, crud};
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseTransaction;

/// A state as curators write it.
#[derive(async_graphql::InputObject)]
pub struct StateInput {
    /// ISO 3166-1 alpha-2 code, e.g. `KE`: the state's key, unique.
    pub code: String,
    /// Short English name.
    pub name: String,
    /// UN M49 region.
    pub region: Region,
    /// UN M49 subregion, e.g. `Eastern Africa`.
    pub subregion: String,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for StateInput {
    type Entity = state::Entity;
    type Model = state::Model;
    type Active = state::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::State);
    const TYPE: &'static str = "State";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&state::Model>,
    ) -> ApiResult<Checked<state::ActiveModel>> {
        let mut checks = Checks::default();
        checks.iso_code("input.code", &self.code);
        checks.not_blank("input.name", &self.name);
        checks.not_blank("input.subregion", &self.subregion);
        checks
            .unique::<state::Entity>(txn, "input.code", &self.code, current.map(|c| c.id))
            .await?;
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let row = state::ActiveModel {
            code: Set(self.code.clone()),
            name: Set(self.name.clone()),
            region: Set(self.region),
            subregion: Set(self.subregion.clone()),
            ..Default::default()
        };
        Ok(Checked { row, sources })
    }
}

crud! {
/// Curation of states: each mutation needs the admin token and runs in one transaction.
StateMutation {
    State(StateInput), id "The state's global id." {
        /// Adds a state.
        create_state;
        /// Replaces a state's facts and sources with the input.
        update_state;
        /// Deletes a state that nothing refers to any more; returns its id.
        delete_state;
    }
}
}
