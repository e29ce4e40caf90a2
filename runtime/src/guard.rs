//! Guards: is there a session, does its subject hold a role or permissions. Failures are
//! [`GuardError`]s that map to HTTP 401 (no or invalid session) and 403 (valid session, not
//! allowed).
//!
//! Check presence first with [`authenticated`], then the role or permissions of what it returned:
//!
//! ```
//! use authgen_runtime::guard::{self, GuardError};
//! use authgen_runtime::HasPermissions;
//!
//! struct Claims { permissions: Vec<String> }
//! impl HasPermissions for Claims {
//!     type Permission = String;
//!     fn permissions(&self) -> &[String] { &self.permissions }
//! }
//!
//! fn handler(session: Option<&Claims>) -> Result<&'static str, GuardError> {
//!     let claims = guard::authenticated(session)?;
//!     guard::permission(claims, "posts:write")?;
//!     Ok("written")
//! }
//!
//! let writer = Claims { permissions: vec!["posts:write".into()] };
//! let reader = Claims { permissions: vec!["posts:read".into()] };
//! assert_eq!(handler(Some(&writer)), Ok("written"));
//! assert_eq!(handler(Some(&reader)).unwrap_err().status(), 403);
//! assert_eq!(handler(None).unwrap_err().status(), 401);
//! ```

use std::fmt;

use crate::authz::{HasPermissions, HasRole, HasRoleName};

/// A guard refused the request.
///
/// ```
/// use authgen_runtime::GuardError;
/// assert_eq!(GuardError::Unauthenticated.status(), 401);
/// assert_eq!(GuardError::Forbidden.status(), 403);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GuardError {
    /// No session, or the session token did not verify: HTTP 401.
    Unauthenticated,
    /// A valid session whose subject lacks the role or permission: HTTP 403.
    Forbidden,
}

impl GuardError {
    /// The HTTP status code: 401 or 403.
    ///
    /// ```
    /// # use authgen_runtime::GuardError;
    /// assert_eq!(GuardError::Forbidden.status(), 403);
    /// ```
    pub fn status(self) -> u16 {
        match self {
            GuardError::Unauthenticated => 401,
            GuardError::Forbidden => 403,
        }
    }

    /// A short machine-readable code: `"unauthorized"` or `"forbidden"`.
    ///
    /// ```
    /// # use authgen_runtime::GuardError;
    /// assert_eq!(GuardError::Unauthenticated.code(), "unauthorized");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            GuardError::Unauthenticated => "unauthorized",
            GuardError::Forbidden => "forbidden",
        }
    }

    /// The one line to show a client.
    ///
    /// ```
    /// # use authgen_runtime::GuardError;
    /// assert_eq!(GuardError::Forbidden.public_message(), "not allowed");
    /// ```
    pub fn public_message(self) -> &'static str {
        match self {
            GuardError::Unauthenticated => "invalid or expired session",
            GuardError::Forbidden => "not allowed",
        }
    }
}

impl fmt::Display for GuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.public_message())
    }
}

impl std::error::Error for GuardError {}

/// The subject of a present session, or [`GuardError::Unauthenticated`].
///
/// ```
/// use authgen_runtime::guard::authenticated;
/// assert_eq!(authenticated(Some(5)), Ok(5));
/// assert_eq!(authenticated(None::<u8>).unwrap_err().status(), 401);
/// ```
pub fn authenticated<S>(subject: Option<S>) -> Result<S, GuardError> {
    subject.ok_or(GuardError::Unauthenticated)
}

/// Passes when `subject` holds `role` or a role above it; else [`GuardError::Forbidden`], or
/// [`GuardError::Unauthenticated`] for an absent subject (`None`).
///
/// ```
/// use authgen_runtime::{guard, HasRole, Role};
/// #[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// enum Level { User, Admin }
/// impl Role for Level {
///     const ALL: &'static [Self] = &[Level::User, Level::Admin];
///     fn rank(self) -> usize { self as usize }
///     fn as_str(self) -> &'static str { "" }
/// }
/// struct Claims(Level);
/// impl HasRole for Claims { type Role = Level; fn role(&self) -> Option<Level> { Some(self.0) } }
///
/// assert!(guard::role_at_least(&Claims(Level::Admin), Level::User).is_ok());
/// assert_eq!(guard::role_at_least(&Claims(Level::User), Level::Admin).unwrap_err().status(), 403);
/// assert_eq!(guard::role_at_least(&None::<Claims>, Level::User).unwrap_err().status(), 401);
/// ```
pub fn role_at_least<S: HasRole + ?Sized>(subject: &S, role: S::Role) -> Result<(), GuardError> {
    if !subject.has_subject() {
        return Err(GuardError::Unauthenticated);
    }
    if subject.has_role(role) {
        Ok(())
    } else {
        Err(GuardError::Forbidden)
    }
}

/// Passes when `subject`'s free-form role is exactly `role` (no hierarchy, no case folding); else
/// [`GuardError::Forbidden`], or [`GuardError::Unauthenticated`] for an absent subject (`None`).
///
/// ```
/// use authgen_runtime::{guard, HasRoleName};
/// struct Claims(Option<String>);
/// impl HasRoleName for Claims { fn role_name(&self) -> Option<&str> { self.0.as_deref() } }
///
/// let admin = Claims(Some("admin".into()));
/// assert!(guard::role_name(&admin, "admin").is_ok());
/// assert_eq!(guard::role_name(&admin, "Admin").unwrap_err().status(), 403);
/// assert_eq!(guard::role_name(&Claims(None), "admin").unwrap_err().status(), 403);
/// assert_eq!(guard::role_name(&None::<Claims>, "admin").unwrap_err().status(), 401);
/// ```
pub fn role_name<S: HasRoleName + ?Sized>(subject: &S, role: &str) -> Result<(), GuardError> {
    any_role_name(subject, &[role])
}

