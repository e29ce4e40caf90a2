//! The model: a plain, serializable description of the application's roles, permissions, users,
//! sessions, tokens and the nested types they use.
//!
//! Both front ends build it (the derives from one item at a time, the CLI from whole files) and
//! every emitter reads it. It holds wire names exactly as serde_json writes them, Rust names, the
//! field's presence on the wire, and the options given with `#[auth(...)]`. Order is source order,
//! so serializing a model is deterministic.
//!
//! Source locations are kept for error messages but never serialized: a model from the derives
//! and one from the CLI compare equal as JSON.

use serde::{Deserialize, Serialize};

/// The whole model: every item in source order.
///
/// ```
/// use authgen_codegen::model::{Def, Item, ItemKind, Model, Variant};
/// let model = Model {
///     items: vec![Item {
///         name: "Role".into(),
///         kind: ItemKind::Role,
///         docs: vec![],
///         def: Def::Enum { variants: vec![Variant::new("User", "USER")] },
///         table: None,
///         ext_trait: None,
///         loc: None,
///     }],
/// };
/// assert_eq!(model.role().unwrap().name, "Role");
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Items in source order (files in the order given, items in file order).
    pub items: Vec<Item>,
}

/// What a derive declared an item to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// `#[derive(AuthRole)]`: a unit enum, ascending privilege.
    Role,
    /// `#[derive(AuthPermission)]`: a unit enum of permission strings.
    Permission,
    /// `#[derive(AuthUser)]`: the user row, next-auth's `User` and the adapter's `AdapterUser`.
    User,
    /// `#[derive(AuthSession)]`: the session object (`expires`, `user`, and top-level extras).
    Session,
    /// `#[derive(AuthSessionUser)]`: what `session.user` carries.
    SessionUser,
    /// `#[derive(AuthJwt)]`: the JWT claims the app adds.
    Jwt,
    /// `#[derive(AuthType)]`: a plain struct or unit enum used by other items' fields.
    Type,
}

impl ItemKind {
    /// The derive macro's name.
    pub fn derive_name(self) -> &'static str {
        match self {
            ItemKind::Role => "AuthRole",
            ItemKind::Permission => "AuthPermission",
            ItemKind::User => "AuthUser",
            ItemKind::Session => "AuthSession",
            ItemKind::SessionUser => "AuthSessionUser",
            ItemKind::Jwt => "AuthJwt",
            ItemKind::Type => "AuthType",
        }
    }

    /// The kind a derive name stands for (`"AuthUser"` → `User`).
    pub fn from_derive_name(name: &str) -> Option<ItemKind> {
        Some(match name {
            "AuthRole" => ItemKind::Role,
            "AuthPermission" => ItemKind::Permission,
            "AuthUser" => ItemKind::User,
            "AuthSession" => ItemKind::Session,
            "AuthSessionUser" => ItemKind::SessionUser,
            "AuthJwt" => ItemKind::Jwt,
            "AuthType" => ItemKind::Type,
            _ => return None,
        })
    }

    /// Every kind, in a fixed order.
    pub const ALL: [ItemKind; 7] = [
        ItemKind::Role,
        ItemKind::Permission,
        ItemKind::User,
        ItemKind::Session,
        ItemKind::SessionUser,
        ItemKind::Jwt,
        ItemKind::Type,
    ];

    /// Whether a field of another item may have this kind's type (roles, permissions and
    /// `AuthType` items; the principals and the session are next-auth's own objects).
    pub fn is_nestable(self) -> bool {
        matches!(self, ItemKind::Role | ItemKind::Permission | ItemKind::Type)
    }

    /// Whether items of this kind carry a role and permissions (user, session user, JWT).
    pub fn is_principal(self) -> bool {
        matches!(self, ItemKind::User | ItemKind::SessionUser | ItemKind::Jwt)
    }
}

