//! Database sessions written by the real Prisma 7 client and `@auth/prisma-adapter` 2.11, read
//! back by the runtime's [`SessionStore`] with the seed model's own types.
//!
//! For each case the seed model's schema is migrated by authgen's migration files (sqlx's
//! migrator), the Prisma client is generated offline from the `auth.prisma` authgen writes for
//! that database, and `fixtures/prisma-client/sessions.mjs` creates two users and their
//! sessions through the adapter (`createUser`, `createSession`), one user's own columns (the
//! role enum, the permission list, `emailVerified`) set with `prisma.user.update`, the other's
//! left at the defaults Prisma fills in (including the `db_only` `createdAt`). The runtime then
//! looks each session token up and must return the user exactly as the Prisma client returns
//! it, typed as the seed model's `User` (`Role`, `Vec<Permission>`, `DateTime<Utc>`).
//!
//! Cases: the `prisma`, the `drizzle` (other table names, through `@@map`) and the `kysely`
//! preset on PostgreSQL, MariaDB and SQLite; `drizzle` and `kysely` have no account or session
//! `id` (sessions keyed by their token). With `drizzle` on SQLite dates are integer epoch
//! milliseconds (the SQLite driver adapter's `timestampFormat: "unixepoch-ms"`). On SQLite the
//! test also checks the bytes Prisma stored: ISO-8601 with `+00:00`, or epoch milliseconds.

mod db_support;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use authgen_codegen::emit::Emitter;
use authgen_codegen::prisma::{PrismaConfig, PrismaSchema, Provider};
use authgen_runtime::db::{Dialect, Pool, SessionStore};
use chrono::{DateTime, Utc};
use db_support::*;
use serde::Deserialize;
use serde_json::json;

/// What `sessions.mjs` printed for one user.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Written {
    /// The row as `prisma.user.findUnique` returns it, read with the seed model's types.
    user: User,
    session_token: String,
    expires: DateTime<Utc>,
}

#[derive(Deserialize, Debug)]
struct Both {
    admin: Written,
    plain: Written,
}

/// A directory inside the fixture (so the generated client resolves `@prisma/client`'s
/// runtime), removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixture() -> PathBuf {
    authgen_testkit::npm::ensure_installed(
        &authgen_testkit::workspace_root().join("fixtures/prisma-client"),
    )
}

/// Generates the Prisma client from the `auth.prisma` authgen writes for `d` and `preset`
/// (plus a `prisma-client-js` generator), offline, into a scratch directory of the fixture.
fn generate_client(fixture: &Path, d: Dialect, preset: &str, label: &str) -> Scratch {
    let mut config = config(d, preset);
    config.prisma = Some(PrismaConfig {
        provider: Some(Provider::from(d)),
        ..PrismaConfig::default()
    });
    let prisma = PrismaSchema
        .emit(&seed_model(), &config)
        .unwrap_or_else(|e| panic!("{label}: auth.prisma: {e:?}"))[0]
        .contents
        .clone();
    let scratch = Scratch(fixture.join(format!(".authgen-tmp-{label}-{}", std::process::id())));
    let schema = scratch.0.join("schema");
    std::fs::create_dir_all(&schema).unwrap();
    std::fs::write(schema.join("auth.prisma"), prisma).unwrap();
    std::fs::write(
        schema.join("app.prisma"),
        "generator client {\n  provider = \"prisma-client-js\"\n  output   = \"../generated\"\n}\n",
    )
    .unwrap();
    authgen_testkit::npm::node_ok(
        fixture,
        "node_modules/prisma/build/index.js",
        &["generate", "--schema", schema.to_str().unwrap()],
        b"",
        &[
            ("PRISMA_SCHEMA_ENGINE_BINARY", "/bin/true"),
            ("CHECKPOINT_DISABLE", "1"),
        ],
    );
    scratch
}

/// Has the real Prisma client and adapter write the users and sessions.
fn write_through_prisma(fixture: &Path, scratch: &Scratch, db: &Migrated, millis: bool) -> Both {
    let input = json!({
        "provider": Provider::from(db.dialect).as_str(),
        "url": db.target,
        "timestampFormat": if millis { "unixepoch-ms" } else { "iso8601" },
    });
    let out = authgen_testkit::npm::node_ok(
        fixture,
        "sessions.mjs",
        &[scratch.0.to_str().unwrap()],
        input.to_string().as_bytes(),
        &[],
    );
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("sessions.mjs printed {out}: {e}"))
}