/// Passes when `subject`'s free-form role is exactly one of `roles`; else
/// [`GuardError::Forbidden`] (always, for an empty list), or [`GuardError::Unauthenticated`] for
/// an absent subject (`None`).
///
/// ```
/// use authgen_runtime::{guard, HasRoleName};
/// struct Claims(&'static str);
/// impl HasRoleName for Claims { fn role_name(&self) -> Option<&str> { Some(self.0) } }
///
/// assert!(guard::any_role_name(&Claims("editor"), &["admin", "editor"]).is_ok());
/// assert_eq!(guard::any_role_name(&Claims("member"), &["admin", "editor"]).unwrap_err().status(), 403);
/// assert_eq!(guard::any_role_name(&None::<Claims>, &["admin"]).unwrap_err().status(), 401);
/// ```
pub fn any_role_name<S: HasRoleName + ?Sized>(
    subject: &S,
    roles: &[&str],
) -> Result<(), GuardError> {
    if !subject.has_role_subject() {
        return Err(GuardError::Unauthenticated);
    }
    if subject.has_any_role_name(roles) {
        Ok(())
    } else {
        Err(GuardError::Forbidden)
    }
}

/// Passes when `subject` holds `permission`; an absent subject (`None`) is unauthenticated.
///
/// ```
/// use authgen_runtime::{guard, HasPermissions};
/// struct C(Vec<String>);
/// impl HasPermissions for C { type Permission = String; fn permissions(&self) -> &[String] { &self.0 } }
/// assert!(guard::permission(&C(vec!["a".into()]), "a").is_ok());
/// assert_eq!(guard::permission(&None::<C>, "a").unwrap_err().status(), 401);
/// ```
pub fn permission<S, Q>(subject: &S, permission: Q) -> Result<(), GuardError>
where
    S: HasPermissions + ?Sized,
    S::Permission: PartialEq<Q>,
{
    present(subject)?;
    if subject.has_permission(permission) {
        Ok(())
    } else {
        Err(GuardError::Forbidden)
    }
}

/// Passes when `subject` holds at least one of `permissions`.
///
/// ```
/// use authgen_runtime::{guard, HasPermissions};
/// struct C(Vec<String>);
/// impl HasPermissions for C { type Permission = String; fn permissions(&self) -> &[String] { &self.0 } }
/// let c = C(vec!["b".into()]);
/// assert!(guard::any_permission(&c, &["a", "b"]).is_ok());
/// assert!(guard::any_permission(&c, &["a"]).is_err());
/// ```
pub fn any_permission<S, Q>(subject: &S, permissions: &[Q]) -> Result<(), GuardError>
where
    S: HasPermissions + ?Sized,
    S::Permission: PartialEq<Q>,
{
    present(subject)?;
    if subject.has_any_permission(permissions) {
        Ok(())
    } else {
        Err(GuardError::Forbidden)
    }
}

/// Passes when `subject` holds every one of `permissions`.
///
/// ```
/// use authgen_runtime::{guard, HasPermissions};
/// struct C(Vec<String>);
/// impl HasPermissions for C { type Permission = String; fn permissions(&self) -> &[String] { &self.0 } }
/// let c = C(vec!["a".into(), "b".into()]);
/// assert!(guard::all_permissions(&c, &["a", "b"]).is_ok());
/// assert!(guard::all_permissions(&c, &["a", "c"]).is_err());
/// ```
pub fn all_permissions<S, Q>(subject: &S, permissions: &[Q]) -> Result<(), GuardError>
where
    S: HasPermissions + ?Sized,
    S::Permission: PartialEq<Q>,
{
    present(subject)?;
    if subject.has_all_permissions(permissions) {
        Ok(())
    } else {
        Err(GuardError::Forbidden)
    }
}

/// Passes when any of the checks passes; else the most telling failure (401 before 403, since
/// a missing session explains everything). An empty list fails with 403.
///
/// ```
/// use authgen_runtime::guard::{any, GuardError};
/// assert!(any([Err(GuardError::Forbidden), Ok(())]).is_ok());
/// assert_eq!(any([Err(GuardError::Forbidden), Err(GuardError::Unauthenticated)]), Err(GuardError::Unauthenticated));
/// ```
pub fn any(checks: impl IntoIterator<Item = Result<(), GuardError>>) -> Result<(), GuardError> {
    let mut worst = GuardError::Forbidden;
    for check in checks {
        match check {
            Ok(()) => return Ok(()),
            Err(GuardError::Unauthenticated) => worst = GuardError::Unauthenticated,
            Err(GuardError::Forbidden) => {}
        }
    }
    Err(worst)
}

/// Passes when every check passes; else the first failure.
///
/// ```
/// use authgen_runtime::guard::{all, GuardError};
/// assert!(all([Ok(()), Ok(())]).is_ok());
/// assert_eq!(all([Ok(()), Err(GuardError::Forbidden)]), Err(GuardError::Forbidden));
/// ```
pub fn all(checks: impl IntoIterator<Item = Result<(), GuardError>>) -> Result<(), GuardError> {
    checks.into_iter().collect()
}

fn present<S: HasPermissions + ?Sized>(subject: &S) -> Result<(), GuardError> {
    if subject.is_present() {
        Ok(())
    } else {
        Err(GuardError::Unauthenticated)
    }
}
