//! Fixture evolutions v1 → v6 (`fixtures/sql/evolution`), one incremental migration per step,
//! applied with sqlx's migrator on the real databases. After every step the introspected schema
//! equals a fresh initial migration of that step's model; rows inserted at v1 are unchanged by
//! the non-destructive steps; the downs back to v1 restore v1's schema.

mod common;

use authgen_codegen::config::Dialect;
use authgen_codegen::sql::plan::plan;
use authgen_codegen::sql::schema::Schema;
use common::*;

/// (model file, WebAuthn on, destructive)
const STEPS: [(&str, bool, bool); 6] = [
    ("evolution/v1.json", false, false),
    ("evolution/v2.json", false, false),
    ("evolution/v3.json", false, false),
    ("evolution/v4.json", false, false),
    ("evolution/v5.json", true, true),
    ("evolution/v6.json", false, true),
];

async fn chain(d: Dialect, preset: &str) {
    let label = format!("chain_{}_{}", d.as_str(), preset.replace('-', ""));
    let dir = authgen_testkit::scratch_dir(&label);
    let db = Db::new(d, &label).await;
    let mut c = Conn::open(d, db.url()).await;
    let mut prev: Option<Schema> = None;
    let mut version = 20260101000000_i64;
    let mut v1_last = 0;
    let mut v1_schema = String::new();
    let mut rows_before: Vec<String> = Vec::new();
    for (i, (file, webauthn, destructive)) in STEPS.iter().enumerate() {
        let schema = build(&model(file), &config(d, preset, *webauthn));
        if *destructive {
            let refused = plan(d, prev.as_ref(), &schema, version, "step", false)
                .expect_err("a destructive step is refused without --allow-destructive");
            assert!(
                refused[0].message.contains("destructive") && !refused[0].notes.is_empty(),
                "{refused:?}"
            );
        }
        let m = step(d, &dir, prev.as_ref(), &schema, version, *destructive)
            .unwrap_or_else(|| panic!("{label}: {file} changed nothing"));
        if i == 1 && d == Dialect::Postgres {
            // The new role value gets a migration of its own, before the rest.
            assert_eq!(m.files.len(), 4, "{:?}", m.files);
            assert!(m.files[0]
                .contents
                .contains("ADD VALUE 'MODERATOR' BEFORE 'ADMIN'"));
        }
        version = m.last_version + 1;
        c.migrate(&dir)
            .await
            .unwrap_or_else(|e| panic!("{label}: migrating to {file}: {e}"));
        if i == 0 {
            insert_rows(&mut c, d, preset).await;
            v1_last = m.last_version;
            v1_schema = c.introspect().await;
        } else if !destructive {
            let prev_schema = prev.as_ref().expect("previous schema");
            let now = dump_rows(&mut c, d, prev_schema, &schema).await;
            let before: Vec<String> = dump_rows_from(&rows_before, prev_schema, &schema);
            assert_eq!(
                now, before,
                "{label}: rows changed by the migration to {file}"
            );
        }
        rows_before = dump_all(&mut c, d, &schema).await;
        let fresh = fresh_introspection(d, &schema, &format!("{label}_{i}")).await;
        assert_eq!(
            c.introspect().await,
            fresh,
            "{label}: after {file} the incremental schema differs from a fresh one"
        );
        prev = Some(schema);
    }
    c.undo(&dir, v1_last)
        .await
        .unwrap_or_else(|e| panic!("{label}: reverting to v1: {e}"));
    assert_eq!(
        c.introspect().await,
        v1_schema,
        "{label}: the downs do not restore v1"
    );
}

