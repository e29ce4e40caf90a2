//! A `#[serde(skip)]` user column (the seed's `passwordHash`) stays in the database: the schema
//! `authgen::session_schema` builds from the seed model does not name it, so the lookup's SELECT
//! never reads it, and a user table without that column still answers. An `#[auth(db_only)]`
//! column that serde reads (`createdAt`) is still selected. Selecting the skipped column (as
//! before) failed every lookup of a user type with `#[serde(deny_unknown_fields)]`: the control
//! store below shows it.

mod db_support;

use authgen_runtime::db::{Dialect, SessionError, SessionStore, ValueKind};
use chrono::{DateTime, Utc};
use db_support::*;
use serde::Deserialize;

/// The seed user as the seed model declares it, `#[serde(skip)]` password hash included. With
/// `deny_unknown_fields` a `passwordHash` key in the row would fail the lookup: serde does not
/// accept a skipped field's key.
#[derive(Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedUser {
    id: String,
    name: Option<String>,
    email: Option<String>,
    email_verified: Option<DateTime<Utc>>,
    image: Option<String>,
    role: Role,
    permissions: Vec<Permission>,
    created_at: DateTime<Utc>,
    #[serde(skip)]
    password_hash: Option<String>,
}

/// The ids (PostgreSQL's columns are `uuid`).
const U1: &str = "00000000-0000-4000-8000-000000000001";
const S1: &str = "00000000-0000-4000-8000-000000000002";

/// A timestamp literal far in the future that every dialect's column type holds.
fn future(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "'2037-01-01T00:00:00.000Z'",
        Dialect::Postgres | Dialect::Mysql => "'2037-01-01 00:00:00'",
    }
}

async fn scenario(d: Dialect) {
    let label = format!("serde_skip_{}", d.as_str());
    let db = Migrated::new(d, "prisma", &label).await;
    let (user, session) = (db.q("User"), db.q("Session"));
    let hash = db.q("passwordHash");
    db.exec(&format!(
        "INSERT INTO {user} ({}, {}, {hash}) VALUES ('{U1}', 'a@example.com', '$2b$10$secret')",
        db.q("id"),
        db.q("email"),
    ))
    .await;
    db.exec(&format!(
        "INSERT INTO {session} ({}, {}, {}, {}) VALUES ('{S1}', 't1', '{U1}', {})",
        db.q("id"),
        db.q("sessionToken"),
        db.q("userId"),
        db.q("expires"),
        future(d),
    ))
    .await;

    let schema = &db.session_schema;
    let wires: Vec<&str> = schema
        .user_columns
        .iter()
        .map(|c| c.wire.as_str())
        .collect();
    assert!(!wires.contains(&"passwordHash"), "{label}: {wires:?}");
    assert!(
        wires.contains(&"createdAt"),
        "{label}: db_only is read: {wires:?}"
    );
    let store = SessionStore::<SeedUser>::new(db.pool().await, schema).unwrap();
    assert!(
        !store.sql().contains("passwordHash"),
        "{label}: {}",
        store.sql()
    );

    let got = store
        .lookup("t1")
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(got.user.id, U1);
    assert_eq!(got.user.email.as_deref(), Some("a@example.com"));
    assert_eq!(got.user.role, Role::User);
    assert_eq!(got.user.permissions, []);
    assert_eq!(
        (got.user.name, got.user.email_verified, got.user.image),
        (None, None, None)
    );
    assert!(
        got.user.created_at.timestamp() > 0,
        "{label}: createdAt read"
    );
    assert_eq!(got.user.password_hash, None);

    // What selecting the column did: serde refuses the skipped field's key.
    let naming = schema
        .clone()
        .column("passwordHash", "passwordHash", ValueKind::Text);
    let control = SessionStore::<SeedUser>::new(db.pool().await, &naming).unwrap();
    match control.lookup("t1").await {
        Err(SessionError::User { path, .. }) => assert_eq!(path, "passwordHash", "{label}"),
        other => panic!("{label}: the skipped key in the row: {other:?}"),
    }

    // Without the column the lookup still answers; a schema that names it no longer does.
    db.exec(&format!("ALTER TABLE {user} DROP COLUMN {hash}"))
        .await;
    store.clear_cache();
    let got = store
        .lookup("t1")
        .await
        .unwrap_or_else(|e| panic!("{label}: without the column: {e}"));
    assert_eq!(got.user.id, U1);
    control.clear_cache();
    match control.lookup("t1").await {
        Err(SessionError::Database { .. }) => {}
        other => panic!("{label}: a SELECT of the dropped column: {other:?}"),
    }
}

#[test]
fn a_serde_skip_column_is_not_selected_on_sqlite() {
    runtime().block_on(scenario(Dialect::Sqlite));
}

#[test]
fn a_serde_skip_column_is_not_selected_on_postgres() {
    runtime().block_on(scenario(Dialect::Postgres));
}

#[test]
fn a_serde_skip_column_is_not_selected_on_mariadb() {
    runtime().block_on(scenario(Dialect::Mysql));
}
