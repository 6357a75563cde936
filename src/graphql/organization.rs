//! Organizations: NGOs and government bodies that manage or fund Coalition work.

use async_graphql::{Context, ID, Object};
use entity::enums::{OrganizationKind, RecordKind};
use entity::{funding, funding_funder, initiative, organization, state};
use sea_orm::{EntityTrait, QueryOrder};

use super::connection::{Connection, PageArgs};
use super::error::ApiResult;
use super::funding::Funding;
use super::initiative::Initiative;
use super::loader::{Loaded, through};
use super::node::global_id;
use super::source::{Source, cited_by};
use super::state::State;

/// An organization.
pub struct Organization(pub Loaded<organization::Model>);

/// An organization: an NGO or a government body.
#[Object]
impl Organization {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Organization", self.0.id)
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind of organization it is.
    async fn kind(&self) -> OrganizationKind {
        self.0.kind
    }

    /// The state it is based in.
    async fn home_state(&self, ctx: &Context<'_>) -> ApiResult<Option<State>> {
        Ok(self
            .0
            .related::<state::Entity>(ctx, |m| m.state_id, "state_id")
            .await?
            .map(State))
    }

    /// The organization it belongs to, e.g. a bureau's department.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        Ok(self
            .0
            .related::<organization::Entity>(ctx, |m| m.parent_id, "parent_id")
            .await?
            .map(Organization))
    }

    /// The organizations that belong to it.
    async fn units(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Organization>> {
        let args = PageArgs::new(after, before, first, last)?;
        let rows = self
            .0
            .children::<organization::Entity>(ctx, "parent_id")
            .await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(Organization).collect(),
            &args,
        ))
    }

    /// The initiatives it manages.
    async fn managed_initiatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Initiative>> {
        let args = PageArgs::new(after, before, first, last)?;
        let rows = self
            .0
            .children::<initiative::Entity>(ctx, "manager_id")
            .await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(Initiative).collect(),
            &args,
        ))
    }

    /// The fundings it contributed to.
    async fn fundings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Funding>> {
        let args = PageArgs::new(after, before, first, last)?;
        let links = self
            .0
            .children::<funding_funder::Entity>(ctx, "organization_id")
            .await?;
        let rows =
            through::<_, funding::Entity>(ctx, links, |l| Some(l.funding_id), "funding").await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(|(f, _)| Funding(f)).collect(),
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
            RecordKind::Organization,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root fields for organizations.
#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// The organizations, by name.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Organization>> {
        let args = PageArgs::new(after, before, first, last)?;
        let select = organization::Entity::find()
            .order_by_asc(organization::Column::Name)
            .order_by_asc(organization::Column::Id);
        Connection::from_select(ctx, select, &args, Organization).await
    }
}
