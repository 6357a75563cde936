//! The model of a node type, as both ways of answering read it: [`Record`] (its entity, its
//! lists' filter and order, how a row becomes the type) and what the planner reads of it
//! ([`Planned`]): how each column is answered ([`Leaf`]), its uncertain dates
//! ([`DateColumns`]), its aggregate ([`AggregateModel`]) and its relationships ([`Relation`],
//! leading to a [`Target`]). Concept modules declare it with `object!` and its `record`
//! section (`graphql/fields.rs`); the resolvers (`fields.rs`) and the planner (`plan/`) read it.

use std::borrow::Cow;
use std::sync::Arc;

use async_graphql::{InputType, OutputType, Value};
use sea_orm::sea_query::{Alias, SelectStatement};
use sea_orm::{ActiveEnum, EntityTrait, QueryTrait};

use super::error::{ApiResult, OrGraphql};
use super::filter::{Aliases, Filter, Path, correlate, list_query};
use super::list::{ListQuery, Loaded};
use super::order::{OrderBy, OrderDirection, OrderField};

/// What the planner reads of an object type's fields (written by `object!`).
pub trait Planned {
    /// The fields that answer a column as it is, by column, with how each is read.
    const COLUMNS: &'static [(&'static str, Leaf)];
    /// The uncertain dates, with their columns.
    const DATES: &'static [DateColumns];

    /// The relationship behind the field `name` (in snake case).
    fn relation(name: &str) -> Option<Relation>;
}

/// A node type of the API over one entity: how its lists filter and sort, and how a row
/// becomes the type.
pub trait Record: Planned + OutputType + Sized {
    /// The type's name in global ids and the schema.
    const TYPE: &'static str;
    /// The entity its rows come from.
    type Entity: EntityTrait;
    /// Its filter input.
    type Filter: Filter + InputType;
    /// The fields its lists sort by.
    type OrderField: OrderField + InputType;
    /// Its lists' order when none is asked for.
    const ORDER: &'static [(Self::OrderField, OrderDirection)];

    /// The type over a loaded row.
    fn wrap(row: Loaded<<Self::Entity as EntityTrait>::Model>) -> Self;

    /// What the planner needs of the aggregate of its lists.
    fn aggregate_model() -> AggregateModel;
}

/// How a column's value becomes its field's value.
#[derive(Clone, Copy)]
pub enum Leaf {
    /// Text, as it is.
    Text,
    /// A whole number.
    Int,
    /// A flag (SQLite stores it as 0 or 1).
    Bool,
    /// The row's id, answered as the global id of its type.
    Id,
    /// A stored enum: its stored string to its GraphQL value.
    Enum(fn(&str) -> Option<Value>),
}

/// The [`Leaf`] of a column field's type.
pub trait PlanLeaf {
    /// How its values are read.
    const LEAF: Leaf;
}

impl PlanLeaf for &str {
    const LEAF: Leaf = Leaf::Text;
}

impl<T: PlanLeaf> PlanLeaf for Option<T> {
    const LEAF: Leaf = T::LEAF;
}

impl PlanLeaf for i32 {
    const LEAF: Leaf = Leaf::Int;
}

impl PlanLeaf for i64 {
    const LEAF: Leaf = Leaf::Int;
}

impl PlanLeaf for bool {
    const LEAF: Leaf = Leaf::Bool;
}

impl PlanLeaf for async_graphql::ID {
    const LEAF: Leaf = Leaf::Id;
}

impl PlanLeaf for String {
    const LEAF: Leaf = Leaf::Text;
}

/// What the planner needs of a type's aggregate: its GraphQL names, its measures with how
/// each is read, and each group key from its GraphQL value.
#[derive(Clone, Copy)]
pub struct AggregateModel {
    /// The aggregate object's name.
    pub aggregate_type: &'static str,
    /// The group object's name.
    pub group_type: &'static str,
    /// The measures, by field.
    pub measures: &'static [(&'static str, super::list::Measure)],
    /// How each measure's value is read.
    pub measure_leaves: &'static [Leaf],
    /// A group key from its enum value: its SQL, its field in the group, how it is read.
    pub key: fn(&Value) -> Option<(super::list::KeySql, &'static str, Leaf)>,
    /// How a group's key field (by its Rust name) is read.
    pub key_field: fn(&str) -> Option<Leaf>,
}

impl PlanLeaf for super::dates::Date {
    const LEAF: Leaf = Leaf::Text;
}

