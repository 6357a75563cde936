//! A plan as one SQL statement that returns the answer as JSON text, in PostgreSQL's or
//! SQLite's words, and that JSON as the field's value.
//!
//! A list is `[total, [row, ...]]`: its length (when asked for) and its page's rows, each an
//! array of the layout's columns followed by its nested lists (the same shape, one level
//! down) and parents (a row, or null). Keys, global ids, cursors, enums and flags are then
//! written by the plan, so the text stays small and the database needs no GraphQL names.
//! Every level's subqueries take aliases numbered by their depth, so a nested query only
//! ever refers to its parent row's alias, which nothing below it reuses.

use async_graphql::{Name, Value};
use entity::row_count;
use sea_orm::sea_query::{
    Alias, Expr, Func, PostgresQueryBuilder, Query, QueryBuilder, SelectStatement, SqlWriter,
    SqlWriterValues, SqliteQueryBuilder, SubQueryStatement, Value as SqlValue, Values,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde_json::Value as Json;
use std::fmt::Write;

use super::collect::{
    AggregateField, ConnectionField, ConnectionPlan, DateField, DatePlan, EdgeField, GroupField,
    GroupPlan, Layout, Nested, NodeField, NodePlan, PageInfoField,
};
use crate::graphql::error::{ApiError, ApiResult, OrGraphql};
use crate::graphql::list::grouped;
use crate::graphql::list::{ListQuery, PageArgs, encode_cursor};
use crate::graphql::model::{Leaf, PlanLeaf};
use crate::graphql::node::global_id;

/// The two dialects' words for building JSON.
#[derive(Clone, Copy)]
struct Dialect {
    backend: DatabaseBackend,
    array: &'static str,
    aggregate: &'static str,
    postgres: bool,
}

impl Dialect {
    fn of(backend: DatabaseBackend) -> Self {
        match backend {
            DatabaseBackend::Postgres => Self {
                backend,
                array: "json_build_array",
                aggregate: "json_agg",
                postgres: true,
            },
            _ => Self {
                backend,
                array: "json_array",
                aggregate: "json_group_array",
                postgres: false,
            },
        }
    }

    /// A scalar subquery's value.
    fn scalar(query: SelectStatement) -> Expr {
        Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(query)))
    }

    /// A subquery's JSON as JSON again (SQLite passes a subquery's JSON on as text); a list
    /// of no rows is `[]`.
    fn json(&self, query: SelectStatement, list: bool) -> Expr {
        let value = Self::scalar(query);
        match (self.postgres, list) {
            (true, true) => self.empty_if_null(value),
            (true, false) => value,
            (false, _) => Func::cust("json").arg(value).into(),
        }
    }

    /// A list's JSON, `[]` where PostgreSQL's aggregate of no rows gives null (SQLite's
    /// gives `[]` already).
    fn empty_if_null(&self, list: Expr) -> Expr {
        if self.postgres {
            Expr::cust_with_exprs("coalesce($1, '[]'::json)", [list])
        } else {
            list
        }
    }
}

/// How a list's length is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    /// Counted over the rows, apart from the page.
    Counted,
    /// Counted in the page's own pass over the rows (`count(*) OVER ()`): a filter's
    /// subqueries then run once for both, where a separate count would run them again.
    WithPage,
    /// Read from the count the database keeps of this whole table (`row_counts`), counted
    /// as a last resort where it keeps none.
    Kept(&'static str),
}

impl Length {
    /// The way for a list over `query`'s rows that is the whole of `table` when `whole`.
    pub fn of(query: &ListQuery, whole: Option<&'static str>) -> Self {
        match whole {
            _ if query.is_filtered() => Self::WithPage,
            Some(table) => Self::Kept(table),
            None => Self::Counted,
        }
    }
}

/// A root field's statement and how its JSON becomes the field's value: all a request needs
/// to answer the field, and all that the next request asking the same can reuse.
pub struct Prepared {
    statement: Statement,
    shape: Shape,
}

/// What a statement's JSON holds.
enum Shape {
    /// A list, paged by its arguments.
    List {
        plan: ConnectionPlan,
        args: PageArgs,
    },
    /// One row, or null.
    One { layout: Layout, node: NodePlan },
}

