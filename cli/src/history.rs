//! The migration history of one directory: its files, read and checksummed, checked for sqlx's
//! naming rules and against the checksums the snapshot recorded.
//!
//! A history is consistent when every `.sql` file is named `<version>_<name>.sql` or is one half
//! of a `.up.sql` / `.down.sql` pair, no two migrations share a version, and (when the snapshot
//! records checksums) the files are exactly the ones the snapshot recorded, byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

use authgen_codegen::diag::Diagnostic;
use authgen_codegen::sql::plan::{checksum, parse_file_name, FileKind, Snapshot, SNAPSHOT_FILE};

use crate::load::shown;

/// The largest migration file authgen reads to checksum: 64 MiB.
pub const MIGRATION_LIMIT: u64 = 64 << 20;

/// The migration files of a directory.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct History {
    /// File name → SHA-384 (lowercase hex) of its bytes.
    pub files: BTreeMap<String, String>,
    /// The newest version.
    pub newest: Option<i64>,
}

/// Reads the migration files of `dir` (none when it does not exist). Every `.sql` file that is
/// not a well-named migration, two migrations with one version, and an up without its down (or
/// the reverse) are errors, each naming its files as shown relative to `cwd`.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("authgen-doc-history-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("1_init.up.sql"), "SELECT 1;\n").unwrap();
/// let errors = authgen_cli::history::scan(&dir, &dir).unwrap_err();
/// assert_eq!(errors[0].message, "an up migration without its down (1_init.down.sql)");
/// std::fs::write(dir.join("1_init.down.sql"), "SELECT 1;\n").unwrap();
/// assert_eq!(authgen_cli::history::scan(&dir, &dir).unwrap().newest, Some(1));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn scan(dir: &Path, cwd: &Path) -> Result<History, Vec<Diagnostic>> {
    let at = |name: &str| shown(&dir.join(name), cwd);
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(vec![Diagnostic::at_file(
                &shown(dir, cwd),
                format!("cannot list: {e}"),
            )])
        }
    };
    names.sort();
    let mut errors = Vec::new();
    let mut history = History::default();
    // version → (description, kinds), to find duplicates and unpaired files.
    let mut versions: BTreeMap<i64, Vec<(String, FileKind, String)>> = BTreeMap::new();
    for name in names {
        let Some(parsed) = parse_file_name(&name) else {
            errors.push(Diagnostic::at_file(&at(&name), "not a migration file name: sqlx needs `<version>_<name>.sql`, the version a non-negative integer that fits in 64 bits")
                .help("rename it, or move it out of the migrations directory"));
            continue;
        };
        match read_file(&dir.join(&name), &at(&name)) {
            Ok(bytes) => {
                history.files.insert(name.clone(), checksum(&bytes));
            }
            Err(d) => errors.push(d),
        }
        let entry = versions.entry(parsed.version).or_default();
        entry.push((parsed.description, parsed.kind, name));
    }
    for (version, files) in &versions {
        errors.extend(check_version(*version, files, &at));
    }
    history.newest = versions.keys().next_back().copied();
    if errors.is_empty() {
        Ok(history)
    } else {
        Err(errors)
    }
}

/// The files of one version must be one `.sql`, or one `.up.sql` with its `.down.sql`.
fn check_version(
    version: i64,
    files: &[(String, FileKind, String)],
    at: &dyn Fn(&str) -> String,
) -> Option<Diagnostic> {
    let (desc, kind, first) = &files[0];
    let paired = files.len() == 2
        && files[1].0 == *desc
        && matches!(
            (kind, files[1].1),
            (FileKind::Up, FileKind::Down) | (FileKind::Down, FileKind::Up)
        );
    if files.len() == 1 && *kind != FileKind::Simple {
        let (other, what) = match kind {
            FileKind::Up => ("down", "an up migration without its down"),
            _ => ("up", "a down migration without its up"),
        };
        let missing = format!("{version}_{desc}.{other}.sql");
        return Some(
            Diagnostic::at_file(&at(first), format!("{what} ({missing})")).help(format!(
                "restore {missing} (e.g. `git restore {}`)",
                at(&missing)
            )),
        );
    }
    if files.len() == 1 || paired {
        return None;
    }
    let list: Vec<&str> = files.iter().map(|f| f.2.as_str()).collect();
    Some(
        Diagnostic::at_file(
            &at(&files[1].2),
            format!("duplicate migration version {version}: {}", list.join(", ")),
        )
        .help("sqlx runs one migration per version: give one of them a version greater than every other"),
    )
}

