//! The routes of the contract the Next app and its browser test rely on.

use std::sync::Arc;

use authgen::prelude::*;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{Admin, ApiError, Caller, PostsWriter};
use crate::state::AppState;

/// The router: `GET /api/health`, `GET /api/me`, `GET /api/admin/stats`, `POST /api/posts`.
///
/// ```
/// use std::sync::Arc;
/// use authgen_example_service::{config::Config, routes::router, state::AppState};
/// let env = |k: &str| (k == "AUTH_SECRET").then(|| "s".repeat(32));
/// let app: axum::Router = router(Arc::new(AppState::new(&Config::from_lookup(env).unwrap()).unwrap()));
/// # let _ = app;
/// ```
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/me", get(me))
        .route("/api/admin/stats", get(admin_stats))
        .route("/api/posts", post(create_post))
        .with_state(state)
}

async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({ "ok": true, "strategy": state.strategy.as_str() }))
}

async fn me(State(state): State<Arc<AppState>>, Caller(who, ..): Caller) -> Json<Value> {
    let (name, email) = who.name_and_email();
    Json(json!({
        "id": who.id(),
        "name": name,
        "email": email,
        "role": who.role(),
        "permissions": who.permissions(),
        "strategy": state.strategy.as_str(),
    }))
}

async fn admin_stats(
    State(state): State<Arc<AppState>>,
    Caller(who, ..): Caller<Admin>,
) -> Result<Json<Value>, ApiError> {
    let users = match &state.pool {
        Some(pool) => Some(
            crate::db::bounded(
                state.db_timeout,
                crate::db::count_users(pool, &state.user_table),
            )
            .await
            .map_err(|e| {
                match e {
                    Some(e) => eprintln!("counting users: {e}"),
                    None => eprintln!(
                        "counting users: no answer within {} ms",
                        state.db_timeout.as_millis()
                    ),
                }
                ApiError::Unavailable
            })?,
        ),
        None => None,
    };
    Ok(Json(json!({ "viewer": who.id(), "users": users })))
}

/// The body of `POST /api/posts`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPost {
    title: String,
}

/// The post of a valid JSON body `{"title": "<non-empty>"}`.
fn parse_post(headers: &HeaderMap, body: &[u8]) -> Result<NewPost, ApiError> {
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError::BadRequest("send content-type: application/json"));
    }
    let post: NewPost = serde_json::from_slice(body)
        .map_err(|_| ApiError::BadRequest("the body must be {\"title\": string}"))?;
    if post.title.trim().is_empty() {
        return Err(ApiError::BadRequest("the title must not be empty"));
    }
    Ok(post)
}

/// Checks the caller first (401 / 403), the body only then (400). The post is not stored: the
/// example has no posts table.
async fn create_post(
    Caller(who, ..): Caller<PostsWriter>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let post = parse_post(&headers, &body)?;
    let id = uuid::Uuid::new_v4();
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "title": post.title, "authorId": who.id() })),
    ))
}
