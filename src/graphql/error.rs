//! One error type for the API, mapped once to GraphQL errors with stable codes.

use async_graphql::indexmap::IndexMap;
use async_graphql::{ErrorExtensions, Name, Value};

/// What went wrong, as a client should see it.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ApiError {
    /// An argument is not acceptable.
    #[error("invalid `{field}`: {reason}")]
    Invalid {
        /// The argument at fault.
        field: &'static str,
        /// Why it is refused.
        reason: String,
    },
    /// The database failed; the details are logged, not sent.
    #[error("the database could not answer; try again later")]
    Unavailable,
    /// A mutation's input has problems; each names its field.
    #[error("the input was refused: {}", problems_text(.0))]
    Problems(Vec<Problem>),
    /// The server has no admin token configured, so nobody may write.
    #[error("writes are disabled: the server has no admin token configured")]
    WritesDisabled,
    /// The request did not present the admin token.
    #[error("not authorized: {0}")]
    Unauthenticated(&'static str),
    /// A subscriber fell further behind than its buffer holds; its subscription is closed.
    #[error(
        "this subscription fell {missed} changes behind, more than the server keeps for a subscriber, and was closed; subscribe again and refetch what you show"
    )]
    TooSlow {
        /// How many changes it missed.
        missed: u64,
    },
    /// A connection asked for more subscriptions at once than the server allows.
    #[error("a connection may hold at most {0} subscriptions at once")]
    TooManySubscriptions(usize),
    /// The arguments ask for a longer series than one answer may hold.
    #[error(
        "the {limit} asked for are {value}, above the limit of {max}: ask for a shorter range or a longer interval"
    )]
    TooLong {
        /// What is counted, e.g. "timeline points".
        limit: &'static str,
        /// How many the arguments ask for.
        value: u64,
        /// The most an answer holds.
        max: u64,
    },
}

/// One problem of a mutation's input.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The input field at fault, as a path: `input.code`, `input.hosts[1].state`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl Problem {
    /// A problem of `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

fn problems_text(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ApiError {
    /// An invalid-argument error.
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "BAD_USER_INPUT",
            Self::Unavailable => "DATABASE_UNAVAILABLE",
            Self::Problems(_) => "BAD_USER_INPUT",
            Self::WritesDisabled => "FORBIDDEN",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::TooSlow { .. } => "SUBSCRIBER_TOO_SLOW",
            Self::TooManySubscriptions(_) => "LIMIT_EXCEEDED",
            Self::TooLong { .. } => "LIMIT_EXCEEDED",
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        tracing::error!(%error, "database error");
        Self::Unavailable
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.to_string()).extend_with(|_, e| {
            e.set("code", self.code());
            match self {
                Self::Invalid { field, .. } => e.set("field", *field),
                // Named as the query limits name theirs.
                Self::TooLong { limit, value, max } => {
                    e.set("limit", *limit);
                    e.set("value", *value);
                    e.set("max", *max);
                }
                Self::Problems(problems) => e.set(
                    "problems",
                    problems
                        .iter()
                        .map(|p| {
                            Value::from(IndexMap::from([
                                (Name::new("field"), Value::from(&p.field)),
                                (Name::new("message"), Value::from(&p.message)),
                            ]))
                        })
                        .collect::<Value>(),
                ),
                _ => {}
            }
        })
    }
}

/// Resolver results.
pub type ApiResult<T> = Result<T, async_graphql::Error>;

/// Turns database and API errors into GraphQL errors with their codes.
pub trait OrGraphql<T> {
    /// Maps the error.
    fn or_gql(self) -> ApiResult<T>;
}

impl<T, E: Into<ApiError>> OrGraphql<T> for Result<T, E> {
    fn or_gql(self) -> ApiResult<T> {
        self.map_err(|e| e.into().extend())
    }
}
