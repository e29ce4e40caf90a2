//! The seed fixture compiles with the derives, and the helpers mean what they say on a user, a
//! session, JWT claims and `Option`s of them.

#[path = "../fixtures/seed/model.rs"]
#[allow(dead_code)]
mod seed;

use authgen::prelude::*;
use seed::{Jwt, Permission, Role, RoleExt, Session, SessionUser, User};

fn user(role: Role, permissions: Vec<Permission>) -> User {
    User {
        id: "u1".into(),
        name: Some("Ada".into()),
        email: Some("ada@example.com".into()),
        email_verified: None,
        image: None,
        role,
        permissions,
        created_at: chrono::Utc::now(),
        password_hash: Some("$2b$10$hash".into()),
    }
}

fn session(role: Role, permissions: Vec<Permission>) -> Session {
    Session {
        user: SessionUser {
            id: "u1".into(),
            name: None,
            email: None,
            image: None,
            role,
            permissions,
        },
        expires: chrono::Utc::now(),
        error: None,
    }
}

fn jwt(role: Role, permissions: Vec<Permission>) -> Jwt {
    Jwt {
        id: "u1".into(),
        role,
        permissions,
        name: None,
        email: None,
        picture: None,
        sub: Some("u1".into()),
        iat: None,
        exp: None,
        jti: None,
    }
}

#[test]
fn roles_are_ordered_with_wire_names() {
    assert_eq!(Role::ALL, [Role::User, Role::Moderator, Role::Admin]);
    assert_eq!(
        <Role as authgen::Role>::ALL,
        &[Role::User, Role::Moderator, Role::Admin]
    );
    assert_eq!(Role::Admin.as_str(), "ADMIN");
    assert_eq!(Role::Moderator.to_string(), "MODERATOR");
    assert_eq!("USER".parse::<Role>(), Ok(Role::User));
    let err = "admin".parse::<Role>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "`admin` is not a Role: expected one of USER, MODERATOR, ADMIN"
    );
    assert_eq!(Role::User.rank(), 0);
    assert_eq!(Role::Admin.rank(), 2);
    assert!(Role::Admin.includes(Role::Moderator));
    assert!(!Role::User.includes(Role::Moderator));
    // The wire names are serde's.
    for r in Role::ALL {
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            serde_json::Value::String(r.as_str().into())
        );
    }
}

#[test]
fn permissions_have_wire_names() {
    assert_eq!(Permission::ALL.len(), 3);
    assert_eq!(Permission::PostsWrite.as_str(), "posts:write");
    assert_eq!(
        "users:manage".parse::<Permission>(),
        Ok(Permission::UsersManage)
    );
    assert!("posts:delete".parse::<Permission>().is_err());
    for p in Permission::ALL {
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            serde_json::Value::String(p.to_string())
        );
    }
}

#[test]
fn admin_includes_lower_roles_on_every_subject() {
    let u = user(Role::Admin, vec![]);
    let s = session(Role::Admin, vec![]);
    let j = jwt(Role::Admin, vec![]);
    assert!(u.is_admin() && u.is_moderator() && u.is_user());
    assert!(u.has_role(Role::User));
    assert!(s.is_moderator() && s.has_role(Role::User));
    assert!(j.is_moderator() && j.has_role(Role::Admin));
    assert!(Some(&u).is_moderator());
    assert!(Some(&s).has_role(Role::Admin));
}

#[test]
fn user_role_does_not_reach_up() {
    let u = user(Role::User, vec![]);
    assert!(!u.has_role(Role::Admin));
    assert!(!u.is_moderator());
    assert!(u.is_user());
    let s = session(Role::Moderator, vec![]);
    assert!(!s.is_admin());
    assert!(s.is_moderator());
    let j = jwt(Role::User, vec![]);
    assert!(!j.has_role(Role::Moderator));
}

#[test]
fn permissions_are_exact() {
    let u = user(Role::Admin, vec![Permission::PostsRead]);
    // The role does not grant permissions.
    assert!(!u.has_permission(Permission::UsersManage));
    assert!(u.has_permission(Permission::PostsRead));
    assert!(!u.has_permission(Permission::PostsWrite));
    assert!(u.has_any_permission(&[Permission::PostsWrite, Permission::PostsRead]));
    assert!(!u.has_any_permission(&[Permission::PostsWrite, Permission::UsersManage]));
    assert!(!u.has_any_permission::<Permission>(&[]));
    assert!(u.has_all_permissions(&[Permission::PostsRead]));
    assert!(!u.has_all_permissions(&[Permission::PostsRead, Permission::PostsWrite]));
    assert!(u.has_all_permissions::<Permission>(&[]));

    let s = session(
        Role::User,
        vec![Permission::PostsWrite, Permission::UsersManage],
    );
    assert!(s.has_all_permissions(&[Permission::PostsWrite, Permission::UsersManage]));
    assert!(!s.has_permission(Permission::PostsRead));
    let j = jwt(Role::User, vec![Permission::PostsRead]);
    assert!(j.has_permission(Permission::PostsRead));
    assert!(!j.has_permission(Permission::PostsWrite));
}

