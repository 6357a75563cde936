//! Initiatives: the Digital Defenders Partnership and its like.

use async_graphql::ID;
use entity::initiative;
use sea_orm::EntityTrait;

use super::conference::Conference;
use super::fields::object;
use super::funding::Funding;
use super::list::Loaded;
use super::organization::Organization;
use super::source::Source;

/// A Coalition initiative.
#[derive(Clone)]
pub struct Initiative(pub Loaded<initiative::Model>);

object! {
/// A Coalition initiative, such as the Digital Defenders Partnership.
impl Initiative {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Short stable key: curation inputs and the data file refer to the initiative by it.
    key: &str,
    /// Its name.
    name: &str [filter StringFilter, order Name],
    /// What it does, in the source's words.
    description: Option<&str> [filter StringFilter],
    /// Its web site.
    url: Option<&str>,
}
dates {
    /// When it was launched.
    launched [
        filter launched_earliest launched_latest,
        order Launched,
        group LaunchYear launch_year,
        earliest earliest_launched
    ],
    /// Since when it has operated (e.g. made grants).
    operating_since,
}
parents {
    /// The conference it was launched at.
    launched_at: Conference = entity::initiative::LAUNCHED_AT;
    /// The organization that manages it.
    manager: Organization = entity::initiative::MANAGER;
}
lists {
    /// The fundings it received.
    fundings: Funding = entity::funding::RECIPIENT;
}
cited Initiative;

record initiative, "initiatives", by [Name Asc] "Sort keys, in order; by name when left out.";
}

object! {
/// Root fields for initiatives.
query InitiativeQuery;
roots {
    /// The initiatives, by name.
    initiatives() -> Initiative = |_| initiative::Entity::find();
}
}
