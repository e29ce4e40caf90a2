//! Loading the configuration and the model, the first step of every model command.
//!
//! `load` finds `authgen.toml` (or takes `--config`), applies `--input` overrides, reads and
//! parses every input file, and prints every error at once through [`crate::report`].
//! Subcommands get a [`Loaded`] (with the [`Sources`] it read, for their own diagnostics) or an
//! [`Exit::Usage`].

use std::path::{Path, PathBuf};

use authgen_codegen::config::{self, Config};
use authgen_codegen::diag::Diagnostic;
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::model::Loc;
use authgen_codegen::Checked;

use crate::read::{self, read_text};
use crate::report::{self, Sources};
use crate::{Exit, Io};

/// A loaded configuration and model.
#[derive(Debug)]
pub struct Loaded {
    /// The configuration (defaults when there is no `authgen.toml`).
    pub config: Config,
    /// The directory outputs are relative to: the config file's directory, or the working
    /// directory.
    pub base_dir: PathBuf,
    /// The configuration file, as shown in messages, when there is one.
    pub config_file: Option<String>,
    /// The model, checked.
    pub model: Checked,
    /// The text of every file read (inputs and config), for the diagnostics printer.
    pub sources: Sources,
}

/// Where the configuration comes from.
#[derive(Debug)]
pub struct ConfigSource {
    /// The configuration.
    pub config: Config,
    /// The directory relative paths in it resolve against.
    pub base_dir: PathBuf,
    /// The configuration file, as shown in messages, when there is one.
    pub file: Option<String>,
}

/// `path` as messages show it: relative to the working directory when it is under it.
pub fn shown(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd).unwrap_or(path).display().to_string()
}

/// Finds and parses the configuration: `--config FILE`, or `authgen.toml` in the working
/// directory or above, or the defaults. The file's text goes into `sources`.
pub fn load_config(
    config_path: Option<&Path>,
    io: &mut Io<'_>,
    sources: &mut Sources,
) -> Result<ConfigSource, Exit> {
    let path = match config_path {
        Some(p) => Some(io.cwd.join(p)),
        None => Config::discover(&io.cwd),
    };
    let Some(path) = path else {
        return Ok(ConfigSource {
            config: Config::default(),
            base_dir: io.cwd.clone(),
            file: None,
        });
    };
    let name = shown(&path, &io.cwd);
    let parsed = read_text(&path, &name, read::CONFIG, sources)
        .and_then(|text| {
            let parsed = Config::parse(&text, &name);
            sources.add(name.as_str().into(), text);
            parsed
        })
        .map_err(|d| located(d, &name));
    match parsed {
        Ok(config) => Ok(ConfigSource {
            config,
            base_dir: path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| io.cwd.clone()),
            file: Some(name),
        }),
        Err(d) => Err(report::print(io, sources, &[d])),
    }
}

/// `d`, located at `file:1:1` when it has no location.
fn located(mut d: Diagnostic, file: &str) -> Diagnostic {
    if d.loc.is_none() {
        d.loc = Some(Loc {
            file: file.into(),
            line: 1,
            column: 1,
        });
    }
    d
}

/// Loads config and model. `config_path` is `--config`; `inputs` are `--input` flags, which
/// replace the config's `input` list when given (relative to the working directory; the
/// config's own inputs are relative to the config file).
pub fn load(
    config_path: Option<&Path>,
    inputs: &[PathBuf],
    io: &mut Io<'_>,
) -> Result<Loaded, Exit> {
    let mut sources = Sources::default();
    let ConfigSource {
        config,
        base_dir,
        file,
    } = load_config(config_path, io, &mut sources)?;
    let files: Vec<PathBuf> = if inputs.is_empty() {
        config.input.iter().map(|p| base_dir.join(p)).collect()
    } else {
        inputs.iter().map(|p| io.cwd.join(p)).collect()
    };
    if files.is_empty() {
        let help = format!(
            "pass --input FILE, or list them as `input = [...]` in {}",
            config::FILE_NAME
        );
        let d = match &file {
            Some(f) => Diagnostic::at_file(f, "no input files"),
            None => Diagnostic::new(None, "no input files"),
        };
        return Err(report::print(io, &sources, &[d.help(help)]));
    }
    let model = load_model(&files, io, &mut sources)?;
    Ok(Loaded {
        config,
        base_dir,
        config_file: file,
        model,
        sources,
    })
}

/// Reads and parses `files` into a checked model, printing every error; the files' text goes
/// into `sources`.
pub fn load_model(
    files: &[PathBuf],
    io: &mut Io<'_>,
    sources: &mut Sources,
) -> Result<Checked, Exit> {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let name = shown(path, &io.cwd);
        if path.extension().and_then(|e| e.to_str()) != Some("rs") && path.is_file() {
            errors.push(Diagnostic::at_file(
                &name,
                "not a Rust source file (expected a .rs file)",
            ));
            continue;
        }
        match read_text(path, &name, read::MODEL, sources) {
            Ok(text) => inputs.push(Source {
                name: name.into(),
                text,
            }),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(report::print(io, sources, &errors));
    }
    let parsed = parse_sources(&inputs);
    let first = inputs.first().map(|s| s.name.clone());
    for src in inputs {
        sources.add(src.name, src.text);
    }
    parsed.map_err(|diags| {
        // Anything about the input without a place points at the (first) input file.
        let diags: Vec<Diagnostic> = match &first {
            Some(f) => diags.into_iter().map(|d| located(d, f)).collect(),
            None => diags,
        };
        report::print(io, sources, &diags)
    })
}
