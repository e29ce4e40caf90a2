//! `authgen generate` and `authgen check`.
//!
//! Both render every generated file in memory (`next-auth.d.ts`, `permissions.ts` and the
//! current SQL schema per dialect). `generate` writes only the files whose bytes change, each
//! atomically; `check` (and `generate --check`) never writes: it prints a unified diff of every
//! stale file and exits 1, or exits 0 when all are current.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use authgen_codegen::config::NextAuth;
use authgen_codegen::output::{render_all, OutputFile};

use crate::load::{load, print_diagnostics, usage_error};
use crate::write::{write_if_changed, Written};
use crate::{Exit, Io};

/// Options shared by `generate` and `check`.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {
    /// The configuration file (default: `authgen.toml` in the working directory or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A Rust file holding the model; repeat for several. Replaces the config's `input`.
    #[arg(long = "input", value_name = "FILE")]
    pub input: Vec<PathBuf>,
    /// Directory for `next-auth.d.ts` and `permissions.ts` (overrides `[typescript] out_dir`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The next-auth major version the declarations are for (overrides `next_auth`).
    #[arg(long = "next-auth", value_name = "v4|v5")]
    pub next_auth: Option<NextAuth>,
}

/// Arguments of `authgen generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Options shared with `check`.
    #[command(flatten)]
    pub render: RenderArgs,
    /// Write nothing: print a diff and exit 1 when a generated file is stale (as `authgen check`).
    #[arg(long)]
    pub check: bool,
}

/// Arguments of `authgen check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Options shared with `generate`.
    #[command(flatten)]
    pub render: RenderArgs,
}

/// A rendered file and where it goes.
struct Planned {
    /// The absolute (or working-directory-relative) path.
    path: PathBuf,
    /// How to show the path.
    shown: String,
    contents: String,
}

fn shown(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd).unwrap_or(path).display().to_string()
}

/// Loads the model, applies the flags and renders every file.
fn render(args: &RenderArgs, io: &mut Io<'_>) -> Result<Vec<Planned>, Exit> {
    let loaded = load(args.config.as_deref(), &args.input, io)?;
    let mut config = loaded.config;
    if let Some(v) = args.next_auth {
        config.next_auth = v;
    }
    if let Some(out) = &args.out {
        // Relative to the working directory, like every other flag.
        config.typescript.out_dir = io.cwd.join(out);
    }
    let files: Vec<OutputFile> = match render_all(&loaded.model, &config) {
        Ok(f) => f,
        Err(diags) => {
            let mut sources: HashMap<Arc<str>, String> = HashMap::new();
            for d in &diags {
                if let Some(loc) = &d.loc {
                    if !sources.contains_key(&loc.file) {
                        if let Ok(text) = std::fs::read_to_string(io.cwd.join(&*loc.file)) {
                            sources.insert(loc.file.clone(), text);
                        }
                    }
                }
            }
            print_diagnostics(io, &diags, &sources);
            return Err(Exit::Usage);
        }
    };
    Ok(files
        .into_iter()
        .map(|f| {
            let path = loaded.base_dir.join(&f.path);
            Planned {
                shown: shown(&path, &io.cwd),
                path,
                contents: f.contents,
            }
        })
        .collect())
}

/// Runs `authgen generate`.
pub fn generate(args: &GenerateArgs, io: &mut Io<'_>) -> Exit {
    if args.check {
        return check(
            &CheckArgs {
                render: args.render.clone(),
            },
            io,
        );
    }
    let files = match render(&args.render, io) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let mut changed = 0;
    for f in &files {
        match write_if_changed(&f.path, f.contents.as_bytes()) {
            Ok(Written::Changed) => {
                changed += 1;
                let _ = writeln!(io.stdout, "wrote {}", f.shown);
            }
            Ok(Written::Unchanged) => {}
            Err(e) => return usage_error(io, format!("{}: cannot write: {e}", f.shown)),
        }
    }
    let _ = writeln!(
        io.stdout,
        "{changed} of {} generated files changed",
        files.len()
    );
    Exit::Ok
}

/// Runs `authgen check`.
pub fn check(args: &CheckArgs, io: &mut Io<'_>) -> Exit {
    let files = match render(&args.render, io) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let mut stale = Vec::new();
    for f in &files {
        let current = match std::fs::read(&f.path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return usage_error(io, format!("{}: cannot read: {e}", f.shown)),
        };
        if current.as_deref() == Some(f.contents.as_bytes()) {
            continue;
        }
        let old = current
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let (a, b) = if current.is_some() {
            (format!("a/{}", f.shown), format!("b/{}", f.shown))
        } else {
            ("/dev/null".to_string(), format!("b/{}", f.shown))
        };
        let diff = similar::TextDiff::from_lines(old.as_ref(), f.contents.as_str());
        let _ = write!(
            io.stdout,
            "{}",
            diff.unified_diff().context_radius(3).header(&a, &b)
        );
        stale.push(f.shown.clone());
    }
    if stale.is_empty() {
        let _ = writeln!(
            io.stdout,
            "all {} generated files are up to date",
            files.len()
        );
        Exit::Ok
    } else {
        let _ = writeln!(
            io.stderr,
            "{} of {} generated files are stale ({}): run `authgen generate`",
            stale.len(),
            files.len(),
            stale.join(", ")
        );
        Exit::Failed
    }
}
