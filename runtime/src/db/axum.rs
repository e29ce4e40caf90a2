//! axum 0.8 extractors for database sessions (features `axum` and `db`).
//!
//! The router's state must provide an `Arc<SessionStore<U>>` (through [`FromRef`]). The token
//! is read from the store's cookie (chunks joined), else `Authorization: Bearer`.
//!
//! - [`DbSession<U>`]: the session's user; 401 with a JSON body when the token is missing,
//!   unknown or expired, 503 when the database fails, 500 when the row does not fit `U`.
//!   `Option<DbSession<U>>` is `None` when there is no valid session (database failures still
//!   reject).
//! - [`DbAuthorized<U, R>`]: the user, checked by the [`Requirement`] `R` (403 when it refuses).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use axum::{routing::get, Router};
//! use authgen_runtime::db::{DbSession, SessionSchema, SessionStore, ValueKind};
//! use authgen_runtime::naming::Preset;
//!
//! #[derive(serde::Deserialize, Clone)]
//! struct User { id: String, email: Option<String> }
//!
//! async fn me(session: DbSession<User>) -> String { session.user.id }
//!
//! let pool = sqlx::SqlitePool::connect("sqlite://app.db").await?;
//! let store = Arc::new(SessionStore::<User>::new(pool, &SessionSchema::preset(Preset::Prisma))?);
//! let app: Router = Router::new().route("/me", get(me)).with_state(store);
//! # let _ = app; Ok(()) }
//! ```

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{DbSession, SessionError, SessionStore};
use crate::axum::Requirement;
use crate::guard::GuardError;

/// Why a request with a database session was refused: 401 (no, unknown or expired session),
/// 403 (a [`Requirement`] refused), 500 / 503 (the server could not check the session). The
/// JSON body `{"error": …, "message": …}` says nothing about the token, the row or the database.
///
/// ```
/// use authgen_runtime::db::{axum::DbRejection, SessionError};
/// use axum::response::IntoResponse;
/// let r = DbRejection::from(SessionError::NotFound);
/// assert_eq!(r.into_response().status(), 401);
/// let r = DbRejection::from(SessionError::Database { message: "down".into() });
/// assert_eq!(r.into_response().status(), 503);
/// ```
#[derive(Debug)]
pub struct DbRejection {
    /// Why, for server-side logs (never sent to the client). `None` for a 403 or a missing
    /// token.
    pub error: Option<SessionError>,
    guard: Option<GuardError>,
}

impl DbRejection {
    /// The HTTP status.
    ///
    /// ```
    /// use authgen_runtime::{db::axum::DbRejection, GuardError};
    /// assert_eq!(DbRejection::from(GuardError::Forbidden).status(), 403);
    /// ```
    pub fn status(&self) -> u16 {
        match (&self.guard, &self.error) {
            (Some(g), _) => g.status(),
            (None, Some(e)) => e.status(),
            (None, None) => 401,
        }
    }
}

impl From<SessionError> for DbRejection {
    fn from(e: SessionError) -> Self {
        DbRejection {
            guard: e.guard_error(),
            error: Some(e),
        }
    }
}

impl From<GuardError> for DbRejection {
    fn from(g: GuardError) -> Self {
        DbRejection {
            error: None,
            guard: Some(g),
        }
    }
}

impl IntoResponse for DbRejection {
    fn into_response(self) -> Response {
        if let Some(g) = self.guard {
            return g.into_response();
        }
        let (status, message) = match &self.error {
            Some(e) => (e.status(), e.public_message()),
            None => return GuardError::Unauthenticated.into_response(),
        };
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body =
            serde_json::json!({ "error": "session_unavailable", "message": message }).to_string();
        (
            code,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body,
        )
            .into_response()
    }
}

async fn extract<U: DeserializeOwned + Clone>(
    parts: &Parts,
    store: &SessionStore<U>,
) -> Result<DbSession<U>, DbRejection> {
    let token = crate::cookie::session_token_from_headers(
        &parts.headers,
        store.cookie_name(),
        store.max_token_len(),
    )
    .map_err(|_| DbRejection::from(SessionError::NotFound))?
    .ok_or(DbRejection::from(GuardError::Unauthenticated))?;
    Ok(store.lookup(&token).await?)
}

impl<S, U> FromRequestParts<S> for DbSession<U>
where
    Arc<SessionStore<U>>: FromRef<S>,
    S: Send + Sync,
    U: DeserializeOwned + Clone + Send + 'static,
{
    type Rejection = DbRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, DbRejection> {
        let store = Arc::<SessionStore<U>>::from_ref(state);
        extract(parts, &store).await
    }
}

impl<S, U> OptionalFromRequestParts<S> for DbSession<U>
where
    Arc<SessionStore<U>>: FromRef<S>,
    S: Send + Sync,
    U: DeserializeOwned + Clone + Send + 'static,
{
    type Rejection = DbRejection;

    /// `None` without a valid session; the server's errors (database, row type) still reject.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, DbRejection> {
        let store = Arc::<SessionStore<U>>::from_ref(state);
        match extract(parts, &store).await {
            Ok(s) => Ok(Some(s)),
            Err(r) if r.status() == 401 => Ok(None),
            Err(r) => Err(r),
        }
    }
}

/// The user of a valid database session that passed the requirement `R`: 401 without a valid
/// session, 403 when `R` refuses.
///
/// ```
/// use authgen_runtime::axum::Requirement;
/// use authgen_runtime::db::axum::DbAuthorized;
/// use authgen_runtime::GuardError;
/// #[derive(serde::Deserialize, Clone)]
/// struct User { role: String }
/// struct Admin;
/// impl Requirement<User> for Admin {
///     fn check(u: &User) -> Result<(), GuardError> {
///         if u.role == "ADMIN" { Ok(()) } else { Err(GuardError::Forbidden) }
///     }
/// }
/// async fn handler(DbAuthorized(session, ..): DbAuthorized<User, Admin>) -> String {
///     session.user.role
/// }
/// ```
pub struct DbAuthorized<U, R>(pub DbSession<U>, pub PhantomData<R>);

impl<U: std::fmt::Debug, R> std::fmt::Debug for DbAuthorized<U, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DbAuthorized").field(&self.0).finish()
    }
}

impl<S, U, R> FromRequestParts<S> for DbAuthorized<U, R>
where
    Arc<SessionStore<U>>: FromRef<S>,
    S: Send + Sync,
    U: DeserializeOwned + Clone + Send + 'static,
    R: Requirement<U>,
{
    type Rejection = DbRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, DbRejection> {
        let session =
            <DbSession<U> as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        R::check(&session.user)?;
        Ok(DbAuthorized(session, PhantomData))
    }
}
