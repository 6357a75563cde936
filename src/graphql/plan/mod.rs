//! The read planner: a root field whose selection it covers is answered by one SQL statement
//! that returns the whole answer as JSON, which becomes the field's value as it is, with no
//! resolver run per field of every row. `collect` reads the selection into a plan, `sql`
//! writes the plan as one statement (PostgreSQL's or SQLite's words) and reads its JSON; the
//! node types' facts it reads are the model's (`graphql/model.rs`).
//!
//! What it covers: root lists with any of their arguments but `last`/`before`, and the
//! roots that give one row; in a list `totalCount`, `nodes`, `edges { cursor node }`,
//! `pageInfo`, `aggregate` and `__typename`; in a node its column fields, uncertain dates,
//! parents and nested lists, as deep as the query goes, aliased, repeated and through
//! fragments. Everything else (a link's edge fields, computed fields, `paged` lists,
//! `@skip`/`@include`) makes the root field resolve field by field, as without the planner.
//! `--planner verify` runs both ways on every covered field and answers an error where they
//! differ: the test suite runs that way.

mod collect;
mod sql;

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{
    ContextSelectionSet, OutputType, Positioned, ServerError, ServerResult, Value,
};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;
use sea_orm::{DatabaseBackend, EntityName, EntityTrait, QueryTrait, Select};

use super::error::{ApiResult, OrGraphql};
use super::filter::list_query;
use super::list::{Connection, Db, PageArgs, PageLimit, Row, alone};
use super::model::{Record, Target};
use super::order::OrderBy;

/// Whether root list fields are planned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PlannerMode {
    /// Every field resolves on its own.
    Off,
    /// A covered field is answered by its one statement.
    #[default]
    On,
    /// A covered field is answered both ways; the resolvers' answer is given, and a
    /// difference is an error (`PLANNER_MISMATCH`).
    Verify,
}

/// A field's answer: planned (a value as it is), resolved field by field, or both, held
/// equal before the resolved one is given. Its GraphQL type is the resolved one's.
pub enum Answer<T> {
    /// The planned value, handed over once as it is.
    Planned(std::sync::Mutex<Option<Value>>),
    /// The value the resolvers give.
    Resolved(T),
    /// Both, to be compared.
    Verified(Value, T),
}

impl<T> Answer<T> {
    /// The planned value.
    pub fn planned(value: Value) -> Self {
        Answer::Planned(std::sync::Mutex::new(Some(value)))
    }
}

impl<T: OutputType> OutputType for Answer<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match self {
            // A field's value is resolved once: it is handed over, not copied.
            Answer::Planned(value) => Ok(value
                .lock()
                .ok()
                .and_then(|mut value| value.take())
                .unwrap_or_default()),
            Answer::Resolved(resolved) => resolved.resolve(ctx, field).await,
            Answer::Verified(planned, resolved) => {
                let resolved = resolved.resolve(ctx, field).await?;
                if &resolved == planned {
                    return Ok(resolved);
                }
                COUNTS.mismatched.fetch_add(1, Ordering::Relaxed);
                tracing::error!(field = %field.node.name.node, %planned, %resolved, "the planned answer differs");
                Err(ServerError::new(
                    format!(
                        "PLANNER_MISMATCH: the planned answer of `{}` differs from the resolved one",
                        field.node.name.node
                    ),
                    Some(field.pos),
                ))
            }
        }
    }
}

/// How often root list fields were planned, fell back, or differed, since the start.
pub struct Counts {
    planned: AtomicU64,
    fallback: AtomicU64,
    mismatched: AtomicU64,
}

/// This process's counts.
pub static COUNTS: Counts = Counts {
    planned: AtomicU64::new(0),
    fallback: AtomicU64::new(0),
    mismatched: AtomicU64::new(0),
};

impl Counts {
    /// (planned, fell back, differed).
    pub fn read(&self) -> (u64, u64, u64) {
        (
            self.planned.load(Ordering::Relaxed),
            self.fallback.load(Ordering::Relaxed),
            self.mismatched.load(Ordering::Relaxed),
        )
    }
}

/// Notes the planner's decision for `field`: counted, and with `FOC_PLANNER_LOG` set (read
/// once), appended to that file (`planned <field>` or `fallback <field> <why>`), so the
/// coverage of a whole test run can be read off.
fn note(field: &str, outcome: Result<(), &str>) {
    static LOG: std::sync::OnceLock<Option<std::ffi::OsString>> = std::sync::OnceLock::new();
    let counter = match outcome {
        Ok(()) => &COUNTS.planned,
        Err(_) => &COUNTS.fallback,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    if let Some(path) = LOG.get_or_init(|| std::env::var_os("FOC_PLANNER_LOG")) {
        use std::io::Write;
        let line = match outcome {
            Ok(()) => format!("planned\t{field}\n"),
            Err(why) => format!("fallback\t{field}\t{why}\n"),
        };
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = file.write_all(line.as_bytes());
        }
    }
}

