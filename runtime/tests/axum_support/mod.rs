//! What the axum tests share: one request through a router, and session tokens minted by the
//! real next-auth. Each test file uses part of it.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Session tokens for `claims`, minted by the real next-auth `version` (`v4` / `v5`) with
/// `secret` and `salt` (`fixtures/ts/next-auth-<version>/interop/jwt.mjs encode`).
pub fn next_auth_tokens(version: &str, secret: &str, salt: &str, claims: &[Value]) -> Vec<String> {
    let cases: Vec<Value> = claims
        .iter()
        .map(|c| json!({ "claims": c, "secret": secret, "salt": salt }))
        .collect();
    authgen_testkit::npm::next_auth_jwt(version, "encode", &cases)
        .into_iter()
        .map(|t| t.as_str().expect("a token").to_owned())
        .collect()
}

pub async fn call(
    app: &Router,
    path: &str,
    header: Option<(&str, String)>,
) -> (StatusCode, String) {
    let mut req = Request::get(path);
    if let Some((name, value)) = header {
        req = req.header(name, value);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    if !status.is_success() {
        assert_eq!(res.headers()["content-type"], "application/json");
    }
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}
