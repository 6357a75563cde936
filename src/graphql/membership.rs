//! Memberships: when each state joined and left, and whether it was a member on a date.

use async_graphql::{Context, Enum, ID, Object};
use chrono::NaiveDate;
use entity::enums::RecordKind;
use entity::{membership, state};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

use super::connection::{Connection, PageArgs};
use super::dates::{Date, DateInterval, read_date};
use super::error::ApiResult;
use super::loader::Loaded;
use super::node::global_id;
use super::source::{Source, cited_by};
use super::state::State;
use crate::dates::Relation;

/// Whether a state was a member on a given day, as far as the sources tell.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MembershipStatus {
    /// The sources show it was not a member that day.
    NotMember,
    /// The sources do not decide: the day falls inside an uncertain joining or leaving date.
    Uncertain,
    /// The sources show it was a member that day.
    Member,
}

/// The status one membership gives on `day`. A leaving date is the first day out.
pub fn status_on(m: &membership::Model, day: NaiveDate) -> MembershipStatus {
    let joined = read_date(m, "joined").map_or(Relation::Unknown, |d| d.relation_to(day));
    let left = read_date(m, "left").map(|d| d.relation_to(day));
    match (joined, left) {
        (Relation::After, _) | (_, Some(Relation::OnOrBefore)) => MembershipStatus::NotMember,
        (Relation::OnOrBefore, None | Some(Relation::After)) => MembershipStatus::Member,
        _ => MembershipStatus::Uncertain,
    }
}

/// The best status among a state's memberships.
pub fn state_status_on(
    memberships: &[Loaded<membership::Model>],
    day: NaiveDate,
) -> MembershipStatus {
    memberships
        .iter()
        .map(|m| status_on(m, day))
        .max()
        .unwrap_or(MembershipStatus::NotMember)
}

/// The same rule as [`status_on`] in SQL: memberships certainly in force on `day`, or, with
/// `include_uncertain`, possibly in force.
pub fn in_force_on(day: NaiveDate, include_uncertain: bool) -> Condition {
    use membership::Column as M;
    if include_uncertain {
        Condition::all()
            .add(
                Condition::any()
                    .add(M::JoinedEarliest.is_null())
                    .add(M::JoinedEarliest.lte(day)),
            )
            .add(
                Condition::any()
                    .add(M::LeftLatest.is_null())
                    .add(M::LeftLatest.gt(day)),
            )
    } else {
        Condition::all().add(M::JoinedLatest.lte(day)).add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(M::LeftEarliest.is_null())
                        .add(M::LeftLatest.is_null()),
                )
                .add(M::LeftEarliest.gt(day)),
        )
    }
}

/// The ids of states with a membership in force on `day`, as a subquery.
pub fn member_state_ids(day: NaiveDate, include_uncertain: bool) -> SelectStatement {
    Query::select()
        .column(membership::Column::StateId)
        .from(membership::Entity)
        .cond_where(in_force_on(day, include_uncertain))
        .to_owned()
}

/// The condition "the state's id is among those members".
pub fn state_is_member(day: NaiveDate, include_uncertain: bool) -> Condition {
    Condition::all().add(state::Column::Id.in_subquery(member_state_ids(day, include_uncertain)))
}

/// A state's period in the Coalition.
pub struct Membership(pub Loaded<membership::Model>);

/// A state's period in the Coalition: when it joined and, if it did, when it left.
#[Object]
impl Membership {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Membership", self.0.id)
    }

    /// The member state.
    async fn state(&self, ctx: &Context<'_>) -> ApiResult<Option<State>> {
        Ok(self
            .0
            .related::<state::Entity>(ctx, |m| Some(m.state_id), "state_id")
            .await?
            .map(State))
    }

    /// When the state joined, as an interval with the precision the source gave.
    async fn joined(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "joined").map(Into::into)
    }

    /// When the state left; null while it is a member.
    async fn left(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "left").map(Into::into)
    }

    /// Whether the state founded the Coalition (endorsed the founding declaration at The
    /// Hague, December 2011).
    async fn founding(&self) -> bool {
        self.0.founding
    }

    /// Its place in the order of joining ("31st member"), where a source gives one.
    async fn ordinal(&self) -> Option<i32> {
        self.0.ordinal
    }

    /// What the sources add, including disagreements between them.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// Whether this membership was in force on a day.
    async fn status(
        &self,
        #[graphql(desc = "The day to ask about.")] on: Date,
    ) -> MembershipStatus {
        status_on(&self.0.model, on.0)
    }

    /// The sources of this membership.
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Source>> {
        cited_by(
            ctx,
            &self.0,
            RecordKind::Membership,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}
