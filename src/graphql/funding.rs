//! Fundings: money given to an initiative or a programme, and who gave it.

use async_graphql::{Context, ID, Object, Union};
use entity::enums::{FundingQualifier, RecordKind};
use entity::{funding, funding_funder, initiative, organization, source, state};
use sea_orm::EntityTrait;

use super::aggregate::{KeySql, Measure, Scope, aggregate_types};
use super::connection::{Aggregated, Connection, PageArgs};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::filter::{
    BooleanFilter, DateFilter, FundingQualifierFilter, IntFilter, ListFilter, Path, StringFilter,
    filter_impl, list_query,
};
use super::initiative::{Initiative, InitiativeFilter};
use super::loader::{ListQuery, Loaded, through};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::organization::{Organization, OrganizationFilter};
use super::source::{SOURCE_ORDER, Source, SourceFilter, SourceOrderField, cited_by};
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
pub struct Funding(pub Loaded<funding::Model>);

/// Money given to an initiative or a programme, with the qualifier its source used ("more
/// than EUR 2.5 million").
#[Object]
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

    /// The initiative that received it, if it went to one.
    async fn recipient_initiative(&self, ctx: &Context<'_>) -> ApiResult<Option<Initiative>> {
        Ok(self
            .0
            .related::<initiative::Entity>(
                ctx,
                |m| m.recipient_initiative_id,
                "recipient_initiative_id",
            )
            .await?
            .map(Initiative))
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

    /// The states and organizations that gave the money.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn funders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Funder>> {
        let args = PageArgs::new(after, before, first, last)?;
        let all = ListQuery::all();
        let links = self
            .0
            .children::<funding_funder::Entity>(ctx, "funding_id", &all)
            .await?;
        let (states, organizations) = futures_util::future::try_join(
            through::<_, state::Entity>(ctx, links.clone(), |l| l.state_id, "state", &all),
            through::<_, organization::Entity>(
                ctx,
                links,
                |l| l.organization_id,
                "organization",
                &all,
            ),
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
            RecordKind::Funding,
            &query,
            PageArgs::new(after, before, first, last)?,
        )
        .await
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
        funder_states: Path::Link { link: "funding_funders", from: "funding_id", to: "state_id", table: "states" },
        funder_organizations: Path::Link { link: "funding_funders", from: "funding_id", to: "organization_id", table: "organizations" },
        sources: Path::Citations { kind: RecordKind::Funding },
    }
    parents { recipient_initiative: Path::Parent { table: "initiatives", foreign_key: "recipient_initiative_id" } }
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
    type Aggregate = super::aggregate::ListAggregate;

    fn aggregate(_scope: Option<Scope>, total: usize) -> Option<Self::Aggregate> {
        super::aggregate::ListAggregate::of(total)
    }
}

// Curation.

use super::curation::{
    Checked, Checks, OrWriteError, RecordInput, create, delete, id_where, update,
};
use super::dates::DateInput;
use async_graphql::InputObject;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter};

/// Who funds, as curators write it: a state or an organization, exactly one.
#[derive(InputObject)]
pub struct FunderInput {
    /// ISO code of the funding state.
    pub state: Option<String>,
    /// Key of the funding organization.
    pub organization: Option<String>,
}