/// The statement of a root list over `rows` (filtered and sorted), paged by `args`.
pub fn prepare_list(
    backend: DatabaseBackend,
    rows: SelectStatement,
    length: Length,
    args: PageArgs,
    plan: ConnectionPlan,
) -> ApiResult<Prepared> {
    let dialect = Dialect::of(backend);
    let whole = list(dialect, &plan, rows, length, &args, 0)?;
    Ok(Prepared {
        statement: statement(dialect, whole),
        shape: Shape::List { plan, args },
    })
}

/// The statement of a root field giving the one row of `row` (or null).
pub fn prepare_one(
    backend: DatabaseBackend,
    row: SelectStatement,
    layout: Layout,
    node: NodePlan,
) -> ApiResult<Prepared> {
    let dialect = Dialect::of(backend);
    let alias = Alias::new("t0");
    let json = self::row(dialect, &layout, &alias, 0)?;
    let whole = dialect.json(
        Query::select()
            .expr(json)
            .from_subquery(row, alias)
            .to_owned(),
        false,
    );
    Ok(Prepared {
        statement: statement(dialect, whole),
        shape: Shape::One { layout, node },
    })
}

/// `whole`, a JSON value, as a statement's one column (text on PostgreSQL, so the driver
/// hands it over as it is).
fn statement(dialect: Dialect, whole: Expr) -> Statement {
    let mut outer = Query::select();
    if dialect.postgres {
        outer.expr_as(
            Expr::cust_with_exprs("CAST($1 AS text)", [whole]),
            Alias::new("answer"),
        );
    } else {
        outer.expr_as(whole, Alias::new("answer"));
    }
    build(&outer, dialect.backend)
}

/// The statement's text and values in `backend`'s words, with the pages' bounds written
/// into the text.
fn build(query: &SelectStatement, backend: DatabaseBackend) -> Statement {
    fn with(query: &SelectStatement, builder: impl QueryBuilder) -> (String, Values) {
        let (placeholder, numbered) = builder.placeholder();
        let mut writer = PageBounds(SqlWriterValues::new(placeholder, numbered));
        query.build_collect_any_into(&builder, &mut writer);
        writer.0.into_parts()
    }
    let (sql, values) = match backend {
        DatabaseBackend::Postgres => with(query, PostgresQueryBuilder),
        _ => with(query, SqliteQueryBuilder),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Writes `LIMIT` and `OFFSET` as numbers rather than parameters, every other value as a
/// parameter. PostgreSQL plans a statement whose page bounds are parameters as if it
/// returned a tenth of its rows, so that generic plan loses to one planned for the values
/// given, and it plans again on every run: at 50 rows three levels deep, planning took as
/// long as running (bench/README.md, "Page bounds"). The bounds are integers the statement
/// computed, so writing them out lets nothing in; a page at another offset is another text
/// and gets a prepared statement of its own.
struct PageBounds(SqlWriterValues);

impl std::fmt::Write for PageBounds {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write_str(s)
    }
}

impl std::fmt::Display for PageBounds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl SqlWriter for PageBounds {
    fn push_param<T: QueryBuilder>(&mut self, value: SqlValue, query_builder: &T) {
        // Only page bounds are unsigned 64-bit values (`limit`/`offset` take a `u64`).
        match value {
            SqlValue::BigUnsigned(Some(bound)) => {
                let _ = write!(self.0, "{bound}");
            }
            value => self.0.push_param(value, query_builder),
        }
    }

    fn as_writer(&mut self) -> &mut dyn std::fmt::Write {
        self as _
    }
}

/// Runs a prepared statement and builds the field's value from its JSON.
pub async fn run(conn: &DatabaseConnection, prepared: &Prepared) -> ApiResult<Value> {
    let row = conn
        .query_one_raw(prepared.statement.clone())
        .await
        .or_gql()?
        .ok_or(ApiError::Unavailable)
        .or_gql()?;
    let text: Option<String> = row.try_get("", "answer").or_gql()?;
    let json = match text {
        None => Json::Null,
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| {
                tracing::error!("the planned statement's JSON does not parse: {e}");
                ApiError::Unavailable
            })
            .or_gql()?,
    };
    Ok(match &prepared.shape {
        Shape::List { plan, args } => connection_value(plan, args, &json),
        Shape::One { layout, node } => node_value(node, layout, &json),
    })
}

