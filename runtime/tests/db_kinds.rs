//! Every value kind on every dialect, beyond the seed model's columns: booleans (PostgreSQL
//! `BOOLEAN`, MySQL `TINYINT(1)`, SQLite `0`/`1`), numbers, a JSON object, a string list,
//! timestamps (SQLite also as integer epoch milliseconds, as Drizzle stores them), NULLs, and a
//! user wide enough (60 extra columns) to be split over several JSON objects.

mod db_support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use authgen_runtime::db::{Dialect, SessionError, SessionSchema, SessionStore, ValueKind};
use authgen_testkit::db::{Server, TempDb};
use chrono::{DateTime, Utc};
use db_support::runtime;
use serde::Deserialize;

const WIDE: usize = 60;

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct Kinds {
    id: String,
    active: Option<bool>,
    admin: bool,
    score: i64,
    ratio: f64,
    meta: serde_json::Value,
    tags: Vec<String>,
    seen: Option<DateTime<Utc>>,
    #[serde(flatten)]
    wide: BTreeMap<String, i64>,
}

fn schema() -> SessionSchema {
    let mut s = SessionSchema {
        user_table: "person".into(),
        session_table: "login".into(),
        user_columns: Vec::new(),
    }
    .column("id", "id", ValueKind::Text)
    .column("active", "active", ValueKind::Bool)
    .column("admin", "admin", ValueKind::Bool)
    .column("score", "score", ValueKind::Number)
    .column("ratio", "ratio", ValueKind::Number)
    .column("meta", "meta", ValueKind::Json)
    .column("tags", "tags", ValueKind::Json)
    .column("seen", "seen", ValueKind::Timestamp);
    for i in 0..WIDE {
        s = s.column(format!("c{i}"), format!("c{i}"), ValueKind::Number);
    }
    s
}

fn ddl(d: Dialect) -> Vec<String> {
    let (b, n, f, j, l, t, s) = match d {
        Dialect::Postgres => (
            "BOOLEAN",
            "BIGINT",
            "DOUBLE PRECISION",
            "JSONB",
            "TEXT[]",
            "TIMESTAMPTZ",
            "TEXT",
        ),
        Dialect::Mysql => (
            "TINYINT(1)",
            "BIGINT",
            "DOUBLE",
            "JSON",
            "JSON",
            "DATETIME(3)",
            "VARCHAR(255)",
        ),
        // Timestamps without a declared type (no affinity): text and integers stay as written.
        Dialect::Sqlite => ("INTEGER", "INTEGER", "REAL", "TEXT", "TEXT", "", "TEXT"),
    };
    let q = |x: &str| match d {
        Dialect::Mysql => format!("`{x}`"),
        _ => format!("\"{x}\""),
    };
    let wide: String = (0..WIDE)
        .map(|i| format!(", c{i} {n} NOT NULL DEFAULT {i}"))
        .collect();
    vec![
        format!("CREATE TABLE person (id {s} PRIMARY KEY, active {b}, admin {b} NOT NULL, score {n} NOT NULL, ratio {f} NOT NULL, meta {j}, tags {l}, seen {t}{wide})"),
        format!("CREATE TABLE login ({} {s} PRIMARY KEY, {} {s} NOT NULL, expires {t} NOT NULL)", q("sessionToken"), q("userId")),
    ]
}

fn rows(d: Dialect) -> Vec<String> {
    let (t, f) = match d {
        Dialect::Postgres => ("TRUE", "FALSE"),
        _ => ("1", "0"),
    };
    let tags = match d {
        Dialect::Postgres => "ARRAY['a', 'b c', 'ü']".to_owned(),
        _ => "'[\"a\", \"b c\", \"ü\"]'".to_owned(),
    };
    let (seen, future, past) = match d {
        Dialect::Postgres => (
            "'2024-01-02T03:04:05.678Z'",
            "'2100-01-01T00:00:00Z'",
            "'2000-01-01T00:00:00Z'",
        ),
        Dialect::Mysql => (
            "'2024-01-02 03:04:05.678'",
            "'2100-01-01 00:00:00'",
            "'2000-01-01 00:00:00'",
        ),
        // Text for one user, integer epoch milliseconds (Drizzle) for the other and the sessions.
        Dialect::Sqlite => (
            "'2024-01-02T03:04:05.678Z'",
            "4102444800000",
            "946684800000",
        ),
    };
    let seen_b = match d {
        Dialect::Sqlite => "1704164645678",
        _ => seen,
    };
    let q = |x: &str| match d {
        Dialect::Mysql => format!("`{x}`"),
        _ => format!("\"{x}\""),
    };
    let meta = r#"{"nested": {"k": [1, null, "x"]}, "s": "quote \" end"}"#;
    // MySQL string literals read backslash escapes.
    let meta = match d {
        Dialect::Mysql => meta.replace('\\', "\\\\"),
        _ => meta.to_owned(),
    };
    vec![
        format!("INSERT INTO person (id, active, admin, score, ratio, meta, tags, seen) VALUES ('u1', {t}, {t}, -9007199254740993, 0.25, '{meta}', {tags}, {seen})"),
        format!("INSERT INTO person (id, active, admin, score, ratio, meta, tags, seen) VALUES ('u2', NULL, {f}, 0, -1.5, NULL, {}, {seen_b})", match d {
            Dialect::Postgres => "ARRAY[]::TEXT[]",
            _ => "'[]'",
        }),
        format!("INSERT INTO login ({}, {}, expires) VALUES ('t1', 'u1', {future}), ('t2', 'u2', {future}), ('t3', 'u1', {past})", q("sessionToken"), q("userId")),
    ]
}

