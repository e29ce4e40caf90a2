//! Writing generated files: only when the bytes change, and atomically (a temporary file in the
//! same directory, synced, then a rename), so a reader never sees half a file.
//!
//! [`write_all`] writes a set of files all or nothing: every temporary file is written and synced
//! before the first rename; a failure before the renames changes nothing visible and leaves no
//! temporary file; a failed rename puts back what the earlier renames replaced. An optional
//! journal (see [`WriteOptions::journal`]) is committed before the first rename and removed
//! after the last, so a process killed between renames leaves a record the next run can finish
//! from.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What happened to one file (see [`write_if_changed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file already had these bytes; it was not touched.
    Unchanged,
    /// The file was created or replaced.
    Changed,
}

/// Writes `contents` to `path` unless it already holds exactly those bytes. Creates parent
/// directories.
///
/// ```
/// use authgen_codegen::write::{write_if_changed, Written};
/// let dir = std::env::temp_dir().join(format!("authgen-doc-{}", std::process::id()));
/// let path = dir.join("a/b.txt");
/// assert_eq!(write_if_changed(&path, b"x").unwrap(), Written::Changed);
/// assert_eq!(write_if_changed(&path, b"x").unwrap(), Written::Unchanged);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_if_changed(path: &Path, contents: &[u8]) -> io::Result<Written> {
    let file = FileWrite {
        path: path.to_path_buf(),
        contents: contents.to_vec(),
    };
    match write_all(&[file], &WriteOptions::default()) {
        Ok(w) => Ok(w[0]),
        Err(e) => Err(e.source),
    }
}

/// One file to write: where, and its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileWrite {
    /// The destination.
    pub path: PathBuf,
    /// The exact bytes.
    pub contents: Vec<u8>,
}

/// A step of [`write_all`] at which a test build stops the process (see [`FailAt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// After the n-th temporary file (1-based) is written and synced.
    Temp(usize),
    /// After the journal is committed, before the first rename.
    Journal,
    /// After the n-th rename (1-based).
    Rename(usize),
}

/// Where a test build aborts the process, as a crash would: `temp:N`, `journal` or `rename:N`.
///
/// ```
/// use authgen_codegen::write::{FailAt, Step};
/// assert_eq!("rename:2".parse::<FailAt>().unwrap(), FailAt(Step::Rename(2)));
/// assert!("later".parse::<FailAt>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailAt(pub Step);

impl std::str::FromStr for FailAt {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a failure point: temp:N, journal or rename:N");
        let step = match s.split_once(':') {
            None if s == "journal" => Step::Journal,
            Some(("temp", n)) => Step::Temp(n.parse().map_err(|_| bad())?),
            Some(("rename", n)) => Step::Rename(n.parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        Ok(FailAt(step))
    }
}

/// Options of [`write_all`].
///
/// ```
/// use authgen_codegen::write::{FileWrite, WriteOptions};
/// let dir = std::env::temp_dir();
/// let journal = FileWrite { path: dir.join(".pending.json"), contents: b"{}".to_vec() };
/// let options = WriteOptions { journal: Some(journal), ..WriteOptions::default() };
/// assert!(options.fail_at.is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// A file committed (atomically) after every temporary file is written and before the first
    /// rename, and removed after the last: while it exists, the set may be half renamed.
    pub journal: Option<FileWrite>,
    /// Test builds: abort the process at this step (a simulated crash).
    pub fail_at: Option<FailAt>,
}

/// What went wrong in [`write_all`], and at which file.
///
/// ```
/// use authgen_codegen::write::{write_all, FileWrite, WriteErrorKind, WriteOptions};
/// let file = FileWrite { path: "/dev/null/x.txt".into(), contents: b"x".to_vec() };
/// let e = write_all(&[file], &WriteOptions::default()).unwrap_err();
/// assert_eq!(e.kind, WriteErrorKind::Read);
/// assert_eq!(e.to_string(), "cannot read /dev/null/x.txt: Not a directory (os error 20)");
/// ```
#[derive(Debug)]
pub struct WriteError {
    /// The file the step was about (its destination, or the journal).
    pub path: PathBuf,
    /// The step that failed.
    pub kind: WriteErrorKind,
    /// The OS error.
    pub source: io::Error,
}

