//! One error type for the API, mapped once to GraphQL errors with stable codes.

use async_graphql::ErrorExtensions;

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
            if let Self::Invalid { field, .. } = self {
                e.set("field", *field);
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
