//! Migrations: the snapshot file, the safety check, and the sqlx file pairs of one change.

use serde::{Deserialize, Serialize};

use super::diff::{diff, enum_additions, invert, renames, Diff};
use super::schema::Schema;
use crate::config::Dialect;
use crate::diag::Diagnostic;
use crate::output::GENERATED_MARK;

/// The snapshot's file name, beside the migrations.
pub const SNAPSHOT_FILE: &str = "authgen.snapshot.json";

/// The snapshot format version.
pub const SNAPSHOT_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotFile {
    authgen_snapshot: u32,
    schema: Schema,
}

/// The snapshot file's contents for `schema`: pretty JSON, LF, trailing newline.
pub fn snapshot_json(schema: &Schema) -> String {
    let mut s = serde_json::to_string_pretty(&SnapshotFile {
        authgen_snapshot: SNAPSHOT_FORMAT,
        schema: schema.clone(),
    })
    .expect("a schema always serializes");
    s.push('\n');
    s
}

/// Reads a snapshot file; `file` names it in errors.
pub fn read_snapshot(text: &str, file: &str) -> Result<Schema, Diagnostic> {
    let snap: SnapshotFile = serde_json::from_str(text)
        .map_err(|e| Diagnostic::new(None, format!("{file}: not an authgen snapshot: {e}")))?;
    if snap.authgen_snapshot != SNAPSHOT_FORMAT {
        return Err(Diagnostic::new(
            None,
            format!(
                "{file}: snapshot format {} is not supported (expected {SNAPSHOT_FORMAT})",
                snap.authgen_snapshot
            ),
        ));
    }
    Ok(snap.schema)
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
        v += 1;
    }
    let forward = renames(&mid, new)?;
    let up = diff(d, &mid, new, &forward)?;
    let down = diff(d, new, &mid, &invert(&forward))?;
    m.destructive.extend(up.destructive.iter().cloned());
    m.changes.extend(up.descriptions.iter().cloned());
    if !up.is_empty() {
        m.files.extend(pair(d, v, name, &up, &down));
    } else {
        v -= 1;
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
