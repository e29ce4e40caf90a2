//! What the axum tests share: one request through a router.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

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