/// The six columns of an uncertain date (see `crate::dates`), named once by `object!`.
pub struct DateColumns {
    /// The field (`joined`).
    pub field: &'static str,
    /// `<field>_stated`.
    pub stated: &'static str,
    /// `<field>_precision`.
    pub precision: &'static str,
    /// `<field>_earliest`.
    pub earliest: &'static str,
    /// `<field>_latest`.
    pub latest: &'static str,
    /// `<field>_narrowed_by`.
    pub narrowed_by: &'static str,
    /// `<field>_narrowing_note`.
    pub narrowing_note: &'static str,
}

/// The GraphQL value of a stored enum's string.
fn enum_value<T: ActiveEnum<Value = String> + InputType>(stored: &str) -> Option<Value> {
    T::try_from_value(&stored.to_owned())
        .ok()
        .map(|value| InputType::to_value(&value))
}

/// Stored enums are leaves that map their stored strings.
macro_rules! enum_leaves {
    ($($ty:ident),* $(,)?) => {
        $(impl PlanLeaf for entity::enums::$ty {
            const LEAF: Leaf = Leaf::Enum(enum_value::<entity::enums::$ty>);
        })*
    };
}

enum_leaves!(
    Precision,
    ClaimTopic,
    CommitmentKind,
    ConferenceFormat,
    ConferenceKind,
    DocumentKind,
    FundingQualifier,
    OrganizationKind,
    PersonRoleKind,
    Region,
);

/// A node type as the planner knows it, without its Rust type.
#[derive(Clone, Copy)]
pub struct Target {
    /// Its GraphQL name, for global ids and `__typename`.
    pub type_name: &'static str,
    pub(crate) columns: &'static [(&'static str, Leaf)],
    pub(crate) dates: &'static [DateColumns],
    pub(crate) aggregate: fn() -> AggregateModel,
    pub(crate) relation: fn(&str) -> Option<Relation>,
    pub(crate) list_query: fn(Option<Value>, Option<Value>) -> Option<Arc<ListQuery>>,
    /// Its rows reached by a path from a parent row, filtered and sorted: every column, so
    /// that nested lists and parents can be joined to them.
    pub(crate) rows: fn(&Path, &Alias, &ListQuery) -> ApiResult<SelectStatement>,
}

impl Target {
    /// The planner's view of `N`.
    pub fn of<N: Record>() -> Self {
        Self {
            type_name: N::TYPE,
            columns: N::COLUMNS,
            dates: N::DATES,
            aggregate: N::aggregate_model,
            relation: N::relation,
            list_query: parse_list_query::<N>,
            rows: related_rows::<N::Entity>,
        }
    }
}

/// A relationship as the planner follows it: where it leads, and for a list its
/// connection's type name.
pub struct Relation {
    pub(crate) path: Path,
    pub(crate) target: Target,
    pub(crate) connection: Option<fn() -> Cow<'static, str>>,
}

/// A nested list's filter and order, from the field's arguments; None when they do not
/// parse (the resolvers then give the error).
fn parse_list_query<N: Record>(
    filter: Option<Value>,
    order: Option<Value>,
) -> Option<Arc<ListQuery>> {
    let filter = Option::<N::Filter>::parse(filter).ok()?;
    let order = Option::<Vec<OrderBy<N::OrderField>>>::parse(order).ok()?;
    Some(list_query::<N::Entity, _, _>(
        filter.as_ref(),
        order.as_deref(),
        N::ORDER,
    ))
}

/// The rows of `E` related to the row `parent` by `path`, filtered and sorted by `query`.
fn related_rows<E: EntityTrait>(
    path: &Path,
    parent: &Alias,
    query: &ListQuery,
) -> ApiResult<SelectStatement> {
    let mut select = query.apply(E::find()).or_gql()?;
    let table = Alias::new(E::default().table_name());
    correlate(
        *path,
        QueryTrait::query(&mut select),
        parent,
        &table,
        &mut Aliases::default(),
    );
    Ok(select.into_query())
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::value;

    #[test]
    fn stored_enums_read_as_their_graphql_values() {
        let Leaf::Enum(read) = <entity::enums::Region as PlanLeaf>::LEAF else {
            panic!("Region is an enum leaf");
        };
        assert_eq!(read("europe"), Some(value!("EUROPE")));
        assert_eq!(read("no such region"), None);
    }
}
