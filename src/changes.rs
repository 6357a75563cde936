//! The change feed, and what keeps several servers over one PostgreSQL database consistent.
//!
//! Every committed write (a mutation, an import, a seed, a generated load) raises the
//! dataset version in its own transaction ([`announce`]) and says what it changed: on
//! PostgreSQL with `NOTIFY` in that transaction, so a rolled-back write announces nothing
//! and every listening server hears each committed write once, in commit order; on SQLite,
//! which one process serves, in that process once the write has committed.
//!
//! Each server keeps a [`Feed`]: the version its reads are known to reflect (which keys its
//! response cache), whether it is hearing announcements (when it is not, its cache is
//! stale and it says so), and a bounded broadcast to its subscribers. With a streaming
//! standby for reads, an announcement is passed on only once the standby has replayed it,
//! so a server never caches or sends a record its reads cannot see yet.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::dataset_version;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The PostgreSQL channel announcements are sent on.
pub const CHANNEL: &str = "foc_graph_changes";

/// PostgreSQL refuses a `NOTIFY` payload of 8000 bytes or more; an announcement longer than
/// this names no records, only that it changed more than it could list.
const LARGEST_PAYLOAD: usize = 7_000;

/// How often a server looks whether its standby has replayed a version it waits for.
const REPLAY_POLL: Duration = Duration::from_millis(5);

/// How long a server waits for its standby before it treats its cache as stale.
const REPLAY_PATIENCE: Duration = Duration::from_secs(1);

/// The longest pause between attempts to listen again after the connection was lost.
const LONGEST_RECONNECT_PAUSE: Duration = Duration::from_secs(5);

/// What a write did to one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    /// The record was added.
    Created,
    /// The record's facts, links or sources changed.
    Updated,
    /// The record was deleted.
    Deleted,
}

/// What kind of write a change was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cause {
    /// A curation mutation.
    Mutation,
    /// An import, which replaced every record.
    Import,
    /// A seed, which added the records of a data file that were missing.
    Seed,
    /// A load of synthetic data.
    Generate,
    /// Writes this server did not hear about while it was not listening; what they changed
    /// is unknown.
    Missed,
}

/// One record a write changed: its type name (as global ids carry it), row id and what
/// happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordChange {
    /// The record's type name, such as `State`.
    pub kind: String,
    /// The record's row id.
    pub id: i32,
    /// What happened to it.
    pub operation: Operation,
}

/// One committed write, as it is announced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Announcement {
    /// The dataset version the write committed.
    pub version: i64,
    /// When it was committed (by the writer's clock).
    pub at: DateTime<Utc>,
    /// What kind of write it was.
    pub cause: Cause,
    /// The records it changed, when it names them (mutations do).
    #[serde(default)]
    pub records: Vec<RecordChange>,
    /// Whether it changed more records than an announcement can name.
    #[serde(default)]
    pub truncated: bool,
}

impl Announcement {
    /// Whether the write replaced the whole dataset.
    pub fn replaced(&self) -> bool {
        self.cause == Cause::Import
    }
}

/// Raises the dataset version inside the write's transaction and announces the write to
/// every server listening (PostgreSQL delivers it once the transaction commits, and never
/// when it rolls back). Returns the announcement, which on SQLite the caller publishes
/// itself once the write has committed.
pub async fn announce<C: ConnectionTrait>(
    txn: &C,
    cause: Cause,
    records: Vec<RecordChange>,
) -> Result<Announcement, DbErr> {
    use dataset_version::Column;
    let at = Utc::now();
    let raise = Query::update()
        .table(dataset_version::Entity)
        .value(Column::Version, Expr::col(Column::Version).add(1))
        .value(Column::ChangedAt, at)
        .and_where(Expr::col(Column::Id).eq(1))
        .returning_col(Column::Version)
        .to_owned();
    let row = txn
        .query_one(&raise)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the dataset version".to_owned()))?;
    let version: i64 = row.try_get_by_index(0)?;
    let announcement = Announcement {
        version,
        at,
        cause,
        records,
        truncated: false,
    };
    if txn.get_database_backend() == DbBackend::Postgres {
        let mut payload = to_json(&announcement)?;
        if payload.len() > LARGEST_PAYLOAD {
            payload = to_json(&Announcement {
                records: Vec::new(),
                truncated: true,
                ..announcement.clone()
            })?;
        }
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        ))
        .await?;
    }
    Ok(announcement)
}

