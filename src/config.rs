//! Command line and environment configuration.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The database file a fresh checkout uses: created, migrated and seeded on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://foc-graph.sqlite?mode=rwc";

/// foc-graph: a GraphQL data server over the record of the Freedom Online Coalition.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Database to use: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API and GraphiQL (migrating and seeding an empty database first).
    Serve(ServeArgs),
    /// Apply pending schema migrations.
    Migrate,
    /// Load the dataset: adds records that are missing, changes nothing when run twice.
    Seed {
        /// A data file to load instead of the one built into the binary.
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

/// Options of `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FOC_LISTEN", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
        }
    }
}
