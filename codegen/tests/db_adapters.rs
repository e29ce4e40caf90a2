//! The official Auth.js adapters on databases migrated by authgen, each preset with its adapter:
//! `@auth/pg-adapter` on PostgreSQL (pg-adapter preset), `@auth/kysely-adapter` on PostgreSQL,
//! MariaDB and SQLite (kysely preset) and `@auth/drizzle-adapter` with its default tables on
//! PostgreSQL, MariaDB and SQLite (drizzle preset, WebAuthn on).
//!
//! `fixtures/adapters/flow.mjs` asserts what Auth.js's `runBasicTests` asserts (each method's
//! result equals the rows read back with `SELECT *`, `null` for unknown ids, tokens and
//! accounts, single-use verification tokens, cascading `deleteUser`, the WebAuthn methods where
//! the adapter has them), on three models: only the Auth.js user columns (every row exactly what
//! was written), a plain string `role` and a `phone` written through the adapter (Auth.js's
//! custom-model mode), and a model with a role enum, a permission list and `createdAt` (their
//! defaults), that last one also on a database migrated step by step through the fixture
//! evolution. Accounts and sessions are compared whole (`SELECT *`) for Kysely and Drizzle: their
//! presets' tables have no `id` there. A drizzle project migrated before that (with the ids) is
//! migrated to the new keys, and the Drizzle flow passes on it.

mod common;

use authgen_codegen::config::{Config, Dialect};
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::sql::schema::{self, Schema};
use common::*;

const BASIC_STEPS: &str = "createUser, getUser, getUserByEmail, createSession, getSessionAndUser, updateUser, updateSession, linkAccount, getUserByAccount, deleteSession, createVerificationToken, useVerificationToken, unlinkAccount";
const WEBAUTHN_STEPS: &str = "getAccount, createAuthenticator, getAuthenticator, listAuthenticatorsByUserId, updateAuthenticatorCounter";

/// A user with only the Auth.js columns: every row the adapters write is exactly what they were
/// given.
const PLAIN_MODEL: &str = r#"
#[derive(AuthUser, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<DateTime<Utc>>,
    pub image: Option<String>,
}
"#;