/// One derived item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The Rust name (`User`).
    pub name: String,
    /// What it was derived as.
    pub kind: ItemKind,
    /// Doc comment lines, each without the leading `///` and one following space.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
    /// The fields or variants.
    pub def: Def,
    /// `#[auth(table = "...")]`: overrides the table name the naming preset gives (user only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// `#[auth(ext = "...")]`: the name of the generated extension trait with one `is_<role>()`
    /// per role (roles only; `None` means `<Name>Ext`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_trait: Option<String>,
    /// Where the item's name is in the source (CLI only).
    #[serde(skip)]
    pub loc: Option<Loc>,
}

/// The body of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Def {
    /// A unit-only enum.
    Enum {
        /// Variants in declaration order (for roles: ascending privilege).
        variants: Vec<Variant>,
    },
    /// A struct with named fields.
    Struct {
        /// Fields in declaration order.
        fields: Vec<Field>,
    },
}

/// One enum variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The Rust name (`PostsWrite`).
    pub name: String,
    /// The string serde writes (`posts:write`).
    pub wire: String,
    /// Doc comment lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
    /// Where the variant is in the source (CLI only).
    #[serde(skip)]
    pub loc: Option<Loc>,
}

impl Variant {
    /// A variant without docs or location.
    pub fn new(name: impl Into<String>, wire: impl Into<String>) -> Self {
        Variant {
            name: name.into(),
            wire: wire.into(),
            docs: Vec::new(),
            loc: None,
        }
    }
}

/// One struct field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The Rust name, without `r#`.
    pub name: String,
    /// The key serde_json writes. Present even for fields that are not on the wire (then it is
    /// the name serde would use).
    pub wire: String,
    /// Doc comment lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
    /// The value type, with a top-level `Option` taken off into [`Field::presence`].
    pub ty: Type,
    /// Whether the key may be missing and whether the value may be null.
    pub presence: Presence,
    /// Where the field appears: on the wire (JSON, TypeScript) and in the database.
    pub targets: Targets,
    /// `#[serde(skip)]`: serde neither writes nor reads the field (deserializing leaves it at
    /// its `Default`). `#[auth(db_only)]` alone leaves this false: the field is then not in the
    /// TypeScript types, but serde still writes and reads its key, so the database session
    /// lookup reads its column. A `serde_skip` column stays in the database (a password hash).
    #[serde(default, skip_serializing_if = "is_false")]
    pub serde_skip: bool,
    /// `#[serde(flatten)]`: the fields of the nested struct are the parent's own.
    #[serde(default, skip_serializing_if = "is_false")]
    pub flatten: bool,
    /// What the field stands for, when it is special.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<FieldRole>,
    /// `#[auth(default = ...)]`: the value the database (and the adapter types) use when none is
    /// given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    /// `#[auth(unique)]`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// `#[auth(index)]`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub index: bool,
    /// `#[auth(column = "...")]`: overrides the column name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// `#[auth(sql_type = "...")]` or `#[auth(sql_type(postgres = "...", ...))]`.
    #[serde(default, skip_serializing_if = "SqlTypes::is_empty")]
    pub sql_type: SqlTypes,
    /// `#[auth(ts_type = "...")]`: the TypeScript type, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_type: Option<String>,
    /// `#[auth(ts_import = "...")]`: the module `ts_type` is imported from (for example
    /// `./bindings/Address` from ts-rs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_import: Option<String>,
    /// `#[auth(renamed_from = "...")]`: earlier names of this field (migrations rename instead of
    /// dropping and adding).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
    /// Where the field is in the source (CLI only).
    #[serde(skip)]
    pub loc: Option<Loc>,
    /// Where the field's type is in the source (CLI only).
    #[serde(skip)]
    pub ty_loc: Option<Loc>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The special meaning of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRole {
    /// The principal's role: the role enum, `Option` of it, or a list of it; or a free-form
    /// role, `String` or `Option<String>` (the field's type is [`Type::String`]), compared
    /// exactly, with no hierarchy (see [`Field::is_free_form_role`]).
    Role,
    /// The principal's permissions: a list of the permission enum or of `String`.
    Permissions,
    /// In a session: `session.user`.
    User,
}

/// Where a field appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// On the wire: in the JSON serde writes and reads, and so in the TypeScript types.
    /// False for `#[serde(skip)]` and `#[auth(db_only)]` (which of the two: [`Field::serde_skip`]).
    pub wire: bool,
    /// In the database (user rows only). False for `#[auth(ts_only)]`.
    pub db: bool,
}

