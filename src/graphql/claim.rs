//! Claims: what each source says on a disputed or reported fact, kept side by side.

use async_graphql::ID;
use entity::claim;
use entity::enums::{ClaimTopic, RecordKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

use super::fields::{object, record};
use super::filter::{ClaimTopicFilter, DateFilter, ListFilter, StringFilter};
use super::list::Cited;
use super::list::KeySql;
use super::list::Loaded;
use super::source::{Source, SourceFilter};

/// One source's claim on a disputed or reported fact.
#[derive(Clone)]
pub struct Claim(pub Loaded<claim::Model>);

object! {
/// One source's claim on a disputed or reported fact (the number of founders, a member
/// count on a date, a conference's dates). Claims that disagree are all kept.
impl Claim {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// What the claim is about.
    topic: ClaimTopic,
    /// The claim in words.
    statement: &str,
    /// The value claimed, e.g. "15" founders.
    value: Option<&str>,
    /// The key or code of the record it is about (e.g. `foc-3`, `ES`), if any.
    subject: Option<&str>,
}
dates {
    /// The date the claim describes.
    as_of,
}
lists {
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Claim);
}
}

/// Root fields for claims.
#[derive(Default)]
pub struct ClaimQuery;

object! {
impl ClaimQuery {}
roots {
    /// The claims sources make on disputed or reported facts.
    claims(
        #[graphql(desc = "Only claims on this topic.")] topic: Option<ClaimTopic>,
    ) -> Claim = |_| claim::Entity::find()
            .apply_if(topic, |s, topic| s.filter(claim::Column::Topic.eq(topic)));
}
}

record! {
    Claim: claim, "claims";
    filter ClaimFilter {
        /// What the claim is about.
        topic: ClaimTopicFilter = "topic",
        /// The claim in words.
        statement: StringFilter = "statement",
        /// The value claimed.
        value: StringFilter = "value",
        /// The key or code of the record it is about.
        subject: StringFilter = "subject",
        /// The earliest day the claim can describe.
        as_of_earliest: DateFilter = "as_of_earliest",
        /// The latest day the claim can describe.
        as_of_latest: DateFilter = "as_of_latest",
        /// The sources making the claim.
        sources: ListFilter<SourceFilter> = Cited(RecordKind::Claim),
    }
    order ClaimOrderField, ClaimOrder by [Topic Asc] {
        /// What the claim is about.
        Topic = "topic",
        /// The earliest day the claim can describe.
        AsOf = "as_of_earliest",
    }
    groups ClaimAggregate, ClaimGroup, ClaimGroupKey {
        /// What the claim is about.
        Topic => topic: ClaimTopic = KeySql::Text("topic"),
        /// The value claimed.
        Value => value: String = KeySql::Text("value"),
        /// The key or code of the record it is about.
        Subject => subject: String = KeySql::Text("subject"),
    }
    measures {}
}
