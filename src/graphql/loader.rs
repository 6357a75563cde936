//! Batched loading. Every relationship is read through one DataLoader per request, so each
//! level of a query costs a fixed number of statements whatever the number of rows.
//!
//! Two generic shapes cover the model: rows by primary key ([`ById`]) and rows whose foreign
//! key column is one of a set of parent ids ([`ByColumn`]); citations add the record kind.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::enums::RecordKind;
use entity::{citation, source};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Value};

use super::error::{ApiError, ApiResult, OrGraphql};

/// The database handle of one request; it counts the statements the request runs.
#[derive(Clone)]
pub struct Db {
    /// The connection pool, with a statement counter attached.
    pub conn: DatabaseConnection,
    statements: Arc<AtomicUsize>,
}

impl Db {
    /// A handle on `pool` that counts this request's statements.
    pub fn for_request(pool: &DatabaseConnection) -> Self {
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let mut conn = pool.clone();
        conn.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Self { conn, statements }
    }

    /// How many SQL statements the request has run so far.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::Relaxed)
    }

    /// A batching loader over this handle.
    pub fn loader(&self) -> DataLoader<DbLoader> {
        DataLoader::new(DbLoader { conn: self.conn.clone() }, tokio::spawn)
    }
}

/// Loads rows of any entity in batches.
pub struct DbLoader {
    conn: DatabaseConnection,
}

/// The row of entity `E` with this id.
pub struct ById<E>(pub i32, PhantomData<fn() -> E>);

impl<E> ById<E> {
    /// The key of row `id`.
    pub fn new(id: i32) -> Self {
        Self(id, PhantomData)
    }
}

/// The rows of entity `E` whose `column` equals `value` (children of one parent).
pub struct ByColumn<E> {
    column: &'static str,
    value: i32,
    entity: PhantomData<fn() -> E>,
}

/// The sources a record cites.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CitationsOf(pub RecordKind, pub i32);

macro_rules! key_impls {
    ($ty:ident, $($field:tt),+) => {
        impl<E> Clone for $ty<E> {
            fn clone(&self) -> Self {
                Self { $($field: self.$field.clone()),+ }
            }
        }
        impl<E> PartialEq for $ty<E> {
            fn eq(&self, other: &Self) -> bool {
                $(self.$field == other.$field)&&+
            }
        }
        impl<E> Eq for $ty<E> {}
        impl<E> Hash for $ty<E> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                $(self.$field.hash(state);)+
            }
        }
    };
}
key_impls!(ById, 0, 1);
key_impls!(ByColumn, column, value, entity);

/// The `id` column of an entity; every table has one.
fn column<E: EntityTrait>(name: &str) -> Result<E::Column, ApiError> {
    <E::Column as FromStr>::from_str(name).map_err(|_| {
        tracing::error!(table = E::default().table_name(), column = name, "no such column");
        ApiError::Unavailable
    })
}

fn int_of<M: ModelTrait>(model: &M, column: <M::Entity as EntityTrait>::Column) -> Option<i32> {
    match model.get(column) {
        Value::Int(Some(v)) => Some(v),
        _ => None,
    }
}

impl<E> Loader<ById<E>> for DbLoader
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    type Value = E::Model;
    type Error = ApiError;

    async fn load(&self, keys: &[ById<E>]) -> Result<HashMap<ById<E>, E::Model>, ApiError> {
        let id = column::<E>("id")?;
        let rows = E::find()
            .filter(id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|m| Some((ById::new(int_of(&m, id)?), m)))
            .collect())
    }
}

impl<E> Loader<ByColumn<E>> for DbLoader
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    type Value = Vec<E::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[ByColumn<E>]) -> Result<HashMap<ByColumn<E>, Vec<E::Model>>, ApiError> {
        let mut by_column: HashMap<&'static str, Vec<i32>> = HashMap::new();
        for key in keys {
            by_column.entry(key.column).or_default().push(key.value);
        }
        let id = column::<E>("id")?;
        let mut result: HashMap<ByColumn<E>, Vec<E::Model>> = HashMap::new();
        for (name, values) in by_column {
            let col = column::<E>(name)?;
            let rows = E::find()
                .filter(col.is_in(values))
                .order_by_asc(id)
                .all(&self.conn)
                .await?;
            for row in rows {
                if let Some(value) = int_of(&row, col) {
                    result
                        .entry(ByColumn { column: name, value, entity: PhantomData })
                        .or_default()
                        .push(row);
                }
            }
        }
        Ok(result)
    }
}

impl Loader<CitationsOf> for DbLoader {
    type Value = Vec<source::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[CitationsOf]) -> Result<HashMap<CitationsOf, Vec<source::Model>>, ApiError> {
        let mut condition = sea_orm::Condition::any();
        let mut by_kind: HashMap<RecordKind, Vec<i32>> = HashMap::new();
        for key in keys {
            by_kind.entry(key.0).or_default().push(key.1);
        }
        for (kind, ids) in by_kind {
            condition = condition.add(
                sea_orm::Condition::all()
                    .add(citation::Column::RecordKind.eq(kind))
                    .add(citation::Column::RecordId.is_in(ids)),
            );
        }
        // One statement for all kinds: citations joined with their sources.
        let rows = citation::Entity::find()
            .filter(condition)
            .find_also_related(source::Entity)
            .order_by_asc(citation::Column::SourceId)
            .all(&self.conn)
            .await?;
        let mut result: HashMap<CitationsOf, Vec<source::Model>> = HashMap::new();
        for (cite, source) in rows {
            if let Some(source) = source {
                result.entry(CitationsOf(cite.record_kind, cite.record_id)).or_default().push(source);
            }
        }
        Ok(result)
    }
}

fn loader<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a DataLoader<DbLoader>> {
    ctx.data::<DataLoader<DbLoader>>()
}

/// The row of `E` with this id, batched with the other lookups of the same level.
pub async fn one<E>(ctx: &Context<'_>, id: i32) -> ApiResult<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    loader(ctx)?.load_one(ById::<E>::new(id)).await.or_gql()
}

/// The row of `E` with this id when there is one.
pub async fn maybe<E>(ctx: &Context<'_>, id: Option<i32>) -> ApiResult<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    match id {
        Some(id) => one::<E>(ctx, id).await,
        None => Ok(None),
    }
}

/// The rows of `E` with these ids, in the order given.
pub async fn many<E>(ctx: &Context<'_>, ids: impl IntoIterator<Item = i32>) -> ApiResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    let ids: Vec<i32> = ids.into_iter().collect();
    let found = loader(ctx)?
        .load_many(ids.iter().map(|id| ById::<E>::new(*id)))
        .await
        .or_gql()?;
    Ok(ids.iter().filter_map(|id| found.get(&ById::new(*id)).cloned()).collect())
}

/// The rows of `E` whose `column` is `parent`, ordered by id.
pub async fn children<E>(ctx: &Context<'_>, column: &'static str, parent: i32) -> ApiResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    let key = ByColumn::<E> { column, value: parent, entity: PhantomData };
    Ok(loader(ctx)?.load_one(key).await.or_gql()?.unwrap_or_default())
}

/// The sources a record cites.
pub async fn sources_of(ctx: &Context<'_>, kind: RecordKind, id: i32) -> ApiResult<Vec<source::Model>> {
    Ok(loader(ctx)?.load_one(CitationsOf(kind, id)).await.or_gql()?.unwrap_or_default())
}
