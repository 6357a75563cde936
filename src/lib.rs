//! foc-graph: a GraphQL data server over the record of the Freedom Online Coalition.
//!
//! Data flows through these modules in this order:
//! - [`config`]: the command line and its environment fallbacks.
//! - [`db`]: connecting, migrating (the `migration` crate) and seeding.
//! - [`changes`]: the dataset version every committed write raises, the announcements that
//!   keep servers over one PostgreSQL database consistent, and the feed subscribers read.
//! - [`dataset`]: the sourced data file (`data/foc.toml`), its idempotent loader, and the
//!   export and import of a whole database as such a file.
//! - [`dates`]: dates known only to a year or a month, as intervals.
//! - [`citation`]: sources as BibTeX, CSL-JSON and APA citations.
//! - [`search`]: the search index and how its text is folded.
//! - [`generate`]: synthetic data at a chosen scale, for load tests (`foc-graph generate`).
//! - [`progress`]: how long work (generate, import) reports its stages and rows, and how the
//!   commands show them.
//! - [`graphql`]: the schema, one module per concept, over batched loaders.
//! - [`http`]: the axum router: GraphQL (with subscriptions over WebSocket and Server-Sent
//!   Events), GraphiQL, SDL, health, readiness and metrics.

pub mod changes;
pub mod citation;
pub mod config;
pub mod dataset;
pub mod dates;
pub mod db;
pub mod generate;
pub mod graphql;
pub mod http;
pub mod progress;
pub mod search;
pub mod telemetry;

use config::{Cli, Command, ServeArgs};

/// Why the command failed; printed as one line.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The database could not be prepared.
    #[error(transparent)]
    Db(#[from] db::DbSetupError),
    /// The runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    /// A file could not be read.
    #[error("cannot read {path}: {error}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// The admin token is configured but empty, which would let anyone write.
    #[error("the admin token is empty")]
    EmptyToken,
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
    /// The dataset could not be exported.
    #[error("cannot export the dataset: {0}")]
    Export(dataset::DatasetError),
    /// A file could not be written.
    #[error("cannot write {path}: {error}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// The synthetic data could not be generated; nothing was changed.
    #[error("cannot generate synthetic data, the database is unchanged: {0}")]
    Generate(generate::GenerateError),
    /// The data file was refused; nothing was changed.
    #[error("cannot import {path}, the database is unchanged: {error}")]
    Import {
        /// The file.
        path: String,
        /// Why.
        error: dataset::DatasetError,
    },
}

/// The stack of every thread that handles requests: four times tokio's default of 2 MiB.
/// Every recursion a request can drive is bounded by the query limits (depth, input and
/// bracket nesting), and a query at those limits uses a small part of this; the margin is
/// for a debug build's larger frames and for operators who raise the limits. Only the
/// pages a thread touches take memory.
pub const WORKER_STACK_BYTES: usize = 8 * 1024 * 1024;

/// The runtime every command runs on: worker threads with the stack chosen above.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK_BYTES)
        .build()
}

/// Runs one command.
pub async fn run(cli: Cli) -> Result<(), RunError> {
    match cli
        .command
        .unwrap_or_else(|| Command::Serve(Box::default()))
    {
        Command::Serve(args) => serve(&cli.database_url, *args).await,
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
        Command::Export { output } => {
            let pool = db::connect(&cli.database_url, db::MAINTENANCE_STATEMENT_TIMEOUT).await?;
            let text = dataset::export_snapshot(&pool)
                .await
                .and_then(|data| data.to_toml())
                .map_err(RunError::Export)?;
            match output {
                Some(path) => std::fs::write(&path, text).map_err(|error| RunError::Write {
                    path: path.display().to_string(),
                    error,
                }),
                // Not print!, which panics when the reader goes away (`export | head`).
                None => std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())
                    .map_err(|error| RunError::Write {
                        path: "standard output".to_owned(),
                        error,
                    }),
            }
        }
        Command::Generate { states, seed } => {
            let pool = db::connect(&cli.database_url, db::MAINTENANCE_STATEMENT_TIMEOUT).await?;
            db::migrate(&pool).await?;
            let progress = progress::Report::new("generate");
            let options = generate::GenerateOptions { states, seed };
            let generated = generate::generate(&pool, options, &progress).await;
            progress.end(&generated);
            let report = generated.map_err(RunError::Generate)?;
            for (table, added) in &report.added {
                println!("{table}: {added} added");
            }
            println!(
                "{} rows generated in {:.2} s",
                report.total(),
                report.elapsed.as_secs_f64()
            );
            Ok(())
        }
        Command::Import { file } => {
            let path = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|error| RunError::Read {
                path: path.clone(),
                error,
            })?;
            let pool = db::connect(&cli.database_url, db::MAINTENANCE_STATEMENT_TIMEOUT).await?;
            db::migrate(&pool).await?;
            let progress = progress::Report::new("import");
            let imported = dataset::import(&pool, &text, &progress).await;
            progress.end(&imported);
            let report = imported.map_err(|error| RunError::Import { path, error })?;
            let removed: u64 = report.removed.iter().map(|(_, n)| n).sum();
            for (table, loaded) in &report.loaded.added {
                println!("{table}: {loaded}");
            }
            println!(
                "{} records imported, replacing {removed}",
                report.loaded.total()
            );
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
    let mut settings = args.settings();
    if let Some(path) = &args.admin_token_file {
        let text = std::fs::read_to_string(path).map_err(|error| RunError::Read {
            path: path.display().to_string(),
            error,
        })?;
        settings.admin_token = Some(text.trim().to_owned());
    }
    if settings.admin_token.as_deref().is_some_and(str::is_empty) {
        return Err(RunError::EmptyToken);
    }
    if settings.admin_token.is_none() {
        tracing::info!("no admin token configured: curation mutations are disabled");
    }
    let primary = db::prepare(database_url, settings.request_timeout).await?;
    let databases = match &args.read_database_url {
        Some(url) => changes::Databases {
            primary,
            reads: db::connect(url, settings.request_timeout).await?,
            standby: true,
        },
        None => changes::Databases::single(primary),
    };
    let addr = listener.local_addr().map_err(RunError::Serve)?;
    tracing::info!(%addr, "serving GraphiQL at http://{addr}/ and GraphQL at http://{addr}/graphql");
    axum::serve(listener, http::router(databases, settings))
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
