//! The logical schema: the Auth.js tables of a naming preset plus the user's own columns, as
//! dialect-independent data. It is what the snapshot file stores and what the differ compares.

use std::collections::BTreeSet;

use authgen_naming::{columns as c, IdKind, Preset, TableKind, TableNames};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::frontend::check::Checked;
use crate::model::{DefaultValue, Field, Item, ItemKind, Loc, Model, SqlTypes, Type};

/// The longest identifier every dialect accepts (PostgreSQL: 63 bytes, MySQL: 64).
pub const MAX_IDENT: usize = 63;

/// The whole schema: enum types and tables, in creation order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// The naming preset the tables follow.
    pub preset: String,
    /// Enum types used by columns, in model order.
    #[serde(default)]
    pub enums: Vec<EnumType>,
    /// Tables, parents before children.
    pub tables: Vec<Table>,
}

/// An enum type (PostgreSQL `CREATE TYPE`, MySQL inline `ENUM`, SQLite `CHECK`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumType {
    /// The type's name (PostgreSQL): the Rust enum's name in snake_case.
    pub name: String,
    /// The values, in declaration order.
    pub values: Vec<String>,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Which Auth.js table (`user`, `account`, ...): tables are matched by this key.
    pub key: String,
    /// The table's name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// Primary key columns.
    pub primary_key: Vec<String>,
    /// Foreign keys (all `ON DELETE CASCADE`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes and unique constraints (as unique indexes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
}

/// One column. Two columns are equal when their snapshots are: the model-only fields
/// (`renamed_from`, `field`, `loc`) are not compared.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ColType,
    /// Whether it may hold NULL.
    pub nullable: bool,
    /// Its default, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Default>,
    /// Earlier names (from `renamed_from`: earlier Rust field names or column names): not part
    /// of the snapshot, only of the change.
    #[serde(skip)]
    pub renamed_from: Vec<String>,
    /// The model field the column comes from, as `Struct.field` (not part of the snapshot).
    #[serde(skip)]
    pub field: Option<String>,
    /// Where that field is in the source (not part of the snapshot).
    #[serde(skip)]
    pub loc: Option<Loc>,
}

impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.ty == other.ty
            && self.nullable == other.nullable
            && self.default == other.default
    }
}

/// A column type, mapped to each dialect by [`super::dialect`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum ColType {
    /// An integer primary key the database assigns.
    Serial,
    /// Text of any length (MySQL: `VARCHAR(255)` when indexed, else `TEXT`).
    Text,
    /// `VARCHAR(255)`: identifiers the adapters index.
    Varchar,
    /// A boolean.
    Bool,
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Int,
    /// 64-bit integer.
    BigInt,
    /// An integer wider than 64 bits (`NUMERIC(39)`).
    Decimal,
    /// 32-bit float.
    Real,
    /// 64-bit float.
    Double,
    /// A UTC timestamp.
    Timestamp,
    /// A UTC timestamp that SQLite stores as integer epoch milliseconds (Drizzle's
    /// `integer(..., { mode: "timestamp_ms" })`); elsewhere the same as `Timestamp`.
    TimestampMillis,
    /// A UUID.
    Uuid,
    /// A UUID kept as text, Drizzle's `text("id")` ids: PostgreSQL `TEXT` (any string compares
    /// with it, where a `UUID` column fails on `"invalid-user-id"`), MySQL `CHAR(36)`, SQLite
    /// `TEXT`.
    UuidText,
    /// Any JSON.
    Json,
    /// A list of strings (PostgreSQL `TEXT[]`, elsewhere JSON).
    TextList,
    /// An enum type of [`Schema::enums`].
    Enum {
        /// The enum type's name.
        name: String,
    },
    /// An explicit `sql_type`, per dialect.
    Custom {
        /// PostgreSQL.
        postgres: String,
        /// MySQL / MariaDB.
        mysql: String,
        /// SQLite.
        sqlite: String,
    },
}

