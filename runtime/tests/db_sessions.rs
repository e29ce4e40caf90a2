//! Database sessions on the real PostgreSQL, MariaDB and SQLite: the seed model's schema migrated
//! by authgen, users and sessions written by the real Auth.js adapters (`@auth/pg-adapter` on
//! PostgreSQL with the pg-adapter preset, `@auth/kysely-adapter` on all three with the kysely
//! preset (its own tables: sessions without an `id`) and with the prisma preset (Prisma's
//! tables), `@auth/drizzle-adapter` on all three with the drizzle preset), read back by
//! [`SessionStore`].

mod db_support;

use std::time::{Duration, SystemTime};

use authgen_runtime::db::{Dialect, Pool, SessionError, SessionSchema, SessionStore, ValueKind};
use chrono::{DateTime, Utc};
use db_support::*;
use serde::Deserialize;

fn ms(t: &DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn system_ms(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[derive(Deserialize, Clone, Debug)]
#[allow(dead_code)]
struct WrongRole {
    id: String,
    role: u8,
}

fn check_user(label: &str, got: &User, row: &RowUser, adapter: &AdapterUser) {
    // The row as the adapter and the database hold it...
    assert_eq!(got.id, row.id, "{label}: id");
    assert_eq!(got.name, row.name, "{label}: name");
    assert_eq!(got.email, row.email, "{label}: email");
    assert_eq!(
        got.email_verified, row.email_verified,
        "{label}: emailVerified"
    );
    assert_eq!(got.image, row.image, "{label}: image");
    let role = serde_json::to_value(&row.role).unwrap();
    assert_eq!(
        got.role,
        serde_json::from_value::<Role>(role).unwrap(),
        "{label}: role"
    );
    let perms = serde_json::to_value(&row.permissions).unwrap();
    assert_eq!(
        got.permissions,
        serde_json::from_value::<Vec<Permission>>(perms).unwrap(),
        "{label}: permissions"
    );
    // JavaScript dates hold milliseconds; PostgreSQL's now() has microseconds.
    assert_eq!(
        ms(&got.created_at),
        ms(&row.created_at),
        "{label}: createdAt"
    );
    // ...and as the adapter's own getSessionAndUser returns it.
    assert_eq!(got.id, adapter.id, "{label}: id as the adapter reads it");
    assert_eq!(
        got.name, adapter.name,
        "{label}: name as the adapter reads it"
    );
    assert_eq!(
        got.email, adapter.email,
        "{label}: email as the adapter reads it"
    );
    assert_eq!(
        got.email_verified, adapter.email_verified,
        "{label}: emailVerified as the adapter reads it"
    );
    assert_eq!(
        got.image, adapter.image,
        "{label}: image as the adapter reads it"
    );
}

async fn scenario(adapter: &str, d: Dialect, preset: &'static str) {
    let label = format!("dbs_{adapter}_{}_{}", preset.replace('-', ""), d.as_str());
    let db = Migrated::new(d, preset, &label).await;
    let written = tokio::task::block_in_place(|| write_sessions(adapter, &db));
    let pool = db.pool().await;
    let schema = &db.session_schema;
    assert_eq!(
        schema
            .user_columns
            .iter()
            .map(|c| c.wire.as_str())
            .collect::<Vec<_>>(),
        [
            "id",
            "name",
            "email",
            "emailVerified",
            "image",
            "role",
            "permissions",
            "createdAt",
        ],
        "{label}: the lookup reads every column of the seed user serde reads"
    );
    if let (Pool::Sqlite(p), "drizzle") = (&pool, adapter) {
        // What makes Drizzle on SQLite its own case: dates as integer milliseconds.
        let kinds: Vec<(String, String)> = sqlx::query_as(
            r#"SELECT typeof("expires"), (SELECT typeof("emailVerified") FROM "user" WHERE "emailVerified" IS NOT NULL) FROM "session""#,
        )
        .fetch_all(p)
        .await
        .unwrap();
        let integer = ("integer".to_owned(), "integer".to_owned());
        assert_eq!(
            kinds,
            vec![integer; 3],
            "{label}: three sessions, dates as integers"
        );
    }
    let store = SessionStore::<User>::new(pool.clone(), schema).unwrap();

    // A session of a user whose role and permissions the app set.
    let s = store
        .lookup(&written.sessions.admin.token)
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    check_user(
        &format!("{label} admin"),
        &s.user,
        &written.users.admin,
        &written.adapter.admin.user,
    );
    assert_eq!(s.user.role, Role::Admin);
    assert_eq!(
        s.user.permissions,
        [Permission::PostsRead, Permission::UsersManage]
    );
    assert_eq!(s.user.name.as_deref(), Some("Ada Lovelace — ✓"));
    assert_eq!(
        system_ms(s.expires),
        ms(&written.sessions.admin.expires),
        "{label}: expires"
    );
    assert_eq!(
        system_ms(s.expires),
        ms(&written.adapter.admin.expires),
        "{label}: expires as the adapter reads it"
    );
    if preset == "pg-adapter" {
        assert!(
            s.user.id.parse::<i64>().is_ok(),
            "{label}: SERIAL id as text: {}",
            s.user.id
        );
    } else {
        assert_eq!(s.user.id.len(), 36, "{label}: UUID id: {}", s.user.id);
    }

    // A user with the columns' defaults and NULLs.
    let p = store
        .lookup(&written.sessions.plain.token)
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    check_user(
        &format!("{label} plain"),
        &p.user,
        &written.users.plain,
        &written.adapter.plain.user,
    );
    assert_eq!((p.user.role, p.user.permissions.len()), (Role::User, 0));
    assert_eq!(
        (p.user.name.as_deref(), p.user.email_verified),
        (None, None)
    );
    assert!(
        (Utc::now() - p.user.created_at).num_minutes().abs() < 10,
        "{label}: createdAt {} is now",
        p.user.created_at
    );

    // Expired and unknown sessions are refused, as 401s.
    let e = store
        .lookup(&written.sessions.expired.token)
        .await
        .unwrap_err();
    assert!(
        matches!(e, SessionError::Expired { expires_ms, .. } if expires_ms == ms(&written.sessions.expired.expires)),
        "{label}: {e:?}"
    );
    assert_eq!(e.status(), 401);
    for token in [
        "00000000-0000-0000-0000-000000000000",
        "",
        "' OR '1'='1",
        &"x".repeat(5_000),
    ] {
        let e = store.lookup(token).await.unwrap_err();
        assert_eq!(e, SessionError::NotFound, "{label}: token {token:.20}");
    }
    // The token must match exactly (no case folding, no trailing space trimmed by the collation).
    let upper = written.sessions.admin.token.to_uppercase();
    assert_eq!(
        store.lookup(&upper).await.unwrap_err(),
        SessionError::NotFound,
        "{label}: upper-case token"
    );
    let spaced = format!("{} ", written.sessions.admin.token);
    assert_eq!(
        store.lookup(&spaced).await.unwrap_err(),
        SessionError::NotFound,
        "{label}: trailing space"
    );

    // A user type the row does not fit: the field path, no row values, a 500.
    let wrong = SessionStore::<WrongRole>::new(pool.clone(), schema).unwrap();
    let e = wrong
        .lookup(&written.sessions.admin.token)
        .await
        .unwrap_err();
    match &e {
        SessionError::User { path, message } => {
            assert_eq!(path, "role", "{label}");
            assert!(!message.contains("ADMIN"), "{label}: {message}");
        }
        other => panic!("{label}: {other:?}"),
    }
    assert_eq!(e.status(), 500);

    // A missing table is a database error (503) that does not show the token.
    let broken = SessionSchema {
        session_table: "no_such_table".into(),
        ..schema.clone()
    };
    let broken = SessionStore::<User>::new(pool.clone(), &broken).unwrap();
    let e = broken
        .lookup(&written.sessions.admin.token)
        .await
        .unwrap_err();
    assert_eq!((e.status(), e.guard_error()), (503, None), "{label}: {e}");
    assert!(
        !e.to_string().contains(&written.sessions.admin.token),
        "{label}: {e}"
    );

    // The cache: served within its TTL even after the row is gone, looked up again after it.
    let cached = SessionStore::<User>::new(pool.clone(), schema)
        .unwrap()
        .with_cache(100, Duration::from_secs(60));
    let t0 = SystemTime::now();
    let token = &written.sessions.admin.token;
    let first = cached.lookup_at(token, t0).await.unwrap();
    assert_eq!(cached.cached(), 1);
    db.exec(&format!(
        "DELETE FROM {} WHERE {} = '{token}'",
        db.q(&schema.session_table),
        db.q("sessionToken")
    ))
    .await;
    assert_eq!(
        store.lookup(token).await.unwrap_err(),
        SessionError::NotFound,
        "{label}: the row is gone"
    );
    let again = cached
        .lookup_at(token, t0 + Duration::from_secs(59))
        .await
        .unwrap();
    assert_eq!(
        again, first,
        "{label}: served from the cache within the TTL"
    );
    assert_eq!(
        cached
            .lookup_at(token, t0 + Duration::from_secs(60))
            .await
            .unwrap_err(),
        SessionError::NotFound,
        "{label}: looked up again once the TTL passed"
    );
    assert_eq!(cached.cached(), 0);

    // Never past the session's own expiry, however long the TTL.
    let long = SessionStore::<User>::new(pool.clone(), schema)
        .unwrap()
        .with_cache(100, Duration::from_secs(365 * 86_400));
    let plain = &written.sessions.plain;
    let end = SystemTime::UNIX_EPOCH + Duration::from_millis(ms(&plain.expires) as u64);
    long.lookup_at(&plain.token, end - Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(long.cached(), 1);
    let e = long.lookup_at(&plain.token, end).await.unwrap_err();
    assert!(matches!(e, SessionError::Expired { .. }), "{label}: {e:?}");
    // And invalidation drops an entry.
    long.lookup_at(&plain.token, end - Duration::from_secs(10))
        .await
        .unwrap();
    long.invalidate(&plain.token);
    assert_eq!(long.cached(), 0);
}

#[test]
fn pg_adapter_on_postgres() {
    runtime().block_on(scenario("pg", Dialect::Postgres, "pg-adapter"));
}

#[test]
fn kysely_adapter_on_postgres() {
    runtime().block_on(scenario("kysely", Dialect::Postgres, "prisma"));
}

#[test]
fn kysely_adapter_on_mariadb() {
    runtime().block_on(scenario("kysely", Dialect::Mysql, "prisma"));
}

#[test]
fn kysely_adapter_on_sqlite() {
    runtime().block_on(scenario("kysely", Dialect::Sqlite, "prisma"));
}

#[test]
fn kysely_adapter_on_postgres_kysely_preset() {
    runtime().block_on(scenario("kysely", Dialect::Postgres, "kysely"));
}

#[test]
fn kysely_adapter_on_mariadb_kysely_preset() {
    runtime().block_on(scenario("kysely", Dialect::Mysql, "kysely"));
}

#[test]
fn kysely_adapter_on_sqlite_kysely_preset() {
    runtime().block_on(scenario("kysely", Dialect::Sqlite, "kysely"));
}

#[test]
fn drizzle_adapter_on_postgres() {
    runtime().block_on(scenario("drizzle", Dialect::Postgres, "drizzle"));
}

#[test]
fn drizzle_adapter_on_mariadb() {
    runtime().block_on(scenario("drizzle", Dialect::Mysql, "drizzle"));
}

/// Drizzle writes SQLite dates as integer milliseconds, where the other adapters write text.
#[test]
fn drizzle_adapter_on_sqlite() {
    runtime().block_on(scenario("drizzle", Dialect::Sqlite, "drizzle"));
}

/// The facade's glue (`authgen::session_schema`) names the seed user's columns with their kinds.
#[test]
fn session_schema_from_the_seed_model() {
    let model = seed_model();
    for (preset, user, session) in [
        ("pg-adapter", "users", "sessions"),
        ("prisma", "User", "Session"),
        ("drizzle", "user", "session"),
        ("kysely", "User", "Session"),
    ] {
        let s = authgen::session_schema(&model, &config(Dialect::Postgres, preset)).unwrap();
        assert_eq!(
            (s.user_table.as_str(), s.session_table.as_str()),
            (user, session)
        );
        let kinds: Vec<(&str, ValueKind)> = s
            .user_columns
            .iter()
            .map(|c| (c.wire.as_str(), c.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("id", ValueKind::Text),
                ("name", ValueKind::Text),
                ("email", ValueKind::Text),
                ("emailVerified", ValueKind::Timestamp),
                ("image", ValueKind::Text),
                ("role", ValueKind::Text),
                ("permissions", ValueKind::Json),
                // `#[auth(db_only)]`: not in the TypeScript types, but serde reads it.
                ("createdAt", ValueKind::Timestamp),
                // `passwordHash` is `#[serde(skip)]`: a column the lookup never selects.
            ]
        );
        s.validate().unwrap();
    }
}
