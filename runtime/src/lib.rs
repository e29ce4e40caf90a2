//! authgen's runtime: role and permission checks over the application's own types, and
//! verification of NextAuth.js / Auth.js session tokens.
//!
//! - [`authz`]: the [`Role`], [`Permission`], [`HasRole`], [`HasRoleName`] (free-form string
//!   roles) and [`HasPermissions`] traits that authgen's derives implement for the application's
//!   types.
//! - [`guard`]: authenticated / role / permission checks with errors that map to 401 and 403.
// The items of a feature are links only when it is on (else the link would not resolve: the
// `--no-default-features` docs name them as code).
#![cfg_attr(
    feature = "jwt",
    doc = "- Feature `jwt` (default): [`Verifier`] decodes and encodes next-auth v4 and v5 \
           session tokens (JWE, `dir` + `A256GCM` / `A256CBC-HS512`), [`cookie`] reads and \
           writes the session cookie, [`keys`] exposes the key derivation."
)]
#![cfg_attr(
    not(feature = "jwt"),
    doc = "- Feature `jwt` (default, off in this build): `Verifier` decodes and encodes \
           next-auth v4 and v5 session tokens (JWE, `dir` + `A256GCM` / `A256CBC-HS512`), \
           module `cookie` reads and writes the session cookie, module `keys` exposes the key \
           derivation."
)]
//! - Feature `http`: reading the session from an `http::HeaderMap`.
//! - Feature `axum`: extractors and guards for axum 0.8 (module `axum`).
#![cfg_attr(
    feature = "db",
    doc = "- Features `postgres`, `mysql`, `sqlite` (each enables `db`): database sessions, \
           the session token looked up in the Auth.js tables in one round trip (module [`db`])."
)]
#![cfg_attr(
    not(feature = "db"),
    doc = "- Features `postgres`, `mysql`, `sqlite` (each enables `db`, off in this build): \
           database sessions, the session token looked up in the Auth.js tables in one round \
           trip (module `db`)."
)]
//! - Feature `redis`: revocations (by user, by token id) and cross-instance invalidation of the
//!   session caches through Redis pub/sub (module `revoke`).
//!
//! With `default-features = false` the crate depends only on `authgen-naming` (plain data, no
//! dependencies), re-exported as [`naming`].
//!
//! ```
//! # #[cfg(feature = "jwt")] {
//! use authgen_runtime::{NextAuthVersion, Verifier};
//! let verifier = Verifier::builder(NextAuthVersion::V5)
//!     .secret("a-secret-of-at-least-thirty-two-bytes!")
//!     .build()
//!     .unwrap();
//! let token = verifier.encode(&serde_json::json!({ "sub": "1" })).unwrap();
//! let header = format!("authjs.session-token={token}");
//! let claims: serde_json::Value = verifier.decode_cookie_header(&header).unwrap().unwrap();
//! assert_eq!(claims["sub"], "1");
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod authz;
pub mod guard;
/// The SQL dialects and the Auth.js table and column names per naming preset: the crate
/// `authgen-naming`, which the SQL generator reads too.
pub use authgen_naming as naming;
#[cfg(any(feature = "jwt", feature = "db"))]
mod redact;

#[cfg(feature = "jwt")]
mod b64;
#[cfg(feature = "jwt")]
mod capture;
#[cfg(feature = "jwt")]
mod claims;
#[cfg(feature = "jwt")]
pub mod cookie;
#[cfg(feature = "jwt")]
mod error;
#[cfg(feature = "jwt")]
mod jwe;
#[cfg(feature = "jwt")]
pub mod keys;
#[cfg(feature = "jwt")]
mod verifier;

#[cfg(feature = "axum")]
pub mod axum;

#[cfg(feature = "db")]
pub mod db;

#[cfg(feature = "redis")]
pub mod revoke;

pub use authz::{HasPermissions, HasRole, HasRoleName, ParseEnumError, Permission, Role};
pub use guard::GuardError;

#[cfg(feature = "jwt")]
pub use error::{ConfigError, EncodeError, TokenError, TokenErrorKind};
#[cfg(feature = "jwt")]
pub use keys::ContentEncryption;
#[cfg(feature = "jwt")]
pub use verifier::{
    EncodeOptions, NextAuthVersion, Verifier, VerifierBuilder, DEFAULT_CLOCK_TOLERANCE,
    DEFAULT_MAX_AGE, DEFAULT_MAX_TOKEN_LEN, MIN_SECRET_LEN,
};