/// A column default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Default {
    /// A literal value.
    Value(serde_json::Value),
    /// The current time.
    Now,
    /// A random UUID.
    Uuid,
    /// A raw SQL expression.
    Sql(String),
}

/// A foreign key, always `ON DELETE CASCADE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// The constraint's name.
    pub name: String,
    /// The referencing column.
    pub column: String,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced column.
    pub ref_column: String,
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// Whether it is a unique index.
    pub unique: bool,
}

impl Schema {
    /// The table with `key`.
    pub fn table(&self, key: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.key == key)
    }

    /// The enum type named `name`.
    pub fn enum_type(&self, name: &str) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The schema as pretty JSON with a trailing newline (the snapshot file's contents).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a schema always serializes");
        s.push('\n');
        s
    }
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether `column` is part of any index or the primary key.
    pub fn is_indexed(&self, column: &str) -> bool {
        self.primary_key.iter().any(|c| c == column)
            || self
                .indexes
                .iter()
                .any(|i| i.columns.iter().any(|c| c == column))
            || self.foreign_keys.iter().any(|f| f.column == column)
    }
}

/// The naming preset and table names of `config` and `model`: the preset's names, the user
/// struct's `#[auth(table = "...")]`, and `[sql.tables]` (which must agree with it).
pub fn table_names(model: &Model, config: &Config) -> Result<TableNames, Diagnostic> {
    let preset: Preset = config
        .sql
        .naming
        .parse()
        .map_err(|e: String| Diagnostic::new(None, format!("[sql] naming: {e}")))?;
    let mut overrides: Vec<(&str, &str)> = config
        .sql
        .tables
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if let Some(user) = model.user() {
        if let Some(table) = &user.table {
            match config.sql.tables.get("user") {
                Some(other) if other != table => {
                    return Err(Diagnostic::new(
                        user.loc.clone(),
                        format!(
                            "`{}` names its table `{table}` but [sql.tables] says user = `{other}`: keep one",
                            user.name
                        ),
                    ))
                }
                _ => overrides.push(("user", table)),
            }
        }
    }
    TableNames::new(preset, overrides)
        .map_err(|e| Diagnostic::new(None, format!("[sql.tables]: {e}")))
}

fn col(name: &str, ty: ColType, nullable: bool) -> Column {
    Column {
        name: name.into(),
        ty,
        nullable,
        default: None,
        renamed_from: Vec::new(),
        field: None,
        loc: None,
    }
}

fn with_default(mut c: Column, d: Default) -> Column {
    c.default = Some(d);
    c
}

/// A deterministic identifier of at most [`MAX_IDENT`] bytes: `parts` joined with `_`, shortened
/// with a hash suffix when too long.
pub fn ident(parts: &[&str]) -> String {
    let full = parts.join("_");
    if full.len() <= MAX_IDENT {
        return full;
    }
    let mut h: u64 = 0xcbf29ce484222325;
    for b in full.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    let mut cut = MAX_IDENT - 9;
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{:08x}", &full[..cut], h as u32)
}

