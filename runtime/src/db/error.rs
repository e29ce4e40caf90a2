//! Why a database session lookup did not return a user.

use std::fmt;

use crate::redact::redact;

use crate::guard::GuardError;

/// The category of a [`SessionError`].
///
/// ```
/// use authgen_runtime::db::{SessionError, SessionErrorKind};
/// assert_eq!(SessionError::NotFound.kind(), SessionErrorKind::NotFound);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionErrorKind {
    /// No session has this token (or the token is empty or too long to be one).
    NotFound,
    /// The session's `expires` has passed.
    Expired,
    /// The user row does not deserialize into the application's user type.
    User,
    /// The database failed (connection, pool timeout, missing table, unreadable `expires`).
    Database,
}

/// Why a database session lookup did not return a user.
///
/// [`NotFound`](SessionError::NotFound) and [`Expired`](SessionError::Expired) are the
/// client's problem (HTTP 401, [`GuardError::Unauthenticated`]); [`User`](SessionError::User)
/// and [`Database`](SessionError::Database) are the server's (500 and 503). No message contains
/// the session token or a value read from the user row.
///
/// ```
/// use authgen_runtime::db::SessionError;
/// let e = SessionError::Expired { expires_ms: 1_000, now_ms: 2_000 };
/// assert_eq!(e.status(), 401);
/// assert_eq!(e.to_string(), "the session expired at 1000 ms (now 2000 ms)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionError {
    /// No session has this token.
    NotFound,
    /// The session's `expires` is not after now.
    Expired {
        /// The session's `expires`, in milliseconds since the epoch.
        expires_ms: i64,
        /// The clock, in milliseconds since the epoch.
        now_ms: i64,
    },
    /// The user row does not match the user type. `path` is the field path (`role`,
    /// `permissions[2]`); `message` says what was expected, with string values replaced by `…`.
    User {
        /// Where the mismatch is.
        path: String,
        /// What was expected there.
        message: String,
    },
    /// The database failed; `message` is the driver's, with the token removed if it appeared.
    Database {
        /// What failed.
        message: String,
    },
}

impl SessionError {
    /// The category.
    ///
    /// ```
    /// use authgen_runtime::db::{SessionError, SessionErrorKind};
    /// let e = SessionError::Database { message: "pool timed out".into() };
    /// assert_eq!(e.kind(), SessionErrorKind::Database);
    /// ```
    pub fn kind(&self) -> SessionErrorKind {
        match self {
            SessionError::NotFound => SessionErrorKind::NotFound,
            SessionError::Expired { .. } => SessionErrorKind::Expired,
            SessionError::User { .. } => SessionErrorKind::User,
            SessionError::Database { .. } => SessionErrorKind::Database,
        }
    }

    /// The guard outcome for the client's errors ([`GuardError::Unauthenticated`] for not found
    /// and expired); `None` for the server's.
    ///
    /// ```
    /// use authgen_runtime::{db::SessionError, GuardError};
    /// assert_eq!(SessionError::NotFound.guard_error(), Some(GuardError::Unauthenticated));
    /// assert_eq!(SessionError::Database { message: String::new() }.guard_error(), None);
    /// ```
    pub fn guard_error(&self) -> Option<GuardError> {
        match self {
            SessionError::NotFound | SessionError::Expired { .. } => {
                Some(GuardError::Unauthenticated)
            }
            SessionError::User { .. } | SessionError::Database { .. } => None,
        }
    }

    /// The HTTP status: 401 (not found, expired), 500 (user type mismatch), 503 (database).
    ///
    /// ```
    /// use authgen_runtime::db::SessionError;
    /// assert_eq!(SessionError::NotFound.status(), 401);
    /// assert_eq!(SessionError::User { path: "role".into(), message: String::new() }.status(), 500);
    /// ```
    pub fn status(&self) -> u16 {
        match self {
            SessionError::NotFound | SessionError::Expired { .. } => 401,
            SessionError::User { .. } => 500,
            SessionError::Database { .. } => 503,
        }
    }

    /// The one line to show a client: nothing about the token, the row or the database.
    ///
    /// ```
    /// use authgen_runtime::db::SessionError;
    /// assert_eq!(SessionError::NotFound.public_message(), "invalid or expired session");
    /// ```
    pub fn public_message(&self) -> &'static str {
        match self {
            SessionError::NotFound | SessionError::Expired { .. } => "invalid or expired session",
            SessionError::User { .. } | SessionError::Database { .. } => {
                "the session could not be checked"
            }
        }
    }

    pub(crate) fn database(e: &dyn fmt::Display, token: &str) -> SessionError {
        let mut message = e.to_string();
        if !token.is_empty() && message.contains(token) {
            message = message.replace(token, "…");
        }
        SessionError::Database { message }
    }

    pub(crate) fn user(path: String, message: &str) -> SessionError {
        SessionError::User {
            path,
            message: redact(message),
        }
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::NotFound => f.write_str("no session has this token"),
            SessionError::Expired { expires_ms, now_ms } => {
                write!(
                    f,
                    "the session expired at {expires_ms} ms (now {now_ms} ms)"
                )
            }
            SessionError::User { path, message } => write!(
                f,
                "the user row does not match the user type at `{path}`: {message}"
            ),
            SessionError::Database { message } => {
                write!(f, "the session lookup failed in the database: {message}")
            }
        }
    }
}

impl std::error::Error for SessionError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_hold_no_row_values_or_tokens() {
        assert_eq!(
            redact("unknown variant `ROOT`, expected `USER` or `ADMIN`"),
            "unknown variant `…`, expected `USER` or `ADMIN`"
        );
        assert_eq!(
            redact("invalid type: string \"a@b.c\", expected u32"),
            "invalid type: string \"…\", expected u32"
        );
        let e = SessionError::database(&"bad input \"tok-123\"", "tok-123");
        assert_eq!(
            e.to_string(),
            "the session lookup failed in the database: bad input \"…\""
        );
    }
}
