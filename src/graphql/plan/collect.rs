//! What a root list field's selection asks for, as a plan: each response key with what
//! answers it. Fragments are expanded in place and repeated keys merged, as the
//! specification's CollectFields does; anything the planner does not cover gives the reason
//! it falls back.

use std::collections::HashMap;

use async_graphql::Name;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, FragmentDefinition, Selection, SelectionSet};
use async_graphql::{OutputType, Positioned};

use super::Leaf;
use crate::graphql::fields::Record;
use crate::graphql::list::{Connection, PageArgs};

/// Why a selection falls back to the resolvers.
pub type Uncovered = &'static str;

/// What one node of the list answers, key by key.
#[derive(Debug)]
pub struct NodePlan {
    /// The node's type name, for its global id.
    pub type_name: &'static str,
    /// Response keys with their fields.
    pub fields: Vec<(Name, NodeField)>,
}

/// A field of a node.
#[derive(Debug)]
pub enum NodeField {
    /// A column, read as its leaf says.
    Column(&'static str, LeafKind),
    /// The type's name.
    Typename(&'static str),
}

/// A [`Leaf`] that can be printed (function pointers aside).
#[derive(Clone, Copy)]
pub struct LeafKind(pub Leaf);

impl std::fmt::Debug for LeafKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Leaf::Text => "text",
            Leaf::Int => "int",
            Leaf::Bool => "bool",
            Leaf::Id => "id",
            Leaf::Enum(_) => "enum",
        })
    }
}

/// A field of the connection.
#[derive(Debug)]
pub enum ConnectionField {
    /// The list's length.
    TotalCount,
    /// The page's nodes.
    Nodes(NodePlan),
    /// The page's edges.
    Edges(Vec<(Name, EdgeField)>),
    /// Where the page stands.
    PageInfo(Vec<(Name, PageInfoField)>),
    /// A type's name.
    Typename(String),
}

/// A field of an edge.
#[derive(Debug)]
pub enum EdgeField {
    /// Its position, as a cursor.
    Cursor,
    /// Its node.
    Node(NodePlan),
    /// The edge type's name.
    Typename(String),
}

/// A field of `pageInfo`.
#[derive(Debug)]
pub enum PageInfoField {
    HasNextPage,
    HasPreviousPage,
    StartCursor,
    EndCursor,
    Typename,
}

/// The plan of a root list field.
#[derive(Debug)]
pub struct ConnectionPlan {
    /// Response keys with their fields.
    pub fields: Vec<(Name, ConnectionField)>,
    /// The columns the nodes read, each once, in the order the statement returns them.
    pub columns: Vec<&'static str>,
    /// Whether the list's length is needed.
    pub counts: bool,
    /// Whether rows are needed.
    pub rows: bool,
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// The fields of `sets` by response key, in the order they first appear, fragments
/// expanded; a directive anywhere falls back (`@skip`/`@include` are not evaluated here).
fn collect<'a>(
    sets: &[&'a SelectionSet],
    fragments: &'a Fragments,
) -> Result<IndexMap<&'a Name, Vec<&'a Field>>, Uncovered> {
    let mut groups: IndexMap<&Name, Vec<&Field>> = IndexMap::new();
    // An explicit stack: fragments may spread fragments as deep as the document allows.
    let mut stack: Vec<std::slice::Iter<'a, Positioned<Selection>>> =
        sets.iter().rev().map(|set| set.items.iter()).collect();
    while let Some(items) = stack.last_mut() {
        let Some(selection) = items.next() else {
            stack.pop();
            continue;
        };
        match &selection.node {
            Selection::Field(field) => {
                if !field.node.directives.is_empty() {
                    return Err("a directive in the selection");
                }
                let key = field.node.alias.as_ref().unwrap_or(&field.node.name);
                groups.entry(&key.node).or_default().push(&field.node);
            }
            Selection::FragmentSpread(spread) => {
                if !spread.node.directives.is_empty() {
                    return Err("a directive in the selection");
                }
                let fragment = fragments
                    .get(&spread.node.fragment_name.node)
                    .ok_or("an unknown fragment")?;
                if !fragment.node.directives.is_empty() {
                    return Err("a directive in the selection");
                }
                stack.push(fragment.node.selection_set.node.items.iter());
            }
            Selection::InlineFragment(inline) => {
                if !inline.node.directives.is_empty() {
                    return Err("a directive in the selection");
                }
                stack.push(inline.node.selection_set.node.items.iter());
            }
        }
    }
    Ok(groups)
}

/// The selection sets of every field merged under one key.
fn children<'a>(fields: &[&'a Field]) -> Vec<&'a SelectionSet> {
    fields.iter().map(|f| &f.selection_set.node).collect()
}