/// The PostgreSQL type name of a Rust enum: snake_case of its name.
pub fn enum_type_name(rust_name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in rust_name.chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Builds the logical schema of `model` under `config`'s naming preset, table overrides and
/// WebAuthn setting. Errors name the offending field, type or name.
///
/// ```
/// use authgen_codegen::config::Config;
/// use authgen_codegen::model::Model;
/// use authgen_codegen::sql::schema::build;
/// let model = authgen_codegen::frontend::check::check(Model::default()).unwrap();
/// let schema = build(&model, &Config::default()).unwrap();
/// assert_eq!(schema.preset, "pg-adapter");
/// let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
/// assert_eq!(names, ["users", "accounts", "sessions", "verification_token"]);
/// ```
pub fn build(model: &Checked, config: &Config) -> Result<Schema, Vec<Diagnostic>> {
    let model: &Model = model;
    let names = table_names(model, config).map_err(|d| vec![d])?;
    let ids = Ids::of(&names);
    let mut errors = Vec::new();
    let mut enums: Vec<EnumType> = Vec::new();
    let mut tables = vec![
        user_table(model, &ids, &mut enums, &mut errors),
        account_table(&ids),
        session_table(&ids),
        verification_token_table(&names),
    ];
    if config.sql.webauthn {
        tables.push(authenticator_table(&ids));
    }
    check_names(&tables, &enums, &mut errors);
    // Drizzle's Auth.js schema keeps SQLite timestamps as integer epoch milliseconds.
    if names.preset == Preset::Drizzle {
        for column in tables.iter_mut().flat_map(|t| t.columns.iter_mut()) {
            if column.ty == ColType::Timestamp {
                column.ty = ColType::TimestampMillis;
            }
        }
    }
    if errors.is_empty() {
        Ok(Schema {
            preset: names.preset.as_str().into(),
            enums,
            tables,
        })
    } else {
        Err(errors)
    }
}

/// The id columns of a preset and the table names, shared by the tables' builders.
struct Ids<'a> {
    names: &'a TableNames,
    /// The type of `id` columns.
    id_ty: ColType,
    /// The type of columns referencing a user's `id`.
    ref_ty: ColType,
}

impl<'a> Ids<'a> {
    fn of(names: &'a TableNames) -> Self {
        let (id_ty, ref_ty) = match names.preset.id_kind() {
            IdKind::Serial => (ColType::Serial, ColType::Int),
            IdKind::Uuid => (ColType::Uuid, ColType::Uuid),
            IdKind::UuidText => (ColType::UuidText, ColType::UuidText),
        };
        Ids {
            names,
            id_ty,
            ref_ty,
        }
    }

    fn table(&self, kind: TableKind) -> String {
        self.names.get(kind).to_owned()
    }

    /// `columns`, led by the `id` column when the preset gives the table one, and the primary
    /// key: `id`, else `natural_key`.
    fn keyed(
        &self,
        kind: TableKind,
        columns: Vec<Column>,
        natural_key: &[&str],
    ) -> (Vec<Column>, Vec<String>) {
        if self.names.preset.has_id(kind) {
            let mut all = vec![self.id()];
            all.extend(columns);
            (all, vec![c::ID.into()])
        } else {
            (columns, natural_key.iter().map(|&k| k.into()).collect())
        }
    }

    /// A unique index on `columns` of `table`, unless they are its primary key.
    fn unique_unless_key(
        &self,
        table: &str,
        primary_key: &[String],
        columns: &[&str],
    ) -> Vec<Index> {
        if primary_key
            .iter()
            .map(String::as_str)
            .eq(columns.iter().copied())
        {
            return Vec::new();
        }
        let mut parts = vec![table];
        parts.extend(columns);
        parts.push("key");
        vec![Index {
            name: ident(&parts),
            columns: columns.iter().map(|&c| c.into()).collect(),
            unique: true,
        }]
    }

    /// The `id` column.
    fn id(&self) -> Column {
        let c = col(c::ID, self.id_ty.clone(), false);
        match self.names.preset.id_kind() {
            IdKind::Serial => c,
            IdKind::Uuid | IdKind::UuidText => with_default(c, Default::Uuid),
        }
    }

    /// The `userId` column.
    fn user_id(&self) -> Column {
        col(c::USER_ID, self.ref_ty.clone(), false)
    }

    /// The foreign key of `table`'s `userId` to the users table.
    fn user_fk(&self, table: &str) -> ForeignKey {
        ForeignKey {
            name: ident(&[table, c::USER_ID, "fkey"]),
            column: c::USER_ID.into(),
            ref_table: self.table(TableKind::User),
            ref_column: c::ID.into(),
        }
    }
}

