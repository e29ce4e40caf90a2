//! What the lookup selects: the session and user tables and the user's columns.

use std::fmt;

pub use crate::naming::Dialect;
use crate::naming::{columns as c, Preset, TableKind, TableNames};

/// How a user column's value is turned into the JSON value serde reads.
///
/// ```
/// use authgen_runtime::db::ValueKind;
/// assert_ne!(ValueKind::Text, ValueKind::Timestamp);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// A JSON string: text, enums, UUIDs, and integer ids (pg-adapter's `SERIAL` ids become
    /// `"1"`, as `@auth/pg-adapter` hands them to next-auth).
    Text,
    /// A JSON number (integer and float columns).
    Number,
    /// A JSON boolean (PostgreSQL `BOOLEAN`; MySQL `TINYINT(1)` and SQLite `0` / `1` too).
    Bool,
    /// An RFC 3339 UTC string such as `2024-01-02T03:04:05.123Z`, which `chrono` and `time`
    /// read (PostgreSQL `TIMESTAMPTZ`, MySQL `DATETIME` holding UTC, SQLite ISO-8601 text or
    /// integer epoch milliseconds).
    Timestamp,
    /// The JSON value itself: JSON columns and string lists (PostgreSQL `TEXT[]` / enum arrays,
    /// MySQL `JSON`, SQLite JSON text).
    Json,
    /// The value as the database's JSON function renders it, untouched.
    Raw,
}

/// One user column the lookup selects: its name in the table, the key serde reads it under,
/// and how its value is rendered.
///
/// ```
/// use authgen_runtime::db::{UserColumn, ValueKind};
/// let c = UserColumn::new("created_at", "createdAt", ValueKind::Timestamp);
/// assert_eq!(c.wire, "createdAt");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserColumn {
    /// The column's name in the user table.
    pub column: String,
    /// The key of the JSON object serde deserializes (the field's serde name).
    pub wire: String,
    /// How the value is rendered.
    pub kind: ValueKind,
}

impl UserColumn {
    /// A column read under the key `wire`.
    ///
    /// ```
    /// # use authgen_runtime::db::{UserColumn, ValueKind};
    /// assert_eq!(UserColumn::new("role", "role", ValueKind::Text).column, "role");
    /// ```
    pub fn new(column: impl Into<String>, wire: impl Into<String>, kind: ValueKind) -> Self {
        UserColumn {
            column: column.into(),
            wire: wire.into(),
            kind,
        }
    }
}

/// The tables and user columns of a database-session lookup: built once at startup, from the
/// naming preset (the Auth.js columns) plus the application's own user columns.
///
/// ```
/// use authgen_runtime::db::{SessionSchema, ValueKind};
/// use authgen_runtime::naming::Preset;
/// let schema = SessionSchema::preset(Preset::Prisma)
///     .column("role", "role", ValueKind::Text)
///     .column("permissions", "permissions", ValueKind::Json);
/// assert_eq!(schema.session_table, "Session");
/// assert_eq!(schema.user_columns.len(), 7);
/// schema.validate().unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionSchema {
    /// The user table's name.
    pub user_table: String,
    /// The session table's name.
    pub session_table: String,
    /// The user columns to select, in order.
    pub user_columns: Vec<UserColumn>,
}

/// Why a [`SessionSchema`] cannot be turned into a statement.
///
/// ```
/// use authgen_runtime::db::{SchemaError, SessionSchema, ValueKind};
/// use authgen_runtime::naming::Preset;
/// let s = SessionSchema::preset(Preset::Prisma).column("nick", "name", ValueKind::Text);
/// assert!(matches!(s.validate(), Err(SchemaError::DuplicateKey { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaError {
    /// A table or column name is empty, longer than 63 bytes, or contains NUL.
    BadName {
        /// The name.
        name: String,
    },
    /// A key contains a quote, a backslash or a control character, or is empty.
    BadKey {
        /// The key.
        key: String,
    },
    /// Two columns are read under the same key.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// No user columns.
    NoColumns,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaError::BadName { name } => write!(
                f,
                "the table or column name `{}` is not usable: names are 1 to 63 bytes without NUL",
                name.escape_debug()
            ),
            SchemaError::BadKey { key } => write!(
                f,
                "the key `{}` is not usable: keys are non-empty, without quotes, backslashes or control characters",
                key.escape_debug()
            ),
            SchemaError::DuplicateKey { key } => {
                write!(f, "two user columns are read under the key `{key}`")
            }
            SchemaError::NoColumns => f.write_str("the session schema selects no user columns"),
        }
    }
}

impl std::error::Error for SchemaError {}