/// A list as JSON: `[total, rows]` of `rows` paged by `args`, at nesting `depth`.
fn list(
    dialect: Dialect,
    plan: &ConnectionPlan,
    rows: SelectStatement,
    length: Length,
    args: &PageArgs,
    depth: usize,
) -> ApiResult<Expr> {
    // The whole list, for its length and aggregates: unsorted, or PostgreSQL would sort
    // every row before counting them.
    let whole = |rows: &SelectStatement| {
        let mut rows = rows.clone();
        rows.clear_order_by();
        rows
    };
    let counted = || {
        Dialect::scalar(
            Query::select()
                .expr(Expr::cust("count(*)"))
                .from_subquery(whole(&rows), Alias::new(format!("c{depth}")))
                .to_owned(),
        )
    };
    // Counted with the page only where there is a page to count with.
    let with_page = plan.counts && plan.rows && length == Length::WithPage;
    // A page past the end has no row to carry the length: it is then counted apart.
    let apart = with_page.then(counted);
    let mut parts: Vec<Expr> = Vec::with_capacity(2);
    match length {
        _ if !plan.counts => parts.push(Expr::val(0)),
        // Set below, from the page.
        Length::WithPage if with_page => {}
        Length::Kept(table) => {
            let kept = Query::select()
                .column(row_count::Column::RowCount)
                .from(row_count::Entity)
                .and_where(row_count::Column::TableName.eq(table))
                .to_owned();
            parts.push(Func::coalesce([Dialect::scalar(kept), counted()]).into());
        }
        Length::WithPage | Length::Counted => parts.push(counted()),
    }
    // Aggregates follow the rows' place, which holds 0 when no rows are asked for.
    if (plan.totals || !plan.groups.is_empty()) && !plan.rows {
        parts.push(Expr::val(0));
    }
    let mut aggregates: Vec<Expr> = Vec::new();
    if plan.totals {
        let totals = grouped(whole(&rows), &[], plan.measures, dialect.backend, false);
        let columns = std::iter::once("count".to_owned())
            .chain((0..plan.measures.len()).map(|n| format!("m{n}")))
            .map(|c| Expr::col((Alias::new(format!("g{depth}")), Alias::new(c))));
        let totals = Query::select()
            .expr(Func::cust(dialect.array).args(columns))
            .from_subquery(totals, Alias::new(format!("g{depth}")))
            .to_owned();
        aggregates.push(dialect.json(totals, false));
    } else if !plan.groups.is_empty() {
        aggregates.push(Expr::val(0));
    }
    for keys in &plan.groups {
        let groups = grouped(whole(&rows), keys, plan.measures, dialect.backend, false);
        let columns = (0..keys.len())
            .map(|n| format!("k{n}"))
            .chain(std::iter::once("count".to_owned()))
            .chain((0..plan.measures.len()).map(|n| format!("m{n}")))
            .map(|c| Expr::col((Alias::new(format!("g{depth}")), Alias::new(c))));
        let groups = Query::select()
            .expr(Func::cust(dialect.aggregate).arg(Func::cust(dialect.array).args(columns)))
            .from_subquery(groups, Alias::new(format!("g{depth}")))
            .to_owned();
        aggregates.push(dialect.json(groups, true));
    }
    if plan.rows {
        let (start, end) = args.fixed_window().unwrap_or_default();
        let mut page = rows;
        page.offset(start as u64).limit((end - start) as u64);
        let alias = Alias::new(format!("p{depth}"));
        let row = row(dialect, &plan.layout, &alias, depth)?;
        if let Some(apart) = apart {
            // One pass: the page's rows each carry the list's length, and the list is the
            // aggregate of the page (`coalesce` leaves the count apart unrun otherwise).
            page.expr_as(Expr::cust("count(*) OVER ()"), Alias::new(LENGTH));
            let length: Expr = Func::coalesce([
                Func::max(Expr::col((alias.clone(), Alias::new(LENGTH)))).into(),
                apart,
            ])
            .into();
            let rows = dialect.empty_if_null(Func::cust(dialect.aggregate).arg(row).into());
            let list = Query::select()
                .expr(
                    Func::cust(dialect.array)
                        .args(std::iter::once(length).chain([rows]).chain(aggregates)),
                )
                .from_subquery(page, alias)
                .to_owned();
            return Ok(dialect.json(list, false));
        }
        let rows = Query::select()
            .expr(Func::cust(dialect.aggregate).arg(row))
            .from_subquery(page, alias)
            .to_owned();
        parts.push(dialect.json(rows, true));
    }
    parts.extend(aggregates);
    Ok(Func::cust(dialect.array).args(parts).into())
}

