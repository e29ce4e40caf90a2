//! Migrations: the snapshot file, the safety check, and the sqlx file pairs of one change.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha384};

use super::diff::{diff, enum_additions, invert, renames, Diff};
use super::schema::Schema;
use crate::config::Dialect;
use crate::diag::Diagnostic;
use crate::output::GENERATED_MARK;

/// The snapshot's file name, beside the migrations.
pub const SNAPSHOT_FILE: &str = "authgen.snapshot.json";

/// The snapshot format version written: 2 records the SHA-384 of every migration file.
/// Format 1 (no checksums) is still read, as an unverified history.
pub const SNAPSHOT_FORMAT: u32 = 2;

/// The tables every adapter needs, by key.
const REQUIRED_TABLES: [&str; 4] = ["user", "account", "session", "verification_token"];

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotFile {
    authgen_snapshot: u32,
    schema: Schema,
    /// Migration file name → lowercase hex SHA-384 of its bytes (sqlx's checksum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    migrations: Option<BTreeMap<String, String>>,
}

/// A snapshot: the schema the migrations produce and the checksums of the migration files it
/// was built from (`None`: written before checksums were recorded, an unverified history).
///
/// ```
/// use std::collections::BTreeMap;
/// use authgen_codegen::sql::plan::{checksum, parse_snapshot, Snapshot};
/// use authgen_codegen::sql::schema::Schema;
/// let schema = Schema { preset: "prisma".into(), enums: vec![], tables: vec![] };
/// let files = BTreeMap::from([("1_init.up.sql".to_string(), checksum(b"SELECT 1;\n"))]);
/// let snap = Snapshot { schema, migrations: Some(files) };
/// let text = snap.to_json();
/// // An empty schema lacks the tables the adapters need: reading it refuses it.
/// assert!(parse_snapshot(&text, "s.json").unwrap_err().message.contains("no `user` table"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The schema.
    pub schema: Schema,
    /// File name → SHA-384 (lowercase hex) of each migration file; `None` for format 1.
    pub migrations: Option<BTreeMap<String, String>>,
}

impl Snapshot {
    /// The file's contents: pretty JSON, LF, trailing newline, format [`SNAPSHOT_FORMAT`].
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&SnapshotFile {
            authgen_snapshot: SNAPSHOT_FORMAT,
            schema: self.schema.clone(),
            migrations: self.migrations.clone(),
        })
        .expect("a schema always serializes");
        s.push('\n');
        s
    }
}

/// The lowercase hex SHA-384 of `bytes`: the checksum sqlx records for an applied migration.
///
/// ```
/// assert_eq!(authgen_codegen::sql::plan::checksum(b"").len(), 96);
/// ```
pub fn checksum(bytes: &[u8]) -> String {
    Sha384::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The snapshot file's contents for `schema`, recording no checksums (see [`Snapshot::to_json`]).
pub fn snapshot_json(schema: &Schema) -> String {
    Snapshot {
        schema: schema.clone(),
        migrations: None,
    }
    .to_json()
}

/// Reads a snapshot file's schema (see [`parse_snapshot`]); `file` names it in errors.
pub fn read_snapshot(text: &str, file: &str) -> Result<Schema, Diagnostic> {
    parse_snapshot(text, file).map(|s| s.schema)
}

/// Reads and validates a snapshot file: a known format, no duplicate tables, columns or enum
/// types, the tables the adapters need, well-formed checksums. `file` names it in errors.
///
/// ```
/// use authgen_codegen::{config::Config, frontend::check::check, model::Model};
/// use authgen_codegen::sql::{plan::{parse_snapshot, snapshot_json}, schema};
/// let s = schema::build(&check(Model::default()).unwrap(), &Config::default()).unwrap();
/// let back = parse_snapshot(&snapshot_json(&s), "authgen.snapshot.json").unwrap();
/// assert_eq!((back.schema, back.migrations), (s, None));
/// ```
pub fn parse_snapshot(text: &str, file: &str) -> Result<Snapshot, Diagnostic> {
    let snap: SnapshotFile = serde_json::from_str(text)
        .map_err(|e| Diagnostic::new(None, format!("{file}: not an authgen snapshot: {e}")))?;
    if !(1..=SNAPSHOT_FORMAT).contains(&snap.authgen_snapshot) {
        return Err(Diagnostic::new(
            None,
            format!(
                "{file}: snapshot format {} is not supported (expected 1 to {SNAPSHOT_FORMAT})",
                snap.authgen_snapshot
            ),
        ));
    }
    let bad = |m: String| Diagnostic::new(None, format!("{file}: {m}"));
    if snap.authgen_snapshot == 1 && snap.migrations.is_some() {
        return Err(bad("format 1 records no migrations".into()));
    }
    validate_schema(&snap.schema).map_err(bad)?;
    for (name, sum) in snap.migrations.iter().flatten() {
        if parse_file_name(name).is_none() {
            return Err(bad(format!("`{name}` is not a migration file name")));
        }
        if sum.len() != 96
            || !sum
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad(format!(
                "the checksum of `{name}` is not a SHA-384 in hex"
            )));
        }
    }
    Ok(Snapshot {
        schema: snap.schema,
        migrations: snap.migrations,
    })
}

