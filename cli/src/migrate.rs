//! `authgen migrate new` and `authgen migrate check`.
//!
//! Both diff the model against the snapshot file kept beside the migrations
//! (`authgen.snapshot.json`); neither needs a database. With one dialect the migrations directory
//! holds that dialect's files directly; with several, one sub-directory per dialect
//! (`migrations/postgres`, ...).

use std::path::{Path, PathBuf};

use authgen_codegen::config::{Config, Dialect};
use authgen_codegen::diag::Diagnostic;
use authgen_codegen::model::Loc;
use authgen_codegen::sql::plan::{self, read_snapshot, snapshot_json, SNAPSHOT_FILE};
use authgen_codegen::sql::schema::{self, Schema};
use authgen_codegen::Checked;

use crate::load::shown;
use crate::read::{self, read_text};
use crate::report::{self, Sources};
use crate::{Exit, Io};

/// What `migrate new` and `migrate check` work on: the model, the configuration, the migrations
/// directory, and the text of every file read so far (for diagnostics).
#[derive(Debug)]
pub struct Project<'a> {
    /// The checked model.
    pub model: &'a Checked,
    /// The configuration, flags applied.
    pub config: &'a Config,
    /// The migrations directory.
    pub dir: &'a Path,
    /// Files read (model, config, snapshots), for the diagnostics printer.
    pub sources: Sources,
    /// The configuration file, as shown in messages, when there is one.
    pub config_file: Option<String>,
}

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
    /// The configuration file, a regular file of at most 1 MiB (default: `authgen.toml` here or
    /// in a parent directory).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// A Rust file holding the model, a regular file of at most 8 MiB (repeatable; replaces the
    /// config's `input`).
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
    let mut project = Project {
        model: &loaded.model,
        config: &config,
        dir: &dir,
        sources: loaded.sources,
        config_file: loaded.config_file,
    };
    let Some(n) = new else {
        return run_check(&mut project, io);
    };
    let version = match n.version {
        Some(v) => v,
        None => match env_version(io) {
            Ok(v) => v,
            Err(d) => return report::fail(io, d),
        },
    };
    run_new(&mut project, &n.name, version, n.allow_destructive, io)
}

/// The version from `AUTHGEN_MIGRATION_VERSION`, else the UTC time as `%Y%m%d%H%M%S`.
fn env_version(io: &Io<'_>) -> Result<i64, Diagnostic> {
    match (io.env)(VERSION_ENV) {
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
    }
}

/// The directory of one dialect's migrations.
pub fn dialect_dir(dir: &Path, config: &Config, d: Dialect) -> PathBuf {
    if config.sql.dialects.len() == 1 {
        dir.to_path_buf()
    } else {
        dir.join(d.as_str())
    }
}

/// The snapshot in `dir`, if any, and the newest migration version there. The snapshot's text
/// goes into `sources`; its errors are located in it.
fn read_dir_state(
    dir: &Path,
    cwd: &Path,
    sources: &mut Sources,
) -> Result<(Option<Schema>, Option<i64>), Diagnostic> {
    let snap_path = dir.join(SNAPSHOT_FILE);
    let snapshot = if snap_path.exists() {
        Some(read_snapshot_file(&snap_path, cwd, sources)?)
    } else {
        None
    };
    let mut newest: Option<(i64, String)> = None;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".sql") {
                continue;
            }
            if let Some(v) = name.split('_').next().and_then(|v| v.parse::<i64>().ok()) {
                if newest.as_ref().is_none_or(|(n, _)| v > *n) {
                    newest = Some((v, name));
                }
            }
        }
    }
    if let (None, Some((_, file))) = (&snapshot, &newest) {
        return Err(Diagnostic::at_file(
            &shown(&dir.join(file), cwd),
            format!("a migration without {SNAPSHOT_FILE} beside it: authgen cannot tell what the migrations created"),
        )
        .help(format!("restore {SNAPSHOT_FILE}, or point --dir at a directory authgen manages")));
    }
    Ok((snapshot, newest.map(|(v, _)| v)))
}

/// Reads and parses one snapshot file; a JSON syntax error is located at its line and column,
/// any other error at the file.
fn read_snapshot_file(
    path: &Path,
    cwd: &Path,
    sources: &mut Sources,
) -> Result<Schema, Diagnostic> {
    let name = shown(path, cwd);
    let text = read_text(path, &name, read::SNAPSHOT, sources)?;
    let syntax = serde_json::from_str::<serde::de::IgnoredAny>(&text).err();
    let result = match syntax {
        Some(e) => {
            let line_start = text
                .split_inclusive('\n')
                .take(e.line().saturating_sub(1))
                .map(str::len)
                .sum::<usize>();
            let offset = line_start + e.column().saturating_sub(1);
            let loc = authgen_codegen::config::loc_of_offset(&name, &text, offset);
            Err(Diagnostic::new(
                Some(loc),
                format!("not an authgen snapshot: invalid JSON: {}", json_reason(&e)),
            ))
        }
        None => read_snapshot(&text, &name),
    };
    sources.add(name.as_str().into(), text);
    result.map_err(|mut d| {
        if d.loc.is_none() {
            let prefix = format!("{name}: ");
            let message = d.message.strip_prefix(&prefix).unwrap_or(&d.message);
            d.loc = Some(Loc {
                file: name.as_str().into(),
                line: 1,
                column: 1,
            });
            d.message = message.to_string();
        }
        d
    })
}