/// The users table: the Auth.js columns, then the user struct's own database fields.
fn user_table(
    model: &Model,
    ids: &Ids<'_>,
    enums: &mut Vec<EnumType>,
    errors: &mut Vec<Diagnostic>,
) -> Table {
    let user_t = ids.table(TableKind::User);
    let mut table = Table {
        key: TableKind::User.key().into(),
        name: user_t.clone(),
        columns: vec![
            ids.id(),
            col(c::NAME, ColType::Text, true),
            col(c::EMAIL, ColType::Varchar, true),
            col(c::EMAIL_VERIFIED, ColType::Timestamp, true),
            col(c::IMAGE, ColType::Text, true),
        ],
        primary_key: vec![c::ID.into()],
        foreign_keys: vec![],
        indexes: vec![Index {
            name: ident(&[&user_t, c::EMAIL, "key"]),
            columns: vec![c::EMAIL.into()],
            unique: true,
        }],
    };
    let standard: BTreeSet<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    if let Some(user) = model.user() {
        for field in user.fields().iter().filter(|f| f.targets.db) {
            let name = authgen_naming::column_name(&field.wire, field.column.as_deref());
            if standard.contains(name) {
                // The preset owns the Auth.js columns: the adapters read them as they are. The
                // check guarantees that only next-auth's own member maps onto one.
                continue;
            }
            match user_column(model, user, field, name, enums) {
                Ok(column) => {
                    table.indexes.extend(field_index(&user_t, field, name));
                    table.columns.push(column)
                }
                Err(d) => errors.push(d),
            }
        }
    }
    table
}

/// The index a user field asks for with `unique` or `index`.
fn field_index(table: &str, field: &Field, column: &str) -> Option<Index> {
    let (suffix, unique) = match (field.unique, field.index) {
        (true, _) => ("key", true),
        (false, true) => ("idx", false),
        (false, false) => return None,
    };
    Some(Index {
        name: ident(&[table, column, suffix]),
        columns: vec![column.into()],
        unique,
    })
}

/// The OAuth accounts table (keyed by `id`, or by provider and account id where the preset has
/// no `id`).
fn account_table(ids: &Ids<'_>) -> Table {
    let account_t = ids.table(TableKind::Account);
    let natural = ["provider", "providerAccountId"];
    let (columns, primary_key) = ids.keyed(
        TableKind::Account,
        vec![
            ids.user_id(),
            col("type", ColType::Varchar, false),
            col("provider", ColType::Varchar, false),
            col("providerAccountId", ColType::Varchar, false),
            col("refresh_token", ColType::Text, true),
            col("access_token", ColType::Text, true),
            col("expires_at", ColType::BigInt, true),
            col("token_type", ColType::Text, true),
            col("scope", ColType::Text, true),
            col("id_token", ColType::Text, true),
            col("session_state", ColType::Text, true),
        ],
        &natural,
    );
    Table {
        key: TableKind::Account.key().into(),
        name: account_t.clone(),
        indexes: ids.unique_unless_key(&account_t, &primary_key, &natural),
        columns,
        primary_key,
        foreign_keys: vec![ids.user_fk(&account_t)],
    }
}

/// The database sessions table (keyed by `id`, or by the token where the preset has no `id`).
fn session_table(ids: &Ids<'_>) -> Table {
    let session_t = ids.table(TableKind::Session);
    let (columns, primary_key) = ids.keyed(
        TableKind::Session,
        vec![
            col(c::SESSION_TOKEN, ColType::Varchar, false),
            ids.user_id(),
            col(c::EXPIRES, ColType::Timestamp, false),
        ],
        &[c::SESSION_TOKEN],
    );
    Table {
        key: TableKind::Session.key().into(),
        name: session_t.clone(),
        indexes: ids.unique_unless_key(&session_t, &primary_key, &[c::SESSION_TOKEN]),
        columns,
        primary_key,
        foreign_keys: vec![ids.user_fk(&session_t)],
    }
}

/// The email sign-in tokens table.
fn verification_token_table(names: &TableNames) -> Table {
    Table {
        key: TableKind::VerificationToken.key().into(),
        name: names.get(TableKind::VerificationToken).to_owned(),
        columns: vec![
            col("identifier", ColType::Varchar, false),
            col("token", ColType::Varchar, false),
            col(c::EXPIRES, ColType::Timestamp, false),
        ],
        primary_key: vec!["identifier".into(), "token".into()],
        foreign_keys: vec![],
        indexes: vec![],
    }
}

