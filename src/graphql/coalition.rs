//! The Coalition itself, and its state on a given day.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::{coalition, source, state};
use sea_orm::{EntityTrait, PaginatorTrait, QueryFilter};

use super::connection::{Connection, PageArgs};
use super::dates::{Date, DateInterval, read_date};
use super::error::{ApiResult, OrGraphql};
use super::filter::list_query;
use super::loader::{Db, Loaded, group};
use super::membership::state_is_member;
use super::node::global_id;
use super::order::OrderBy;
use super::source::{SOURCE_ORDER, Source, SourceFilter, SourceOrderField, cited_by};
use super::state::{STATE_ORDER, State, StateFilter, StateOrderField};

/// The Freedom Online Coalition.
pub struct Coalition(pub Loaded<coalition::Model>);

/// The Freedom Online Coalition: its purpose, founding and membership rules.
#[Object]
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

    /// How many states were certainly members on a day.
    async fn member_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to count on.")] on: Date,
    ) -> ApiResult<u64> {
        let db = ctx.data::<Db>()?;
        state::Entity::find()
            .filter(state_is_member(on.0, false))
            .count(&db.conn)
            .await
            .or_gql()
    }

    /// The states that were members on a day, by name.
    async fn members(
        &self,
        ctx: &Context<'_>,
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
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<State>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query =
            list_query::<state::Entity, _, _>(filter.as_ref(), order_by.as_deref(), STATE_ORDER);
        let select = state::Entity::find().filter(state_is_member(on.0, include_uncertain));
        Connection::from_query(ctx, select, &query, &args, State).await
    }

    /// The sources of this record.
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<SourceFilter>,
        #[graphql(desc = "Sort keys, in order; by key when left out.")] order_by: Option<
            Vec<OrderBy<SourceOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Source>> {
        let query =
            list_query::<source::Entity, _, _>(filter.as_ref(), order_by.as_deref(), SOURCE_ORDER);
        cited_by(
            ctx,
            &self.0,
            RecordKind::Coalition,
            &query,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root field for the Coalition.
#[derive(Default)]
pub struct CoalitionQuery;

#[Object]
impl CoalitionQuery {
    /// The Freedom Online Coalition.
    async fn coalition(&self, ctx: &Context<'_>) -> ApiResult<Option<Coalition>> {
        let db = ctx.data::<Db>()?;
        let found = coalition::Entity::find().one(&db.conn).await.or_gql()?;
        Ok(group(found.into_iter().collect()).pop().map(Coalition))
    }
}
