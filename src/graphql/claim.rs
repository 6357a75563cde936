//! Claims: what each source says on a disputed or reported fact, kept side by side.

use async_graphql::{Context, ID, Object};
use entity::claim;
use entity::enums::{ClaimTopic, RecordKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::fields::{object, record};
use super::filter::{
    ClaimTopicFilter, DateFilter, ListFilter, Path, StringFilter, filter_impl, list_query,
};
use super::list::Cited;
use super::list::Loaded;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{KeySql, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::source::{Source, SourceFilter};

/// One source's claim on a disputed or reported fact.
#[derive(Clone)]
pub struct Claim(pub Loaded<claim::Model>);

object! {
/// One source's claim on a disputed or reported fact (the number of founders, a member
/// count on a date, a conference's dates). Claims that disagree are all kept.
impl Claim {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Claim", self.0.id)
    }

    /// What the claim is about.
    async fn topic(&self) -> ClaimTopic {
        self.0.topic
    }

    /// The claim in words.
    async fn statement(&self) -> &str {
        &self.0.statement
    }

    /// The value claimed, e.g. "15" founders.
    async fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }

    /// The key or code of the record it is about (e.g. `foc-3`, `ES`), if any.
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }

    /// The date the claim describes.
    async fn as_of(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "as_of").map(Into::into)
    }
}
lists {
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Claim);
}
}

/// Root fields for claims.
#[derive(Default)]
pub struct ClaimQuery;

#[Object]
impl ClaimQuery {
    /// The claims sources make on disputed or reported facts.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
    async fn claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only claims on this topic.")] topic: Option<ClaimTopic>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<ClaimFilter>,
        #[graphql(desc = "Sort keys, in order; by topic when left out.")] order_by: Option<
            Vec<OrderBy<ClaimOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Claim>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query =
            list_query::<claim::Entity, _, _>(filter.as_ref(), order_by.as_deref(), CLAIM_ORDER);
        let select = claim::Entity::find()
            .apply_if(topic, |s, topic| s.filter(claim::Column::Topic.eq(topic)));
        Connection::from_query(ctx, select, &query, &args, Claim).await
    }
}

/// Conditions on claims; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct ClaimFilter {
    /// What the claim is about.
    topic: Option<ClaimTopicFilter>,
    /// The claim in words.
    statement: Option<StringFilter>,
    /// The value claimed.
    value: Option<StringFilter>,
    /// The key or code of the record it is about.
    subject: Option<StringFilter>,
    /// The earliest day the claim can describe.
    as_of_earliest: Option<DateFilter>,
    /// The latest day the claim can describe.
    as_of_latest: Option<DateFilter>,
    /// The sources making the claim.
    sources: Option<ListFilter<SourceFilter>>,
    /// All of these hold.
    and: Option<Vec<ClaimFilter>>,
    /// At least one of these holds.
    or: Option<Vec<ClaimFilter>>,
    /// This does not hold.
    not: Option<Box<ClaimFilter>>,
}

filter_impl!(ClaimFilter {
    fields {
        topic: "topic",
        statement: "statement",
        value: "value",
        subject: "subject",
        as_of_earliest: "as_of_earliest",
        as_of_latest: "as_of_latest",
    }
    lists { sources: Path::Citations { kind: RecordKind::Claim } }
    parents {}
});

/// Fields claims can be sorted by.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimOrderField {
    /// What the claim is about.
    Topic,
    /// The earliest day the claim can describe.
    AsOf,
}

impl OrderField for ClaimOrderField {
    fn column(self) -> &'static str {
        match self {
            Self::Topic => "topic",
            Self::AsOf => "as_of_earliest",
        }
    }
}

/// The default order.
pub const CLAIM_ORDER: &[(ClaimOrderField, OrderDirection)] =
    &[(ClaimOrderField::Topic, OrderDirection::Asc)];

record!(Claim: claim, ClaimFilter, ClaimOrderField, CLAIM_ORDER);

aggregate_types!(
    /// Totals over a list of claims.
    ClaimAggregate,
    /// A group of claims sharing the keys asked for.
    ClaimGroup,
    /// Keys to group claims by.
    ClaimGroupKey {
        /// What the claim is about.
        Topic => topic: ClaimTopic = KeySql::Text("topic"),
        /// The value claimed.
        Value => value: String = KeySql::Text("value"),
        /// The key or code of the record it is about.
        Subject => subject: String = KeySql::Text("subject"),
    },
    measures {}
);

impl Aggregated for Claim {
    type Aggregate = ClaimAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<ClaimAggregate> {
        scope.map(ClaimAggregate::new)
    }
}