/// The WebAuthn authenticators table.
fn authenticator_table(ids: &Ids<'_>) -> Table {
    let auth_t = ids.table(TableKind::Authenticator);
    Table {
        key: TableKind::Authenticator.key().into(),
        name: auth_t.clone(),
        columns: vec![
            col("credentialID", ColType::Varchar, false),
            ids.user_id(),
            col("providerAccountId", ColType::Varchar, false),
            col("credentialPublicKey", ColType::Text, false),
            col("counter", ColType::Int, false),
            col("credentialDeviceType", ColType::Varchar, false),
            col("credentialBackedUp", ColType::Bool, false),
            col("transports", ColType::Text, true),
        ],
        primary_key: vec![c::USER_ID.into(), "credentialID".into()],
        foreign_keys: vec![ids.user_fk(&auth_t)],
        indexes: vec![Index {
            name: ident(&[&auth_t, "credentialID", "key"]),
            columns: vec!["credentialID".into()],
            unique: true,
        }],
    }
}

/// Every table, column and enum type name usable, table names distinct, enum types not named
/// like a table.
fn check_names(tables: &[Table], enums: &[EnumType], errors: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for t in tables {
        check_name(errors, "table", &t.name);
        if !seen.insert(t.name.clone()) {
            errors.push(Diagnostic::new(
                None,
                format!("two tables are named `{}`: check [sql.tables]", t.name),
            ));
        }
        for column in &t.columns {
            check_name(errors, "column", &column.name);
        }
    }
    for e in enums {
        check_name(errors, "enum type", &e.name);
        if tables.iter().any(|t| t.name == e.name) {
            errors.push(Diagnostic::new(
                None,
                format!(
                    "the enum type `{}` has the name of a table: PostgreSQL keeps both in one namespace",
                    e.name
                ),
            ));
        }
    }
}

fn check_name(errors: &mut Vec<Diagnostic>, what: &str, name: &str) {
    if name.is_empty() || name.len() > MAX_IDENT || name.contains('\0') {
        errors.push(Diagnostic::new(
            None,
            format!(
                "the {what} name `{}` is not usable: names must be 1 to {MAX_IDENT} bytes without NUL",
                name.escape_debug()
            ),
        ));
    }
}

fn user_column(
    model: &Model,
    user: &Item,
    field: &Field,
    name: &str,
    enums: &mut Vec<EnumType>,
) -> Result<Column, Diagnostic> {
    let err = |msg: String| Diagnostic::new(field.ty_loc.clone().or(field.loc.clone()), msg);
    let ty = if !field.sql_type.is_empty() {
        custom_type(&field.sql_type, field, user).map_err(err)?
    } else {
        column_type(model, &field.ty, enums).map_err(|m| {
            err(format!(
                "field `{}.{}`: {m}; give it `#[auth(sql_type = \"...\")]`",
                user.name, field.name
            ))
        })?
    };
    let default = match &field.default {
        None => None,
        Some(DefaultValue::Now) => Some(Default::Now),
        Some(DefaultValue::Uuid) => Some(Default::Uuid),
        Some(DefaultValue::Sql(s)) => Some(Default::Sql(s.clone())),
        Some(DefaultValue::Value(v)) => {
            check_literal(&ty, v, enums).map_err(|m| {
                err(format!(
                    "field `{}.{}`: the default {v} {m}",
                    user.name, field.name
                ))
            })?;
            Some(Default::Value(v.clone()))
        }
    };
    Ok(Column {
        name: name.into(),
        ty,
        nullable: field.presence.is_nullable(),
        default,
        renamed_from: field.renamed_from.clone(),
        field: Some(format!("{}.{}", user.name, field.name)),
        loc: field.loc.clone(),
    })
}

