//! Claims: what each source says on a disputed or reported fact, kept side by side.

use async_graphql::ID;
use entity::claim;
use entity::enums::ClaimTopic;

use super::fields::object;
use super::fields::rows_where;
use super::list::Loaded;
use super::source::Source;

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
    topic: ClaimTopic [filter ClaimTopicFilter, order Topic, group Topic],
    /// The claim in words.
    statement: &str [filter StringFilter],
    /// The value claimed, e.g. "15" founders.
    value: Option<&str> [filter StringFilter, group Value],
    /// The key or code of the record it is about (e.g. `foc-3`, `ES`), if any.
    subject: Option<&str> [filter StringFilter, group Subject],
}
dates {
    /// The date the claim describes.
    as_of [filter as_of_earliest as_of_latest, order AsOf],
}
cited Claim;

record claim, "claims", by [Topic Asc] "Sort keys, in order; by topic when left out.";
}

object! {
/// Root fields for claims.
query ClaimQuery;
roots {
    /// The claims sources make on disputed or reported facts.
    claims(#[graphql(desc = "Only claims on this topic.")] topic: Option<ClaimTopic>)
        -> Claim = |_| rows_where(claim::Column::Topic, topic);
}
}
