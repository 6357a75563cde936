//! A plan as one SQL statement that returns the page as JSON text, in PostgreSQL's or
//! SQLite's words, and that JSON as the field's value.
//!
//! The statement returns `[total, [[column, ...], ...]]`: the list's length (when asked
//! for) and the page's rows, each the plan's columns in order. Keys, global ids, cursors,
//! enums and flags are then written by the plan, so the text stays small and the database
//! needs no knowledge of GraphQL names.

use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Value};
use sea_orm::sea_query::{Alias, Expr, Func, Query, SelectStatement, SubQueryStatement};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QuerySelect, QueryTrait,
    Select,
};

use super::Leaf;
use super::collect::{
    ConnectionField, ConnectionPlan, EdgeField, NodeField, NodePlan, PageInfoField,
};
use crate::graphql::error::{ApiError, ApiResult, OrGraphql};
use crate::graphql::list::{ListQuery, PageArgs, encode_cursor};
use crate::graphql::node::global_id;

/// The two dialects' words for building JSON.
struct Dialect {
    array: &'static str,
    aggregate: &'static str,
    postgres: bool,
}

impl Dialect {
    fn of(backend: DatabaseBackend) -> Self {
        match backend {
            DatabaseBackend::Postgres => Self {
                array: "json_build_array",
                aggregate: "json_agg",
                postgres: true,
            },
            _ => Self {
                array: "json_array",
                aggregate: "json_group_array",
                postgres: false,
            },
        }
    }

    /// A subquery's JSON result as JSON again: SQLite passes a subquery's JSON on as text.
    fn nested(&self, query: SelectStatement) -> Expr {
        let sub = Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(query)));
        if self.postgres {
            Expr::cust_with_exprs("coalesce($1, '[]'::json)", [sub])
        } else {
            Func::cust("json").arg(sub).into()
        }
    }
}

/// Runs the plan's statement over the rows of `select` filtered and sorted by `query`, and
/// builds the field's value.
pub async fn answer<E: EntityTrait>(
    conn: &DatabaseConnection,
    select: &Select<E>,
    query: &ListQuery,
    args: &PageArgs,
    plan: &ConnectionPlan,
) -> ApiResult<Value> {
    let backend = conn.get_database_backend();
    let dialect = Dialect::of(backend);
    let filtered = query.apply(select.clone()).or_gql()?;
    let (start, end) = args.fixed_window().unwrap_or_default();
    let mut parts: Vec<Expr> = Vec::new();
    if plan.counts {
        let count = Query::select()
            .expr(Expr::cust("count(*)"))
            .from_subquery(filtered.clone().into_query(), Alias::new("c"))
            .to_owned();
        parts.push(Expr::SubQuery(
            None,
            Box::new(SubQueryStatement::SelectStatement(count)),
        ));
    } else {
        parts.push(Expr::val(0));
    }
    if plan.rows {
        let page = filtered
            .offset(start as u64)
            .limit((end - start) as u64)
            .into_query();
        let row = Func::cust(dialect.array).args(
            plan.columns
                .iter()
                .map(|column| Expr::col((Alias::new("p"), Alias::new(*column)))),
        );
        let rows = Query::select()
            .expr(Func::cust(dialect.aggregate).arg(row))
            .from_subquery(page, Alias::new("p"))
            .to_owned();
        parts.push(dialect.nested(rows));
    }
    let mut outer = Query::select();
    let whole = Func::cust(dialect.array).args(parts);
    if dialect.postgres {
        outer.expr_as(
            Expr::cust_with_exprs("CAST($1 AS text)", [whole.into()]),
            Alias::new("answer"),
        );
    } else {
        outer.expr_as(whole, Alias::new("answer"));
    }
    let statement = backend.build(&outer);
    let row = conn
        .query_one_raw(statement)
        .await
        .or_gql()?
        .ok_or(ApiError::Unavailable)
        .or_gql()?;
    let text: String = row.try_get("", "answer").or_gql()?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| {
            tracing::error!("the planned statement's JSON does not parse: {e}");
            ApiError::Unavailable
        })
        .or_gql()?;
    Ok(connection_value(plan, args, &json))
}