/// The column that carries the list's length on each row of its page.
const LENGTH: &str = "list_length";

/// One row as JSON: the layout's columns of the row `alias`, then its nested values.
fn row(dialect: Dialect, layout: &Layout, alias: &Alias, depth: usize) -> ApiResult<Expr> {
    let mut values: Vec<Expr> = layout
        .columns
        .iter()
        .map(|column| Expr::col((alias.clone(), Alias::new(*column))))
        .collect();
    for nested in &layout.nested {
        values.push(match nested {
            Nested::List {
                path,
                target,
                query,
                args,
                plan,
            } => {
                let rows = (target.rows)(path, alias, query)?;
                list(
                    dialect,
                    plan,
                    rows,
                    Length::of(query, None),
                    args,
                    depth + 1,
                )?
            }
            Nested::Parent {
                path,
                target,
                layout,
                ..
            } => {
                let mut rows = (target.rows)(path, alias, &ListQuery::all())?;
                rows.limit(1);
                let at = Alias::new(format!("t{}", depth + 1));
                let row = row(dialect, layout, &at, depth + 1)?;
                let parent = Query::select().expr(row).from_subquery(rows, at).to_owned();
                dialect.json(parent, false)
            }
        });
    }
    Ok(Func::cust(dialect.array).args(values).into())
}

/// The object of `fields`' response keys, each with its field's value.
fn object<F>(fields: &[(Name, F)], value: impl Fn(&F) -> Value) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|(key, field)| (key.clone(), value(field)))
            .collect(),
    )
}

/// A list's value from its JSON, as the resolvers would give it.
fn connection_value(plan: &ConnectionPlan, args: &PageArgs, json: &Json) -> Value {
    // Indexing past the end (or into a non-array) gives null.
    let total = json[0].as_u64().unwrap_or(0) as usize;
    let rows = json[1].as_array().map_or(&[][..], Vec::as_slice);
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
    object(&plan.fields, |field| match field {
        ConnectionField::TotalCount => Value::from(total as u64),
        ConnectionField::Typename(name) => Value::from(name),
        ConnectionField::Nodes(node) => rows
            .iter()
            .map(|row| node_value(node, &plan.layout, row))
            .collect(),
        ConnectionField::Edges(edge) => rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                object(edge, |field| match field {
                    EdgeField::Cursor => cursor(i),
                    EdgeField::Node(node) => node_value(node, &plan.layout, row),
                    EdgeField::Typename(name) => Value::from(name),
                })
            })
            .collect(),
        ConnectionField::Aggregate(asked) => aggregate_value(plan, asked, json),
        ConnectionField::PageInfo(info) => object(info, |field| match field {
            PageInfoField::HasNextPage => Value::Boolean(end < total),
            PageInfoField::HasPreviousPage => Value::Boolean(start > 0),
            PageInfoField::StartCursor if !rows.is_empty() => cursor(0),
            PageInfoField::EndCursor if !rows.is_empty() => cursor(rows.len() - 1),
            PageInfoField::StartCursor | PageInfoField::EndCursor => Value::Null,
            PageInfoField::Typename => Value::from("PageInfo"),
        }),
    })
}

