//! Revocations and cross-instance cache invalidation on Redis (feature `redis`).
//!
//! A verified session token stays valid until its `exp`; [`Revocations`] adds a check after
//! verification against a revocation list kept in Redis, shared by every instance of the
//! service (and written by the TypeScript side with the same keys):
//!
//! - **by user** ([`Revocations::revoke_user`]): tokens of a user issued before a time are
//!   refused ("sign out everywhere", a ban);
//! - **by token id** ([`Revocations::revoke_token`]): one token (its `jti`) is refused until
//!   it expires;
//! - **database sessions** ([`Revocations::revoke_session`]): a sign-out on one instance drops
//!   the session from every instance's `SessionStore` cache (through the
//!   [`on_session_revoked`](RevocationsBuilder::on_session_revoked) hook).
//!
//! # Key layout (the contract with other writers)
//!
//! | key / channel | value | expiry |
//! | --- | --- | --- |
//! | `authgen:revoked:user:{id}` ([`user_key`]) | the cutoff, unix seconds (decimal integer): tokens with `iat < cutoff` are refused | `cutoff + maxAge` (default 30 days) |
//! | `authgen:revoked:jti:{jti}` ([`token_key`]) | the token's `exp`, unix seconds (any value: presence revokes) | `exp + 60 s` |
//! | channel `authgen:revocations` ([`CHANNEL`]) | one JSON [`RevocationMessage`] per revocation, published after the key is set | — |
//!
//! The prefixes, the channel, [`DEFAULT_USER_KEY_TTL`] and [`TOKEN_KEY_GRACE`] are
//! re-exported from `authgen_naming::revoke` ([`crate::naming::revoke`]), from which the
//! generated `revoke.ts` (`[typescript] redis = true`) is written too.
//!
//! `{id}` is the token's `sub` and `{jti}` its `jti`, verbatim. A writer sets the key first
//! and then publishes (authgen does both in one pipeline); a user value that is not a number
//! revokes every token of that user (fail closed).
//!
//! # Cost and staleness
//!
//! A check looks up the user and the token id in a bounded in-process cache (capacity and
//! TTL: [`RevocationsBuilder::cache`]); when either is missing, **one** round trip (`MGET` of
//! both keys) answers and fills the cache. Negative answers are cached as well, so a hot path
//! costs no round trip most of the time.
//!
//! The pub/sub listener (a Tokio task per `Revocations`, reconnecting by itself) drops the
//! cached entry of every revoked user or token id it hears of, and empties the cache on each
//! (re)subscription since messages sent while it was away are lost. So a revocation made
//! anywhere is seen by every instance **within the pub/sub latency** while the listener is
//! connected ([`Revocations::is_listening`]; about a millisecond on loopback), and **within
//! the cache TTL** (default 5 s) otherwise.
//!
//! # Redis unreachable
//!
//! The builder takes a [`FailurePolicy`], with no default: [`FailurePolicy::Refuse`] (checks
//! that need Redis fail with [`RevocationError::Unavailable`]: 503 with `Retry-After`) or
//! [`FailurePolicy::Allow`] (accept on the verified token alone). Either way the failure is
//! counted ([`Revocations::failures`]) and passed to the
//! [`on_failure`](RevocationsBuilder::on_failure) hook; cached answers keep being served for
//! their TTL. After a failure the next connection attempt waits
//! [`retry_delay`](RevocationsBuilder::retry_delay); no restart is needed when Redis returns.
//!
//! ```no_run
//! # async fn run(verifier: authgen_runtime::Verifier, token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use authgen_runtime::revoke::{FailurePolicy, Revocations};
//!
//! let revocations = Revocations::builder("redis://127.0.0.1:6379", FailurePolicy::Refuse)
//!     .on_failure(|e| eprintln!("revocations: {e}"))
//!     .build()?;
//! let claims: serde_json::Value = verifier.decode(token)?;
//! revocations.check_claims(&claims).await?; // Err(Revoked) → 401, Err(Unavailable) → 503
//! # Ok(()) }
//! ```
//!
//! With feature `axum`, `revoke::axum::Checked<T>` is the extractor that does both.

mod builder;
mod cache;
mod conn;
mod error;
mod listener;
mod message;
mod store;

#[cfg(feature = "axum")]
pub mod axum;

pub use builder::{
    RevocationsBuilder, DEFAULT_CACHE_CAPACITY, DEFAULT_CACHE_TTL, DEFAULT_PING_INTERVAL,
    DEFAULT_RETRY_DELAY, DEFAULT_TIMEOUT,
};
pub use error::{RevocationError, RevocationErrorKind};
pub use message::RevocationMessage;
pub use store::Revocations;

