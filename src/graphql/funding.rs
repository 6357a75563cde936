//! Fundings: money given to an initiative or a programme, and who gave it.

pub mod curation;

use async_graphql::{Context, ID, Union};
use entity::enums::{FundingQualifier, RecordKind};
use entity::funding;
use sea_orm::EntityTrait;

use super::error::ApiResult;
use super::fields::{object, record};
use super::filter::{
    BooleanFilter, DateFilter, FundingQualifierFilter, IntFilter, ListFilter, StringFilter,
};
use super::initiative::{Initiative, InitiativeFilter};
use super::list::Cited;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Measure, Scope};
use super::list::{ListQuery, Loaded, through};
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
impl Funding {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Short stable key: curation inputs and the data file refer to the funding by it.
    key: &str,
    /// What the money was for, in the source's words.
    description: &str,
    /// The amount in whole units of `currency`; null where no source gives it.
    amount: Option<i64>,
    /// ISO 4217 currency code, e.g. `EUR`.
    currency: Option<&str>,
    /// How the source qualified the amount: more than, exactly or about.
    qualifier: Option<FundingQualifier>,
    /// The programme that received it, when not an initiative (e.g. "Internet freedom programming").
    recipient_programme: Option<&str>,
    /// Whether the funders listed are all of them (false: "several countries, X among them").
    funders_complete: bool,
    /// What the sources add, including disagreements between them.
    note: Option<&str>,
}
dates {
    /// Start of the period the money covers.
    period_start,
    /// End of the period the money covers.
    period_end,
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

object! {
impl FundingQuery {}
roots {
    /// The fundings, oldest period first.
    fundings() -> Funding = |_| funding::Entity::find();
}
}

record! {
    Funding: funding, "fundings";
    filter FundingFilter {
        /// What the money was for.
        description: StringFilter = "description",
        /// The amount in whole units of its currency.
        amount: IntFilter = "amount",
        /// ISO 4217 currency code.
        currency: StringFilter = "currency",
        /// How the source qualified the amount.
        qualifier: FundingQualifierFilter = "qualifier",
        /// The earliest day the funding period can have begun.
        period_start_earliest: DateFilter = "period_start_earliest",
        /// The latest day the funding period can have ended.
        period_end_latest: DateFilter = "period_end_latest",
        /// The programme that received it, when not an initiative.
        recipient_programme: StringFilter = "recipient_programme",
        /// Whether the funders listed are all of them.
        funders_complete: BooleanFilter = "funders_complete",
        /// The initiative that received it.
        recipient_initiative: Box<InitiativeFilter> = entity::funding::RECIPIENT,
        /// The states among its funders.
        funder_states: ListFilter<StateFilter> = entity::funding_funder::STATE_FUNDERS,
        /// The organizations among its funders.
        funder_organizations: ListFilter<OrganizationFilter> = entity::funding_funder::ORGANIZATION_FUNDERS,
        /// The sources of the funding.
        sources: ListFilter<SourceFilter> = Cited(RecordKind::Funding),
    }
    order FundingOrderField, FundingOrder by [PeriodStart Asc] {
        /// The earliest day the funding period can have begun.
        PeriodStart = "period_start_earliest",
        /// The amount (across currencies, as numbers).
        Amount = "amount",
        /// The currency code.
        Currency = "currency",
    }
    groups FundingAggregate, FundingGroup, FundingGroupKey {
        /// ISO 4217 currency code (sum amounts only within one currency).
        Currency => currency: String = KeySql::Text("currency"),
        /// How the sources qualified the amounts.
        Qualifier => qualifier: FundingQualifier = KeySql::Text("qualifier"),
        /// The year the funding period began; null where the sources leave it open.
        StartYear => start_year: i64 = KeySql::CertainYear("period_start_earliest", "period_start_latest"),
    }
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
}

impl Aggregated for Funder {
    type Aggregate = super::list::ListAggregate;

    fn aggregate(_scope: Option<Scope>, total: usize) -> Option<Self::Aggregate> {
        super::list::ListAggregate::of(total)
    }
}