impl Targets {
    /// Everywhere.
    pub const ALL: Targets = Targets {
        wire: true,
        db: true,
    };
}

/// Whether a key may be missing and whether its value may be null, as serde writes and reads it.
///
/// | Rust | presence | TypeScript |
/// |---|---|---|
/// | `T` | `Required` | `f: T` |
/// | `T` with `#[serde(default)]` or `skip_serializing_if` | `Optional` | `f?: T` |
/// | `Option<T>` | `Nullable` | `f: T \| null` |
/// | `Option<T>` with `#[serde(default)]` or `skip_serializing_if` | `OptionalNullable` | `f?: T \| null` |
///
/// Nullable exactly when the Rust type is an `Option` (so the column is nullable too): serde
/// reads `null` into it even when it never writes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Always present, never null.
    Required,
    /// May be missing, never null.
    Optional,
    /// Always present, may be null.
    Nullable,
    /// May be missing, may be null.
    OptionalNullable,
}

impl Presence {
    /// Whether the key may be missing.
    pub fn is_optional(self) -> bool {
        matches!(self, Presence::Optional | Presence::OptionalNullable)
    }

    /// Whether the value may be null (the Rust type is an `Option`).
    pub fn is_nullable(self) -> bool {
        matches!(self, Presence::Nullable | Presence::OptionalNullable)
    }
}

/// A value type, as it is on the wire and in the database.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum Type {
    /// `String`, `&str`, `Box<str>`, `Cow<str>`.
    String,
    /// `bool`.
    Bool,
    /// An integer type.
    Int {
        /// Signed (`i32`) or not (`u32`).
        signed: bool,
        /// 8, 16, 32, 64 or 128 (`isize`/`usize` count as 64).
        bits: u8,
    },
    /// `f32` or `f64`.
    Float {
        /// 32 or 64.
        bits: u8,
    },
    /// A UTC timestamp: chrono `DateTime<Utc>` or `time::OffsetDateTime`.
    DateTime {
        /// How serde writes it.
        format: DateFormat,
    },
    /// `uuid::Uuid` (a hyphenated lowercase string on the wire).
    Uuid,
    /// `serde_json::Value`: any JSON.
    Json,
    /// `Vec<T>`, `VecDeque<T>`, `HashSet<T>`, `BTreeSet<T>`, `[T; N]`, `Box<[T]>`.
    List {
        /// The element type.
        of: Box<Type>,
    },
    /// A nested `Option<T>` (inside a list or map; a field's own `Option` is its presence).
    Nullable {
        /// The inner type.
        of: Box<Type>,
    },
    /// `HashMap<String, T>` or `BTreeMap<String, T>`: a JSON object.
    Map {
        /// The value type.
        of: Box<Type>,
    },
    /// A type defined by another item of the model (role, permission, or `AuthType`), by its
    /// Rust name.
    Named {
        /// The Rust name of the item.
        name: String,
    },
}

/// How a timestamp is written by serde.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// An RFC 3339 string (chrono's default, `time::serde::rfc3339`).
    Rfc3339,
    /// Whole seconds since the epoch (`chrono::serde::ts_seconds`, `time::serde::timestamp`).
    UnixSeconds,
    /// Milliseconds since the epoch (`chrono::serde::ts_milliseconds`).
    UnixMillis,
}

/// A default value, from `#[auth(default = ...)]` or `#[auth(default_sql = "...")]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DefaultValue {
    /// A literal: string (for enums, a wire name), number, boolean, null, or a list of literals.
    Value(serde_json::Value),
    /// `default = now`: the current time.
    Now,
    /// `default = uuid`: a random UUID made by the database.
    Uuid,
    /// `default_sql = "..."`: a raw SQL expression, used verbatim in every dialect.
    Sql(String),
}

/// Explicit SQL types: one for every dialect, or one per dialect.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlTypes {
    /// For every dialect without its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<String>,
    /// PostgreSQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres: Option<String>,
    /// MySQL and MariaDB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<String>,
    /// SQLite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sqlite: Option<String>,
}

