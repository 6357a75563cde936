//! Global ids, the `Node` interface, and `node(id:)` / `nodes(ids:)`.

use async_graphql::{Context, ID, Interface, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::*;

use super::error::{ApiError, ApiResult, OrGraphql};
use super::list::by_ids;
use super::{
    chairship::Chairship, claim::Claim, coalition::Coalition, commitment::Commitment,
    commitment::Endorsement, conference::Conference, document::Document, funding::Funding,
    initiative::Initiative, membership::Membership, organization::Organization, person::Person,
    source::Source, state::State,
};
use std::collections::HashMap;

/// Anything with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "A global, opaque identifier for `node(id:)`."
))]
pub enum Node {
    /// The Coalition.
    Coalition(Coalition),
    /// A state.
    State(State),
    /// A membership.
    Membership(Membership),
    /// A conference.
    Conference(Conference),
    /// A chairship.
    Chairship(Chairship),
    /// A document.
    Document(Document),
    /// A commitment.
    Commitment(Commitment),
    /// An endorsement.
    Endorsement(Endorsement),
    /// An organization.
    Organization(Organization),
    /// An initiative.
    Initiative(Initiative),
    /// A funding.
    Funding(Funding),
    /// A person.
    Person(Person),
    /// A source.
    Source(Source),
    /// A claim.
    Claim(Claim),
}

/// The type names that global ids carry.
const KINDS: [&str; 14] = [
    "Coalition",
    "State",
    "Membership",
    "Conference",
    "Chairship",
    "Document",
    "Commitment",
    "Endorsement",
    "Organization",
    "Initiative",
    "Funding",
    "Person",
    "Source",
    "Claim",
];

/// The global id of row `id` of the type named `kind`.
pub fn global_id(kind: &str, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// The type name and row id a global id stands for.
pub fn parse_global_id(id: &str) -> Result<(&'static str, i32), ApiError> {
    let invalid = || ApiError::invalid("id", format!("`{id}` is not an id of this API"));
    let text = URL_SAFE_NO_PAD
        .decode(id)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(invalid)?;
    let (kind, row) = text.split_once(':').ok_or_else(invalid)?;
    let kind = KINDS.iter().find(|k| **k == kind).ok_or_else(invalid)?;
    let row = row.parse::<i32>().map_err(|_| invalid())?;
    Ok((kind, row))
}

/// Loads the nodes global ids name, in order; `None` where no such row exists. Ids of one
/// kind load in one batch and form one group, so their relationships batch too.
pub async fn load_nodes(ctx: &Context<'_>, ids: &[ID]) -> ApiResult<Vec<Option<Node>>> {
    let parsed = ids
        .iter()
        .map(|id| parse_global_id(id))
        .collect::<Result<Vec<_>, _>>()
        .or_gql()?;
    let rows_of = |kind: &str| {
        parsed
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, row)| *row)
            .collect::<Vec<_>>()
    };
    macro_rules! kind {
        ($name:literal, $entity:ident, $variant:ident) => {
            kind!($name, $entity, $variant, $variant)
        };
        ($name:literal, $entity:ident, $variant:ident, $wrap:expr) => {
            by_ids::<$entity::Entity>(ctx, &rows_of($name))
                .await?
                .into_iter()
                .map(|(row, loaded)| (($name, row), Node::$variant($wrap(loaded))))
                .collect::<Vec<_>>()
        };
    }
    let mut found: HashMap<(&str, i32), Node> = HashMap::new();
    found.extend(kind!("Coalition", coalition, Coalition, |c| Coalition(
        c, None
    )));
    found.extend(kind!("State", state, State));
    found.extend(kind!("Membership", membership, Membership));
    found.extend(kind!("Conference", conference, Conference));
    found.extend(kind!("Chairship", chairship, Chairship));
    found.extend(kind!("Document", document, Document));
    found.extend(kind!("Commitment", commitment, Commitment));
    found.extend(kind!("Endorsement", endorsement, Endorsement));
    found.extend(kind!("Organization", organization, Organization));
    found.extend(kind!("Initiative", initiative, Initiative));
    found.extend(kind!("Funding", funding, Funding));
    found.extend(kind!("Person", person, Person));
    found.extend(kind!("Source", source, Source));
    found.extend(kind!("Claim", claim, Claim));
    Ok(parsed.iter().map(|key| found.remove(key)).collect())
}

/// Root fields for global ids.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, or null when it no longer exists.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id from any `id` field.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        Ok(load_nodes(ctx, &[id]).await?.pop().flatten())
    }

    /// The objects with these global ids, in the same order; null where one does not exist.
    #[graphql(complexity = "crate::graphql::limits::count_cost(ids.len(), child_complexity)")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids from `id` fields; at most 100.")] ids: Vec<ID>,
    ) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(ApiError::invalid("ids", "ask for at most 100 ids at once")).or_gql();
        }
        load_nodes(ctx, &ids).await
    }
}

impl super::list::Aggregated for Node {
    type Aggregate = super::list::ListAggregate;

    fn aggregate(_scope: Option<super::list::Scope>, total: usize) -> Option<Self::Aggregate> {
        super::list::ListAggregate::of(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_foreign_ones_are_refused() {
        let id = global_id("State", 12);
        assert_eq!(parse_global_id(&id).ok(), Some(("State", 12)));
        assert!(parse_global_id("U3RhdGU6").is_err());
        assert!(parse_global_id(&URL_SAFE_NO_PAD.encode("Planet:1")).is_err());
        assert!(parse_global_id("not base64 !").is_err());
    }
}