/// The snapshot's own consistency: unique table keys and names, unique column names per table,
/// unique enum types, the adapters' tables present, a known naming preset.
fn validate_schema(schema: &Schema) -> Result<(), String> {
    if schema.preset.parse::<authgen_naming::Preset>().is_err() {
        return Err(format!("unknown naming preset `{}`", schema.preset));
    }
    let mut keys = BTreeSet::new();
    let mut names = BTreeSet::new();
    for t in &schema.tables {
        if !keys.insert(t.key.as_str()) {
            return Err(format!("the `{}` table appears twice", t.key));
        }
        if !names.insert(t.name.to_lowercase()) {
            return Err(format!("two tables are named `{}`", t.name));
        }
        let mut columns = BTreeSet::new();
        for c in &t.columns {
            if !columns.insert(c.name.to_lowercase()) {
                return Err(format!(
                    "table `{}` has two columns named `{}`",
                    t.name, c.name
                ));
            }
        }
    }
    if let Some(missing) = REQUIRED_TABLES.iter().find(|k| !keys.contains(*k)) {
        return Err(format!(
            "no `{missing}` table: the adapters need {}",
            REQUIRED_TABLES.join(", ")
        ));
    }
    let mut enums = BTreeSet::new();
    if let Some(e) = schema.enums.iter().find(|e| !enums.insert(e.name.as_str())) {
        return Err(format!("the enum type `{}` appears twice", e.name));
    }
    Ok(())
}

/// What a migration file is, from its name (sqlx's rules): `<version>_<description>.sql`, or
/// `.up.sql` / `.down.sql` for a reversible pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    /// The version: a non-negative integer.
    pub version: i64,
    /// The description (after the first `_`, before the extension).
    pub description: String,
    /// Which part of the migration the file is.
    pub kind: FileKind,
}

/// The kinds of migration files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// `.sql`: a migration without a down.
    Simple,
    /// `.up.sql`.
    Up,
    /// `.down.sql`.
    Down,
}

/// Parses a migration file name; `None` when it is not a `.sql` file with a non-negative
/// integer version before its first `_`.
///
/// ```
/// use authgen_codegen::sql::plan::{parse_file_name, FileKind};
/// let f = parse_file_name("20260101000000_add_role.up.sql").unwrap();
/// assert_eq!((f.version, f.description.as_str(), f.kind), (20260101000000, "add_role", FileKind::Up));
/// assert_eq!(parse_file_name("-9223372036854775808_x.up.sql"), None);
/// assert_eq!(parse_file_name("v2_x.sql"), None);
/// ```
pub fn parse_file_name(name: &str) -> Option<FileName> {
    let stem = name.strip_suffix(".sql")?;
    let (stem, kind) = if let Some(s) = stem.strip_suffix(".up") {
        (s, FileKind::Up)
    } else if let Some(s) = stem.strip_suffix(".down") {
        (s, FileKind::Down)
    } else {
        (stem, FileKind::Simple)
    };
    let (version, description) = stem.split_once('_')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(FileName {
        version: version.parse().ok()?,
        description: description.to_string(),
        kind,
    })
}

