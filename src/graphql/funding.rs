//! Fundings: money given to an initiative or a programme, and who gave it.

pub mod curation;

use async_graphql::{Context, ID, Union};
use entity::enums::FundingQualifier;
use entity::funding;
use sea_orm::EntityTrait;

use super::error::ApiResult;
use super::fields::object;
use super::filter::ListFilter;
use super::initiative::Initiative;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{ListQuery, Loaded, through};
use super::list::{Measure, Scope};
use super::organization::{Organization, OrganizationFilter};
use super::source::Source;
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
    description: &str [filter StringFilter],
    /// The amount in whole units of `currency`; null where no source gives it.
    amount: Option<i64> [filter IntFilter, order Amount],
    /// ISO 4217 currency code, e.g. `EUR`.
    currency: Option<&str> [filter StringFilter, order Currency, group Currency],
    /// How the source qualified the amount: more than, exactly or about.
    qualifier: Option<FundingQualifier> [filter FundingQualifierFilter, group Qualifier],
    /// The programme that received it, when not an initiative (e.g. "Internet freedom programming").
    recipient_programme: Option<&str> [filter StringFilter],
    /// Whether the funders listed are all of them (false: "several countries, X among them").
    funders_complete: bool [filter BooleanFilter],
    /// What the sources add, including disagreements between them.
    note: Option<&str>,
}
dates {
    /// Start of the period the money covers.
    period_start [
        filter period_start_earliest period_start_latest,
        order PeriodStart,
        group StartYear start_year,
        earliest earliest_start
    ],
    /// End of the period the money covers.
    period_end [filter period_end_earliest period_end_latest],
}
parents {
    /// The initiative that received it, if it went to one.
    recipient_initiative: Initiative = entity::funding::RECIPIENT;
}
paged {
    /// The states and organizations that gave the money.
    funders() -> Funder = Self::funders_page;
}
cited Funding;

record funding, "fundings", by [PeriodStart Asc] "Sort keys, in order; by period when left out.";
filter {
    /// The states among its funders.
    funder_states: ListFilter<StateFilter> = entity::funding_funder::STATE_FUNDERS,
    /// The organizations among its funders.
    funder_organizations: ListFilter<OrganizationFilter> = entity::funding_funder::ORGANIZATION_FUNDERS,
}
measures {
    /// The sum of the amounts given, in whole units; null when they are in more than one
    /// currency (group by CURRENCY to sum each).
    total_amount: int = Measure::SumInUnit("amount", "currency"),
    /// The smallest amount given.
    smallest_amount: int = Measure::MinInt("amount"),
    /// The largest amount given.
    largest_amount: int = Measure::MaxInt("amount"),
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

object! {
/// Root fields for fundings.
query FundingQuery;
roots {
    /// The fundings, oldest period first.
    fundings() -> Funding = |_| funding::Entity::find();
}
}

impl Aggregated for Funder {
    type Aggregate = super::list::ListAggregate;

    fn aggregate(_scope: Option<Scope>, total: usize) -> Option<Self::Aggregate> {
        super::list::ListAggregate::of(total)
    }
}
