//! The seed model: roles USER / MODERATOR / ADMIN, a permission list, `session.user.id/role/
//! permissions`, and the same on the JWT, the way the NextAuth integration patterns write it.

use authgen::{AuthJwt, AuthPermission, AuthRole, AuthSession, AuthSessionUser, AuthUser};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Declaration order is ascending privilege: each role includes every role declared before it.
#[derive(AuthRole, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// A signed-in user.
    User,
    /// Can moderate posts.
    Moderator,
    /// Can do everything.
    Admin,
}

/// What a user may do, independent of the role.
#[derive(AuthPermission, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read posts.
    #[serde(rename = "posts:read")]
    PostsRead,
    /// Write posts.
    #[serde(rename = "posts:write")]
    PostsWrite,
    /// Manage users.
    #[serde(rename = "users:manage")]
    UsersManage,
}

/// The user row in the database, next-auth's `User` and the adapter's `AdapterUser`.
#[derive(AuthUser, Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<DateTime<Utc>>,
    pub image: Option<String>,
    /// The user's role; new users are USER.
    #[auth(default = "USER", index)]
    pub role: Role,
    /// Extra permissions granted to this user.
    #[auth(default = [])]
    pub permissions: Vec<Permission>,
    /// When the row was created.
    #[auth(db_only, default = now)]
    pub created_at: DateTime<Utc>,
}

/// The session the app's `session` callback returns.
#[derive(AuthSession, Serialize, Deserialize, Clone, Debug)]
pub struct Session {
    pub user: SessionUser,
    pub expires: DateTime<Utc>,
    /// Set when refreshing the provider's access token failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What `session.user` carries: next-auth's name, email and image, plus id, role and permissions.
#[derive(AuthSessionUser, Serialize, Deserialize, Clone, Debug)]
pub struct SessionUser {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub image: Option<String>,
    pub role: Role,
    pub permissions: Vec<Permission>,
}

/// The JWT claims the app's `jwt` callback adds to next-auth's defaults.
#[derive(AuthJwt, Serialize, Deserialize, Clone, Debug)]
pub struct Jwt {
    /// The user id (next-auth also puts it in `sub`).
    pub id: String,
    pub role: Role,
    pub permissions: Vec<Permission>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
}
