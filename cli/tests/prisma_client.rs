//! The real Prisma 7 client and `@auth/prisma-adapter` 2.11 on a database created by authgen's own
//! SQL (`fixtures/prisma-client`: prisma, @prisma/client and @prisma/adapter-better-sqlite3 7.10.0,
//! better-sqlite3 12, pinned, `npm ci`). The client is generated offline from the generated
//! `auth.prisma` (schema-engine download bypassed); the adapter's whole flow runs on SQLite with
//! the `prisma` naming preset: users by id, email and account, sessions with their user, update,
//! link and unlink, verification tokens used once, and deleting a user removing its sessions and
//! accounts. The user's own columns written through Prisma are stored as the Rust side reads
//! them (enum wire names, a JSON list, ISO timestamps).

use std::path::{Path, PathBuf};

use authgen_codegen::config::{Config, Dialect};
use authgen_codegen::emit::Emitter;
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::prisma::{PrismaConfig, PrismaSchema, Provider};
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `auth.prisma` plus a `prisma-client-js` generator, and the SQLite schema, of the seed model.
fn outputs(config: &Config) -> (String, String) {
    let path = root().join("fixtures/seed/model.rs");
    let model = parse_sources(&[Source {
        name: "fixtures/seed/model.rs".into(),
        text: std::fs::read_to_string(path).unwrap(),
    }])
    .unwrap();
    let prisma = PrismaSchema.emit(&model, config).unwrap()[0]
        .contents
        .clone();
    let schema = authgen_codegen::sql::schema::build(&model, config).unwrap();
    let sql = authgen_codegen::sql::render_schema(Dialect::Sqlite, &schema);
    (prisma, sql)
}

/// A scratch directory inside the fixture (so the generated client resolves its runtime),
/// removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_real_adapter_runs_its_flow_on_sqlite_migrated_by_authgen() {
    let fixture = authgen_testkit::npm::ensure_installed(&root().join("fixtures/prisma-client"));
    let mut config = Config::default();
    config.sql.naming = "prisma".into();
    config.prisma = Some(PrismaConfig {
        provider: Some(Provider::Sqlite),
        ..PrismaConfig::default()
    });
    let (prisma, sql) = outputs(&config);
    let scratch = Scratch(fixture.join(format!(".authgen-tmp-prisma-{}", std::process::id())));
    std::fs::create_dir_all(scratch.0.join("schema")).unwrap();
    std::fs::write(scratch.0.join("schema/auth.prisma"), &prisma).unwrap();
    std::fs::write(
        scratch.0.join("schema/app.prisma"),
        "generator client {\n  provider = \"prisma-client-js\"\n  output   = \"../generated\"\n}\n",
    )
    .unwrap();
    let schema_dir = scratch.0.join("schema");
    authgen_testkit::npm::node_ok(
        &fixture,
        "node_modules/prisma/build/index.js",
        &["generate", "--schema", schema_dir.to_str().unwrap()],
        b"",
        &[
            ("PRISMA_SCHEMA_ENGINE_BINARY", "/bin/true"),
            ("CHECKPOINT_DISABLE", "1"),
        ],
    );
    let db = scratch.0.join("auth.db");
    let input = json!({ "sql": sql, "db": db.to_str().unwrap() });
    let out = authgen_testkit::npm::node_ok(
        &fixture,
        "flow.mjs",
        &[scratch.0.to_str().unwrap()],
        input.to_string().as_bytes(),
        &[],
    );
    let r: Value = serde_json::from_str(&out).unwrap();
    check_flow(&r);
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
    // What the Rust runtime reads: the wire names, a JSON list, an ISO-8601 UTC timestamp.
    let row = &r["storedRow"];
    assert_eq!(row["role"], "ADMIN", "{row}");
    assert_eq!(
        row["permissions"], "[\"posts:read\",\"users:manage\"]",
        "{row}"
    );
    let created = row["createdAt"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created}"
    );
    assert_ne!(
        r["updatedSession"]["expires"],
        r["createdSession"]["expires"]
    );
    assert_eq!(r["linkedAccount"]["expires_at"], 1_900_000_000, "a number");
    assert_eq!(r["getUserByAccount"]["id"], id);
    assert_eq!(r["afterDeleteSession"], Value::Null);
    assert_eq!(r["createdToken"]["token"], "vt");
    assert_eq!(r["usedWrongIdentifier"], Value::Null);
    assert_eq!(r["usedToken"]["identifier"], "ada@example.com");
    assert_eq!(r["usedTwice"], Value::Null, "single use");
    assert_eq!(r["afterUnlink"], Value::Null);
    assert_eq!(
        r["beforeDelete"],
        json!({"accounts": 1, "sessions": 1, "users": 1})
    );
    assert_eq!(
        r["afterDelete"],
        json!({"accounts": 0, "sessions": 0, "users": 0}),
        "deleting a user cascades"
    );
}