/// The steps of [`write_all`] that can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteErrorKind {
    /// Reading the current contents (to compare).
    Read,
    /// Creating a parent directory.
    CreateDir,
    /// Writing or syncing the temporary file.
    Write,
    /// Renaming the temporary file over the destination.
    Rename,
    /// Removing the journal once every file is in place.
    Remove,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            WriteErrorKind::Read => "cannot read",
            WriteErrorKind::CreateDir => "cannot create the directory of",
            WriteErrorKind::Write => "cannot write",
            WriteErrorKind::Rename => "cannot replace",
            WriteErrorKind::Remove => "cannot remove",
        };
        write!(f, "{what} {}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn err(path: &Path, kind: WriteErrorKind) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        kind,
        source,
    }
}

/// A file staged for the renames: its temporary file and what it replaces.
struct Staged<'a> {
    file: &'a FileWrite,
    tmp: PathBuf,
    /// The destination's bytes before (None: it did not exist).
    before: Option<Vec<u8>>,
}

/// What has been done so far, undone on failure.
#[derive(Default)]
struct Undo<'a> {
    created_dirs: Vec<PathBuf>,
    staged: Vec<Staged<'a>>,
    renamed: usize,
    /// The journal, once committed: removed last on rollback, since nothing is left to finish.
    journal: Option<PathBuf>,
}

impl Undo<'_> {
    /// Puts back what the renames replaced, removes temporary files and created directories.
    fn rollback(&self) {
        for s in self.staged.iter().take(self.renamed).rev() {
            let _ = match &s.before {
                Some(bytes) => write_one(&s.file.path, &s.tmp, bytes),
                None => fs::remove_file(&s.file.path),
            };
        }
        for s in &self.staged {
            let _ = fs::remove_file(&s.tmp);
        }
        if let Some(j) = &self.journal {
            let _ = fs::remove_file(j);
        }
        for d in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
}

/// Writes every file whose bytes change, all or nothing; returns what happened to each, in
/// order. See the module documentation for the guarantees.
///
/// ```
/// use authgen_codegen::write::{write_all, FileWrite, WriteOptions, Written};
/// let dir = std::env::temp_dir().join(format!("authgen-doc-all-{}", std::process::id()));
/// let files = [
///     FileWrite { path: dir.join("a.txt"), contents: b"a".to_vec() },
///     FileWrite { path: dir.join("sub/b.txt"), contents: b"b".to_vec() },
/// ];
/// assert_eq!(write_all(&files, &WriteOptions::default()).unwrap(), [Written::Changed; 2]);
/// // A file where a directory must go: nothing changes.
/// let bad = [
///     FileWrite { path: dir.join("a.txt"), contents: b"new".to_vec() },
///     FileWrite { path: dir.join("a.txt/c.txt"), contents: b"c".to_vec() },
/// ];
/// let e = write_all(&bad, &WriteOptions::default()).unwrap_err();
/// assert_eq!(e.path, dir.join("a.txt/c.txt"));
/// assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"a");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_all(files: &[FileWrite], options: &WriteOptions) -> Result<Vec<Written>, WriteError> {
    let mut undo = Undo::default();
    let result = stage(files, options, &mut undo).and_then(|written| {
        commit(options, &mut undo)?;
        Ok(written)
    });
    if result.is_err() {
        undo.rollback();
    }
    result
}

