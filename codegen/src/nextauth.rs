//! next-auth's own declarations, per version: the members its interfaces already declare and the
//! columns its users table already has. The checks (a field that collides with one of them) and
//! the emitters (which members to keep, extend or leave out) read this one table.

use crate::config::NextAuth;
use crate::model::{DateFormat, ItemKind, Type};

/// An interface next-auth declares and the generated declarations augment or extend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Iface {
    /// `DefaultUser`, which the augmented `User` extends.
    User,
    /// `DefaultSession["user"]` (v4; in v5 `session.user` is the augmented `User`).
    SessionUser,
    /// `DefaultSession`, which the augmented `Session` extends.
    Session,
    /// `DefaultJWT`, which the augmented `JWT` extends.
    Jwt,
    /// `AdapterUser`, which declares its members itself (a redeclaration must be identical).
    AdapterUser,
}

impl Iface {
    /// The name of the interface that declares the members (`DefaultUser`).
    ///
    /// ```
    /// use authgen_codegen::nextauth::Iface;
    /// assert_eq!(Iface::Jwt.declared_by(), "DefaultJWT");
    /// ```
    pub fn declared_by(self) -> &'static str {
        match self {
            Iface::User => "DefaultUser",
            Iface::SessionUser => "DefaultSession[\"user\"]",
            Iface::Session => "DefaultSession",
            Iface::Jwt => "DefaultJWT",
            Iface::AdapterUser => "AdapterUser",
        }
    }

    /// The name users write (`User`, `Session["user"]`, `JWT`), for messages about the model.
    pub fn augmented(self) -> &'static str {
        match self {
            Iface::User => "User",
            Iface::SessionUser => "Session[\"user\"]",
            Iface::Session => "Session",
            Iface::Jwt => "JWT",
            Iface::AdapterUser => "AdapterUser",
        }
    }

    /// Whether the interface declares its members itself (so a redeclaration must be
    /// identical) rather than inheriting them (so a redeclaration only needs to fit).
    pub fn declares_own(self) -> bool {
        self == Iface::AdapterUser
    }
}

/// The TypeScript type of a declared member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclTy {
    /// `string`.
    String,
    /// `string | null`.
    StringOrNull,
    /// `number`.
    Number,
    /// `Date | null`.
    DateOrNull,
}

impl DeclTy {
    /// The TypeScript text.
    pub fn ts(self) -> &'static str {
        match self {
            DeclTy::String => "string",
            DeclTy::StringOrNull => "string | null",
            DeclTy::Number => "number",
            DeclTy::DateOrNull => "Date | null",
        }
    }
}

/// One member next-auth declares.
#[derive(Debug, Clone, Copy)]
pub struct Decl {
    /// The key (`email`).
    pub key: &'static str,
    /// `?`: the key may be missing.
    pub optional: bool,
    /// Its TypeScript type.
    pub ty: DeclTy,
    /// What the value means when the type alone does not say (`ISO 8601`, `seconds`).
    pub meaning: Option<&'static str>,
    /// Whether a model type, as serde writes it, is a value of this member.
    pub matches: fn(&Type) -> bool,
}

impl Decl {
    /// The declaration as a message shows it: `iat?: number (seconds)`.
    ///
    /// ```
    /// use authgen_codegen::{config::NextAuth, nextauth::{members, Iface}};
    /// let email = members(Iface::User, NextAuth::V4).iter().find(|d| d.key == "email").unwrap();
    /// assert_eq!(email.describe(), "email?: string | null");
    /// ```
    pub fn describe(&self) -> String {
        let opt = if self.optional { "?" } else { "" };
        match self.meaning {
            Some(m) => format!("{}{opt}: {} ({m})", self.key, self.ty.ts()),
            None => format!("{}{opt}: {}", self.key, self.ty.ts()),
        }
    }
}

fn string(t: &Type) -> bool {
    // A UUID is a string on the wire.
    matches!(t, Type::String | Type::Uuid)
}

fn date(t: &Type) -> bool {
    matches!(t, Type::DateTime { .. })
}

fn iso_string(t: &Type) -> bool {
    matches!(
        t,
        Type::String
            | Type::DateTime {
                format: DateFormat::Rfc3339
            }
    )
}

fn numeric_date(t: &Type) -> bool {
    matches!(
        t,
        Type::Int { .. }
            | Type::Float { .. }
            | Type::DateTime {
                format: DateFormat::UnixSeconds
            }
    )
}

const fn decl(key: &'static str, optional: bool, ty: DeclTy, matches: fn(&Type) -> bool) -> Decl {
    Decl {
        key,
        optional,
        ty,
        meaning: None,
        matches,
    }
}

