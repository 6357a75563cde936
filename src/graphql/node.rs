//! Global ids, the `Node` interface, and `node(id:)` / `nodes(ids:)`.

use async_graphql::{Context, ID, Interface, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::enums::RecordKind;
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

/// Declares the node types once: the `Node` interface, the type names global ids carry,
/// the record kinds citations name them by, and loading them by id.
macro_rules! nodes {
    ($( $(#[$doc:meta])* $variant:ident ($entity:ident) $(= $wrap:expr)? ; )*) => {
        /// Anything with a global id, fetchable with `node(id:)`.
        #[derive(Interface, Clone)]
        #[graphql(field(
            name = "id",
            ty = "ID",
            desc = "A global, opaque identifier for `node(id:)`."
        ))]
        pub enum Node {
            $( $(#[$doc])* $variant($variant), )*
        }

        /// The type names that global ids carry.
        pub const KINDS: &[&str] = &[$(stringify!($variant)),*];

        /// The types of record that have a global id.
        #[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
        pub enum NodeKind {
            $( $(#[$doc])* $variant, )*
        }

        impl NodeKind {
            /// The type name global ids of this kind carry.
            pub fn name(self) -> &'static str {
                match self {
                    $(NodeKind::$variant => stringify!($variant),)*
                }
            }

            /// The kind whose global ids carry this type name.
            pub fn named(name: &str) -> Option<Self> {
                match name {
                    $(stringify!($variant) => Some(NodeKind::$variant),)*
                    _ => None,
                }
            }
        }


        /// Loads rows by type name and id: the rows of one type in one batch, as one group,
        /// so their relationships batch too.
        pub async fn load_keys(
            ctx: &Context<'_>,
            keys: &[(&'static str, i32)],
        ) -> ApiResult<HashMap<(&'static str, i32), Node>> {
            let rows_of = |kind: &str| {
                keys.iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, row)| *row)
                    .collect::<Vec<_>>()
            };
            let mut found = HashMap::new();
            $(
                let ids = rows_of(stringify!($variant));
                if !ids.is_empty() {
                    let wrap = nodes!(@wrap $variant $($wrap)?);
                    for (row, loaded) in by_ids::<$entity::Entity>(ctx, &ids).await? {
                        found.insert((stringify!($variant), row), Node::$variant(wrap(loaded)));
                    }
                }
            )*
            Ok(found)
        }
    };
    (@wrap $variant:ident) => { $variant };
    (@wrap $variant:ident $wrap:expr) => { $wrap };
}

nodes! {
    /// The Coalition.
    Coalition(coalition) = |row| Coalition(row, None);
    /// A state.
    State(state);
    /// A membership.
    Membership(membership);
    /// A conference.
    Conference(conference);
    /// A chairship.
    Chairship(chairship);
    /// A document.
    Document(document);
    /// A commitment.
    Commitment(commitment);
    /// An endorsement.
    Endorsement(endorsement);
    /// An organization.
    Organization(organization);
    /// An initiative.
    Initiative(initiative);
    /// A funding.
    Funding(funding);
    /// A person.
    Person(person);
    /// A source.
    Source(source);
    /// A claim.
    Claim(claim);
}

/// The description of a list's `orderBy` argument for each listed node type, which names its
/// default order; handed to `object!` as a literal, as attribute arguments must be.
macro_rules! default_order_doc {
    (State; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by name when left out." $($t)*); };
    (Membership; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by joining date when left out." $($t)*); };
    (Conference; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by start date when left out." $($t)*); };
    (Chairship; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by start when left out." $($t)*); };
    (Document; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by adoption date when left out." $($t)*); };
    (Commitment; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; principles first when left out." $($t)*); };
    (Organization; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by name when left out." $($t)*); };
    (Initiative; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by name when left out." $($t)*); };
    (Funding; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by period when left out." $($t)*); };
    (Person; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by name when left out." $($t)*); };
    (Source; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by key when left out." $($t)*); };
    (Claim; $($t:tt)*) => { $crate::graphql::fields::object!(@got "Sort keys, in order; by topic when left out." $($t)*); };
}
pub(crate) use default_order_doc;

/// The type name of the records citations and the search index name by `kind` (its stored
/// name is the type's, in lower case).
pub fn type_of(kind: RecordKind) -> Option<&'static str> {
    KINDS
        .iter()
        .copied()
        .find(|name| name.eq_ignore_ascii_case(kind.as_str()))
}

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

/// Loads the nodes global ids name, in order; `None` where no such row exists.
pub async fn load_nodes(ctx: &Context<'_>, ids: &[ID]) -> ApiResult<Vec<Option<Node>>> {
    let parsed = ids
        .iter()
        .map(|id| parse_global_id(id))
        .collect::<Result<Vec<_>, _>>()
        .or_gql()?;
    let mut found = load_keys(ctx, &parsed).await?;
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

    #[test]
    fn every_record_kind_is_a_node_type() {
        use sea_orm::Iterable;
        for kind in RecordKind::iter() {
            assert!(type_of(kind).is_some(), "{kind:?} has no node type");
        }
    }
}
