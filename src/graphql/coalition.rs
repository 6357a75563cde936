//! The Coalition itself, and its state on a given day.

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use entity::enums::ConferenceKind;
use entity::{chairship, conference};
use entity::{coalition, source, state};
use sea_orm::sea_query::Alias;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::chairship::{Chairship, possibly_on};
use super::conference::Conference;

use super::dates::Date;
use super::error::{ApiResult, OrGraphql};
use super::fields::object;
use super::list::{Db, Loaded, alone};
use super::membership::state_is_member;
use super::source::Source;
use super::state::State;
use super::timeline::{self, TimelineInterval};

/// The Freedom Online Coalition.
#[derive(Clone)]
pub struct Coalition(pub Loaded<coalition::Model>, pub Option<Date>);

object! {
/// The Freedom Online Coalition: its purpose, founding and membership rules.
impl Coalition {

    /// The regions its participants span, in the fact sheet's words.
    async fn participant_regions(&self) -> Vec<&str> {
        self.0
            .participant_regions
            .lines()
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The Coalition on a day: members, chair, conferences held and next, sources then
    /// published. The day is `on`, or the one given to `coalition(on:)`.
    async fn snapshot(
        &self,
        #[graphql(desc = "The day; defaults to the one given to `coalition(on:)`.")] on: Option<
            Date,
        >,
    ) -> ApiResult<Option<CoalitionSnapshot>> {
        Ok(on.or(self.1).map(|day| CoalitionSnapshot(day.0)))
    }

    /// How many states were certainly members on a day.
    async fn member_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to count on.")] on: Date,
    ) -> ApiResult<u64> {
        count_states(ctx, members_on(on.0)).await
    }

    /// Members on each day from `from` to `to`, one interval apart, with the joins and
    /// departures of each step: for charts of the membership over time. Each point agrees
    /// with `memberCount(on:)` and the snapshot of its day. At most 1,000 points.
    #[graphql(complexity = "timeline::cost(interval.count(from.0, to.0))")]
    async fn membership_timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first day.")] from: Date,
        #[graphql(
            desc = "The last day: included when it falls on a step, else the series ends before it."
        )]
        to: Date,
        #[graphql(
            desc = "The step between two points.",
            default_with = "TimelineInterval::Year"
        )]
        interval: TimelineInterval,
        #[graphql(desc = "Also each point's members by region.", default = false)]
        by_region: bool,
    ) -> ApiResult<Vec<timeline::membership::MembershipPoint>> {
        let db = ctx.data::<Db>()?;
        timeline::membership::timeline(db, from.0, to.0, interval, by_region).await
    }

    /// For each year, the meetings that began in it and their hosts by region: for charts of
    /// the conferences over time. At most 1,000 years.
    #[graphql(complexity = "timeline::cost(timeline::years_asked(from, to))")]
    async fn conference_timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first year; by default the first a meeting began in.")]
        from: Option<i32>,
        #[graphql(desc = "The last year; by default the last a meeting began in.")]
        to: Option<i32>,
        #[graphql(desc = "Only meetings of this kind.")]
        kind: Option<ConferenceKind>,
    ) -> ApiResult<Vec<timeline::conference::ConferenceYear>> {
        let db = ctx.data::<Db>()?;
        timeline::conference::timeline(db, from, to, kind).await
    }
}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Its name.
    name: &str,
    /// What it is for, in the fact sheet's words.
    purpose: &str,
    /// Where it was founded.
    founding_place: Option<&str>,
    /// Who may join, in the fact sheet's words.
    membership_criteria: Option<&str>,
    /// The same regions as the fact sheet's sentence gives them.
    participant_regions_text: Option<&str>,
}
dates {
    /// When it was founded.
    founded,
}
cited Coalition;
roots {
    /// The states that were members on a day, by name.
    members(
        #[graphql(desc = "The day to ask about.")] on: Date,
        #[graphql(
            desc = "Also states whose membership that day the sources leave uncertain.",
            default = false
        )]
        include_uncertain: bool,
    ) -> State = |_| state::Entity::find().filter(state_is_member(on.0, include_uncertain));
}
}

