//! Initiatives: the Digital Defenders Partnership and its like.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::initiative;
use sea_orm::EntityTrait;

use super::conference::{Conference, ConferenceFilter};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::fields::{object, record};
use super::filter::{DateFilter, ListFilter, Path, StringFilter, filter_impl, list_query};
use super::funding::{Funding, FundingFilter};
use super::list::Cited;
use super::list::Loaded;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Measure, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
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

#[Object]
impl InitiativeQuery {
    /// The initiatives, by name.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn initiatives(
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
        let select = initiative::Entity::find();
        Connection::from_query(ctx, select, &query, &args, Initiative).await
    }
}

/// Conditions on initiatives; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct InitiativeFilter {
    /// Its name.
    name: Option<StringFilter>,
    /// What it does.
    description: Option<StringFilter>,
    /// The earliest day it can have been launched.
    launched_earliest: Option<DateFilter>,
    /// The latest day it can have been launched.
    launched_latest: Option<DateFilter>,
    /// The conference it was launched at.
    launched_at: Option<Box<ConferenceFilter>>,
    /// The organization that manages it.
    manager: Option<Box<OrganizationFilter>>,
    /// The fundings it received.
    fundings: Option<ListFilter<FundingFilter>>,
    /// The sources of the initiative.
    sources: Option<ListFilter<SourceFilter>>,
    /// All of these hold.
    and: Option<Vec<InitiativeFilter>>,
    /// At least one of these holds.
    or: Option<Vec<InitiativeFilter>>,
    /// This does not hold.
    not: Option<Box<InitiativeFilter>>,
}

filter_impl!(InitiativeFilter {
    fields { name: "name", description: "description", launched_earliest: "launched_earliest", launched_latest: "launched_latest" }
    lists {
        fundings: entity::funding::RECIPIENT.children(),
        sources: Path::Citations { kind: RecordKind::Initiative },
    }
    parents {
        launched_at: entity::initiative::LAUNCHED_AT.parent(),
        manager: entity::initiative::MANAGER.parent(),
    }
});

/// Fields initiatives can be sorted by.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitiativeOrderField {
    /// Its name.
    Name,
    /// The earliest day it can have been launched.
    Launched,
}

impl OrderField for InitiativeOrderField {
    fn column(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Launched => "launched_earliest",
        }
    }
}

/// The default order.
pub const INITIATIVE_ORDER: &[(InitiativeOrderField, OrderDirection)] =
    &[(InitiativeOrderField::Name, OrderDirection::Asc)];

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
