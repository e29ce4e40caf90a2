//! The SQL dialects, table naming presets and the resolved table and column names of the
//! Auth.js tables.
//!
//! Plain data without dependencies: the SQL generator (`authgen-codegen`) and the runtime's
//! database session lookup (`authgen-runtime`, which re-exports this crate as
//! `authgen_runtime::naming`) read the same names from here, so the tables the migrations create
//! are the tables the runtime queries. The crate is small on purpose: the derive macros depend on
//! it through the SQL generator, so editing the runtime does not rebuild them.
//!
//! ```
//! use authgen_naming::{Preset, TableKind, TableNames};
//! let names = TableNames::new(Preset::Prisma, [("user", "app_users")]).unwrap();
//! assert_eq!(names.get(TableKind::User), "app_users");
//! assert_eq!(names.get(TableKind::Session), "Session");
//! assert_eq!("pg-adapter".parse::<Preset>().unwrap().table_name(TableKind::VerificationToken), "verification_token");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::str::FromStr;

mod dialect;
pub mod revoke;

pub use dialect::Dialect;

/// A table naming preset: which names (and which id columns) the official adapters expect.
///
/// ```
/// use authgen_naming::{IdKind, Preset, TableKind};
/// let p: Preset = "drizzle".parse().unwrap();
/// assert_eq!(p.table_name(TableKind::Session), "session");
/// assert_eq!(p.id_kind(), IdKind::UuidText);
/// assert!("typeorm".parse::<Preset>().unwrap_err().contains("`typeorm`"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Preset {
    /// `@auth/pg-adapter`: `users`, `accounts`, `sessions`, `verification_token`; integer ids the
    /// database generates (the adapter inserts without an id).
    PgAdapter,
    /// Prisma's default models (`@auth/prisma-adapter`): `User`, `Account`, `Session`,
    /// `VerificationToken`, `Authenticator`; UUID ids with a database default on users, accounts
    /// and sessions.
    Prisma,
    /// `@auth/drizzle-adapter`'s default tables: `user`, `account`, `session`,
    /// `verificationToken`, `authenticator`; the user id is text holding a UUID (a UUID
    /// default), as Drizzle's `text("id")`; accounts are keyed by provider and account id and
    /// sessions by their token, without an `id` column, as in the adapter's own schema.
    Drizzle,
    /// `@auth/kysely-adapter`'s own test schema: Prisma's table names, a UUID user id (with a
    /// database default), and accounts and sessions without an `id` column (the adapter never
    /// reads one; its `getSessionAndUser` returns a session without it).
    Kysely,
}

/// How a preset's `id` columns are made.
///
/// ```
/// use authgen_naming::{IdKind, Preset};
/// assert_eq!(Preset::PgAdapter.id_kind(), IdKind::Serial);
/// assert_eq!(Preset::Prisma.id_kind(), IdKind::Uuid);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// An integer the database assigns (`SERIAL`, `AUTO_INCREMENT`, SQLite's `INTEGER PRIMARY KEY`).
    Serial,
    /// A UUID; the database makes one when none is given.
    Uuid,
    /// A UUID kept in a text column (PostgreSQL `TEXT`), so that any string compares without a
    /// cast error; the database makes one when none is given.
    UuidText,
}

impl Preset {
    /// Every preset.
    ///
    /// ```
    /// # use authgen_naming::Preset;
    /// assert_eq!(Preset::ALL.map(Preset::as_str), ["pg-adapter", "prisma", "drizzle", "kysely"]);
    /// ```
    pub const ALL: [Preset; 4] = [
        Preset::PgAdapter,
        Preset::Prisma,
        Preset::Drizzle,
        Preset::Kysely,
    ];

