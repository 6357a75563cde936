//! What a root list field's selection asks for, as a plan: each response key with what
//! answers it, down through nested lists and parents. Fragments are expanded in place and
//! repeated keys merged, as the specification's CollectFields does; anything the planner
//! does not cover gives the reason it falls back.

use std::sync::Arc;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::{InputType, Name, Positioned, Value};

use crate::graphql::filter::Path;
use crate::graphql::list::{KeySql, MAX_GROUP_KEYS, Measure};
use crate::graphql::list::{ListQuery, PageArgs};
use crate::graphql::model::{AggregateModel, Leaf, Target};

/// Why a selection falls back to the resolvers.
pub type Uncovered = &'static str;

/// The most values one row of the statement's JSON holds: PostgreSQL's functions take at
/// most 100 arguments.
const MAX_ROW_WIDTH: usize = 100;

/// The values one row of a list gives: its columns, then what its nested lists and parents
/// give, each as JSON.
#[derive(Default)]
pub struct Layout {
    /// Columns, each once.
    pub columns: Vec<&'static str>,
    /// Nested lists and parents, each response key once.
    pub nested: Vec<Nested>,
}

impl Layout {
    /// The position of `column` in the row, added when new.
    fn column(&mut self, column: &'static str) -> usize {
        match self.columns.iter().position(|c| *c == column) {
            Some(at) => at,
            None => {
                self.columns.push(column);
                self.columns.len() - 1
            }
        }
    }
}

/// A value of a row that is a query of its own.
pub enum Nested {
    /// A nested list.
    List {
        path: Path,
        target: Target,
        query: Arc<ListQuery>,
        args: PageArgs,
        plan: ConnectionPlan,
    },
    /// The row a foreign key points to.
    Parent {
        path: Path,
        target: Target,
        layout: Layout,
        node: NodePlan,
    },
}

/// What one node answers, key by key.
pub struct NodePlan {
    /// The node's type name, for its global id.
    pub type_name: &'static str,
    /// Response keys with their fields.
    pub fields: Vec<(Name, NodeField)>,
}

/// A field of a node.
pub enum NodeField {
    /// A column at this position of the row, read as its leaf says.
    Column(usize, Leaf),
    /// A nested list or parent: this one of the layout's `nested`.
    Nested(usize),
    /// An uncertain date, from its columns at these positions of the row.
    Date(DatePlan),
    /// The type's name.
    Typename(&'static str),
}

/// An uncertain date: where its six columns stand in the row, and what is asked of it.
pub struct DatePlan {
    /// The positions of stated, precision, earliest, latest, narrowed_by, narrowing_note.
    pub at: [usize; 6],
    /// Response keys with their fields.
    pub fields: Vec<(Name, DateField)>,
}

/// A field of an uncertain date.
#[derive(Clone, Copy)]
pub enum DateField {
    Stated,
    Precision,
    Earliest,
    Latest,
    NarrowedBy,
    NarrowingNote,
    Typename,
}

/// A field of a connection.
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
    /// Totals and groups over the whole list.
    Aggregate(Vec<(Name, AggregateField)>),
}

