//! Batched loading. Rows loaded together form a group ([`Loaded`]); a relationship asked of
//! one row is loaded for its whole group through the request's DataLoader, so each
//! relationship field of a query costs one batch whatever the number of rows.
//!
//! Two generic key shapes cover the model: rows by primary key ([`ById`]) and rows whose
//! foreign key column is one of a set of parent ids ([`ByColumn`]); citations add the record
//! kind ([`CitationsOf`]).

use std::any::Any;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::enums::RecordKind;
use entity::{citation, source};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Value,
};

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
        // One batch per level: a level holds at most 100 x 100 keys for two nested pages of
        // the largest size, and one IN list of that length stays within both databases'
        // bind-parameter limits (32766 for SQLite, 65535 for PostgreSQL).
        DataLoader::new(
            DbLoader {
                conn: self.conn.clone(),
            },
            tokio::spawn,
        )
        .max_batch_size(MAX_BATCH)
    }
}

/// The most keys one batch loads in one statement.
const MAX_BATCH: usize = 10_000;

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
        tracing::error!(
            table = E::default().table_name(),
            column = name,
            "no such column"
        );
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

    async fn load(
        &self,
        keys: &[ByColumn<E>],
    ) -> Result<HashMap<ByColumn<E>, Vec<E::Model>>, ApiError> {
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
                        .entry(ByColumn {
                            column: name,
                            value,
                            entity: PhantomData,
                        })
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

    async fn load(
        &self,
        keys: &[CitationsOf],
    ) -> Result<HashMap<CitationsOf, Vec<source::Model>>, ApiError> {
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
                result
                    .entry(CitationsOf(cite.record_kind, cite.record_id))
                    .or_default()
                    .push(source);
            }
        }
        Ok(result)
    }
}

fn loader<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a DataLoader<DbLoader>> {
    ctx.data::<DataLoader<DbLoader>>()
}

/// A row and the rows it was loaded with (its page, or the children of one page).
///
/// A relationship asked of one row is loaded for all the rows of its group at once, in one
/// batch, and the result shared. So a query costs one batch per relationship field however
/// many rows each level holds, and batching does not depend on timing.
pub struct Loaded<M> {
    /// The row.
    pub model: M,
    group: Arc<Group<M>>,
}

/// The result of one relationship's load, computed once and shared by the group.
type SharedLoad = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

struct Group<M> {
    rows: Vec<M>,
    /// One shared result per relationship asked of the group.
    loads: Mutex<HashMap<String, SharedLoad>>,
}

impl<M: Clone> Clone for Loaded<M> {
    fn clone(&self) -> Self {
        Self {
            model: self.model.clone(),
            group: self.group.clone(),
        }
    }
}

impl<M> Deref for Loaded<M> {
    type Target = M;

    fn deref(&self) -> &M {
        &self.model
    }
}

/// Puts rows loaded together into one group.
pub fn group<M: Clone>(rows: Vec<M>) -> Vec<Loaded<M>> {
    let group = Arc::new(Group {
        rows: rows.clone(),
        loads: Mutex::default(),
    });
    rows.into_iter()
        .map(|model| Loaded {
            model,
            group: group.clone(),
        })
        .collect()
}

/// The `id` of any row.
fn id_of<M: ModelTrait>(model: &M) -> Option<i32> {
    let id = <<M::Entity as EntityTrait>::Column as FromStr>::from_str("id").ok()?;
    int_of(model, id)
}

/// Children of the rows of one group, by parent id, themselves one group.
type ChildrenMap<M> = HashMap<i32, Vec<Loaded<M>>>;

