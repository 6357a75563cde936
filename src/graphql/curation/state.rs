//! Curation of state records: their input, checks and mutations.

use crate::graphql::error::ApiResult;
use crate::graphql::state::*;
use async_graphql::{Context, ID, Object};
use entity::enums::{RecordKind, Region};
use entity::{
    chairship, conference_host, endorsement, funding_funder, membership, organization, person_role,
    state,
};
use sea_orm::ColumnTrait;

use super::{Checked, Checks, RecordInput, count, create, delete, update};
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
            .unique::<state::Entity>(
                txn,
                "input.code",
                "state",
                state::Column::Code,
                &self.code,
                current.map(|c| c.id),
            )
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

    async fn before_delete(txn: &DatabaseTransaction, current: &state::Model) -> ApiResult<()> {
        let id = current.id;
        super::refuse_if_referenced(
            &format!("state `{}`", current.code),
            vec![
                (
                    "memberships",
                    count::<membership::Entity>(txn, membership::Column::StateId.eq(id)).await?,
                ),
                (
                    "conference hostings",
                    count::<conference_host::Entity>(txn, conference_host::Column::StateId.eq(id))
                        .await?,
                ),
                (
                    "chairships",
                    count::<chairship::Entity>(txn, chairship::Column::StateId.eq(id)).await?,
                ),
                (
                    "endorsements",
                    count::<endorsement::Entity>(txn, endorsement::Column::StateId.eq(id)).await?,
                ),
                (
                    "organizations",
                    count::<organization::Entity>(txn, organization::Column::StateId.eq(id))
                        .await?,
                ),
                (
                    "fundings",
                    count::<funding_funder::Entity>(txn, funding_funder::Column::StateId.eq(id))
                        .await?,
                ),
                (
                    "conference roles",
                    count::<person_role::Entity>(txn, person_role::Column::OfficeStateId.eq(id))
                        .await?,
                ),
            ],
        )
    }
}

/// Curation of states: each mutation needs the admin token and runs in one transaction.
#[derive(Default)]
pub struct StateMutation;

#[Object]
impl StateMutation {
    /// Adds a state.
    async fn create_state(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's facts and the keys of its sources.")] input: StateInput,
    ) -> ApiResult<State> {
        Ok(State(crate::graphql::list::alone(
            create(ctx, &input).await?,
        )))
    }

    /// Replaces a state's facts and sources with the input.
    async fn update_state(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The state's global id.")] id: ID,
        #[graphql(desc = "The record's facts and the keys of its sources.")] input: StateInput,
    ) -> ApiResult<State> {
        Ok(State(crate::graphql::list::alone(
            update(ctx, &id, &input).await?,
        )))
    }

    /// Deletes a state that nothing refers to any more; returns its id.
    async fn delete_state(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The state's global id.")] id: ID,
    ) -> ApiResult<ID> {
        delete::<StateInput>(ctx, id).await
    }
}
