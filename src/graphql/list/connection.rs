//! Relay cursor connections: page-size rules, cursors, and the connection and edge types
//! every list in the API uses.

use std::borrow::Cow;

use async_graphql::connection::EmptyFields;
use async_graphql::{Context, Object, ObjectType, OutputType, TypeName};
use sea_orm::{EntityTrait, PaginatorTrait, QuerySelect, Select};

use super::*;
use crate::graphql::error::{ApiResult, OrGraphql};

/// Extra fields an edge carries about the relationship itself, and the name they give it.
pub trait EdgeFields: ObjectType + Send + Sync + 'static {
    /// The word inserted in the connection's type name (`StateHostingConnection`): the
    /// fields' type name without `Fields`. Borrowed, since every item of a list asks it.
    fn label() -> Cow<'static, str> {
        match Self::type_name() {
            Cow::Borrowed(name) => Cow::Borrowed(name.trim_end_matches("Fields")),
            Cow::Owned(name) => Cow::Owned(name.trim_end_matches("Fields").to_owned()),
        }
    }
}

/// Edge fields made from what an item of a relationship carries (its link row, or nothing).
pub trait EdgeOf<L>: EdgeFields {
    /// The edge fields of an item that carries `link`.
    fn of(link: L) -> Self;
}

impl<L> EdgeOf<L> for EmptyFields {
    fn of(_: L) -> Self {
        EmptyFields
    }
}

impl EdgeFields for EmptyFields {
    fn label() -> Cow<'static, str> {
        Cow::Borrowed("")
    }
}

/// A page of a list.
pub struct Connection<N, X = EmptyFields> {
    edges: Vec<Edge<N, X>>,
    total_count: usize,
    has_previous_page: bool,
    has_next_page: bool,
    /// The whole list's rows as SQL, for aggregates.
    scope: Option<Scope>,
}

/// A node type whose lists offer aggregates.
pub trait Aggregated {
    /// The aggregate object of its lists.
    type Aggregate: OutputType;

    /// The aggregate of a list with these rows (`scope`) and this many items.
    fn aggregate(scope: Option<Scope>, total: usize) -> Option<Self::Aggregate>;
}

/// One item of a page and its cursor.
pub struct Edge<N, X> {
    cursor: String,
    node: N,
    fields: X,
}

/// Information to aid in pagination.
#[derive(async_graphql::SimpleObject)]
pub struct PageInfo {
    /// Whether items come before this page.
    has_previous_page: bool,
    /// Whether items come after this page.
    has_next_page: bool,
    /// The cursor of the first item of the page, to page backwards with `before`.
    start_cursor: Option<String>,
    /// The cursor of the last item of the page, to page forwards with `after`.
    end_cursor: Option<String>,
}

/// A page of a list, in Relay cursor-connection form: `first`/`after` page forwards,
/// `last`/`before` backwards.
#[Object(name_type)]
impl<N: OutputType + Aggregated, X: EdgeFields> Connection<N, X> {
    /// The items of this page with their cursors.
    async fn edges(&self) -> &[Edge<N, X>] {
        &self.edges
    }

    /// The items of this page.
    async fn nodes(&self) -> Vec<&N> {
        self.edges.iter().map(|e| &e.node).collect()
    }

    /// Pagination state.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            start_cursor: self.edges.first().map(|e| e.cursor.clone()),
            end_cursor: self.edges.last().map(|e| e.cursor.clone()),
        }
    }

    /// The number of items in the whole list, across all pages.
    async fn total_count(&self) -> usize {
        self.total_count
    }

    /// Totals over the whole list (all pages): count, sums, earliest and latest values,
    /// and the same per group of one or more keys.
    async fn aggregate(&self) -> Option<N::Aggregate> {
        N::aggregate(self.scope.clone(), self.total_count)
    }
}

impl<N: OutputType + Aggregated, X: EdgeFields> TypeName for Connection<N, X> {
    fn type_name() -> Cow<'static, str> {
        format!("{}{}Connection", N::type_name(), X::label()).into()
    }
}

/// An item of a list and where it stands in it.
#[Object(name_type)]
impl<N: OutputType, X: EdgeFields> Edge<N, X> {
    /// An opaque position, for `after` and `before`.
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The item.
    async fn node(&self) -> &N {
        &self.node
    }

    #[graphql(flatten)]
    async fn fields(&self) -> &X {
        &self.fields
    }
}