/// serde_json's message without its ` at line L column C` tail (the location says it).
fn json_reason(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let tail = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&tail).unwrap_or(&full).to_string()
}

/// `migrate new` once the model and config are known: plans every dialect first (a refusal
/// writes nothing), then writes the files (never over an existing one) and the snapshots.
pub fn run_new(
    p: &mut Project<'_>,
    name: &str,
    version: i64,
    allow_destructive: bool,
    io: &mut Io<'_>,
) -> Exit {
    let schema = match schema::build(p.model, p.config) {
        Ok(s) => s,
        Err(e) => return report::print(io, &p.sources, &e),
    };
    if p.config.sql.dialects.is_empty() {
        let d = match &p.config_file {
            Some(f) => Diagnostic::at_file(f, "no SQL dialect"),
            None => Diagnostic::new(None, "no SQL dialect"),
        };
        let d = d.help("set `dialects` under [sql] in authgen.toml, or pass --dialect");
        return report::print(io, &p.sources, &[d]);
    }
    let mut planned = Vec::new();
    let mut errors = Vec::new();
    for &d in &p.config.sql.dialects {
        let ddir = dialect_dir(p.dir, p.config, d);
        let (snapshot, newest) = match read_dir_state(&ddir, &io.cwd, &mut p.sources) {
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
        return report::print(io, &p.sources, &errors);
    }
    for (_, ddir, m) in &planned {
        for f in m.iter().flat_map(|m| &m.files) {
            let path = ddir.join(&f.file_name);
            if path.exists() {
                let d = Diagnostic::at_file(
                    &shown(&path, &io.cwd),
                    "already exists: authgen never rewrites a migration",
                );
                return report::fail(io, d);
            }
        }
    }
    write_planned(&planned, &snapshot_json(&schema), io)
}

/// Writes each dialect's planned migration files and snapshot, naming each file created.
fn write_planned(
    planned: &[(Dialect, PathBuf, Option<plan::Migration>)],
    snapshot: &str,
    io: &mut Io<'_>,
) -> Exit {
    let write = |path: &Path, contents: &str, io: &mut Io<'_>| {
        crate::write::write_if_changed(path, contents.as_bytes()).map_err(|e| {
            let d = Diagnostic::at_file(&shown(path, &io.cwd), format!("cannot write: {e}"));
            report::fail(io, d)
        })
    };
    for (d, ddir, m) in planned {
        let Some(m) = m else {
            let _ = writeln!(io.stdout, "{}: no changes", d.as_str());
            continue;
        };
        for f in &m.files {
            let path = ddir.join(&f.file_name);
            if let Err(exit) = write(&path, &f.contents, io) {
                return exit;
            }
            let _ = writeln!(io.stdout, "created {}", shown(&path, &io.cwd));
        }
        if let Err(exit) = write(&ddir.join(SNAPSHOT_FILE), snapshot, io) {
            return exit;
        }
        for c in &m.changes {
            let _ = writeln!(io.stdout, "  {}: {c}", d.as_str());
        }
    }
    Exit::Ok
}

/// `migrate check` once the model and config are known: exit 1 naming the changes no migration
/// captures.
pub fn run_check(p: &mut Project<'_>, io: &mut Io<'_>) -> Exit {
    let schema = match schema::build(p.model, p.config) {
        Ok(s) => s,
        Err(e) => return report::print(io, &p.sources, &e),
    };
    let current = snapshot_json(&schema);
    let mut stale = false;
    for &d in &p.config.sql.dialects {
        let ddir = dialect_dir(p.dir, p.config, d);
        let snapshot = match read_dir_state(&ddir, &io.cwd, &mut p.sources) {
            Ok((s, _)) => s,
            Err(e) => return report::print(io, &p.sources, &[e]),
        };
        let Some(snapshot) = snapshot else {
            stale = true;
            let _ = writeln!(
                io.stdout,
                "{}: no migrations in {}: run `authgen migrate new init`",
                d.as_str(),
                shown(&ddir, &io.cwd)
            );
            continue;
        };
        if snapshot_json(&snapshot) == current {
            let _ = writeln!(io.stdout, "{}: up to date", d.as_str());
            continue;
        }
        stale = true;
        let _ = writeln!(io.stdout, "{}: changes no migration captures:", d.as_str());
        print_changes(d, &snapshot, &schema, io);
    }
    if stale {
        let _ = writeln!(io.stdout, "run `authgen migrate new NAME` to capture them");
        Exit::Failed
    } else {
        Exit::Ok
    }
}

/// Prints, one per line, the changes from `snapshot` to `schema`.
fn print_changes(d: Dialect, snapshot: &Schema, schema: &Schema, io: &mut Io<'_>) {
    match plan::plan(d, Some(snapshot), schema, 1, "check", true) {
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
