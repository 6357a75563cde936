//! What a list asks of its rows (a condition and an order), and the batch keys that load
//! rows by id, by a foreign key, or by citation.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use derive_where::derive_where;
use std::marker::PhantomData;
use std::str::FromStr;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::enums::RecordKind;
use entity::{citation, source};
use sea_orm::sea_query::{Expr, NullOrdering};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, JoinType, ModelTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Select, Value,
};

use super::*;
use crate::graphql::error::ApiError;

/// What a list asks of its rows beyond belonging to a parent: a condition and an order,
/// both compiled to SQL on the table by its own name.
#[derive(Default)]
pub struct ListQuery {
    /// A canonical text of the arguments, telling queries apart.
    pub(super) key: String,
    pub(super) condition: Option<Condition>,
    pub(super) order: Vec<(Expr, Order)>,
}

impl ListQuery {
    /// A query with a condition and an order; `key` must tell it from other queries.
    pub fn new(key: String, condition: Option<Condition>, order: Vec<(Expr, Order)>) -> Arc<Self> {
        Arc::new(Self {
            key,
            condition,
            order,
        })
    }

    /// All rows, in id order.
    pub fn all() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Whether it narrows the rows by a condition.
    pub fn is_filtered(&self) -> bool {
        self.condition.is_some()
    }

    /// Applies the condition and the order (then the id, so the order is total).
    pub fn apply<E: EntityTrait>(&self, mut select: Select<E>) -> Result<Select<E>, ApiError> {
        if let Some(condition) = &self.condition {
            select = select.filter(condition.clone());
        }
        for (expr, order) in &self.order {
            select = select.order_by_with_nulls(expr.clone(), order.clone(), NullOrdering::Last);
        }
        Ok(select.order_by_asc(column::<E>("id")?))
    }
}

/// Queries are the same when their keys are: batch keys compare and hash them by it.
impl PartialEq for ListQuery {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for ListQuery {}
impl Hash for ListQuery {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

/// The rows of entity `E` whose `column` equals `value` and that satisfy `query`: by `id`,
/// one row; by a foreign key, the children of one parent.
#[derive_where(Clone, PartialEq, Eq, Hash)]
pub struct ByColumn<E> {
    column: &'static str,
    value: i32,
    query: Arc<ListQuery>,
    entity: PhantomData<fn() -> E>,
}

impl<E> ByColumn<E> {
    /// The key of the rows whose `column` holds `value`.
    pub fn new(column: &'static str, value: i32, query: Arc<ListQuery>) -> Self {
        let entity = PhantomData;
        Self {
            column,
            value,
            query,
            entity,
        }
    }
}

/// The sources a record cites that satisfy `query`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CitationsOf {
    pub(super) kind: RecordKind,
    pub(super) record: i32,
    pub(super) query: Arc<ListQuery>,
}

/// A column of an entity by name; every table has `id`.
pub(super) fn column<E: EntityTrait>(name: &str) -> Result<E::Column, ApiError> {
    <E::Column as FromStr>::from_str(name).map_err(|_| {
        tracing::error!(
            table = E::default().table_name(),
            column = name,
            "no such column"
        );
        ApiError::Unavailable
    })
}

pub(super) fn int_of<M: ModelTrait>(
    model: &M,
    column: <M::Entity as EntityTrait>::Column,
) -> Option<i32> {
    match model.get(column) {
        Value::Int(Some(v)) => Some(v),
        _ => None,
    }
}

/// Groups keys by the query they carry (and a second part), keeping one query per group.
pub(super) fn by_query<K, P: Hash + Eq>(
    keys: &[K],
    part: impl Fn(&K) -> (P, &Arc<ListQuery>, i32),
) -> HashMap<(P, String), (Arc<ListQuery>, Vec<i32>)> {
    let mut groups: HashMap<(P, String), (Arc<ListQuery>, Vec<i32>)> = HashMap::new();
    for key in keys {
        let (p, query, value) = part(key);
        groups
            .entry((p, query.key.clone()))
            .or_insert_with(|| (query.clone(), Vec::new()))
            .1
            .push(value);
    }
    groups
}

/// A row with its position in the order its query asked for.
pub type Ranked<M> = (usize, M);

impl<E: EntityTrait> Loader<ByColumn<E>> for DbLoader
where
    E::Model: Row,
{
    type Value = Vec<Ranked<E::Model>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ByColumn<E>],
    ) -> Result<HashMap<ByColumn<E>, Self::Value>, ApiError> {
        let mut result: HashMap<ByColumn<E>, Self::Value> = HashMap::new();
        for ((name, _), (query, values)) in by_query(keys, |k| (k.column, &k.query, k.value)) {
            let col = column::<E>(name)?;
            let rows = query
                .apply(E::find().filter(col.is_in(values)))?
                .all(&self.conn)
                .await?;
            for (rank, row) in rows.into_iter().enumerate() {
                if let Some(value) = int_of(&row, col) {
                    let key = ByColumn::new(name, value, query.clone());
                    result.entry(key).or_default().push((rank, row));
                }
            }
        }
        Ok(result)
    }
}

impl Loader<CitationsOf> for DbLoader {
    type Value = Vec<Ranked<source::Model>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[CitationsOf],
    ) -> Result<HashMap<CitationsOf, Self::Value>, ApiError> {
        let mut result: HashMap<CitationsOf, Self::Value> = HashMap::new();
        for ((kind, _), (query, records)) in by_query(keys, |k| (k.kind, &k.query, k.record)) {
            // The sources with their citations by these records: one statement per kind and
            // query.
            let select = source::Entity::find()
                .join(JoinType::InnerJoin, citation::Relation::Source.def().rev())
                .filter(citation::Column::RecordKind.eq(kind))
                .filter(citation::Column::RecordId.is_in(records));
            let rows = query
                .apply(select)?
                .select_also(citation::Entity)
                .all(&self.conn)
                .await?;
            for (rank, (source, cite)) in rows.into_iter().enumerate() {
                if let Some(cite) = cite {
                    let key = CitationsOf {
                        kind,
                        record: cite.record_id,
                        query: query.clone(),
                    };
                    result.entry(key).or_default().push((rank, source));
                }
            }
        }
        Ok(result)
    }
}
