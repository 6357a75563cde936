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
use futures_util::future::BoxFuture;
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, IntoIden, NullOrdering, Query, SelectStatement,
    WindowStatement,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    Iterable, JoinType, ModelTrait, Order, QueryFilter, QueryOrder, QueryResult, QuerySelect,
    QueryTrait, RelationTrait, Select, Value,
};

use super::connection::PageArgs;

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
        // Each level asks for all its keys at once (see `Loaded`), so waiting for more keys
        // to arrive would only add latency.
        .delay(std::time::Duration::ZERO)
    }
}

/// The most keys one batch loads in one statement.
const MAX_BATCH: usize = 10_000;

/// Loads rows of any entity in batches.
pub struct DbLoader {
    conn: DatabaseConnection,
}

/// What a list asks of its rows beyond belonging to a parent: a condition and an order,
/// both compiled to SQL on the table by its own name.
#[derive(Default)]
pub struct ListQuery {
    /// A canonical text of the arguments, telling queries apart.
    key: String,
    condition: Option<Condition>,
    order: Vec<(Expr, Order)>,
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

/// The row of entity `E` with this id, if it satisfies `query`.
pub struct ById<E> {
    id: i32,
    query: Arc<ListQuery>,
    entity: PhantomData<fn() -> E>,
}

impl<E> ById<E> {
    /// The key of row `id`.
    pub fn new(id: i32, query: Arc<ListQuery>) -> Self {
        Self {
            id,
            query,
            entity: PhantomData,
        }
    }
}

/// The rows of entity `E` whose `column` equals `value` and that satisfy `query`.
pub struct ByColumn<E> {
    column: &'static str,
    value: i32,
    query: Arc<ListQuery>,
    entity: PhantomData<fn() -> E>,
}

/// The sources a record cites that satisfy `query`.
#[derive(Clone)]
pub struct CitationsOf {
    kind: RecordKind,
    record: i32,
    query: Arc<ListQuery>,
}

impl PartialEq for CitationsOf {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.record == other.record && self.query.key == other.query.key
    }
}
impl Eq for CitationsOf {}
impl Hash for CitationsOf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind.hash(state);
        self.record.hash(state);
        self.query.key.hash(state);
    }
}

impl<E> Clone for ById<E> {
    fn clone(&self) -> Self {
        Self {
            id: self.id,
            query: self.query.clone(),
            entity: PhantomData,
        }
    }
}
impl<E> PartialEq for ById<E> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.query.key == other.query.key
    }
}
impl<E> Eq for ById<E> {}
impl<E> Hash for ById<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
        self.query.key.hash(state);
    }
}
impl<E> Clone for ByColumn<E> {
    fn clone(&self) -> Self {
        Self {
            column: self.column,
            value: self.value,
            query: self.query.clone(),
            entity: PhantomData,
        }
    }
}
impl<E> PartialEq for ByColumn<E> {
    fn eq(&self, other: &Self) -> bool {
        self.column == other.column
            && self.value == other.value
            && self.query.key == other.query.key
    }
}
impl<E> Eq for ByColumn<E> {}
impl<E> Hash for ByColumn<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.column.hash(state);
        self.value.hash(state);
        self.query.key.hash(state);
    }
}

/// A column of an entity by name; every table has `id`.
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

