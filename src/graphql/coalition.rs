//! The Coalition itself, and its state on a given day.

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use entity::enums::ConferenceKind;
use entity::enums::RecordKind;
use entity::{chairship, conference};
use entity::{coalition, source, state};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::chairship::{CHAIRSHIP_ORDER, Chairship, ChairshipFilter, possibly_on};
use super::conference::{CONFERENCE_ORDER, Conference, ConferenceFilter};

use super::dates::{Date, DateInterval, read_date};
use super::error::{ApiResult, OrGraphql};
use super::fields::object;
use super::filter::list_query;
use super::list::Cited;
use super::list::{Connection, PageArgs};
use super::list::{Db, Loaded, single};
use super::membership::state_is_member;
use super::node::global_id;
use super::order::OrderBy;
use super::source::{SOURCE_ORDER, Source, SourceFilter};
use super::state::{STATE_ORDER, State, StateFilter, StateOrderField};

/// The Freedom Online Coalition.
#[derive(Clone)]
pub struct Coalition(pub Loaded<coalition::Model>, pub Option<Date>);

object! {
/// The Freedom Online Coalition: its purpose, founding and membership rules.
impl Coalition {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Coalition", self.0.id)
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What it is for, in the fact sheet's words.
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }

    /// When it was founded.
    async fn founded(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "founded").map(Into::into)
    }

    /// Where it was founded.
    async fn founding_place(&self) -> Option<&str> {
        self.0.founding_place.as_deref()
    }

    /// Who may join, in the fact sheet's words.
    async fn membership_criteria(&self) -> Option<&str> {
        self.0.membership_criteria.as_deref()
    }

    /// The regions its participants span, in the fact sheet's words.
    async fn participant_regions(&self) -> Vec<&str> {
        self.0
            .participant_regions
            .lines()
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The same regions as the fact sheet's sentence gives them.
    async fn participant_regions_text(&self) -> Option<&str> {
        self.0.participant_regions_text.as_deref()
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

}
paged {
    /// The states that were members on a day, by name.
    members(
        #[graphql(desc = "The day to ask about.")] on: Date,
        #[graphql(
            desc = "Also states whose membership that day the sources leave uncertain.",
            default = false
        )]
        include_uncertain: bool,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<StateFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<StateOrderField>>,
        >,
    ) -> State = Self::members_page;
}
lists {
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Coalition);
}
}

impl Coalition {
    /// The page of `members`.
    async fn members_page(
        &self,
        ctx: &Context<'_>,
        on: Date,
        include_uncertain: bool,
        filter: Option<StateFilter>,
        order_by: Option<Vec<OrderBy<StateOrderField>>>,
        args: PageArgs,
    ) -> ApiResult<Connection<State>> {
        let query =
            list_query::<state::Entity, _, _>(filter.as_ref(), order_by.as_deref(), STATE_ORDER);
        let select = state::Entity::find().filter(state_is_member(on.0, include_uncertain));
        Connection::from_query(ctx, select, &query, &args, State).await
    }
}

/// The Coalition on one day: who belonged, who chaired, which conferences had been held
/// and which came next, and the sources published by then.
pub struct CoalitionSnapshot(pub NaiveDate);

/// The Coalition on one day: who belonged, who chaired, which conferences had been held
/// and which came next, and the sources published by then.
#[Object]
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

    /// The states that were certainly members that day, by name.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<StateFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<StateOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<State>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query =
            list_query::<state::Entity, _, _>(filter.as_ref(), order_by.as_deref(), STATE_ORDER);
        Connection::from_query(ctx, members_on(self.0), &query, &args, State).await
    }

    /// The states that may have been members that day, but are not certainly.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn uncertain_members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<StateFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<StateOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<State>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query =
            list_query::<state::Entity, _, _>(filter.as_ref(), order_by.as_deref(), STATE_ORDER);
        Connection::from_query(ctx, uncertain_members(self.0), &query, &args, State).await
    }

    /// The chairships that may have been in force that day (the sources give many periods
    /// only to a year, so a day near a handover can have two).
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn chairships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Chairship>> {
        let args = PageArgs::new(after, before, first, last)?;
        let table = sea_orm::sea_query::Alias::new("chairships");
        let select = chairship::Entity::find().filter(possibly_on(&table, self.0));
        let query =
            list_query::<chairship::Entity, ChairshipFilter, _>(None, None, CHAIRSHIP_ORDER);
        Connection::from_query(ctx, select, &query, &args, Chairship).await
    }

    /// The Freedom Online Conferences that had begun by that day, oldest first.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn conferences_held(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Conference>> {
        let args = PageArgs::new(after, before, first, last)?;
        let select = conference::Entity::find()
            .filter(conference::Column::Kind.eq(ConferenceKind::FreedomOnlineConference))
            .filter(conference::Column::StartDate.lte(self.0));
        let query =
            list_query::<conference::Entity, ConferenceFilter, _>(None, None, CONFERENCE_ORDER);
        Connection::from_query(ctx, select, &query, &args, Conference).await
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
        Ok(single(found).map(Conference))
    }

    /// The sources certainly published by that day: what could be known then.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Source>> {
        let args = PageArgs::new(after, before, first, last)?;
        let select = source::Entity::find().filter(source::Column::PublishedLatest.lte(self.0));
        let query = list_query::<source::Entity, SourceFilter, _>(None, None, SOURCE_ORDER);
        Connection::from_query(ctx, select, &query, &args, Source).await
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
        Ok(single(found).map(|c| Coalition(c, on)))
    }
}
