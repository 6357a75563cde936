//! Batched loading. Rows loaded together form a group ([`Loaded`]); a relationship asked of
//! one row is loaded for its whole group through the request's DataLoader, so each
//! relationship field of a query costs one batch whatever the number of rows.

use std::any::Any;
use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Deref;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::enums::RecordKind;
use entity::source;
use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{EntityTrait, FromQueryResult, ModelTrait, QueryFilter, QueryResult, QueryTrait};

use super::*;
use crate::graphql::error::{ApiError, ApiResult, OrGraphql};
use entity::keys::{ForeignKey, Link};
use sea_orm::IdenStatic;

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

/// A row on its own (loaded alone, or just written), as a group of one.
pub fn alone<M: Clone>(row: M) -> Loaded<M> {
    let rows = vec![row.clone()];
    let group = Arc::new(Group {
        rows,
        shared: Arc::default(),
    });
    Loaded { model: row, group }
}

/// Several owners' rows made one group, each owner keeping its own, in order.
fn regroup<K, M: Clone>(owned: Vec<(K, Vec<M>)>) -> impl Iterator<Item = (K, Vec<Loaded<M>>)> {
    let sizes: Vec<usize> = owned.iter().map(|(_, rows)| rows.len()).collect();
    let (keys, rows): (Vec<K>, Vec<Vec<M>>) = owned.into_iter().unzip();
    let mut all = group(rows.into_iter().flatten().collect()).into_iter();
    let regrouped: Vec<_> = sizes
        .into_iter()
        .map(|n| all.by_ref().take(n).collect())
        .collect();
    keys.into_iter().zip(regrouped)
}

/// The key of the row of `E` with this id, if it satisfies `query`.
fn by_id<E>(id: i32, query: &Arc<ListQuery>) -> ByColumn<E> {
    ByColumn::new("id", id, query.clone())
}