/// One file of a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    /// `<version>_<name>.up.sql` or `.down.sql`.
    pub file_name: String,
    /// The exact bytes.
    pub contents: String,
}

/// The migration of one change for one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The files, up before down, in version order.
    pub files: Vec<MigrationFile>,
    /// Every change, one line each.
    pub changes: Vec<String>,
    /// The destructive changes (empty unless allowed).
    pub destructive: Vec<String>,
    /// The highest version used.
    pub last_version: i64,
}

/// Checks a migration name: 1 to 100 of `[a-z0-9_]`.
pub fn check_name(name: &str) -> Result<(), Diagnostic> {
    if name.is_empty()
        || name.len() > 100
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(Diagnostic::new(
            None,
            format!(
                "`{}` is not a migration name: use 1 to 100 lowercase letters, digits and underscores",
                name.escape_debug()
            ),
        ));
    }
    Ok(())
}

fn render_file(d: Dialect, no_tx: bool, lossy: &[String], statements: &[String]) -> String {
    let mut s = String::new();
    if no_tx {
        // sqlx reads this only on the first line.
        s.push_str("-- no-transaction\n");
    }
    s.push_str(&format!(
        "-- {GENERATED_MARK} ({}). Do not edit: sqlx refuses an applied migration that changed.\n",
        d.as_str()
    ));
    for l in lossy {
        s.push_str(&format!("-- lossy: {l}\n"));
    }
    s.push('\n');
    let mut body: Vec<String> = Vec::new();
    if no_tx {
        body.push(
            "-- Rebuilds a table: foreign keys off (outside a transaction), so dropping the old table does not cascade.\nPRAGMA foreign_keys = OFF;\nBEGIN;\nPRAGMA defer_foreign_keys = ON;"
                .into(),
        );
    }
    body.extend(statements.iter().cloned());
    if statements.is_empty() {
        // MySQL refuses an empty query; a migration file always holds one statement.
        body.push("SELECT 1;".into());
    }
    if no_tx {
        body.push("COMMIT;\nPRAGMA foreign_keys = ON;".into());
    }
    s.push_str(&body.join("\n\n"));
    s.push('\n');
    s
}

fn pair(d: Dialect, version: i64, name: &str, up: &Diff, down: &Diff) -> [MigrationFile; 2] {
    [
        MigrationFile {
            file_name: format!("{version}_{name}.up.sql"),
            contents: render_file(d, up.no_transaction, &[], &up.statements),
        },
        MigrationFile {
            file_name: format!("{version}_{name}.down.sql"),
            contents: render_file(d, down.no_transaction, &down.destructive, &down.statements),
        },
    ]
}

/// The migration from `old` (the snapshot; `None` for an empty directory) to `new`, at `version`
/// (PostgreSQL enum value additions take `version` and the rest `version + 1`). `Ok(None)` when
/// nothing changed. Destructive changes are refused, each named, unless `allow_destructive`.
///
/// ```
/// use authgen_codegen::config::Dialect;
/// use authgen_codegen::sql::plan::plan;
/// use authgen_codegen::sql::schema::Schema;
/// let s = Schema { preset: "prisma".into(), enums: vec![], tables: vec![] };
/// let first = plan(Dialect::Sqlite, None, &s, 1, "init", false).unwrap().unwrap();
/// assert_eq!(first.files[0].file_name, "1_init.up.sql");
/// assert_eq!(plan(Dialect::Sqlite, Some(&s), &s, 2, "again", false).unwrap(), None);
/// ```
pub fn plan(
    d: Dialect,
    old: Option<&Schema>,
    new: &Schema,
    version: i64,
    name: &str,
    allow_destructive: bool,
) -> Result<Option<Migration>, Vec<Diagnostic>> {
    check_name(name).map_err(|e| vec![e])?;
    let Some(old) = old else {
        return Ok(Some(initial(d, new, version, name)));
    };
    let mut m = Migration {
        files: Vec::new(),
        changes: Vec::new(),
        destructive: Vec::new(),
        last_version: version,
    };
    // PostgreSQL: value additions go first, in a migration of their own.
    let (additions, mid) = match d {
        Dialect::Postgres => enum_additions(old, new),
        _ => (Vec::new(), old.clone()),
    };
    let mut v = version;
    if !additions.is_empty() {
        let up = Diff::of(d, old, &mid, additions);
        let down = diff(d, &mid, old, &[])?;
        m.changes.extend(up.descriptions.iter().cloned());
        m.files
            .extend(pair(d, v, &format!("{name}_enum_values"), &up, &down));
        v = v.checked_add(1).ok_or_else(|| vec![no_room(version)])?;
    }
    let forward = renames(&mid, new)?;
    let up = diff(d, &mid, new, &forward)?;
    let down = diff(d, new, &mid, &invert(&forward))?;
    m.destructive.extend(up.destructive.iter().cloned());
    m.changes.extend(up.descriptions.iter().cloned());
    if !up.is_empty() {
        m.files.extend(pair(d, v, name, &up, &down));
    } else {
        v = v.saturating_sub(1);
    }
    if !m.destructive.is_empty() && !allow_destructive {
        return Err(vec![refusal(d, &m.destructive)]);
    }
    if m.files.is_empty() && m.changes.is_empty() {
        return Ok(None);
    }
    m.last_version = v.max(version);
    Ok(Some(m))
}