/// Writes and syncs a temporary file beside every file whose bytes change.
fn stage<'a>(
    files: &'a [FileWrite],
    options: &WriteOptions,
    undo: &mut Undo<'a>,
) -> Result<Vec<Written>, WriteError> {
    let mut written = Vec::with_capacity(files.len());
    for file in files {
        let before = read_current(&file.path)?;
        if before.as_deref() == Some(file.contents.as_slice()) {
            written.push(Written::Unchanged);
            continue;
        }
        written.push(Written::Changed);
        let dir = parent(&file.path);
        create_dirs(dir, &mut undo.created_dirs)
            .map_err(err(&file.path, WriteErrorKind::CreateDir))?;
        remove_stale_temps_of(&file.path);
        let tmp = temp_path(&file.path);
        undo.staged.push(Staged {
            file,
            tmp: tmp.clone(),
            before,
        });
        write_temp(&tmp, &file.contents).map_err(err(&file.path, WriteErrorKind::Write))?;
        fail_point(options, Step::Temp(undo.staged.len()));
    }
    Ok(written)
}

/// Commits the journal (if any), renames every staged file into place, removes the journal.
fn commit(options: &WriteOptions, undo: &mut Undo<'_>) -> Result<(), WriteError> {
    if undo.staged.is_empty() {
        return Ok(());
    }
    if let Some(j) = &options.journal {
        commit_journal(j, &mut undo.created_dirs)?;
        undo.journal = Some(j.path.clone());
        fail_point(options, Step::Journal);
    }
    rename_all(options, undo)?;
    if let Some(j) = &options.journal {
        // The files are in place: the journal has done its job. Failing to remove it only
        // makes the next run check that every file is there.
        let _ = fs::remove_file(&j.path);
        let _ = sync_dir(parent(&j.path));
    }
    Ok(())
}

/// Renames every staged file over its destination, then syncs their directories.
fn rename_all(options: &WriteOptions, undo: &mut Undo<'_>) -> Result<(), WriteError> {
    for i in 0..undo.staged.len() {
        let s = &undo.staged[i];
        fs::rename(&s.tmp, &s.file.path).map_err(err(&s.file.path, WriteErrorKind::Rename))?;
        undo.renamed = i + 1;
        fail_point(options, Step::Rename(i + 1));
    }
    let mut dirs: Vec<&Path> = undo.staged.iter().map(|s| parent(&s.file.path)).collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        // The renames happened; a directory that cannot be synced is not worth undoing them.
        let _ = sync_dir(d);
    }
    Ok(())
}

/// Writes the journal to a temporary file, syncs it, renames it into place and syncs its
/// directory: from then on the renames are committed.
fn commit_journal(j: &FileWrite, created: &mut Vec<PathBuf>) -> Result<(), WriteError> {
    let dir = parent(&j.path);
    create_dirs(dir, created).map_err(err(&j.path, WriteErrorKind::CreateDir))?;
    let tmp = temp_path(&j.path);
    write_one(&j.path, &tmp, &j.contents).map_err(err(&j.path, WriteErrorKind::Write))?;
    sync_dir(dir).map_err(err(&j.path, WriteErrorKind::Write))
}

/// The current bytes of `path` (None when it does not exist).
fn read_current(path: &Path) -> Result<Option<Vec<u8>>, WriteError> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(err(path, WriteErrorKind::Read)(e)),
    }
}

/// Atomically replaces `path` by `contents` through `tmp`.
fn write_one(path: &Path, tmp: &Path, contents: &[u8]) -> io::Result<()> {
    let result = write_temp(tmp, contents).and_then(|()| fs::rename(tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(tmp);
    }
    result
}

/// Creates `tmp` (never over an existing file) with `contents`, synced.
fn write_temp(tmp: &Path, contents: &[u8]) -> io::Result<()> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)?;
    f.write_all(contents)?;
    f.sync_all()
}

/// Syncs a directory, so the renames in it survive a power loss.
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Creates `dir` and its missing ancestors, recording the ones created (outermost first).
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut d = dir;
    while !d.as_os_str().is_empty() && fs::symlink_metadata(d).is_err() {
        missing.push(d.to_path_buf());
        match d.parent() {
            Some(p) => d = p,
            None => break,
        }
    }
    for d in missing.into_iter().rev() {
        fs::create_dir(&d)?;
        created.push(d);
    }
    Ok(())
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

