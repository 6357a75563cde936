//! Organizations: NGOs and government bodies that manage or fund Coalition work.

use async_graphql::{Context, ID, Object};
use entity::enums::{OrganizationKind, RecordKind};
use entity::{funding, funding_funder, initiative, organization, source, state};
use sea_orm::EntityTrait;

use super::error::ApiResult;
use super::filter::{
    ListFilter, OrganizationKindFilter, Path, StringFilter, filter_impl, list_query,
};
use super::funding::{FUNDING_ORDER, Funding, FundingFilter, FundingOrderField};
use super::initiative::{INITIATIVE_ORDER, Initiative, InitiativeFilter, InitiativeOrderField};
use super::list::Loaded;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::source::{SOURCE_ORDER, Source, SourceFilter, SourceOrderField, cited_by};
use super::state::{State, StateFilter};

/// An organization.
pub struct Organization(pub Loaded<organization::Model>);

/// An organization: an NGO or a government body.
#[Object]
impl Organization {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Organization", self.0.id)
    }

    /// Short stable key: curation inputs and the data file refer to the organization by it.
    async fn key(&self) -> &str {
        &self.0.key
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
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn units(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<OrganizationFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<OrganizationOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Organization>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<organization::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            ORGANIZATION_ORDER,
        );
        let page = self
            .0
            .children_page::<organization::Entity>(ctx, "parent_id", &query, &args)
            .await?;
        Ok(
            Connection::from_node_page(page.map(Organization)).with_scope(Scope::children::<
                organization::Entity,
                _,
            >(
                &self.0,
                "parent_id",
                &query,
            )?),
        )
    }

    /// The initiatives it manages.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn managed_initiatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<InitiativeFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<InitiativeOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Initiative>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<initiative::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            INITIATIVE_ORDER,
        );
        let page = self
            .0
            .children_page::<initiative::Entity>(ctx, "manager_id", &query, &args)
            .await?;
        Ok(
            Connection::from_node_page(page.map(Initiative)).with_scope(Scope::children::<
                initiative::Entity,
                _,
            >(
                &self.0,
                "manager_id",
                &query,
            )?),
        )
    }

    /// The fundings it contributed to.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn fundings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<FundingFilter>,
        #[graphql(desc = "Sort keys, in order; by period when left out.")] order_by: Option<
            Vec<OrderBy<FundingOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Funding>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<funding::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            FUNDING_ORDER,
        );
        let page = self
            .0
            .linked_page::<funding_funder::Entity, funding::Entity>(
                ctx,
                "organization_id",
                "funding_id",
                |l| Some(l.funding_id),
                &query,
                &args,
            )
            .await?;
        Ok(
            Connection::from_node_page(page.map(|(row, _)| Funding(row))).with_scope(
                Scope::through::<funding::Entity, _>(
                    &self.0,
                    "funding_funders",
                    "organization_id",
                    "funding_id",
                    &query,
                )?,
            ),
        )
    }

    /// The sources of this record.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
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
            RecordKind::Organization,
            &query,
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
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<OrganizationFilter>,
        #[graphql(desc = "Sort keys, in order; by name when left out.")] order_by: Option<
            Vec<OrderBy<OrganizationOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Organization>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<organization::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            ORGANIZATION_ORDER,
        );
        let select = organization::Entity::find();
        Connection::from_query(ctx, select, &query, &args, Organization).await
    }
}

/// Conditions on organizations; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct OrganizationFilter {
    /// Its name.
    name: Option<StringFilter>,
    /// What kind of organization it is.
    kind: Option<OrganizationKindFilter>,
    /// The state it is based in.
    home_state: Option<Box<StateFilter>>,
    /// The organization it belongs to.
    parent: Option<Box<OrganizationFilter>>,
    /// The organizations that belong to it.
    units: Option<ListFilter<OrganizationFilter>>,
    /// The initiatives it manages.
    managed_initiatives: Option<ListFilter<InitiativeFilter>>,
    /// The fundings it contributed to.
    fundings: Option<ListFilter<FundingFilter>>,
    /// The sources of the organization.
    sources: Option<ListFilter<SourceFilter>>,
    /// All of these hold.
    and: Option<Vec<OrganizationFilter>>,
    /// At least one of these holds.
    or: Option<Vec<OrganizationFilter>>,
    /// This does not hold.
    not: Option<Box<OrganizationFilter>>,
}

filter_impl!(OrganizationFilter {
    fields { name: "name", kind: "kind" }
    lists {
        units: Path::Children { table: "organizations", foreign_key: "parent_id" },
        managed_initiatives: Path::Children { table: "initiatives", foreign_key: "manager_id" },
        fundings: Path::Link { link: "funding_funders", from: "organization_id", to: "funding_id", table: "fundings" },
        sources: Path::Citations { kind: RecordKind::Organization },
    }
    parents {
        home_state: Path::Parent { table: "states", foreign_key: "state_id" },
        parent: Path::Parent { table: "organizations", foreign_key: "parent_id" },
    }
});

/// Fields organizations can be sorted by.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrganizationOrderField {
    /// Its name.
    Name,
    /// Its kind.
    Kind,
}

impl OrderField for OrganizationOrderField {
    fn column(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Kind => "kind",
        }
    }
}

/// The default order.
pub const ORGANIZATION_ORDER: &[(OrganizationOrderField, OrderDirection)] =
    &[(OrganizationOrderField::Name, OrderDirection::Asc)];

aggregate_types!(
    /// Totals over a list of organizations.
    OrganizationAggregate,
    /// A group of organizations sharing the keys asked for.
    OrganizationGroup,
    /// Keys to group organizations by.
    OrganizationGroupKey {
        /// What kind of organization it is.
        Kind => kind: OrganizationKind = KeySql::Text("kind"),
        /// The ISO code of the state it is based in.
        HomeState => home_state: String = KeySql::StateText { foreign_key: "state_id", column: "code" },
    },
    measures {}
);

impl Aggregated for Organization {
    type Aggregate = OrganizationAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<OrganizationAggregate> {
        scope.map(OrganizationAggregate::new)
    }
}
