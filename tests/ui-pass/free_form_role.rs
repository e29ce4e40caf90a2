//! A free-form string role: `HasRoleName` on the user, the session user, the JWT and the session
//! (through its user), exact matches through `Option` and references, the guard, and
//! `#[auth(role = false)]` making a field named `role` an ordinary field of any type.
use authgen::prelude::*;
use authgen::runtime::guard;
use authgen::{AuthJwt, AuthSession, AuthSessionUser, AuthUser};

#[derive(AuthUser)]
pub struct User {
    pub id: String,
    #[auth(default = "member", index)]
    pub role: String,
}

#[derive(AuthSessionUser)]
pub struct SessionUser {
    pub id: String,
    pub role: Option<String>,
}

#[derive(AuthSession)]
pub struct Session {
    pub user: SessionUser,
    pub expires: String,
}

#[derive(AuthJwt)]
pub struct Jwt {
    #[auth(role)]
    pub level: Option<String>,
    #[auth(role = false)]
    pub role: Vec<String>,
}

fn main() {
    let user = User { id: "1".into(), role: "admin".into() };
    assert!(user.has_role_name("admin"));
    assert!(!user.has_role_name("Admin"));
    assert_eq!(user.role_name(), Some("admin"));

    let session = Session {
        user: SessionUser { id: "1".into(), role: Some("editor".into()) },
        expires: String::new(),
    };
    assert!(session.has_role_name("editor"));
    assert!(session.has_any_role_name(&["admin", "editor"]));
    assert!(Some(&session).has_role_name("editor"));
    assert!(!None::<&Session>.has_role_name("editor"));
    assert!(guard::role_name(&session, "editor").is_ok());
    assert_eq!(guard::role_name(&session, "admin").unwrap_err().status(), 403);
    assert_eq!(guard::role_name(&None::<Session>, "admin").unwrap_err().status(), 401);

    let no_role = SessionUser { id: "2".into(), role: None };
    assert!(!no_role.has_role_name(""));
    assert_eq!(guard::any_role_name(&no_role, &["admin"]).unwrap_err().status(), 403);

    let jwt = Jwt { level: Some("admin".into()), role: vec!["ignored".into()] };
    assert!(jwt.has_role_name("admin"));
    assert!(!jwt.has_role_name("ignored"));
}
