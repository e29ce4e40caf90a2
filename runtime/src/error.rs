//! Why a session token was refused, and why a verifier or a token could not be made.
//!
//! No `Display` here ever contains token bytes, decrypted claim values or secrets: the messages
//! name what was wrong, not what was there. [`TokenError::public_message`] is the one generic
//! line to show a client.

use std::fmt;

use crate::redact::redact;

/// The category of a [`TokenError`], for matching without the details.
///
/// ```
/// use authgen_runtime::{TokenError, TokenErrorKind};
/// let e = TokenError::TooLarge { len: 10_000, max: 4_096 };
/// assert_eq!(e.kind(), TokenErrorKind::TooLarge);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenErrorKind {
    /// Not a compact JWE of the expected shape (segments, base64url, header JSON, lengths).
    Malformed,
    /// A header names an algorithm, compression or critical extension that is not accepted.
    UnsupportedAlgorithm,
    /// The authentication tag did not verify, or no configured secret matches the token.
    AuthenticationFailed,
    /// `exp` is in the past (beyond the clock tolerance).
    Expired,
    /// `nbf` or `iat` is in the future (beyond the clock tolerance).
    NotYetValid,
    /// The claims are not a JSON object, or do not deserialize into the requested type.
    Claims,
    /// The token (or the cookie holding it) is longer than the configured maximum.
    TooLarge,
}

/// Why a session token was refused.
///
/// ```
/// use authgen_runtime::TokenError;
/// let e = TokenError::Expired { exp: 100, now: 200 };
/// assert_eq!(e.to_string(), "the session token expired at 100 (now 200)");
/// assert_eq!(e.public_message(), "invalid or expired session");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// Not a compact JWE of the expected shape; `reason` says which part.
    Malformed {
        /// What was wrong, e.g. `"the IV has the wrong length"`.
        reason: &'static str,
    },
    /// A header that is refused: `header` is the name (`alg`, `enc`, `zip`, `crit`).
    UnsupportedAlgorithm {
        /// The header member that was refused.
        header: &'static str,
    },
    /// The tag did not verify (wrong secret, wrong salt / cookie name, tampered token), or the
    /// token's `kid` matches none of the configured secrets.
    AuthenticationFailed {
        /// `true` when no secret's key id matched the token's `kid`.
        no_matching_secret: bool,
    },
    /// `exp` passed (beyond the clock tolerance).
    Expired {
        /// The token's `exp` (seconds since the epoch, rounded down).
        exp: i64,
        /// The verifier's clock (seconds since the epoch).
        now: i64,
    },
    /// `nbf` or `iat` lies in the future (beyond the clock tolerance).
    NotYetValid {
        /// `"nbf"` or `"iat"`.
        claim: &'static str,
        /// The claim's value (seconds since the epoch, rounded down).
        at: i64,
        /// The verifier's clock (seconds since the epoch).
        now: i64,
    },
    /// The claims are not a JSON object, a time claim is not a number, or the claims do not
    /// match the requested type. `path` is the field path (`.` for the whole object,
    /// `user.roles[2]` for a nested one); `message` says what was expected, with any string
    /// value taken from the token replaced by `…`.
    Claims {
        /// Where in the claims the mismatch is.
        path: String,
        /// What was expected there.
        message: String,
    },
    /// The token or cookie is longer than the configured maximum.
    TooLarge {
        /// Its length in bytes.
        len: usize,
        /// The maximum allowed.
        max: usize,
    },
}

impl TokenError {
    /// The category of this error.
    ///
    /// ```
    /// use authgen_runtime::{TokenError, TokenErrorKind};
    /// let e = TokenError::AuthenticationFailed { no_matching_secret: true };
    /// assert_eq!(e.kind(), TokenErrorKind::AuthenticationFailed);
    /// ```
    pub fn kind(&self) -> TokenErrorKind {
        match self {
            TokenError::Malformed { .. } => TokenErrorKind::Malformed,
            TokenError::UnsupportedAlgorithm { .. } => TokenErrorKind::UnsupportedAlgorithm,
            TokenError::AuthenticationFailed { .. } => TokenErrorKind::AuthenticationFailed,
            TokenError::Expired { .. } => TokenErrorKind::Expired,
            TokenError::NotYetValid { .. } => TokenErrorKind::NotYetValid,
            TokenError::Claims { .. } => TokenErrorKind::Claims,
            TokenError::TooLarge { .. } => TokenErrorKind::TooLarge,
        }
    }