// The key layout lives in `authgen-naming` (`authgen_naming::revoke`): the one source that the
// generated `revoke.ts` (`[typescript] redis = true`) is written from too.
pub use authgen_naming::revoke::{
    CHANNEL, DEFAULT_USER_KEY_TTL, TOKEN_KEY_GRACE, TOKEN_KEY_PREFIX, USER_KEY_PREFIX,
};

/// The Redis key holding the revocation cutoff of `user_id`.
///
/// ```
/// assert_eq!(authgen_runtime::revoke::user_key("42"), "authgen:revoked:user:42");
/// ```
pub fn user_key(user_id: &str) -> String {
    format!("{USER_KEY_PREFIX}{user_id}")
}

/// The Redis key marking the token id `jti` revoked.
///
/// ```
/// assert_eq!(authgen_runtime::revoke::token_key("abc"), "authgen:revoked:jti:abc");
/// ```
pub fn token_key(jti: &str) -> String {
    format!("{TOKEN_KEY_PREFIX}{jti}")
}

/// What a check does when Redis cannot answer: chosen explicitly in
/// [`Revocations::builder`].
///
/// ```
/// use authgen_runtime::revoke::FailurePolicy;
/// let policy = FailurePolicy::Refuse; // 503 + Retry-After while Redis is down
/// assert_ne!(policy, FailurePolicy::Allow);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailurePolicy {
    /// Refuse: the check returns [`RevocationError::Unavailable`] (HTTP 503, `Retry-After`).
    Refuse,
    /// Allow: accept on the verified token alone (a revoked token passes until Redis returns).
    Allow,
}

/// The parts of a verified token a revocation check reads: the user id (`sub`), the issue
/// time (`iat`, unix seconds) and the token id (`jti`). An absent part is not checked, except
/// `iat`: a token without it counts as issued before any user cutoff.
///
/// ```
/// use authgen_runtime::revoke::TokenRef;
/// let t = TokenRef { user_id: Some("42"), iat: Some(1_764_500_000), jti: None };
/// assert_eq!(t.user_id, Some("42"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenRef<'a> {
    /// The user id: next-auth's `sub`.
    pub user_id: Option<&'a str>,
    /// When the token was issued, unix seconds.
    pub iat: Option<i64>,
    /// The token id: next-auth's `jti`.
    pub jti: Option<&'a str>,
}

/// Claims that a revocation check can read: implemented for `serde_json::Value` and `Map`
/// (`sub`, `iat`, `jti`); implement it for the app's claims type.
///
/// ```
/// use authgen_runtime::revoke::{RevocationClaims, TokenRef};
/// struct Claims { sub: String, iat: i64, jti: String }
/// impl RevocationClaims for Claims {
///     fn token_ref(&self) -> TokenRef<'_> {
///         TokenRef { user_id: Some(&self.sub), iat: Some(self.iat), jti: Some(&self.jti) }
///     }
/// }
/// let c = Claims { sub: "1".into(), iat: 5, jti: "j".into() };
/// assert_eq!(c.token_ref().iat, Some(5));
/// ```
pub trait RevocationClaims {
    /// The user id, issue time and token id.
    ///
    /// ```
    /// use authgen_runtime::revoke::RevocationClaims;
    /// let claims = serde_json::json!({ "sub": "7", "iat": 100.9, "jti": "x" });
    /// let t = claims.token_ref();
    /// assert_eq!((t.user_id, t.iat, t.jti), (Some("7"), Some(100), Some("x")));
    /// ```
    fn token_ref(&self) -> TokenRef<'_>;
}

impl RevocationClaims for serde_json::Map<String, serde_json::Value> {
    fn token_ref(&self) -> TokenRef<'_> {
        let iat = self.get("iat").and_then(|v| {
            v.as_i64().or_else(|| {
                v.as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| f.floor() as i64)
            })
        });
        TokenRef {
            user_id: self.get("sub").and_then(|v| v.as_str()),
            iat,
            jti: self.get("jti").and_then(|v| v.as_str()),
        }
    }
}

impl RevocationClaims for serde_json::Value {
    fn token_ref(&self) -> TokenRef<'_> {
        self.as_object().map(|m| m.token_ref()).unwrap_or_default()
    }
}

impl RevocationClaims for TokenRef<'_> {
    fn token_ref(&self) -> TokenRef<'_> {
        *self
    }
}
