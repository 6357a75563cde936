//! Initiatives: the Digital Defenders Partnership and its like.

use async_graphql::ID;
use entity::enums::RecordKind;
use entity::initiative;
use sea_orm::EntityTrait;

use super::conference::{Conference, ConferenceFilter};
use super::dates::{DateInterval, read_date};
use super::fields::{object, record};
use super::filter::{DateFilter, ListFilter, StringFilter, filter};
use super::funding::{Funding, FundingFilter};
use super::list::Aggregated;
use super::list::Cited;
use super::list::Loaded;
use super::list::{KeySql, Measure, Scope, aggregate_types};
use super::node::global_id;
use super::order::order_by;
use super::organization::{Organization, OrganizationFilter};
use super::source::{Source, SourceFilter};

/// A Coalition initiative.
#[derive(Clone)]
pub struct Initiative(pub Loaded<initiative::Model>);

object! {
/// A Coalition initiative, such as the Digital Defenders Partnership.
impl Initiative {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Initiative", self.0.id)
    }

    /// Short stable key: curation inputs and the data file refer to the initiative by it.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What it does, in the source's words.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// When it was launched.
    async fn launched(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "launched").map(Into::into)
    }

    /// Since when it has operated (e.g. made grants).
    async fn operating_since(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "operating_since").map(Into::into)
    }

    /// Its web site.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
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
    initiatives() -> Initiative = initiative::Entity::find();
}
}

filter! {
    /// Conditions on initiatives; every condition given must hold.
    InitiativeFilter {
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
}

order_by! {
    /// Fields initiatives can be sorted by.
    InitiativeOrderField, InitiativeOrder {
        /// Its name.
        Name = "name",
        /// The earliest day it can have been launched.
        Launched = "launched_earliest",
    }
    /// The default order.
    INITIATIVE_ORDER = [Name Asc];
}

record!(Initiative: initiative, InitiativeFilter, InitiativeOrderField, INITIATIVE_ORDER);

aggregate_types!(
    /// Totals over a list of initiatives.
    InitiativeAggregate,
    /// A group of initiatives sharing the keys asked for.
    InitiativeGroup,
    /// Keys to group initiatives by.
    InitiativeGroupKey {
        /// The year it was launched; null where the sources leave it open.
        LaunchYear => launch_year: i64 = KeySql::CertainYear("launched_earliest", "launched_latest"),
    },
    measures {
        /// The earliest day any can have been launched.
        earliest_launched: date = Measure::MinDate("launched_earliest"),
    }
);

impl Aggregated for Initiative {
    type Aggregate = InitiativeAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<InitiativeAggregate> {
        scope.map(InitiativeAggregate::new)
    }
}