/// Distinct ids, sorted. (Sorting a vector: a set costs more, and every list asks.)
fn distinct(ids: impl Iterator<Item = i32>) -> Vec<i32> {
    let mut ids: Vec<i32> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The `id` of any row.
pub(super) fn id_of<M: ModelTrait>(model: &M) -> Option<i32> {
    let id = <<M::Entity as EntityTrait>::Column as FromStr>::from_str("id").ok()?;
    int_of(model, id)
}

/// Children of the rows of one group, by parent id, themselves one group.
type ChildrenMap<M> = HashMap<i32, Vec<Loaded<M>>>;

impl<M: Row> Loaded<M> {
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

    /// Runs `load` once over the rows of this row's whole group, under `name`, and shares
    /// its result with every row of the group.
    pub async fn for_group<'a, T, F>(
        &'a self,
        name: &str,
        load: impl FnOnce(&'a [M]) -> F,
    ) -> ApiResult<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: Future<Output = ApiResult<T>> + Send + 'a,
    {
        self.shared(format!("group:{name}"), load(&self.group.rows))
            .await
    }

    /// This row's id, the ids of its whole group, and the group's shared results: what a
    /// nested list needs to compute its aggregates for every parent at once.
    pub fn group_scope(&self) -> (Option<i32>, Vec<i32>, Arc<Shared>) {
        (
            id_of(&self.model),
            self.group_ids(),
            self.group.shared.clone(),
        )
    }

    /// This row's rows among those the loader gives for `key(id)` of every row of its group:
    /// loaded once for the group under `name`, and all of them one group in turn, so that
    /// the lists below them batch too.
    async fn per_row<K, R>(
        &self,
        ctx: &Context<'_>,
        name: String,
        key: impl Fn(i32) -> K + Send + Sync,
    ) -> ApiResult<Vec<Loaded<R>>>
    where
        K: Hash + Eq + Clone + Send + Sync + 'static,
        DbLoader: Loader<K, Value = Vec<Ranked<R>>, Error = ApiError>,
        R: Row,
    {
        let map: Arc<ChildrenMap<R>> = self
            .shared(name, async {
                let ids = self.group_ids();
                let mut found = loader(ctx)?
                    .load_many(ids.iter().map(|id| key(*id)))
                    .await
                    .or_gql()?;
                let owned = ids.into_iter().map(|id| {
                    let rows = found.remove(&key(id)).unwrap_or_default();
                    (id, rows.into_iter().map(|(_, row)| row).collect())
                });
                Ok(regroup(owned.collect()).collect::<ChildrenMap<R>>())
            })
            .await?;
        Ok(id_of(&self.model)
            .and_then(|id| map.get(&id).cloned())
            .unwrap_or_default())
    }

    /// The rows of `E` whose key `fk` holds this row's id and that satisfy `query`, in its
    /// order.
    pub async fn children<E, P>(
        &self,
        ctx: &Context<'_>,
        fk: ForeignKey<E, P>,
        query: &Arc<ListQuery>,
    ) -> ApiResult<Vec<Loaded<E::Model>>>
    where
        E: EntityTrait,
        E::Model: Row,
        P: EntityTrait,
    {
        let column = fk.column.as_str();
        let name = format!(
            "children:{}.{column}:{}",
            E::default().table_name(),
            query.key
        );
        self.per_row(ctx, name, |parent| {
            ByColumn::<E>::new(column, parent, query.clone())
        })
        .await
    }

    /// This row's page of the rows of `E` whose key `fk` holds its id and that satisfy
    /// `query`. The database cuts the pages of the whole group in one statement; only pages
    /// counted from the end (`last`, `before`) are cut from the whole lists in memory.
    pub async fn children_page<E, P>(
        &self,
        ctx: &Context<'_>,
        fk: ForeignKey<E, P>,
        query: &Arc<ListQuery>,
        args: &PageArgs,
    ) -> ApiResult<Page<Loaded<E::Model>>>
    where
        E: EntityTrait,
        E::Model: Row,
        P: EntityTrait,
    {
        let Some(window) = args.fixed_window() else {
            let all = self.children(ctx, fk, query).await?;
            return Ok(Page::cut(all, args));
        };
        let column = fk.column.as_str();
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
                let read = |row: &QueryResult| E::Model::from_query_result(row, "");
                let pages = window_rows(
                    &db.conn,
                    inner,
                    &table,
                    (&table, column),
                    query,
                    window,
                    read,
                )
                .await
                .or_gql()?;
                Ok(regroup(pages)
                    .map(|((parent, total), items)| (parent, (items, total)))
                    .collect::<Pages<_>>())
            })
            .await?;
        Ok(self.page_from(&pages, window))
    }

    /// This row's page of the rows of `E` reached through the link table `L`: links whose
    /// `from` key holds this row's id, to the rows of `E` their `to` key names that satisfy
    /// `query`, in its order; each item comes with its link. One statement for the whole
    /// group, as [`Loaded::children_page`].
    pub async fn linked_page<P, L, E>(
        &self,
        ctx: &Context<'_>,
        link: Link<P, L, E>,
        query: &Arc<ListQuery>,
        args: &PageArgs,
    ) -> ApiResult<Page<(Loaded<E::Model>, Loaded<L::Model>)>>
    where
        P: EntityTrait,
        L: EntityTrait,
        L::Model: Row,
        E: EntityTrait,
        E::Model: Row,
    {
        let Some(window) = args.fixed_window() else {
            let links = self.children(ctx, link.from, &ListQuery::all()).await?;
            let all = through(ctx, links, link.to, query).await?;
            return Ok(Page::cut(all, args));
        };
        let (parent, target) = (link.from.column.as_str(), link.to.column.as_str());
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
                let read = |row: &QueryResult| {
                    let model = E::Model::from_query_result(row, "")?;
                    Ok((model, L::Model::from_query_result(row, "link_")?))
                };
                let owner = (link_table.as_str(), parent);
                let pages = window_rows(&db.conn, inner, &table, owner, query, window, read)
                    .await
                    .or_gql()?;
                // Targets form one group, links another, as the whole page level does.
                let (targets, links): (Vec<_>, Vec<_>) = pages
                    .into_iter()
                    .map(|(owner, pairs)| {
                        let (targets, links): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
                        ((owner, targets), (owner, links))
                    })
                    .unzip();
                Ok(regroup(targets)
                    .zip(regroup(links))
                    .map(|(((owner, total), targets), (_, links))| {
                        (owner, (targets.into_iter().zip(links).collect(), total))
                    })
                    .collect::<Pages<_>>())
            })
            .await?;
        Ok(self.page_from(&pages, window))
    }

    /// The ids of the rows of this row's group, sorted and distinct.
    fn group_ids(&self) -> Vec<i32> {
        distinct(self.group.rows.iter().filter_map(id_of))
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

    /// The row of `E` that this row's key `fk` points to, loaded for the whole group.
    pub async fn related<C, E>(
        &self,
        ctx: &Context<'_>,
        fk: ForeignKey<C, E>,
    ) -> ApiResult<Option<Loaded<E::Model>>>
    where
        C: EntityTrait<Model = M>,
        E: EntityTrait,
        E::Model: Row,
    {
        Ok(self
            .related_where(ctx, fk, &ListQuery::all())
            .await?
            .map(|(_, row)| row))
    }

    /// The row of `E` that the key `fk` points to if it satisfies `query`, with its rank in
    /// the query's order among the targets of the whole group.
    pub async fn related_where<C, E>(
        &self,
        ctx: &Context<'_>,
        fk: ForeignKey<C, E>,
        query: &Arc<ListQuery>,
    ) -> ApiResult<Option<Ranked<Loaded<E::Model>>>>
    where
        C: EntityTrait<Model = M>,
        E: EntityTrait,
        E::Model: Row,
    {
        let Some(target) = fk.value(&self.model) else {
            return Ok(None);
        };
        let name = fk.column.as_str();
        let map: Arc<HashMap<i32, Ranked<Loaded<E::Model>>>> = self
            .shared(format!("related:{name}:{}", query.key), async {
                let ids = distinct(self.group.rows.iter().filter_map(|row| fk.value(row)));
                let found = loader(ctx)?
                    .load_many(ids.iter().map(|id| by_id::<E>(*id, query)))
                    .await
                    .or_gql()?;
                let mut rows: Vec<(i32, Ranked<E::Model>)> = ids
                    .iter()
                    .filter_map(|id| Some((*id, found.get(&by_id(*id, query))?.first()?.clone())))
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
        self.per_row(ctx, format!("sources:{}", query.key), |record| {
            CitationsOf {
                kind,
                record,
                query: query.clone(),
            }
        })
        .await
    }
}

/// Rows of `E` by id, in the order given, as one group (for `node(id:)` and `nodes(ids:)`).
pub async fn by_ids<E>(ctx: &Context<'_>, ids: &[i32]) -> ApiResult<HashMap<i32, Loaded<E::Model>>>
where
    E: EntityTrait,
    E::Model: Row,
{
    let all = ListQuery::all();
    let found = loader(ctx)?
        .load_many(ids.iter().map(|id| by_id::<E>(*id, &all)))
        .await
        .or_gql()?;
    let (present, rows): (Vec<i32>, Vec<E::Model>) = ids
        .iter()
        .filter_map(|id| Some((*id, found.get(&by_id(*id, &all))?.first()?.1.clone())))
        .unzip();
    Ok(present.into_iter().zip(group(rows)).collect())
}

/// Follows a link table: for each link row, the row of `E` its key `to` points to if it
/// satisfies `query`, paired with the link, in the query's order. All links of one group
/// resolve in one batch.
pub async fn through<L, E>(
    ctx: &Context<'_>,
    links: Vec<Loaded<L::Model>>,
    to: ForeignKey<L, E>,
    query: &Arc<ListQuery>,
) -> ApiResult<Vec<(Loaded<E::Model>, Loaded<L::Model>)>>
where
    L: EntityTrait,
    L::Model: Row,
    E: EntityTrait,
    E::Model: Row,
{
    let targets =
        futures_util::future::try_join_all(links.iter().map(|l| l.related_where(ctx, to, query)))
            .await?;
    let mut pairs: Vec<_> = targets
        .into_iter()
        .zip(links)
        .filter_map(|(target, link)| target.map(|(rank, row)| (rank, (row, link))))
        .collect();
    pairs.sort_by_key(|(rank, _)| *rank);
    Ok(pairs.into_iter().map(|(_, pair)| pair).collect())
}
