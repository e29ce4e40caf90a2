//! The axum extractors for database sessions, on SQLite rows written by `@auth/kysely-adapter`.

mod axum_support;
mod db_support;

use std::sync::Arc;

use authgen_runtime::axum::Requirement;
use authgen_runtime::db::axum::DbAuthorized;
use authgen_runtime::db::{DbSession, Dialect, SessionSchema, SessionStore};
use authgen_runtime::{GuardError, HasRole, Role as _};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use axum_support::call;
use db_support::*;

impl authgen_runtime::Role for Role {
    const ALL: &'static [Self] = &[Role::User, Role::Moderator, Role::Admin];
    fn rank(self) -> usize {
        self as usize
    }
    fn as_str(self) -> &'static str {
        match self {
            Role::User => "USER",
            Role::Moderator => "MODERATOR",
            Role::Admin => "ADMIN",
        }
    }
}

impl HasRole for User {
    type Role = Role;
    fn role(&self) -> Option<Role> {
        Some(self.role)
    }
}

struct Admin;
impl Requirement<User> for Admin {
    fn check(user: &User) -> Result<(), GuardError> {
        authgen_runtime::guard::role_at_least(user, Role::Admin)
    }
}

async fn me(s: DbSession<User>) -> String {
    format!(
        "{} {}",
        s.user.email.unwrap_or_default(),
        s.user.role.as_str()
    )
}

async fn hello(s: Option<DbSession<User>>) -> String {
    match s {
        Some(s) => format!("hello {}", s.user.id),
        None => "hello stranger".into(),
    }
}

async fn admin(DbAuthorized(s, ..): DbAuthorized<User, Admin>) -> String {
    format!("admin {}", s.user.id)
}

fn router(store: SessionStore<User>) -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/hello", get(hello))
        .route("/admin", get(admin))
        .with_state(Arc::new(store))
}

fn cookie(token: &str) -> Option<(&'static str, String)> {
    Some((
        "cookie",
        format!("theme=dark; authjs.session-token={token}"),
    ))
}

#[test]
fn extractors_on_sqlite() {
    runtime().block_on(async {
        let db = Migrated::new(Dialect::Sqlite, "prisma", "dbs_axum").await;
        let w = tokio::task::block_in_place(|| write_sessions("kysely", &db));
        let pool = db.pool().await;
        let app = router(SessionStore::new(pool.clone(), &db.session_schema).unwrap());
        let (admin_t, plain_t, expired_t) = (
            &w.sessions.admin.token,
            &w.sessions.plain.token,
            &w.sessions.expired.token,
        );

        assert_eq!(
            call(&app, "/me", cookie(admin_t)).await,
            (StatusCode::OK, "ada@example.com ADMIN".into())
        );
        // Bearer works too; so do chunked cookies.
        assert_eq!(
            call(
                &app,
                "/me",
                Some(("authorization", format!("Bearer {plain_t}")))
            )
            .await,
            (StatusCode::OK, "plain@example.com USER".into())
        );
        let (a, b) = admin_t.split_at(10);
        let chunked = Some((
            "cookie",
            format!("authjs.session-token.1={b}; authjs.session-token.0={a}"),
        ));
        assert_eq!(call(&app, "/me", chunked).await.0, StatusCode::OK);

        for header in [
            None,
            cookie(expired_t),
            cookie("no-such-token"),
            cookie(&"x".repeat(5_000)),
            Some(("cookie", format!("next-auth.session-token={admin_t}"))),
        ] {
            let (status, body) = call(&app, "/me", header).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
            assert_eq!(
                body,
                r#"{"error":"unauthorized","message":"invalid or expired session"}"#
            );
        }

        assert_eq!(
            call(&app, "/hello", cookie(admin_t)).await.1,
            format!("hello {}", w.users.admin.id)
        );
        assert_eq!(
            call(&app, "/hello", cookie(expired_t)).await.1,
            "hello stranger"
        );
        assert_eq!(call(&app, "/hello", None).await.1, "hello stranger");

        assert_eq!(
            call(&app, "/admin", cookie(admin_t)).await,
            (StatusCode::OK, format!("admin {}", w.users.admin.id))
        );
        assert_eq!(
            call(&app, "/admin", cookie(plain_t)).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(call(&app, "/admin", None).await.0, StatusCode::UNAUTHORIZED);

        // The database failing is a 503 for the plain and the optional extractor alike, with a
        // body that names neither the token nor the database's message.
        let broken = SessionSchema {
            user_table: "missing".into(),
            ..db.session_schema.clone()
        };
        let app = router(SessionStore::new(pool, &broken).unwrap());
        for path in ["/me", "/hello"] {
            let (status, body) = call(&app, path, cookie(admin_t)).await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
            assert_eq!(
                body,
                r#"{"error":"session_unavailable","message":"the session could not be checked"}"#
            );
        }
    });
}