/// A field of a list's aggregate.
pub enum AggregateField {
    /// The number of items.
    Count,
    /// This one of the measures.
    Measure(usize),
    /// The aggregate type's name.
    Typename(&'static str),
    /// The groups of this one of the plan's `groups`.
    GroupBy(usize, GroupPlan),
}

/// What a `groupBy` asks of each group.
pub struct GroupPlan {
    /// The keys grouped by, with the field each answers and how it is read.
    pub keys: Vec<(&'static str, Leaf)>,
    /// Response keys with their fields.
    pub fields: Vec<(Name, GroupField)>,
}

/// A field of a group.
pub enum GroupField {
    /// A key's value: its position among the keys grouped by (null when not grouped by it).
    Key(Option<usize>, Leaf),
    /// The number of items in the group.
    Count,
    /// This one of the measures.
    Measure(usize),
    /// The group type's name.
    Typename(&'static str),
}

/// A field of an edge.
pub enum EdgeField {
    /// Its position, as a cursor.
    Cursor,
    /// Its node.
    Node(NodePlan),
    /// The edge type's name.
    Typename(String),
}

/// A field of `pageInfo`.
pub enum PageInfoField {
    HasNextPage,
    HasPreviousPage,
    StartCursor,
    EndCursor,
    Typename,
}

/// The plan of a list: its fields, and what each of its rows gives.
pub struct ConnectionPlan {
    /// Response keys with their fields.
    pub fields: Vec<(Name, ConnectionField)>,
    /// What each row gives.
    pub layout: Layout,
    /// Whether the list's length is needed.
    pub counts: bool,
    /// Whether rows are needed.
    pub rows: bool,
    /// Whether the whole list's count and measures are needed.
    pub totals: bool,
    /// The measures the aggregate computes, with how each is read.
    pub measures: &'static [(&'static str, Measure)],
    /// How each measure is read.
    pub measure_leaves: &'static [Leaf],
    /// Each `groupBy`'s keys, in the order the statement returns them.
    pub groups: Vec<Vec<KeySql>>,
}

/// What planning reads of the request: its fragments and variables, and the context that
/// checks page arguments.
pub struct Request<'a>(pub &'a async_graphql::Context<'a>);

impl Request<'_> {
    /// The value of a field's argument, variables applied (their defaults included).
    fn argument(&self, field: &Field, name: &str) -> Result<Option<Value>, Uncovered> {
        let Some((_, value)) = field.arguments.iter().find(|(n, _)| n.node == name) else {
            return Ok(None);
        };
        let env = self.0.query_env;
        value
            .node
            .clone()
            .into_const_with(|variable| -> Result<Value, Uncovered> {
                let given = env.variables.get(&variable).cloned().or_else(|| {
                    env.operation
                        .node
                        .variable_definitions
                        .iter()
                        .find(|d| d.node.name.node == variable)
                        .and_then(|d| d.node.default_value.as_ref())
                        .map(|d| d.node.clone())
                });
                Ok(given.unwrap_or(Value::Null))
            })
            .map(Some)
    }

    /// A field's argument as `T`, variables applied; one the resolvers refuse falls back.
    fn parsed<T: InputType>(&self, field: &Field, name: &str) -> Result<T, Uncovered> {
        T::parse(self.argument(field, name)?).map_err(|_| "arguments the resolvers refuse")
    }
}

/// The fields of `sets` by response key, in the order they first appear, fragments
/// expanded; a directive anywhere falls back (`@skip`/`@include` are not evaluated here).
fn collect<'a>(
    sets: &[&'a SelectionSet],
    request: &Request<'a>,
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
        let (directives, items) = match &selection.node {
            Selection::Field(field) => {
                if !field.node.directives.is_empty() {
                    return Err("a directive in the selection");
                }
                let key = field.node.alias.as_ref().unwrap_or(&field.node.name);
                groups.entry(&key.node).or_default().push(&field.node);
                continue;
            }
            Selection::FragmentSpread(spread) => {
                let fragment = request
                    .0
                    .query_env
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .ok_or("an unknown fragment")?;
                if !fragment.node.directives.is_empty() {
                    return Err("a directive in the selection");
                }
                (
                    &spread.node.directives,
                    &fragment.node.selection_set.node.items,
                )
            }
            Selection::InlineFragment(inline) => (
                &inline.node.directives,
                &inline.node.selection_set.node.items,
            ),
        };
        if !directives.is_empty() {
            return Err("a directive in the selection");
        }
        stack.push(items.iter());
    }
    Ok(groups)
}

/// The selection sets of every field merged under one key.
fn children<'a>(fields: &[&'a Field]) -> Vec<&'a SelectionSet> {
    fields.iter().map(|f| &f.selection_set.node).collect()
}