impl<N: OutputType, X: EdgeFields> TypeName for Edge<N, X> {
    fn type_name() -> Cow<'static, str> {
        format!("{}{}Edge", N::type_name(), X::label()).into()
    }
}

impl<N, X> Connection<N, X> {
    /// A page of a nested list, as the loader cut it.
    pub fn from_page(page: super::Page<(N, X)>) -> Self {
        let end = page.start + page.items.len();
        let edges = page
            .items
            .into_iter()
            .enumerate()
            .map(|(i, (node, fields))| Edge {
                cursor: encode_cursor(page.start + i),
                node,
                fields,
            })
            .collect();
        Self {
            edges,
            total_count: page.total,
            has_previous_page: page.start > 0,
            has_next_page: end < page.total,
            scope: None,
        }
    }

    /// The same page, with the whole list's rows as SQL for its aggregates.
    pub fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }
}

impl<N> Connection<N, EmptyFields> {
    /// A page of plain items.
    pub fn from_nodes(items: Vec<N>, args: &PageArgs) -> Self {
        let items = items.into_iter().map(|n| (n, EmptyFields)).collect();
        Self::from_page(super::Page::cut(items, args))
    }

    /// A page read from the database: one statement counts the list, one reads the page.
    /// `query` adds the list's filter and order to `select`.
    pub async fn from_query<E>(
        ctx: &Context<'_>,
        select: Select<E>,
        query: &ListQuery,
        args: &PageArgs,
        wrap: impl Fn(Loaded<E::Model>) -> N,
    ) -> ApiResult<Self>
    where
        E: EntityTrait,
        E::Model: Clone + Sync,
    {
        let db = ctx.data::<Db>()?;
        let select = query.apply(select).or_gql()?;
        let scope = Scope::root(select.clone());
        // Only the items cost a page statement; a query asking for counts or aggregates
        // alone gets none.
        let selection = ctx.look_ahead();
        let wants_items = selection.field("nodes").exists() || selection.field("edges").exists();
        let wants_length =
            selection.field("totalCount").exists() || selection.field("pageInfo").exists();
        let read = |start: usize, end: usize| {
            let page = select
                .clone()
                .offset(start as u64)
                .limit((end - start) as u64);
            page.all(&db.conn)
        };
        let (total, start, end, rows) = match args.fixed_window() {
            // Items without the list's length: the page alone, which an index on the sort
            // key answers without reading the whole list.
            Some((start, end)) if wants_items && !wants_length => {
                let rows = read(start, end).await.or_gql()?;
                let end = start + rows.len();
                (end, start, end, rows)
            }
            // Nothing that needs the list's length (an aggregate alone): no statement here.
            _ if !wants_items && !wants_length => (0, 0, 0, Vec::new()),
            _ => {
                let total = select.clone().count(&db.conn).await.or_gql()? as usize;
                let (start, end) = args.window(total);
                let rows = if end > start && wants_items {
                    read(start, end).await.or_gql()?
                } else {
                    Vec::new()
                };
                (total, start, end, rows)
            }
        };
        let edges = group(rows)
            .into_iter()
            .enumerate()
            .map(|(i, m)| Edge {
                cursor: encode_cursor(start + i),
                node: wrap(m),
                fields: EmptyFields,
            })
            .collect();
        Ok(Self {
            edges,
            total_count: total,
            has_previous_page: start > 0,
            has_next_page: end < total,
            scope: Some(scope),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(
        after: Option<usize>,
        before: Option<usize>,
        first: Option<usize>,
        last: Option<usize>,
    ) -> PageArgs {
        PageArgs {
            after,
            before,
            first,
            last,
        }
    }

    #[test]
    fn windows_follow_relay_rules() {
        assert_eq!(args(None, None, Some(5), None).window(37), (0, 5));
        assert_eq!(args(Some(4), None, Some(5), None).window(37), (5, 10));
        assert_eq!(args(None, None, None, Some(5)).window(37), (32, 37));
        assert_eq!(args(None, Some(10), None, Some(3)).window(37), (7, 10));
        assert_eq!(args(Some(35), None, Some(5), None).window(37), (36, 37));
        assert_eq!(args(Some(40), None, Some(5), None).window(37), (37, 37));
        assert_eq!(
            args(None, None, None, None).window(120),
            (0, DEFAULT_PAGE_SIZE)
        );
    }

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        assert_eq!(decode_cursor("after", &encode_cursor(17)).ok(), Some(17));
        assert!(decode_cursor("after", "bm90IGEgY3Vyc29y").is_err());
        assert!(decode_cursor("after", "%%%").is_err());
    }
}
