//! Chairships: who chaired the Coalition in each period, including periods without a chair.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::{chairship, state};
use sea_orm::{EntityTrait, QueryOrder};

use super::connection::{Connection, PageArgs};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::loader::Loaded;
use super::node::global_id;
use super::source::{Source, cited_by};
use super::state::State;

/// A period of the Coalition's chair.
pub struct Chairship(pub Loaded<chairship::Model>);

/// A period of the Coalition's chair. `chair` is null when no state chaired (then `interim`
/// says who acted instead) or when no source names the chair.
#[Object]
impl Chairship {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Chairship", self.0.id)
    }

    /// The state that chaired; null when none did or none is confirmed.
    async fn chair(&self, ctx: &Context<'_>) -> ApiResult<Option<State>> {
        Ok(self
            .0
            .related::<state::Entity>(ctx, |m| m.state_id, "state_id")
            .await?
            .map(State))
    }

    /// Who acted in place of a chair, e.g. the "Friends of the Chair" in 2016-2017.
    async fn interim(&self) -> Option<&str> {
        self.0.interim.as_deref()
    }

    /// When the period began.
    async fn start(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "start").map(Into::into)
    }

    /// When the period ended.
    async fn end(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "end").map(Into::into)
    }

    /// What the sources add, including disagreements between them.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The sources of this record.
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
            RecordKind::Chairship,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root fields for chairships.
#[derive(Default)]
pub struct ChairshipQuery;

#[Object]
impl ChairshipQuery {
    /// The chairships, oldest first.
    async fn chairships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Chairship>> {
        let args = PageArgs::new(after, before, first, last)?;
        let select = chairship::Entity::find()
            .order_by_asc(chairship::Column::StartEarliest)
            .order_by_asc(chairship::Column::Id);
        Connection::from_select(ctx, select, &args, Chairship).await
    }
}
