//! Aggregates: counts, sums, earliest and latest values over the rows of any list, whole or
//! grouped by one or more keys, computed in SQL over exactly the rows the list holds.
//!
//! A list remembers its rows as a subquery ([`Scope`]); an aggregate wraps it in one
//! `SELECT ... GROUP BY` statement. A nested list's scope covers every parent of its group
//! and groups by parent as well, so aggregates under a list of 100 items still cost one
//! statement, not 100.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, JoinType, QueryTrait, Select};

use super::*;
use crate::graphql::dates::Date;
use crate::graphql::error::{ApiError, ApiResult, OrGraphql};
use entity::keys::{CITATIONS, Path};

/// The rows a list holds, as SQL, for its aggregates.
#[derive(Clone)]
pub struct Scope {
    /// The rows as a subquery. A nested list's covers every parent of its group and has a
    /// `parent` column.
    rows: SelectStatement,
    /// For a nested list: this parent's id and its group's shared results.
    parent: Option<(i32, Arc<Shared>)>,
}

/// The name the parent column takes in a nested list's rows.
const PARENT: &str = "agg_parent";

impl Scope {
    /// The rows of a root list.
    pub fn root<E: EntityTrait>(select: Select<E>) -> Self {
        let mut rows = select.into_query();
        rows.clear_order_by();
        Self { rows, parent: None }
    }

    /// The rows of `E` that `path` reaches from `parent`, for every row of its group, each
    /// with the id of the row it is reached from.
    pub fn nested<E: EntityTrait, M: Row>(
        parent: &Loaded<M>,
        path: Path,
        query: &ListQuery,
    ) -> ApiResult<Self> {
        let (id, ids, shared) = parent.group_scope();
        let col = |table: &str, column: &str| Expr::col((Alias::new(table), Alias::new(column)));
        let (via, target) = ("agg_link", col(E::default().table_name(), "id"));
        let mut rows = query.apply(E::find()).or_gql()?.into_query();
        rows.clear_order_by();
        let owner = match path {
            Path::Children { table, foreign_key } => col(table, foreign_key),
            Path::Link { link, from, to, .. } => {
                let on = col(via, to).eq(target);
                rows.join_as(JoinType::InnerJoin, Alias::new(link), Alias::new(via), on);
                col(via, from)
            }
            Path::Citations { kind } => {
                let (citations, source, kind_column, record) = CITATIONS.names();
                let on = col(via, source).eq(target);
                rows.join_as(
                    JoinType::InnerJoin,
                    Alias::new(citations),
                    Alias::new(via),
                    on,
                )
                .and_where(col(via, kind_column).eq(kind.as_str()));
                col(via, record)
            }
            // A list never follows a key to its one parent.
            Path::Parent { .. } => return Err(ApiError::Unavailable).or_gql(),
        };
        rows.and_where(owner.clone().is_in(ids))
            .expr_as(owner, Alias::new(PARENT));
        Ok(Self {
            rows,
            parent: id.map(|id| (id, shared)),
        })
    }
}

