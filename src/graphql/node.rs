//! Global ids, the `Node` interface, and `node(id:)` / `nodes(ids:)`.

use async_graphql::{Context, ID, Interface, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::*;

use super::error::{ApiError, ApiResult, OrGraphql};
use super::loader::one;
use super::{
    chairship::Chairship, claim::Claim, coalition::Coalition, commitment::Commitment,
    commitment::Endorsement, conference::Conference, document::Document, funding::Funding,
    initiative::Initiative, membership::Membership, organization::Organization, person::Person,
    source::Source, state::State,
};

/// Anything with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "A global, opaque identifier for `node(id:)`."))]
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
    "Coalition", "State", "Membership", "Conference", "Chairship", "Document", "Commitment",
    "Endorsement", "Organization", "Initiative", "Funding", "Person", "Source", "Claim",
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

/// Loads the node a global id names; `None` when no such row exists.
pub async fn load_node(ctx: &Context<'_>, id: &str) -> ApiResult<Option<Node>> {
    let (kind, row) = parse_global_id(id).or_gql()?;
    Ok(match kind {
        "Coalition" => one::<coalition::Entity>(ctx, row).await?.map(|m| Node::Coalition(Coalition(m))),
        "State" => one::<state::Entity>(ctx, row).await?.map(|m| Node::State(State(m))),
        "Membership" => one::<membership::Entity>(ctx, row).await?.map(|m| Node::Membership(Membership(m))),
        "Conference" => one::<conference::Entity>(ctx, row).await?.map(|m| Node::Conference(Conference(m))),
        "Chairship" => one::<chairship::Entity>(ctx, row).await?.map(|m| Node::Chairship(Chairship(m))),
        "Document" => one::<document::Entity>(ctx, row).await?.map(|m| Node::Document(Document(m))),
        "Commitment" => one::<commitment::Entity>(ctx, row).await?.map(|m| Node::Commitment(Commitment(m))),
        "Endorsement" => one::<endorsement::Entity>(ctx, row).await?.map(|m| Node::Endorsement(Endorsement(m))),
        "Organization" => one::<organization::Entity>(ctx, row).await?.map(|m| Node::Organization(Organization(m))),
        "Initiative" => one::<initiative::Entity>(ctx, row).await?.map(|m| Node::Initiative(Initiative(m))),
        "Funding" => one::<funding::Entity>(ctx, row).await?.map(|m| Node::Funding(Funding(m))),
        "Person" => one::<person::Entity>(ctx, row).await?.map(|m| Node::Person(Person(m))),
        "Source" => one::<source::Entity>(ctx, row).await?.map(|m| Node::Source(Source(m))),
        "Claim" => one::<claim::Entity>(ctx, row).await?.map(|m| Node::Claim(Claim(m))),
        _ => None,
    })
}

/// Root fields for global ids.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, or null when it no longer exists.
    async fn node(&self, ctx: &Context<'_>, #[graphql(desc = "A global id from any `id` field.")] id: ID) -> ApiResult<Option<Node>> {
        load_node(ctx, &id).await
    }

    /// The objects with these global ids, in the same order; null where one does not exist.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids from `id` fields; at most 100.")] ids: Vec<ID>,
    ) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(ApiError::invalid("ids", "ask for at most 100 ids at once")).or_gql();
        }
        futures_join(ctx, &ids).await
    }
}

/// Resolves all ids concurrently so their loads share batches.
async fn futures_join(ctx: &Context<'_>, ids: &[ID]) -> ApiResult<Vec<Option<Node>>> {
    let loads = ids.iter().map(|id| load_node(ctx, id));
    futures_util::future::try_join_all(loads).await
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
