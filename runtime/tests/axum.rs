//! The axum extractors and guards, driven with `tower::ServiceExt::oneshot` and tokens minted by
//! the real next-auth (Auth.js `@auth/core/jwt` for v5, `next-auth/jwt` for v4).

mod axum_support;

use std::sync::Arc;

use authgen_runtime::axum::{Authorized, Requirement, Session};
use authgen_runtime::{
    guard, GuardError, HasPermissions, HasRole, NextAuthVersion, Role, Verifier,
};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use axum_support::{call, next_auth_tokens};
use serde_json::{json, Value};

const SECRET: &str = "axum-interop-secret-0123456789abcdef";

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
enum Level {
    User,
    Admin,
}

impl Role for Level {
    const ALL: &'static [Self] = &[Level::User, Level::Admin];
    fn rank(self) -> usize {
        self as usize
    }
    fn as_str(self) -> &'static str {
        match self {
            Level::User => "USER",
            Level::Admin => "ADMIN",
        }
    }
}

#[derive(Debug, serde::Deserialize)]
struct Claims {
    sub: String,
    role: Level,
    #[serde(default)]
    permissions: Vec<String>,
}

impl HasRole for Claims {
    type Role = Level;
    fn role(&self) -> Option<Level> {
        Some(self.role)
    }
}

impl HasPermissions for Claims {
    type Permission = String;
    fn permissions(&self) -> &[String] {
        &self.permissions
    }
}

struct AdminOnly;
impl Requirement<Claims> for AdminOnly {
    fn check(c: &Claims) -> Result<(), GuardError> {
        guard::role_at_least(c, Level::Admin)
    }
}

struct CanPublish;
impl Requirement<Claims> for CanPublish {
    fn check(c: &Claims) -> Result<(), GuardError> {
        guard::all([
            guard::permission(c, "posts:write"),
            guard::any_permission(c, &["posts:publish", "posts:admin"]),
        ])
    }
}

fn app(verifier: Verifier) -> Router {
    async fn me(Session(c): Session<Claims>) -> String {
        c.sub
    }
    async fn maybe(s: Option<Session<Claims>>) -> String {
        s.map_or_else(|| "anonymous".to_owned(), |Session(c)| c.sub)
    }
    async fn admin(Authorized(c, ..): Authorized<Claims, AdminOnly>) -> String {
        format!("admin {}", c.sub)
    }
    async fn publish(Authorized(c, ..): Authorized<Claims, CanPublish>) -> String {
        format!("published by {}", c.sub)
    }
    async fn inline(Session(c): Session<Claims>) -> Result<String, GuardError> {
        guard::permission(&c, "reports:read")?;
        Ok("report".into())
    }
    Router::new()
        .route("/me", get(me))
        .route("/maybe", get(maybe))
        .route("/admin", get(admin))
        .route("/publish", get(publish))
        .route("/inline", get(inline))
        .with_state(Arc::new(verifier))
}

#[tokio::test]
async fn sessions_minted_by_next_auth_pass_the_extractors_and_guards() {
    for (version, nav, secure) in [
        ("v5", NextAuthVersion::V5, false),
        ("v5", NextAuthVersion::V5, true),
        ("v4", NextAuthVersion::V4, false),
    ] {
        let verifier = Verifier::builder(nav)
            .secret(SECRET)
            .secure(secure)
            .build()
            .unwrap();
        let cookie_name = verifier.cookie_name().to_owned();
        let salt = if nav == NextAuthVersion::V5 {
            cookie_name.clone()
        } else {
            String::new()
        };
        let tokens = next_auth_tokens(
            version,
            SECRET,
            &salt,
            &[
                json!({ "sub": "u1", "role": "USER", "permissions": ["posts:write"] }),
                json!({ "sub": "a1", "role": "ADMIN", "permissions": ["posts:write", "posts:publish", "reports:read"] }),
                json!({ "sub": "x1", "role": "ROOT" }),
            ],
        );
        let app = app(verifier);
        let cookie = |t: &str| Some(("cookie", format!("theme=dark; {cookie_name}={t}")));
        let (user, admin, bad_role) = (&tokens[0], &tokens[1], &tokens[2]);

        assert_eq!(
            call(&app, "/me", cookie(user)).await,
            (StatusCode::OK, "u1".into())
        );
        assert_eq!(
            call(
                &app,
                "/me",
                Some(("authorization", format!("Bearer {admin}")))
            )
            .await,
            (StatusCode::OK, "a1".into())
        );
        assert_eq!(
            call(&app, "/maybe", cookie(user)).await,
            (StatusCode::OK, "u1".into())
        );
        assert_eq!(
            call(&app, "/maybe", None).await,
            (StatusCode::OK, "anonymous".into())
        );
        assert_eq!(
            call(&app, "/maybe", cookie("garbage")).await,
            (StatusCode::OK, "anonymous".into())
        );

        let (status, body) = call(&app, "/me", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({ "error": "unauthorized", "message": "invalid or expired session" })
        );
        // A tampered token: 401 with the same generic body, nothing about why.
        let mut tampered = user.clone();
        tampered.pop();
        tampered.push(if user.ends_with('A') { 'B' } else { 'A' });
        let (status, body2) = call(&app, "/me", cookie(&tampered)).await;
        assert_eq!((status, &body2), (StatusCode::UNAUTHORIZED, &body));
        // Claims that do not match the type (unknown role) are not a session either.
        assert_eq!(
            call(&app, "/me", cookie(bad_role)).await.0,
            StatusCode::UNAUTHORIZED
        );

        assert_eq!(
            call(&app, "/admin", cookie(admin)).await,
            (StatusCode::OK, "admin a1".into())
        );
        let (status, body) = call(&app, "/admin", cookie(user)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{version}");
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({ "error": "forbidden", "message": "not allowed" })
        );
        assert_eq!(call(&app, "/admin", None).await.0, StatusCode::UNAUTHORIZED);

        assert_eq!(
            call(&app, "/publish", cookie(admin)).await,
            (StatusCode::OK, "published by a1".into())
        );
        assert_eq!(
            call(&app, "/publish", cookie(user)).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            call(&app, "/inline", cookie(admin)).await,
            (StatusCode::OK, "report".into())
        );
        assert_eq!(
            call(&app, "/inline", cookie(user)).await.0,
            StatusCode::FORBIDDEN
        );

        // A cookie for the other name (secure vs not) is not this app's session.
        let other = if secure {
            "authjs.session-token"
        } else {
            "__Secure-authjs.session-token"
        };
        if nav == NextAuthVersion::V5 {
            assert_eq!(
                call(&app, "/me", Some(("cookie", format!("{other}={user}"))))
                    .await
                    .0,
                StatusCode::UNAUTHORIZED
            );
        }
    }
}
