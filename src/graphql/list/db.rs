//! The database handle of one request, which counts its statements, and the batching
//! loader over it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use sea_orm::DatabaseConnection;

use crate::graphql::error::ApiResult;

/// The database handle of one request; it counts the statements the request runs.
#[derive(Clone)]
pub struct Db {
    /// The connection pool, with a statement counter attached.
    pub conn: DatabaseConnection,
    /// The same pool without the counter, for statements the request does not report.
    uncounted: DatabaseConnection,
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
        Self {
            conn,
            uncounted: pool.clone(),
            statements,
        }
    }

    /// The pool without the statement counter.
    pub fn uncounted(&self) -> &DatabaseConnection {
        &self.uncounted
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
    pub(super) conn: DatabaseConnection,
}

pub(super) fn loader<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a DataLoader<DbLoader>> {
    ctx.data::<DataLoader<DbLoader>>()
}
