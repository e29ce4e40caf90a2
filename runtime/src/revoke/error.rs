//! Why a revocation check refused a token or could not run.

use std::fmt;
use std::time::Duration;

/// The category of a [`RevocationError`].
///
/// ```
/// use authgen_runtime::revoke::{RevocationError, RevocationErrorKind};
/// assert_eq!(RevocationError::Revoked.kind(), RevocationErrorKind::Revoked);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevocationErrorKind {
    /// The token's user or id is revoked.
    Revoked,
    /// Redis could not be reached or did not answer in time.
    Unavailable,
    /// The configuration is unusable (bad URL, no Tokio runtime).
    Config,
}

/// Why a revocation check refused a token ([`Revoked`](RevocationError::Revoked), HTTP 401) or
/// could not answer ([`Unavailable`](RevocationError::Unavailable), HTTP 503 with
/// `Retry-After`). No message contains a token, a user id or a token id.
///
/// ```
/// use std::time::Duration;
/// use authgen_runtime::revoke::RevocationError;
/// assert_eq!(RevocationError::Revoked.status(), 401);
/// let e = RevocationError::Unavailable { message: "connection refused".into(), retry_after: Duration::from_secs(1) };
/// assert_eq!(e.status(), 503);
/// assert_eq!(e.to_string(), "the revocation list is unavailable: connection refused");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationError {
    /// The user was revoked after the token was issued, or the token id was revoked.
    Revoked,
    /// Redis failed (connection refused or lost, timeout, error reply).
    Unavailable {
        /// What failed (the driver's message).
        message: String,
        /// When a new connection attempt will be made: the `Retry-After` to send.
        retry_after: Duration,
    },
    /// The builder's input is unusable.
    Config {
        /// What is wrong.
        message: String,
    },
}

impl RevocationError {
    /// The category.
    ///
    /// ```
    /// use authgen_runtime::revoke::{RevocationError, RevocationErrorKind};
    /// let e = RevocationError::Config { message: "bad URL".into() };
    /// assert_eq!(e.kind(), RevocationErrorKind::Config);
    /// ```
    pub fn kind(&self) -> RevocationErrorKind {
        match self {
            RevocationError::Revoked => RevocationErrorKind::Revoked,
            RevocationError::Unavailable { .. } => RevocationErrorKind::Unavailable,
            RevocationError::Config { .. } => RevocationErrorKind::Config,
        }
    }

    /// The HTTP status: 401 (revoked), 503 (Redis unavailable), 500 (configuration).
    ///
    /// ```
    /// use authgen_runtime::revoke::RevocationError;
    /// assert_eq!(RevocationError::Config { message: String::new() }.status(), 500);
    /// ```
    pub fn status(&self) -> u16 {
        match self {
            RevocationError::Revoked => 401,
            RevocationError::Unavailable { .. } => 503,
            RevocationError::Config { .. } => 500,
        }
    }

    /// The one line to show a client: a revoked token reads like any invalid session.
    ///
    /// ```
    /// use authgen_runtime::revoke::RevocationError;
    /// assert_eq!(RevocationError::Revoked.public_message(), "invalid or expired session");
    /// ```
    pub fn public_message(&self) -> &'static str {
        match self {
            RevocationError::Revoked => "invalid or expired session",
            RevocationError::Unavailable { .. } | RevocationError::Config { .. } => {
                "the session could not be checked"
            }
        }
    }

    /// The `Retry-After` of an unavailable Redis, in whole seconds (at least 1).
    ///
    /// ```
    /// use std::time::Duration;
    /// use authgen_runtime::revoke::RevocationError;
    /// let e = RevocationError::Unavailable { message: String::new(), retry_after: Duration::from_millis(200) };
    /// assert_eq!(e.retry_after_secs(), Some(1));
    /// assert_eq!(RevocationError::Revoked.retry_after_secs(), None);
    /// ```
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            RevocationError::Unavailable { retry_after, .. } => {
                Some(retry_after.as_secs_f64().ceil().max(1.0) as u64)
            }
            _ => None,
        }
    }

    pub(crate) fn unavailable(message: impl Into<String>, retry_after: Duration) -> Self {
        RevocationError::Unavailable {
            message: message.into(),
            retry_after,
        }
    }
}

impl fmt::Display for RevocationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevocationError::Revoked => f.write_str("the session token is revoked"),
            RevocationError::Unavailable { message, .. } => {
                write!(f, "the revocation list is unavailable: {message}")
            }
            RevocationError::Config { message } => {
                write!(f, "the revocation list is misconfigured: {message}")
            }
        }
    }
}

impl std::error::Error for RevocationError {}
