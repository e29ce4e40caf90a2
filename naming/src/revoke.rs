//! The Redis revocation layout: the contract between the runtime's `revoke::Revocations`
//! (feature `redis`) and the generated `revoke.ts`, kept here so both read one source.
//!
//! | key / channel | value | expiry |
//! | --- | --- | --- |
//! | `authgen:revoked:user:{id}` | the cutoff, unix seconds: tokens with `iat < cutoff` are refused | `cutoff` + [`DEFAULT_USER_KEY_TTL`] (or the app's `maxAge`) |
//! | `authgen:revoked:jti:{jti}` | the token's `exp`, unix seconds | `exp` + [`TOKEN_KEY_GRACE`]; not stored when already past |
//! | channel `authgen:revocations` | one JSON message per revocation, published after the key is set | — |
//!
//! ```
//! use authgen_naming::revoke::{CHANNEL, TOKEN_KEY_GRACE, TOKEN_KEY_PREFIX, USER_KEY_PREFIX};
//! assert_eq!(format!("{USER_KEY_PREFIX}42"), "authgen:revoked:user:42");
//! assert_eq!(format!("{TOKEN_KEY_PREFIX}abc"), "authgen:revoked:jti:abc");
//! assert_eq!(CHANNEL, "authgen:revocations");
//! assert_eq!(TOKEN_KEY_GRACE.as_secs(), 60);
//! ```

use std::time::Duration;

/// The prefix of a user's revocation key: `authgen:revoked:user:{id}`.
///
/// ```
/// assert_eq!(authgen_naming::revoke::USER_KEY_PREFIX, "authgen:revoked:user:");
/// ```
pub const USER_KEY_PREFIX: &str = "authgen:revoked:user:";

/// The prefix of a token id's revocation key: `authgen:revoked:jti:{jti}`.
///
/// ```
/// assert_eq!(authgen_naming::revoke::TOKEN_KEY_PREFIX, "authgen:revoked:jti:");
/// ```
pub const TOKEN_KEY_PREFIX: &str = "authgen:revoked:jti:";

/// The pub/sub channel of revocation messages.
///
/// ```
/// assert_eq!(authgen_naming::revoke::CHANNEL, "authgen:revocations");
/// ```
pub const CHANNEL: &str = "authgen:revocations";

/// The default lifetime of a user revocation key after its cutoff: next-auth's default
/// `maxAge` (30 days), after which every token issued before the cutoff has expired.
///
/// ```
/// assert_eq!(authgen_naming::revoke::DEFAULT_USER_KEY_TTL.as_secs(), 30 * 86_400);
/// ```
pub const DEFAULT_USER_KEY_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// How long a token-id key outlives the token's `exp` (covers the verifier's clock tolerance).
///
/// ```
/// assert_eq!(authgen_naming::revoke::TOKEN_KEY_GRACE.as_secs(), 60);
/// ```
pub const TOKEN_KEY_GRACE: Duration = Duration::from_secs(60);