async fn insert_rows(c: &mut Conn, d: Dialect, preset: &str) {
    let ts = match d {
        Dialect::Postgres => "'2024-01-02T03:04:05.678Z'",
        Dialect::Mysql => "'2024-01-02 03:04:05.678'",
        Dialect::Sqlite => "'2024-01-02T03:04:05.678Z'",
    };
    let q = |s: &str| authgen_codegen::sql::dialect::quote(d, s);
    let (user, account, session, vt) = match preset {
        "pg-adapter" => ("users", "accounts", "sessions", "verification_token"),
        _ => ("User", "Account", "Session", "VerificationToken"),
    };
    let (u1, u2) = if preset == "pg-adapter" {
        ("1".to_owned(), "2".to_owned())
    } else {
        (
            "'11111111-1111-4111-8111-111111111111'".to_owned(),
            "'22222222-2222-4222-8222-222222222222'".to_owned(),
        )
    };
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}, {}, {}) VALUES ({u1}, 'Ann', 'ann@example.com', {ts}, NULL), ({u2}, NULL, 'bob@example.com', NULL, 'https://example.com/b.png');",
        q(user), q("id"), q("name"), q("email"), q("emailVerified"), q("image")
    ))
    .await;
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}, {}, {}) VALUES ({u1}, 'oauth', 'github', 'gh-1', 1735689600);",
        q(account),
        q("userId"),
        q("type"),
        q("provider"),
        q("providerAccountId"),
        q("expires_at")
    ))
    .await;
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}) VALUES ('tok-1', {u2}, {ts});",
        q(session),
        q("sessionToken"),
        q("userId"),
        q("expires")
    ))
    .await;
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}) VALUES ('ann@example.com', 'hash', {ts});",
        q(vt),
        q("identifier"),
        q("token"),
        q("expires")
    ))
    .await;
}

/// Every row of every table of `schema`, each column as `table.column=value`, sorted.
async fn dump_all(c: &mut Conn, d: Dialect, schema: &Schema) -> Vec<String> {
    dump_rows(c, d, schema, schema).await
}

/// Whether a column's values must survive the change from `b` to `a`: same type, and no NULLs
/// filled by a new NOT NULL with a default.
fn kept(
    b: &authgen_codegen::sql::schema::Column,
    a: &authgen_codegen::sql::schema::Column,
) -> bool {
    a.ty == b.ty && a.nullable == b.nullable
}

/// The rows of the columns `before` and `after` share (see [`kept`]).
async fn dump_rows(c: &mut Conn, d: Dialect, before: &Schema, after: &Schema) -> Vec<String> {
    let q = |s: &str| authgen_codegen::sql::dialect::quote(d, s);
    let cast = if d == Dialect::Mysql { "CHAR" } else { "TEXT" };
    let mut out = Vec::new();
    for t in &after.tables {
        let Some(bt) = before.table(&t.key) else {
            continue;
        };
        let cols: Vec<&str> = t
            .columns
            .iter()
            .filter(|col| bt.column(&col.name).is_some_and(|b| kept(b, col)))
            .map(|col| col.name.as_str())
            .collect();
        let select = cols
            .iter()
            .map(|col| format!("CAST({} AS {cast})", q(col)))
            .collect::<Vec<_>>()
            .join(", ");
        for row in c
            .rows(&format!("SELECT {select} FROM {}", q(&t.name)))
            .await
        {
            let values: Vec<&str> = row.split(" | ").collect();
            let fields: Vec<String> = cols
                .iter()
                .zip(values)
                .map(|(col, v)| format!("{}.{col}={v}", t.key))
                .collect();
            out.push(fields.join(", "));
        }
    }
    out.sort();
    out
}

/// The rows of a previous [`dump_all`] restricted to the columns `before` and `after` share.
fn dump_rows_from(rows: &[String], before: &Schema, after: &Schema) -> Vec<String> {
    let mut out: Vec<String> = rows
        .iter()
        .map(|row| {
            row.split(", ")
                .filter(|field| {
                    let (path, _) = field.split_once('=').unwrap_or((field, ""));
                    let (key, col) = path.split_once('.').unwrap_or((path, ""));
                    let b = before.table(key).and_then(|t| t.column(col));
                    let a = after.table(key).and_then(|t| t.column(col));
                    matches!((a, b), (Some(a), Some(b)) if kept(b, a))
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    out.sort();
    out
}

#[test]
fn postgres_prisma() {
    runtime().block_on(chain(Dialect::Postgres, "prisma"));
}

#[test]
fn postgres_pg_adapter() {
    runtime().block_on(chain(Dialect::Postgres, "pg-adapter"));
}

#[test]
fn mysql_prisma() {
    runtime().block_on(chain(Dialect::Mysql, "prisma"));
}

#[test]
fn sqlite_prisma() {
    runtime().block_on(chain(Dialect::Sqlite, "prisma"));
}

#[test]
fn sqlite_drizzle() {
    runtime().block_on(chain(Dialect::Sqlite, "drizzle"));
}
