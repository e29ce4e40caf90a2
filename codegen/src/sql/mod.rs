//! SQL emitters: the whole schema per dialect, and migrations.

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::Model;
use crate::output::OutputFile;

/// Renders the whole current schema for each configured dialect under `config.sql.schema_dir`.
pub fn render_schemas(
    _model: &Model,
    _config: &Config,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    Ok(Vec::new())
}