    /// The name used in `authgen.toml` and on the command line.
    ///
    /// ```
    /// # use authgen_naming::Preset;
    /// assert_eq!(Preset::PgAdapter.as_str(), "pg-adapter");
    /// assert_eq!(Preset::PgAdapter.to_string(), "pg-adapter");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::PgAdapter => "pg-adapter",
            Preset::Prisma => "prisma",
            Preset::Drizzle => "drizzle",
            Preset::Kysely => "kysely",
        }
    }

    /// The preset's name for a table.
    ///
    /// ```
    /// # use authgen_naming::{Preset, TableKind};
    /// assert_eq!(Preset::PgAdapter.table_name(TableKind::User), "users");
    /// assert_eq!(Preset::Prisma.table_name(TableKind::User), "User");
    /// ```
    pub fn table_name(self, kind: TableKind) -> &'static str {
        use TableKind::*;
        match (self, kind) {
            (Preset::PgAdapter, User) => "users",
            (Preset::PgAdapter, Account) => "accounts",
            (Preset::PgAdapter, Session) => "sessions",
            (Preset::PgAdapter, VerificationToken) => "verification_token",
            (Preset::PgAdapter, Authenticator) => "authenticators",
            (Preset::Prisma | Preset::Kysely, User) => "User",
            (Preset::Prisma | Preset::Kysely, Account) => "Account",
            (Preset::Prisma | Preset::Kysely, Session) => "Session",
            (Preset::Prisma | Preset::Kysely, VerificationToken) => "VerificationToken",
            (Preset::Prisma | Preset::Kysely, Authenticator) => "Authenticator",
            (Preset::Drizzle, User) => "user",
            (Preset::Drizzle, Account) => "account",
            (Preset::Drizzle, Session) => "session",
            (Preset::Drizzle, VerificationToken) => "verificationToken",
            (Preset::Drizzle, Authenticator) => "authenticator",
        }
    }

    /// How the preset's `id` columns (users, accounts, sessions) are made.
    ///
    /// ```
    /// # use authgen_naming::{IdKind, Preset};
    /// assert_eq!(Preset::Drizzle.id_kind(), IdKind::UuidText);
    /// assert_eq!(Preset::Kysely.id_kind(), IdKind::Uuid);
    /// ```
    pub fn id_kind(self) -> IdKind {
        match self {
            Preset::PgAdapter => IdKind::Serial,
            Preset::Prisma | Preset::Kysely => IdKind::Uuid,
            Preset::Drizzle => IdKind::UuidText,
        }
    }

    /// Whether the preset's table of `kind` has an `id` primary key: users always; accounts and
    /// sessions except under `kysely` and `drizzle` (keyed by provider and account id, and by
    /// the session token, as those adapters' own tables are); verification tokens and
    /// authenticators never.
    ///
    /// ```
    /// # use authgen_naming::{Preset, TableKind};
    /// assert!(Preset::Prisma.has_id(TableKind::Session));
    /// assert!(!Preset::Kysely.has_id(TableKind::Session));
    /// assert!(!Preset::Kysely.has_id(TableKind::Account));
    /// assert!(Preset::Kysely.has_id(TableKind::User));
    /// assert!(!Preset::Drizzle.has_id(TableKind::VerificationToken));
    /// assert!(!Preset::Drizzle.has_id(TableKind::Session));
    /// assert!(!Preset::Drizzle.has_id(TableKind::Account));
    /// assert!(Preset::Drizzle.has_id(TableKind::User));
    /// assert!(Preset::PgAdapter.has_id(TableKind::Account));
    /// ```
    pub fn has_id(self, kind: TableKind) -> bool {
        match kind {
            TableKind::User => true,
            TableKind::Account | TableKind::Session => {
                matches!(self, Preset::PgAdapter | Preset::Prisma)
            }
            TableKind::VerificationToken | TableKind::Authenticator => false,
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Preset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Preset::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a table naming preset: expected pg-adapter, prisma, drizzle or kysely"
                )
            })
    }
}

/// One of the Auth.js tables.
///
/// ```
/// use authgen_naming::TableKind;
/// assert_eq!(TableKind::from_key("verification_token"), Some(TableKind::VerificationToken));
/// assert_eq!(TableKind::Session.key(), "session");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableKind {
    /// The user rows (with the application's own columns).
    User,
    /// OAuth accounts linked to a user.
    Account,
    /// Database sessions.
    Session,
    /// Email sign-in tokens.
    VerificationToken,
    /// WebAuthn authenticators (only when WebAuthn is enabled).
    Authenticator,
}

impl TableKind {
    /// Every table, parents before children.
    ///
    /// ```
    /// # use authgen_naming::TableKind;
    /// assert_eq!(TableKind::ALL[0], TableKind::User);
    /// assert_eq!(TableKind::ALL.len(), 5);
    /// ```
    pub const ALL: [TableKind; 5] = [
        TableKind::User,
        TableKind::Account,
        TableKind::Session,
        TableKind::VerificationToken,
        TableKind::Authenticator,
    ];

