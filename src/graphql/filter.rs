//! Filters: typed conditions on fields and relationships that compile to SQL.
//!
//! Every list takes a `filter` argument of its type's filter input. Field operators become
//! bound parameters (never text spliced into SQL), and relationship quantifiers (`some`,
//! `every`, `none`) become `EXISTS` subqueries, so a filter runs in the database the same
//! way on SQLite and PostgreSQL, and nothing is filtered in memory afterwards.

use std::sync::Arc;

use async_graphql::{InputObject, InputType};
use entity::enums::*;
use sea_orm::EntityTrait;
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement,
};

use super::dates::Date;
use super::list::{ListQuery, Many};
use super::order::{OrderBy, OrderDirection, OrderField, SortKey, sort_keys};
use entity::keys::{CITATIONS, ForeignKey};
use sea_orm::EntityName;

/// Fresh aliases for the tables of nested subqueries, so a relationship back to the same
/// table (states that hosted conferences with other hosts) never confuses two rows.
#[derive(Default)]
pub struct Aliases(usize);

impl Aliases {
    /// A table alias not used before in this query.
    pub fn fresh(&mut self) -> Alias {
        self.0 += 1;
        Alias::new(format!("f{}", self.0))
    }
}

/// A filter input of one node type: a condition on rows of its table, known by `table`.
pub trait Filter {
    /// The condition on the row of `table`.
    fn condition(&self, table: &Alias, aliases: &mut Aliases) -> Condition;
}

pub use entity::keys::Path;

/// `SELECT 1 FROM <rows related along path to the row current> WHERE <target condition>`:
/// the subqueries filters are made of.
pub fn subquery(
    path: Path,
    current: &Alias,
    aliases: &mut Aliases,
    target: impl FnOnce(&Alias, &mut Aliases) -> Condition,
) -> SelectStatement {
    let table = match path {
        Path::Children { table, .. } | Path::Parent { table, .. } | Path::Link { table, .. } => {
            table
        }
        Path::Citations { .. } => entity::source::Entity.table_name(),
    };
    let row = aliases.fresh();
    let mut select = Query::select();
    select
        .expr(Expr::val(1))
        .from_as(Alias::new(table), row.clone());
    correlate(path, &mut select, current, &row, aliases);
    let condition = target(&row, aliases);
    select.cond_where(condition);
    select
}

/// Adds to `select`, which reads the table `path` leads to as `row`, what keeps the rows
/// related to the row `current`: the key's condition, and the link or citations table joined.
pub fn correlate(
    path: Path,
    select: &mut SelectStatement,
    current: &Alias,
    row: &Alias,
    aliases: &mut Aliases,
) {
    let id = |table: &Alias| Expr::col((table.clone(), Alias::new("id")));
    let col = |table: &Alias, name: &str| Expr::col((table.clone(), Alias::new(name)));
    match path {
        Path::Children { foreign_key, .. } => {
            select.and_where(col(row, foreign_key).eq(id(current)));
        }
        Path::Parent { foreign_key, .. } => {
            select.and_where(id(row).eq(col(current, foreign_key)));
        }
        Path::Link { link, from, to, .. } => {
            let via = aliases.fresh();
            select
                .join_as(
                    JoinType::InnerJoin,
                    Alias::new(link),
                    via.clone(),
                    col(&via, to).eq(id(row)),
                )
                .and_where(col(&via, from).eq(id(current)));
        }
        Path::Citations { kind } => {
            let via = aliases.fresh();
            let (citations, source, kind_column, record) = CITATIONS.names();
            select
                .join_as(
                    JoinType::InnerJoin,
                    Alias::new(citations),
                    via.clone(),
                    col(&via, source).eq(id(row)),
                )
                .and_where(col(&via, kind_column).eq(kind.as_str()))
                .and_where(col(&via, record).eq(id(current)));
        }
    }
}

/// Conditions on a list of related items: some, every or none of them match. One generic
/// input serves every type; its GraphQL name is its items' filter's (`MembershipFilter`
/// lists as `MembershipListFilter`), so no list of the types it serves is kept.
pub struct ListFilter<F> {
    some: Option<Box<F>>,
    every: Option<Box<F>>,
    none: Option<Box<F>>,
}

/// The list filter's members and their descriptions.
const LIST_MEMBERS: [(&str, &str); 3] = [
    (
        "some",
        "At least one related item matches (an empty filter `{}`: there is at least one).",
    ),
    (
        "every",
        "Every related item matches (true when there are none).",
    ),
    (
        "none",
        "No related item matches (an empty filter `{}`: there are none).",
    ),
];

impl<F: InputType> InputType for ListFilter<F> {
    type RawValueType = Self;

