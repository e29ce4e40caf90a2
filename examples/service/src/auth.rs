//! Who is calling: the extractors that turn the session cookie into the seed model's types, the
//! requirements the routes put on them, and the JSON errors of the contract.

use std::marker::PhantomData;
use std::sync::Arc;

use authgen::prelude::*;
use authgen::runtime::axum::Requirement;
use authgen::runtime::db::{DbSession, SessionError, SessionErrorKind};
use authgen::runtime::revoke::{RevocationClaims, RevocationError, TokenRef};
use authgen::runtime::GuardError;
use axum::extract::FromRequestParts;
use axum::http::header::RETRY_AFTER;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::model::{Jwt, Permission, Role, RoleExt, User};
use crate::state::{AppState, Sessions};

/// Seconds a client should wait before retrying after a 503.
pub const RETRY_AFTER_SECS: u32 = 5;

/// An error answer of the service: `{"error": "<code>"}` with the matching status.
///
/// ```
/// use authgen_example_service::auth::ApiError;
/// use axum::response::IntoResponse;
/// assert_eq!(ApiError::Unauthorized.into_response().status(), 401);
/// let r = ApiError::Unavailable.into_response();
/// assert_eq!((r.status().as_u16(), r.headers()["retry-after"].to_str().unwrap()), (503, "5"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 401 `unauthorized`: no session, or one that is malformed, tampered, expired or gone.
    Unauthorized,
    /// 403 `forbidden`: signed in, without the role or permission.
    Forbidden,
    /// 400 `bad_request`, with a message about the request body.
    BadRequest(&'static str),
    /// 503 `unavailable` with `Retry-After`: the database could not be asked.
    Unavailable,
    /// 503 `unavailable` with `Retry-After` of the given seconds: the revocation list (Redis)
    /// could not be asked and `REVOKE_POLICY=refuse`.
    RevocationsUnavailable(u64),
    /// 500 `internal`: the database holds a row the model cannot read (a schema mismatch).
    Internal,
}

impl ApiError {
    /// The status and the `error` code.
    ///
    /// ```
    /// use authgen_example_service::auth::ApiError;
    /// assert_eq!(ApiError::Forbidden.status_and_code(), (403, "forbidden"));
    /// ```
    pub fn status_and_code(&self) -> (u16, &'static str) {
        match self {
            ApiError::Unauthorized => (401, "unauthorized"),
            ApiError::Forbidden => (403, "forbidden"),
            ApiError::BadRequest(_) => (400, "bad_request"),
            ApiError::Unavailable | ApiError::RevocationsUnavailable(_) => (503, "unavailable"),
            ApiError::Internal => (500, "internal"),
        }
    }

    /// The answer to a failed database session lookup; the server's errors are logged (the
    /// runtime's messages hold neither the token nor row values).
    ///
    /// ```
    /// use authgen_example_service::auth::ApiError;
    /// use authgen::runtime::db::SessionError;
    /// assert_eq!(ApiError::from_session(&SessionError::NotFound), ApiError::Unauthorized);
    /// let down = SessionError::Database { message: "unable to open database file".into() };
    /// assert_eq!(ApiError::from_session(&down), ApiError::Unavailable);
    /// ```
    pub fn from_session(e: &SessionError) -> ApiError {
        match e.kind() {
            SessionErrorKind::NotFound | SessionErrorKind::Expired => ApiError::Unauthorized,
            SessionErrorKind::Database => {
                eprintln!("session lookup: {e}");
                ApiError::Unavailable
            }
            _ => {
                eprintln!("session lookup: {e}");
                ApiError::Internal
            }
        }
    }

    /// The answer to a failed revocation check: 401 for a revoked token (like any invalid
    /// session), 503 with the runtime's `Retry-After` while Redis cannot be asked.
    ///
    /// ```
    /// use std::time::Duration;
    /// use authgen_example_service::auth::ApiError;
    /// use authgen::runtime::revoke::RevocationError;
    /// assert_eq!(ApiError::from_revocation(&RevocationError::Revoked), ApiError::Unauthorized);
    /// let down = RevocationError::Unavailable { message: "refused".into(), retry_after: Duration::from_millis(300) };
    /// assert_eq!(ApiError::from_revocation(&down), ApiError::RevocationsUnavailable(1));
    /// ```
    pub fn from_revocation(e: &RevocationError) -> ApiError {
        match e {
            RevocationError::Revoked => ApiError::Unauthorized,
            RevocationError::Unavailable { .. } => {
                ApiError::RevocationsUnavailable(e.retry_after_secs().unwrap_or(1))
            }
            _ => {
                eprintln!("revocation check: {e}");
                ApiError::Internal
            }
        }
    }
}

