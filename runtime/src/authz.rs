//! Roles, permissions and the subjects that carry them.
//!
//! A *subject* is anything a request can be authorised by: the user row, the session, the JWT
//! claims, or an `Option` of one of them (absent means no access).
//!
//! ```
//! use authgen_runtime::HasPermissions;
//! struct Claims { permissions: Vec<String> }
//! impl HasPermissions for Claims {
//!     type Permission = String;
//!     fn permissions(&self) -> &[String] { &self.permissions }
//! }
//! let editor = Claims { permissions: vec!["posts:write".into()] };
//! assert!(editor.has_permission("posts:write"));
//! assert!(!None::<Claims>.has_permission("posts:write"));
//! ```

use std::fmt;

/// A role enum derived with `#[derive(AuthRole)]`: unit variants in ascending privilege.
///
/// Each role includes every role declared before it, so `Admin.includes(Moderator)` holds when
/// `Admin` is declared after `Moderator`.
///
/// ```
/// use authgen_runtime::Role;
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// enum Level { Reader, Writer }
///
/// impl Role for Level {
///     const ALL: &'static [Self] = &[Level::Reader, Level::Writer];
///     fn rank(self) -> usize { self as usize }
///     fn as_str(self) -> &'static str {
///         match self { Level::Reader => "READER", Level::Writer => "WRITER" }
///     }
/// }
///
/// assert!(Level::Writer.includes(Level::Reader));
/// assert!(!Level::Reader.includes(Level::Writer));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a role enum",
    label = "a role field must have a type that derives `AuthRole`",
    note = "derive `AuthRole` on the enum, or mark a different field with `#[auth(role)]`"
)]
pub trait Role: Copy + Eq + fmt::Debug + 'static {
    /// Every role, in declaration (ascending privilege) order.
    const ALL: &'static [Self];

    /// Position in the hierarchy: 0 for the first declared role.
    fn rank(self) -> usize;

    /// The wire name, as serde writes it (for example `"ADMIN"`).
    fn as_str(self) -> &'static str;

    /// Whether this role grants at least `other`'s privileges.
    fn includes(self, other: Self) -> bool {
        self.rank() >= other.rank()
    }
}

/// A permission value: a unit enum derived with `#[derive(AuthPermission)]`, or a free-form
/// `String` for applications that keep permissions as strings.
///
/// ```
/// use authgen_runtime::Permission;
/// assert_eq!(Permission::as_str(&String::from("posts:write")), "posts:write");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a permission type",
    label = "a permissions field must be a list of a type that derives `AuthPermission`, or of `String`",
    note = "derive `AuthPermission` on the enum, or use `Vec<String>` for free-form permissions"
)]
pub trait Permission: fmt::Debug {
    /// The wire name, as serde writes it (for example `"posts:write"`).
    fn as_str(&self) -> &str;
}

impl Permission for String {
    fn as_str(&self) -> &str {
        self
    }
}

/// A subject that may carry a role.
///
/// Implemented by the derives for every principal with a role field, and here for references and
/// `Option`s of such subjects, where `None` never has a role.
///
/// ```
/// use authgen_runtime::{HasRole, Role};
/// # #[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// # enum Level { Reader, Writer }
/// # impl Role for Level {
/// #     const ALL: &'static [Self] = &[Level::Reader, Level::Writer];
/// #     fn rank(self) -> usize { self as usize }
/// #     fn as_str(self) -> &'static str { "" }
/// # }
/// struct Claims { level: Level }
/// impl HasRole for Claims {
///     type Role = Level;
///     fn role(&self) -> Option<Level> { Some(self.level) }
/// }
///
/// let writer = Claims { level: Level::Writer };
/// assert!(writer.has_role(Level::Reader));
/// assert!(Some(&writer).has_role(Level::Writer));
/// assert!(!None::<&Claims>.has_role(Level::Reader));
/// ```
pub trait HasRole {
    /// The role enum.
    type Role: Role;

    /// The subject's role, or `None` when it has none.
    fn role(&self) -> Option<Self::Role>;

    /// Whether the subject holds `role` or a role above it in the hierarchy.
    fn has_role(&self, role: Self::Role) -> bool {
        self.role().is_some_and(|mine| mine.includes(role))
    }

    /// Whether there is a subject at all: false only for `None`, so that a guard can tell "no
    /// session" (401) from "no role" (403). (Named apart from [`HasPermissions::is_present`] so
    /// that a type with both traits in scope keeps unambiguous method calls.)
    ///
    /// ```
    /// use authgen_runtime::{HasRole, Role};
    /// #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    /// enum Level { Reader }
    /// impl Role for Level {
    ///     const ALL: &'static [Self] = &[Level::Reader];
    ///     fn rank(self) -> usize { 0 }
    ///     fn as_str(self) -> &'static str { "reader" }
    /// }
    /// struct Claims;
    /// impl HasRole for Claims { type Role = Level; fn role(&self) -> Option<Level> { None } }
    /// assert!(Claims.has_subject());
    /// assert!(!None::<Claims>.has_subject());
    /// ```
    fn has_subject(&self) -> bool {
        true
    }
}