/// Groups keys by the query they carry (and a second part), keeping one query per group.
fn by_query<K, P: Hash + Eq>(
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

impl<E> Loader<ById<E>> for DbLoader
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    type Value = Ranked<E::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[ById<E>]) -> Result<HashMap<ById<E>, Ranked<E::Model>>, ApiError> {
        let id = column::<E>("id")?;
        let mut result = HashMap::new();
        for (_, (query, ids)) in by_query(keys, |k| ((), &k.query, k.id)) {
            let rows = query
                .apply(E::find().filter(id.is_in(ids)))?
                .all(&self.conn)
                .await?;
            for (rank, row) in rows.into_iter().enumerate() {
                if let Some(row_id) = int_of(&row, id) {
                    result.insert(ById::new(row_id, query.clone()), (rank, row));
                }
            }
        }
        Ok(result)
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
        let mut result: HashMap<ByColumn<E>, Vec<E::Model>> = HashMap::new();
        for ((name, _), (query, values)) in by_query(keys, |k| (k.column, &k.query, k.value)) {
            let col = column::<E>(name)?;
            let rows = query
                .apply(E::find().filter(col.is_in(values)))?
                .all(&self.conn)
                .await?;
            for row in rows {
                if let Some(value) = int_of(&row, col) {
                    let key = ByColumn {
                        column: name,
                        value,
                        query: query.clone(),
                        entity: PhantomData,
                    };
                    result.entry(key).or_default().push(row);
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
        let mut result: HashMap<CitationsOf, Vec<source::Model>> = HashMap::new();
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
            for (source, cite) in rows {
                if let Some(cite) = cite {
                    let key = CitationsOf {
                        kind,
                        record: cite.record_id,
                        query: query.clone(),
                    };
                    result.entry(key).or_default().push(source);
                }
            }
        }
        Ok(result)
    }
}

/// The pages of a group's parents: each parent's items and the length of its whole list.
type Pages<T> = HashMap<i32, (Vec<T>, usize)>;

/// A row reached through a link table, with its link row.
type Linked<M, L> = (Loaded<M>, Loaded<L>);

/// One parent's page of a nested list: its items, the position of the first in the whole
/// list, and the length of the whole list.
#[derive(Clone)]
pub struct Page<T> {
    /// The items of the page, in the list's order.
    pub items: Vec<T>,
    /// The position of the first item in the whole list.
    pub start: usize,
    /// How many items the whole list holds.
    pub total: usize,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            start: 0,
            total: 0,
        }
    }
}

impl<T> Page<T> {
    /// The page `args` asks for, cut from a whole list held in memory.
    pub fn cut(all: Vec<T>, args: &PageArgs) -> Self {
        let total = all.len();
        let (start, end) = args.window(total);
        Self {
            items: all.into_iter().skip(start).take(end - start).collect(),
            start,
            total,
        }
    }

    /// The same page with each item mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            start: self.start,
            total: self.total,
        }
    }
}

/// The page of every parent at once, computed by the database in one statement: each row
/// is ranked within its parent's list by the list's order (a window function), and only
/// the ranks of the page come back, each with its parent's id and list length. A parent
/// whose page is empty because the list is shorter still reports its length, through its
/// last row.
///
/// `inner` selects the candidate rows of `table` (joined to a link table where the list
/// goes through one); `parent` is the column holding the parent's id.
async fn window_rows(
    conn: &DatabaseConnection,
    mut inner: SelectStatement,
    table: &str,
    parent: (&str, &str),
    query: &ListQuery,
    (start, end): (usize, usize),
) -> Result<Vec<(i32, usize, usize, QueryResult)>, sea_orm::DbErr> {
    let parent_column = || Expr::col((Alias::new(parent.0), Alias::new(parent.1)));
    if let Some(condition) = &query.condition {
        inner.cond_where(condition.clone());
    }
    let mut ranking = WindowStatement::partition_by((Alias::new(parent.0), Alias::new(parent.1)));
    for (expr, order) in &query.order {
        ranking.order_by_expr_with_nulls(expr.clone(), order.clone(), NullOrdering::Last);
    }
    ranking.order_by_expr(Expr::col((Alias::new(table), Alias::new("id"))), Order::Asc);
    let length = WindowStatement::partition_by((Alias::new(parent.0), Alias::new(parent.1)));
    inner
        .expr_as(parent_column(), Alias::new("page_parent"))
        .expr_window_as(Expr::cust("ROW_NUMBER()"), ranking, Alias::new("page_rank"))
        .expr_window_as(Expr::cust("COUNT(*)"), length, Alias::new("page_total"));
    let rank = || Expr::col(Alias::new("page_rank"));
    let total = || Expr::col(Alias::new("page_total"));
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, Alias::new("page").into_iden())
        .cond_where(
            Condition::any()
                .add(
                    Condition::all()
                        .add(rank().gt(start as i64))
                        .add(rank().lte(end as i64)),
                )
                .add(
                    Condition::all()
                        .add(rank().equals(Alias::new("page_total")))
                        .add(total().lte(start as i64)),
                ),
        )
        .order_by(Alias::new("page_parent"), Order::Asc)
        .order_by(Alias::new("page_rank"), Order::Asc)
        .to_owned();
    let mut rows = Vec::new();
    for row in conn.query_all(&outer).await? {
        let parent: i32 = row.try_get("", "page_parent")?;
        let rank: i64 = row.try_get("", "page_rank")?;
        let total: i64 = row.try_get("", "page_total")?;
        rows.push((parent, rank as usize, total as usize, row));
    }
    Ok(rows)
}