    /// The one line to show a client, the same for every error so that responses reveal
    /// nothing about why a token was refused.
    ///
    /// ```
    /// use authgen_runtime::TokenError;
    /// let e = TokenError::Malformed { reason: "not five segments" };
    /// assert_eq!(e.public_message(), "invalid or expired session");
    /// ```
    pub fn public_message(&self) -> &'static str {
        "invalid or expired session"
    }

    pub(crate) fn malformed(reason: &'static str) -> Self {
        TokenError::Malformed { reason }
    }

    pub(crate) fn claims(path: impl Into<String>, message: &str) -> Self {
        TokenError::Claims {
            path: path.into(),
            message: redact(message),
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Malformed { reason } => write!(f, "malformed session token: {reason}"),
            TokenError::UnsupportedAlgorithm { header } => {
                write!(f, "session token refused: unsupported or forbidden `{header}` header")
            }
            TokenError::AuthenticationFailed { no_matching_secret: true } => {
                f.write_str("session token refused: no matching decryption secret")
            }
            TokenError::AuthenticationFailed { no_matching_secret: false } => f.write_str(
                "session token refused: authentication failed (wrong secret or cookie name, or the token was altered)",
            ),
            TokenError::Expired { exp, now } => {
                write!(f, "the session token expired at {exp} (now {now})")
            }
            TokenError::NotYetValid { claim, at, now } => {
                write!(f, "the session token is not valid yet: `{claim}` is {at} (now {now})")
            }
            TokenError::Claims { path, message } => {
                write!(f, "the session claims do not match the expected type at `{path}`: {message}")
            }
            TokenError::TooLarge { len, max } => {
                write!(f, "the session token is too large: {len} bytes (at most {max})")
            }
        }
    }
}

impl std::error::Error for TokenError {}

/// Why a [`Verifier`](crate::Verifier) could not be built.
///
/// ```
/// use authgen_runtime::{ConfigError, NextAuthVersion, Verifier};
/// let e = Verifier::builder(NextAuthVersion::V5).secret("short").build().unwrap_err();
/// assert!(matches!(e, ConfigError::WeakSecret { index: 0, len: 5 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No secret was given.
    NoSecret,
    /// A secret is shorter than 32 bytes (allow it with `allow_weak_secret`).
    WeakSecret {
        /// Position of the secret in the list (0 = the one used to encode).
        index: usize,
        /// Its length in bytes.
        len: usize,
    },
    /// The cookie name cannot be a cookie name (empty, or with separators or controls).
    InvalidCookieName,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoSecret => f.write_str("no secret configured (set AUTH_SECRET / NEXTAUTH_SECRET or pass one)"),
            ConfigError::WeakSecret { index, len } => write!(
                f,
                "secret #{index} is too short to be safe: {len} bytes, at least 32 are needed (generate one with `openssl rand -base64 32`, or allow it explicitly)"
            ),
            ConfigError::InvalidCookieName => f.write_str("the cookie name is empty or contains characters a cookie name cannot have"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Why a token could not be encoded.
///
/// ```
/// use authgen_runtime::{EncodeError, NextAuthVersion, Verifier};
/// let v = Verifier::builder(NextAuthVersion::V5)
///     .secret("a-secret-of-at-least-thirty-two-bytes!")
///     .build()?;
/// assert_eq!(v.encode(&[1, 2, 3]).unwrap_err(), EncodeError::NotAnObject);
/// # Ok::<(), authgen_runtime::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// The claims do not serialize to a JSON object.
    NotAnObject,
    /// The claims could not be serialized.
    Serialize(String),
    /// The operating system's random number generator failed.
    Random,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::NotAnObject => f.write_str("the claims must be a JSON object"),
            EncodeError::Serialize(m) => write!(f, "the claims could not be serialized: {m}"),
            EncodeError::Random => f.write_str("the system random number generator failed"),
        }
    }
}

impl std::error::Error for EncodeError {}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_values_from_serde_messages() {
        assert_eq!(
            redact("invalid type: string \"hunter2\", expected u32"),
            "invalid type: string \"…\", expected u32"
        );
        assert_eq!(
            redact("unknown variant `ROOT`, expected `USER` or `ADMIN`"),
            "unknown variant `…`, expected `USER` or `ADMIN`"
        );
        assert_eq!(redact("missing field `role`"), "missing field `role`");
    }
}
