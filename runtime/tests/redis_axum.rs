//! The axum extractors of `revoke::axum` on tokens minted by the real next-auth v5 (which sets
//! `sub`, `iat` and `jti` itself): 200 until revoked, 401 after, 403 from a requirement, 503
//! with `Retry-After` when Redis is down under `FailurePolicy::Refuse`. The plain `Session`
//! extractor is unchanged.

mod axum_support;
mod redis_support;

use std::sync::Arc;

use authgen_runtime::axum::{Requirement, Session};
use authgen_runtime::revoke::axum::{Checked, CheckedAuthorized};
use authgen_runtime::revoke::{FailurePolicy, Revocations};
use authgen_runtime::{GuardError, NextAuthVersion, Verifier};
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use redis_support::{builder, unix_now, RedisServer};
use serde_json::{json, Value};
use tower::ServiceExt;

const SECRET: &str = "a-secret-of-at-least-thirty-two-bytes!";
const COOKIE: &str = "authjs.session-token";

#[derive(Clone)]
struct AppState {
    verifier: Arc<Verifier>,
    revocations: Revocations,
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(s: &AppState) -> Self {
        s.verifier.clone()
    }
}

impl FromRef<AppState> for Revocations {
    fn from_ref(s: &AppState) -> Self {
        s.revocations.clone()
    }
}

struct Nobody;
impl Requirement<Value> for Nobody {
    fn check(_: &Value) -> Result<(), GuardError> {
        Err(GuardError::Forbidden)
    }
}

async fn me(Checked(claims): Checked<Value>) -> String {
    claims["sub"].as_str().unwrap_or_default().to_owned()
}

async fn plain(Session(claims): Session<Value>) -> String {
    claims["sub"].as_str().unwrap_or_default().to_owned()
}

async fn admin(CheckedAuthorized(claims, ..): CheckedAuthorized<Value, Nobody>) -> String {
    claims.to_string()
}

async fn get_with(app: &Router, path: &str, token: &str) -> axum::response::Response {
    let req = Request::get(path)
        .header("cookie", format!("{COOKIE}={token}"))
        .body(Body::empty())
        .unwrap();
    app.clone().oneshot(req).await.unwrap()
}

async fn status(app: &Router, path: &str, token: &str) -> StatusCode {
    get_with(app, path, token).await.status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checked_sessions_follow_revocations_and_the_failure_policy() {
    let tokens = axum_support::next_auth_tokens(
        "v5",
        SECRET,
        COOKIE,
        &[
            json!({ "sub": "u-axum", "name": "A" }),
            json!({ "sub": "u-two" }),
        ],
    );
    let mut server = RedisServer::start();
    let verifier = Arc::new(
        Verifier::builder(NextAuthVersion::V5)
            .secret(SECRET)
            .build()
            .unwrap(),
    );
    let claims: Value = verifier.decode(&tokens[0]).unwrap();
    assert!(
        claims["jti"].is_string() && claims["iat"].is_number(),
        "{claims}"
    );
    let state = AppState {
        verifier,
        revocations: builder(&server, FailurePolicy::Refuse).build().unwrap(),
    };
    let app = Router::new()
        .route("/me", get(me))
        .route("/plain", get(plain))
        .route("/admin", get(admin))
        .with_state(state.clone());

    let res = get_with(&app, "/me", &tokens[0]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .unwrap();
    assert_eq!(&body[..], b"u-axum");
    assert_eq!(
        status(&app, "/admin", &tokens[0]).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(&app, "/me", "garbage").await,
        StatusCode::UNAUTHORIZED
    );

    let jti = claims["jti"].as_str().unwrap();
    let exp = claims["exp"].as_i64().unwrap();
    state.revocations.revoke_token(jti, exp).await.unwrap();
    let res = get_with(&app, "/me", &tokens[0]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        status(&app, "/plain", &tokens[0]).await,
        StatusCode::OK,
        "Session is unchanged"
    );
    assert_eq!(status(&app, "/me", &tokens[1]).await, StatusCode::OK);
    state
        .revocations
        .revoke_user("u-two", unix_now() + 1)
        .await
        .unwrap();
    assert_eq!(
        status(&app, "/me", &tokens[1]).await,
        StatusCode::UNAUTHORIZED
    );

    server.kill();
    state.revocations.clear_cache();
    let res = get_with(&app, "/me", &tokens[1]).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "1");
    assert_eq!(res.headers()["content-type"], "application/json");
    let body = axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body,
        json!({ "error": "session_unavailable", "message": "the session could not be checked" })
    );
}
