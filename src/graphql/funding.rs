//! Fundings: money given to an initiative or a programme, and who gave it.

use async_graphql::{Context, ID, Object, Union};
use entity::enums::{FundingQualifier, RecordKind};
use entity::funding;
use sea_orm::EntityTrait;

use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::fields::{object, record};
use super::filter::{
    BooleanFilter, DateFilter, FundingQualifierFilter, IntFilter, ListFilter, Path, StringFilter,
    filter_impl, list_query,
};
use super::initiative::{Initiative, InitiativeFilter};
use super::list::Cited;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Measure, Scope, aggregate_types};
use super::list::{ListQuery, Loaded, through};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::organization::{Organization, OrganizationFilter};
use super::source::{Source, SourceFilter};
use super::state::{State, StateFilter};

/// Who gave money: a state or an organization.
#[derive(Union)]
pub enum Funder {
    /// A state.
    State(State),
    /// An organization.
    Organization(Organization),
}

/// Money given to an initiative or a programme.
#[derive(Clone)]
pub struct Funding(pub Loaded<funding::Model>);

object! {
/// Money given to an initiative or a programme, with the qualifier its source used ("more
/// than EUR 2.5 million").
impl Funding {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Funding", self.0.id)
    }

    /// Short stable key: curation inputs and the data file refer to the funding by it.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// What the money was for, in the source's words.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The amount in whole units of `currency`; null where no source gives it.
    async fn amount(&self) -> Option<i64> {
        self.0.amount
    }

    /// ISO 4217 currency code, e.g. `EUR`.
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }

    /// How the source qualified the amount: more than, exactly or about.
    async fn qualifier(&self) -> Option<FundingQualifier> {
        self.0.qualifier
    }

    /// Start of the period the money covers.
    async fn period_start(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "period_start").map(Into::into)
    }

    /// End of the period the money covers.
    async fn period_end(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "period_end").map(Into::into)
    }


    /// The programme that received it, when not an initiative (e.g. "Internet freedom programming").
    async fn recipient_programme(&self) -> Option<&str> {
        self.0.recipient_programme.as_deref()
    }

    /// Whether the funders listed are all of them (false: "several countries, X among them").
    async fn funders_complete(&self) -> bool {
        self.0.funders_complete
    }

    /// What the sources add, including disagreements between them.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

}
parents {
    /// The initiative that received it, if it went to one.
    recipient_initiative: Initiative = entity::funding::RECIPIENT;
}
paged {
    /// The states and organizations that gave the money.
    funders() -> Funder = Self::funders_page;
}
lists {
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Funding);
}
}

impl Funding {
    /// The page of `funders`.
    async fn funders_page(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> ApiResult<Connection<Funder>> {
        let all = ListQuery::all();
        let links = self
            .0
            .children(ctx, entity::funding_funder::FUNDING, &all)
            .await?;
        let (states, organizations) = futures_util::future::try_join(
            through(ctx, links.clone(), entity::funding_funder::STATE, &all),
            through(ctx, links, entity::funding_funder::ORGANIZATION, &all),
        )
        .await?;
        let funders = states
            .into_iter()
            .map(|(s, _)| Funder::State(State(s)))
            .chain(
                organizations
                    .into_iter()
                    .map(|(o, _)| Funder::Organization(Organization(o))),
            )
            .collect();
        Ok(Connection::from_nodes(funders, &args))
    }
}

/// Root fields for fundings.
#[derive(Default)]
pub struct FundingQuery;

#[Object]
impl FundingQuery {
    /// The fundings, oldest period first.
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
        let select = funding::Entity::find();
        Connection::from_query(ctx, select, &query, &args, Funding).await
    }
}

