//! Curation of membership records: their input, checks and mutations.

use super::*;
use crate::graphql::dates::read_date;
use crate::graphql::error::ApiResult;
use entity::enums::RecordKind;
use entity::membership;
use sea_orm::{ColumnTrait, EntityTrait};

use crate::graphql::commitment::curation::{endorse_on_joining, endorsed_on_joining};
use crate::graphql::curation::{Checked, Checks, RecordInput, crud};
use crate::graphql::dates::DateInput;
use crate::graphql::error::OrGraphql;
use async_graphql::InputObject;
use entity::endorsement;
use sea_orm::ActiveValue::Set;
use sea_orm::{DatabaseTransaction, QueryFilter};

/// A membership as curators write it: a state's joining of the Coalition.
#[derive(InputObject)]
pub struct MembershipInput {
    /// ISO code of the member state; a state has one membership.
    pub state: String,
    /// When it joined.
    pub joined: Option<DateInput>,
    /// Whether it is a founding member.
    #[graphql(default)]
    pub founding: bool,
    /// Its place in the order of joining, where a source gives it.
    pub ordinal: Option<i32>,
    /// When it left, if it did.
    pub left: Option<DateInput>,
    /// What else the sources say about it.
    pub note: Option<String>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for MembershipInput {
    type Entity = membership::Entity;
    type Model = membership::Model;
    type Active = membership::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Membership);
    const TYPE: &'static str = "Membership";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&membership::Model>,
    ) -> ApiResult<Checked<membership::ActiveModel>> {
        let mut checks = Checks::default();
        let state_id = checks
            .find::<entity::state::Entity>(txn, "input.state", &self.state)
            .await?;
        checks
            .unique::<membership::Entity>(txn, "input.state", &self.state, current.map(|c| c.id))
            .await?;
        let joined = checks
            .date(txn, "input.joined", self.joined.as_ref())
            .await?;
        let left = checks.date(txn, "input.left", self.left.as_ref()).await?;
        if let (Some(j), Some(l)) = (&joined, &left)
            && let (Ok(j), Ok(l)) = (j.resolve(), l.resolve())
            && let (Some(joined_from), Some(left_by)) = (j.earliest, l.latest)
            && left_by < joined_from
        {
            checks.problem("input.left", "a member cannot leave before it joined");
        }
        if self.ordinal.is_some_and(|o| o < 1) {
            checks.problem("input.ordinal", "an ordinal counts from 1");
        }
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let mut row = membership::ActiveModel {
            key: Set(self.state.clone()),
            state_id: Set(state_id.unwrap_or_default()),
            founding: Set(self.founding),
            ordinal: Set(self.ordinal),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        crate::dataset::set_date(&mut row, "joined", joined.as_ref());
        crate::dataset::set_date(&mut row, "left", left.as_ref());
        Ok(Checked { row, sources })
    }

    async fn after_save(
        &self,
        txn: &DatabaseTransaction,
        saved: &membership::Model,
        before: Option<&membership::Model>,
    ) -> ApiResult<()> {
        let commitments = endorsed_on_joining(txn).await?;
        let joined_before = before.and_then(|b| read_date(b, "joined"));
        endorse_on_joining(
            txn,
            std::slice::from_ref(saved),
            &commitments,
            joined_before.as_ref(),
        )
        .await
    }

    async fn before_delete(
        txn: &DatabaseTransaction,
        current: &membership::Model,
    ) -> ApiResult<()> {
        // The endorsements it made on joining, as the data gives them, go with it; those
        // with a note or a date of their own stay as the state's endorsements.
        let commitments = endorsed_on_joining(txn).await?;
        let joined = read_date(current, "joined");
        for c in commitments {
            let found = endorsement::Entity::find()
                .filter(endorsement::Column::StateId.eq(current.state_id))
                .filter(endorsement::Column::CommitmentId.eq(c.id))
                .one(txn)
                .await
                .or_gql()?;
            if let Some(e) = found
                && e.note.is_none()
                && read_date(&e, "endorsed") == joined
            {
                crate::graphql::curation::remove::<endorsement::Entity>(
                    txn,
                    RecordKind::Endorsement,
                    e.id,
                )
                .await?;
            }
        }
        Ok(())
    }
}

crud! {
/// Curation of memberships: each mutation needs the admin token and runs in one transaction.
MembershipMutation {
    Membership(MembershipInput), id "The membership's global id." {
        /// Adds a state's membership; the member endorses, on its joining date, every
        /// commitment marked `endorsedOnJoining`.
        create_membership;
        /// Replaces a membership's facts and sources with the input; endorsements made on
        /// joining follow a changed joining date.
        update_membership;
        /// Deletes a membership with the endorsements made on joining; returns its id.
        delete_membership;
    }
}
}