/// The pages of several parents, from the rows [`window_rows`] returned: the rows inside
/// the window become items (all parents' items one group), the others only report lengths.
fn pages_of<T: Clone>(
    rows: Vec<(i32, usize, usize, T)>,
    (start, end): (usize, usize),
) -> HashMap<i32, (Vec<T>, usize)> {
    let mut pages: HashMap<i32, (Vec<T>, usize)> = HashMap::new();
    for (parent, rank, total, item) in rows {
        let page = pages.entry(parent).or_default();
        page.1 = total;
        if rank > start && rank <= end {
            page.0.push(item);
        }
    }
    pages
}

/// The columns of `E` as `prefix` + name, so that a row carrying two tables' columns can
/// be read as both models.
fn prefixed_columns<E: EntityTrait>(select: &mut SelectStatement, prefix: &str) {
    let table = E::default().table_name().to_owned();
    for column in E::Column::iter() {
        let name = sea_orm::IdenStatic::as_str(&column).to_owned();
        select.expr_as(
            Expr::col((Alias::new(table.as_str()), Alias::new(name.as_str()))),
            Alias::new(format!("{prefix}{name}")),
        );
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

/// The result of one load, computed once and shared by the group.
type SharedLoad = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

/// Results computed once for a group of rows, by name.
#[derive(Default)]
pub struct Shared(Mutex<HashMap<String, SharedLoad>>);

impl Shared {
    /// Runs `load` the first time `name` is asked for and shares its result.
    pub async fn get_or_load<T, F>(&self, name: String, load: F) -> ApiResult<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: Future<Output = ApiResult<T>>,
    {
        let cell = {
            let mut loads = self.0.lock().map_err(|_| ApiError::Unavailable).or_gql()?;
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
}

struct Group<M> {
    rows: Vec<M>,
    /// One shared result per relationship asked of the group.
    shared: Arc<Shared>,
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
        shared: Arc::default(),
    });
    rows.into_iter()
        .map(|model| Loaded {
            model,
            group: group.clone(),
        })
        .collect()
}

/// A row loaded on its own, as a group of one.
pub fn single<M: Clone>(row: Option<M>) -> Option<Loaded<M>> {
    row.map(alone)
}

/// A row on its own (just written, say), as a group of one.
pub fn alone<M: Clone>(row: M) -> Loaded<M> {
    Loaded {
        model: row.clone(),
        group: Arc::new(Group {
            rows: vec![row],
            shared: Arc::default(),
        }),
    }
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
    ///
    /// The load, with the SQL it awaits, is boxed: every field of an object is resolved as
    /// a future as large as its largest field's, and is moved as it is set up, so the
    /// fields that load lists must not make the others large.
    fn shared<'a, T, F>(&'a self, name: String, load: F) -> BoxFuture<'a, ApiResult<Arc<T>>>
    where
        T: Send + Sync + 'static,
        F: Future<Output = ApiResult<T>> + Send + 'a,
    {
        Box::pin(self.group.shared.get_or_load(name, load))
    }

    /// This row's id, the ids of its whole group, and the group's shared results: what a
    /// nested list needs to compute its aggregates for every parent at once.
    pub fn group_scope(&self) -> (Option<i32>, Vec<i32>, Arc<Shared>) {
        let mut ids: Vec<i32> = self.group.rows.iter().filter_map(id_of).collect();
        ids.sort_unstable();
        ids.dedup();
        (id_of(&self.model), ids, self.group.shared.clone())
    }

    /// The rows of `E` whose `column` holds this row's id and that satisfy `query`, in its
    /// order.
    pub async fn children<E>(
        &self,
        ctx: &Context<'_>,
        column: &'static str,
        query: &Arc<ListQuery>,
    ) -> ApiResult<Vec<Loaded<E::Model>>>
    where
        E: EntityTrait,
        E::Model: Clone + Send + Sync + 'static,
    {
        let name = format!(
            "children:{}.{column}:{}",
            E::default().table_name(),
            query.key
        );
        let map: Arc<ChildrenMap<E::Model>> = self
            .shared(name, async {
                let mut parents: Vec<i32> = self.group.rows.iter().filter_map(id_of).collect();
                parents.sort_unstable();
                parents.dedup();
                let keys = parents.iter().map(|id| ByColumn::<E> {
                    column,
                    value: *id,
                    query: query.clone(),
                    entity: PhantomData,
                });
                let mut found = loader(ctx)?.load_many(keys).await.or_gql()?;
                let mut per_parent = Vec::new();
                let mut all = Vec::new();
                for parent in parents {
                    let key = ByColumn::<E> {
                        column,
                        value: parent,
                        query: query.clone(),
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

    /// This row's page of the rows of `E` whose `column` holds its id and that satisfy
    /// `query`. The database cuts the pages of the whole group in one statement; only pages
    /// counted from the end (`last`, `before`) are cut from the whole lists in memory.
    pub async fn children_page<E>(
        &self,
        ctx: &Context<'_>,
        column: &'static str,
        query: &Arc<ListQuery>,
        args: &PageArgs,
    ) -> ApiResult<Page<Loaded<E::Model>>>
    where
        E: EntityTrait,
        E::Model: Clone + Send + Sync + 'static,
    {
        let Some(window) = args.fixed_window() else {
            let all = self.children::<E>(ctx, column, query).await?;
            return Ok(Page::cut(all, args));
        };
        let table = E::default().table_name().to_owned();
        let name = format!("page:{table}.{column}:{}:{window:?}", query.key);
        let pages: Arc<Pages<Loaded<E::Model>>> = self
            .shared(name, async {
                let parents = self.group_ids();
                let inner = E::find()
                    .filter(
                        Expr::col((Alias::new(table.as_str()), Alias::new(column))).is_in(parents),
                    )
                    .into_query();
                let db = ctx.data::<Db>()?;
                let rows = window_rows(&db.conn, inner, &table, (&table, column), query, window)
                    .await
                    .or_gql()?;
                let mut models = Vec::with_capacity(rows.len());
                for (parent, rank, total, row) in rows {
                    let model = E::Model::from_query_result(&row, "").or_gql()?;
                    models.push((parent, rank, total, model));
                }
                Ok(regroup(pages_of(models, window)))
            })
            .await?;
        Ok(self.page_from(&pages, window))
    }

    /// This row's page of the rows of `E` reached through the link table `L`: links whose
    /// `parent` column holds this row's id, to the rows of `E` their `target` column names
    /// that satisfy `query`, in its order; each item comes with its link. One statement
    /// for the whole group, as [`Loaded::children_page`].
    pub async fn linked_page<L, E>(
        &self,
        ctx: &Context<'_>,
        parent: &'static str,
        target: &'static str,
        foreign_key: fn(&L::Model) -> Option<i32>,
        query: &Arc<ListQuery>,
        args: &PageArgs,
    ) -> ApiResult<Page<(Loaded<E::Model>, Loaded<L::Model>)>>
    where
        L: EntityTrait,
        L::Model: Clone + Send + Sync + 'static,
        E: EntityTrait,
        E::Model: Clone + Send + Sync + 'static,
    {
        let Some(window) = args.fixed_window() else {
            let links = self.children::<L>(ctx, parent, &ListQuery::all()).await?;
            let all = through::<L::Model, E>(ctx, links, foreign_key, target, query).await?;
            return Ok(Page::cut(all, args));
        };
        let link_table = L::default().table_name().to_owned();
        let table = E::default().table_name().to_owned();
        let name = format!(
            "linked:{link_table}.{parent}>{target}:{}:{window:?}",
            query.key
        );
        let pages: Arc<Pages<Linked<E::Model, L::Model>>> = self
            .shared(name, async {
                let parents = self.group_ids();
                let mut inner = E::find().into_query();
                inner
                    .inner_join(
                        Alias::new(link_table.as_str()),
                        Expr::col((Alias::new(link_table.as_str()), Alias::new(target)))
                            .equals((Alias::new(table.as_str()), Alias::new("id"))),
                    )
                    .and_where(
                        Expr::col((Alias::new(link_table.as_str()), Alias::new(parent)))
                            .is_in(parents),
                    );
                prefixed_columns::<L>(&mut inner, "link_");
                let db = ctx.data::<Db>()?;
                let rows = window_rows(
                    &db.conn,
                    inner,
                    &table,
                    (&link_table, parent),
                    query,
                    window,
                )
                .await
                .or_gql()?;
                let mut pairs = Vec::with_capacity(rows.len());
                for (owner, rank, total, row) in rows {
                    let model = E::Model::from_query_result(&row, "").or_gql()?;
                    let link = L::Model::from_query_result(&row, "link_").or_gql()?;
                    pairs.push((owner, rank, total, (model, link)));
                }
                let pages = pages_of(pairs, window);
                // Targets form one group, links another, as the whole page level does.
                let mut order = Vec::new();
                let (mut targets, mut links) = (Vec::new(), Vec::new());
                for (owner, (items, total)) in pages {
                    order.push((owner, items.len(), total));
                    for (model, link) in items {
                        targets.push(model);
                        links.push(link);
                    }
                }
                let mut targets = group(targets).into_iter();
                let mut links = group(links).into_iter();
                Ok(order
                    .into_iter()
                    .map(|(owner, n, total)| {
                        let items = targets
                            .by_ref()
                            .take(n)
                            .zip(links.by_ref().take(n))
                            .collect();
                        (owner, (items, total))
                    })
                    .collect::<HashMap<_, _>>())
            })
            .await?;
        Ok(self.page_from(&pages, window))
    }

    /// The ids of the rows of this row's group, sorted and distinct.
    fn group_ids(&self) -> Vec<i32> {
        let mut ids: Vec<i32> = self.group.rows.iter().filter_map(id_of).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// This row's page among the pages of its group.
    fn page_from<T: Clone>(
        &self,
        pages: &HashMap<i32, (Vec<T>, usize)>,
        (start, _): (usize, usize),
    ) -> Page<T> {
        let (items, total) = id_of(&self.model)
            .and_then(|id| pages.get(&id).cloned())
            .unwrap_or_default();
        Page {
            items,
            start: start.min(total),
            total,
        }
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
        Ok(self
            .related_where::<E>(ctx, foreign_key, name, &ListQuery::all())
            .await?
            .map(|(_, row)| row))
    }

    /// The row of `E` that `foreign_key` points to if it satisfies `query`, with its rank in
    /// the query's order among the targets of the whole group.
    pub async fn related_where<E>(
        &self,
        ctx: &Context<'_>,
        foreign_key: fn(&M) -> Option<i32>,
        name: &'static str,
        query: &Arc<ListQuery>,
    ) -> ApiResult<Option<Ranked<Loaded<E::Model>>>>
    where
        E: EntityTrait,
        E::Model: Clone + Send + Sync + 'static,
    {
        let Some(target) = foreign_key(&self.model) else {
            return Ok(None);
        };
        let map: Arc<HashMap<i32, Ranked<Loaded<E::Model>>>> = self
            .shared(format!("related:{name}:{}", query.key), async {
                let mut ids: Vec<i32> = self.group.rows.iter().filter_map(foreign_key).collect();
                ids.sort_unstable();
                ids.dedup();
                let found = loader(ctx)?
                    .load_many(ids.iter().map(|id| ById::<E>::new(*id, query.clone())))
                    .await
                    .or_gql()?;
                let mut rows: Vec<(i32, Ranked<E::Model>)> = ids
                    .iter()
                    .filter_map(|id| {
                        Some((*id, found.get(&ById::new(*id, query.clone()))?.clone()))
                    })
                    .collect();
                rows.sort_by_key(|(_, (rank, _))| *rank);
                let (keys, ranked): (Vec<(i32, usize)>, Vec<E::Model>) = rows
                    .into_iter()
                    .map(|(id, (rank, row))| ((id, rank), row))
                    .unzip();
                Ok(keys
                    .into_iter()
                    .zip(group(ranked))
                    .map(|((id, rank), row)| (id, (rank, row)))
                    .collect::<HashMap<_, _>>())
            })
            .await?;
        Ok(map.get(&target).cloned())
    }

    /// The sources this row cites that satisfy `query`, loaded for the whole group.
    pub async fn sources(
        &self,
        ctx: &Context<'_>,
        kind: RecordKind,
        query: &Arc<ListQuery>,
    ) -> ApiResult<Vec<Loaded<source::Model>>> {
        let map: Arc<ChildrenMap<source::Model>> = self
            .shared(format!("sources:{}", query.key), async {
                let mut ids: Vec<i32> = self.group.rows.iter().filter_map(id_of).collect();
                ids.sort_unstable();
                ids.dedup();
                let mut found = loader(ctx)?
                    .load_many(ids.iter().map(|id| CitationsOf {
                        kind,
                        record: *id,
                        query: query.clone(),
                    }))
                    .await
                    .or_gql()?;
                let mut per_record = Vec::new();
                let mut all = Vec::new();
                for id in ids {
                    let key = CitationsOf {
                        kind,
                        record: id,
                        query: query.clone(),
                    };
                    let rows = found.remove(&key).unwrap_or_default();
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
    let all = ListQuery::all();
    let found = loader(ctx)?
        .load_many(ids.iter().map(|id| ById::<E>::new(*id, all.clone())))
        .await
        .or_gql()?;
    let (present, rows): (Vec<i32>, Vec<E::Model>) = ids
        .iter()
        .filter_map(|id| Some((*id, found.get(&ById::new(*id, all.clone()))?.1.clone())))
        .unzip();
    Ok(present.into_iter().zip(group(rows)).collect())
}

/// Follows a link table: for each link row, the row of `E` it points to if it satisfies
/// `query`, paired with the link, in the query's order. All links of one group resolve in
/// one batch.
pub async fn through<L, E>(
    ctx: &Context<'_>,
    links: Vec<Loaded<L>>,
    foreign_key: fn(&L) -> Option<i32>,
    name: &'static str,
    query: &Arc<ListQuery>,
) -> ApiResult<Vec<(Loaded<E::Model>, Loaded<L>)>>
where
    L: ModelTrait + Clone + Send + Sync + 'static,
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    let targets = futures_util::future::try_join_all(
        links
            .iter()
            .map(|l| l.related_where::<E>(ctx, foreign_key, name, query)),
    )
    .await?;
    let mut pairs: Vec<(usize, Loaded<E::Model>, Loaded<L>)> = targets
        .into_iter()
        .zip(links)
        .filter_map(|(target, link)| target.map(|(rank, row)| (rank, row, link)))
        .collect();
    pairs.sort_by_key(|(rank, _, _)| *rank);
    Ok(pairs
        .into_iter()
        .map(|(_, row, link)| (row, link))
        .collect())
}

/// Pages of several parents with all their items made one group.
fn regroup<M: Clone>(
    pages: HashMap<i32, (Vec<M>, usize)>,
) -> HashMap<i32, (Vec<Loaded<M>>, usize)> {
    let mut order = Vec::new();
    let mut all = Vec::new();
    for (parent, (items, total)) in pages {
        order.push((parent, items.len(), total));
        all.extend(items);
    }
    let mut grouped = group(all).into_iter();
    order
        .into_iter()
        .map(|(parent, n, total)| (parent, (grouped.by_ref().take(n).collect(), total)))
        .collect()
}
