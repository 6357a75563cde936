//! Organizations: NGOs and government bodies that manage or fund Coalition work.

use async_graphql::{Context, ID, Object};
use entity::enums::{OrganizationKind, RecordKind};
use entity::organization;
use sea_orm::EntityTrait;

use super::error::ApiResult;
use super::fields::{object, record};
use super::filter::{
    ListFilter, OrganizationKindFilter, Path, StringFilter, filter_impl, list_query,
};
use super::funding::{Funding, FundingFilter};
use super::initiative::{Initiative, InitiativeFilter};
use super::list::Cited;
use super::list::Loaded;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::source::{Source, SourceFilter};
use super::state::{State, StateFilter};

/// An organization.
#[derive(Clone)]
pub struct Organization(pub Loaded<organization::Model>);

object! {
/// An organization: an NGO or a government body.
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
}
parents {
    /// The state it is based in.
    home_state: State = entity::organization::STATE;
    /// The organization it belongs to, e.g. a bureau's department.
    parent: Organization = entity::organization::PARENT;
}
lists {
    /// The organizations that belong to it.
    units: Organization = entity::organization::PARENT;
    /// The initiatives it manages.
    managed_initiatives: Initiative = entity::initiative::MANAGER;
    /// The fundings it contributed to.
    fundings: Funding = entity::funding_funder::ORGANIZATION.to(entity::funding_funder::FUNDING);
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Organization);
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
        units: entity::organization::PARENT.children(),
        managed_initiatives: entity::initiative::MANAGER.children(),
        fundings: entity::funding_funder::ORGANIZATION.to(entity::funding_funder::FUNDING).path(),
        sources: Path::Citations { kind: RecordKind::Organization },
    }
    parents {
        home_state: entity::organization::STATE.parent(),
        parent: entity::organization::PARENT.parent(),
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

record!(Organization: organization, OrganizationFilter, OrganizationOrderField, ORGANIZATION_ORDER);

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
        HomeState => home_state: String = KeySql::Related(entity::organization::STATE.parent(), "code"),
    },
    measures {}
);

impl Aggregated for Organization {
    type Aggregate = OrganizationAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<OrganizationAggregate> {
        scope.map(OrganizationAggregate::new)
    }
}