fn to_json(announcement: &Announcement) -> Result<String, DbErr> {
    serde_json::to_string(announcement).map_err(|e| DbErr::Custom(e.to_string()))
}

/// The dataset version a database holds (0 before the first write).
pub async fn version_of<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    use dataset_version::Column;
    let select = Query::select()
        .column(Column::Version)
        .from(dataset_version::Entity)
        .and_where(Expr::col(Column::Id).eq(1))
        .to_owned();
    match db.query_one(&select).await? {
        Some(row) => row.try_get_by_index(0),
        None => Ok(0),
    }
}

/// A server's view of the change feed.
pub struct Feed {
    sender: broadcast::Sender<Arc<Announcement>>,
    /// The latest version this server's reads are known to reflect.
    version: AtomicI64,
    /// The latest version passed on to subscribers.
    announced: AtomicI64,
    /// Whether this server hears every announcement (always on SQLite).
    hearing: AtomicBool,
    /// Whether it stopped hearing (or never managed to listen) after starting: its cache
    /// is then off. (Before the first connection nothing is cached that it could miss:
    /// the first connection reconciles whatever was cached meanwhile.)
    lost: AtomicBool,
    /// Whether it is waiting longer than it should for its standby to replay a write.
    behind: AtomicBool,
    /// The standby's replay lag in milliseconds, when reads go to a standby.
    lag_ms: AtomicU64,
    /// How many times the listening connection was lost.
    reconnects: AtomicU64,
    /// How this server learns of writes.
    mode: Mode,
}

/// How a server learns of committed writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// It makes them itself: one process serves (SQLite).
    InProcess,
    /// It hears them from PostgreSQL, reading from the primary itself.
    Listening,
    /// It hears them from PostgreSQL, reading from a standby.
    ListeningWithStandby,
}

impl Feed {
    /// A feed at `version` that keeps up to `buffer` announcements for each subscriber; a
    /// subscriber that falls further behind is told so and dropped.
    /// It hears nothing until it listens, unless it makes every write itself.
    pub fn new(buffer: usize, mode: Mode) -> Arc<Self> {
        let (sender, _) = broadcast::channel(buffer.max(1));
        Arc::new(Self {
            sender,
            version: AtomicI64::new(0),
            announced: AtomicI64::new(0),
            hearing: AtomicBool::new(mode == Mode::InProcess),
            lost: AtomicBool::new(false),
            mode,
            behind: AtomicBool::new(false),
            lag_ms: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
        })
    }

    /// The latest version this server's reads are known to reflect.
    pub fn version(&self) -> i64 {
        self.version.load(Ordering::Acquire)
    }

    /// Whether this server hears every write as it commits.
    pub fn hearing(&self) -> bool {
        self.hearing.load(Ordering::Acquire)
    }

    /// Whether responses may be cached and answered from the cache: only while every write
    /// is heard and the standby keeps up, else a write could go unnoticed.
    pub fn cache_usable(&self) -> bool {
        !self.lost() && !self.behind.load(Ordering::Acquire)
    }

    /// Whether it stopped hearing writes after it started, and has not listened again yet.
    pub fn lost(&self) -> bool {
        self.lost.load(Ordering::Acquire)
    }

    /// The standby's replay lag, when reads go to one.
    pub fn read_lag(&self) -> Duration {
        Duration::from_millis(self.lag_ms.load(Ordering::Relaxed))
    }

    /// How many times the listening connection was lost.
    pub fn reconnects(&self) -> u64 {
        self.reconnects.load(Ordering::Relaxed)
    }

