//! The official Auth.js adapters on databases migrated by authgen: `@auth/pg-adapter` on
//! PostgreSQL (pg-adapter preset) and `@auth/kysely-adapter` on PostgreSQL, MariaDB and SQLite
//! (prisma preset), each running the adapter flow of `fixtures/adapters/flow.mjs`.

mod common;

use authgen_codegen::config::Dialect;
use common::*;

const FLOW_STEPS: &str = "createUser, getUser, getUserByEmail, createSession, getSessionAndUser, updateUser, updateSession, linkAccount, getUserByAccount, deleteSession, createVerificationToken, useVerificationToken, unlinkAccount, deleteUser";

async fn flow(adapter: &str, d: Dialect, preset: &str) {
    let label = format!("adapter_{adapter}_{}", d.as_str());
    let schema = build(&model("custom/model.json"), &config(d, preset, false));
    let dir = authgen_testkit::scratch_dir(&label);
    step(d, &dir, None, &schema, 20260101000000, false).expect("initial migration");
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

#[test]
fn pg_adapter_on_postgres() {
    runtime().block_on(flow("pg", Dialect::Postgres, "pg-adapter"));
}

#[test]
fn kysely_adapter_on_postgres() {
    runtime().block_on(flow("kysely", Dialect::Postgres, "prisma"));
}

#[test]
fn kysely_adapter_on_mariadb() {
    runtime().block_on(flow("kysely", Dialect::Mysql, "prisma"));
}

#[test]
fn kysely_adapter_on_sqlite() {
    runtime().block_on(flow("kysely", Dialect::Sqlite, "prisma"));
}