/// A model of one migration step.
#[derive(Clone, Copy)]
enum Step {
    /// A JSON model under `fixtures/sql`.
    Json(&'static str),
    /// Rust source.
    Rust(&'static str),
    /// `fixtures/<name>/model.rs`.
    Fixture(&'static str),
}

fn schema_of(step: Step, config: &Config) -> Schema {
    match step {
        Step::Json(path) => build(&model(path), config),
        Step::Rust(text) => {
            let checked = parse_sources(&[Source {
                name: "model.rs".into(),
                text: text.into(),
            }])
            .unwrap_or_else(|e| panic!("model: {e:?}"));
            schema::build(&checked, config).unwrap_or_else(|e| panic!("schema errors: {e:?}"))
        }
        Step::Fixture(name) => schema::build(&fixture_model(name), config)
            .unwrap_or_else(|e| panic!("schema errors: {e:?}")),
    }
}

/// What a flow runs on and expects.
struct Flow {
    adapter: &'static str,
    dialect: Dialect,
    preset: &'static str,
    steps: &'static [Step],
    /// `EXACT`, `CUSTOM_MODEL`, `EXPECT_ROLE` for `flow.mjs`.
    env: &'static [(&'static str, &'static str)],
}

impl Flow {
    fn label(&self) -> String {
        let kind = match self.steps.last() {
            Some(Step::Rust(_)) => "plain",
            Some(Step::Fixture(_)) => "custom",
            _ => "enum",
        };
        format!(
            "adapter_{}_{}_{}_{kind}_{}",
            self.adapter,
            self.preset.replace('-', ""),
            self.dialect.as_str(),
            self.steps.len()
        )
    }

    /// Migrates a fresh database through `steps` (one incremental migration each) and runs
    /// `flow.mjs` on it; returns node's output.
    async fn run(&self) -> std::process::Output {
        let label = self.label();
        let webauthn = self.adapter == "drizzle";
        let dir = authgen_testkit::scratch_dir(&label);
        let mut prev = None;
        let mut version = 20260101000000;
        for s in self.steps {
            let schema = schema_of(*s, &config(self.dialect, self.preset, webauthn));
            let mig = step(self.dialect, &dir, prev.as_ref(), &schema, version, true);
            version = mig.expect("a migration").last_version + 1;
            prev = Some(schema);
        }
        let db = Db::new(self.dialect, &label).await;
        let mut c = Conn::open(self.dialect, db.url()).await;
        c.migrate(&dir)
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        drop(c);
        let mut env = self.env.to_vec();
        if webauthn {
            env.push(("WEBAUTHN", "1"));
        }
        node_flow(self.adapter, self.dialect, &db, &env)
    }

    /// Runs the flow and asserts that every step passed.
    async fn passes(&self) {
        let out = self.run().await;
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "{}: {stdout}\n{stderr}", self.label());
        let expected = if self.adapter == "drizzle" {
            format!("flow ok: {BASIC_STEPS}, {WEBAUTHN_STEPS}, deleteUser")
        } else {
            format!("flow ok: {BASIC_STEPS}, deleteUser")
        };
        assert_eq!(stdout.trim(), expected, "{}", self.label());
    }
}

/// Runs `flow.mjs` for `adapter` on `db` with `env`; returns node's output.
fn node_flow(adapter: &str, d: Dialect, db: &Db, env: &[(&str, &str)]) -> std::process::Output {
    let node_dir = authgen_testkit::npm::ensure_installed(
        &authgen_testkit::workspace_root().join("fixtures/adapters"),
    );
    let target = match db {
        Db::Sqlite(path, _) => path.display().to_string(),
        Db::Server(t) => t.url().to_owned(),
    };
    authgen_testkit::npm::node(
        &node_dir,
        "flow.mjs",
        &[adapter, d.as_str(), &target],
        b"",
        env,
    )
}

const ENUM_FRESH: &[Step] = &[Step::Json("custom/model.json")];
/// The evolution v1 → v4, then the custom model (drops columns, removes a role value: on SQLite
/// the users table is rebuilt under the sessions and accounts that reference it).
const ENUM_EVOLVED: &[Step] = &[
    Step::Json("evolution/v1.json"),
    Step::Json("evolution/v2.json"),
    Step::Json("evolution/v3.json"),
    Step::Json("evolution/v4.json"),
    Step::Json("custom/model.json"),
];
const PLAIN: &[Step] = &[Step::Rust(PLAIN_MODEL)];
/// Auth.js's custom-model mode: a free-form `role: Option<String>` (`"admin"`) and a `phone`.
const CUSTOM: &[Step] = &[Step::Fixture("custom-role")];

const ENUM_ENV: &[(&str, &str)] = &[("EXPECT_ROLE", "USER")];
const EXACT_ENV: &[(&str, &str)] = &[("EXACT", "1")];
const CUSTOM_ENV: &[(&str, &str)] = &[("EXACT", "1"), ("CUSTOM_MODEL", "1")];

macro_rules! flows {
    ($($name:ident: $adapter:expr, $d:ident, $preset:expr, $steps:expr, $env:expr;)*) => {$(
        #[test]
        fn $name() {
            let flow = Flow {
                adapter: $adapter,
                dialect: Dialect::$d,
                preset: $preset,
                steps: $steps,
                env: $env,
            };
            runtime().block_on(flow.passes());
        }
    )*};
}

flows! {
    pg_adapter_on_postgres_plain: "pg", Postgres, "pg-adapter", PLAIN, EXACT_ENV;
    pg_adapter_on_postgres: "pg", Postgres, "pg-adapter", ENUM_FRESH, ENUM_ENV;
    pg_adapter_on_evolved_postgres: "pg", Postgres, "pg-adapter", ENUM_EVOLVED, ENUM_ENV;

    kysely_adapter_on_postgres_plain: "kysely", Postgres, "kysely", PLAIN, EXACT_ENV;
    kysely_adapter_on_mariadb_plain: "kysely", Mysql, "kysely", PLAIN, EXACT_ENV;
    kysely_adapter_on_sqlite_plain: "kysely", Sqlite, "kysely", PLAIN, EXACT_ENV;
    kysely_adapter_on_postgres_custom_columns: "kysely", Postgres, "kysely", CUSTOM, CUSTOM_ENV;
    kysely_adapter_on_mariadb_custom_columns: "kysely", Mysql, "kysely", CUSTOM, CUSTOM_ENV;
    kysely_adapter_on_sqlite_custom_columns: "kysely", Sqlite, "kysely", CUSTOM, CUSTOM_ENV;
    kysely_adapter_on_postgres: "kysely", Postgres, "kysely", ENUM_FRESH, ENUM_ENV;
    kysely_adapter_on_mariadb: "kysely", Mysql, "kysely", ENUM_FRESH, ENUM_ENV;
    kysely_adapter_on_sqlite: "kysely", Sqlite, "kysely", ENUM_FRESH, ENUM_ENV;
    kysely_adapter_on_evolved_postgres: "kysely", Postgres, "kysely", ENUM_EVOLVED, ENUM_ENV;
    kysely_adapter_on_evolved_mariadb: "kysely", Mysql, "kysely", ENUM_EVOLVED, ENUM_ENV;
    kysely_adapter_on_evolved_sqlite: "kysely", Sqlite, "kysely", ENUM_EVOLVED, ENUM_ENV;

    drizzle_adapter_on_postgres_plain: "drizzle", Postgres, "drizzle", PLAIN, EXACT_ENV;
    drizzle_adapter_on_mariadb_plain: "drizzle", Mysql, "drizzle", PLAIN, EXACT_ENV;
    drizzle_adapter_on_sqlite_plain: "drizzle", Sqlite, "drizzle", PLAIN, EXACT_ENV;
    drizzle_adapter_on_postgres_custom_columns: "drizzle", Postgres, "drizzle", CUSTOM, CUSTOM_ENV;
    drizzle_adapter_on_mariadb_custom_columns: "drizzle", Mysql, "drizzle", CUSTOM, CUSTOM_ENV;
    drizzle_adapter_on_sqlite_custom_columns: "drizzle", Sqlite, "drizzle", CUSTOM, CUSTOM_ENV;
    drizzle_adapter_on_postgres: "drizzle", Postgres, "drizzle", ENUM_FRESH, ENUM_ENV;
    drizzle_adapter_on_mariadb: "drizzle", Mysql, "drizzle", ENUM_FRESH, ENUM_ENV;
    drizzle_adapter_on_sqlite: "drizzle", Sqlite, "drizzle", ENUM_FRESH, ENUM_ENV;
    drizzle_adapter_on_evolved_postgres: "drizzle", Postgres, "drizzle", ENUM_EVOLVED, ENUM_ENV;
    drizzle_adapter_on_evolved_mariadb: "drizzle", Mysql, "drizzle", ENUM_EVOLVED, ENUM_ENV;
    drizzle_adapter_on_evolved_sqlite: "drizzle", Sqlite, "drizzle", ENUM_EVOLVED, ENUM_ENV;
}

/// Why the kysely preset exists: on the prisma preset's tables the Kysely adapter's sessions
/// come back without the `id` column the table has (its `getSessionAndUser` never selects it),
/// so the session it returns is not the row.
#[test]
fn kysely_adapter_on_the_prisma_preset_misses_the_session_id() {
    let flow = Flow {
        adapter: "kysely",
        dialect: Dialect::Sqlite,
        preset: "prisma",
        steps: PLAIN,
        env: EXACT_ENV,
    };
    let out = runtime().block_on(flow.run());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("kysely/sqlite: step createSession failed") && stderr.contains("-   id: '"),
        "{stderr}"
    );
}

/// The drizzle preset's PostgreSQL ids are text: an id that is not a UUID finds nothing instead
/// of failing the query (`listAuthenticatorsByUserId("invalid-user-id")` in the flow), as on
/// Drizzle's own tables.
#[test]
fn drizzle_preset_ids_are_text_on_postgres() {
    use authgen_codegen::sql::schema::ColType;
    let schema = schema_of(
        Step::Rust(PLAIN_MODEL),
        &config(Dialect::Postgres, "drizzle", true),
    );
    for t in &schema.tables {
        for c in t
            .columns
            .iter()
            .filter(|c| c.name == "id" || c.name == "userId")
        {
            assert_eq!(c.ty, ColType::UuidText, "{}.{}", t.name, c.name);
        }
    }
    let sql = authgen_codegen::sql::render_schema(Dialect::Postgres, &schema);
    assert!(
        sql.contains("\"id\" TEXT NOT NULL DEFAULT gen_random_uuid()"),
        "{sql}"
    );
    assert!(!sql.contains("UUID NOT NULL"), "{sql}");
}

/// docs/sql.md's claim: a new better-sqlite3 12 connection enforces foreign keys (and so
/// `ON DELETE CASCADE`) before any pragma.
#[test]
fn better_sqlite3_enforces_foreign_keys_by_default() {
    let dir = authgen_testkit::npm::ensure_installed(
        &authgen_testkit::workspace_root().join("fixtures/adapters"),
    );
    let out = authgen_testkit::npm::node_ok(&dir, "sqlite-defaults.mjs", &[], b"", &[]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
    assert!(v["version"].as_str().unwrap().starts_with("12."), "{v}");
    assert_eq!(
        (
            v["foreignKeys"].as_i64(),
            v["childrenAfterCascade"].as_i64()
        ),
        (Some(1), Some(0)),
        "{v}"
    );
}

/// The drizzle preset's tables before its accounts and sessions lost their `id`
/// (`fixtures/sql/drizzle-ids`: the seed model's `migrate new init` and snapshot as authgen wrote
/// them then). `migrate new` on such a project refuses without `--allow-destructive`, naming the
/// dropped `id` columns; with it, the migration drops the unique indexes and the `id` keys and
/// keys accounts by provider and account id and sessions by their token. On the real database:
/// the result equals a fresh migration of the new schema, every other column of the rows keeps
/// its value, the down restores the earlier tables, and the Drizzle adapter's flow passes.
async fn drizzle_ids_dropped(d: Dialect) {
    let label = format!("drizzle_ids_{}", d.as_str());
    let fixture = authgen_testkit::workspace_root().join("fixtures/sql/drizzle-ids");
    let dir = authgen_testkit::scratch_dir(&label);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(fixture.join("db").join(d.as_str())).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let snapshot = std::fs::read_to_string(dir.join("authgen.snapshot.json")).unwrap();
    let old = authgen_codegen::sql::plan::parse_snapshot(&snapshot, "authgen.snapshot.json")
        .unwrap()
        .schema;
    let model = parse_sources(&[Source {
        name: "model.rs".into(),
        text: std::fs::read_to_string(fixture.join("model.rs")).unwrap(),
    }])
    .unwrap_or_else(|e| panic!("model: {e:?}"));
    let new = schema::build(&model, &config(d, "drizzle", false))
        .unwrap_or_else(|e| panic!("schema errors: {e:?}"));

    let db = Db::new(d, &label).await;
    let mut c = Conn::open(d, db.url()).await;
    c.migrate(&dir)
        .await
        .unwrap_or_else(|e| panic!("{label}: init: {e}"));
    let with_ids = c.introspect().await;
    insert_rows(&mut c, d, &old, false).await;
    let rows_before = dump_all(&mut c, d, &old).await;

    let version = 20260101000000;
    let refused = authgen_codegen::sql::plan::plan(d, Some(&old), &new, version, "keys", false)
        .expect_err("dropping the ids is destructive");
    let notes = refused[0].notes.join("\n");
    for table in ["account", "session"] {
        assert!(
            notes.contains(&format!("drop column `{table}`.`id`")),
            "{refused:?}"
        );
    }
    let m = step(d, &dir, Some(&old), &new, version, true).expect("a migration");
    for (table, key) in [
        ("account", "(`provider`, `providerAccountId`)"),
        ("session", "(`sessionToken`)"),
    ] {
        let line = format!("change the primary key of `{table}` from (`id`) to {key}");
        assert!(m.changes.contains(&line), "{:?}", m.changes);
    }
    c.migrate(&dir)
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    let fresh = fresh_introspection(d, &new, &format!("{label}_fresh")).await;
    assert_eq!(
        c.introspect().await,
        fresh,
        "{label}: differs from a fresh schema"
    );
    assert_eq!(
        dump_rows(&mut c, d, &old, &new).await,
        dump_rows_from(&rows_before, &old, &new),
        "{label}: rows changed"
    );
    // Two users, so a second account and a second session: the down gives each row its own id.
    let q = |s: &str| authgen_codegen::sql::dialect::quote(d, s);
    let expires = if d == Dialect::Sqlite {
        "1735689600000"
    } else {
        "'2025-01-01 00:00:00'"
    };
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}, {}) SELECT {}, 'oauth', 'github', {} FROM {};",
        q("account"),
        q("userId"),
        q("type"),
        q("provider"),
        q("providerAccountId"),
        q("id"),
        q("email"),
        q("user")
    ))
    .await;
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}) SELECT {}, {}, {expires} FROM {};",
        q("session"),
        q("sessionToken"),
        q("userId"),
        q("expires"),
        q("email"),
        q("id"),
        q("user")
    ))
    .await;
    c.undo(&dir, version - 1)
        .await
        .unwrap_or_else(|e| panic!("{label}: down: {e}"));
    assert_eq!(
        c.introspect().await,
        with_ids,
        "{label}: the down does not restore the ids"
    );
    c.migrate(&dir)
        .await
        .unwrap_or_else(|e| panic!("{label}: up again: {e}"));
    drop(c);
    let out = node_flow("drizzle", d, &db, ENUM_ENV);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{label}: {stdout}\n{stderr}");
    assert_eq!(stdout.trim(), format!("flow ok: {BASIC_STEPS}, deleteUser"));
}