impl From<GuardError> for ApiError {
    fn from(e: GuardError) -> ApiError {
        match e {
            GuardError::Unauthenticated => ApiError::Unauthorized,
            GuardError::Forbidden => ApiError::Forbidden,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = match &self {
            ApiError::BadRequest(message) => json!({ "error": code, "message": message }),
            _ => json!({ "error": code }),
        };
        let mut response = (status, Json(body)).into_response();
        let retry_after = match self {
            ApiError::Unavailable => Some(u64::from(RETRY_AFTER_SECS)),
            ApiError::RevocationsUnavailable(secs) => Some(secs),
            _ => None,
        };
        if let Some(secs) = retry_after {
            response.headers_mut().insert(RETRY_AFTER, secs.into());
        }
        response
    }
}

/// The signed-in caller, as the seed model types it: the JWT's claims, or the user row of the
/// database session. Role and permission checks go through the derived helpers.
///
/// ```
/// use authgen_example_service::auth::Principal;
/// use authgen_example_service::model::{Jwt, Permission, Role, RoleExt};
/// use authgen::prelude::*;
/// let jwt: Jwt = serde_json::from_value(serde_json::json!({
///     "id": "u1", "role": "MODERATOR", "permissions": ["posts:write"]
/// })).unwrap();
/// let p = Principal::Jwt(jwt);
/// assert!(p.is_moderator() && !p.is_admin());
/// assert!(p.has_permission(Permission::PostsWrite));
/// assert_eq!(p.role(), Some(Role::Moderator));
/// ```
#[derive(Debug, Clone)]
pub enum Principal {
    /// A JWT session (`AUTH_STRATEGY=jwt`).
    Jwt(Jwt),
    /// A database session and its user row (`AUTH_STRATEGY=database`).
    Db(DbSession<User>),
}

impl Principal {
    /// The user id (the JWT's `id` claim, or the user row's `id`).
    ///
    /// ```
    /// # use authgen_example_service::auth::Principal;
    /// let jwt = serde_json::from_value(serde_json::json!({"id": "u1", "role": "USER", "permissions": []})).unwrap();
    /// assert_eq!(Principal::Jwt(jwt).id(), "u1");
    /// ```
    pub fn id(&self) -> &str {
        match self {
            Principal::Jwt(j) => &j.id,
            Principal::Db(s) => &s.user.id,
        }
    }

    /// The name and email: next-auth's default claims, or the user row's columns.
    ///
    /// ```
    /// # use authgen_example_service::auth::Principal;
    /// let jwt = serde_json::from_value(serde_json::json!({
    ///     "id": "u1", "role": "USER", "permissions": [], "name": "Ada", "email": "ada@example.com"
    /// })).unwrap();
    /// assert_eq!(Principal::Jwt(jwt).name_and_email(), (Some("Ada"), Some("ada@example.com")));
    /// ```
    pub fn name_and_email(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Principal::Jwt(j) => (j.name.as_deref(), j.email.as_deref()),
            Principal::Db(s) => (s.user.name.as_deref(), s.user.email.as_deref()),
        }
    }
}

/// The user id (`sub`, else `id`), `iat` and `jti` of a JWT session, for the revocation check.
/// A database session has none of them: its row is the truth.
///
/// ```
/// use authgen::runtime::revoke::RevocationClaims;
/// use authgen_example_service::auth::Principal;
/// let jwt = serde_json::from_value(serde_json::json!({
///     "id": "u1", "role": "USER", "permissions": [], "sub": "u1", "iat": 5, "jti": "j"
/// })).unwrap();
/// let who = Principal::Jwt(jwt);
/// let t = who.token_ref();
/// assert_eq!((t.user_id, t.iat, t.jti), (Some("u1"), Some(5), Some("j")));
/// ```
impl RevocationClaims for Principal {
    fn token_ref(&self) -> TokenRef<'_> {
        match self {
            Principal::Jwt(j) => TokenRef {
                user_id: Some(j.sub.as_deref().unwrap_or(&j.id)),
                iat: j.iat,
                jti: j.jti.as_deref(),
            },
            Principal::Db(_) => TokenRef::default(),
        }
    }
}

impl HasRole for Principal {
    type Role = Role;
    fn role(&self) -> Option<Role> {
        match self {
            Principal::Jwt(j) => j.role(),
            Principal::Db(s) => s.user.role(),
        }
    }
}

