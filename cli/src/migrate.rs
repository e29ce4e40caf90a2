//! `authgen migrate new` and `authgen migrate check`.
//!
//! Both diff the model against the snapshot file kept beside the migrations
//! (`authgen.snapshot.json`), and verify the migration files against the checksums it records
//! ([`crate::history`]); neither needs a database. `migrate new` writes through a journal
//! ([`crate::journal`]) so an interrupted run is completed by the next one. With one dialect the migrations directory
//! holds that dialect's files directly; with several, one sub-directory per dialect
//! (`migrations/postgres`, ...).

use std::path::{Path, PathBuf};

use authgen_codegen::config::{Config, Dialect};
use authgen_codegen::diag::Diagnostic;
use authgen_codegen::model::Loc;
use authgen_codegen::sql::plan::{
    self, checksum, parse_snapshot, snapshot_json, Snapshot, SNAPSHOT_FILE,
};
use authgen_codegen::sql::schema::{self, Schema};
use authgen_codegen::write::{remove_stale_temps, write_all, FileWrite};
use authgen_codegen::Checked;

use crate::history::{self, History};
use crate::journal::{self, Journal, JOURNAL_FILE};
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
    /// snapshot, and update the snapshot: all files or none, one version for every dialect.
    /// Completes an interrupted earlier run first (`.authgen-pending.json`).
    New(NewArgs),
    /// Exit 1 when the model has changes that no migration captures, a migration file was
    /// edited, deleted or added by hand, or a `migrate new` was interrupted.
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
    /// The table naming preset: pg-adapter, prisma, drizzle or kysely.
    #[arg(long, value_parser = preset_name)]
    pub naming: Option<String>,
    /// The migrations directory (default: `[sql] migrations_dir`).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Checks `--naming` when the flags are read, so that a bad name is an error naming it.
