//! Organizations: NGOs and government bodies that manage or fund Coalition work.

pub mod curation;

use async_graphql::ID;
use entity::enums::{OrganizationKind, RecordKind};
use entity::organization;
use sea_orm::EntityTrait;

use super::fields::{object, record};
use super::filter::{ListFilter, OrganizationKindFilter, StringFilter};
use super::funding::{Funding, FundingFilter};
use super::initiative::{Initiative, InitiativeFilter};
use super::list::Cited;
use super::list::KeySql;
use super::list::Loaded;
use super::source::{Source, SourceFilter};
use super::state::{State, StateFilter};

/// An organization.
#[derive(Clone)]
pub struct Organization(pub Loaded<organization::Model>);

object! {
/// An organization: an NGO or a government body.
impl Organization {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Short stable key: curation inputs and the data file refer to the organization by it.
    key: &str,
    /// Its name.
    name: &str,
    /// What kind of organization it is.
    kind: OrganizationKind,
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
    fundings: Funding = entity::funding_funder::FUNDED_BY_ORGANIZATION;
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Organization);
}
}

/// Root fields for organizations.
#[derive(Default)]
pub struct OrganizationQuery;

object! {
impl OrganizationQuery {}
roots {
    /// The organizations, by name.
    organizations() -> Organization = |_| organization::Entity::find();
}
}

record! {
    Organization: organization, "organizations";
    filter OrganizationFilter {
        /// Its name.
        name: StringFilter = "name",
        /// What kind of organization it is.
        kind: OrganizationKindFilter = "kind",
        /// The state it is based in.
        home_state: Box<StateFilter> = entity::organization::STATE,
        /// The organization it belongs to.
        parent: Box<OrganizationFilter> = entity::organization::PARENT,
        /// The organizations that belong to it.
        units: ListFilter<OrganizationFilter> = entity::organization::PARENT,
        /// The initiatives it manages.
        managed_initiatives: ListFilter<InitiativeFilter> = entity::initiative::MANAGER,
        /// The fundings it contributed to.
        fundings: ListFilter<FundingFilter> = entity::funding_funder::FUNDED_BY_ORGANIZATION,
        /// The sources of the organization.
        sources: ListFilter<SourceFilter> = Cited(RecordKind::Organization),
    }
    order OrganizationOrderField, OrganizationOrder by [Name Asc] {
        /// Its name.
        Name = "name",
        /// Its kind.
        Kind = "kind",
    }
    groups OrganizationAggregate, OrganizationGroup, OrganizationGroupKey {
        /// What kind of organization it is.
        Kind => kind: OrganizationKind = KeySql::Text("kind"),
        /// The ISO code of the state it is based in.
        HomeState => home_state: String = KeySql::Related(entity::organization::STATE.parent(), "code"),
    }
    measures {}
}