    fn type_name() -> std::borrow::Cow<'static, str> {
        let items = F::type_name();
        let kind = items.strip_suffix("Filter").unwrap_or(&items);
        format!("{kind}ListFilter").into()
    }

    fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
        use async_graphql::registry::{Deprecation, MetaInputValue, MetaType, MetaTypeId};
        registry.create_input_type::<Self, _>(MetaTypeId::InputObject, |registry| {
            let ty = <Option<Box<F>>>::create_type_info(registry);
            MetaType::InputObject {
                name: Self::type_name().into_owned(),
                description: Some(
                    "Conditions on a list of related items: some, every or none of them match."
                        .to_owned(),
                ),
                input_fields: LIST_MEMBERS
                    .iter()
                    .map(|(name, description)| {
                        let member = MetaInputValue {
                            name: (*name).to_owned(),
                            description: Some((*description).to_owned()),
                            ty: ty.clone(),
                            deprecation: Deprecation::NoDeprecated,
                            default_value: None,
                            visible: None,
                            inaccessible: false,
                            tags: Vec::new(),
                            is_secret: false,
                            directive_invocations: Vec::new(),
                        };
                        ((*name).to_owned(), member)
                    })
                    .collect(),
                visible: None,
                inaccessible: false,
                tags: Vec::new(),
                rust_typename: Some(std::any::type_name::<Self>()),
                oneof: false,
                directive_invocations: Vec::new(),
            }
        })
    }

    fn parse(value: Option<async_graphql::Value>) -> async_graphql::InputValueResult<Self> {
        let Some(async_graphql::Value::Object(mut object)) = value else {
            return Err(async_graphql::InputValueError::expected_type(
                value.unwrap_or_default(),
            ));
        };
        let mut member = |name: &str| {
            <Option<Box<F>>>::parse(object.swap_remove(name)).map_err(|e| e.propagate())
        };
        Ok(Self {
            some: member("some")?,
            every: member("every")?,
            none: member("none")?,
        })
    }

    fn to_value(&self) -> async_graphql::Value {
        let members = [&self.some, &self.every, &self.none];
        async_graphql::Value::Object(
            LIST_MEMBERS
                .iter()
                .zip(members)
                .filter_map(|((name, _), member)| {
                    Some((async_graphql::Name::new(name), member.as_ref()?.to_value()))
                })
                .collect(),
        )
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

impl<F: InputType + Filter> ListFilter<F> {
    /// The condition on the current row of `current` reached along `path`.
    pub fn condition(&self, path: Path, current: &Alias, aliases: &mut Aliases) -> Condition {
        let mut all = Condition::all();
        if let Some(f) = &self.some {
            all = all.add(Expr::exists(subquery(path, current, aliases, |t, a| {
                f.condition(t, a)
            })));
        }
        if let Some(f) = &self.every {
            all = all.add(Expr::not_exists(subquery(
                path,
                current,
                aliases,
                |t, a| f.condition(t, a).not(),
            )));
        }
        if let Some(f) = &self.none {
            all = all.add(Expr::not_exists(subquery(
                path,
                current,
                aliases,
                |t, a| f.condition(t, a),
            )));
        }
        all
    }
}

/// Combines the `and`, `or` and `not` members of a filter with its own field conditions.
pub fn combine<F: Filter>(
    fields: Condition,
    and: &Option<Vec<F>>,
    or: &Option<Vec<F>>,
    not: &Option<Box<F>>,
    table: &Alias,
    aliases: &mut Aliases,
) -> Condition {
    let mut all = fields;
    for f in and.iter().flatten() {
        all = all.add(f.condition(table, aliases));
    }
    if let Some(or) = or {
        let mut any = Condition::any();
        for f in or {
            any = any.add(f.condition(table, aliases));
        }
        // `or: []` matches nothing, as an empty disjunction does.
        all = all.add(if or.is_empty() {
            Condition::all().add(Expr::val(1).eq(0))
        } else {
            any
        });
    }
    if let Some(f) = not {
        all = all.add(f.condition(table, aliases).not());
    }
    all
}

/// The column `name` of `table`.
pub fn column(table: &Alias, name: &str) -> Expr {
    Expr::col((table.clone(), Alias::new(name)))
}

/// `column IN values`, or never true for an empty list.
fn is_in<V: Into<sea_orm::Value>>(column: &Expr, values: impl IntoIterator<Item = V>) -> Expr {
    let values: Vec<sea_orm::Value> = values.into_iter().map(Into::into).collect();
    if values.is_empty() {
        Expr::val(1).eq(0)
    } else {
        column.clone().is_in(values)
    }
}

/// Conditions on one field; every operator given must hold.
pub trait FieldFilter {
    /// The condition on `column`.
    fn on(&self, column: Expr) -> Condition;
}

/// Finishes a field's conditions: adds `isNull`, and makes the value comparisons false
/// (not SQL's unknown) on a null, so that `not`, `every` and `none` are exact complements.
fn null_check(all: Condition, column: &Expr, is_null: Option<bool>) -> Condition {
    let all = if all.is_empty() {
        all
    } else {
        all.add(column.clone().is_not_null())
    };
    match is_null {
        Some(true) => all.add(column.clone().is_null()),
        Some(false) => all.add(column.clone().is_not_null()),
        None => all,
    }
}

/// Escapes LIKE wildcards in client text, so `%` and `_` match themselves.
fn like_literal(text: &str) -> String {
    text.to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Declares a filter of values of one type: equality and lists (`eq`, `ne`, `in`, `notIn`),
/// the conditions particular to the type, each a field and the condition it puts on the
/// column and its value, then `isNull`.
macro_rules! value_filter {
    (
        $(#[$meta:meta])* $name:ident, $ty:ty, $eq_doc:literal, $to_value:expr;
        $($(#[$more_meta:meta])* $more:ident: $condition:expr),* $(,)?
    ) => {
        $(#[$meta])*
        #[derive(InputObject, Default)]
        pub struct $name {
            #[doc = $eq_doc]
            eq: Option<$ty>,
            /// Has a value, and not this one (nulls never match).
            ne: Option<$ty>,
            /// Equal to one of these.
            #[graphql(name = "in")]
            in_: Option<Vec<$ty>>,
            /// Has a value, and none of these (nulls never match).
            not_in: Option<Vec<$ty>>,
            $($(#[$more_meta])* $more: Option<$ty>,)*
            /// Is null (true) or has a value (false).
            is_null: Option<bool>,
        }

        impl FieldFilter for $name {
            fn on(&self, column: Expr) -> Condition {
                let value = $to_value;
                let mut all = Condition::all();
                if let Some(v) = &self.eq {
                    all = all.add(column.clone().eq(value(v)));
                }
                if let Some(v) = &self.ne {
                    all = all.add(column.clone().ne(value(v)));
                }
                if let Some(v) = &self.in_ {
                    all = all.add(is_in(&column, v.iter().map(value)));
                }
                if let Some(v) = &self.not_in {
                    all = all.add(is_in(&column, v.iter().map(value)).not());
                }
                $(if let Some(v) = &self.$more {
                    let condition: fn(&Expr, &$ty) -> Expr = $condition;
                    all = all.add(condition(&column, v));
                })*
                null_check(all, &column, self.is_null)
            }
        }
    };
}

value_filter!(
    /// Conditions on a text field. `contains` and `startsWith` ignore case.
    StringFilter, String, "Equal to (exactly).", |v: &String| sea_orm::Value::from(v.as_str());
    /// Contains this text, ignoring case.
    contains: |column, v| lower(column).like(
        LikeExpr::new(format!("%{}%", like_literal(v))).escape('\\')
    ),
    /// Starts with this text, ignoring case.
    starts_with: |column, v| lower(column).like(
        LikeExpr::new(format!("{}%", like_literal(v))).escape('\\')
    ),
);

/// A text column in lower case.
fn lower(column: &Expr) -> Expr {
    Expr::expr(Func::lower(column.clone()))
}

/// Declares a filter for ordered values: equality, lists, comparisons, null.
macro_rules! ordered_filter {
    ($(#[$meta:meta])* $name:ident, $ty:ty, $to_value:expr) => {
        value_filter!(
            $(#[$meta])* $name, $ty, "Equal to.", $to_value;
            /// Less than.
            lt: |column, v| column.clone().lt(($to_value)(v)),
            /// Less than or equal to.
            lte: |column, v| column.clone().lte(($to_value)(v)),
            /// Greater than.
            gt: |column, v| column.clone().gt(($to_value)(v)),
            /// Greater than or equal to.
            gte: |column, v| column.clone().gte(($to_value)(v)),
        );
    };
}

ordered_filter!(
    /// Conditions on a whole-number field.
    IntFilter,
    i64,
    |v: &i64| sea_orm::Value::from(*v)
);
ordered_filter!(
    /// Conditions on a date field (`YYYY-MM-DD`).
    DateFilter,
    Date,
    |v: &Date| sea_orm::Value::from(v.0)
);

/// Conditions on a true/false field.
#[derive(InputObject, Default)]
pub struct BooleanFilter {
    /// Equal to.
    eq: Option<bool>,
    /// Is null (true) or has a value (false).
    is_null: Option<bool>,
}

impl FieldFilter for BooleanFilter {
    fn on(&self, column: Expr) -> Condition {
        let mut all = Condition::all();
        if let Some(v) = self.eq {
            all = all.add(column.clone().eq(v));
        }
        null_check(all, &column, self.is_null)
    }
}

/// Declares the filters of stored enums, each `<Enum>Filter`.
macro_rules! enum_filters {
    ($($(#[$meta:meta])* $enum:ident;)*) => {$(pastey::paste! {
        value_filter!(
            $(#[$meta])* [<$enum Filter>], $enum, "Equal to.",
            |v: &$enum| sea_orm::Value::from(v.as_str());
        );
    })*};
}

enum_filters! {
    /// Conditions on a UN M49 region.
    Region;
    /// Conditions on the kind of a meeting.
    ConferenceKind;
    /// Conditions on the format of a meeting.
    ConferenceFormat;
    /// Conditions on the kind of a document.
    DocumentKind;
    /// Conditions on the kind of a commitment.
    CommitmentKind;
    /// Conditions on the kind of an organization.
    OrganizationKind;
    /// Conditions on the qualifier of an amount.
    FundingQualifier;
    /// Conditions on the topic of a claim.
    ClaimTopic;
}

/// What one member of a filter input is checked against: a column for a field filter, a
/// relationship for a list filter (`some`/`every`/`none`) or a parent's filter, or a
/// condition of the filter's own ([`Custom`]).
pub trait FilterOn<S> {
    /// The member's condition on the row of `table`.
    fn condition_on(&self, on: S, table: &Alias, aliases: &mut Aliases) -> Condition;
}

impl<F: FieldFilter> FilterOn<&'static str> for F {
    fn condition_on(&self, on: &'static str, table: &Alias, _: &mut Aliases) -> Condition {
        self.on(column(table, on))
    }
}

impl<F: InputType + Filter, R: Many> FilterOn<R> for ListFilter<F> {
    fn condition_on(&self, on: R, table: &Alias, aliases: &mut Aliases) -> Condition {
        self.condition(on.path(), table, aliases)
    }
}

impl<F: Filter, C: EntityTrait, P: EntityTrait> FilterOn<ForeignKey<C, P>> for Box<F> {
    fn condition_on(
        &self,
        on: ForeignKey<C, P>,
        table: &Alias,
        aliases: &mut Aliases,
    ) -> Condition {
        let exists = subquery(on.parent(), table, aliases, |t, a| self.condition(t, a));
        Condition::all().add(Expr::exists(exists))
    }
}

/// A filter member with a condition of its own (a domain rule such as "member on this day").
pub struct Custom<T>(pub fn(&Alias, &T) -> Condition);

impl<T> FilterOn<Custom<T>> for T {
    fn condition_on(&self, on: Custom<T>, table: &Alias, _: &mut Aliases) -> Condition {
        (on.0)(table, self)
    }
}

/// A node type's filter input: each member is `name: Type = what it is checked against`
/// ([`FilterOn`]); the macro adds `and`, `or` and `not` and implements [`Filter`].
macro_rules! filter {
    (
        $(#[$doc:meta])*
        $ty:ident {
            $( $(#[$mdoc:meta])* $member:ident : $mty:ty = $on:expr ),* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(async_graphql::InputObject, Default)]
        pub struct $ty {
            $( $(#[$mdoc])* $member: Option<$mty>, )*
            /// All of these hold.
            and: Option<Vec<$ty>>,
            /// At least one of these holds.
            or: Option<Vec<$ty>>,
            /// This does not hold.
            not: Option<Box<$ty>>,
        }

        impl $crate::graphql::filter::Filter for $ty {
            fn condition(
                &self,
                table: &sea_orm::sea_query::Alias,
                aliases: &mut $crate::graphql::filter::Aliases,
            ) -> sea_orm::Condition {
                use $crate::graphql::filter::FilterOn;
                let mut all = sea_orm::Condition::all();
                $( if let Some(member) = &self.$member {
                    all = all.add(member.condition_on($on, table, aliases));
                } )*
                $crate::graphql::filter::combine(all, &self.and, &self.or, &self.not, table, aliases)
            }
        }
    };
}
pub(crate) use filter;

/// The compiled filter and order of a list of `E`.
pub fn list_query<E, F, O>(
    filter: Option<&F>,
    order_by: Option<&[OrderBy<O>]>,
    default: &[(O, OrderDirection)],
) -> Arc<ListQuery>
where
    E: EntityTrait,
    F: Filter + InputType,
    O: OrderField + InputType,
{
    let table = E::default().table_name().to_owned();
    let condition = filter.map(|f| f.condition(&Alias::new(&table), &mut Aliases::default()));
    let order = sort_keys(&table, order_by, default);
    let key = format!(
        "{}|{}",
        filter.map(|f| f.to_value().to_string()).unwrap_or_default(),
        order_by
            .map(|o| o
                .iter()
                .map(|k| format!("{:?}", k.key()))
                .collect::<Vec<_>>()
                .join(","))
            .unwrap_or_default()
    );
    ListQuery::new(key, condition, order)
}
