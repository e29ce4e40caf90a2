//! The journal of `authgen migrate new`: `.authgen-pending.json` in the migrations directory.
//!
//! `migrate new` writes every migration file and snapshot to a temporary file first; once all
//! are written and synced it commits this journal (every file's path, exact contents and the
//! checksum of what it replaces), renames the files into place, and removes the journal. A run
//! killed between the renames leaves the journal: the next `migrate new` completes the same
//! migration from it, and `migrate check` reports it.

use std::path::{Component, Path, PathBuf};

use authgen_codegen::diag::Diagnostic;
use authgen_codegen::sql::plan::checksum;
use authgen_codegen::write::{write_all, FileWrite, WriteOptions};
use serde::{Deserialize, Serialize};

use crate::load::shown;

/// The journal's file name, in the migrations directory.
pub const JOURNAL_FILE: &str = ".authgen-pending.json";

/// The journal's format version.
const JOURNAL_FORMAT: u32 = 1;

/// A migration being written: what `migrate new` was asked, and every file it writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    /// The format version (1).
    pub authgen_pending: u32,
    /// The migration's name (`migrate new NAME`).
    pub name: String,
    /// Every file, migrations before snapshots.
    pub files: Vec<Entry>,
}

/// One file of a [`Journal`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The path relative to the migrations directory, `/`-separated.
    pub path: String,
    /// The SHA-384 of the file this one replaces (`None`: it creates the file).
    pub before: Option<String>,
    /// The exact contents.
    pub contents: String,
}

impl Journal {
    /// A journal for writing `files` (absolute, under `dir`), each replacing `before`.
    ///
    /// ```
    /// use authgen_cli::journal::Journal;
    /// use authgen_codegen::write::FileWrite;
    /// let f = FileWrite { path: "/m/sqlite/1_a.up.sql".into(), contents: b"SELECT 1;\n".to_vec() };
    /// let j = Journal::new("a", "/m".as_ref(), &[(f, None)]);
    /// assert_eq!(j.files[0].path, "sqlite/1_a.up.sql");
    /// ```
    pub fn new(name: &str, dir: &Path, files: &[(FileWrite, Option<String>)]) -> Journal {
        let files = files
            .iter()
            .map(|(f, before)| Entry {
                path: f
                    .path
                    .strip_prefix(dir)
                    .unwrap_or(&f.path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
                before: before.clone(),
                contents: String::from_utf8_lossy(&f.contents).into_owned(),
            })
            .collect();
        Journal {
            authgen_pending: JOURNAL_FORMAT,
            name: name.to_string(),
            files,
        }
    }

    /// The journal file itself, to commit before the renames.
    pub fn file(&self, dir: &Path) -> FileWrite {
        let mut text = serde_json::to_string_pretty(self).expect("a journal always serializes");
        text.push('\n');
        FileWrite {
            path: dir.join(JOURNAL_FILE),
            contents: text.into_bytes(),
        }
    }
}

/// Reads the journal in `dir`, if there is one. A journal that cannot be read is an error at it.
pub fn read(dir: &Path, cwd: &Path) -> Result<Option<Journal>, Diagnostic> {
    let path = dir.join(JOURNAL_FILE);
    let name = shown(&path, cwd);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Diagnostic::at_file(&name, format!("cannot read: {e}"))),
    };
    let bad = |why: String| {
        Diagnostic::at_file(&name, format!("not an authgen journal: {why}")).help(format!(
            "delete {name} to abandon the interrupted migration, then run `authgen migrate check`"
        ))
    };
    let j: Journal = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if j.authgen_pending != JOURNAL_FORMAT {
        return Err(bad(format!(
            "format {} is not supported",
            j.authgen_pending
        )));
    }
    if let Some(e) = j.files.iter().find(|e| relative(&e.path).is_none()) {
        return Err(bad(format!(
            "`{}` is not a path inside the migrations directory",
            e.path
        )));
    }
    Ok(Some(j))
}

/// `path` as a relative path without `..`; `None` otherwise.
fn relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| p.to_path_buf())
}

/// Where each file of a journal stands.
#[derive(Debug, Default)]
pub struct Progress {
    /// Files already in place (path relative to the directory).
    pub done: Vec<String>,
    /// Files still to write.
    pub todo: Vec<FileWrite>,
    /// Files that hold neither what they held before nor what the journal says: each an error.
    pub conflicts: Vec<Diagnostic>,
}

/// Compares every file of `j` with the disk: in place, still to write, or changed meanwhile.
///
/// ```
/// use authgen_cli::journal::{self, Journal};
/// use authgen_codegen::write::{write_all, FileWrite, WriteOptions};
/// let dir = std::env::temp_dir().join(format!("authgen-doc-journal-{}", std::process::id()));
/// let files = [
///     (FileWrite { path: dir.join("1_a.up.sql"), contents: b"SELECT 1;\n".to_vec() }, None),
///     (FileWrite { path: dir.join("1_a.down.sql"), contents: b"SELECT 1;\n".to_vec() }, None),
/// ];
/// let j = Journal::new("a", &dir, &files);
/// // As if killed after the first rename: the journal and one file are in place.
/// write_all(&[j.file(&dir), files[0].0.clone()], &WriteOptions::default()).unwrap();
/// let read = journal::read(&dir, &dir).unwrap().unwrap();
/// let progress = journal::progress(&read, &dir, &dir);
/// assert_eq!((progress.done.len(), progress.todo.len()), (1, 1));
/// journal::complete(&progress, &dir, &WriteOptions::default()).unwrap();
/// assert!(dir.join("1_a.down.sql").exists() && journal::read(&dir, &dir).unwrap().is_none());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn progress(j: &Journal, dir: &Path, cwd: &Path) -> Progress {
    let mut p = Progress::default();
    for e in &j.files {
        let path = dir.join(relative(&e.path).unwrap_or_default());
        let current = std::fs::read(&path).ok();
        if current.as_deref() == Some(e.contents.as_bytes()) {
            p.done.push(e.path.clone());
        } else if current.as_deref().map(checksum) == e.before {
            p.todo.push(FileWrite {
                path,
                contents: e.contents.clone().into_bytes(),
            });
        } else {
            p.conflicts.push(
                Diagnostic::at_file(
                    &shown(&path, cwd),
                    format!("changed since the interrupted `authgen migrate new {}` began", j.name),
                )
                .help(format!(
                    "put it back as it was to let `authgen migrate new {}` complete, or delete {} to abandon the interrupted migration, then run `authgen migrate check`",
                    j.name,
                    shown(&dir.join(JOURNAL_FILE), cwd)
                )),
            );
        }
    }
    p
}

/// Writes the files `progress` found missing, then removes the journal; returns the paths
/// written. The journal stays until every file is in place, so this may be interrupted too.
pub fn complete(
    progress: &Progress,
    dir: &Path,
    options: &WriteOptions,
) -> Result<(), authgen_codegen::write::WriteError> {
    write_all(&progress.todo, options)?;
    let journal = dir.join(JOURNAL_FILE);
    match std::fs::remove_file(&journal) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(authgen_codegen::write::WriteError {
            path: journal,
            kind: authgen_codegen::write::WriteErrorKind::Remove,
            source,
        }),
    }?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
