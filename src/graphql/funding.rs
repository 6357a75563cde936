//! Fundings: money given to an initiative or a programme, and who gave it.

use async_graphql::{Context, ID, Object, Union};
use entity::enums::{FundingQualifier, RecordKind};
use entity::{funding, funding_funder, initiative, organization, state};
use sea_orm::{EntityTrait, QueryOrder};

use super::connection::{Connection, PageArgs};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::initiative::Initiative;
use super::loader::{Loaded, through};
use super::node::global_id;
use super::organization::Organization;
use super::source::{Source, cited_by};
use super::state::State;

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
    async fn funders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Funder>> {
        let args = PageArgs::new(after, before, first, last)?;
        let links = self
            .0
            .children::<funding_funder::Entity>(ctx, "funding_id")
            .await?;
        let (states, organizations) = futures_util::future::try_join(
            through::<_, state::Entity>(ctx, links.clone(), |l| l.state_id, "state"),
            through::<_, organization::Entity>(ctx, links, |l| l.organization_id, "organization"),
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
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Source>> {
        cited_by(
            ctx,
            &self.0,
            RecordKind::Funding,
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
    async fn fundings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Funding>> {
        let args = PageArgs::new(after, before, first, last)?;
        let select = funding::Entity::find()
            .order_by_asc(funding::Column::PeriodStartEarliest)
            .order_by_asc(funding::Column::Id);
        Connection::from_select(ctx, select, &args, Funding).await
    }
}
