//! Claims: what each source says on a disputed or reported fact, kept side by side.

use async_graphql::{Context, ID, Object};
use entity::claim;
use entity::enums::{ClaimTopic, RecordKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::connection::{Connection, PageArgs};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::loader::Loaded;
use super::node::global_id;
use super::source::{Source, cited_by};

/// One source's claim on a disputed or reported fact.
pub struct Claim(pub Loaded<claim::Model>);

/// One source's claim on a disputed or reported fact (the number of founders, a member
/// count on a date, a conference's dates). Claims that disagree are all kept.
#[Object]
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
            RecordKind::Claim,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root fields for claims.
#[derive(Default)]
pub struct ClaimQuery;

#[Object]
impl ClaimQuery {
    /// The claims sources make on disputed or reported facts.
    async fn claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only claims on this topic.")] topic: Option<ClaimTopic>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Claim>> {
        let args = PageArgs::new(after, before, first, last)?;
        let mut select = claim::Entity::find()
            .order_by_asc(claim::Column::Topic)
            .order_by_asc(claim::Column::Id);
        if let Some(topic) = topic {
            select = select.filter(claim::Column::Topic.eq(topic));
        }
        Connection::from_select(ctx, select, &args, Claim).await
    }
}
