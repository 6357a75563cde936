//! Organizations: NGOs and government bodies that manage or fund Coalition work.

pub mod curation;

use async_graphql::ID;
use entity::enums::OrganizationKind;
use entity::organization;
use sea_orm::EntityTrait;

use super::fields::object;
use super::funding::Funding;
use super::initiative::Initiative;
use super::list::KeySql;
use super::list::Loaded;
use super::source::Source;
use super::state::State;

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
    name: &str [filter StringFilter, order Name],
    /// What kind of organization it is.
    kind: OrganizationKind [filter OrganizationKindFilter, order Kind, group Kind],
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
}
cited Organization;

record organization, "organizations", by [Name Asc] "Sort keys, in order; by name when left out.";
groups {
    /// The ISO code of the state it is based in.
    HomeState => home_state: String = KeySql::Related(entity::organization::STATE.parent(), "code"),
}
}

object! {
/// Root fields for organizations.
query OrganizationQuery;
roots {
    /// The organizations, by name.
    organizations() -> Organization = |_| organization::Entity::find();
}
}