/// Conditions on fundings; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct FundingFilter {
    /// What the money was for.
    description: Option<StringFilter>,
    /// The amount in whole units of its currency.
    amount: Option<IntFilter>,
    /// ISO 4217 currency code.
    currency: Option<StringFilter>,
    /// How the source qualified the amount.
    qualifier: Option<FundingQualifierFilter>,
    /// The earliest day the funding period can have begun.
    period_start_earliest: Option<DateFilter>,
    /// The latest day the funding period can have ended.
    period_end_latest: Option<DateFilter>,
    /// The programme that received it, when not an initiative.
    recipient_programme: Option<StringFilter>,
    /// Whether the funders listed are all of them.
    funders_complete: Option<BooleanFilter>,
    /// The initiative that received it.
    recipient_initiative: Option<Box<InitiativeFilter>>,
    /// The states among its funders.
    funder_states: Option<ListFilter<StateFilter>>,
    /// The organizations among its funders.
    funder_organizations: Option<ListFilter<OrganizationFilter>>,
    /// The sources of the funding.
    sources: Option<ListFilter<SourceFilter>>,
    /// All of these hold.
    and: Option<Vec<FundingFilter>>,
    /// At least one of these holds.
    or: Option<Vec<FundingFilter>>,
    /// This does not hold.
    not: Option<Box<FundingFilter>>,
}

filter_impl!(FundingFilter {
    fields {
        description: "description",
        amount: "amount",
        currency: "currency",
        qualifier: "qualifier",
        period_start_earliest: "period_start_earliest",
        period_end_latest: "period_end_latest",
        recipient_programme: "recipient_programme",
        funders_complete: "funders_complete",
    }
    lists {
        funder_states: entity::funding_funder::FUNDING.to(entity::funding_funder::STATE).path(),
        funder_organizations: entity::funding_funder::FUNDING.to(entity::funding_funder::ORGANIZATION).path(),
        sources: Path::Citations { kind: RecordKind::Funding },
    }
    parents { recipient_initiative: entity::funding::RECIPIENT.parent() }
});

/// Fields fundings can be sorted by.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FundingOrderField {
    /// The earliest day the funding period can have begun.
    PeriodStart,
    /// The amount (across currencies, as numbers).
    Amount,
    /// The currency code.
    Currency,
}

impl OrderField for FundingOrderField {
    fn column(self) -> &'static str {
        match self {
            Self::PeriodStart => "period_start_earliest",
            Self::Amount => "amount",
            Self::Currency => "currency",
        }
    }
}

/// The default order.
pub const FUNDING_ORDER: &[(FundingOrderField, OrderDirection)] =
    &[(FundingOrderField::PeriodStart, OrderDirection::Asc)];

record!(Funding: funding, FundingFilter, FundingOrderField, FUNDING_ORDER);

aggregate_types!(
    /// Totals over a list of fundings.
    FundingAggregate,
    /// A group of fundings sharing the keys asked for.
    FundingGroup,
    /// Keys to group fundings by.
    FundingGroupKey {
        /// ISO 4217 currency code (sum amounts only within one currency).
        Currency => currency: String = KeySql::Text("currency"),
        /// How the sources qualified the amounts.
        Qualifier => qualifier: FundingQualifier = KeySql::Text("qualifier"),
        /// The year the funding period began; null where the sources leave it open.
        StartYear => start_year: i64 = KeySql::CertainYear("period_start_earliest", "period_start_latest"),
    },
    measures {
        /// The sum of the amounts given, in whole units; null when they are in more than one
        /// currency (group by CURRENCY to sum each).
        total_amount: int = Measure::SumInUnit("amount", "currency"),
        /// The smallest amount given.
        smallest_amount: int = Measure::MinInt("amount"),
        /// The largest amount given.
        largest_amount: int = Measure::MaxInt("amount"),
        /// The earliest day any funding period can have begun.
        earliest_start: date = Measure::MinDate("period_start_earliest"),
    }
);

impl Aggregated for Funding {
    type Aggregate = FundingAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<FundingAggregate> {
        scope.map(FundingAggregate::new)
    }
}

impl Aggregated for Funder {
    type Aggregate = super::list::ListAggregate;

    fn aggregate(_scope: Option<Scope>, total: usize) -> Option<Self::Aggregate> {
        super::list::ListAggregate::of(total)
    }
}
