//! axum 0.8 (features `redis` and `axum`): [`Checked<T>`], a verified session that is not
//! revoked, and [`CheckedAuthorized<T, R>`], the same passed through a [`Requirement`].
//!
//! The router's state provides an `Arc<Verifier>` and a [`Revocations`] (through [`FromRef`]).
//! A revoked token answers 401 like any invalid session; Redis unavailable under
//! [`FailurePolicy::Refuse`](super::FailurePolicy::Refuse) answers 503 with `Retry-After`.
//! The plain [`Session<T>`](crate::axum::Session) extractor is unchanged (no revocation check).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use axum::{extract::FromRef, routing::get, Router};
//! use authgen_runtime::revoke::{axum::Checked, FailurePolicy, Revocations};
//! use authgen_runtime::{NextAuthVersion, Verifier};
//!
//! #[derive(Clone)]
//! struct AppState { verifier: Arc<Verifier>, revocations: Revocations }
//! impl FromRef<AppState> for Arc<Verifier> {
//!     fn from_ref(s: &AppState) -> Self { s.verifier.clone() }
//! }
//! impl FromRef<AppState> for Revocations {
//!     fn from_ref(s: &AppState) -> Self { s.revocations.clone() }
//! }
//!
//! async fn me(Checked(claims): Checked<serde_json::Value>) -> String { claims["sub"].to_string() }
//!
//! let state = AppState {
//!     verifier: Arc::new(Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?),
//!     revocations: Revocations::builder("redis://127.0.0.1", FailurePolicy::Refuse).build()?,
//! };
//! let app: Router = Router::new().route("/me", get(me)).with_state(state);
//! # let _ = app; Ok(()) }
//! ```

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{RevocationClaims, RevocationError, Revocations};
use crate::axum::{Rejection, Requirement, Session};
use crate::guard::GuardError;
use crate::verifier::Verifier;

impl IntoResponse for RevocationError {
    /// 401 (revoked, the same response as any invalid session), 503 with `Retry-After`
    /// (Redis unavailable), 500 (configuration).
    fn into_response(self) -> Response {
        if let RevocationError::Revoked = self {
            return GuardError::Unauthenticated.into_response();
        }
        let code = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body =
            serde_json::json!({ "error": "session_unavailable", "message": self.public_message() })
                .to_string();
        let mut response = (
            code,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body,
        )
            .into_response();
        if let Some(secs) = self.retry_after_secs() {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Why [`Checked`] or [`CheckedAuthorized`] refused a request.
///
/// ```
/// use authgen_runtime::revoke::{axum::CheckedRejection, RevocationError};
/// use axum::response::IntoResponse;
/// let r = CheckedRejection::Revocation(RevocationError::Revoked);
/// assert_eq!(r.into_response().status(), 401);
/// ```
#[derive(Debug)]
pub enum CheckedRejection {
    /// No session, a token that does not verify (401) or a requirement that refused (403).
    Session(Rejection),
    /// Revoked (401) or the revocation list unavailable (503).
    Revocation(RevocationError),
}

impl IntoResponse for CheckedRejection {
    fn into_response(self) -> Response {
        match self {
            CheckedRejection::Session(r) => r.into_response(),
            CheckedRejection::Revocation(e) => e.into_response(),
        }
    }
}

/// The claims of a verified session token that is not revoked.
///
/// ```
/// use authgen_runtime::revoke::axum::Checked;
/// async fn handler(Checked(claims): Checked<serde_json::Value>) -> String {
///     claims["sub"].as_str().unwrap_or_default().to_owned()
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Checked<T>(pub T);

impl<S, T> FromRequestParts<S> for Checked<T>
where
    Arc<Verifier>: FromRef<S>,
    Revocations: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned + RevocationClaims + Send + Sync,
{
    type Rejection = CheckedRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, CheckedRejection> {
        let Session(claims) = <Session<T> as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map_err(CheckedRejection::Session)?;
        let revocations = Revocations::from_ref(state);
        revocations
            .check_claims(&claims)
            .await
            .map_err(CheckedRejection::Revocation)?;
        Ok(Checked(claims))
    }
}

/// The claims of a verified, unrevoked session that passed the requirement `R`.
///
/// ```
/// use authgen_runtime::axum::Requirement;
/// use authgen_runtime::revoke::axum::CheckedAuthorized;
/// use authgen_runtime::GuardError;
/// struct Anyone;
/// impl Requirement<serde_json::Value> for Anyone {
///     fn check(_: &serde_json::Value) -> Result<(), GuardError> { Ok(()) }
/// }
/// async fn handler(CheckedAuthorized(claims, ..): CheckedAuthorized<serde_json::Value, Anyone>) -> String {
///     claims.to_string()
/// }
/// ```
pub struct CheckedAuthorized<T, R>(pub T, pub PhantomData<R>);

impl<T: std::fmt::Debug, R> std::fmt::Debug for CheckedAuthorized<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CheckedAuthorized").field(&self.0).finish()
    }
}

impl<S, T, R> FromRequestParts<S> for CheckedAuthorized<T, R>
where
    Arc<Verifier>: FromRef<S>,
    Revocations: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned + RevocationClaims + Send + Sync,
    R: Requirement<T>,
{
    type Rejection = CheckedRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, CheckedRejection> {
        let Checked(claims) = Checked::<T>::from_request_parts(parts, state).await?;
        R::check(&claims).map_err(|g| CheckedRejection::Session(g.into()))?;
        Ok(CheckedAuthorized(claims, PhantomData))
    }
}
