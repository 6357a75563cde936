//! Global ids, the `Node` interface, and `node(id:)` / `nodes(ids:)`.

use async_graphql::{Context, ID, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::enums::RecordKind;

use super::error::{ApiError, ApiResult, OrGraphql};
// The registry of node types is the layer's table of contents (`graphql/mod.rs`).
pub use super::{KINDS, Node, NodeKind, load_keys};

/// Declares the node types once (in `graphql/mod.rs`, beside the root types): the `Node`
/// interface, the type names global ids carry, the record kinds citations name them by,
/// and loading them by id.
macro_rules! nodes {
    ($( $(#[$doc:meta])* $variant:ident ($entity:ident) $(= $wrap:expr)? ; )*) => {
        /// Anything with a global id, fetchable with `node(id:)`.
        #[derive(async_graphql::Interface, Clone)]
        #[graphql(field(
            name = "id",
            ty = "async_graphql::ID",
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
            ctx: &async_graphql::Context<'_>,
            keys: &[(&'static str, i32)],
        ) -> $crate::graphql::error::ApiResult<
            std::collections::HashMap<(&'static str, i32), Node>,
        > {
            let rows_of = |kind: &str| {
                keys.iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, row)| *row)
                    .collect::<Vec<_>>()
            };
            let mut found = std::collections::HashMap::new();
            $(
                let ids = rows_of(stringify!($variant));
                if !ids.is_empty() {
                    let wrap = $crate::graphql::node::nodes!(@wrap $variant $($wrap)?);
                    for (row, loaded) in
                        $crate::graphql::list::by_ids::<entity::$entity::Entity>(ctx, &ids).await?
                    {
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
pub(crate) use nodes;

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
