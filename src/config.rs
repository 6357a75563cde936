//! Command line and environment configuration.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::graphql::limits::{DEPTH_CEILING, JSON_NESTING_LIMIT, Limits};
use crate::graphql::plan::PlannerMode;
use crate::http::Settings;
use crate::http::subscription::SubscriptionLimits;

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
    Serve(Box<ServeArgs>),
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
    /// Write the whole dataset as a data file (the format of data/foc.toml).
    Export {
        /// The file to write; standard output when omitted.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Replace the whole dataset with a data file's: every problem of the file is reported
    /// before anything changes; then all records are deleted and the file loaded, in one
    /// transaction (record ids change).
    Import {
        /// The data file to load.
        file: PathBuf,
    },
    /// Add synthetic data at a chosen scale, for load tests: N states and records of every
    /// kind in proportion, all citing one source marked synthetic, in one transaction.
    /// Existing records are kept; the same seed over the same database gives the same records.
    Generate {
        /// How many states to generate; the other tables scale with it (about 50
        /// endorsements per state, a conference per 20 states, a document per 100, ...).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::generate::MAX_STATES)))]
        states: u32,
        /// The seed of the generator; it also names the run's source (`SYNTHETIC-<seed>`)
        /// and keys (`syn<seed>-...`), so each seed can be added to a database once.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

/// Options of `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FOC_LISTEN", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,
    /// The deepest nesting of fields a query may have (at most 32, the executor's own bound
    /// on nested selections).
    #[arg(long, env = "FOC_MAX_DEPTH", default_value_t = Limits::default().max_depth,
          value_parser = at_most::<DEPTH_CEILING>)]
    pub max_depth: usize,
    /// The highest cost a query may have: each list costs the page size it asks for, and
    /// nested pages multiply.
    #[arg(long, env = "FOC_MAX_COST", default_value_t = Limits::default().max_cost)]
    pub max_cost: usize,
    /// The most field selections a query may have.
    #[arg(long, env = "FOC_MAX_FIELDS", default_value_t = Limits::default().max_fields)]
    pub max_fields: usize,
    /// The most aliased fields a query may have.
    #[arg(long, env = "FOC_MAX_ALIASES", default_value_t = Limits::default().max_aliases)]
    pub max_aliases: usize,
    /// The deepest nesting of lists and input objects in an argument or a variable (each
    /// `[...]` and `{...}` is one level; at most 128, as deep as JSON variables can be read,
    /// so that the worker threads' stack always has room for it).
    #[arg(long, env = "FOC_MAX_INPUT_NESTING", default_value_t = Limits::default().max_input_nesting,
          value_parser = at_most::<JSON_NESTING_LIMIT>)]
    pub max_input_nesting: usize,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "FOC_MAX_BODY_BYTES", default_value_t = Settings::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// How long one GraphQL request may run, in milliseconds.
    #[arg(
        long,
        env = "FOC_REQUEST_TIMEOUT_MS",
        default_value_t = Settings::default().request_timeout.as_millis() as u64
    )]
    pub request_timeout_ms: u64,
    /// Browser origins allowed to call the API (CORS), comma-separated; `*` allows any.
    #[arg(long, env = "FOC_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// The token that authorizes curation mutations (`Authorization: Bearer <token>`);
    /// prefer the environment variable or a file, so it does not show in process lists.
    /// Without a token, writes are disabled.
    #[arg(long, env = "FOC_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// How long browsers and proxies may reuse the answer to a query sent by GET, in
    /// seconds; they revalidate with its ETag afterwards.
    #[arg(long, env = "FOC_CACHE_MAX_AGE", default_value_t = Settings::default().cache_max_age.as_secs())]
    pub cache_max_age: u64,
    /// A file holding the admin token (surrounding whitespace ignored).
    #[arg(long, env = "FOC_ADMIN_TOKEN_FILE", conflicts_with = "admin_token")]
    pub admin_token_file: Option<PathBuf>,
    /// A streaming standby of the PostgreSQL database to read from: queries and
    /// subscriptions read there; mutations and the change feed use `--database-url`.
    #[arg(long, env = "FOC_READ_DATABASE_URL")]
    pub read_database_url: Option<String>,
    /// The most replay lag of the read standby, in milliseconds, at which `/ready` still
    /// answers 200.
    #[arg(long, env = "FOC_MAX_READ_LAG_MS", default_value_t = Settings::default().max_read_lag.as_millis() as u64)]
    pub max_read_lag_ms: u64,
    /// The most live connections (WebSocket or Server-Sent Events) the server holds at once.
    #[arg(long, env = "FOC_MAX_LIVE_CONNECTIONS", default_value_t = SubscriptionLimits::default().max_connections)]
    pub max_live_connections: usize,
    /// The most subscriptions one WebSocket connection may hold at once.
    #[arg(long, env = "FOC_MAX_SUBSCRIPTIONS_PER_CONNECTION", default_value_t = SubscriptionLimits::default().max_per_connection)]
    pub max_subscriptions_per_connection: usize,
    /// How long a WebSocket client has to initialise its connection, in milliseconds.
    #[arg(long, env = "FOC_SUBSCRIPTION_INIT_TIMEOUT_MS", default_value_t = SubscriptionLimits::default().init_timeout.as_millis() as u64)]
    pub subscription_init_timeout_ms: u64,
    /// How often an idle live connection is pinged, in milliseconds.
    #[arg(long, env = "FOC_KEEPALIVE_MS", default_value_t = SubscriptionLimits::default().keepalive.as_millis() as u64)]
    pub keepalive_ms: u64,
    /// How many changes are kept for a subscriber that has not read them yet; one that
    /// falls further behind is told so and closed.
    #[arg(long, env = "FOC_SUBSCRIBER_BUFFER", default_value_t = SubscriptionLimits::default().buffer,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=65_536))]
    pub subscriber_buffer: usize,
    /// Whether root list fields are answered by one planned statement (`on`), field by
    /// field (`off`), or both ways and compared (`verify`, for tests and diagnosis).
    #[arg(long, env = "FOC_PLANNER", value_enum, default_value_t = Settings::default().planner)]
    pub planner: PlannerMode,
}

