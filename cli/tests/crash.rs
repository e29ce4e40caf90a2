//! Crash safety of `authgen generate` and `authgen migrate new`, with real faults: a file where a
//! directory must go, a full disk (`RLIMIT_FSIZE` through util-linux `prlimit`, SIGXFSZ
//! ignored so the write fails with EFBIG), and the process killed between steps (a debug build
//! honours `AUTHGEN_FAIL_AT`). Each time: nothing visible changed (byte for byte), or the next
//! run completes the same migration; then sqlx's migrator applies the history.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_authgen");

const MODEL_V1: &str = r#"
use authgen::{AuthRole, AuthUser};
use serde::{Deserialize, Serialize};

#[derive(AuthRole, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role { User, Admin }

#[derive(AuthUser, Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    #[auth(default = "USER")]
    pub role: Role,
}
"#;

/// v1 plus a column: `ALTER TABLE ... ADD COLUMN` on every dialect.
fn model_v2() -> String {
    MODEL_V1.replace(
        "    pub role: Role,\n",
        "    pub role: Role,\n    pub nickname: Option<String>,\n",
    )
}

/// A project: the model, and `authgen.toml` for PostgreSQL and SQLite.
fn project(label: &str, model: &str) -> std::path::PathBuf {
    let dir = authgen_testkit::scratch_dir(label);
    std::fs::write(dir.join("model.rs"), model).unwrap();
    std::fs::write(
        dir.join("authgen.toml"),
        "input = [\"model.rs\"]\n\n[typescript]\nout_dir = \"web/types\"\n\n[sql]\ndialects = [\"postgres\", \"sqlite\"]\nnaming = \"prisma\"\n",
    )
    .unwrap();
    dir
}

/// Runs the real binary in `cwd`; with `fsize`, under `RLIMIT_FSIZE` of that many bytes.
fn authgen(cwd: &Path, args: &[&str], env: &[(&str, &str)], fsize: Option<u64>) -> Output {
    let mut cmd = match fsize {
        None => Command::new(BIN),
        Some(n) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!(
                    "trap '' XFSZ; exec prlimit --fsize={n}:{n} \"$0\" \"$@\""
                ))
                .arg(BIN);
            c
        }
    };
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("AUTHGEN_FAIL_AT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every file under `dir` and its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn names(t: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    t.keys().map(String::as_str).collect()
}

/// `tree` without the temporary files a killed process leaves.
fn visible(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut t = tree(dir);
    t.retain(|k, _| !k.contains(".authgen-tmp-"));
    t
}

const V1: [(&str, &str); 1] = [("AUTHGEN_MIGRATION_VERSION", "1")];
const V2: [(&str, &str); 1] = [("AUTHGEN_MIGRATION_VERSION", "2")];

/// A project migrated at v1 whose model is now v2.
fn at_v1_model_v2(label: &str) -> std::path::PathBuf {
    let dir = project(label, MODEL_V1);
    let o = authgen(&dir, &["migrate", "new", "init"], &V1, None);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(dir.join("model.rs"), model_v2()).unwrap();
    dir
}