impl<M> Loaded<M>
where
    M: ModelTrait + Clone + Send + Sync + 'static,
{
    /// Runs `load` once for the whole group under `name` and shares its result.
    async fn shared<T, F>(&self, name: String, load: F) -> ApiResult<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: Future<Output = ApiResult<T>>,
    {
        let cell = {
            let mut loads = self
                .group
                .loads
                .lock()
                .map_err(|_| ApiError::Unavailable)
                .or_gql()?;
            loads.entry(name).or_default().clone()
        };
        let value = cell
            .get_or_try_init(|| async {
                load.await
                    .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>)
            })
            .await?;
        value
            .clone()
            .downcast::<T>()
            .map_err(|_| ApiError::Unavailable)
            .or_gql()
    }

    /// The rows of `E` whose `column` holds this row's id, ordered by id.
    pub async fn children<E>(
        &self,
        ctx: &Context<'_>,
        column: &'static str,
    ) -> ApiResult<Vec<Loaded<E::Model>>>
    where
        E: EntityTrait,
        E::Model: Clone + Send + Sync + 'static,
    {
        let name = format!("children:{}.{column}", E::default().table_name());
        let map: Arc<ChildrenMap<E::Model>> = self
            .shared(name, async {
                let mut parents: Vec<i32> = self.group.rows.iter().filter_map(id_of).collect();
                parents.sort_unstable();
                parents.dedup();
                let keys = parents.iter().map(|id| ByColumn::<E> {
                    column,
                    value: *id,
                    entity: PhantomData,
                });
                let mut found = loader(ctx)?.load_many(keys).await.or_gql()?;
                let mut per_parent = Vec::new();
                let mut all = Vec::new();
                for parent in parents {
                    let key = ByColumn::<E> {
                        column,
                        value: parent,
                        entity: PhantomData,
                    };
                    let rows = found.remove(&key).unwrap_or_default();
                    per_parent.push((parent, rows.len()));
                    all.extend(rows);
                }
                let mut grouped = group(all).into_iter();
                Ok(per_parent
                    .into_iter()
                    .map(|(parent, n)| (parent, grouped.by_ref().take(n).collect()))
                    .collect::<ChildrenMap<E::Model>>())
            })
            .await?;
        Ok(id_of(&self.model)
            .and_then(|id| map.get(&id).cloned())
            .unwrap_or_default())
    }

    /// The row of `E` that `foreign_key` of this row points to, loaded for the whole group.
    pub async fn related<E>(
        &self,
        ctx: &Context<'_>,
        foreign_key: fn(&M) -> Option<i32>,
        name: &'static str,
    ) -> ApiResult<Option<Loaded<E::Model>>>
    where
        E: EntityTrait,
        E::Model: Clone + Send + Sync + 'static,
    {
        let Some(target) = foreign_key(&self.model) else {
            return Ok(None);
        };
        let map: Arc<HashMap<i32, Loaded<E::Model>>> = self
            .shared(format!("related:{name}"), async {
                let mut ids: Vec<i32> = self.group.rows.iter().filter_map(foreign_key).collect();
                ids.sort_unstable();
                ids.dedup();
                let found = loader(ctx)?
                    .load_many(ids.iter().map(|id| ById::<E>::new(*id)))
                    .await
                    .or_gql()?;
                let rows: Vec<E::Model> = ids
                    .iter()
                    .filter_map(|id| found.get(&ById::new(*id)).cloned())
                    .collect();
                Ok(ids.into_iter().zip(group(rows)).collect::<HashMap<_, _>>())
            })
            .await?;
        Ok(map.get(&target).cloned())
    }

    /// The sources this row cites, loaded for the whole group.
    pub async fn sources(
        &self,
        ctx: &Context<'_>,
        kind: RecordKind,
    ) -> ApiResult<Vec<Loaded<source::Model>>> {
        let map: Arc<ChildrenMap<source::Model>> = self
            .shared("sources".to_owned(), async {
                let mut ids: Vec<i32> = self.group.rows.iter().filter_map(id_of).collect();
                ids.sort_unstable();
                ids.dedup();
                let mut found = loader(ctx)?
                    .load_many(ids.iter().map(|id| CitationsOf(kind, *id)))
                    .await
                    .or_gql()?;
                let mut per_record = Vec::new();
                let mut all = Vec::new();
                for id in ids {
                    let rows = found.remove(&CitationsOf(kind, id)).unwrap_or_default();
                    per_record.push((id, rows.len()));
                    all.extend(rows);
                }
                let mut grouped = group(all).into_iter();
                Ok(per_record
                    .into_iter()
                    .map(|(id, n)| (id, grouped.by_ref().take(n).collect()))
                    .collect::<ChildrenMap<source::Model>>())
            })
            .await?;
        Ok(id_of(&self.model)
            .and_then(|id| map.get(&id).cloned())
            .unwrap_or_default())
    }
}

/// Rows of `E` by id, in the order given, as one group (for `node(id:)` and `nodes(ids:)`).
pub async fn by_ids<E>(ctx: &Context<'_>, ids: &[i32]) -> ApiResult<HashMap<i32, Loaded<E::Model>>>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    let found = loader(ctx)?
        .load_many(ids.iter().map(|id| ById::<E>::new(*id)))
        .await
        .or_gql()?;
    let present: Vec<i32> = ids
        .iter()
        .copied()
        .filter(|id| found.contains_key(&ById::new(*id)))
        .collect();
    let rows = present
        .iter()
        .filter_map(|id| found.get(&ById::new(*id)).cloned())
        .collect();
    Ok(present.into_iter().zip(group(rows)).collect())
}

/// Follows a link table: for each link row, the row of `E` it points to, paired with the
/// link. All links of one group resolve in one batch.
pub async fn through<L, E>(
    ctx: &Context<'_>,
    links: Vec<Loaded<L>>,
    foreign_key: fn(&L) -> Option<i32>,
    name: &'static str,
) -> ApiResult<Vec<(Loaded<E::Model>, Loaded<L>)>>
where
    L: ModelTrait + Clone + Send + Sync + 'static,
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    let targets = futures_util::future::try_join_all(
        links.iter().map(|l| l.related::<E>(ctx, foreign_key, name)),
    )
    .await?;
    Ok(targets
        .into_iter()
        .zip(links)
        .filter_map(|(target, link)| Some((target?, link)))
        .collect())
}