fn preset_name(s: &str) -> Result<String, String> {
    s.parse::<authgen_codegen::naming::Preset>()?;
    Ok(s.to_owned())
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
    /// `%Y%m%d%H%M%S`); raised past the newest migration of every dialect. Negative is an error.
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

/// One dialect's directory as found: its snapshot, its migration files, and whether the
/// snapshot records their checksums.
#[derive(Debug)]
struct DirState {
    dialect: Dialect,
    dir: PathBuf,
    snapshot: Option<Snapshot>,
    history: History,
    /// False when the snapshot records no checksums (format 1): an unverified history.
    verified: bool,
}

/// Why a directory's state could not be used.
#[derive(Debug)]
enum StateError {
    /// The snapshot cannot be read (usage error: exit 2).
    Snapshot(Diagnostic),
    /// The files disagree with sqlx's rules or with the snapshot's checksums.
    History(Vec<Diagnostic>),
}

/// Reads dialect `d`'s directory: the snapshot (its text goes into `sources`, its errors are
/// located in it) and the migration files, checked against each other.
fn read_dir_state(
    d: Dialect,
    dir: &Path,
    cwd: &Path,
    sources: &mut Sources,
) -> Result<DirState, StateError> {
    let snap_path = dir.join(SNAPSHOT_FILE);
    let snapshot = if snap_path.exists() {
        Some(read_snapshot_file(&snap_path, cwd, sources).map_err(StateError::Snapshot)?)
    } else {
        None
    };
    let history = history::scan(dir, cwd).map_err(StateError::History)?;
    let verified =
        history::check_dir(snapshot.as_ref(), &history, dir, cwd).map_err(StateError::History)?;
    Ok(DirState {
        dialect: d,
        dir: dir.to_path_buf(),
        snapshot,
        history,
        verified,
    })
}

/// Reads and parses one snapshot file; a JSON syntax error is located at its line and column,
/// any other error at the file.
fn read_snapshot_file(
    path: &Path,
    cwd: &Path,
    sources: &mut Sources,
) -> Result<Snapshot, Diagnostic> {
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
        None => parse_snapshot(&text, &name),
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

/// `migrate new` once the model and config are known. An interrupted earlier run is completed
/// first (and nothing else is done). Then every dialect's history is verified and planned (a
/// refusal writes nothing) at one version greater than every existing one, and every file of
/// every dialect plus the snapshots are written all or nothing, through the journal.
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
    remove_stale_temps(p.dir);
    for &d in &p.config.sql.dialects {
        remove_stale_temps(&dialect_dir(p.dir, p.config, d));
    }
    if let Some(exit) = resume(p, io) {
        return exit;
    }
    let states = match read_states(p, io) {
        Ok(s) => s,
        Err(errors) => return report::print(io, &p.sources, &errors),
    };
    let v = match next_version(version, &states, &io.cwd) {
        Ok(v) => v,
        Err(d) => return report::fail(io, d),
    };
    let mut planned = Vec::new();
    let mut errors = Vec::new();
    for s in states {
        let old = s.snapshot.as_ref().map(|s| &s.schema);
        match plan::plan(s.dialect, old, &schema, v, name, allow_destructive) {
            Ok(m) => planned.push((s, m)),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return report::print(io, &p.sources, &errors);
    }
    write_new(p, name, &schema, &planned, io)
}

/// Every dialect's verified directory state; the errors of all of them.
fn read_states(p: &mut Project<'_>, io: &Io<'_>) -> Result<Vec<DirState>, Vec<Diagnostic>> {
    let mut states = Vec::new();
    let mut errors = Vec::new();
    for &d in &p.config.sql.dialects {
        let ddir = dialect_dir(p.dir, p.config, d);
        match read_dir_state(d, &ddir, &io.cwd, &mut p.sources) {
            Ok(s) => states.push(s),
            Err(StateError::Snapshot(e)) => errors.push(e),
            Err(StateError::History(e)) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(states)
    } else {
        Err(errors)
    }
}

/// The version of the new migration: `asked`, raised past the newest migration of every
/// dialect (so all dialects share it). Negative versions and no room past the newest are errors.
fn next_version(asked: i64, states: &[DirState], cwd: &Path) -> Result<i64, Diagnostic> {
    if asked < 0 {
        return Err(Diagnostic::new(
            None,
            format!("version {asked} is negative: a migration version is a non-negative integer"),
        ));
    }
    let newest = states
        .iter()
        .filter_map(|s| Some((s.history.newest?, s)))
        .max_by_key(|(v, _)| *v);
    let Some((newest, s)) = newest else {
        return Ok(asked);
    };
    match newest.checked_add(1) {
        Some(next) => Ok(asked.max(next)),
        None => {
            let file = s
                .history
                .files
                .keys()
                .find(|n| plan::parse_file_name(n).is_some_and(|f| f.version == newest))
                .cloned()
                .unwrap_or_default();
            Err(Diagnostic::at_file(
                &shown(&s.dir.join(file), cwd),
                format!("version {newest} is the largest a migration can have: no new version is greater"),
            )
            .help("sqlx versions are 64-bit integers; renumbering applied migrations breaks databases that ran them, so start a new migrations directory"))
        }
    }
}

/// Completes an interrupted `migrate new` from its journal: `None` when there is none,
/// otherwise how this run ends (it does nothing else).
fn resume(p: &mut Project<'_>, io: &mut Io<'_>) -> Option<Exit> {
    let j = match journal::read(p.dir, &io.cwd) {
        Ok(Some(j)) => j,
        Ok(None) => return None,
        Err(d) => return Some(report::fail(io, d)),
    };
    let progress = journal::progress(&j, p.dir, &io.cwd);
    if !progress.conflicts.is_empty() {
        return Some(report::print(io, &p.sources, &progress.conflicts));
    }
    if let Err(e) = journal::complete(&progress, p.dir, &crate::write::options(io, None)) {
        let d = crate::write::diagnostic(&e, io).note(format!(
            "{JOURNAL_FILE} is kept: run the same command again to complete the migration"
        ));
        return Some(report::fail(io, d));
    }
    let _ = writeln!(
        io.stdout,
        "completed the interrupted `authgen migrate new {}` ({} of {} files were not in place)",
        j.name,
        progress.todo.len(),
        j.files.len()
    );
    for f in &progress.todo {
        let _ = writeln!(io.stdout, "wrote {}", shown(&f.path, &io.cwd));
    }
    let _ = writeln!(
        io.stdout,
        "run `authgen migrate new NAME` again for changes made since"
    );
    Some(Exit::Ok)
}

/// Writes every planned migration file and the snapshots (with the checksums of every file)
/// all or nothing through the journal, then names what it created.
fn write_new(
    p: &Project<'_>,
    name: &str,
    schema: &Schema,
    planned: &[(DirState, Option<plan::Migration>)],
    io: &mut Io<'_>,
) -> Exit {
    let mut files: Vec<(FileWrite, Option<String>)> = Vec::new();
    let mut snapshots = Vec::new();
    for (s, m) in planned {
        let mut recorded = s.history.files.clone();
        for f in m.iter().flat_map(|m| &m.files) {
            let path = s.dir.join(&f.file_name);
            if std::fs::symlink_metadata(&path).is_ok() {
                let d = Diagnostic::at_file(
                    &shown(&path, &io.cwd),
                    "already exists: authgen never rewrites a migration",
                );
                return report::fail(io, d);
            }
            recorded.insert(f.file_name.clone(), checksum(f.contents.as_bytes()));
            let contents = f.contents.clone().into_bytes();
            files.push((FileWrite { path, contents }, None));
        }
        let snapshot = match (m, &s.snapshot) {
            (Some(_), _) => schema,
            (None, Some(old)) if !s.verified => &old.schema,
            _ => continue,
        };
        let path = s.dir.join(SNAPSHOT_FILE);
        let before = std::fs::read(&path).ok().map(|b| checksum(&b));
        let snap = Snapshot {
            schema: snapshot.clone(),
            migrations: Some(recorded),
        };
        let contents = snap.to_json().into_bytes();
        snapshots.push((FileWrite { path, contents }, before));
    }
    files.extend(snapshots);
    if !files.is_empty() {
        let journal = Journal::new(name, p.dir, &files).file(p.dir);
        let writes: Vec<FileWrite> = files.into_iter().map(|(f, _)| f).collect();
        if let Err(e) = write_all(&writes, &crate::write::options(io, Some(journal))) {
            let d = crate::write::diagnostic(&e, io);
            return report::fail(io, d);
        }
    }
    print_new(planned, io);
    Exit::Ok
}

/// Names each file `migrate new` created and each change, per dialect.
fn print_new(planned: &[(DirState, Option<plan::Migration>)], io: &mut Io<'_>) {
    for (s, m) in planned {
        let d = s.dialect.as_str();
        if !s.verified {
            let _ = writeln!(
                io.stdout,
                "{d}: recorded the SHA-384 of {} existing migration files in {} (it had none)",
                s.history.files.len(),
                shown(&s.dir.join(SNAPSHOT_FILE), &io.cwd)
            );
        }
        let Some(m) = m else {
            let _ = writeln!(io.stdout, "{d}: no changes");
            continue;
        };
        for f in &m.files {
            let _ = writeln!(
                io.stdout,
                "created {}",
                shown(&s.dir.join(&f.file_name), &io.cwd)
            );
        }
        for c in &m.changes {
            let _ = writeln!(io.stdout, "  {d}: {c}");
        }
    }
}

/// `migrate check` once the model and config are known: exit 1 naming an interrupted
/// `migrate new`, migration files edited, deleted or added since authgen wrote them, and the
/// changes no migration captures.
pub fn run_check(p: &mut Project<'_>, io: &mut Io<'_>) -> Exit {
    let schema = match schema::build(p.model, p.config) {
        Ok(s) => s,
        Err(e) => return report::print(io, &p.sources, &e),
    };
    if let Some(exit) = check_pending(p, io) {
        return exit;
    }
    let current = snapshot_json(&schema);
    let mut stale = false;
    let mut problems = Vec::new();
    for &d in &p.config.sql.dialects {
        let ddir = dialect_dir(p.dir, p.config, d);
        let state = match read_dir_state(d, &ddir, &io.cwd, &mut p.sources) {
            Ok(s) => s,
            Err(StateError::Snapshot(e)) => return report::print(io, &p.sources, &[e]),
            Err(StateError::History(e)) => {
                problems.extend(e);
                continue;
            }
        };
        if !state.verified {
            let _ = writeln!(
                io.stdout,
                "{}: unverified history: {} records no checksums (an earlier authgen wrote it); the next `authgen migrate new` records them",
                d.as_str(),
                shown(&ddir.join(SNAPSHOT_FILE), &io.cwd)
            );
        }
        stale |= check_schema(d, &ddir, state.snapshot.as_ref(), &schema, &current, io);
    }
    if !problems.is_empty() {
        report::print(io, &p.sources, &problems);
        let _ = writeln!(
            io.stdout,
            "the migration files are not the ones authgen wrote: repair them as each error says"
        );
        return Exit::Failed;
    }
    if stale {
        let _ = writeln!(io.stdout, "run `authgen migrate new NAME` to capture them");
        Exit::Failed
    } else {
        Exit::Ok
    }
}

/// Compares one dialect's snapshot with the model; true (and the changes printed) when stale.
fn check_schema(
    d: Dialect,
    ddir: &Path,
    snapshot: Option<&Snapshot>,
    schema: &Schema,
    current: &str,
    io: &mut Io<'_>,
) -> bool {
    let Some(snapshot) = snapshot else {
        let _ = writeln!(
            io.stdout,
            "{}: no migrations in {}: run `authgen migrate new init`",
            d.as_str(),
            shown(ddir, &io.cwd)
        );
        return true;
    };
    if snapshot_json(&snapshot.schema) == current {
        let _ = writeln!(io.stdout, "{}: up to date", d.as_str());
        return false;
    }
    let _ = writeln!(io.stdout, "{}: changes no migration captures:", d.as_str());
    print_changes(d, &snapshot.schema, schema, io);
    true
}

/// An interrupted `migrate new` (its journal is there): exit 1 naming the files not in place.
fn check_pending(p: &Project<'_>, io: &mut Io<'_>) -> Option<Exit> {
    let j = match journal::read(p.dir, &io.cwd) {
        Ok(Some(j)) => j,
        Ok(None) => return None,
        Err(d) => return Some(report::fail(io, d)),
    };
    let progress = journal::progress(&j, p.dir, &io.cwd);
    let missing: Vec<String> = progress
        .todo
        .iter()
        .map(|f| shown(&f.path, &io.cwd))
        .collect();
    let mut errors = vec![Diagnostic::at_file(
        &shown(&p.dir.join(JOURNAL_FILE), &io.cwd),
        format!(
            "`authgen migrate new {}` was interrupted: {} of {} files are not in place ({})",
            j.name,
            missing.len(),
            j.files.len(),
            missing.join(", ")
        ),
    )
    .help(format!(
        "run `authgen migrate new {}` to complete it",
        j.name
    ))];
    errors.extend(progress.conflicts);
    report::print(io, &p.sources, &errors);
    Some(Exit::Failed)
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