/// What the planner made of root fields, kept for the requests that ask the same again: a
/// root field's statement depends on nothing but the request's text, operation and
/// variables and the field's place in it, so a request repeating them reuses the statement
/// (or the decision to leave the field to the resolvers) rather than planning it again.
pub struct Plans {
    kept: Mutex<LruCache<PlanKey, Planned>>,
    reused: AtomicU64,
}

/// A root field's place: its request (operation, variables and text) and its position.
type PlanKey = (Arc<str>, usize, usize);

/// A root field's statement, or why the planner leaves the field to the resolvers.
type Planned = Result<Arc<sql::Prepared>, collect::Uncovered>;

/// How many root fields' plans are kept.
const PLANS: usize = 1000;

impl Default for Plans {
    fn default() -> Self {
        Self {
            kept: Mutex::new(LruCache::new(
                NonZeroUsize::new(PLANS).unwrap_or(NonZeroUsize::MIN),
            )),
            reused: AtomicU64::new(0),
        }
    }
}

impl Plans {
    /// How many root fields were decided by a plan kept from an earlier request.
    pub fn reused(&self) -> u64 {
        self.reused.load(Ordering::Relaxed)
    }

    /// The plan kept for `key`, counted as reused.
    fn get(&self, key: &PlanKey) -> Option<Planned> {
        let kept = self.lock().get(key).cloned();
        if kept.is_some() {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        kept
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<PlanKey, Planned>> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A request's handle on the kept plans: the cache and the request's key. Requests without
/// one (or asking with a page limit of their own) plan every field afresh.
#[derive(Clone)]
pub struct PlanSlot {
    plans: Arc<Plans>,
    request: Arc<str>,
}

impl PlanSlot {
    /// The slot of a request with this text, operation and variables (none where the
    /// variables cannot be written out, so no two requests could share a key by mistake).
    pub fn new(
        plans: Arc<Plans>,
        query: &str,
        operation: Option<&str>,
        variables: &async_graphql::Variables,
    ) -> Option<Self> {
        let variables = serde_json::to_string(variables).ok()?;
        let request = format!("{}\u{1f}{variables}\u{1f}{query}", operation.unwrap_or(""));
        Some(Self {
            plans,
            request: request.into(),
        })
    }

    /// The key of the field `ctx` resolves, if its plan may be kept: a root field's only
    /// (a field below the root can be resolved once for each of several parents).
    fn key(&self, ctx: &async_graphql::Context<'_>) -> Option<PlanKey> {
        let root = ctx
            .path_node
            .as_ref()
            .is_some_and(|node| node.parent.is_none());
        let paged = ctx.data_opt::<PageLimit>().is_some();
        (root && !paged).then(|| (self.request.clone(), ctx.item.pos.line, ctx.item.pos.column))
    }
}

/// The answer of the root field `ctx` resolves: planned when the planner is on and
/// `prepare` covers its selection (its statement is then run), resolved by `resolve`
/// otherwise, and both when verifying.
async fn planned_or<T>(
    ctx: &async_graphql::Context<'_>,
    prepare: impl FnOnce(
        &collect::Request,
        DatabaseBackend,
    ) -> Result<ApiResult<sql::Prepared>, collect::Uncovered>,
    resolve: impl std::future::Future<Output = ApiResult<T>>,
) -> ApiResult<Answer<T>> {
    // Boxed: a root field's future holds the resolvers' and the statement's, and the
    // executor's stack holds the root field's.
    let resolve = Box::pin(resolve);
    let mode = ctx.data_opt::<PlannerMode>().copied().unwrap_or_default();
    if mode == PlannerMode::Off {
        return Ok(Answer::Resolved(resolve.await?));
    }
    let name = ctx.item.node.name.node.as_str();
    let db = ctx.data::<Db>()?;
    let slot = ctx.data_opt::<PlanSlot>();
    let key = slot.and_then(|slot| Some((slot, slot.key(ctx)?)));
    let kept = key.as_ref().and_then(|(slot, key)| slot.plans.get(key));
    let planned = match kept {
        Some(planned) => planned,
        None => {
            let backend = db.conn.get_database_backend();
            let planned = match prepare(&collect::Request(ctx), backend) {
                Ok(prepared) => Ok(Arc::new(prepared?)),
                Err(why) => Err(why),
            };
            if let Some((slot, key)) = key {
                slot.plans.lock().put(key, planned.clone());
            }
            planned
        }
    };
    let prepared = match planned {
        Ok(prepared) => prepared,
        Err(why) => {
            note(name, Err(why));
            return Ok(Answer::Resolved(resolve.await?));
        }
    };
    note(name, Ok(()));
    match mode {
        // Verifying must not change what the request reports it ran.
        PlannerMode::Verify => {
            let planned = Box::pin(sql::run(db.uncounted(), &prepared)).await?;
            Ok(Answer::Verified(planned, resolve.await?))
        }
        _ => Ok(Answer::planned(
            Box::pin(sql::run(&db.conn, &prepared)).await?,
        )),
    }
}

/// The answer of a root field giving the one row of `N` that `select` chooses (or null).
pub async fn one<N>(
    ctx: &async_graphql::Context<'_>,
    select: Select<N::Entity>,
) -> ApiResult<Answer<Option<N>>>
where
    N: Record,
    <N::Entity as EntityTrait>::Model: Row,
{
    let resolve = async {
        let found = select.clone().one(&ctx.data::<Db>()?.conn).await.or_gql()?;
        Ok(found.map(alone).map(N::wrap))
    };
    let prepare = |request: &collect::Request, backend| {
        let mut layout = collect::Layout::default();
        let sets = [&ctx.item.node.selection_set.node];
        let node = collect::node(request, Target::of::<N>(), &sets, &mut layout)?;
        let mut row = select.clone().into_query();
        row.limit(1);
        Ok(sql::prepare_one(backend, row, layout, node))
    };
    planned_or(ctx, prepare, resolve).await
}

/// A root list: the rows `select` chooses for the object `on` (the whole table, or narrowed
/// by the field's own arguments or the object), filtered, sorted and paged as asked.
pub async fn root<N, T>(
    ctx: &async_graphql::Context<'_>,
    on: &T,
    select: impl FnOnce(&T) -> Select<N::Entity>,
    filter: Option<&N::Filter>,
    order_by: Option<&[OrderBy<N::OrderField>]>,
    args: PageArgs,
) -> ApiResult<Answer<Connection<N>>>
where
    N: Record,
    <N::Entity as EntityTrait>::Model: Row,
    Connection<N>: OutputType,
{
    let query = list_query::<N::Entity, _, _>(filter, order_by, N::ORDER);
    let select = select(on);
    let resolve = Connection::from_query(ctx, select.clone(), &query, &args, N::wrap);
    let prepare = |request: &collect::Request, backend| {
        let sets = [&ctx.item.node.selection_set.node];
        let type_name = Connection::<N>::type_name().into_owned();
        let plan = collect::connection(request, Target::of::<N>(), &sets, &args, type_name)?;
        // The root's rows are the whole table when it narrows them by nothing of its own.
        let whole = (*select.as_query() == N::Entity::find().into_query())
            .then(|| N::Entity::default().table_name());
        let length = sql::Length::of(&query, whole);
        Ok(query
            .apply(select.clone())
            .or_gql()
            .and_then(|rows| sql::prepare_list(backend, rows.into_query(), length, args, plan)))
    };
    planned_or(ctx, prepare, resolve).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema, SimpleObject, value};

    #[derive(SimpleObject)]
    struct Item {
        name: String,
    }

    struct Query;

    #[Object]
    impl Query {
        async fn same(&self) -> Answer<Item> {
            Answer::Verified(value!({ "name": "a" }), Item { name: "a".into() })
        }

        async fn different(&self) -> Answer<Item> {
            Answer::Verified(value!({ "name": "b" }), Item { name: "a".into() })
        }

        async fn planned(&self) -> Answer<Item> {
            Answer::planned(value!({ "name": "p" }))
        }
    }

    #[tokio::test]
    async fn verifying_gives_the_resolved_answer_and_refuses_a_difference() {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let same = schema.execute("{ same { name } planned { name } }").await;
        assert!(same.errors.is_empty(), "{:?}", same.errors);
        assert_eq!(
            same.data,
            value!({ "same": { "name": "a" }, "planned": { "name": "p" } })
        );
        let before = COUNTS.read().2;
        let different = schema.execute("{ different { name } }").await;
        assert_eq!(different.errors.len(), 1);
        assert!(
            different.errors[0].message.starts_with("PLANNER_MISMATCH"),
            "{}",
            different.errors[0].message
        );
        assert_eq!(COUNTS.read().2, before + 1);
    }
}