const TEMP_MARK: &str = ".authgen-tmp-";

/// The temporary file beside `path`: `.NAME.authgen-tmp-PID`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent(path).join(format!(".{name}{TEMP_MARK}{}", std::process::id()))
}

/// Removes the temporary files beside `path` that a killed run left (see [`remove_stale_temps`]).
fn remove_stale_temps_of(path: &Path) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _ = remove_matching(parent(path), |n| n == name);
}

/// Removes the temporary files (`.NAME.authgen-tmp-PID`) in `dir` that a killed authgen left:
/// those whose process is not running. Returns the paths removed.
///
/// ```
/// use authgen_codegen::write::remove_stale_temps;
/// let dir = std::env::temp_dir().join(format!("authgen-doc-stale-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join(".a.sql.authgen-tmp-4294967295"), "half").unwrap();
/// assert_eq!(remove_stale_temps(&dir).len(), 1);
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn remove_stale_temps(dir: &Path) -> Vec<PathBuf> {
    remove_matching(dir, |_| true)
}

fn remove_matching(dir: &Path, matches: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return removed;
    };
    for entry in entries.flatten() {
        let n = entry.file_name().to_string_lossy().into_owned();
        let Some((name, pid)) = n.strip_prefix('.').and_then(|r| r.rsplit_once(TEMP_MARK)) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if matches(name) && !running(pid) && fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// Whether another process `pid` may be running (`/proc` lists it). This process's own
/// leftovers can only be from an earlier process with the same id.
fn running(pid: u32) -> bool {
    pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
}

/// Test builds: aborts the process at `step` when asked (see [`FailAt`]).
fn fail_point(options: &WriteOptions, step: Step) {
    if options.fail_at == Some(FailAt(step)) {
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(label: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("authgen-write-{label}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A rename that fails for real (a directory appeared where the second file goes, after the
    /// temporary files were written): the first file, already renamed, gets its old bytes back,
    /// the journal and every temporary file are removed.
    #[test]
    fn a_failed_rename_puts_back_what_earlier_renames_replaced() {
        let dir = scratch("rename");
        fs::write(dir.join("a.txt"), "old a").unwrap();
        let files = [
            FileWrite {
                path: dir.join("a.txt"),
                contents: b"new a".to_vec(),
            },
            FileWrite {
                path: dir.join("b.txt"),
                contents: b"new b".to_vec(),
            },
        ];
        let journal = FileWrite {
            path: dir.join(".pending"),
            contents: b"{}".to_vec(),
        };
        let options = WriteOptions {
            journal: Some(journal),
            fail_at: None,
        };
        let mut undo = Undo::default();
        assert_eq!(
            stage(&files, &options, &mut undo).unwrap(),
            [Written::Changed; 2]
        );
        fs::create_dir(dir.join("b.txt")).unwrap();
        fs::write(dir.join("b.txt/keep"), "x").unwrap();
        let e = commit(&options, &mut undo).unwrap_err();
        assert_eq!(
            (e.kind, e.path.clone()),
            (WriteErrorKind::Rename, dir.join("b.txt"))
        );
        assert_eq!(undo.renamed, 1);
        undo.rollback();
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.txt", "b.txt"]);
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"old a");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A file created by the set is removed again when a later rename fails.
    #[test]
    fn a_failed_rename_removes_files_the_set_created() {
        let dir = scratch("created");
        let files = [
            FileWrite {
                path: dir.join("new/a.txt"),
                contents: b"a".to_vec(),
            },
            FileWrite {
                path: dir.join("b.txt"),
                contents: b"b".to_vec(),
            },
        ];
        let mut undo = Undo::default();
        stage(&files, &WriteOptions::default(), &mut undo).unwrap();
        fs::create_dir_all(dir.join("b.txt/x")).unwrap();
        assert!(commit(&WriteOptions::default(), &mut undo).is_err());
        undo.rollback();
        assert!(
            !dir.join("new").exists(),
            "the file and the directory created for it are gone"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
