//! TypeScript emitters: `next-auth.d.ts` (v4 and v5) and `permissions.ts`.

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::Model;
use crate::output::OutputFile;

/// Renders the TypeScript files for `model` under `config.typescript`.
pub fn render(_model: &Model, _config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    Ok(Vec::new())
}