#[test]
fn none_never_has_access() {
    let none_user: Option<&User> = None;
    let none_session: Option<&Session> = None;
    let none_jwt: Option<&Jwt> = None;
    for r in Role::ALL {
        assert!(!none_user.has_role(r));
        assert!(!none_session.has_role(r));
        assert!(!none_jwt.has_role(r));
    }
    assert!(!none_user.is_user());
    assert!(!none_session.is_admin());
    assert!(!none_jwt.is_moderator());
    assert!(!none_user.has_permission(Permission::PostsRead));
    assert!(!none_session.has_any_permission(&Permission::ALL));
    assert!(!none_jwt.has_all_permissions::<Permission>(&[]));
    assert!(!None::<User>.has_all_permissions(&[Permission::PostsRead]));
    // Present subjects still answer normally through Option.
    let u = user(Role::User, vec![Permission::PostsRead]);
    assert!(Some(&u).has_all_permissions::<Permission>(&[]));
    assert!(Some(u).has_permission(Permission::PostsRead));
}

#[test]
fn serde_round_trip_uses_the_model_wire_names() {
    let s = session(Role::Admin, vec![Permission::PostsRead]);
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["user"]["role"], "ADMIN");
    assert_eq!(v["user"]["permissions"][0], "posts:read");
    let back: Session = serde_json::from_value(v).unwrap();
    assert!(back.is_admin());
}

/// The password hash is a column (`#[serde(skip)]`): serde never writes it, and a row read back
/// from JSON has none.
#[test]
fn the_password_hash_is_never_on_the_wire() {
    let u = user(Role::User, vec![]);
    assert!(u.password_hash.is_some());
    let v = serde_json::to_value(&u).unwrap();
    assert!(v.get("passwordHash").is_none(), "{v}");
    assert!(!v.to_string().contains("$2b$"), "{v}");
    let back: User = serde_json::from_value(v).unwrap();
    assert_eq!(back.password_hash, None);
}

/// A session whose user may be missing: the derived impls answer for it through `user`.
#[derive(authgen::AuthSession, serde::Serialize, serde::Deserialize)]
struct MaybeUserSession {
    user: Option<SessionUser>,
    expires: chrono::DateTime<chrono::Utc>,
}

/// A guard's answer as an HTTP status: 200 when it lets the request through.
fn status(check: Result<(), authgen::runtime::GuardError>) -> u16 {
    check.map_or_else(|e| e.status(), |()| 200)
}

#[test]
fn a_session_without_its_user_is_no_session() {
    use authgen::runtime::guard::{permission, role_at_least};
    let without = MaybeUserSession {
        user: None,
        expires: chrono::Utc::now(),
    };
    assert!(!without.has_subject());
    assert_eq!(status(role_at_least(&without, Role::User)), 401);
    assert_eq!(status(permission(&without, Permission::PostsRead)), 401);
    let with = MaybeUserSession {
        user: Some(session(Role::User, vec![]).user),
        expires: chrono::Utc::now(),
    };
    assert!(with.has_subject());
    assert_eq!(status(role_at_least(&with, Role::Admin)), 403);
    assert_eq!(status(permission(&with, Permission::PostsRead)), 403);
    assert_eq!(status(role_at_least(&with, Role::User)), 200);
}

#[test]
fn guards_tell_no_session_from_not_allowed() {
    use authgen::runtime::guard::{all_permissions, any_permission, permission, role_at_least};
    let none_user: Option<&User> = None;
    let none_session: Option<&Session> = None;
    let none_jwt: Option<&Jwt> = None;
    for r in Role::ALL {
        assert_eq!(status(role_at_least(&none_user, r)), 401);
        assert_eq!(status(role_at_least(&none_session, r)), 401);
        assert_eq!(status(role_at_least(&none_jwt, r)), 401);
    }
    let p = Permission::PostsRead;
    assert_eq!(status(permission(&none_session, p)), 401);
    assert_eq!(status(any_permission(&none_jwt, &[p])), 401);
    assert_eq!(
        status(all_permissions::<_, Permission>(&none_user, &[])),
        401
    );

    // Present but lacking: 403, through the subject itself, a reference and `Some`.
    let s = session(Role::User, vec![Permission::PostsRead]);
    let j = jwt(Role::Moderator, vec![]);
    assert_eq!(status(role_at_least(&s, Role::Admin)), 403);
    assert_eq!(status(role_at_least(&Some(&s), Role::Moderator)), 403);
    assert_eq!(status(role_at_least(&Some(&j), Role::Admin)), 403);
    assert_eq!(status(permission(&Some(&j), p)), 403);
    // And allowed.
    assert_eq!(status(role_at_least(&Some(&s), Role::User)), 200);
    assert_eq!(status(role_at_least(&j, Role::User)), 200);
    assert_eq!(status(all_permissions(&Some(&s), &[p])), 200);
}