/// A funding as curators write it.
#[derive(InputObject)]
pub struct FundingInput {
    /// Short stable key, unique.
    pub key: String,
    /// What the money is for, as the source words it.
    pub description: String,
    /// The amount, in whole units of the currency.
    pub amount: Option<i64>,
    /// ISO 4217 code of the currency, e.g. `EUR`.
    pub currency: Option<String>,
    /// How the source qualifies the amount.
    pub qualifier: Option<FundingQualifier>,
    /// When the funded period begins.
    pub period_start: Option<DateInput>,
    /// When it ends.
    pub period_end: Option<DateInput>,
    /// Key of the initiative that receives it.
    pub recipient_initiative: Option<String>,
    /// The programme that receives it, as the source words it.
    pub recipient_programme: Option<String>,
    /// Who funds it; they replace the ones recorded.
    #[graphql(default)]
    pub funders: Vec<FunderInput>,
    /// Whether the funders listed are all the funders.
    #[graphql(default)]
    pub funders_complete: bool,
    /// What else the sources say about it.
    pub note: Option<String>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for FundingInput {
    type Entity = funding::Entity;
    type Model = funding::Model;
    type Active = funding::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Funding);
    const TYPE: &'static str = "Funding";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&funding::Model>,
    ) -> ApiResult<Checked<funding::ActiveModel>> {
        let mut checks = Checks::default();
        checks.not_blank("input.key", &self.key);
        checks.not_blank("input.description", &self.description);
        checks
            .unique::<funding::Entity>(
                txn,
                "input.key",
                "funding",
                funding::Column::Key,
                &self.key,
                current.map(|c| c.id),
            )
            .await?;
        if self.amount.is_some_and(|a| a < 0) {
            checks.problem("input.amount", "an amount is not negative");
        }
        if let Some(currency) = &self.currency
            && (currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()))
        {
            checks.problem(
                "input.currency",
                format!("`{currency}` is not an ISO 4217 code"),
            );
        }
        if self.amount.is_some() && self.currency.is_none() {
            checks.problem("input.currency", "an amount needs its currency");
        }
        let start = checks
            .date(txn, "input.periodStart", self.period_start.as_ref())
            .await?;
        let end = checks
            .date(txn, "input.periodEnd", self.period_end.as_ref())
            .await?;
        if let (Some(s), Some(e)) = (&start, &end)
            && let (Ok(s), Ok(e)) = (s.resolve(), e.resolve())
            && let (Some(from), Some(to)) = (s.earliest, e.latest)
            && to < from
        {
            checks.problem("input.periodEnd", "a period cannot end before it starts");
        }
        let initiative_id = checks
            .find_opt::<initiative::Entity>(
                txn,
                "input.recipientInitiative",
                "initiative",
                initiative::Column::Key,
                self.recipient_initiative.as_deref(),
            )
            .await?;
        let mut seen = std::collections::HashSet::new();
        for (i, funder) in self.funders.iter().enumerate() {
            let at = format!("input.funders[{i}]");
            match (&funder.state, &funder.organization) {
                (Some(code), None) => {
                    checks.state(txn, &format!("{at}.state"), code).await?;
                }
                (None, Some(key)) => {
                    checks
                        .find::<organization::Entity>(
                            txn,
                            &format!("{at}.organization"),
                            "organization",
                            organization::Column::Key,
                            key,
                        )
                        .await?;
                }
                _ => checks.problem(
                    &at,
                    "a funder is a state or an organization: give exactly one",
                ),
            }
            if !seen.insert((funder.state.as_deref(), funder.organization.as_deref())) {
                checks.problem(&at, "the same funder is listed twice");
            }
        }
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let mut row = funding::ActiveModel {
            key: Set(self.key.clone()),
            description: Set(self.description.clone()),
            amount: Set(self.amount),
            currency: Set(self.currency.clone()),
            qualifier: Set(self.qualifier),
            recipient_initiative_id: Set(initiative_id),
            recipient_programme: Set(self.recipient_programme.clone()),
            funders_complete: Set(self.funders_complete),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        crate::dataset::set_date(&mut row, "period_start", start.as_ref());
        crate::dataset::set_date(&mut row, "period_end", end.as_ref());
        Ok(Checked { row, sources })
    }

    async fn after_save(
        &self,
        txn: &DatabaseTransaction,
        saved: &funding::Model,
        _before: Option<&funding::Model>,
    ) -> ApiResult<()> {
        funding_funder::Entity::delete_many()
            .filter(funding_funder::Column::FundingId.eq(saved.id))
            .exec(txn)
            .await
            .or_write()?;
        let mut rows = Vec::new();
        for funder in &self.funders {
            let state_id = match &funder.state {
                Some(code) => id_where::<state::Entity>(txn, state::Column::Code, code).await?,
                None => None,
            };
            let organization_id = match &funder.organization {
                Some(key) => {
                    id_where::<organization::Entity>(txn, organization::Column::Key, key).await?
                }
                None => None,
            };
            rows.push(funding_funder::ActiveModel {
                funding_id: Set(saved.id),
                state_id: Set(state_id),
                organization_id: Set(organization_id),
                ..Default::default()
            });
        }
        if !rows.is_empty() {
            funding_funder::Entity::insert_many(rows)
                .exec_without_returning(txn)
                .await
                .or_write()?;
        }
        Ok(())
    }

    async fn before_delete(txn: &DatabaseTransaction, current: &funding::Model) -> ApiResult<()> {
        // Its funders are facts of the funding: they go with it.
        funding_funder::Entity::delete_many()
            .filter(funding_funder::Column::FundingId.eq(current.id))
            .exec(txn)
            .await
            .or_write()?;
        Ok(())
    }
}

/// Curation of fundings: each mutation needs the admin token and runs in one transaction.
#[derive(Default)]
pub struct FundingMutation;

#[Object]
impl FundingMutation {
    /// Adds a funding with its funders.
    async fn create_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's facts and the keys of its sources.")] input: FundingInput,
    ) -> ApiResult<Funding> {
        Ok(Funding(super::loader::alone(create(ctx, &input).await?)))
    }

    /// Replaces a funding's facts, funders and sources with the input.
    async fn update_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The funding's global id.")] id: ID,
        #[graphql(desc = "The record's facts and the keys of its sources.")] input: FundingInput,
    ) -> ApiResult<Funding> {
        Ok(Funding(super::loader::alone(
            update(ctx, &id, &input).await?,
        )))
    }

    /// Deletes a funding with its funders; returns its id.
    async fn delete_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The funding's global id.")] id: ID,
    ) -> ApiResult<ID> {
        delete::<FundingInput>(ctx, id).await
    }
}
