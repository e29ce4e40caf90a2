//! Every form a SQLite timestamp is stored in by the writers of the Auth.js tables, read by the
//! runtime's [`SessionStore`] as the same instant, both as a user column
//! ([`ValueKind::Timestamp`]) and as the session's `expires`:
//!
//! - `…Z`: our migrations' defaults (`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`) and `@auth/kysely-adapter`;
//! - `…+00:00`: Prisma 7's `@prisma/adapter-better-sqlite3` (`timestampFormat: "iso8601"`, its
//!   default: `Date::toISOString()` with `Z` replaced, checked in the adapter and in the bytes it
//!   stores by `prisma_sessions.rs`);
//! - another offset (`+02:00`), converted to UTC;
//! - `YYYY-MM-DD HH:MM:SS`: SQLite's `CURRENT_TIMESTAMP` (UTC, no fraction);
//! - integer epoch milliseconds: `@auth/drizzle-adapter` (`mode: "timestamp_ms"`) and Prisma's
//!   SQLite adapter with `timestampFormat: "unixepoch-ms"`, in the `drizzle` preset's `INTEGER`
//!   columns.

mod db_support;

use std::time::{Duration, SystemTime};

use authgen_runtime::db::{SessionSchema, SessionStore, ValueKind};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::SqlitePool;

#[derive(Deserialize, Clone, Debug)]
struct Person {
    seen: DateTime<Utc>,
}

/// Stores `literal` as a user's `seen` and its session's `expires`, in columns declared `decl`
/// (`TEXT` as in the `prisma` preset, `INTEGER` as in `drizzle`), and looks the session up at
/// 2000-01-01. Returns `seen` and `expires` as the runtime read them.
async fn read(label: &str, decl: &str, literal: &str) -> (DateTime<Utc>, SystemTime) {
    let (_file, url) = authgen_testkit::db::sqlite_file(label);
    let pool = SqlitePool::connect(&url).await.unwrap();
    for sql in [
        format!("CREATE TABLE person (id TEXT PRIMARY KEY, seen {decl} NOT NULL)"),
        format!("CREATE TABLE login (\"sessionToken\" TEXT PRIMARY KEY, \"userId\" TEXT NOT NULL, expires {decl} NOT NULL)"),
        format!("INSERT INTO person VALUES ('u1', {literal})"),
        format!("INSERT INTO login VALUES ('t1', 'u1', {literal})"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap();
    }
    let schema = SessionSchema {
        user_table: "person".into(),
        session_table: "login".into(),
        user_columns: Vec::new(),
    }
    .column("seen", "seen", ValueKind::Timestamp);
    let store = SessionStore::<Person>::new(pool, &schema).unwrap();
    let before = SystemTime::UNIX_EPOCH + Duration::from_secs(946_684_800);
    let s = store
        .lookup_at("t1", before)
        .await
        .unwrap_or_else(|e| panic!("{label}: {literal}: {e}"));
    (s.user.seen, s.expires)
}

/// Asserts that `literal` reads as `want` (RFC 3339) both ways.
fn reads_as(label: &str, decl: &str, literal: &str, want: &str) {
    let want: DateTime<Utc> = want.parse().unwrap();
    let (seen, expires) = db_support::runtime().block_on(read(label, decl, literal));
    assert_eq!(seen, want, "{literal} as a user column");
    assert_eq!(
        DateTime::<Utc>::from(expires),
        want,
        "{literal} as the session's expires"
    );
}

#[test]
fn iso_8601_with_z_as_our_defaults_write_it() {
    reads_as(
        "dbt_z",
        "TEXT",
        "'2024-01-02T03:04:05.678Z'",
        "2024-01-02T03:04:05.678Z",
    );
}

#[test]
fn iso_8601_with_a_zero_offset_as_prisma_writes_it() {
    reads_as(
        "dbt_prisma",
        "TEXT",
        "'2024-01-02T03:04:05.678+00:00'",
        "2024-01-02T03:04:05.678Z",
    );
}

#[test]
fn iso_8601_with_another_offset_is_converted_to_utc() {
    reads_as(
        "dbt_offset",
        "TEXT",
        "'2024-01-02T05:04:05.678+02:00'",
        "2024-01-02T03:04:05.678Z",
    );
}

#[test]
fn sqlites_current_timestamp_form() {
    reads_as(
        "dbt_current",
        "TEXT",
        "'2024-01-02 03:04:05'",
        "2024-01-02T03:04:05Z",
    );
}

#[test]
fn integer_epoch_milliseconds_as_the_drizzle_preset_stores_them() {
    reads_as(
        "dbt_millis",
        "INTEGER",
        "1704164645678",
        "2024-01-02T03:04:05.678Z",
    );
}
