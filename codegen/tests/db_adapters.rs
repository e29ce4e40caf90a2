//! The official Auth.js adapters on databases migrated by authgen: `@auth/pg-adapter` on
//! PostgreSQL (pg-adapter preset), `@auth/kysely-adapter` on PostgreSQL, MariaDB and SQLite
//! (prisma preset) and `@auth/drizzle-adapter` with its default tables on PostgreSQL, MariaDB and
//! SQLite (drizzle preset), each running the adapter flow of `fixtures/adapters/flow.mjs`, on a
//! database made by the initial migration and on one migrated step by step through the fixture
//! evolution.

mod common;

use authgen_codegen::config::Dialect;
use common::*;

const FLOW_STEPS: &str = "createUser, getUser, getUserByEmail, createSession, getSessionAndUser, updateUser, updateSession, linkAccount, getUserByAccount, deleteSession, createVerificationToken, useVerificationToken, unlinkAccount, deleteUser";

/// Runs the flow on a database migrated through `models` (the last is the custom-column model),
/// one incremental migration per model.
async fn flow(adapter: &str, d: Dialect, preset: &str, models: &[&str]) {
    let label = format!("adapter_{adapter}_{}_{}", d.as_str(), models.len());
    let dir = authgen_testkit::scratch_dir(&label);
    let mut prev = None;
    let mut version = 20260101000000;
    for m in models {
        let schema = build(&model(m), &config(d, preset, false));
        let mig = step(d, &dir, prev.as_ref(), &schema, version, true).expect("a migration");
        version = mig.last_version + 1;
        prev = Some(schema);
    }
    let db = Db::new(d, &label).await;
    let mut c = Conn::open(d, db.url()).await;
    c.migrate(&dir)
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    drop(c);

    let node_dir = authgen_testkit::npm::ensure_installed(
        &authgen_testkit::workspace_root().join("fixtures/adapters"),
    );
    let target = match &db {
        Db::Sqlite(path, _) => path.display().to_string(),
        Db::Server(t) => t.url().to_owned(),
    };
    let out = authgen_testkit::npm::node_ok(
        &node_dir,
        "flow.mjs",
        &[adapter, d.as_str(), &target],
        b"",
        &[("EXPECT_ROLE", "USER")],
    );
    assert_eq!(out.trim(), format!("flow ok: {FLOW_STEPS}"), "{label}");
}

const FRESH: &[&str] = &["custom/model.json"];
/// The evolution v1 → v4, then the custom model (drops columns, removes a role value: on SQLite
/// the users table is rebuilt under the sessions and accounts that reference it).
const EVOLVED: &[&str] = &[
    "evolution/v1.json",
    "evolution/v2.json",
    "evolution/v3.json",
    "evolution/v4.json",
    "custom/model.json",
];

#[test]
fn pg_adapter_on_postgres() {
    runtime().block_on(flow("pg", Dialect::Postgres, "pg-adapter", FRESH));
}

#[test]
fn kysely_adapter_on_postgres() {
    runtime().block_on(flow("kysely", Dialect::Postgres, "prisma", FRESH));
}

#[test]
fn kysely_adapter_on_mariadb() {
    runtime().block_on(flow("kysely", Dialect::Mysql, "prisma", FRESH));
}

#[test]
fn kysely_adapter_on_sqlite() {
    runtime().block_on(flow("kysely", Dialect::Sqlite, "prisma", FRESH));
}

#[test]
fn pg_adapter_on_evolved_postgres() {
    runtime().block_on(flow("pg", Dialect::Postgres, "pg-adapter", EVOLVED));
}

#[test]
fn kysely_adapter_on_evolved_postgres() {
    runtime().block_on(flow("kysely", Dialect::Postgres, "prisma", EVOLVED));
}

#[test]
fn kysely_adapter_on_evolved_mariadb() {
    runtime().block_on(flow("kysely", Dialect::Mysql, "prisma", EVOLVED));
}

#[test]
fn kysely_adapter_on_evolved_sqlite() {
    runtime().block_on(flow("kysely", Dialect::Sqlite, "prisma", EVOLVED));
}

#[test]
fn drizzle_adapter_on_postgres() {
    runtime().block_on(flow("drizzle", Dialect::Postgres, "drizzle", FRESH));
}

#[test]
fn drizzle_adapter_on_mariadb() {
    runtime().block_on(flow("drizzle", Dialect::Mysql, "drizzle", FRESH));
}

#[test]
fn drizzle_adapter_on_sqlite() {
    runtime().block_on(flow("drizzle", Dialect::Sqlite, "drizzle", FRESH));
}

#[test]
fn drizzle_adapter_on_evolved_sqlite() {
    runtime().block_on(flow("drizzle", Dialect::Sqlite, "drizzle", EVOLVED));
}

#[test]
fn drizzle_adapter_on_evolved_postgres() {
    runtime().block_on(flow("drizzle", Dialect::Postgres, "drizzle", EVOLVED));
}

#[test]
fn drizzle_adapter_on_evolved_mariadb() {
    runtime().block_on(flow("drizzle", Dialect::Mysql, "drizzle", EVOLVED));
}