    /// A receiver of every announcement from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Announcement>> {
        self.sender.subscribe()
    }

    /// How many subscribers are receiving announcements.
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Marks that this server's reads reflect `version`, without telling subscribers.
    fn advance(&self, version: i64) {
        self.version.fetch_max(version, Ordering::AcqRel);
    }

    /// Takes note of a write this server committed: passed on at once where no other server
    /// announces it; where PostgreSQL announces it, the cache is stale at once, and with a
    /// standby only once the standby has replayed it.
    pub fn committed(&self, announcement: Announcement) {
        match self.mode {
            Mode::InProcess => self.publish(announcement),
            Mode::Listening => self.advance(announcement.version),
            Mode::ListeningWithStandby => {}
        }
    }

    /// Passes an announcement on to subscribers, unless a later one was passed on already.
    pub fn publish(&self, announcement: Announcement) {
        let version = announcement.version;
        self.advance(version);
        if self.announced.fetch_max(version, Ordering::AcqRel) < version {
            // No subscribers is not an error: the announcement had no one to reach.
            let _ = self.sender.send(Arc::new(announcement));
        }
    }
}

/// Where a server reads and where it listens.
#[derive(Clone)]
pub struct Databases {
    /// The primary: writes and the listening connection.
    pub primary: DatabaseConnection,
    /// Where queries read: a streaming standby, or the primary itself.
    pub reads: DatabaseConnection,
    /// Whether `reads` is a standby of `primary`.
    pub standby: bool,
}

impl Databases {
    /// One database for everything.
    pub fn single(db: DatabaseConnection) -> Self {
        Self {
            reads: db.clone(),
            primary: db,
            standby: false,
        }
    }

    /// Where an operation runs: a mutation on the primary, anything else where queries read.
    pub fn for_operation(&self, mutation: bool) -> &DatabaseConnection {
        if mutation { &self.primary } else { &self.reads }
    }

    /// Waits until the read database reflects `version`, polling it; false if `patience`
    /// ran out first.
    pub async fn reads_reflect(&self, version: i64, patience: Duration) -> Result<bool, DbErr> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            if version_of(&self.reads).await? >= version {
                return Ok(true);
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(REPLAY_POLL).await;
        }
    }

    /// Waits, however long it takes, until the read database reflects `version`, marking
    /// the feed behind while it waits longer than it should.
    async fn catch_up(&self, feed: &Feed, version: i64) {
        if !self.standby {
            return;
        }
        loop {
            match self.reads_reflect(version, REPLAY_PATIENCE).await {
                Ok(true) => break,
                Ok(false) => feed.behind.store(true, Ordering::Release),
                Err(error) => {
                    feed.behind.store(true, Ordering::Release);
                    tracing::warn!(%error, "cannot read the dataset version from the standby");
                    tokio::time::sleep(REPLAY_PATIENCE).await;
                }
            }
        }
        feed.behind.store(false, Ordering::Release);
    }
}

/// Starts the tasks that keep a server on PostgreSQL consistent: the listener, and with a
/// standby the task that measures its replay lag. On SQLite there is nothing to start.
pub fn start(feed: Arc<Feed>, databases: Databases) {
    if databases.primary.get_database_backend() != DbBackend::Postgres {
        // The version the database is at when serving starts; every later write is this
        // process's own.
        tokio::spawn(async move {
            match version_of(&databases.primary).await {
                Ok(version) => {
                    feed.advance(version);
                    feed.announced.fetch_max(version, Ordering::AcqRel);
                }
                Err(error) => tracing::warn!(%error, "cannot read the dataset version"),
            }
        });
        return;
    }
    if databases.standby {
        tokio::spawn(measure_lag(feed.clone(), databases.reads.clone()));
    }
    tokio::spawn(listen(feed, databases));
}