/// The Coalition on one day: who belonged, who chaired, which conferences had been held
/// and which came next, and the sources published by then.
pub struct CoalitionSnapshot(pub NaiveDate);

object! {
/// The Coalition on one day: who belonged, who chaired, which conferences had been held
/// and which came next, and the sources published by then.
impl CoalitionSnapshot {
    /// The day.
    async fn date(&self) -> Date {
        Date(self.0)
    }

    /// How many states were certainly members that day.
    async fn member_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        count_states(ctx, members_on(self.0)).await
    }

    /// How many more states may have been members that day: the sources date their joining
    /// or leaving too loosely to tell.
    async fn uncertain_member_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        count_states(ctx, uncertain_members(self.0)).await
    }

    /// The next Freedom Online Conference after that day, if the record has one.
    async fn next_conference(&self, ctx: &Context<'_>) -> ApiResult<Option<Conference>> {
        let db = ctx.data::<Db>()?;
        let found = conference::Entity::find()
            .filter(conference::Column::Kind.eq(ConferenceKind::FreedomOnlineConference))
            .filter(conference::Column::StartDate.gt(self.0))
            .order_by_asc(conference::Column::StartDate)
            .one(&db.conn)
            .await
            .or_gql()?;
        Ok(found.map(alone).map(Conference))
    }
}
roots {
    /// The states that were certainly members that day, by name.
    members() -> State = |snapshot| members_on(snapshot.0);
    /// The states that may have been members that day, but are not certainly.
    uncertain_members() -> State = |snapshot| uncertain_members(snapshot.0);
    /// The chairships that may have been in force that day (the sources give many periods
    /// only to a year, so a day near a handover can have two).
    chairships() -> Chairship = |snapshot| {
        chairship::Entity::find().filter(possibly_on(&Alias::new("chairships"), snapshot.0))
    };
    /// The Freedom Online Conferences that had begun by that day, oldest first.
    conferences_held() -> Conference = |snapshot| {
        conference::Entity::find()
            .filter(conference::Column::Kind.eq(ConferenceKind::FreedomOnlineConference))
            .filter(conference::Column::StartDate.lte(snapshot.0))
    };
    /// The sources certainly published by that day: what could be known then.
    sources() -> Source = |snapshot| {
        source::Entity::find().filter(source::Column::PublishedLatest.lte(snapshot.0))
    };
}
}

/// States certainly members on `day`.
fn members_on(day: NaiveDate) -> sea_orm::Select<state::Entity> {
    state::Entity::find().filter(state_is_member(day, false))
}

/// How many states a selection holds.
async fn count_states(ctx: &Context<'_>, select: sea_orm::Select<state::Entity>) -> ApiResult<u64> {
    let db = ctx.data::<Db>()?;
    select.count(&db.conn).await.or_gql()
}

/// States that may have been members on `day` but are not certainly.
fn uncertain_members(day: NaiveDate) -> sea_orm::Select<state::Entity> {
    state::Entity::find()
        .filter(state_is_member(day, true))
        .filter(state_is_member(day, false).not())
}

/// Root field for the Coalition.
#[derive(Default)]
pub struct CoalitionQuery;

#[Object]
impl CoalitionQuery {
    /// The Freedom Online Coalition; with `on`, its `snapshot` describes that day.
    async fn coalition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A day to describe the Coalition on, in `snapshot`.")] on: Option<Date>,
    ) -> ApiResult<Option<Coalition>> {
        let db = ctx.data::<Db>()?;
        let found = coalition::Entity::find().one(&db.conn).await.or_gql()?;
        Ok(found.map(alone).map(|c| Coalition(c, on)))
    }
}