/// A limit from 1 to `MAX`: nesting limits have a ceiling, so that the worker threads'
/// stack (`WORKER_STACK_BYTES`) always has room for a query within them.
fn at_most<const MAX: usize>(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if (1..=MAX).contains(&value) => Ok(value),
        _ => Err(format!("expected a number from 1 to {MAX}")),
    }
}

impl ServeArgs {
    /// The server settings these options give.
    pub fn settings(&self) -> Settings {
        Settings {
            limits: Limits {
                max_depth: self.max_depth,
                max_cost: self.max_cost,
                max_fields: self.max_fields,
                max_aliases: self.max_aliases,
                max_input_nesting: self.max_input_nesting,
            },
            max_body_bytes: self.max_body_bytes,
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            cors_origins: self.cors_origins.clone(),
            admin_token: self.admin_token.clone(),
            cache_max_age: Duration::from_secs(self.cache_max_age),
            subscriptions: SubscriptionLimits {
                max_connections: self.max_live_connections,
                max_per_connection: self.max_subscriptions_per_connection,
                init_timeout: Duration::from_millis(self.subscription_init_timeout_ms),
                keepalive: Duration::from_millis(self.keepalive_ms.max(1)),
                buffer: self.subscriber_buffer,
            },
            max_read_lag: Duration::from_millis(self.max_read_lag_ms),
            planner: self.planner,
        }
    }
}

impl Default for ServeArgs {
    fn default() -> Self {
        let settings = Settings::default();
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            max_depth: settings.limits.max_depth,
            max_cost: settings.limits.max_cost,
            max_fields: settings.limits.max_fields,
            max_aliases: settings.limits.max_aliases,
            max_input_nesting: settings.limits.max_input_nesting,
            max_body_bytes: settings.max_body_bytes,
            request_timeout_ms: settings.request_timeout.as_millis() as u64,
            cors_origins: settings.cors_origins,
            admin_token: None,
            cache_max_age: settings.cache_max_age.as_secs(),
            admin_token_file: None,
            read_database_url: None,
            max_read_lag_ms: settings.max_read_lag.as_millis() as u64,
            max_live_connections: settings.subscriptions.max_connections,
            max_subscriptions_per_connection: settings.subscriptions.max_per_connection,
            subscription_init_timeout_ms: settings.subscriptions.init_timeout.as_millis() as u64,
            keepalive_ms: settings.subscriptions.keepalive.as_millis() as u64,
            subscriber_buffer: settings.subscriptions.buffer,
            planner: settings.planner,
        }
    }
}
