//! Initiatives: the Digital Defenders Partnership and its like.

use async_graphql::ID;
use entity::enums::RecordKind;
use entity::initiative;
use sea_orm::EntityTrait;

use super::conference::{Conference, ConferenceFilter};
use super::fields::{object, record};
use super::filter::{DateFilter, ListFilter, StringFilter};
use super::funding::{Funding, FundingFilter};
use super::list::Cited;
use super::list::Loaded;
use super::list::{KeySql, Measure};
use super::organization::{Organization, OrganizationFilter};
use super::source::{Source, SourceFilter};

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
    name: &str,
    /// What it does, in the source's words.
    description: Option<&str>,
    /// Its web site.
    url: Option<&str>,
}
dates {
    /// When it was launched.
    launched,
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
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Initiative);
}
}

/// Root fields for initiatives.
#[derive(Default)]
pub struct InitiativeQuery;

object! {
impl InitiativeQuery {}
roots {
    /// The initiatives, by name.
    initiatives() -> Initiative = |_| initiative::Entity::find();
}
}

record! {
    Initiative: initiative, "initiatives";
    filter InitiativeFilter {
        /// Its name.
        name: StringFilter = "name",
        /// What it does.
        description: StringFilter = "description",
        /// The earliest day it can have been launched.
        launched_earliest: DateFilter = "launched_earliest",
        /// The latest day it can have been launched.
        launched_latest: DateFilter = "launched_latest",
        /// The conference it was launched at.
        launched_at: Box<ConferenceFilter> = entity::initiative::LAUNCHED_AT,
        /// The organization that manages it.
        manager: Box<OrganizationFilter> = entity::initiative::MANAGER,
        /// The fundings it received.
        fundings: ListFilter<FundingFilter> = entity::funding::RECIPIENT,
        /// The sources of the initiative.
        sources: ListFilter<SourceFilter> = Cited(RecordKind::Initiative),
    }
    order InitiativeOrderField, InitiativeOrder by [Name Asc] {
        /// Its name.
        Name = "name",
        /// The earliest day it can have been launched.
        Launched = "launched_earliest",
    }
    groups InitiativeAggregate, InitiativeGroup, InitiativeGroupKey {
        /// The year it was launched; null where the sources leave it open.
        LaunchYear => launch_year: i64 = KeySql::CertainYear("launched_earliest", "launched_latest"),
    }
    measures {
        /// The earliest day any can have been launched.
        earliest_launched: date = Measure::MinDate("launched_earliest"),
    }
}