/// The connection's value from the statement's JSON, as the resolvers would give it.
fn connection_value(plan: &ConnectionPlan, args: &PageArgs, json: &serde_json::Value) -> Value {
    let total = json.get(0).and_then(serde_json::Value::as_u64).unwrap_or(0) as usize;
    let empty = Vec::new();
    let rows = json
        .get(1)
        .and_then(serde_json::Value::as_array)
        .unwrap_or(&empty);
    // The positions as the resolvers count them: with the list's length when it is asked
    // for, from the rows alone when it is not.
    let (start, end, total) = if plan.counts {
        let (start, end) = args.window(total);
        (start, end, total)
    } else if plan.rows {
        let start = args.fixed_window().map_or(0, |(start, _)| start);
        (start, start + rows.len(), start + rows.len())
    } else {
        (0, 0, 0)
    };
    let cursor = |i: usize| Value::String(encode_cursor(start + i));
    let mut object = IndexMap::new();
    for (key, field) in &plan.fields {
        let value = match field {
            ConnectionField::TotalCount => Value::from(total as u64),
            ConnectionField::Typename(name) => Value::String(name.clone()),
            ConnectionField::Nodes(node) => Value::List(
                rows.iter()
                    .map(|row| node_value(node, &plan.columns, row))
                    .collect(),
            ),
            ConnectionField::Edges(edge) => Value::List(
                rows.iter()
                    .enumerate()
                    .map(|(i, row)| {
                        let mut object = IndexMap::new();
                        for (key, field) in edge {
                            let value = match field {
                                EdgeField::Cursor => cursor(i),
                                EdgeField::Node(node) => node_value(node, &plan.columns, row),
                                EdgeField::Typename(name) => Value::String(name.clone()),
                            };
                            object.insert(key.clone(), value);
                        }
                        Value::Object(object)
                    })
                    .collect(),
            ),
            ConnectionField::PageInfo(info) => {
                let mut object = IndexMap::new();
                for (key, field) in info {
                    let value = match field {
                        PageInfoField::HasNextPage => Value::Boolean(end < total),
                        PageInfoField::HasPreviousPage => Value::Boolean(start > 0),
                        PageInfoField::StartCursor if !rows.is_empty() => cursor(0),
                        PageInfoField::EndCursor if !rows.is_empty() => cursor(rows.len() - 1),
                        PageInfoField::StartCursor | PageInfoField::EndCursor => Value::Null,
                        PageInfoField::Typename => Value::String("PageInfo".into()),
                    };
                    object.insert(key.clone(), value);
                }
                Value::Object(object)
            }
        };
        object.insert(key.clone(), value);
    }
    Value::Object(object)
}

/// A node's value from its row (the plan's columns, in order).
fn node_value(node: &NodePlan, columns: &[&'static str], row: &serde_json::Value) -> Value {
    let mut object: IndexMap<Name, Value> = IndexMap::with_capacity(node.fields.len());
    for (key, field) in &node.fields {
        let value = match field {
            NodeField::Typename(name) => Value::String((*name).to_owned()),
            NodeField::Column(column, leaf) => {
                let at = columns.iter().position(|c| c == column).unwrap_or(0);
                let cell = row.get(at).unwrap_or(&serde_json::Value::Null);
                leaf_value(leaf.0, cell, node.type_name)
            }
        };
        object.insert(key.clone(), value);
    }
    Value::Object(object)
}

/// A column's JSON as its field's value.
fn leaf_value(leaf: Leaf, cell: &serde_json::Value, type_name: &'static str) -> Value {
    use serde_json::Value as Json;
    match (leaf, cell) {
        (_, Json::Null) => Value::Null,
        (Leaf::Text, Json::String(text)) => Value::String(text.clone()),
        (Leaf::Int, Json::Number(n)) => Value::Number(n.clone()),
        (Leaf::Bool, Json::Bool(flag)) => Value::Boolean(*flag),
        (Leaf::Bool, Json::Number(n)) => Value::Boolean(n.as_i64().is_some_and(|n| n != 0)),
        (Leaf::Id, Json::Number(n)) => n
            .as_i64()
            .and_then(|id| i32::try_from(id).ok())
            .map_or(Value::Null, |id| Value::String(global_id(type_name, id).0)),
        (Leaf::Enum(read), Json::String(text)) => read(text).unwrap_or(Value::Null),
        _ => Value::Null,
    }
}