fn ms(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// `user` with `createdAt` cut to milliseconds (what a JavaScript `Date` holds; PostgreSQL's
/// and MariaDB's own defaults keep microseconds).
fn in_millis(mut user: User) -> User {
    let t = user.created_at.timestamp_millis();
    user.created_at = DateTime::from_timestamp_millis(t).unwrap();
    user
}

async fn read_back(label: &str, db: &Migrated, both: &Both) {
    let store = SessionStore::<User>::new(db.pool().await, &db.session_schema).unwrap();
    for (who, w) in [("admin", &both.admin), ("plain", &both.plain)] {
        let got = store
            .lookup(&w.session_token)
            .await
            .unwrap_or_else(|e| panic!("{label}: {who}: {e}"));
        assert_eq!(
            in_millis(got.user),
            in_millis(w.user.clone()),
            "{label}: {who}: the runtime reads the user as the Prisma client returns it"
        );
        assert_eq!(
            ms(got.expires),
            w.expires.timestamp_millis(),
            "{label}: {who}: expires"
        );
    }
    let admin = &both.admin.user;
    assert_eq!(admin.role, Role::Admin, "{label}");
    assert_eq!(
        admin.permissions,
        [Permission::PostsRead, Permission::UsersManage],
        "{label}"
    );
    let verified: DateTime<Utc> = "2024-05-06T07:08:09.123Z".parse().unwrap();
    assert_eq!(admin.email_verified, Some(verified), "{label}");
    let plain = &both.plain.user;
    assert_eq!(
        (plain.role, plain.permissions.len(), plain.email_verified),
        (Role::User, 0, None),
        "{label}: the defaults"
    );
}

/// On SQLite, what Prisma stored: `(typeof, text)` of the admin's `emailVerified` and
/// `createdAt` and of its session's `expires`.
async fn stored_dates(db: &Migrated, both: &Both) -> Vec<(String, String)> {
    let Pool::Sqlite(pool) = db.pool().await else {
        unreachable!("SQLite only")
    };
    let (user, session) = (
        db.q(&db.session_schema.user_table),
        db.q(&db.session_schema.session_table),
    );
    let sql = format!(
        "SELECT typeof(x), CAST(x AS TEXT) FROM (SELECT \"emailVerified\" AS x, 1 AS k FROM {user} WHERE \"id\" = ?1 UNION ALL SELECT \"createdAt\", 2 FROM {user} WHERE \"id\" = ?1 UNION ALL SELECT \"expires\", 3 FROM {session} WHERE \"userId\" = ?1) ORDER BY k"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&both.admin.user.id)
        .fetch_all(&pool)
        .await
        .unwrap()
}

fn case(d: Dialect, preset: &'static str) {
    let label = format!("prs_{preset}_{}", d.as_str());
    let fixture = fixture();
    let rt = runtime();
    let db = rt.block_on(Migrated::new(d, preset, &label));
    let scratch = generate_client(&fixture, d, preset, &label);
    let millis = preset == "drizzle" && d == Dialect::Sqlite;
    let both = write_through_prisma(&fixture, &scratch, &db, millis);
    rt.block_on(read_back(&label, &db, &both));
    if d == Dialect::Sqlite {
        let stored = rt.block_on(stored_dates(&db, &both));
        let kinds: Vec<&str> = stored.iter().map(|(k, _)| k.as_str()).collect();
        let expires = both.admin.expires.timestamp_millis();
        if millis {
            assert_eq!(kinds, ["integer"; 3], "{label}: {stored:?}");
            assert_eq!(stored[0].1, "1714979289123", "{label}: {stored:?}");
            assert_eq!(stored[2].1, expires.to_string(), "{label}: {stored:?}");
        } else {
            // The better-sqlite3 driver adapter writes `Date::toISOString` with `Z` as `+00:00`.
            assert_eq!(kinds, ["text"; 3], "{label}: {stored:?}");
            assert_eq!(stored[0].1, "2024-05-06T07:08:09.123+00:00", "{label}");
            let want = both.admin.expires.format("%Y-%m-%dT%H:%M:%S%.3f+00:00");
            assert_eq!(stored[2].1, want.to_string(), "{label}: {stored:?}");
            assert!(stored[1].1.ends_with("+00:00"), "{label}: {stored:?}");
        }
    }
}

#[test]
fn prisma_preset_on_postgres() {
    case(Dialect::Postgres, "prisma");
}

#[test]
fn prisma_preset_on_mariadb() {
    case(Dialect::Mysql, "prisma");
}

#[test]
fn prisma_preset_on_sqlite() {
    case(Dialect::Sqlite, "prisma");
}

#[test]
fn drizzle_preset_on_postgres() {
    case(Dialect::Postgres, "drizzle");
}

#[test]
fn drizzle_preset_on_mariadb() {
    case(Dialect::Mysql, "drizzle");
}

#[test]
fn drizzle_preset_on_sqlite() {
    case(Dialect::Sqlite, "drizzle");
}

#[test]
fn kysely_preset_on_postgres() {
    case(Dialect::Postgres, "kysely");
}

#[test]
fn kysely_preset_on_mariadb() {
    case(Dialect::Mysql, "kysely");
}

#[test]
fn kysely_preset_on_sqlite() {
    case(Dialect::Sqlite, "kysely");
}
