//! Connecting to the database, migrating it and seeding it.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::dataset::{self, Dataset, DatasetError, SeedReport};

/// Why the database could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    /// The URL names no database this server can use.
    #[error(
        "unsupported database URL `{0}`: use sqlite://FILE?mode=rwc or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    /// Connecting failed.
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// A migration failed.
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
    /// The dataset could not be loaded.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
}

/// How long one SQL statement may run for the commands that load data.
pub const MAINTENANCE_STATEMENT_TIMEOUT: Duration = Duration::from_secs(600);

/// How long a pooled connection may sit idle before it is checked on checkout.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(5);

/// Connects to the database at `url`. On PostgreSQL, each statement is cut off after
/// `statement_timeout`, so a request's SQL cannot outlive the request.
pub async fn connect(
    url: &str,
    statement_timeout: Duration,
) -> Result<DatabaseConnection, DbSetupError> {
    if !(url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://"))
    {
        return Err(DbSetupError::UnsupportedUrl(redact(url)));
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(16)
        .connect_timeout(std::time::Duration::from_secs(5))
        .acquire_timeout(std::time::Duration::from_secs(5))
        // A ping before every checkout would double each statement's round trips; only a
        // connection idle long enough to have been dropped by the server is checked first.
        .test_before_acquire_if_idle_for(IDLE_BEFORE_PING)
        .sqlx_logging(false)
        .map_sqlx_postgres_opts(move |opts| {
            opts.options([(
                "statement_timeout",
                format!("{}", statement_timeout.as_millis()),
            )])
        });
    Database::connect(options)
        .await
        .map_err(|e| DbSetupError::Connect(e.to_string()))
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbSetupError> {
    Migrator::up(db, None)
        .await
        .map_err(|e| DbSetupError::Migrate(e.to_string()))
}

/// Loads the built-in dataset, or the given file's text.
pub async fn seed(db: &DatabaseConnection, text: Option<&str>) -> Result<SeedReport, DbSetupError> {
    let data = Dataset::parse(text.unwrap_or(dataset::DEFAULT_DATASET))?;
    Ok(dataset::seed(db, &data).await?)
}

/// Connects, migrates, and seeds the built-in dataset when the database holds no data yet.
pub async fn prepare(
    url: &str,
    statement_timeout: Duration,
) -> Result<DatabaseConnection, DbSetupError> {
    let db = connect(url, statement_timeout).await?;
    migrate(&db).await?;
    let empty = is_empty::<entity::source::Entity>(&db).await?;
    if empty {
        let report = seed(&db, None).await?;
        tracing::info!(
            rows = report.total(),
            "seeded an empty database with the built-in dataset"
        );
    } else {
        // A database from before the search index existed gets one built now.
        let unindexed = is_empty::<entity::search_entry::Entity>(&db).await?;
        if unindexed {
            let written = crate::search::reindex(&db)
                .await
                .map_err(|e| DbSetupError::Migrate(e.to_string()))?;
            tracing::info!(entries = written, "built the search index");
        }
    }
    Ok(db)
}

/// Whether a table has no rows.
async fn is_empty<E: EntityTrait>(db: &DatabaseConnection) -> Result<bool, DbSetupError>
where
    E::Model: Sync,
{
    let rows = E::find()
        .count(db)
        .await
        .map_err(|e| DbSetupError::Migrate(e.to_string()))?;
    Ok(rows == 0)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
