//! The Rust service of the end-to-end example (`examples/next-app` is the front end): it trusts
//! next-auth v5's session cookie, with JWT sessions or database sessions (on the SQLite file the
//! app's adapter writes, or on PostgreSQL), and types the caller with the seed model
//! (`fixtures/seed/model.rs`). A database that is down or slow answers 503 with `Retry-After`
//! within `DB_TIMEOUT_MS`. With `REDIS_URL` (JWT mode), tokens revoked by the app (the
//! generated `revoke.ts`) are refused with 401 through the runtime's `revoke::Revocations`.
//!
//! Routes: `GET /api/health`, `GET /api/me`, `GET /api/admin/stats` (ADMIN),
//! `POST /api/posts` (permission `posts:write`). Settings: see [`config::Config`] and the
//! README next to this crate.
//!
//! ```no_run
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = authgen_example_service::config::Config::from_env()?;
//! authgen_example_service::serve(config).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod config;
pub mod db;
pub mod routes;
pub mod state;

/// The seed model, included from `fixtures/seed/model.rs` (one source of truth).
///
/// ```
/// use authgen_example_service::model::{Role, RoleExt};
/// assert!(Role::Admin.is_moderator());
/// ```
#[path = "../../../fixtures/seed/model.rs"]
#[allow(missing_docs)]
pub mod model;

use std::sync::Arc;

/// Applies `MIGRATIONS_DIR` (refused when its `authgen.snapshot.json` names another preset than
/// `DB_NAMING`), binds `ADDR`, prints
/// `authgen-example-service listening on http://127.0.0.1:PORT` on stderr and serves.
///
/// ```no_run
/// # async fn run(config: authgen_example_service::config::Config) -> Result<(), Box<dyn std::error::Error>> {
/// authgen_example_service::serve(config).await?;
/// # Ok(()) }
/// ```
pub async fn serve(config: config::Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = state::AppState::new(&config)?;
    if let (Some(dir), Some(pool)) = (&config.migrations_dir, &state.pool) {
        db::check_naming(dir, config.naming).map_err(|e| format!("MIGRATIONS_DIR: {e}"))?;
        db::migrate(pool, dir)
            .await
            .map_err(|e| format!("MIGRATIONS_DIR {}: {e}", dir.display()))?;
    }
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .map_err(|e| format!("ADDR {}: {e}", config.addr))?;
    eprintln!(
        "authgen-example-service listening on http://{}",
        listener.local_addr()?
    );
    if config.revocations.is_some() && state.revocations.is_none() {
        eprintln!(
            "authgen-example-service: REDIS_URL is not read with AUTH_STRATEGY=database: \
             the session row, which sign-out deletes, is read on every request (no cache)"
        );
    }
    axum::serve(listener, routes::router(Arc::new(state))).await?;
    Ok(())
}
