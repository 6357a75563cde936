//! foc-graph: a GraphQL data server over the record of the Freedom Online Coalition.
//!
//! Data flows through these modules in this order:
//! - [`config`]: the command line and its environment fallbacks.
//! - [`db`]: connecting, migrating (the `migration` crate) and seeding.
//! - [`dataset`]: the sourced data file (`data/foc.toml`) and its idempotent loader.
//! - [`dates`]: dates known only to a year or a month, as intervals.
//! - [`search`]: the search index and how its text is folded.
//! - [`graphql`]: the schema, one module per concept, over batched loaders.
//! - [`http`]: the axum router: GraphQL, GraphiQL, SDL, health.

pub mod config;
pub mod dataset;
pub mod dates;
pub mod db;
pub mod graphql;
pub mod http;
pub mod search;
pub mod telemetry;

use config::{Cli, Command, ServeArgs};

/// Why the command failed; printed as one line.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The database could not be prepared.
    #[error(transparent)]
    Db(#[from] db::DbSetupError),
    /// A file could not be read.
    #[error("cannot read {path}: {error}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {error}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        error: std::io::Error,
    },
    /// The server stopped with an error.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Runs one command.
pub async fn run(cli: Cli) -> Result<(), RunError> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(&cli.database_url, args).await,
        Command::Migrate => {
            let pool = db::connect(&cli.database_url, db::MAINTENANCE_STATEMENT_TIMEOUT).await?;
            db::migrate(&pool).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed { data } => {
            let text = match data {
                Some(path) => {
                    Some(
                        std::fs::read_to_string(&path).map_err(|error| RunError::Read {
                            path: path.display().to_string(),
                            error,
                        })?,
                    )
                }
                None => None,
            };
            let pool = db::connect(&cli.database_url, db::MAINTENANCE_STATEMENT_TIMEOUT).await?;
            db::migrate(&pool).await?;
            let report = db::seed(&pool, text.as_deref()).await?;
            for (table, added) in &report.added {
                println!("{table}: {added} added");
            }
            println!("{} records added", report.total());
            Ok(())
        }
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
    }
}

/// Binds first (so a busy port fails fast), then prepares the database and serves.
async fn serve(database_url: &str, args: ServeArgs) -> Result<(), RunError> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|error| RunError::Listen {
            addr: args.listen,
            error,
        })?;
    let settings = args.settings();
    let pool = db::prepare(database_url, settings.request_timeout).await?;
    let addr = listener.local_addr().map_err(RunError::Serve)?;
    tracing::info!(%addr, "serving GraphiQL at http://{addr}/ and GraphQL at http://{addr}/graphql");
    axum::serve(listener, http::router(pool, settings))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(RunError::Serve)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