#[test]
fn generate_with_a_file_where_a_directory_must_go_changes_nothing() {
    let dir = project("crash_generate_enotdir", MODEL_V1);
    let o = authgen(&dir, &["generate"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(dir.join("model.rs"), model_v2()).unwrap();
    // `schema` becomes a regular file: schema/postgres.sql cannot be written.
    std::fs::remove_dir_all(dir.join("schema")).unwrap();
    std::fs::write(dir.join("schema"), "not a directory\n").unwrap();
    let before = tree(&dir);
    let o = authgen(&dir, &["generate"], &[], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with(
            "schema/postgres.sql:1:1: error: cannot read: Not a directory (os error 20)"
        ),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(tree(&dir), before, "nothing changed, no temporary file");

    // Again with the TypeScript directory missing: the directories created for it are removed.
    std::fs::remove_dir_all(dir.join("web")).unwrap();
    let before = tree(&dir);
    let o = authgen(&dir, &["generate"], &[], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("schema/postgres.sql:1:1: error"));
    assert_eq!(tree(&dir), before);
    assert!(
        !dir.join("web").exists(),
        "the directories it created are gone"
    );
}

#[test]
fn generate_on_a_full_disk_changes_nothing_then_completes() {
    let dir = project("crash_generate_full", MODEL_V1);
    let o = authgen(&dir, &["generate"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(dir.join("model.rs"), model_v2()).unwrap();
    let before = tree(&dir);
    // The TypeScript files are written in order first; the SQL schemas are larger than the limit.
    let dts = before["web/types/next-auth.d.ts"].len() as u64;
    let sql = before["schema/postgres.sql"].len() as u64;
    assert!(
        dts + 200 < sql,
        "the limit falls between the files: {dts} {sql}"
    );
    let o = authgen(&dir, &["generate"], &[], Some(dts + 100));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with(
            "schema/postgres.sql:1:1: error: cannot write: File too large (os error 27)"
        ),
        "{err}"
    );
    assert_eq!(tree(&dir), before, "nothing changed, no temporary file");
    let o = authgen(&dir, &["generate"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = authgen(&dir, &["check"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn generate_killed_between_renames_is_completed_by_the_next_run() {
    let dir = project("crash_generate_killed", MODEL_V1);
    let o = authgen(&dir, &["generate"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(dir.join("model.rs"), model_v2()).unwrap();
    let o = authgen(
        &dir,
        &["generate"],
        &[("AUTHGEN_FAIL_AT", "rename:1")],
        None,
    );
    assert_eq!(o.status.code(), None, "killed: {}", text(&o));
    let o = authgen(&dir, &["check"], &[], None);
    assert_eq!(o.status.code(), Some(1), "half renamed: {}", text(&o));
    let o = authgen(&dir, &["generate"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = authgen(&dir, &["check"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!tree(&dir).keys().any(|k| k.contains(".authgen-tmp-")));
}

#[test]
fn migrate_new_on_a_full_disk_changes_nothing_and_the_rerun_writes_once() {
    let dir = at_v1_model_v2("crash_migrate_full");
    let before = tree(&dir);
    let o = authgen(&dir, &["migrate", "new", "nickname"], &V2, Some(2000));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "authgen.snapshot.json:1:1: error: cannot write: File too large (os error 27)"
        ),
        "{err}"
    );
    assert_eq!(tree(&dir), before, "no migration, no temporary file");
    let o = authgen(&dir, &["migrate", "new", "nickname"], &V2, None);
    assert!(o.status.success(), "{}", text(&o));
    let after = tree(&dir);
    for d in ["postgres", "sqlite"] {
        let ours: Vec<&str> = names(&after)
            .into_iter()
            .filter(|n| n.starts_with(&format!("migrations/{d}/")))
            .collect();
        assert_eq!(
            ours,
            [
                format!("migrations/{d}/1_init.down.sql"),
                format!("migrations/{d}/1_init.up.sql"),
                format!("migrations/{d}/2_nickname.down.sql"),
                format!("migrations/{d}/2_nickname.up.sql"),
                format!("migrations/{d}/authgen.snapshot.json"),
            ]
        );
    }
    let o = authgen(&dir, &["migrate", "check"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = authgen(&dir, &["migrate", "new", "again"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(tree(&dir), after, "no duplicate migration");
}

/// A file where a dialect's directory must go: refused before anything is written, so the
/// other dialect gets no migration of its own (the issue's "SQLite written, PostgreSQL not").
#[test]
fn migrate_new_with_a_file_where_a_directory_must_go_changes_nothing() {
    let dir = at_v1_model_v2("crash_migrate_enotdir");
    std::fs::rename(dir.join("migrations/postgres"), dir.join("pg-moved")).unwrap();
    std::fs::write(dir.join("migrations/postgres"), "").unwrap();
    let before = tree(&dir);
    let o = authgen(&dir, &["migrate", "new", "nickname"], &V2, None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "migrations/postgres:1:1: error: cannot list: Not a directory (os error 20)\n"
    );
    assert_eq!(tree(&dir), before);
    // Put back, the same command writes both dialects at one version.
    std::fs::remove_file(dir.join("migrations/postgres")).unwrap();
    std::fs::rename(dir.join("pg-moved"), dir.join("migrations/postgres")).unwrap();
    let o = authgen(&dir, &["migrate", "new", "nickname"], &V2, None);
    assert!(o.status.success(), "{}", text(&o));
    for d in ["postgres", "sqlite"] {
        assert!(dir
            .join(format!("migrations/{d}/2_nickname.down.sql"))
            .exists());
    }
}

/// Every step of `migrate new` killed in turn: before the journal nothing visible changed;
/// after it `migrate check` names the interrupted run; either way the next `migrate new`
/// leaves exactly what an uninterrupted run leaves.
#[test]
fn migrate_new_killed_at_every_step_is_completed_by_the_next_run() {
    let reference = at_v1_model_v2("crash_migrate_reference");
    let o = authgen(&reference, &["migrate", "new", "nickname"], &V2, None);
    assert!(o.status.success(), "{}", text(&o));
    let expected = tree(&reference);
    // 2 dialects × (up, down) + 2 snapshots.
    let mut points: Vec<String> = (1..=6).map(|n| format!("temp:{n}")).collect();
    points.push("journal".into());
    points.extend((1..=6).map(|n| format!("rename:{n}")));
    for point in &points {
        let dir = at_v1_model_v2("crash_migrate_killed");
        let before = tree(&dir);
        let env = [V2[0], ("AUTHGEN_FAIL_AT", point.as_str())];
        let o = authgen(&dir, &["migrate", "new", "nickname"], &env, None);
        assert_eq!(o.status.code(), None, "{point}: killed: {}", text(&o));
        let check = authgen(&dir, &["migrate", "check"], &[], None);
        let check_err = String::from_utf8_lossy(&check.stderr).into_owned();
        if point.starts_with("temp:") {
            assert_eq!(visible(&dir), before, "{point}: nothing visible changed");
        } else {
            assert_eq!(check.status.code(), Some(1), "{point}: {}", text(&check));
            assert!(
                check_err.starts_with("migrations/.authgen-pending.json:1:1: error: `authgen migrate new nickname` was interrupted"),
                "{point}: {check_err}"
            );
            assert!(check_err.contains("run `authgen migrate new nickname` to complete it"));
        }
        let o = authgen(&dir, &["migrate", "new", "nickname"], &V2, None);
        assert!(o.status.success(), "{point}: {}", text(&o));
        if !point.starts_with("temp:") {
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(
                out.starts_with("completed the interrupted `authgen migrate new nickname`"),
                "{point}: {out}"
            );
        }
        assert_eq!(
            names(&tree(&dir)),
            names(&expected),
            "{point}: the same files"
        );
        assert!(tree(&dir) == expected, "{point}: byte for byte");
        let o = authgen(&dir, &["migrate", "check"], &[], None);
        assert!(o.status.success(), "{point}: {}", text(&o));
    }
}

/// A file the interrupted run already renamed, edited before the rerun: named, nothing written;
/// abandoning (deleting the journal) leaves a history `migrate check` names the files of.
#[test]
fn an_interrupted_migration_edited_meanwhile_is_named() {
    let dir = at_v1_model_v2("crash_migrate_conflict");
    let env = [V2[0], ("AUTHGEN_FAIL_AT", "rename:1")];
    let o = authgen(&dir, &["migrate", "new", "nickname"], &env, None);
    assert_eq!(o.status.code(), None, "{}", text(&o));
    let up = dir.join("migrations/postgres/2_nickname.up.sql");
    std::fs::write(&up, "-- mine\n").unwrap();
    let before = visible(&dir);
    let o = authgen(&dir, &["migrate", "new", "nickname"], &V2, None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("migrations/postgres/2_nickname.up.sql:1:1: error: changed since the interrupted `authgen migrate new nickname` began"),
        "{err}"
    );
    assert_eq!(visible(&dir), before);
    std::fs::remove_file(dir.join("migrations/.authgen-pending.json")).unwrap();
    let o = authgen(&dir, &["migrate", "check"], &[], None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with(
            "migrations/postgres/2_nickname.up.sql:1:1: error: an up migration without its down"
        ),
        "{}",
        text(&o)
    );
    std::fs::remove_file(&up).unwrap();
    let o = authgen(&dir, &["migrate", "new", "nickname"], &V2, None);
    assert!(o.status.success(), "{}", text(&o));
    let o = authgen(&dir, &["migrate", "check"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
}

/// An interrupted and resumed `migrate new`, then sqlx's migrator runs the SQLite history.
#[test]
fn a_resumed_history_applies_with_sqlx() {
    let dir = at_v1_model_v2("crash_migrate_sqlx");
    let env = [V2[0], ("AUTHGEN_FAIL_AT", "rename:3")];
    let o = authgen(&dir, &["migrate", "new", "nickname"], &env, None);
    assert_eq!(o.status.code(), None, "{}", text(&o));
    let o = authgen(&dir, &["migrate", "new", "nickname"], &V2, None);
    assert!(o.status.success(), "{}", text(&o));
    let migrations = dir.join("migrations/sqlite");
    let (_, url) = authgen_testkit::db::sqlite_file("crash_migrate_sqlx_db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let migrator = sqlx::migrate::Migrator::new(migrations).await.unwrap();
        assert_eq!(
            migrator
                .iter()
                .filter(|m| m.migration_type.is_up_migration())
                .count(),
            2
        );
        migrator.run(&mut conn).await.unwrap();
        let cols: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info('User')")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        assert!(cols.iter().any(|(c,)| c == "nickname"), "{cols:?}");
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        assert_eq!(applied, [(1,), (2,)]);
    });
}
