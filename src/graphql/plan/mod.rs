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
use sea_orm::{DatabaseConnection, EntityName, EntityTrait, QueryTrait, Select};

use super::error::{ApiResult, OrGraphql};
use super::list::{Connection, Db, ListQuery, PageArgs};
use super::model::{Record, Target};

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

/// The answer of the root field `ctx` resolves: planned when the planner is on and `plan`
/// covers its selection (`run` then runs the plan's statement), resolved by `resolve`
/// otherwise, and both when verifying.
async fn planned_or<T, P>(
    ctx: &async_graphql::Context<'_>,
    plan: impl FnOnce(&collect::Request) -> Result<P, collect::Uncovered>,
    run: impl AsyncFnOnce(&DatabaseConnection, P) -> ApiResult<Value>,
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
    let plan = match plan(&collect::Request::of(ctx)) {
        Ok(plan) => plan,
        Err(why) => {
            note(name, Err(why));
            return Ok(Answer::Resolved(resolve.await?));
        }
    };
    note(name, Ok(()));
    let db = ctx.data::<Db>()?;
    match mode {
        // Verifying must not change what the request reports it ran.
        PlannerMode::Verify => {
            let planned = Box::pin(run(db.uncounted(), plan)).await?;
            Ok(Answer::Verified(planned, resolve.await?))
        }
        _ => Ok(Answer::planned(Box::pin(run(&db.conn, plan)).await?)),
    }
}

/// The answer of a root field giving the one row of `N` that `select` chooses (or null).
pub async fn one<N: Record>(
    ctx: &async_graphql::Context<'_>,
    select: &Select<N::Entity>,
    resolve: impl std::future::Future<Output = ApiResult<Option<N>>>,
) -> ApiResult<Answer<Option<N>>> {
    let plan = |request: &collect::Request| {
        let mut layout = collect::Layout::default();
        let sets = [&ctx.item.node.selection_set.node];
        let node = collect::node(request, Target::of::<N>(), &sets, &mut layout)?;
        Ok((layout, node))
    };
    let run = async |conn: &DatabaseConnection, (layout, node)| {
        let mut row = select.clone().into_query();
        row.limit(1);
        sql::one(conn, row, &layout, &node).await
    };
    planned_or(ctx, plan, run, resolve).await
}

/// The answer of a root list field over the rows `select` and `query` give, paged by `args`.
pub async fn answer<T, N>(
    ctx: &async_graphql::Context<'_>,
    select: &Select<N::Entity>,
    query: &ListQuery,
    args: &PageArgs,
    resolve: impl std::future::Future<Output = ApiResult<T>>,
) -> ApiResult<Answer<T>>
where
    N: Record,
    Connection<N>: OutputType,
{
    let plan = |request: &collect::Request| {
        let sets = [&ctx.item.node.selection_set.node];
        let type_name = Connection::<N>::type_name().into_owned();
        collect::connection(request, Target::of::<N>(), &sets, args, type_name)
    };
    let run = async |conn: &DatabaseConnection, plan| {
        // The root's rows are the whole table when it narrows them by nothing of its own.
        let whole = (*select.as_query() == N::Entity::find().into_query())
            .then(|| N::Entity::default().table_name());
        let rows = query.apply(select.clone()).or_gql()?.into_query();
        sql::answer(conn, rows, sql::Length::of(query, whole), args, &plan).await
    };
    planned_or(ctx, plan, run, resolve).await
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