/// Listens for announcements for as long as the server runs, reconnecting when the
/// connection is lost; while it is lost the feed is not hearing, and on reconnecting it
/// announces to subscribers that writes may have been missed.
async fn listen(feed: Arc<Feed>, databases: Databases) {
    let mut pause = Duration::from_millis(50);
    let mut first = true;
    loop {
        match listen_once(&feed, &databases, first).await {
            Ok(()) => {}
            Err(error) => tracing::warn!(%error, "the change feed's connection failed"),
        }
        first = false;
        feed.lost.store(true, Ordering::Release);
        if feed.hearing.swap(false, Ordering::AcqRel) {
            feed.reconnects.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                "stopped hearing writes: the response cache is off until listening again"
            );
            pause = Duration::from_millis(50);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(LONGEST_RECONNECT_PAUSE);
    }
}

/// One listening connection, from connecting until it is lost.
async fn listen_once(feed: &Feed, databases: &Databases, first: bool) -> Result<(), DbErr> {
    use sea_orm::sqlx::postgres::PgListener;
    let sqlx_error = |e: sea_orm::sqlx::Error| DbErr::Custom(e.to_string());
    let mut listener = PgListener::connect_with(databases.primary.get_postgres_connection_pool())
        .await
        .map_err(sqlx_error)?;
    listener.listen(CHANNEL).await.map_err(sqlx_error)?;
    // Listening from here on; whatever committed before and was not heard is caught up now.
    let latest = version_of(&databases.primary).await?;
    if first {
        // Starting: what is cached so far was read at version 0 and is dropped; nobody
        // missed anything.
        databases.catch_up(feed, latest).await;
        feed.advance(latest);
        feed.announced.fetch_max(latest, Ordering::AcqRel);
    } else if latest > feed.version() {
        databases.catch_up(feed, latest).await;
        feed.publish(Announcement {
            version: latest,
            at: Utc::now(),
            cause: Cause::Missed,
            records: Vec::new(),
            truncated: false,
        });
    }
    feed.lost.store(false, Ordering::Release);
    if !feed.hearing.swap(true, Ordering::AcqRel) {
        tracing::info!(version = latest, "hearing writes");
    }
    while let Some(notification) = listener.try_recv().await.map_err(sqlx_error)? {
        match serde_json::from_str::<Announcement>(notification.payload()) {
            Ok(announcement) => {
                databases.catch_up(feed, announcement.version).await;
                feed.publish(announcement);
            }
            Err(error) => tracing::warn!(%error, "an announcement could not be read"),
        }
    }
    Ok(())
}

/// How often the standby's replay lag is measured.
const LAG_POLL: Duration = Duration::from_millis(250);

/// Measures the standby's replay lag: zero while it has replayed all it received, else
/// how long it has been behind. (The time since the last replayed transaction, the usual
/// measure, reads as the whole idle time for the moment after an idle spell, before the
/// next transaction replays.)
async fn measure_lag(feed: Arc<Feed>, reads: DatabaseConnection) {
    let query = Statement::from_string(
        DbBackend::Postgres,
        "SELECT COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), TRUE)",
    );
    let mut behind_since: Option<tokio::time::Instant> = None;
    let mut tick = tokio::time::interval(LAG_POLL);
    loop {
        tick.tick().await;
        match reads.query_one_raw(query.clone()).await {
            Ok(row) => {
                let caught_up = row
                    .and_then(|row| row.try_get_by_index::<bool>(0).ok())
                    .unwrap_or(true);
                let lag = if caught_up {
                    behind_since = None;
                    Duration::ZERO
                } else {
                    behind_since
                        .get_or_insert_with(tokio::time::Instant::now)
                        .elapsed()
                };
                feed.lag_ms.store(
                    u64::try_from(lag.as_millis()).unwrap_or(u64::MAX),
                    Ordering::Relaxed,
                );
            }
            Err(error) => {
                // Unknown lag counts as too much: readiness turns it away.
                feed.lag_ms.store(u64::MAX / 2, Ordering::Relaxed);
                tracing::warn!(%error, "cannot measure the standby's replay lag");
            }
        }
    }
}