async fn kinds(d: Dialect) {
    let label = format!("dbk_{}", d.as_str());
    let _server;
    let url = match d {
        Dialect::Postgres | Dialect::Mysql => {
            let t = TempDb::new(
                if d == Dialect::Postgres {
                    Server::Postgres
                } else {
                    Server::MySql
                },
                &label,
            )
            .await;
            let url = t.url().to_owned();
            _server = Some(t);
            url
        }
        Dialect::Sqlite => authgen_testkit::db::sqlite_file(&label).1,
    };
    let pool: authgen_runtime::db::Pool = match d {
        Dialect::Postgres => sqlx::PgPool::connect(&url).await.unwrap().into(),
        Dialect::Mysql => sqlx::MySqlPool::connect(&url).await.unwrap().into(),
        Dialect::Sqlite => sqlx::SqlitePool::connect(&url).await.unwrap().into(),
    };
    for sql in ddl(d).into_iter().chain(rows(d)) {
        let q = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()));
        let r = match &pool {
            authgen_runtime::db::Pool::Postgres(p) => q.execute(p).await.map(|_| ()),
            authgen_runtime::db::Pool::MySql(p) => q.execute(p).await.map(|_| ()),
            authgen_runtime::db::Pool::Sqlite(p) => q.execute(p).await.map(|_| ()),
            _ => unreachable!(),
        };
        r.unwrap_or_else(|e| panic!("{label}: {sql}: {e}"));
    }
    let store = Arc::new(
        SessionStore::<Kinds>::new(pool, &schema())
            .unwrap()
            .with_cache(4, Duration::from_secs(30)),
    );
    assert_eq!(
        store.sql().matches("SELECT").count(),
        1,
        "{label}: one statement"
    );

    let u1 = store
        .lookup("t1")
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"))
        .user;
    assert_eq!(u1.id, "u1");
    assert_eq!((u1.active, u1.admin), (Some(true), true), "{label}");
    assert_eq!(
        u1.score, -9007199254740993,
        "{label}: 64-bit integers are exact"
    );
    assert_eq!(u1.ratio, 0.25, "{label}");
    assert_eq!(
        u1.meta,
        serde_json::json!({ "nested": { "k": [1, null, "x"] }, "s": "quote \" end" }),
        "{label}"
    );
    assert_eq!(u1.tags, ["a", "b c", "ü"], "{label}");
    let seen: DateTime<Utc> = "2024-01-02T03:04:05.678Z".parse().unwrap();
    assert_eq!(u1.seen, Some(seen), "{label}");
    assert_eq!(
        u1.wide.len(),
        WIDE,
        "{label}: every column of the split objects"
    );
    assert!(
        u1.wide.iter().all(|(k, v)| k == &format!("c{v}")),
        "{label}: {:?}",
        u1.wide
    );

    let u2 = store
        .lookup("t2")
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"))
        .user;
    assert_eq!((u2.active, u2.admin), (None, false), "{label}");
    assert_eq!(
        (u2.meta.clone(), u2.tags.len()),
        (serde_json::Value::Null, 0),
        "{label}"
    );
    assert_eq!(
        u2.seen,
        Some(seen),
        "{label}: the same instant however stored"
    );

    let e = store.lookup("t3").await.unwrap_err();
    assert!(
        matches!(
            e,
            SessionError::Expired {
                expires_ms: 946684800000,
                ..
            }
        ),
        "{label}: {e:?}"
    );

    // Odd tokens are unknown tokens, never database errors or panics.
    for token in [
        "a\0b",
        "\0",
        "ü✓\u{202e}",
        "%00",
        "t1\n",
        "t1 ",
        "T1",
        "' OR 1=1 --",
        "\\",
        &"é".repeat(512),
    ] {
        assert_eq!(
            store.lookup(token).await.unwrap_err(),
            SessionError::NotFound,
            "{label}: {token:?}"
        );
    }

    // Concurrent lookups through one store and its cache (4 entries, more tokens than that).
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let token = ["t1", "t2", "t3", "t4", "t5"][i % 5];
                (token, store.lookup(token).await.map(|s| s.user.id))
            })
        })
        .collect();
    for t in tasks {
        let (token, got) = t.await.unwrap();
        match token {
            "t1" => assert_eq!(got.unwrap(), "u1"),
            "t2" => assert_eq!(got.unwrap(), "u2"),
            "t3" => assert!(matches!(got, Err(SessionError::Expired { .. }))),
            _ => assert_eq!(got, Err(SessionError::NotFound)),
        }
    }
    assert!(
        store.cached() <= 4,
        "{label}: the cache stays within its capacity"
    );
}

#[test]
fn kinds_on_postgres() {
    runtime().block_on(kinds(Dialect::Postgres));
}

#[test]
fn kinds_on_mariadb() {
    runtime().block_on(kinds(Dialect::Mysql));
}

#[test]
fn kinds_on_sqlite() {
    runtime().block_on(kinds(Dialect::Sqlite));
}
