//! Commitments (principles and areas of action) and the states' endorsements of them.

pub mod curation;

use async_graphql::{ID, SimpleObject};
use entity::enums::CommitmentKind;
use entity::{commitment, endorsement};

use super::document::Document;
use super::fields::object;
use super::fields::rows_where;
use super::list::Loaded;
use super::list::{EdgeFields, EdgeOf};
use super::source::Source;
use super::state::State;

/// What an endorsement edge says.
#[derive(SimpleObject)]
pub struct EndorsementFields {
    /// The endorsement itself: when, with what note, on which sources.
    endorsement: Endorsement,
}

impl EdgeFields for EndorsementFields {}

impl EdgeOf<Loaded<endorsement::Model>> for EndorsementFields {
    fn of(model: Loaded<endorsement::Model>) -> Self {
        Self {
            endorsement: Endorsement(model),
        }
    }
}

/// A principle or area of action members endorse.
#[derive(Clone)]
pub struct Commitment(pub Loaded<commitment::Model>);

object! {
/// A principle members endorse, or an area of concrete action they dedicate themselves to.
impl Commitment {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Short stable key: curation inputs and the data file refer to the commitment by it.
    key: &str [filter StringFilter],
    /// A principle or an area of action.
    kind: CommitmentKind [filter CommitmentKindFilter, order Kind, group Kind],
    /// A short title, e.g. "Freedom of expression".
    title: &str [filter StringFilter, order Title],
    /// What it means, in the source's words.
    description: &str [filter StringFilter],
    /// Whether every member endorses it on joining.
    endorsed_on_joining: bool [filter BooleanFilter],
    /// What the dataset adds about it, such as why it names no document.
    note: Option<&str>,
}
parents {
    /// The document that sets it out; null where no source ties it to one.
    document: Document = entity::commitment::DOCUMENT;
}
lists {
    /// The states that endorsed it; each edge gives the endorsement.
    endorsers: State with EndorsementFields = entity::endorsement::ENDORSERS;
}
cited Commitment;

record commitment, "commitments",
    by [Kind Desc] "Sort keys, in order; principles first when left out.";
}

/// A state's endorsement of a commitment.
#[derive(Clone)]
pub struct Endorsement(pub Loaded<endorsement::Model>);

object! {
/// A state's endorsement of a commitment, dated by its joining where it came with membership.
impl Endorsement {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// What the sources add, e.g. project aid through the Digital Defenders Partnership.
    note: Option<&str>,
}
dates {
    /// When the state endorsed it.
    endorsed,
}
parents {
    /// The endorsing state.
    state: State = entity::endorsement::STATE;
    /// The endorsed commitment.
    commitment: Commitment = entity::endorsement::COMMITMENT;
}
cited Endorsement;
}

object! {
/// Root fields for commitments.
query CommitmentQuery;
roots {
    /// The commitments: principles first, then areas of action.
    commitments(#[graphql(desc = "Only commitments of this kind.")] kind: Option<CommitmentKind>)
        -> Commitment = |_| rows_where(commitment::Column::Kind, kind);
}
}