/// The error for a PostgreSQL migration that needs `version + 1` when there is none.
fn no_room(version: i64) -> Diagnostic {
    Diagnostic::new(
        None,
        format!("version {version} leaves no room: the PostgreSQL enum values need a migration of their own at {version} and the rest at the next version"),
    )
    .help("pass a smaller --version")
}

/// The first migration: the whole schema.
fn initial(d: Dialect, new: &Schema, version: i64, name: &str) -> Migration {
    let up = Diff {
        statements: super::ddl::create_schema(d, new),
        ..Diff::default()
    };
    let down = Diff {
        statements: super::ddl::drop_schema(d, new),
        destructive: vec!["drops every table and its rows".into()],
        ..Diff::default()
    };
    Migration {
        files: pair(d, version, name, &up, &down).into(),
        changes: vec!["create the whole schema".into()],
        destructive: vec![],
        last_version: version,
    }
}

/// The error that refuses `destructive` changes, each named.
fn refusal(d: Dialect, destructive: &[String]) -> Diagnostic {
    let n = destructive.len();
    let mut diag = Diagnostic::new(
        None,
        format!(
            "refusing {n} destructive change{} ({}); pass --allow-destructive to write {} anyway",
            if n == 1 { "" } else { "s" },
            d.as_str(),
            if n == 1 { "it" } else { "them" },
        ),
    );
    for x in destructive {
        diag = diag.note(x.clone());
    }
    diag
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::schema::EnumType;

    fn with_roles(values: &[&str]) -> Schema {
        Schema {
            preset: "prisma".into(),
            enums: vec![EnumType {
                name: "role".into(),
                values: values.iter().map(|v| v.to_string()).collect(),
            }],
            tables: vec![],
        }
    }

    /// A PostgreSQL enum value addition needs `version + 1`: at `i64::MAX` it is an error, not
    /// a wrapped negative version.
    #[test]
    fn no_version_past_the_largest() {
        let (old, new) = (with_roles(&["USER"]), with_roles(&["USER", "ADMIN"]));
        let e = plan(Dialect::Postgres, Some(&old), &new, i64::MAX, "x", false).unwrap_err();
        assert!(e[0].message.contains("leaves no room"), "{e:?}");
        let m = plan(
            Dialect::Postgres,
            Some(&old),
            &new,
            i64::MAX - 1,
            "x",
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            m.files[0].file_name,
            format!("{}_x_enum_values.up.sql", i64::MAX - 1)
        );
    }

    #[test]
    fn file_names_follow_sqlx() {
        assert_eq!(parse_file_name("1_a.sql").unwrap().kind, FileKind::Simple);
        assert_eq!(
            parse_file_name("1_a.down.sql").unwrap().kind,
            FileKind::Down
        );
        assert_eq!(parse_file_name("9223372036854775808_a.sql"), None);
        assert_eq!(parse_file_name("1a.sql"), None);
        assert_eq!(parse_file_name("_a.sql"), None);
        assert_eq!(parse_file_name("1_a.up.txt"), None);
    }
}
