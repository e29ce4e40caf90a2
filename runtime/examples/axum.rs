//! A small axum service that trusts the session cookie of a Next.js front end on next-auth.
//!
//! ```sh
//! AUTH_SECRET=... cargo run -p authgen-runtime --example axum --features axum
//! # mint a cookie the way next-auth would, and call the service:
//! TOKEN=$(AUTH_SECRET=... cargo run -q -p authgen-cli -- encode '{"sub":"1","role":"ADMIN"}')
//! curl -s localhost:3000/me -H "cookie: authjs.session-token=$TOKEN"
//! ```
//!
//! Environment: `AUTH_SECRET` (v5, the default) or `NEXTAUTH_SECRET` with `NEXT_AUTH=v4`;
//! `AUTH_SECURE=1` for the `__Secure-` cookie; `ADDR` (default `127.0.0.1:3000`; port 0 picks a
//! free one, and the line on stderr says which). `runtime/tests/example_axum.rs` runs it so.
//!
//! Database sessions (a front end on `session: { strategy: "database" }` with
//! `@auth/kysely-adapter` or Prisma on SQLite): set `DATABASE_URL` to the SQLite database the
//! adapter writes (migrated by `authgen migrate`; `AUTH_NAMING` names its naming preset,
//! `prisma` by default), and `/db/me` and `/db/admin` look the same session cookie up there:
//!
//! ```sh
//! DATABASE_URL=sqlite://app.db AUTH_SECRET=... cargo run -p authgen-runtime --example axum --features axum,sqlite
//! curl -s localhost:3000/db/me -H "cookie: authjs.session-token=<the sessionToken column>"
//! ```

use std::sync::Arc;

use authgen_runtime::axum::{Authorized, Requirement, Session};
use authgen_runtime::db::axum::DbAuthorized;
use authgen_runtime::db::{DbSession, SessionSchema, SessionStore, ValueKind};
use authgen_runtime::naming::Preset;
use authgen_runtime::{guard, GuardError, HasRole, NextAuthVersion, Role, Verifier};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
enum UserRole {
    User,
    Admin,
}

impl Role for UserRole {
    const ALL: &'static [Self] = &[UserRole::User, UserRole::Admin];
    fn rank(self) -> usize {
        self as usize
    }
    fn as_str(self) -> &'static str {
        match self {
            UserRole::User => "USER",
            UserRole::Admin => "ADMIN",
        }
    }
}

/// The app's JWT: next-auth's default claims plus the role the `jwt` callback copies in.
#[derive(Debug, Deserialize)]
struct Jwt {
    sub: String,
    name: Option<String>,
    email: Option<String>,
    #[serde(default = "default_role")]
    role: UserRole,
}

fn default_role() -> UserRole {
    UserRole::User
}

impl HasRole for Jwt {
    type Role = UserRole;
    fn role(&self) -> Option<UserRole> {
        Some(self.role)
    }
}

struct Admin;
impl Requirement<Jwt> for Admin {
    fn check(jwt: &Jwt) -> Result<(), GuardError> {
        guard::role_at_least(jwt, UserRole::Admin)
    }
}

async fn me(Session(jwt): Session<Jwt>) -> Json<Value> {
    Json(json!({ "id": jwt.sub, "name": jwt.name, "email": jwt.email, "role": jwt.role.as_str() }))
}

async fn hello(session: Option<Session<Jwt>>) -> String {
    match session {
        Some(Session(jwt)) => format!("hello {}", jwt.name.as_deref().unwrap_or(&jwt.sub)),
        None => "hello stranger".to_owned(),
    }
}

async fn admin(Authorized(jwt, ..): Authorized<Jwt, Admin>) -> String {
    format!("admin area for {}", jwt.sub)
}

/// The user row of a database session: the Auth.js columns plus the app's `role`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DbUser {
    id: String,
    name: Option<String>,
    email: Option<String>,
    #[serde(default = "default_role")]
    role: UserRole,
}

impl HasRole for DbUser {
    type Role = UserRole;
    fn role(&self) -> Option<UserRole> {
        Some(self.role)
    }
}

impl Requirement<DbUser> for Admin {
    fn check(user: &DbUser) -> Result<(), GuardError> {
        guard::role_at_least(user, UserRole::Admin)
    }
}

async fn db_me(s: DbSession<DbUser>) -> Json<Value> {
    Json(
        json!({ "id": s.user.id, "name": s.user.name, "email": s.user.email, "role": s.user.role.as_str() }),
    )
}

async fn db_admin(DbAuthorized(s, ..): DbAuthorized<DbUser, Admin>) -> String {
    format!("admin area for {}", s.user.id)
}

/// The columns the lookup selects: the preset's tables and Auth.js columns, plus `role`.
fn session_schema(preset: Preset) -> SessionSchema {
    SessionSchema::preset(preset)
        .without("emailVerified")
        .without("image")
        .column("role", "role", ValueKind::Text)
}

fn router(verifier: Verifier, sessions: Option<SessionStore<DbUser>>) -> Router {
    let jwt = Router::new()
        .route("/", get(hello))
        .route("/me", get(me))
        .route("/admin", get(admin))
        .with_state(Arc::new(verifier));
    match sessions {
        Some(store) => jwt.merge(
            Router::new()
                .route("/db/me", get(db_me))
                .route("/db/admin", get(db_admin))
                .with_state(Arc::new(store)),
        ),
        None => jwt,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let version: NextAuthVersion = env("NEXT_AUTH").as_deref().unwrap_or("v5").parse()?;
    let secret = match version {
        NextAuthVersion::V4 => env("NEXTAUTH_SECRET").or_else(|| env("AUTH_SECRET")),
        NextAuthVersion::V5 => env("AUTH_SECRET").or_else(|| env("NEXTAUTH_SECRET")),
    }
    .ok_or("set AUTH_SECRET (or NEXTAUTH_SECRET)")?;
    let verifier = Verifier::builder(version)
        .secret(secret)
        .secure(env("AUTH_SECURE").is_some())
        .build()?;
    let sessions = match env("DATABASE_URL") {
        Some(url) => {
            let pool = sqlx::SqlitePool::connect(&url).await?;
            let preset: Preset = env("AUTH_NAMING").as_deref().unwrap_or("prisma").parse()?;
            let store = SessionStore::new(pool, &session_schema(preset))?
                .with_cookie_name(verifier.cookie_name())
                .with_cache(10_000, std::time::Duration::from_secs(10));
            Some(store)
        }
        None => None,
    };
    let addr = env("ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    // The bound address (`ADDR=127.0.0.1:0` picks a free port).
    eprintln!(
        "listening on http://{} (session cookie `{}`)",
        listener.local_addr()?,
        verifier.cookie_name()
    );
    axum::serve(listener, router(verifier, sessions)).await?;
    Ok(())
}
