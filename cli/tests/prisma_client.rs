//! The real Prisma 7 client and `@auth/prisma-adapter` 2.11 on databases created by authgen's own
//! SQL (`fixtures/prisma-client`: prisma, @prisma/client and the driver adapters
//! `@prisma/adapter-pg`, `@prisma/adapter-mariadb`, `@prisma/adapter-better-sqlite3` 7.10.0,
//! better-sqlite3 12, pinned, `npm ci`). For each case the client is generated offline from the
//! generated `auth.prisma` (schema-engine download bypassed) and the adapter's whole flow runs:
//! users by id, email and account, sessions with their user, update, link, get and unlink
//! accounts, WebAuthn authenticators (`[sql] webauthn = true`: create, get, list, update the
//! counter), verification tokens used once, and deleting a user removing its sessions, accounts
//! and authenticators. Cases: the `prisma`, the `drizzle` (other table names, through `@@map`)
//! and the `kysely` preset on PostgreSQL, MariaDB and SQLite (`drizzle` and `kysely`: accounts
//! and sessions without `id`, keyed by provider and account id and by the session token, as in
//! Auth.js's own Prisma schema; `drizzle` on SQLite stores epoch milliseconds, read
//! with the SQLite adapter's `timestampFormat: "unixepoch-ms"`). What the runtime reads from rows
//! Prisma wrote is proven in `runtime/tests/prisma_sessions.rs`.

mod common;

use std::path::{Path, PathBuf};

use authgen_codegen::config::{Config, Dialect};
use authgen_codegen::emit::Emitter;
use authgen_codegen::frontend::check::Checked;
use authgen_codegen::prisma::{PrismaConfig, PrismaSchema, Provider};
use authgen_testkit::db::{Server, TempDb};
use common::{checked_text, root};
use serde_json::{json, Value};
use sqlx::Connection;

/// `auth.prisma` and the schema SQL of the seed model under `config`.
fn outputs(config: &Config, d: Dialect) -> (String, String) {
    let model = seed(false);
    let prisma = PrismaSchema.emit(&model, config).unwrap()[0]
        .contents
        .clone();
    let schema = authgen_codegen::sql::schema::build(&model, config).unwrap();
    let sql = authgen_codegen::sql::render_schema(d, &schema);
    (prisma, sql)
}

/// The seed model; with `required_email`, its user's `email` is a `String`, not an `Option`.
fn seed(required_email: bool) -> Checked {
    let mut text = std::fs::read_to_string(root().join("fixtures/seed/model.rs")).unwrap();
    if required_email {
        text = text.replacen("pub email: Option<String>,", "pub email: String,", 1);
    }
    checked_text("seed", text)
}

/// Writes `prisma` and a `prisma-client-js` generator into a scratch directory of the fixture
/// and generates the client into its `generated/` offline.
fn generate_client(fixture: &Path, prisma: &str, label: &str) -> Scratch {
    let scratch = Scratch(fixture.join(format!(".authgen-tmp-{label}-{}", std::process::id())));
    let schema_dir = scratch.0.join("schema");
    std::fs::create_dir_all(&schema_dir).unwrap();
    std::fs::write(schema_dir.join("auth.prisma"), prisma).unwrap();
    std::fs::write(
        schema_dir.join("app.prisma"),
        "generator client {\n  provider = \"prisma-client-js\"\n  output   = \"../generated\"\n}\n",
    )
    .unwrap();
    authgen_testkit::npm::node_ok(
        fixture,
        "node_modules/prisma/build/index.js",
        &["generate", "--schema", schema_dir.to_str().unwrap()],
        b"",
        &[
            ("PRISMA_SCHEMA_ENGINE_BINARY", "/bin/true"),
            ("CHECKPOINT_DISABLE", "1"),
        ],
    );
    scratch
}

/// A scratch directory inside the fixture (so the generated client resolves its runtime),
/// removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs our SQL on the database at `url`.
async fn migrate(d: Dialect, url: &str, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match d {
        Dialect::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        }
        Dialect::Mysql => {
            let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        }
        Dialect::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        }
    }
}

