//! Initiatives: the Digital Defenders Partnership and its like.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::{conference, funding, initiative, organization};
use sea_orm::{EntityTrait, QueryOrder};

use super::conference::Conference;
use super::connection::{Connection, PageArgs};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::funding::Funding;
use super::loader::Loaded;
use super::node::global_id;
use super::organization::Organization;
use super::source::{Source, cited_by};

/// A Coalition initiative.
pub struct Initiative(pub Loaded<initiative::Model>);

/// A Coalition initiative, such as the Digital Defenders Partnership.
#[Object]
impl Initiative {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Initiative", self.0.id)
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What it does, in the source's words.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The conference it was launched at.
    async fn launched_at(&self, ctx: &Context<'_>) -> ApiResult<Option<Conference>> {
        Ok(self
            .0
            .related::<conference::Entity>(ctx, |m| m.launched_at_id, "launched_at_id")
            .await?
            .map(Conference))
    }

    /// When it was launched.
    async fn launched(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "launched").map(Into::into)
    }

    /// Since when it has operated (e.g. made grants).
    async fn operating_since(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "operating_since").map(Into::into)
    }

    /// The organization that manages it.
    async fn manager(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        Ok(self
            .0
            .related::<organization::Entity>(ctx, |m| m.manager_id, "manager_id")
            .await?
            .map(Organization))
    }

    /// Its web site.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// The fundings it received.
    async fn fundings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Funding>> {
        let args = PageArgs::new(after, before, first, last)?;
        let rows = self
            .0
            .children::<funding::Entity>(ctx, "recipient_initiative_id")
            .await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(Funding).collect(),
            &args,
        ))
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
            RecordKind::Initiative,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root fields for initiatives.
#[derive(Default)]
pub struct InitiativeQuery;

#[Object]
impl InitiativeQuery {
    /// The initiatives, by name.
    async fn initiatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Initiative>> {
        let args = PageArgs::new(after, before, first, last)?;
        let select = initiative::Entity::find()
            .order_by_asc(initiative::Column::Name)
            .order_by_asc(initiative::Column::Id);
        Connection::from_select(ctx, select, &args, Initiative).await
    }
}