/// A subject with a free-form role: a plain string such as `"admin"`, compared exactly, with no
/// hierarchy.
///
/// The derives implement it for a principal whose role field is `String` or `Option<String>`
/// (instead of a role enum: then they implement [`HasRole`]), and for a session whose `user` has
/// one. It is implemented here for references, `Box`/`Arc`/`Rc` and `Option`s of such subjects,
/// where `None` never has a role.
///
/// ```
/// use authgen_runtime::HasRoleName;
/// struct User { role: Option<String> }
/// impl HasRoleName for User {
///     fn role_name(&self) -> Option<&str> { self.role.as_deref() }
/// }
///
/// let admin = User { role: Some("admin".into()) };
/// assert!(admin.has_role_name("admin"));
/// assert!(!admin.has_role_name("Admin"));           // exact: no case folding
/// assert!(!admin.has_role_name("member"));          // and no hierarchy
/// assert!(admin.has_any_role_name(&["editor", "admin"]));
/// assert!(!User { role: None }.has_role_name("admin"));
/// assert!(Some(&admin).has_role_name("admin"));
/// assert!(!None::<&User>.has_role_name("admin"));
/// ```
pub trait HasRoleName {
    /// The subject's role, or `None` when it has none.
    fn role_name(&self) -> Option<&str>;

    /// Whether the subject's role is exactly `role`.
    fn has_role_name(&self, role: &str) -> bool {
        self.role_name() == Some(role)
    }

    /// Whether the subject's role is exactly one of `roles` (false for an empty list).
    ///
    /// ```
    /// use authgen_runtime::HasRoleName;
    /// struct Claims(&'static str);
    /// impl HasRoleName for Claims { fn role_name(&self) -> Option<&str> { Some(self.0) } }
    /// assert!(Claims("editor").has_any_role_name(&["admin", "editor"]));
    /// assert!(!Claims("editor").has_any_role_name(&[]));
    /// ```
    fn has_any_role_name(&self, roles: &[&str]) -> bool {
        self.role_name().is_some_and(|mine| roles.contains(&mine))
    }

    /// Whether there is a subject at all: false only for `None`, so that a guard can tell "no
    /// session" (401) from "no role" (403). (Named apart from [`HasRole::has_subject`] and
    /// [`HasPermissions::is_present`] so that method calls stay unambiguous.)
    ///
    /// ```
    /// use authgen_runtime::HasRoleName;
    /// struct Claims;
    /// impl HasRoleName for Claims { fn role_name(&self) -> Option<&str> { None } }
    /// assert!(Claims.has_role_subject());
    /// assert!(!None::<Claims>.has_role_subject());
    /// ```
    fn has_role_subject(&self) -> bool {
        true
    }
}

/// A subject that may carry permissions.
///
/// Permissions are compared exactly: there is no wildcard and no hierarchy.
///
/// ```
/// use authgen_runtime::HasPermissions;
/// struct Claims { permissions: Vec<String> }
/// impl HasPermissions for Claims {
///     type Permission = String;
///     fn permissions(&self) -> &[String] { &self.permissions }
/// }
///
/// let c = Claims { permissions: vec!["posts:read".into()] };
/// assert!(c.has_permission("posts:read"));
/// assert!(!c.has_permission("posts:write"));
/// assert!(c.has_any_permission(&["posts:write", "posts:read"]));
/// assert!(!c.has_all_permissions(&["posts:write", "posts:read"]));
/// assert!(!None::<&Claims>.has_any_permission(&["posts:read"]));
/// ```
pub trait HasPermissions {
    /// The permission type: a derived permission enum, or `String`.
    type Permission: Permission;

    /// The subject's permissions; empty when it has none.
    fn permissions(&self) -> &[Self::Permission];

    /// Whether the subject holds `permission`.
    fn has_permission<Q>(&self, permission: Q) -> bool
    where
        Self::Permission: PartialEq<Q>,
    {
        self.permissions().iter().any(|mine| *mine == permission)
    }

    /// Whether the subject holds at least one of `permissions` (false for an empty list).
    fn has_any_permission<Q>(&self, permissions: &[Q]) -> bool
    where
        Self::Permission: PartialEq<Q>,
    {
        let mine = self.permissions();
        permissions.iter().any(|p| mine.iter().any(|m| m == p))
    }

    /// Whether the subject holds every one of `permissions` (true for an empty list, but only for
    /// a subject that is present: `None` never has access).
    fn has_all_permissions<Q>(&self, permissions: &[Q]) -> bool
    where
        Self::Permission: PartialEq<Q>,
    {
        if !self.is_present() {
            return false;
        }
        let mine = self.permissions();
        permissions.iter().all(|p| mine.iter().any(|m| m == p))
    }

    /// Whether there is a subject at all: false only for `None`.
    fn is_present(&self) -> bool {
        true
    }
}

