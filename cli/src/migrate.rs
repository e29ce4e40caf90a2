//! `authgen migrate new` and `authgen migrate check`.
//!
//! Both diff the model against the snapshot file kept beside the migrations
//! (`authgen.snapshot.json`); neither needs a database. With one dialect the migrations directory
//! holds that dialect's files directly; with several, one sub-directory per dialect
//! (`migrations/postgres`, ...).

use std::path::{Path, PathBuf};

use authgen_codegen::config::{Config, Dialect};
use authgen_codegen::diag::Diagnostic;
use authgen_codegen::sql::plan::{self, read_snapshot, snapshot_json, SNAPSHOT_FILE};
use authgen_codegen::sql::schema::{self, Schema};
use authgen_codegen::Checked;

use crate::{Exit, Io};

/// The environment variable that fixes the version of a new migration (tests, reproducible
/// builds); `--version` wins over it.
pub const VERSION_ENV: &str = "AUTHGEN_MIGRATION_VERSION";

/// Arguments of `authgen migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    #[command(subcommand)]
    command: MigrateCommand,
}

#[derive(Debug, clap::Subcommand)]
enum MigrateCommand {
    /// Write a reversible sqlx migration pair per dialect for the model's changes since the
    /// snapshot, and update the snapshot.
    New(NewArgs),
    /// Exit 1 when the model has changes that no migration captures.
    Check(CommonArgs),
}

/// Flags shared by `migrate new` and `migrate check`; they override `authgen.toml`.
#[derive(Debug, Clone, clap::Args)]
pub struct CommonArgs {
    /// The configuration file (default: `authgen.toml` here or in a parent directory).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// A Rust file holding the model (repeatable; replaces the config's `input`).
    #[arg(long = "input", value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// A SQL dialect: postgres, mysql or sqlite (repeatable; replaces `[sql] dialects`).
    #[arg(long = "dialect", value_name = "DIALECT")]
    pub dialects: Vec<Dialect>,
    /// The table naming preset: pg-adapter, prisma or drizzle.
    #[arg(long)]
    pub naming: Option<String>,
    /// The migrations directory (default: `[sql] migrations_dir`).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Arguments of `authgen migrate new`.
#[derive(Debug, Clone, clap::Args)]
pub struct NewArgs {
    /// The migration's name: lowercase letters, digits and underscores.
    pub name: String,
    #[command(flatten)]
    common: CommonArgs,
    /// Write destructive changes (dropped columns or tables, narrowed types, removed enum values,
    /// NOT NULL without a default) instead of refusing them.
    #[arg(long)]
    pub allow_destructive: bool,
    /// The migration's version (default: `AUTHGEN_MIGRATION_VERSION`, else the UTC time as
    /// `%Y%m%d%H%M%S`); raised past the newest existing migration.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<i64>,
}

/// Runs `authgen migrate ...`.
pub fn migrate(args: &MigrateArgs, io: &mut Io<'_>) -> Exit {
    let (common, new) = match &args.command {
        MigrateCommand::New(n) => (&n.common, Some(n)),
        MigrateCommand::Check(c) => (c, None),
    };
    let loaded = match crate::load::load(common.config.as_deref(), &common.inputs, io) {
        Ok(l) => l,
        Err(exit) => return exit,
    };
    let mut config = loaded.config;
    if !common.dialects.is_empty() {
        config.sql.dialects = common.dialects.clone();
    }
    if let Some(n) = &common.naming {
        config.sql.naming = n.clone();
    }
    let dir = match &common.dir {
        Some(d) => io.cwd.join(d),
        None => loaded.base_dir.join(&config.sql.migrations_dir),
    };
    match new {
        Some(n) => {
            let version = match n.version {
                Some(v) => Ok(v),
                None => match (io.env)(VERSION_ENV) {
                    Some(v) => v.trim().parse::<i64>().map_err(|_| {
                        Diagnostic::new(
                            None,
                            format!("{VERSION_ENV}=`{v}` is not a migration version (an integer)"),
                        )
                    }),
                    None => Ok(chrono::Utc::now()
                        .format("%Y%m%d%H%M%S")
                        .to_string()
                        .parse()
                        .unwrap_or(0)),
                },
            };
            match version {
                Ok(v) => run_new(
                    &loaded.model,
                    &config,
                    &dir,
                    &n.name,
                    v,
                    n.allow_destructive,
                    io,
                ),
                Err(d) => report(io, &[d]),
            }
        }
        None => run_check(&loaded.model, &config, &dir, io),
    }
}

fn report(io: &mut Io<'_>, diags: &[Diagnostic]) -> Exit {
    for d in diags {
        let _ = io.stderr.write_all(d.render(None, io.color).as_bytes());
    }
    Exit::Usage
}

/// The directory of one dialect's migrations.
pub fn dialect_dir(dir: &Path, config: &Config, d: Dialect) -> PathBuf {
    if config.sql.dialects.len() == 1 {
        dir.to_path_buf()
    } else {
        dir.join(d.as_str())
    }
}

/// The snapshot in `dir`, if any, and the newest migration version there.
fn read_dir_state(dir: &Path) -> Result<(Option<Schema>, Option<i64>), Diagnostic> {
    let snap_path = dir.join(SNAPSHOT_FILE);
    let snapshot = match std::fs::read_to_string(&snap_path) {
        Ok(text) => Some(read_snapshot(&text, &snap_path.display().to_string())?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Diagnostic::new(
                None,
                format!("reading {}: {e}", snap_path.display()),
            ))
        }
    };
    let mut newest = None;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".sql") {
                continue;
            }
            if let Some(v) = name.split('_').next().and_then(|v| v.parse::<i64>().ok()) {
                newest = Some(newest.map_or(v, |n: i64| n.max(v)));
            }
        }
    }
    if snapshot.is_none() && newest.is_some() {
        return Err(Diagnostic::new(
            None,
            format!(
                "{} holds migrations but no {SNAPSHOT_FILE}: authgen cannot tell what they created",
                dir.display()
            ),
        ));
    }
    Ok((snapshot, newest))
}

