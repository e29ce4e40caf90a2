//! # authgen
//!
//! One source of truth for NextAuth.js / Auth.js apps with a Rust back end: derive macros on the
//! app's `User`, `Session`, JWT, role and permission types give typed Rust helpers, the `authgen`
//! CLI turns the same types into `next-auth.d.ts`, typed TypeScript permission helpers and SQL
//! migrations, and [`runtime`] verifies real NextAuth session cookies.
//!
//! ```
//! use authgen::prelude::*;
//! use authgen::{AuthRole, AuthUser};
//!
//! #[derive(AuthRole, serde::Serialize, Clone, Copy, Debug, PartialEq, Eq)]
//! #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
//! pub enum Role { User, Moderator, Admin }
//!
//! #[derive(AuthUser)]
//! pub struct User { pub id: String, pub role: Role }
//!
//! let admin = User { id: "1".into(), role: Role::Admin };
//! assert!(admin.is_moderator());
//! assert!(admin.has_role(Role::User));
//! assert!(!None::<&User>.is_user());
//! assert_eq!(Role::Admin.as_str(), "ADMIN");
//! assert_eq!("MODERATOR".parse::<Role>().unwrap(), Role::Moderator);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use authgen_macros::{
    AuthJwt, AuthPermission, AuthRole, AuthSession, AuthSessionUser, AuthType, AuthUser,
};
pub use authgen_runtime as runtime;
pub use authgen_runtime::{HasPermissions, HasRole, HasRoleName, ParseEnumError, Permission, Role};

/// The traits that carry the helpers: `use authgen::prelude::*;` brings `has_role`,
/// `has_role_name` / `has_any_role_name` (free-form string roles), `has_permission`,
/// `has_any_permission` and `has_all_permissions` into scope. The `is_<role>()`
/// checks come from the extension trait `#[derive(AuthRole)]` generates next to the role enum
/// (`RoleExt` for `enum Role`).
pub mod prelude {
    pub use authgen_runtime::{HasPermissions, HasRole, HasRoleName, Permission, Role};
}

#[cfg(feature = "export")]
mod export;
#[cfg(feature = "export")]
pub use export::*;

#[doc(hidden)]
pub mod __private {
    /// Implemented by every type with an authgen derive.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not an authgen type",
        label = "used by a field of an authgen type",
        note = "derive AuthType (or AuthRole / AuthPermission) on it, or give the field #[auth(ts_type = \"...\")]"
    )]
    pub trait Described {}

    /// Fails to compile unless `T` has an authgen derive.
    pub const fn assert_described<T: ?Sized + Described>() {}

    #[cfg(feature = "export")]
    pub fn item_from_json(json: &str) -> authgen_codegen::model::Item {
        serde_json::from_str(json).expect("authgen's derive wrote a valid model item")
    }
}

/// Implements [`Describe`] when the `export` feature is on; nothing otherwise.
#[cfg(feature = "export")]
#[doc(hidden)]
#[macro_export]
macro_rules! __describe {
    ($ty:ident, $json:expr) => {
        #[automatically_derived]
        impl $crate::Describe for $ty {
            fn describe() -> $crate::model::Item {
                $crate::__private::item_from_json($json)
            }
        }
    };
}

#[cfg(not(feature = "export"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __describe {
    ($ty:ident, $json:expr) => {};
}
