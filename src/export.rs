//! Building the model from the derives and writing the same files the CLI writes, from an
//! application's own test or build step (the way ts-rs users export bindings).

pub use authgen_codegen::config::{Config, Dialect, NextAuth};
pub use authgen_codegen::model;
pub use authgen_codegen::output::OutputFile;
pub use authgen_codegen::Checked;

use authgen_codegen::diag::Diagnostic;

/// A type with an authgen derive, which can describe itself as a model item.
///
/// ```
/// use authgen::{AuthRole, Describe};
/// #[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
/// enum Role { Reader, Writer }
/// assert_eq!(Role::describe().variants()[1].wire, "Writer");
/// ```
pub trait Describe {
    /// The model item the derive parsed, identical to what the CLI parses from the source.
    fn describe() -> model::Item;
}

/// The model of the given items, in the order given, checked across items.
///
/// ```
/// use authgen::{model_of, AuthRole, AuthUser, Describe};
/// #[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
/// enum Role { Reader, Writer }
/// #[derive(AuthUser)]
/// struct User { id: String, role: Role }
/// let model = model_of(vec![Role::describe(), User::describe()]).unwrap();
/// assert_eq!(model.user().unwrap().name, "User");
/// ```
pub fn model_of(items: Vec<model::Item>) -> Result<Checked, Vec<Diagnostic>> {
    authgen_codegen::frontend::check::assemble(items)
}

/// Builds a model from types with authgen derives: `authgen::model![Role, Permission, User]`.
/// Panics with every error when the items do not form a valid model (use [`model_of`] to handle
/// them).
#[macro_export]
macro_rules! model {
    ($($ty:ty),* $(,)?) => {
        match $crate::model_of(::std::vec![$(<$ty as $crate::Describe>::describe()),*]) {
            ::core::result::Result::Ok(m) => m,
            ::core::result::Result::Err(errors) => {
                let msgs: ::std::vec::Vec<::std::string::String> = errors.iter().map(|e| e.to_string()).collect();
                ::core::panic!("invalid authgen model:\n{}", msgs.join("\n"))
            }
        }
    };
}

/// Every generated file for `model` under `config`, rendered in memory: byte-identical to what
/// `authgen generate` writes for the same model and configuration.
pub fn render(model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    authgen_codegen::output::render_all(model, config)
}

/// Renders every file and writes the ones whose bytes changed under `base_dir` (the directory
/// paths in `config` are relative to, as the CLI does for the directory of `authgen.toml`).
/// Returns the paths written. Errors are the model's (rendered as one message each) or I/O.
///
/// ```no_run
/// # use authgen::{AuthRole, Describe};
/// # #[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)] enum Role { User }
/// // In a test of the application: keeps `types/` and `schema/` in sync with the Rust model.
/// let model = authgen::model![Role];
/// let written = authgen::export(&model, &authgen::Config::default(), std::path::Path::new(".")).unwrap();
/// assert!(written.is_empty(), "regenerated {written:?}: commit them");
/// ```
pub fn export(
    model: &Checked,
    config: &Config,
    base_dir: &std::path::Path,
) -> Result<Vec<std::path::PathBuf>, String> {
    let files = render(model, config).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    use authgen_codegen::write::{write_all, FileWrite, WriteOptions, Written};
    let writes: Vec<FileWrite> = files
        .into_iter()
        .map(|f| FileWrite {
            path: base_dir.join(&f.path),
            contents: f.contents.into_bytes(),
        })
        .collect();
    // All or nothing: on an error no file has changed.
    let outcome = write_all(&writes, &WriteOptions::default()).map_err(|e| e.to_string())?;
    Ok(writes
        .into_iter()
        .zip(outcome)
        .filter(|(_, w)| *w == Written::Changed)
        .map(|(f, _)| f.path)
        .collect())
}

/// The database session lookup's view of the schema `authgen generate` and `authgen migrate`
/// write for `model` under `config`: the users and sessions tables of the naming preset, and the
/// user's own columns that serde reads, with the kind of value each holds (a `#[serde(skip)]`
/// column, such as a password hash, is never selected; an `#[auth(db_only)]` one is, since serde
/// reads its key). Build it once at startup and hand it to
/// [`runtime::db::SessionStore`](crate::runtime::db::SessionStore).
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use authgen::{AuthRole, AuthUser, Describe};
/// #[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
/// enum Role { User, Admin }
/// #[derive(AuthUser, serde::Deserialize)]
/// #[serde(rename_all = "camelCase")]
/// struct User {
///     id: String,
///     email: Option<String>,
///     role: Role,
///     #[serde(skip)]
///     password_hash: Option<String>,
/// }
/// let model = authgen::model![Role, User];
/// let schema = authgen::session_schema(&model, &authgen::Config::default()).unwrap();
/// assert_eq!(schema.user_table, "users");
/// assert!(schema.user_columns.iter().any(|c| c.wire == "email"));
/// assert!(!schema.user_columns.iter().any(|c| c.wire == "passwordHash"));
/// # }
/// ```
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
pub fn session_schema(
    model: &Checked,
    config: &Config,
) -> Result<authgen_runtime::db::SessionSchema, Vec<Diagnostic>> {
    use authgen_codegen::sql::schema::{build, ColType};
    use authgen_runtime::db::{SessionSchema, UserColumn, ValueKind};
    let schema = build(model, config)?;
    let missing = |t: &str| {
        vec![Diagnostic::new(
            None,
            format!("the schema has no {t} table"),
        )]
    };
    let user_t = schema.table("user").ok_or_else(|| missing("user"))?;
    let session_t = schema.table("session").ok_or_else(|| missing("session"))?;
    let fields = model.user().map(|u| u.fields()).unwrap_or_default();
    let kind = |t: &ColType| match t {
        ColType::Serial
        | ColType::Text
        | ColType::Varchar
        | ColType::Uuid
        | ColType::UuidText
        | ColType::Enum { .. } => ValueKind::Text,
        ColType::Bool => ValueKind::Bool,
        ColType::SmallInt
        | ColType::Int
        | ColType::BigInt
        | ColType::Decimal
        | ColType::Real
        | ColType::Double => ValueKind::Number,
        ColType::Timestamp | ColType::TimestampMillis => ValueKind::Timestamp,
        ColType::Json | ColType::TextList => ValueKind::Json,
        ColType::Custom { .. } => ValueKind::Raw,
    };
    let user_columns = user_t
        .columns
        .iter()
        .filter_map(|c| {
            // A `#[serde(skip)]` column (a password hash) is never read: serde would drop it.
            let f = fields
                .iter()
                .filter(|f| f.targets.db && !f.serde_skip)
                .find(|f| {
                    authgen_runtime::naming::column_name(&f.wire, f.column.as_deref()) == c.name
                })?;
            Some(UserColumn::new(&c.name, &f.wire, kind(&c.ty)))
        })
        .collect();
    Ok(SessionSchema {
        user_table: user_t.name.clone(),
        session_table: session_t.name.clone(),
        user_columns,
    })
}
