//! `authgen schema` and `authgen init`.

use std::path::PathBuf;

use authgen_codegen::config;
use authgen_codegen::diag::Diagnostic;

use crate::load::{self, shown};
use crate::report;
use crate::write::{write_if_changed, Written};
use crate::{Exit, Io};

/// Arguments of `authgen schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// The configuration file, a regular file of at most 1 MiB (default: authgen.toml here or
    /// above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A Rust file holding the model, a regular file of at most 8 MiB; repeat for several
    /// (default: `input` in authgen.toml).
    #[arg(long = "input", value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
}

/// Runs `authgen schema`: prints the model as JSON.
pub fn schema(args: &SchemaArgs, io: &mut Io<'_>) -> Exit {
    match load::load(args.config.as_deref(), &args.inputs, io) {
        Ok(loaded) => {
            let _ = io.stdout.write_all(loaded.model.to_json().as_bytes());
            Exit::Ok
        }
        Err(exit) => exit,
    }
}

/// Arguments of `authgen init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to write the starter model.
    #[arg(long, value_name = "FILE", default_value = "src/auth.rs")]
    pub model: PathBuf,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// The starter model `authgen init` writes: the seed fixture.
pub const STARTER_MODEL: &str = include_str!("../../fixtures/seed/model.rs");

/// Runs `authgen init`: writes a starter model and `authgen.toml` in the working directory.
pub fn init(args: &InitArgs, io: &mut Io<'_>) -> Exit {
    let model_path = io.cwd.join(&args.model);
    let config_path = io.cwd.join(config::FILE_NAME);
    let model_rel = args.model.to_string_lossy().replace('\\', "/");
    let toml = format!(
        "# authgen configuration: paths are relative to this file.\n\
         input = [\"{model_rel}\"]\n\
         next_auth = \"v5\"\n\
         \n\
         [typescript]\n\
         out_dir = \"types\"\n\
         \n\
         [sql]\n\
         dialects = [\"sqlite\"]\n\
         naming = \"pg-adapter\"\n\
         migrations_dir = \"migrations\"\n\
         schema_dir = \"schema\"\n"
    );
    for path in [&model_path, &config_path] {
        if path.exists() && !args.force {
            let d = Diagnostic::at_file(&shown(path, &io.cwd), "already exists")
                .help("pass --force to replace it");
            return report::fail(io, d);
        }
    }
    for (path, contents) in [(&model_path, STARTER_MODEL), (&config_path, toml.as_str())] {
        match write_if_changed(path, contents.as_bytes()) {
            Ok(Written::Changed) => {
                let _ = writeln!(io.stdout, "wrote {}", shown(path, &io.cwd));
            }
            Ok(Written::Unchanged) => {}
            Err(e) => {
                let d = Diagnostic::at_file(&shown(path, &io.cwd), format!("cannot write: {e}"));
                return report::fail(io, d);
            }
        }
    }
    Exit::Ok
}