    /// The key used in `[sql.tables]` overrides.
    ///
    /// ```
    /// # use authgen_naming::TableKind;
    /// assert_eq!(TableKind::VerificationToken.key(), "verification_token");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            TableKind::User => "user",
            TableKind::Account => "account",
            TableKind::Session => "session",
            TableKind::VerificationToken => "verification_token",
            TableKind::Authenticator => "authenticator",
        }
    }

    /// The table for a `[sql.tables]` key.
    ///
    /// ```
    /// # use authgen_naming::TableKind;
    /// assert_eq!(TableKind::from_key("user"), Some(TableKind::User));
    /// assert_eq!(TableKind::from_key("users"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<TableKind> {
        TableKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// The resolved names of every table: the preset's, with per-table overrides applied.
///
/// ```
/// use authgen_naming::{Preset, TableKind, TableNames};
/// let names = TableNames::new(Preset::PgAdapter, [("session", "auth_sessions")]).unwrap();
/// assert_eq!(names.get(TableKind::Session), "auth_sessions");
/// assert_eq!(names.get(TableKind::User), "users");
/// assert_eq!(names.preset, Preset::PgAdapter);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableNames {
    /// The preset the names start from.
    pub preset: Preset,
    names: [String; 5],
}

impl TableNames {
    /// The preset's names with `overrides` (`[sql.tables]` keys → names) applied. Fails, naming
    /// the key, on an unknown key or an empty name.
    ///
    /// ```
    /// # use authgen_naming::{Preset, TableNames};
    /// assert!(TableNames::new(Preset::Prisma, [("users", "x")]).unwrap_err().contains("`users`"));
    /// assert!(TableNames::new(Preset::Prisma, [("user", "")]).is_err());
    /// ```
    pub fn new<K: AsRef<str>, V: AsRef<str>>(
        preset: Preset,
        overrides: impl IntoIterator<Item = (K, V)>,
    ) -> Result<TableNames, String> {
        let mut names = TableKind::ALL.map(|k| preset.table_name(k).to_owned());
        for (key, name) in overrides {
            let (key, name) = (key.as_ref(), name.as_ref());
            let kind = TableKind::from_key(key).ok_or_else(|| {
                format!(
                    "`{key}` is not a table: expected user, account, session, verification_token or authenticator"
                )
            })?;
            if name.is_empty() {
                return Err(format!("the table name for `{key}` is empty"));
            }
            names[kind as usize] = name.to_owned();
        }
        Ok(TableNames { preset, names })
    }

    /// The name of a table.
    ///
    /// ```
    /// # use authgen_naming::{Preset, TableKind, TableNames};
    /// let names = TableNames::new(Preset::Drizzle, None::<(&str, &str)>).unwrap();
    /// assert_eq!(names.get(TableKind::VerificationToken), "verificationToken");
    /// ```
    pub fn get(&self, kind: TableKind) -> &str {
        &self.names[kind as usize]
    }
}

/// The column names the Auth.js adapters use (camelCase, OAuth token fields snake_case).
///
/// ```
/// use authgen_naming::columns;
/// assert_eq!(columns::SESSION_TOKEN, "sessionToken");
/// assert_eq!(columns::EMAIL_VERIFIED, "emailVerified");
/// ```
pub mod columns {
    /// Primary key of users, accounts and sessions.
    pub const ID: &str = "id";
    /// Foreign key to the user in accounts, sessions and authenticators.
    pub const USER_ID: &str = "userId";
    /// The session cookie's value, in sessions.
    pub const SESSION_TOKEN: &str = "sessionToken";
    /// Expiry, in sessions and verification tokens.
    pub const EXPIRES: &str = "expires";
    /// The user's name.
    pub const NAME: &str = "name";
    /// The user's email address.
    pub const EMAIL: &str = "email";
    /// When the email address was verified.
    pub const EMAIL_VERIFIED: &str = "emailVerified";
    /// The user's image URL.
    pub const IMAGE: &str = "image";
}

/// The column of a user field: its `#[auth(column = "...")]` override, else its wire name.
///
/// ```
/// assert_eq!(authgen_naming::column_name("createdAt", None), "createdAt");
/// assert_eq!(authgen_naming::column_name("createdAt", Some("created_at")), "created_at");
/// ```
pub fn column_name<'a>(wire: &'a str, column_override: Option<&'a str>) -> &'a str {
    column_override.unwrap_or(wire)
}
