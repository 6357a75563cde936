//! Initiatives: the Digital Defenders Partnership and its like.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::{conference, funding, initiative, organization, source};
use sea_orm::EntityTrait;

use super::conference::{Conference, ConferenceFilter};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::filter::{DateFilter, ListFilter, Path, StringFilter, filter_impl, list_query};
use super::funding::{FUNDING_ORDER, Funding, FundingFilter, FundingOrderField};
use super::list::Loaded;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Measure, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::organization::{Organization, OrganizationFilter};
use super::source::{SOURCE_ORDER, Source, SourceFilter, SourceOrderField, cited_by};

/// A Coalition initiative.
pub struct Initiative(pub Loaded<initiative::Model>);

/// A Coalition initiative, such as the Digital Defenders Partnership.
#[Object]
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
            .children_page::<funding::Entity>(ctx, "recipient_initiative_id", &query, &args)
            .await?;
        Ok(
            Connection::from_node_page(page.map(Funding)).with_scope(Scope::children::<
                funding::Entity,
                _,
            >(
                &self.0,
                "recipient_initiative_id",
                &query,
            )?),
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
            RecordKind::Initiative,
            &query,
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
        fundings: Path::Children { table: "fundings", foreign_key: "recipient_initiative_id" },
        sources: Path::Citations { kind: RecordKind::Initiative },
    }
    parents {
        launched_at: Path::Parent { table: "conferences", foreign_key: "launched_at_id" },
        manager: Path::Parent { table: "organizations", foreign_key: "manager_id" },
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