impl HasPermissions for Principal {
    type Permission = Permission;
    fn permissions(&self) -> &[Permission] {
        match self {
            Principal::Jwt(j) => j.permissions(),
            Principal::Db(s) => s.user.permissions(),
        }
    }
}

/// Any signed-in caller.
///
/// ```
/// use authgen::runtime::axum::Requirement;
/// use authgen_example_service::auth::{Principal, SignedIn};
/// let jwt = serde_json::from_value(serde_json::json!({"id": "u1", "role": "USER", "permissions": []})).unwrap();
/// assert!(SignedIn::check(&Principal::Jwt(jwt)).is_ok());
/// ```
#[derive(Debug)]
pub struct SignedIn;

impl Requirement<Principal> for SignedIn {
    fn check(_: &Principal) -> Result<(), GuardError> {
        Ok(())
    }
}

/// Role ADMIN (the derived `is_admin()`).
///
/// ```
/// use authgen::runtime::axum::Requirement;
/// use authgen_example_service::auth::{Admin, Principal};
/// let jwt = serde_json::from_value(serde_json::json!({"id": "u1", "role": "MODERATOR", "permissions": []})).unwrap();
/// assert!(Admin::check(&Principal::Jwt(jwt)).is_err());
/// ```
#[derive(Debug)]
pub struct Admin;

impl Requirement<Principal> for Admin {
    fn check(p: &Principal) -> Result<(), GuardError> {
        if p.is_admin() {
            Ok(())
        } else {
            Err(GuardError::Forbidden)
        }
    }
}

/// Permission `posts:write` (the derived `has_permission`).
///
/// ```
/// use authgen::runtime::axum::Requirement;
/// use authgen_example_service::auth::{PostsWriter, Principal};
/// let jwt = serde_json::from_value(serde_json::json!({"id": "u1", "role": "ADMIN", "permissions": ["posts:read"]})).unwrap();
/// assert!(PostsWriter::check(&Principal::Jwt(jwt)).is_err());
/// ```
#[derive(Debug)]
pub struct PostsWriter;

impl Requirement<Principal> for PostsWriter {
    fn check(p: &Principal) -> Result<(), GuardError> {
        if p.has_permission(Permission::PostsWrite) {
            Ok(())
        } else {
            Err(GuardError::Forbidden)
        }
    }
}

/// The caller, checked by the requirement `R`: 401 without a valid session or with a revoked
/// one (`REDIS_URL`, JWT mode), 403 when `R` refuses, 503 when the database cannot be asked or
/// does not answer within `DB_TIMEOUT_MS`, or when Redis cannot be asked under
/// `REVOKE_POLICY=refuse`. In database mode the session row is read on every request (no cache).
///
/// ```
/// use authgen_example_service::auth::{Admin, Caller};
/// async fn handler(Caller(who, ..): Caller<Admin>) -> String { who.id().to_owned() }
/// ```
pub struct Caller<R = SignedIn>(pub Principal, pub PhantomData<R>);

/// The session of the request, or why there is none.
async fn principal(parts: &Parts, state: &AppState) -> Result<Principal, ApiError> {
    match &state.sessions {
        Sessions::Jwt(verifier) => match verifier.decode_headers::<Jwt>(&parts.headers) {
            Ok(Some(jwt)) => Ok(Principal::Jwt(jwt)),
            Ok(None) | Err(_) => Err(ApiError::Unauthorized),
        },
        Sessions::Database(store) => {
            let token = authgen::runtime::cookie::session_token_from_headers(
                &parts.headers,
                store.cookie_name(),
                store.max_token_len(),
            )
            .ok()
            .flatten()
            .ok_or(ApiError::Unauthorized)?;
            match crate::db::bounded(state.db_timeout, store.lookup(&token)).await {
                Ok(session) => Ok(Principal::Db(session)),
                Err(Some(e)) => Err(ApiError::from_session(&e)),
                Err(None) => {
                    eprintln!(
                        "session lookup: no answer from the database within {} ms",
                        state.db_timeout.as_millis()
                    );
                    Err(ApiError::Unavailable)
                }
            }
        }
    }
}

impl<R: Requirement<Principal>> FromRequestParts<Arc<AppState>> for Caller<R> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let who = principal(parts, state).await?;
        if let Some(revocations) = &state.revocations {
            revocations
                .check_claims(&who)
                .await
                .map_err(|e| ApiError::from_revocation(&e))?;
        }
        R::check(&who)?;
        Ok(Caller(who, PhantomData))
    }
}
