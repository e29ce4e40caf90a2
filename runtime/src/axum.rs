//! axum 0.8 integration (feature `axum`): extractors for the verified session and guards.
//!
//! The router's state must provide an `Arc<Verifier>` (through [`FromRef`]; a state that *is*
//! an `Arc<Verifier>` works as it is).
//!
//! - [`Session<T>`]: the verified claims; 401 with a JSON body when the session cookie (or
//!   Bearer token) is missing or does not verify. `Option<Session<T>>` is `None` for both.
//!   Authentic claims that do not fit `T` are also 401: typically a token minted before the
//!   app's JWT type changed, which a new sign-in replaces. (Database sessions answer 500 for a
//!   user row that does not fit: that is the server's schema, not the client's session.)
//! - [`Authorized<T, R>`]: the verified claims, checked by the [`Requirement`] `R` (role,
//!   permission, any / all of them); 401 without a valid session, 403 when `R` refuses.
//!
//! ```
//! use std::sync::Arc;
//! use axum::{routing::get, Router};
//! use authgen_runtime::axum::{Authorized, Requirement, Session};
//! use authgen_runtime::{guard, GuardError, HasPermissions, NextAuthVersion, Verifier};
//!
//! #[derive(serde::Deserialize)]
//! struct Claims { sub: String, #[serde(default)] permissions: Vec<String> }
//! impl HasPermissions for Claims {
//!     type Permission = String;
//!     fn permissions(&self) -> &[String] { &self.permissions }
//! }
//!
//! struct CanWrite;
//! impl Requirement<Claims> for CanWrite {
//!     fn check(claims: &Claims) -> Result<(), GuardError> {
//!         guard::permission(claims, "posts:write")
//!     }
//! }
//!
//! async fn me(Session(claims): Session<Claims>) -> String { claims.sub }
//! async fn write(Authorized(claims, ..): Authorized<Claims, CanWrite>) -> String { claims.sub }
//!
//! let verifier = Arc::new(Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build().unwrap());
//! let app: Router = Router::new().route("/me", get(me)).route("/posts", get(write)).with_state(verifier);
//! # let _ = app;
//! ```

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::TokenError;
use crate::guard::GuardError;
use crate::verifier::Verifier;

/// The claims of a verified session token (cookie, or `Authorization: Bearer`).
///
/// ```
/// use authgen_runtime::axum::Session;
/// async fn handler(Session(claims): Session<serde_json::Value>) -> String {
///     claims["sub"].as_str().unwrap_or_default().to_owned()
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Session<T>(pub T);

/// Why a request was refused: renders as 401 or 403 with a JSON body
/// `{"error":"unauthorized"|"forbidden","message":"…"}` that says nothing about the token.
///
/// ```
/// use authgen_runtime::axum::Rejection;
/// use authgen_runtime::GuardError;
/// use axum::response::IntoResponse;
/// let r = Rejection::from(GuardError::Forbidden);
/// assert_eq!(r.into_response().status(), 403);
/// ```
#[derive(Debug)]
pub struct Rejection {
    status: GuardError,
    /// Why the token was refused, for server-side logs (never sent to the client).
    pub token_error: Option<TokenError>,
}

impl Rejection {
    /// The guard outcome: unauthenticated (401) or forbidden (403).
    ///
    /// ```
    /// # use authgen_runtime::{axum::Rejection, GuardError};
    /// assert_eq!(Rejection::from(GuardError::Unauthenticated).error(), GuardError::Unauthenticated);
    /// ```
    pub fn error(&self) -> GuardError {
        self.status
    }
}

impl From<GuardError> for Rejection {
    fn from(status: GuardError) -> Self {
        Rejection {
            status,
            token_error: None,
        }
    }
}

impl From<TokenError> for Rejection {
    fn from(e: TokenError) -> Self {
        Rejection {
            status: GuardError::Unauthenticated,
            token_error: Some(e),
        }
    }
}

fn json_error(status: GuardError) -> Response {
    let code = match status {
        GuardError::Unauthenticated => StatusCode::UNAUTHORIZED,
        GuardError::Forbidden => StatusCode::FORBIDDEN,
    };
    let body = serde_json::json!({ "error": status.code(), "message": status.public_message() })
        .to_string();
    let mut response = (
        code,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response();
    if status == GuardError::Unauthenticated {
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        json_error(self.status)
    }
}

impl IntoResponse for GuardError {
    fn into_response(self) -> Response {
        json_error(self)
    }
}

fn verify<T: DeserializeOwned>(
    parts: &Parts,
    verifier: &Verifier,
) -> Result<Option<T>, TokenError> {
    verifier.decode_headers(&parts.headers)
}

impl<S, T> FromRequestParts<S> for Session<T>
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejection> {
        let verifier = Arc::<Verifier>::from_ref(state);
        match verify(parts, &verifier)? {
            Some(claims) => Ok(Session(claims)),
            None => Err(GuardError::Unauthenticated.into()),
        }
    }
}

impl<S, T> OptionalFromRequestParts<S> for Session<T>
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = std::convert::Infallible;

    /// `None` without a session token and for one that does not verify (as `getToken`'s `null`).
    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let verifier = Arc::<Verifier>::from_ref(state);
        Ok(verify(parts, &verifier).ok().flatten().map(Session))
    }
}

/// A check of a verified session's claims, for [`Authorized`]: usually one of the
/// [`guard`](crate::guard) functions.
///
/// ```
/// use authgen_runtime::{axum::Requirement, guard, GuardError};
/// struct Claims { admin: bool }
/// struct AdminOnly;
/// impl Requirement<Claims> for AdminOnly {
///     fn check(c: &Claims) -> Result<(), GuardError> {
///         if c.admin { Ok(()) } else { Err(GuardError::Forbidden) }
///     }
/// }
/// assert!(AdminOnly::check(&Claims { admin: true }).is_ok());
/// ```
pub trait Requirement<T> {
    /// `Ok` to let the request through, `Err(GuardError::Forbidden)` to refuse it with 403.
    ///
    /// ```
    /// use authgen_runtime::{axum::Requirement, GuardError};
    /// struct Nobody;
    /// impl Requirement<()> for Nobody {
    ///     fn check(_: &()) -> Result<(), GuardError> { Err(GuardError::Forbidden) }
    /// }
    /// assert_eq!(Nobody::check(&()), Err(GuardError::Forbidden));
    /// ```
    fn check(claims: &T) -> Result<(), GuardError>;
}

/// The claims of a verified session that passed the requirement `R`: 401 without a valid
/// session, 403 when `R` refuses.
///
/// ```
/// use authgen_runtime::axum::{Authorized, Requirement};
/// use authgen_runtime::GuardError;
/// struct Anyone;
/// impl Requirement<serde_json::Value> for Anyone {
///     fn check(_: &serde_json::Value) -> Result<(), GuardError> { Ok(()) }
/// }
/// async fn handler(Authorized(claims, ..): Authorized<serde_json::Value, Anyone>) -> String {
///     claims.to_string()
/// }
/// ```
pub struct Authorized<T, R>(pub T, pub PhantomData<R>);

impl<T: std::fmt::Debug, R> std::fmt::Debug for Authorized<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Authorized").field(&self.0).finish()
    }
}

impl<S, T, R> FromRequestParts<S> for Authorized<T, R>
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
    R: Requirement<T>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejection> {
        let Session(claims) =
            <Session<T> as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        R::check(&claims)?;
        Ok(Authorized(claims, PhantomData))
    }
}