impl SqlTypes {
    /// Whether no type was given.
    pub fn is_empty(&self) -> bool {
        self.all.is_none()
            && self.postgres.is_none()
            && self.mysql.is_none()
            && self.sqlite.is_none()
    }
}

/// A place in a source file: 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    /// The file, as given on the command line or in `authgen.toml`.
    pub file: std::sync::Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Model {
    /// The first item of `kind`, if any.
    pub fn first(&self, kind: ItemKind) -> Option<&Item> {
        self.items.iter().find(|i| i.kind == kind)
    }

    /// The role enum, if the model has one.
    pub fn role(&self) -> Option<&Item> {
        self.first(ItemKind::Role)
    }

    /// The permission enum, if the model has one.
    pub fn permission(&self) -> Option<&Item> {
        self.first(ItemKind::Permission)
    }

    /// The user struct, if any.
    pub fn user(&self) -> Option<&Item> {
        self.first(ItemKind::User)
    }

    /// The session struct, if any.
    pub fn session(&self) -> Option<&Item> {
        self.first(ItemKind::Session)
    }

    /// The session user struct, if any.
    pub fn session_user(&self) -> Option<&Item> {
        self.first(ItemKind::SessionUser)
    }

    /// The JWT claims struct, if any.
    pub fn jwt(&self) -> Option<&Item> {
        self.first(ItemKind::Jwt)
    }

    /// Whether a principal (user, session user, JWT) has a free-form role field
    /// ([`Field::is_free_form_role`]): then the model has no role enum, and roles are strings
    /// compared exactly.
    ///
    /// ```
    /// use authgen_codegen::model::Model;
    /// assert!(!Model::default().has_free_form_role());
    /// ```
    pub fn has_free_form_role(&self) -> bool {
        self.items
            .iter()
            .filter(|i| i.kind.is_principal())
            .any(|i| i.fields().iter().any(Field::is_free_form_role))
    }

    /// The item named `name`.
    pub fn get(&self, name: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.name == name)
    }

    /// The model as pretty JSON with a trailing newline: what `authgen schema` prints.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("the model always serializes");
        s.push('\n');
        s
    }
}

impl Item {
    /// The fields, for a struct (empty for an enum).
    pub fn fields(&self) -> &[Field] {
        match &self.def {
            Def::Struct { fields } => fields,
            Def::Enum { .. } => &[],
        }
    }

    /// The variants, for an enum (empty for a struct).
    pub fn variants(&self) -> &[Variant] {
        match &self.def {
            Def::Enum { variants } => variants,
            Def::Struct { .. } => &[],
        }
    }

    /// The field with the given special role.
    pub fn field_with_role(&self, role: FieldRole) -> Option<&Field> {
        self.fields().iter().find(|f| f.role == Some(role))
    }

    /// The name of the generated extension trait of a role enum.
    pub fn ext_trait_name(&self) -> String {
        self.ext_trait
            .clone()
            .unwrap_or_else(|| format!("{}Ext", self.name))
    }
}

impl Field {
    /// Whether this is a free-form role: the role field, typed `String` or `Option<String>`
    /// rather than by a role enum. Its roles are plain strings compared exactly.
    ///
    /// ```
    /// use authgen_codegen::frontend::source::{parse_sources, Source};
    /// use authgen_codegen::model::FieldRole;
    /// let src = "#[derive(AuthUser)] struct User { id: String, role: Option<String> }";
    /// let model = parse_sources(&[Source { name: "m.rs".into(), text: src.into() }]).unwrap();
    /// let role = model.user().unwrap().field_with_role(FieldRole::Role).unwrap();
    /// assert!(role.is_free_form_role());
    /// assert!(model.has_free_form_role());
    /// ```
    pub fn is_free_form_role(&self) -> bool {
        self.role == Some(FieldRole::Role) && self.ty == Type::String
    }
}

impl Type {
    /// The named item this type refers to, looking through lists, nullables and maps.
    pub fn named(&self) -> Option<&str> {
        match self {
            Type::Named { name } => Some(name),
            Type::List { of } | Type::Nullable { of } | Type::Map { of } => of.named(),
            _ => None,
        }
    }
}
