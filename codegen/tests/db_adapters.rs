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
//! evolution.

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
        let node_dir = authgen_testkit::npm::ensure_installed(
            &authgen_testkit::workspace_root().join("fixtures/adapters"),
        );
        let target = match &db {
            Db::Sqlite(path, _) => path.display().to_string(),
            Db::Server(t) => t.url().to_owned(),
        };
        let mut env = self.env.to_vec();
        if webauthn {
            env.push(("WEBAUTHN", "1"));
        }
        let d = self.dialect.as_str();
        authgen_testkit::npm::node(
            &node_dir,
            "flow.mjs",
            &[self.adapter, d, &target],
            b"",
            &env,
        )
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