impl SessionSchema {
    /// The tables of `names` and the Auth.js user columns every preset has: `id` (as text),
    /// `name`, `email`, `emailVerified` (a timestamp) and `image`.
    ///
    /// ```
    /// use authgen_runtime::db::SessionSchema;
    /// use authgen_runtime::naming::{Preset, TableNames};
    /// let names = TableNames::new(Preset::PgAdapter, [("user", "members")]).unwrap();
    /// let s = SessionSchema::new(&names);
    /// assert_eq!((s.user_table.as_str(), s.session_table.as_str()), ("members", "sessions"));
    /// ```
    pub fn new(names: &TableNames) -> SessionSchema {
        let std = |name: &str, kind| UserColumn::new(name, name, kind);
        SessionSchema {
            user_table: names.get(TableKind::User).to_owned(),
            session_table: names.get(TableKind::Session).to_owned(),
            user_columns: vec![
                std(c::ID, ValueKind::Text),
                std(c::NAME, ValueKind::Text),
                std(c::EMAIL, ValueKind::Text),
                std(c::EMAIL_VERIFIED, ValueKind::Timestamp),
                std(c::IMAGE, ValueKind::Text),
            ],
        }
    }

    /// [`SessionSchema::new`] with a preset's table names.
    ///
    /// ```
    /// use authgen_runtime::{db::SessionSchema, naming::Preset};
    /// assert_eq!(SessionSchema::preset(Preset::Drizzle).user_table, "user");
    /// // The Kysely adapter's sessions have no `id`: the lookup joins by `userId` only.
    /// assert_eq!(SessionSchema::preset(Preset::Kysely).session_table, "Session");
    /// ```
    pub fn preset(preset: Preset) -> SessionSchema {
        let names = TableNames::new(preset, std::iter::empty::<(&str, &str)>())
            .unwrap_or_else(|_| unreachable!("no overrides cannot fail"));
        SessionSchema::new(&names)
    }

    /// Adds a user column, or replaces the one with the same column name.
    ///
    /// ```
    /// use authgen_runtime::{db::{SessionSchema, ValueKind}, naming::Preset};
    /// let s = SessionSchema::preset(Preset::Prisma).column("email", "mail", ValueKind::Text);
    /// assert_eq!(s.user_columns.len(), 5);
    /// assert_eq!(s.user_columns[2].wire, "mail");
    /// ```
    pub fn column(
        mut self,
        column: impl Into<String>,
        wire: impl Into<String>,
        kind: ValueKind,
    ) -> SessionSchema {
        let new = UserColumn::new(column, wire, kind);
        match self
            .user_columns
            .iter_mut()
            .find(|c| c.column == new.column)
        {
            Some(old) => *old = new,
            None => self.user_columns.push(new),
        }
        self
    }

    /// Removes the user column named `column` (for a user type without, say, `image`).
    ///
    /// ```
    /// use authgen_runtime::{db::SessionSchema, naming::Preset};
    /// let s = SessionSchema::preset(Preset::Prisma).without("image");
    /// assert_eq!(s.user_columns.len(), 4);
    /// ```
    pub fn without(mut self, column: &str) -> SessionSchema {
        self.user_columns.retain(|c| c.column != column);
        self
    }

    /// Checks names and keys: every statement built from a valid schema is well-formed, and
    /// every key is distinct.
    ///
    /// ```
    /// use authgen_runtime::{db::SessionSchema, naming::Preset};
    /// assert!(SessionSchema::preset(Preset::PgAdapter).validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), SchemaError> {
        let name_ok = |n: &str| !n.is_empty() && n.len() <= 63 && !n.contains('\0');
        for n in [&self.user_table, &self.session_table] {
            if !name_ok(n) {
                return Err(SchemaError::BadName { name: n.clone() });
            }
        }
        if self.user_columns.is_empty() {
            return Err(SchemaError::NoColumns);
        }
        let mut seen = std::collections::BTreeSet::new();
        for col in &self.user_columns {
            if !name_ok(&col.column) {
                return Err(SchemaError::BadName {
                    name: col.column.clone(),
                });
            }
            let bad = col.wire.is_empty()
                || col
                    .wire
                    .chars()
                    .any(|ch| ch == '\'' || ch == '"' || ch == '\\' || ch.is_control());
            if bad {
                return Err(SchemaError::BadKey {
                    key: col.wire.clone(),
                });
            }
            if !seen.insert(col.wire.as_str()) {
                return Err(SchemaError::DuplicateKey {
                    key: col.wire.clone(),
                });
            }
        }
        Ok(())
    }
}