#[test]
fn drizzle_ids_dropped_from_an_earlier_project_on_postgres() {
    runtime().block_on(drizzle_ids_dropped(Dialect::Postgres));
}

#[test]
fn drizzle_ids_dropped_from_an_earlier_project_on_mariadb() {
    runtime().block_on(drizzle_ids_dropped(Dialect::Mysql));
}

#[test]
fn drizzle_ids_dropped_from_an_earlier_project_on_sqlite() {
    runtime().block_on(drizzle_ids_dropped(Dialect::Sqlite));
}

/// The kysely and drizzle presets key accounts by provider and account id and sessions by their
/// token, without an `id` column, as their adapters' own tables; pg-adapter and prisma keep `id`.
#[test]
fn account_and_session_keys_per_preset() {
    for (preset, keyed_by_id) in [
        ("kysely", false),
        ("drizzle", false),
        ("prisma", true),
        ("pg-adapter", true),
    ] {
        let schema = schema_of(
            Step::Rust(PLAIN_MODEL),
            &config(Dialect::Sqlite, preset, true),
        );
        for (key, natural) in [
            ("account", &["provider", "providerAccountId"][..]),
            ("session", &["sessionToken"][..]),
        ] {
            let t = schema.table(key).unwrap();
            let expected: Vec<&str> = if keyed_by_id {
                vec!["id"]
            } else {
                natural.to_vec()
            };
            assert_eq!(t.primary_key, expected, "{preset} {key}");
            assert_eq!(t.column("id").is_some(), keyed_by_id, "{preset} {key}");
            let unique: Vec<&Vec<String>> = t
                .indexes
                .iter()
                .filter(|i| i.unique)
                .map(|i| &i.columns)
                .collect();
            assert_eq!(
                unique.len(),
                usize::from(keyed_by_id),
                "{preset} {key}: {unique:?}"
            );
        }
    }
}