/// `migrate new` once the model and config are known: plans every dialect first (a refusal
/// writes nothing), then writes the files (never over an existing one) and the snapshots.
pub fn run_new(
    model: &Checked,
    config: &Config,
    dir: &Path,
    name: &str,
    version: i64,
    allow_destructive: bool,
    io: &mut Io<'_>,
) -> Exit {
    let schema = match schema::build(model, config) {
        Ok(s) => s,
        Err(e) => return report(io, &e),
    };
    if config.sql.dialects.is_empty() {
        return report(
            io,
            &[Diagnostic::new(
                None,
                "no SQL dialect: set [sql] dialects or pass --dialect",
            )],
        );
    }
    let mut planned = Vec::new();
    let mut errors = Vec::new();
    for &d in &config.sql.dialects {
        let ddir = dialect_dir(dir, config, d);
        let (snapshot, newest) = match read_dir_state(&ddir) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let v = newest.map_or(version, |n| version.max(n + 1));
        match plan::plan(d, snapshot.as_ref(), &schema, v, name, allow_destructive) {
            Ok(m) => planned.push((d, ddir, m)),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return report(io, &errors);
    }
    for (_, ddir, m) in &planned {
        for f in m.iter().flat_map(|m| &m.files) {
            let path = ddir.join(&f.file_name);
            if path.exists() {
                return report(
                    io,
                    &[Diagnostic::new(
                        None,
                        format!(
                            "{} already exists: authgen never rewrites a migration",
                            path.display()
                        ),
                    )],
                );
            }
        }
    }
    let snapshot = snapshot_json(&schema);
    for (d, ddir, m) in &planned {
        let Some(m) = m else {
            let _ = writeln!(io.stdout, "{}: no changes", d.as_str());
            continue;
        };
        for f in &m.files {
            let path = ddir.join(&f.file_name);
            if let Err(e) = crate::write::write_if_changed(&path, f.contents.as_bytes()) {
                return report(
                    io,
                    &[Diagnostic::new(
                        None,
                        format!("writing {}: {e}", path.display()),
                    )],
                );
            }
            let _ = writeln!(io.stdout, "created {}", path.display());
        }
        let snap_path = ddir.join(SNAPSHOT_FILE);
        if let Err(e) = crate::write::write_if_changed(&snap_path, snapshot.as_bytes()) {
            return report(
                io,
                &[Diagnostic::new(
                    None,
                    format!("writing {}: {e}", snap_path.display()),
                )],
            );
        }
        for c in &m.changes {
            let _ = writeln!(io.stdout, "  {}: {c}", d.as_str());
        }
    }
    Exit::Ok
}

/// `migrate check` once the model and config are known: exit 1 naming the changes no migration
/// captures.
pub fn run_check(model: &Checked, config: &Config, dir: &Path, io: &mut Io<'_>) -> Exit {
    let schema = match schema::build(model, config) {
        Ok(s) => s,
        Err(e) => return report(io, &e),
    };
    let current = snapshot_json(&schema);
    let mut stale = false;
    for &d in &config.sql.dialects {
        let ddir = dialect_dir(dir, config, d);
        let snapshot = match read_dir_state(&ddir) {
            Ok((s, _)) => s,
            Err(e) => return report(io, &[e]),
        };
        let Some(snapshot) = snapshot else {
            stale = true;
            let _ = writeln!(
                io.stdout,
                "{}: no migrations in {}: run `authgen migrate new init`",
                d.as_str(),
                ddir.display()
            );
            continue;
        };
        if snapshot_json(&snapshot) == current {
            let _ = writeln!(io.stdout, "{}: up to date", d.as_str());
            continue;
        }
        stale = true;
        let _ = writeln!(io.stdout, "{}: changes no migration captures:", d.as_str());
        match plan::plan(d, Some(&snapshot), &schema, 1, "check", true) {
            Ok(Some(m)) => {
                for c in &m.changes {
                    let _ = writeln!(io.stdout, "  {c}");
                }
            }
            Ok(None) => {
                let _ = writeln!(io.stdout, "  the snapshot differs from the model");
            }
            Err(e) => {
                for d in e {
                    let _ = writeln!(io.stdout, "  {}", d.message);
                }
            }
        }
    }
    if stale {
        let _ = writeln!(io.stdout, "run `authgen migrate new NAME` to capture them");
        Exit::Failed
    } else {
        Exit::Ok
    }
}
