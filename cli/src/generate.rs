//! `authgen generate` and `authgen check`.
//!
//! Both render every generated file in memory (`next-auth.d.ts`, `permissions.ts` and the
//! current SQL schema per dialect). `generate` writes the files whose bytes change all or
//! nothing (each to a synced temporary file beside it, renamed only once every one is written;
//! on a failure nothing changes and the error names the file and the OS error), and names every
//! file as `wrote` or `unchanged`; `check` (and `generate --check`)
//! never writes: it prints a unified diff of every stale file and exits 1, or exits 0 when all
//! are current. Both put the files in the same places: `--out DIR` replaces the TypeScript
//! directory, and without an `authgen.toml` it holds every output (the schema in `DIR/schema`),
//! so nothing is written outside DIR.

use std::path::PathBuf;

use authgen_codegen::config::NextAuth;
use authgen_codegen::diag::Diagnostic;
use authgen_codegen::output::{render_all, OutputFile};

use crate::load::{load, shown};
use crate::read::check_output_path;
use crate::report::{self, Sources};
use crate::write::{write_all, FileWrite, Written};
use crate::{Exit, Io};

/// Options shared by `generate` and `check`.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {
    /// The configuration file, a regular file of at most 1 MiB (default: `authgen.toml` in the
    /// working directory or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A Rust file holding the model, a regular file of at most 8 MiB; repeat for several.
    /// Replaces the config's `input`.
    #[arg(long = "input", value_name = "FILE")]
    pub input: Vec<PathBuf>,
    /// Directory for `next-auth.d.ts` and `permissions.ts` (overrides `[typescript] out_dir`).
    /// Without an `authgen.toml`, every output goes under DIR: the SQL schema in DIR/schema.
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

/// Loads the model, applies the flags and renders every file.
fn render(args: &RenderArgs, io: &mut Io<'_>) -> Result<Vec<Planned>, Exit> {
    let loaded = load(args.config.as_deref(), &args.input, io)?;
    let mut config = loaded.config;
    if let Some(v) = args.next_auth {
        config.next_auth = v;
    }
    if let Some(out) = &args.out {
        // Relative to the working directory, like every other flag. Without a config that says
        // where the schema goes, it goes under DIR too: nothing is written outside DIR.
        let out = io.cwd.join(out);
        if loaded.config_file.is_none() {
            config.sql.schema_dir = out.join(&config.sql.schema_dir);
        }
        config.typescript.out_dir = out;
    }
    let files: Vec<OutputFile> = match render_all(&loaded.model, &config) {
        Ok(f) => f,
        Err(diags) => return Err(report::print(io, &loaded.sources, &diags)),
    };
    let planned: Vec<Planned> = files
        .into_iter()
        .map(|f| {
            let path = loaded.base_dir.join(&f.path);
            Planned {
                shown: shown(&path, &io.cwd),
                path,
                contents: f.contents,
            }
        })
        .collect();
    // An output path that is a FIFO or a device is refused before anything is read or written.
    let refused: Vec<Diagnostic> = planned
        .iter()
        .filter_map(|f| check_output_path(&f.path, &f.shown).err())
        .collect();
    if refused.is_empty() {
        Ok(planned)
    } else {
        Err(report::print(io, &Sources::default(), &refused))
    }
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
    let writes: Vec<FileWrite> = files
        .iter()
        .map(|f| FileWrite {
            path: f.path.clone(),
            contents: f.contents.clone().into_bytes(),
        })
        .collect();
    let written = match write_all(&writes, &crate::write::options(io, None)) {
        Ok(w) => w,
        Err(e) => {
            let d = crate::write::diagnostic(&e, io);
            return report::fail(io, d);
        }
    };
    let mut changed = 0;
    for (f, w) in files.iter().zip(written) {
        let status = match w {
            Written::Changed => {
                changed += 1;
                "wrote"
            }
            Written::Unchanged => "unchanged",
        };
        let _ = writeln!(io.stdout, "{status} {}", f.shown);
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
            Err(e) => {
                let d = Diagnostic::at_file(&f.shown, format!("cannot read: {e}"));
                return report::fail(io, d);
            }
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