/// A list's aggregate from its JSON: `[total, rows, totals, groups...]`.
fn aggregate_value(plan: &ConnectionPlan, asked: &[(Name, AggregateField)], json: &Json) -> Value {
    object(asked, |field| match field {
        AggregateField::Count => count(&json[2][0]),
        AggregateField::Measure(n) => leaf_value(plan.measure_leaves[*n], &json[2][1 + n], ""),
        AggregateField::Typename(name) => Value::from(*name),
        AggregateField::GroupBy(slot, group) => json[3 + slot]
            .as_array()
            .into_iter()
            .flatten()
            .map(|row| group_value(plan, group, row))
            .collect(),
    })
}

/// A count as the resolvers give it (0 where there is none).
fn count(cell: &Json) -> Value {
    Value::from(cell.as_i64().unwrap_or(0))
}

/// One group from its row: `[key, ..., count, measure, ...]`.
fn group_value(plan: &ConnectionPlan, group: &GroupPlan, row: &Json) -> Value {
    let keys = group.keys.len();
    object(&group.fields, |field| match field {
        GroupField::Key(Some(at), leaf) => leaf_value(*leaf, &row[*at], ""),
        GroupField::Key(None, _) => Value::Null,
        GroupField::Count => count(&row[keys]),
        GroupField::Measure(n) => leaf_value(plan.measure_leaves[*n], &row[keys + 1 + n], ""),
        GroupField::Typename(name) => Value::from(*name),
    })
}

/// A node's value from its row; null for no row (a parent that is absent, or a root giving
/// one row that finds none).
fn node_value(node: &NodePlan, layout: &Layout, row: &Json) -> Value {
    if row.is_null() {
        return Value::Null;
    }
    object(&node.fields, |field| match field {
        NodeField::Typename(name) => Value::from(*name),
        NodeField::Column(at, leaf) => leaf_value(*leaf, &row[*at], node.type_name),
        NodeField::Date(date) => date_value(date, row),
        NodeField::Nested(at) => {
            let json = &row[layout.columns.len() + at];
            match &layout.nested[*at] {
                Nested::List { plan, args, .. } => connection_value(plan, args, json),
                Nested::Parent { layout, node, .. } => node_value(node, layout, json),
            }
        }
    })
}

/// An uncertain date's value from its columns, as `crate::dates::read_date` reads them: null
/// when it has neither a stated date nor a bound.
fn date_value(date: &DatePlan, row: &Json) -> Value {
    let text = |i: usize| row[date.at[i]].as_str();
    let (stated, earliest, latest) = (text(0), text(2), text(3));
    if stated.is_none() && earliest.is_none() && latest.is_none() {
        return Value::Null;
    }
    object(&date.fields, |field| match field {
        DateField::Stated => Value::from(stated),
        DateField::Earliest => Value::from(earliest),
        DateField::Latest => Value::from(latest),
        DateField::Precision => leaf_value(
            <entity::enums::Precision as PlanLeaf>::LEAF,
            &row[date.at[1]],
            "",
        ),
        DateField::NarrowedBy => Value::List(
            text(4)
                .map(|keys| keys.split(',').map(Value::from).collect())
                .unwrap_or_default(),
        ),
        DateField::NarrowingNote => Value::from(text(5)),
        DateField::Typename => Value::from("DateInterval"),
    })
}

/// A column's JSON as its field's value.
fn leaf_value(leaf: Leaf, cell: &Json, type_name: &'static str) -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::ExprTrait;

    #[test]
    fn page_bounds_are_written_out_and_other_values_stay_parameters() {
        let mut query = Query::select();
        query
            .column(Alias::new("name"))
            .from(Alias::new("states"))
            .and_where(Expr::col(Alias::new("region")).eq("europe"))
            .and_where(Expr::col(Alias::new("id")).gt(7))
            .limit(25)
            .offset(50);
        for (backend, first, second) in [
            (DatabaseBackend::Postgres, "$1", "$2"),
            (DatabaseBackend::Sqlite, "?", "?"),
        ] {
            let statement = build(&query, backend);
            assert_eq!(statement.db_backend, backend);
            assert!(
                statement.sql.ends_with(&format!(
                    "= {first} AND \"id\" > {second} LIMIT 25 OFFSET 50"
                )),
                "{}",
                statement.sql
            );
            let values = statement.values.map(|values| values.0).unwrap_or_default();
            assert_eq!(values, vec![SqlValue::from("europe"), SqlValue::from(7)]);
        }
    }
}