const NAME: Decl = decl("name", true, DeclTy::StringOrNull, string);
const EMAIL: Decl = decl("email", true, DeclTy::StringOrNull, string);
const IMAGE: Decl = decl("image", true, DeclTy::StringOrNull, string);

const USER_V4: &[Decl] = &[
    decl("id", false, DeclTy::String, string),
    NAME,
    EMAIL,
    IMAGE,
];
const USER_V5: &[Decl] = &[decl("id", true, DeclTy::String, string), NAME, EMAIL, IMAGE];
const SESSION_USER_V4: &[Decl] = &[NAME, EMAIL, IMAGE];
const SESSION: &[Decl] = &[Decl {
    meaning: Some("ISO 8601"),
    ..decl("expires", false, DeclTy::String, iso_string)
}];
const SECONDS: Option<&str> = Some("seconds");
const JWT_V4: &[Decl] = &[
    NAME,
    EMAIL,
    decl("picture", true, DeclTy::StringOrNull, string),
    decl("sub", true, DeclTy::String, string),
];
const JWT_V5: &[Decl] = &[
    NAME,
    EMAIL,
    decl("picture", true, DeclTy::StringOrNull, string),
    decl("sub", true, DeclTy::String, string),
    Decl {
        meaning: SECONDS,
        ..decl("iat", true, DeclTy::Number, numeric_date)
    },
    Decl {
        meaning: SECONDS,
        ..decl("exp", true, DeclTy::Number, numeric_date)
    },
    decl("jti", true, DeclTy::String, string),
];
const ADAPTER_USER: &[Decl] = &[
    decl("id", false, DeclTy::String, string),
    decl("email", false, DeclTy::String, string),
    decl("emailVerified", false, DeclTy::DateOrNull, date),
];

/// The members `iface` declares in next-auth `v`. In v5 `session.user` is the augmented `User`,
/// so [`Iface::SessionUser`] has `DefaultUser`'s members there.
///
/// ```
/// use authgen_codegen::{config::NextAuth, nextauth::{members, Iface}};
/// assert!(!members(Iface::Jwt, NextAuth::V4).iter().any(|d| d.key == "iat"));
/// assert!(members(Iface::Jwt, NextAuth::V5).iter().any(|d| d.key == "iat"));
/// ```
pub fn members(iface: Iface, v: NextAuth) -> &'static [Decl] {
    match (iface, v) {
        (Iface::User, NextAuth::V4) => USER_V4,
        (Iface::User, NextAuth::V5) | (Iface::SessionUser, NextAuth::V5) => USER_V5,
        (Iface::SessionUser, NextAuth::V4) => SESSION_USER_V4,
        (Iface::Session, _) => SESSION,
        (Iface::Jwt, NextAuth::V4) => JWT_V4,
        (Iface::Jwt, NextAuth::V5) => JWT_V5,
        (Iface::AdapterUser, _) => ADAPTER_USER,
    }
}

/// The interfaces whose members a field of an item of `kind` becomes, in the order a collision
/// is reported.
fn ifaces(kind: ItemKind) -> &'static [Iface] {
    match kind {
        ItemKind::User => &[Iface::User, Iface::AdapterUser],
        ItemKind::SessionUser => &[Iface::SessionUser],
        ItemKind::Session => &[Iface::Session],
        ItemKind::Jwt => &[Iface::Jwt],
        _ => &[],
    }
}

/// A member next-auth already declares for a field of an item of `kind` written as `wire`, in
/// any version (the derives do not know the version): the checks require the field's type to
/// match it. Returns the interface (by the name users write) and the declaration.
///
/// ```
/// use authgen_codegen::model::{ItemKind, Type};
/// use authgen_codegen::nextauth::member;
/// let (iface, decl) = member(ItemKind::Jwt, "exp").unwrap();
/// assert_eq!((iface, decl.describe().as_str()), ("JWT", "exp?: number (seconds)"));
/// assert!((decl.matches)(&Type::Int { signed: true, bits: 64 }));
/// assert!(member(ItemKind::Jwt, "role").is_none());
/// ```
pub fn member(kind: ItemKind, wire: &str) -> Option<(&'static str, Decl)> {
    ifaces(kind).iter().find_map(|iface| {
        [NextAuth::V4, NextAuth::V5].iter().find_map(|v| {
            members(*iface, *v)
                .iter()
                .find(|d| d.key == wire)
                .map(|d| (iface.augmented(), *d))
        })
    })
}

/// The columns next-auth's users table has in every naming preset, each holding the
/// `AdapterUser` member of the same name: a user field maps onto one only by being that member.
pub const USER_COLUMNS: [&str; 5] = ["id", "name", "email", "emailVerified", "image"];