macro_rules! forward {
    ($($ty:ty),*) => {$(
        impl<T: HasRole + ?Sized> HasRole for $ty {
            type Role = T::Role;
            fn role(&self) -> Option<T::Role> {
                (**self).role()
            }
            fn has_subject(&self) -> bool {
                (**self).has_subject()
            }
        }
        impl<T: HasRoleName + ?Sized> HasRoleName for $ty {
            fn role_name(&self) -> Option<&str> {
                (**self).role_name()
            }
            fn has_role_subject(&self) -> bool {
                (**self).has_role_subject()
            }
        }
        impl<T: HasPermissions + ?Sized> HasPermissions for $ty {
            type Permission = T::Permission;
            fn permissions(&self) -> &[T::Permission] {
                (**self).permissions()
            }
            fn is_present(&self) -> bool {
                (**self).is_present()
            }
        }
    )*};
}
forward!(&T, &mut T, Box<T>, std::sync::Arc<T>, std::rc::Rc<T>);

impl<T: HasRole> HasRole for Option<T> {
    type Role = T::Role;
    fn role(&self) -> Option<T::Role> {
        self.as_ref().and_then(HasRole::role)
    }
    fn has_subject(&self) -> bool {
        self.as_ref().is_some_and(HasRole::has_subject)
    }
}

impl<T: HasRoleName> HasRoleName for Option<T> {
    fn role_name(&self) -> Option<&str> {
        self.as_ref().and_then(HasRoleName::role_name)
    }
    fn has_role_subject(&self) -> bool {
        self.as_ref().is_some_and(HasRoleName::has_role_subject)
    }
}

impl<T: HasPermissions> HasPermissions for Option<T> {
    type Permission = T::Permission;
    fn permissions(&self) -> &[T::Permission] {
        self.as_ref().map_or(&[], HasPermissions::permissions)
    }
    fn is_present(&self) -> bool {
        self.as_ref().is_some_and(HasPermissions::is_present)
    }
}

/// The error of `FromStr` on a derived role or permission enum: the input was not one of the
/// wire names.
///
/// ```
/// use authgen_runtime::ParseEnumError;
/// let e = ParseEnumError::new("Role", "admin", &["USER", "ADMIN"]);
/// assert_eq!(e.to_string(), "`admin` is not a Role: expected one of USER, ADMIN");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    type_name: &'static str,
    input: String,
    expected: &'static [&'static str],
}

impl ParseEnumError {
    /// An error for `input`, which is none of `expected`.
    ///
    /// ```
    /// # use authgen_runtime::ParseEnumError;
    /// let e = ParseEnumError::new("Role", "root", &["user", "admin"]);
    /// assert_eq!(e.expected(), ["user", "admin"]);
    /// assert!(e.to_string().contains("root"));
    /// ```
    pub fn new(type_name: &'static str, input: &str, expected: &'static [&'static str]) -> Self {
        // Keep error messages bounded: the input may come from a request.
        let input: String = input.chars().take(64).collect();
        ParseEnumError {
            type_name,
            input,
            expected,
        }
    }

    /// The wire names that would have parsed.
    ///
    /// ```
    /// # use authgen_runtime::ParseEnumError;
    /// assert_eq!(ParseEnumError::new("Role", "x", &["a"]).expected(), ["a"]);
    /// ```
    pub fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a {}: expected one of {}",
            self.input,
            self.type_name,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for ParseEnumError {}

#[cfg(test)]
mod tests {
    use super::HasRoleName;

    struct User {
        role: Option<String>,
    }

    impl HasRoleName for User {
        fn role_name(&self) -> Option<&str> {
            self.role.as_deref()
        }
    }

    fn user(role: Option<&str>) -> User {
        User {
            role: role.map(String::from),
        }
    }

    #[test]
    fn role_names_compare_exactly() {
        let admin = user(Some("admin"));
        assert!(admin.has_role_name("admin"));
        for other in ["Admin", "ADMIN", "admin ", "", "member", "adm"] {
            assert!(!admin.has_role_name(other), "{other:?}");
        }
        assert!(user(Some("")).has_role_name(""));
        assert!(!user(None).has_role_name(""));
    }

    #[test]
    fn any_role_name_needs_one_exact_match() {
        let editor = user(Some("editor"));
        assert!(editor.has_any_role_name(&["admin", "editor"]));
        assert!(!editor.has_any_role_name(&["admin", "Editor"]));
        assert!(!editor.has_any_role_name(&[]));
        assert!(!user(None).has_any_role_name(&["admin"]));
    }

    #[test]
    fn options_and_pointers_forward() {
        let admin = user(Some("admin"));
        assert!(Some(&admin).has_role_name("admin"));
        assert!(Box::new(&admin).has_role_name("admin"));
        assert!(std::sync::Arc::new(user(Some("admin"))).has_role_name("admin"));
        assert!(std::rc::Rc::new(user(Some("admin"))).has_role_name("admin"));
        assert!(!None::<&User>.has_role_name("admin"));
        assert!(!None::<&User>.has_any_role_name(&["admin"]));
        assert_eq!(Some(Some(&admin)).role_name(), Some("admin"));
        assert!(Some(&user(None)).has_role_subject());
        assert!(!None::<User>.has_role_subject());
        assert!(!Some(None::<User>).has_role_subject());
    }
}
