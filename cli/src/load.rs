//! Loading the configuration and the model, the first step of every model command.
//!
//! `load` finds `authgen.toml` (or takes `--config`), applies `--input` overrides, reads and
//! parses every input file, and prints every error at once (`file:line:col: message` with the
//! source line). Subcommands get a [`Loaded`] or an [`Exit::Usage`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use authgen_codegen::config::{self, Config};
use authgen_codegen::diag::Diagnostic;
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::Checked;

use crate::{Exit, Io};

/// A loaded configuration and model.
#[derive(Debug)]
pub struct Loaded {
    /// The configuration (defaults when there is no `authgen.toml`).
    pub config: Config,
    /// The directory outputs are relative to: the config file's directory, or the working
    /// directory.
    pub base_dir: PathBuf,
    /// The model, checked.
    pub model: Checked,
}

/// Where the configuration comes from.
#[derive(Debug)]
pub struct ConfigSource {
    /// The configuration.
    pub config: Config,
    /// The directory relative paths in it resolve against.
    pub base_dir: PathBuf,
}

/// Prints diagnostics to stderr, each with its source line when the file is known.
pub fn print_diagnostics(
    io: &mut Io<'_>,
    diags: &[Diagnostic],
    sources: &HashMap<Arc<str>, String>,
) {
    for d in diags {
        let src = d
            .loc
            .as_ref()
            .and_then(|l| sources.get(&l.file))
            .map(String::as_str);
        let _ = io.stderr.write_all(d.render(src, io.color).as_bytes());
    }
    if diags.len() > 1 {
        let _ = writeln!(io.stderr, "{} errors", diags.len());
    }
}

/// Prints one error line (no location) and returns [`Exit::Usage`].
pub fn usage_error(io: &mut Io<'_>, message: impl std::fmt::Display) -> Exit {
    let d = Diagnostic::new(None, message.to_string());
    let _ = io.stderr.write_all(d.render(None, io.color).as_bytes());
    Exit::Usage
}

fn shown(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd).unwrap_or(path).display().to_string()
}

/// Finds and parses the configuration: `--config FILE`, or `authgen.toml` in the working
/// directory or above, or the defaults.
pub fn load_config(config_path: Option<&Path>, io: &mut Io<'_>) -> Result<ConfigSource, Exit> {
    let path = match config_path {
        Some(p) => Some(io.cwd.join(p)),
        None => Config::discover(&io.cwd),
    };
    let Some(path) = path else {
        return Ok(ConfigSource {
            config: Config::default(),
            base_dir: io.cwd.clone(),
        });
    };
    let name = shown(&path, &io.cwd);
    let text = match read_text(&path, &name) {
        Ok(t) => t,
        Err(msg) => return Err(usage_error(io, msg)),
    };
    match Config::parse(&text, &name) {
        Ok(config) => {
            let base_dir = path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| io.cwd.clone());
            Ok(ConfigSource { config, base_dir })
        }
        Err(d) => {
            let sources = HashMap::from([(Arc::<str>::from(name.as_str()), text)]);
            print_diagnostics(io, &[d], &sources);
            Err(Exit::Usage)
        }
    }
}

/// Reads a text file, with one clear line for every way it can fail: missing, a directory,
/// unreadable, or not UTF-8 text.
pub fn read_text(path: &Path, shown: &str) -> Result<String, String> {
    if path.is_dir() {
        return Err(format!("{shown}: is a directory, not a file"));
    }
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{shown}: no such file"),
        std::io::ErrorKind::PermissionDenied => format!("{shown}: permission denied"),
        _ => format!("{shown}: cannot read: {e}"),
    })?;
    if bytes.contains(&0) {
        return Err(format!("{shown}: not a text file (it contains NUL bytes)"));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{shown}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Loads config and model. `config_path` is `--config`; `inputs` are `--input` flags, which
/// replace the config's `input` list when given (relative to the working directory; the
/// config's own inputs are relative to the config file).
pub fn load(
    config_path: Option<&Path>,
    inputs: &[PathBuf],
    io: &mut Io<'_>,
) -> Result<Loaded, Exit> {
    let ConfigSource { config, base_dir } = load_config(config_path, io)?;
    let files: Vec<PathBuf> = if inputs.is_empty() {
        config.input.iter().map(|p| base_dir.join(p)).collect()
    } else {
        inputs.iter().map(|p| io.cwd.join(p)).collect()
    };
    if files.is_empty() {
        return Err(usage_error(
            io,
            format!(
                "no input files: pass --input FILE, or list them as `input = [...]` in {}",
                config::FILE_NAME
            ),
        ));
    }
    let model = load_model(&files, io)?;
    Ok(Loaded {
        config,
        base_dir,
        model,
    })
}

/// Reads and parses `files` into a checked model, printing every error.
pub fn load_model(files: &[PathBuf], io: &mut Io<'_>) -> Result<Checked, Exit> {
    let mut sources = Vec::new();
    let mut read_errors = Vec::new();
    for path in files {
        let name = shown(path, &io.cwd);
        if path.extension().and_then(|e| e.to_str()) != Some("rs")
            && !path.is_dir()
            && path.exists()
        {
            read_errors.push(format!(
                "{name}: not a Rust source file (expected a .rs file)"
            ));
            continue;
        }
        match read_text(path, &name) {
            Ok(text) => sources.push(Source {
                name: name.into(),
                text,
            }),
            Err(msg) => read_errors.push(msg),
        }
    }
    if !read_errors.is_empty() {
        for msg in &read_errors {
            usage_error(io, msg);
        }
        return Err(Exit::Usage);
    }
    parse_sources(&sources).map_err(|diags| {
        let by_name: HashMap<Arc<str>, String> = sources
            .iter()
            .map(|s| (s.name.clone(), s.text.clone()))
            .collect();
        print_diagnostics(io, &diags, &by_name);
        Exit::Usage
    })
}