/// What a group key reads from a row.
#[derive(Clone, Copy, Debug)]
pub enum KeySql {
    /// A text column of the row.
    Text(&'static str),
    /// A true/false column of the row.
    Bool(&'static str),
    /// The year of a date column.
    Year(&'static str),
    /// The year of an uncertain date, when its earliest and latest days share it.
    CertainYear(&'static str, &'static str),
    /// A text column of a row related to the row: the one its key points to
    /// ([`Path::Parent`]), or each one it is linked to ([`Path::Link`]: a row with several
    /// is in several groups).
    Related(Path, &'static str),
}

impl KeySql {
    /// The key's SQL expression over the rows `t`, adding the joins it needs. Every name
    /// here is one of the schema's own; no client text reaches it.
    fn sql(self, n: usize, backend: DbBackend, select: &mut SelectStatement) -> String {
        let year = |col: &str| match backend {
            DbBackend::Postgres => format!("CAST(EXTRACT(YEAR FROM {col}) AS BIGINT)"),
            _ => format!("CAST(strftime('%Y', {col}) AS BIGINT)"),
        };
        match self {
            KeySql::Text(col) | KeySql::Bool(col) => format!("t.{col}"),
            KeySql::Year(col) => year(&format!("t.{col}")),
            KeySql::CertainYear(earliest, latest) => {
                let (e, l) = (year(&format!("t.{earliest}")), year(&format!("t.{latest}")));
                format!("CASE WHEN {e} = {l} THEN {e} END")
            }
            KeySql::Related(Path::Parent { table, foreign_key }, column) => {
                let p = format!("kp{n}");
                select.join_as(
                    sea_orm::JoinType::LeftJoin,
                    Alias::new(table),
                    Alias::new(&p),
                    Expr::cust(format!("{p}.id = t.{foreign_key}")),
                );
                format!("{p}.{column}")
            }
            KeySql::Related(
                Path::Link {
                    link,
                    from,
                    to,
                    table,
                },
                column,
            ) => {
                let (l, r) = (format!("kl{n}"), format!("kr{n}"));
                select
                    .join_as(
                        sea_orm::JoinType::LeftJoin,
                        Alias::new(link),
                        Alias::new(&l),
                        Expr::cust(format!("{l}.{from} = t.id")),
                    )
                    .join_as(
                        sea_orm::JoinType::LeftJoin,
                        Alias::new(table),
                        Alias::new(&r),
                        Expr::cust(format!("{r}.id = {l}.{to}")),
                    );
                format!("{r}.{column}")
            }
            // Group keys follow a key or a link; the model declares no others.
            KeySql::Related(_, column) => format!("t.{column}"),
        }
    }
}

/// A value a measure computes.
#[derive(Clone, Copy, Debug)]
pub enum Measure {
    /// The sum of a whole-number column, when every summed row has the same unit (say,
    /// currency): a sum across units means nothing, so it is null then.
    SumInUnit(&'static str, &'static str),
    /// The smallest value of a whole-number column.
    MinInt(&'static str),
    /// The largest value of a whole-number column.
    MaxInt(&'static str),
    /// The earliest value of a date column.
    MinDate(&'static str),
    /// The latest value of a date column.
    MaxDate(&'static str),
}

impl Measure {
    fn sql(self) -> String {
        match self {
            Measure::SumInUnit(col, unit) => format!(
                "CASE WHEN COUNT(DISTINCT CASE WHEN t.{col} IS NOT NULL THEN t.{unit} END) <= 1 \
                 THEN CAST(SUM(t.{col}) AS BIGINT) END"
            ),
            Measure::MinInt(col) | Measure::MinDate(col) => format!("MIN(t.{col})"),
            Measure::MaxInt(col) | Measure::MaxDate(col) => format!("MAX(t.{col})"),
        }
    }
}

/// A key's or a measure's value in one group.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text (also stored enums).
    Text(Option<String>),
    /// A whole number.
    Int(Option<i64>),
    /// True or false.
    Bool(Option<bool>),
    /// A date.
    Date(Option<NaiveDate>),
}

/// Reads a group's key or measure as its field's type.
pub trait FromCell: Sized {
    /// The value, when the cell holds one of this type.
    fn from_cell(value: &Cell) -> Option<Self>;
}

macro_rules! from_cell {
    ($($ty:ty => $variant:ident $(($wrap:path))?),*) => {$(
        impl FromCell for $ty {
            fn from_cell(value: &Cell) -> Option<Self> {
                match value {
                    Cell::$variant(v) => v.clone()$(.map($wrap))?,
                    _ => None,
                }
            }
        }
    )*};
}
from_cell!(String => Text, i64 => Int, bool => Bool, Date => Date(Date));

/// One group of an aggregate: its keys, its number of distinct rows, its measures.
#[derive(Clone, Debug, Default)]
pub struct GroupRow {
    /// The key values, in the order the keys were asked.
    pub keys: Vec<Cell>,
    /// Distinct rows in the group.
    pub count: i64,
    /// The measures, by the name of their field.
    pub measures: Vec<(&'static str, Cell)>,
}

impl GroupRow {
    /// The measure of the field `name`.
    pub fn measure<T: FromCell>(&self, name: &str) -> Option<T> {
        let (_, value) = self.measures.iter().find(|(n, _)| *n == name)?;
        T::from_cell(value)
    }
}

/// The statement of an aggregate over `rows` (named `t`): one row a group by `keys` (one row
/// when none), in key order, with its keys (`k0`, ...), its count of distinct rows (`count`)
/// and every measure (`m0`, ...); by parent as well for a nested list's rows (`parents`).
/// The resolvers and the planner both aggregate with it.
pub fn grouped(
    rows: SelectStatement,
    keys: &[KeySql],
    measures: &[(&'static str, Measure)],
    backend: DbBackend,
    parents: bool,
) -> SelectStatement {
    let mut select = Query::select();
    select.from_subquery(rows, Alias::new("t"));
    if parents {
        select.expr_as(Expr::cust(format!("t.{PARENT}")), Alias::new("parent"));
        select.add_group_by([Expr::cust(format!("t.{PARENT}"))]);
    }
    for (n, key) in keys.iter().enumerate() {
        let sql = key.sql(n, backend, &mut select);
        select.expr_as(Expr::cust(sql.clone()), Alias::new(format!("k{n}")));
        select.add_group_by([Expr::cust(sql.clone())]);
        select.order_by_expr_with_nulls(
            Expr::cust(sql),
            sea_orm::Order::Asc,
            sea_orm::sea_query::NullOrdering::Last,
        );
    }
    select.expr_as(Expr::cust("COUNT(DISTINCT t.id)"), Alias::new("count"));
    for (n, (_, measure)) in measures.iter().enumerate() {
        select.expr_as(Expr::cust(measure.sql()), Alias::new(format!("m{n}")));
    }
    select
}

/// Runs one aggregate over a scope: the groups by `keys` (one group when none), with the
/// count of distinct rows and every measure. Groups come in key order.
pub async fn aggregate(
    ctx: &Context<'_>,
    scope: &Scope,
    keys: &[KeySql],
    measures: &'static [(&'static str, Measure)],
) -> ApiResult<Vec<GroupRow>> {
    let db = ctx.data::<Db>()?;
    let backend = db.conn.get_database_backend();
    let run = |parents: bool| grouped(scope.rows.clone(), keys, measures, backend, parents);
    let read = |rows: Vec<sea_orm::QueryResult>,
                parents: bool|
     -> Result<Vec<(i32, GroupRow)>, sea_orm::DbErr> {
        rows.into_iter()
            .map(|row| {
                let parent = if parents {
                    row.try_get::<i32>("", "parent")?
                } else {
                    0
                };
                let keys = keys
                    .iter()
                    .enumerate()
                    .map(|(n, key)| {
                        let name = format!("k{n}");
                        Ok(match key {
                            KeySql::Bool(_) => Cell::Bool(row.try_get("", &name)?),
                            KeySql::Year(_) | KeySql::CertainYear(..) => {
                                Cell::Int(row.try_get("", &name)?)
                            }
                            KeySql::Text(_) | KeySql::Related(..) => {
                                Cell::Text(row.try_get("", &name)?)
                            }
                        })
                    })
                    .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
                let measures = measures
                    .iter()
                    .enumerate()
                    .map(|(n, (field, measure))| {
                        let name = format!("m{n}");
                        Ok((
                            *field,
                            match measure {
                                Measure::SumInUnit(..)
                                | Measure::MinInt(_)
                                | Measure::MaxInt(_) => Cell::Int(row.try_get("", &name)?),
                                Measure::MinDate(_) | Measure::MaxDate(_) => {
                                    Cell::Date(row.try_get("", &name)?)
                                }
                            },
                        ))
                    })
                    .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
                Ok((
                    parent,
                    GroupRow {
                        keys,
                        count: row.try_get::<i64>("", "count")?,
                        measures,
                    },
                ))
            })
            .collect()
    };
    match &scope.parent {
        None => {
            let rows = db.conn.query_all(&run(false)).await.or_gql()?;
            Ok(read(rows, false)
                .or_gql()?
                .into_iter()
                .map(|(_, g)| g)
                .collect())
        }
        Some((parent, shared)) => {
            // Computed once for every parent of the group, then shared.
            let name = format!(
                "aggregate:{}:{keys:?}",
                scope
                    .rows
                    .to_string(sea_orm::sea_query::PostgresQueryBuilder)
            );
            let all: Arc<HashMap<i32, Vec<GroupRow>>> = shared
                .get_or_load(name, async {
                    let rows = db.conn.query_all(&run(true)).await.or_gql()?;
                    let mut by_parent: HashMap<i32, Vec<GroupRow>> = HashMap::new();
                    for (p, group) in read(rows, true).or_gql()? {
                        by_parent.entry(p).or_default().push(group);
                    }
                    Ok(by_parent)
                })
                .await?;
            Ok(all.get(parent).cloned().unwrap_or_default())
        }
    }
}

/// A column's type that its list can be grouped by: the group key's type and how the key
/// reads the column.
pub trait GroupColumn {
    /// The group key's value.
    type Key;
    /// The key over the column `column` of the row.
    fn key_sql(column: &'static str) -> KeySql;
}

impl GroupColumn for &str {
    type Key = String;
    fn key_sql(column: &'static str) -> KeySql {
        KeySql::Text(column)
    }
}

impl GroupColumn for bool {
    type Key = bool;
    fn key_sql(column: &'static str) -> KeySql {
        KeySql::Bool(column)
    }
}

impl<T: GroupColumn> GroupColumn for Option<T> {
    type Key = T::Key;
    fn key_sql(column: &'static str) -> KeySql {
        T::key_sql(column)
    }
}

macro_rules! enum_keys {
    ($($enum:ty),*) => {
        $(impl FromCell for $enum {
            fn from_cell(value: &Cell) -> Option<Self> {
                match value {
                    Cell::Text(Some(v)) => <$enum as sea_orm::ActiveEnum>::try_from_value(v).ok(),
                    _ => None,
                }
            }
        }

        impl GroupColumn for $enum {
            type Key = $enum;
            fn key_sql(column: &'static str) -> KeySql {
                KeySql::Text(column)
            }
        })*
    };
}
use entity::enums::*;
enum_keys!(
    Region,
    ConferenceKind,
    ConferenceFormat,
    DocumentKind,
    CommitmentKind,
    OrganizationKind,
    FundingQualifier,
    ClaimTopic
);

/// The most keys one `groupBy` may combine.
pub const MAX_GROUP_KEYS: usize = 4;

/// Declares a node type's aggregate and group objects from its keys and measures (`for Node;`
/// first), and how its lists give them.
macro_rules! aggregate_types {
    (
        for $node:ident;
        $(#[$adoc:meta])* $agg:ident,
        $(#[$gdoc:meta])* $group:ident,
        $(#[$kdoc:meta])* $keyenum:ident {
            $( $(#[$vdoc:meta])* $variant:ident => $kfield:ident : $kty:ty = $ksql:expr ),+ $(,)?
        },
        measures {
            $( $(#[$mdoc:meta])* $mfield:ident : $mty:ident = $msql:expr ),* $(,)?
        }
    ) => {
        $(#[$kdoc])*
        #[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $keyenum {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $node {
            /// What the planner needs of the aggregate of a list of this type.
            pub fn aggregate_model() -> $crate::graphql::model::AggregateModel {
                $crate::graphql::model::AggregateModel {
                    aggregate_type: stringify!($agg),
                    group_type: stringify!($group),
                    measures: MEASURES,
                    measure_leaves: &[$(
                        <$crate::graphql::list::measure_type!($mty) as $crate::graphql::model::PlanLeaf>::LEAF
                    ),*],
                    key: |value| {
                        let key = <$keyenum as async_graphql::InputType>::parse(Some(value.clone())).ok()?;
                        Some(match key {
                            $( $keyenum::$variant => (
                                key.sql(),
                                stringify!($kfield),
                                <$kty as $crate::graphql::model::PlanLeaf>::LEAF,
                            ), )+
                        })
                    },
                    key_field: |name| match name {
                        $( stringify!($kfield) => Some(<$kty as $crate::graphql::model::PlanLeaf>::LEAF), )+
                        _ => None,
                    },
                }
            }
        }

        impl $keyenum {
            fn sql(self) -> $crate::graphql::list::KeySql {
                match self {
                    $( Self::$variant => $ksql ),+
                }
            }
        }

        const MEASURES: &[(&str, $crate::graphql::list::Measure)] = &[$((stringify!($mfield), $msql)),*];

        impl $crate::graphql::list::Aggregated for $node {
            type Aggregate = $agg;

            fn aggregate(scope: Option<$crate::graphql::list::Scope>, _total: usize) -> Option<$agg> {
                scope.map($agg::new)
            }
        }

        $(#[$adoc])*
        pub struct $agg {
            scope: $crate::graphql::list::Scope,
            totals: tokio::sync::OnceCell<$crate::graphql::list::GroupRow>,
        }

        impl $agg {
            /// The aggregate of the rows of `scope`.
            pub fn new(scope: $crate::graphql::list::Scope) -> Self {
                Self { scope, totals: tokio::sync::OnceCell::new() }
            }

            async fn totals(&self, ctx: &async_graphql::Context<'_>) -> $crate::graphql::error::ApiResult<&$crate::graphql::list::GroupRow> {
                self.totals
                    .get_or_try_init(|| async {
                        let groups = $crate::graphql::list::aggregate(ctx, &self.scope, &[], MEASURES).await?;
                        Ok(groups.into_iter().next().unwrap_or_default())
                    })
                    .await
            }
        }

        $(#[$adoc])*
        #[async_graphql::Object]
        impl $agg {
            /// The number of items in the list.
            async fn count(&self, ctx: &async_graphql::Context<'_>) -> $crate::graphql::error::ApiResult<i64> {
                Ok(self.totals(ctx).await?.count)
            }

            $(
                $(#[$mdoc])*
                async fn $mfield(&self, ctx: &async_graphql::Context<'_>) -> $crate::graphql::error::ApiResult<Option<$crate::graphql::list::measure_type!($mty)>> {
                    Ok(self.totals(ctx).await?.measure(stringify!($mfield)))
                }
            )*

            /// The items grouped by one or more keys, in key order; each group has its keys,
            /// its count and its measures.
            async fn group_by(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "The keys to group by, 1 to 4 of them.")] keys: Vec<$keyenum>,
            ) -> $crate::graphql::error::ApiResult<Vec<$group>> {
                use $crate::graphql::error::OrGraphql;
                if keys.is_empty() || keys.len() > $crate::graphql::list::MAX_GROUP_KEYS {
                    return Err($crate::graphql::error::ApiError::invalid(
                        "keys",
                        format!("give between 1 and {} keys", $crate::graphql::list::MAX_GROUP_KEYS),
                    ))
                    .or_gql();
                }
                let sql: Vec<_> = keys.iter().map(|k| k.sql()).collect();
                let groups = $crate::graphql::list::aggregate(ctx, &self.scope, &sql, MEASURES).await?;
                Ok(groups.into_iter().map(|row| $group { keys: keys.clone(), row }).collect())
            }
        }

        $(#[$gdoc])*
        pub struct $group {
            keys: Vec<$keyenum>,
            row: $crate::graphql::list::GroupRow,
        }

        impl $group {
            fn key<T: $crate::graphql::list::FromCell>(&self, key: $keyenum) -> Option<T> {
                let position = self.keys.iter().position(|k| *k == key)?;
                T::from_cell(self.row.keys.get(position)?)
            }
        }

        $(#[$gdoc])*
        #[async_graphql::Object]
        impl $group {
            $(
                $(#[$vdoc])*
                /// Null unless grouped by it.
                async fn $kfield(&self) -> Option<$kty> {
                    self.key($keyenum::$variant)
                }
            )+

            /// The number of items in the group.
            async fn count(&self) -> i64 {
                self.row.count
            }

            $(
                $(#[$mdoc])*
                async fn $mfield(&self) -> Option<$crate::graphql::list::measure_type!($mty)> {
                    self.row.measure(stringify!($mfield))
                }
            )*
        }
    };
}
pub(crate) use aggregate_types;

/// The Rust type of a measure kind.
macro_rules! measure_type {
    (int) => {
        i64
    };
    (date) => {
        $crate::graphql::dates::Date
    };
}
pub(crate) use measure_type;

/// Totals over a list of items of several types.
#[derive(async_graphql::SimpleObject)]
pub struct ListAggregate {
    /// The number of items in the list.
    pub count: i64,
}

impl ListAggregate {
    /// The aggregate of a list of `total` items.
    pub fn of(total: usize) -> Option<Self> {
        Some(Self {
            count: total as i64,
        })
    }
}