/// The fields selected below `fields`, none with arguments, each planned by `plan_field`
/// from its name and its merged fields, under its response key.
fn plain_fields<'a, F>(
    request: &Request<'a>,
    fields: &[&'a Field],
    mut plan_field: impl FnMut(&str, &[&'a Field]) -> Result<F, Uncovered>,
) -> Result<Vec<(Name, F)>, Uncovered> {
    let mut planned = Vec::new();
    for (key, fields) in collect(&children(fields), request)? {
        plain(&fields)?;
        let field = plan_field(fields[0].name.node.as_str(), &fields)?;
        planned.push((key.clone(), field));
    }
    Ok(planned)
}

/// Fields without arguments, as leaves, parents and the connection's own fields are.
fn plain(fields: &[&Field]) -> Result<(), Uncovered> {
    if fields.iter().all(|f| f.arguments.is_empty()) {
        Ok(())
    } else {
        Err("arguments on a field that takes none here")
    }
}

/// The GraphQL name of a field (`startDate`) as its Rust name (`start_date`).
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

/// The plan of a node of `target` selected by `sets`; its row's values go to `layout`.
pub fn node(
    request: &Request,
    target: Target,
    sets: &[&SelectionSet],
    layout: &mut Layout,
) -> Result<NodePlan, Uncovered> {
    let mut plan = NodePlan {
        type_name: target.type_name,
        fields: Vec::new(),
    };
    for (key, fields) in collect(sets, request)? {
        let name = fields[0].name.node.as_str();
        let wanted = snake_case(name);
        let field = if name == "__typename" {
            NodeField::Typename(target.type_name)
        } else if let Some((column, leaf)) =
            target.columns.iter().find(|(column, _)| *column == wanted)
        {
            plain(&fields)?;
            NodeField::Column(layout.column(column), *leaf)
        } else if let Some(date) = target.dates.iter().find(|d| d.field == wanted) {
            plain(&fields)?;
            let at = [
                date.stated,
                date.precision,
                date.earliest,
                date.latest,
                date.narrowed_by,
                date.narrowing_note,
            ]
            .map(|column| layout.column(column));
            let asked = plain_fields(request, &fields, |name, _| {
                Ok(match name {
                    "stated" => DateField::Stated,
                    "precision" => DateField::Precision,
                    "earliest" => DateField::Earliest,
                    "latest" => DateField::Latest,
                    "narrowedBy" => DateField::NarrowedBy,
                    "narrowingNote" => DateField::NarrowingNote,
                    "__typename" => DateField::Typename,
                    _ => return Err("an unknown date field"),
                })
            })?;
            NodeField::Date(DatePlan { at, fields: asked })
        } else if let Some(relation) = (target.relation)(&wanted) {
            let nested = match relation.connection {
                Some(type_name) => {
                    let field = fields[0];
                    let known = ["filter", "orderBy", "first", "after", "last", "before"];
                    if field
                        .arguments
                        .iter()
                        .any(|(n, _)| !known.contains(&n.node.as_str()))
                    {
                        return Err("a list argument of its own");
                    }
                    let query = (relation.target.list_query)(
                        request.argument(field, "filter")?,
                        request.argument(field, "orderBy")?,
                    )
                    .ok_or("arguments the resolvers refuse")?;
                    let args = PageArgs::new(
                        request.0,
                        request.parsed(field, "after")?,
                        request.parsed(field, "before")?,
                        request.parsed(field, "first")?,
                        request.parsed(field, "last")?,
                    )
                    .map_err(|_| "arguments the resolvers refuse")?;
                    let plan = connection(
                        request,
                        relation.target,
                        &children(&fields),
                        &args,
                        type_name().into_owned(),
                    )?;
                    Nested::List {
                        path: relation.path,
                        target: relation.target,
                        query,
                        args,
                        plan,
                    }
                }
                None => {
                    plain(&fields)?;
                    let mut parent = Layout::default();
                    let node = node(request, relation.target, &children(&fields), &mut parent)?;
                    Nested::Parent {
                        path: relation.path,
                        target: relation.target,
                        layout: parent,
                        node,
                    }
                }
            };
            layout.nested.push(nested);
            NodeField::Nested(layout.nested.len() - 1)
        } else {
            return Err("a field that is not a column, a list or a parent");
        };
        plan.fields.push((key.clone(), field));
    }
    if layout.columns.len() + layout.nested.len() > MAX_ROW_WIDTH {
        return Err("more values in a row than one JSON array takes");
    }
    Ok(plan)
}

/// The plan of a list of `target` selected by `sets`, paged by `args`, answered as the
/// connection type `connection_type`.
pub fn connection(
    request: &Request,
    target: Target,
    sets: &[&SelectionSet],
    args: &PageArgs,
    connection_type: String,
) -> Result<ConnectionPlan, Uncovered> {
    if args.fixed_window().is_none() {
        return Err("`last` or `before`");
    }
    let edge_type = format!("{}Edge", connection_type.trim_end_matches("Connection"));
    let model = (target.aggregate)();
    let mut plan = ConnectionPlan {
        fields: Vec::new(),
        layout: Layout::default(),
        counts: false,
        rows: false,
        totals: false,
        measures: model.measures,
        measure_leaves: model.measure_leaves,
        groups: Vec::new(),
    };
    for (key, fields) in collect(sets, request)? {
        plain(&fields)?;
        let field = match fields[0].name.node.as_str() {
            "aggregate" => ConnectionField::Aggregate(aggregate(
                request,
                &model,
                &children(&fields),
                &mut plan,
            )?),
            "totalCount" => {
                plan.counts = true;
                ConnectionField::TotalCount
            }
            "nodes" => {
                plan.rows = true;
                ConnectionField::Nodes(node(request, target, &children(&fields), &mut plan.layout)?)
            }
            "edges" => {
                plan.rows = true;
                let layout = &mut plan.layout;
                let edge = plain_fields(request, &fields, |name, fields| {
                    Ok(match name {
                        "cursor" => EdgeField::Cursor,
                        "node" => {
                            EdgeField::Node(node(request, target, &children(fields), layout)?)
                        }
                        "__typename" => EdgeField::Typename(edge_type.clone()),
                        _ => return Err("an edge field of its own"),
                    })
                })?;
                ConnectionField::Edges(edge)
            }
            "pageInfo" => {
                plan.counts = true;
                let info = plain_fields(request, &fields, |name, _| {
                    Ok(match name {
                        "hasNextPage" => PageInfoField::HasNextPage,
                        "hasPreviousPage" => PageInfoField::HasPreviousPage,
                        "startCursor" => PageInfoField::StartCursor,
                        "endCursor" => PageInfoField::EndCursor,
                        "__typename" => PageInfoField::Typename,
                        _ => return Err("an unknown pageInfo field"),
                    })
                })?;
                ConnectionField::PageInfo(info)
            }
            "__typename" => ConnectionField::Typename(connection_type.clone()),
            _ => return Err("a connection field of its own"),
        };
        plan.fields.push((key.clone(), field));
    }
    Ok(plan)
}

/// The plan of a list's `aggregate` selected by `sets`; its groups go to `plan.groups`.
fn aggregate(
    request: &Request,
    model: &AggregateModel,
    sets: &[&SelectionSet],
    plan: &mut ConnectionPlan,
) -> Result<Vec<(Name, AggregateField)>, Uncovered> {
    let measure = |name: &str| {
        let wanted = snake_case(name);
        model
            .measures
            .iter()
            .position(|(field, _)| *field == wanted)
    };
    let mut asked = Vec::new();
    for (key, fields) in collect(sets, request)? {
        let name = fields[0].name.node.as_str();
        let field = match name {
            "count" => {
                plain(&fields)?;
                plan.totals = true;
                AggregateField::Count
            }
            "__typename" => AggregateField::Typename(model.aggregate_type),
            "groupBy" => {
                let Some(Value::List(values)) = request.argument(fields[0], "keys")? else {
                    return Err("arguments the resolvers refuse");
                };
                if values.is_empty() || values.len() > MAX_GROUP_KEYS {
                    return Err("arguments the resolvers refuse");
                }
                let keys = values
                    .iter()
                    .map(model.key)
                    .collect::<Option<Vec<_>>>()
                    .ok_or("arguments the resolvers refuse")?;
                let grouped_by: Vec<_> = keys
                    .iter()
                    .map(|(_, field, leaf)| (*field, *leaf))
                    .collect();
                let group_fields = plain_fields(request, &fields, |name, _| {
                    let wanted = snake_case(name);
                    Ok(if name == "count" {
                        GroupField::Count
                    } else if name == "__typename" {
                        GroupField::Typename(model.group_type)
                    } else if let Some(at) = measure(name) {
                        GroupField::Measure(at)
                    } else {
                        // A key field: its value where grouped by it, else null.
                        let leaf = (model.key_field)(&wanted).ok_or("an unknown group field")?;
                        let at = grouped_by.iter().position(|(field, _)| *field == wanted);
                        GroupField::Key(at, leaf)
                    })
                })?;
                let group = GroupPlan {
                    keys: grouped_by,
                    fields: group_fields,
                };
                plan.groups
                    .push(keys.into_iter().map(|(sql, _, _)| sql).collect());
                AggregateField::GroupBy(plan.groups.len() - 1, group)
            }
            _ => {
                plain(&fields)?;
                plan.totals = true;
                AggregateField::Measure(measure(name).ok_or("an unknown aggregate field")?)
            }
        };
        asked.push((key.clone(), field));
    }
    Ok(asked)
}
