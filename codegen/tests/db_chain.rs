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
            insert_rows(&mut c, d, &schema, false).await;
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

/// The kysely preset: sessions keyed by their token, accounts by provider and account id, through
/// SQLite's table rebuilds.
#[test]
fn sqlite_kysely() {
    runtime().block_on(chain(Dialect::Sqlite, "kysely"));
}

#[test]
fn sqlite_drizzle() {
    runtime().block_on(chain(Dialect::Sqlite, "drizzle"));
}