fn custom_type(t: &SqlTypes, field: &Field, user: &Item) -> Result<ColType, String> {
    let pick = |d: &Option<String>, dialect: &str| {
        d.clone().or_else(|| t.all.clone()).ok_or_else(|| {
            format!(
                "field `{}.{}`: sql_type gives no type for {dialect}: add `all` or `{dialect}`",
                user.name, field.name
            )
        })
    };
    Ok(ColType::Custom {
        postgres: pick(&t.postgres, "postgres")?,
        mysql: pick(&t.mysql, "mysql")?,
        sqlite: pick(&t.sqlite, "sqlite")?,
    })
}

fn column_type(model: &Model, ty: &Type, enums: &mut Vec<EnumType>) -> Result<ColType, String> {
    Ok(match ty {
        Type::String => ColType::Text,
        Type::Bool => ColType::Bool,
        Type::Int { signed, bits } => match (signed, bits) {
            (_, 8) | (true, 16) => ColType::SmallInt,
            (false, 16) | (true, 32) => ColType::Int,
            (false, 32) | (true, 64) => ColType::BigInt,
            _ => ColType::Decimal,
        },
        Type::Float { bits: 32 } => ColType::Real,
        Type::Float { .. } => ColType::Double,
        Type::DateTime { .. } => ColType::Timestamp,
        Type::Uuid => ColType::Uuid,
        Type::Json | Type::Map { .. } => ColType::Json,
        Type::Nullable { of } => column_type(model, of, enums)?,
        Type::List { of } => {
            let inner = match of.as_ref() {
                Type::Nullable { of } => of.as_ref(),
                other => other,
            };
            let stringy = match inner {
                Type::String => true,
                Type::Named { name } => model.get(name).is_some_and(|i| !i.variants().is_empty()),
                _ => false,
            };
            if stringy {
                ColType::TextList
            } else {
                ColType::Json
            }
        }
        Type::Named { name } => {
            let item = model
                .get(name)
                .ok_or_else(|| format!("the type `{name}` is not in the model"))?;
            match item.kind {
                ItemKind::Role | ItemKind::Permission | ItemKind::Type
                    if !item.variants().is_empty() =>
                {
                    let type_name = enum_type_name(&item.name);
                    if !enums.iter().any(|e| e.name == type_name) {
                        enums.push(EnumType {
                            name: type_name.clone(),
                            values: item.variants().iter().map(|v| v.wire.clone()).collect(),
                        });
                    }
                    ColType::Enum { name: type_name }
                }
                _ if item.fields().is_empty() && item.variants().is_empty() => {
                    return Err(format!("the type `{name}` has no fields or variants"))
                }
                _ => ColType::Json,
            }
        }
    })
}

fn check_literal(ty: &ColType, v: &serde_json::Value, enums: &[EnumType]) -> Result<(), String> {
    use serde_json::Value as V;
    let ok = match (ty, v) {
        (_, V::Null) => true,
        (ColType::Custom { .. }, _) => true,
        (ColType::Json, _) => true,
        (
            ColType::Text
            | ColType::Varchar
            | ColType::Uuid
            | ColType::UuidText
            | ColType::Timestamp
            | ColType::TimestampMillis,
            V::String(_),
        ) => true,
        (ColType::Enum { name }, V::String(s)) => {
            let e = enums.iter().find(|e| &e.name == name);
            if let Some(e) = e {
                if !e.values.contains(s) {
                    return Err(format!(
                        "is not a value of the enum `{name}` (values: {})",
                        e.values.join(", ")
                    ));
                }
            }
            true
        }
        (ColType::Bool, V::Bool(_)) => true,
        (ColType::SmallInt | ColType::Int | ColType::BigInt | ColType::Decimal, V::Number(n)) => {
            n.is_i64() || n.is_u64()
        }
        (ColType::Real | ColType::Double, V::Number(_)) => true,
        (ColType::TextList, V::Array(items)) => items.iter().all(|i| i.is_string()),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("does not fit the column type {ty:?}"))
    }
}