/// A field without arguments, as leaves and the connection's own fields are.
fn plain(fields: &[&Field]) -> Result<(), Uncovered> {
    if fields.iter().all(|f| f.arguments.is_empty()) {
        Ok(())
    } else {
        Err("arguments on a field the planner reads as it is")
    }
}

/// The GraphQL name of a field (`startDate`) as its column's (`start_date`).
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The plan of a node of type `N` selected by `sets`, noting its columns in `columns`.
fn node<'a, N: Record>(
    sets: &[&'a SelectionSet],
    fragments: &'a Fragments,
    columns: &mut Vec<&'static str>,
) -> Result<NodePlan, Uncovered> {
    let mut plan = NodePlan {
        type_name: N::TYPE,
        fields: Vec::new(),
    };
    for (key, fields) in collect(sets, fragments)? {
        plain(&fields)?;
        let name = fields[0].name.node.as_str();
        let field = if name == "__typename" {
            NodeField::Typename(N::TYPE)
        } else {
            let wanted = snake_case(name);
            let (column, leaf) = N::columns()
                .iter()
                .find(|(column, _)| *column == wanted)
                .ok_or("a field that is not a column")?;
            if !columns.contains(column) {
                columns.push(column);
            }
            NodeField::Column(column, LeafKind(*leaf))
        };
        plan.fields.push((key.clone(), field));
    }
    Ok(plan)
}

/// The plan of the root list field `ctx` resolves, whose node type is `N`.
pub fn connection<N: Record>(
    ctx: &async_graphql::Context<'_>,
    args: &PageArgs,
) -> Result<ConnectionPlan, Uncovered>
where
    Connection<N>: OutputType,
{
    if args.fixed_window().is_none() {
        return Err("`last` or `before`");
    }
    let fragments = &ctx.query_env.fragments;
    let root = &ctx.item.node;
    let connection_type = Connection::<N>::type_name().into_owned();
    let edge_type = format!("{}Edge", connection_type.trim_end_matches("Connection"));
    let mut plan = ConnectionPlan {
        fields: Vec::new(),
        columns: vec!["id"],
        counts: false,
        rows: false,
    };
    for (key, fields) in collect(&[&root.selection_set.node], fragments)? {
        plain(&fields)?;
        let field = match fields[0].name.node.as_str() {
            "totalCount" => {
                plan.counts = true;
                ConnectionField::TotalCount
            }
            "nodes" => {
                plan.rows = true;
                ConnectionField::Nodes(node::<N>(&children(&fields), fragments, &mut plan.columns)?)
            }
            "edges" => {
                plan.rows = true;
                let mut edge = Vec::new();
                for (key, fields) in collect(&children(&fields), fragments)? {
                    plain(&fields)?;
                    edge.push((
                        key.clone(),
                        match fields[0].name.node.as_str() {
                            "cursor" => EdgeField::Cursor,
                            "node" => EdgeField::Node(node::<N>(
                                &children(&fields),
                                fragments,
                                &mut plan.columns,
                            )?),
                            "__typename" => EdgeField::Typename(edge_type.clone()),
                            _ => return Err("an edge field of its own"),
                        },
                    ));
                }
                ConnectionField::Edges(edge)
            }
            "pageInfo" => {
                plan.counts = true;
                let mut info = Vec::new();
                for (key, fields) in collect(&children(&fields), fragments)? {
                    plain(&fields)?;
                    let field = match fields[0].name.node.as_str() {
                        "hasNextPage" => PageInfoField::HasNextPage,
                        "hasPreviousPage" => PageInfoField::HasPreviousPage,
                        "startCursor" => PageInfoField::StartCursor,
                        "endCursor" => PageInfoField::EndCursor,
                        "__typename" => PageInfoField::Typename,
                        _ => return Err("an unknown pageInfo field"),
                    };
                    info.push((key.clone(), field));
                }
                ConnectionField::PageInfo(info)
            }
            "__typename" => ConnectionField::Typename(connection_type.clone()),
            _ => return Err("aggregates"),
        };
        plan.fields.push((key.clone(), field));
    }
    Ok(plan)
}
