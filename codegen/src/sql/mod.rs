//! SQL emitters: the whole schema per dialect, and migrations.
//!
//! - [`schema`]: the model and the naming preset → a dialect-independent [`schema::Schema`]
//!   (what the snapshot file stores).
//! - [`dialect`]: names, types, defaults and column definitions per dialect.
//! - [`ddl`]: `CREATE` / `DROP` statements and the whole schema.
//! - [`change`]: the typed changes of a migration ([`change::Change`]) and their descriptions.
//! - [`diff`]: the changes from one schema to another, with destructive changes named.
//! - [`render`]: the changes as one dialect's statements.
//! - [`plan`]: snapshot files, the safety check, and the sqlx migration file pairs.

pub mod change;
pub mod ddl;
pub mod dialect;
pub mod diff;
pub mod plan;
pub mod render;
pub mod schema;

use crate::config::{Config, Dialect};
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::output::{OutputFile, GENERATED_MARK};

/// The whole schema of `schema` in dialect `d`, as one file's contents.
pub fn render_schema(d: Dialect, schema: &schema::Schema) -> String {
    let mut s = format!(
        "-- {GENERATED_MARK} ({}, naming preset {}). The whole current schema, for review; migrations create it.\n\n",
        d.as_str(),
        schema.preset
    );
    s.push_str(&ddl::create_schema(d, schema).join("\n\n"));
    s.push('\n');
    s
}

/// Renders the whole current schema for each configured dialect under `config.sql.schema_dir`,
/// as `<dialect>.sql`.
pub fn render_schemas(
    model: &Checked,
    config: &Config,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let schema = schema::build(model, config)?;
    Ok(config
        .sql
        .dialects
        .iter()
        .map(|d| OutputFile {
            path: config.sql.schema_dir.join(format!("{}.sql", d.as_str())),
            contents: render_schema(*d, &schema),
        })
        .collect())
}

/// The SQL schema output: one `<dialect>.sql` per configured dialect (see [`render_schemas`]).
///
/// ```
/// use authgen_codegen::{config::Config, emit::Emitter, frontend::check::check, model::Model, sql::SqlSchemas};
/// let files = SqlSchemas.emit(&check(Model::default()).unwrap(), &Config::default()).unwrap();
/// assert_eq!(files[0].path, std::path::Path::new("schema/sqlite.sql"));
/// ```
pub struct SqlSchemas;

impl Emitter for SqlSchemas {
    fn name(&self) -> &'static str {
        "sql"
    }

    fn emit(&self, model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        render_schemas(model, config)
    }
}