/// Reads a migration file's bytes: a regular file under [`MIGRATION_LIMIT`].
fn read_file(path: &Path, shown: &str) -> Result<Vec<u8>, Diagnostic> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Diagnostic::at_file(shown, format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(Diagnostic::at_file(shown, "not a regular file"));
    }
    if meta.len() > MIGRATION_LIMIT {
        return Err(Diagnostic::at_file(
            shown,
            "too large: over the 64 MiB limit for a migration",
        ));
    }
    std::fs::read(path).map_err(|e| Diagnostic::at_file(shown, format!("cannot read: {e}")))
}

/// The differences between the files `history` found in `dir` and the checksums `recorded` in
/// the snapshot: files edited, deleted or added since authgen wrote them, each named.
///
/// ```
/// use std::collections::BTreeMap;
/// use authgen_cli::history::{verify, History};
/// let recorded = BTreeMap::from([("1_a.sql".to_string(), "00".repeat(48))]);
/// let found = History { files: BTreeMap::from([("2_b.sql".to_string(), "11".repeat(48))]), newest: Some(2) };
/// let errors = verify(&recorded, &found, "m".as_ref(), "/".as_ref());
/// assert_eq!(errors.len(), 2);
/// ```
pub fn verify(
    recorded: &BTreeMap<String, String>,
    history: &History,
    dir: &Path,
    cwd: &Path,
) -> Vec<Diagnostic> {
    let at = |name: &str| shown(&dir.join(name), cwd);
    let mut errors = Vec::new();
    for (name, sum) in recorded {
        match history.files.get(name) {
            None => errors.push(
                Diagnostic::at_file(&at(name), format!("deleted: {SNAPSHOT_FILE} records this migration, and it is gone"))
                    .help(format!("restore it (e.g. `git restore {}`): sqlx refuses a history that lost an applied migration", at(name))),
            ),
            Some(found) if found != sum => errors.push(
                Diagnostic::at_file(&at(name), "edited after authgen wrote it: its SHA-384 is not the one the snapshot records")
                    .help(format!("restore it (e.g. `git restore {}`): sqlx refuses an applied migration that changed; put new SQL in a new migration", at(name))),
            ),
            Some(_) => {}
        }
    }
    for name in history.files.keys().filter(|n| !recorded.contains_key(*n)) {
        errors.push(
            Diagnostic::at_file(&at(name), format!("added by hand: {SNAPSHOT_FILE} does not record this migration"))
                .help(format!("remove it (e.g. `rm {}`), or move it out of the migrations directory: the snapshot would not know what it does to the schema", at(name))),
        );
    }
    errors
}

/// Verifies a dialect's directory: the snapshot against the files. `Ok(false)` when the snapshot
/// records no checksums (an unverified history), `Ok(true)` when every file is as recorded.
///
/// ```
/// use authgen_cli::history::{check_dir, History};
/// // Migrations without a snapshot: authgen cannot tell what they created.
/// let found = History { files: [("1_a.sql".to_string(), String::new())].into(), newest: Some(1) };
/// let errors = check_dir(None, &found, "m".as_ref(), "".as_ref()).unwrap_err();
/// assert!(errors[0].to_string().starts_with("m/1_a.sql:1:1: a migration without authgen.snapshot.json"));
/// assert_eq!(check_dir(None, &History::default(), "m".as_ref(), "".as_ref()), Ok(true));
/// ```
pub fn check_dir(
    snapshot: Option<&Snapshot>,
    history: &History,
    dir: &Path,
    cwd: &Path,
) -> Result<bool, Vec<Diagnostic>> {
    let Some(snapshot) = snapshot else {
        return match history.files.keys().next() {
            None => Ok(true),
            Some(file) => Err(vec![Diagnostic::at_file(
                &shown(&dir.join(file), cwd),
                format!("a migration without {SNAPSHOT_FILE} beside it: authgen cannot tell what the migrations created"),
            )
            .help(format!("restore {SNAPSHOT_FILE}, or point --dir at a directory authgen manages"))]),
        };
    };
    let Some(recorded) = &snapshot.migrations else {
        return Ok(false);
    };
    let errors = verify(recorded, history, dir, cwd);
    if errors.is_empty() {
        Ok(true)
    } else {
        Err(errors)
    }
}