/// Generates the client for `preset` on `d` and runs the adapter flow on a fresh database.
async fn run_case(fixture: &Path, preset: &str, d: Dialect) -> Value {
    let mut config = Config::default();
    config.sql.naming = preset.into();
    config.sql.webauthn = true;
    config.prisma = Some(PrismaConfig {
        provider: Some(Provider::from(d)),
        ..PrismaConfig::default()
    });
    let (prisma, sql) = outputs(&config, d);
    let scratch = generate_client(fixture, &prisma, &format!("{preset}-{}", d.as_str()));
    let (_db, url, target) = match d {
        Dialect::Postgres | Dialect::Mysql => {
            let server = if d == Dialect::Postgres {
                Server::Postgres
            } else {
                Server::MySql
            };
            let db = TempDb::new(server, "prisma_client").await;
            let url = db.url().to_owned();
            (Some(db), url.clone(), url)
        }
        Dialect::Sqlite => {
            let path = scratch.0.join("auth.db");
            let url = format!("sqlite://{}?mode=rwc", path.display());
            (None, url, path.display().to_string())
        }
    };
    migrate(d, &url, &sql).await;
    let ms = preset == "drizzle" && d == Dialect::Sqlite;
    let input = json!({
        "provider": Provider::from(d).as_str(),
        "url": target,
        "timestampFormat": if ms { "unixepoch-ms" } else { "iso8601" },
    });
    let out = authgen_testkit::npm::node_ok(
        fixture,
        "flow.mjs",
        &[scratch.0.to_str().unwrap()],
        input.to_string().as_bytes(),
        &[],
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn the_real_adapter_runs_its_flow_on_databases_migrated_by_authgen() {
    let fixture = authgen_testkit::npm::ensure_installed(&root().join("fixtures/prisma-client"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cases = [
        ("prisma", Dialect::Sqlite),
        ("prisma", Dialect::Postgres),
        ("prisma", Dialect::Mysql),
        ("drizzle", Dialect::Postgres),
        ("drizzle", Dialect::Mysql),
        ("drizzle", Dialect::Sqlite),
        ("kysely", Dialect::Postgres),
        ("kysely", Dialect::Mysql),
        ("kysely", Dialect::Sqlite),
    ];
    for (preset, d) in cases {
        let r = rt.block_on(run_case(&fixture, preset, d));
        check_flow(&r);
    }
}

fn check_flow(r: &Value) {
    let user = &r["createdUser"];
    let id = user["id"].as_str().expect("a string id");
    assert_eq!(id.len(), 36, "{user}");
    assert_eq!(user["role"], "USER", "the enum default: {user}");
    assert_eq!(user["permissions"], json!([]), "{user}");
    assert!(user["createdAt"].as_str().is_some(), "{user}");
    assert_eq!(&r["getUser"], user);
    assert_eq!(r["getUnknownUser"], Value::Null);
    assert_eq!(r["getUserByEmail"]["id"], id);
    assert_eq!(r["createdSession"]["userId"], id);
    assert_eq!(r["getSessionAndUser"]["user"]["id"], id);
    assert_eq!(r["getSessionAndUser"]["session"]["sessionToken"], "tok-1");
    assert_eq!(r["getUnknownSession"], Value::Null);
    let updated = &r["updatedUser"];
    assert_eq!(updated["name"], "Ada L.");
    assert_eq!(updated["role"], "ADMIN");
    assert_eq!(
        updated["permissions"],
        json!(["posts:read", "users:manage"])
    );
    assert_ne!(
        r["updatedSession"]["expires"],
        r["createdSession"]["expires"]
    );
    assert_eq!(r["linkedAccount"]["expires_at"], 1_900_000_000, "a number");
    assert_eq!(r["getUserByAccount"]["id"], id);
    assert_eq!(r["getAccount"]["userId"], id);
    assert_eq!(r["getAccount"]["provider"], "github");
    let authenticator = json!({
        "credentialID": "cred-1", "userId": id, "providerAccountId": "gh-1",
        "credentialPublicKey": "pk", "counter": 0, "credentialDeviceType": "singleDevice",
        "credentialBackedUp": false, "transports": "usb,nfc",
    });
    assert_eq!(r["createdAuthenticator"], authenticator);
    assert_eq!(r["getAuthenticator"], authenticator);
    assert_eq!(r["getUnknownAuthenticator"], Value::Null);
    let mut counted = authenticator;
    counted["counter"] = json!(7);
    assert_eq!(r["updatedCounter"], counted);
    assert_eq!(r["listAuthenticators"], json!([counted]));
    assert_eq!(r["afterDeleteSession"], Value::Null);
    assert_eq!(r["createdToken"]["token"], "vt");
    assert_eq!(r["usedWrongIdentifier"], Value::Null);
    assert_eq!(r["usedToken"]["identifier"], "ada@example.com");
    assert_eq!(r["usedTwice"], Value::Null, "single use");
    assert_eq!(r["afterUnlink"], Value::Null);
    assert_eq!(
        r["beforeDelete"],
        json!({"accounts": 1, "authenticators": 1, "sessions": 1, "users": 1})
    );
    assert_eq!(
        r["afterDelete"],
        json!({"accounts": 0, "authenticators": 0, "sessions": 0, "users": 0}),
        "deleting a user cascades"
    );
}

/// `@auth/prisma-adapter`'s own TypeScript source, checked by tsc 5.9.3 against the generated
/// client's types: with the seed's `email: Option<String>` the three user lookups fail on
/// `email` (`string | null` is not the adapter's `string`) and nothing else does; with
/// `email: String` the Prisma field is required and the source type-checks with 0 errors. (The
/// source also uses `prisma.authenticator`: it needs `[sql] webauthn = true`.)
#[test]
fn the_adapters_typescript_source_type_checks_when_the_model_requires_email() {
    let fixture = authgen_testkit::npm::ensure_installed(&root().join("fixtures/prisma-client"));
    let mut config = Config::default();
    config.sql.naming = "prisma".into();
    config.sql.webauthn = true;
    config.prisma = Some(PrismaConfig {
        provider: Some(Provider::Postgresql),
        ..PrismaConfig::default()
    });
    for required in [true, false] {
        let prisma = PrismaSchema.emit(&seed(required), &config).unwrap()[0]
            .contents
            .clone();
        let scratch = generate_client(&fixture, &prisma, &format!("tsc-{required}"));
        let tsconfig = serde_json::json!({
            "compilerOptions": {
                "strict": true, "noEmit": true, "module": "nodenext",
                "moduleResolution": "nodenext", "target": "es2022", "skipLibCheck": true,
                "types": [], "paths": { "@prisma/client": ["./generated/index.d.ts"] }
            },
            "files": ["../node_modules/@auth/prisma-adapter/src/index.ts"]
        });
        std::fs::write(scratch.0.join("tsconfig.json"), tsconfig.to_string()).unwrap();
        let out = authgen_testkit::npm::node(
            &fixture,
            "node_modules/typescript/bin/tsc",
            &["-p", scratch.0.to_str().unwrap()],
            b"",
            &[],
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let errors = text.matches("error TS").count();
        if required {
            assert!(out.status.success() && errors == 0, "{text}");
        } else {
            let on_email = text
                .matches("Types of property 'email' are incompatible")
                .count();
            assert_eq!((errors, on_email), (3, 3), "{text}");
        }
    }
}
