//! Shared by the database-session tests and bench: the seed model, its schema migrated by
//! authgen onto a fresh database, rows written by the real Auth.js adapters, and the glue from
//! the codegen schema to the runtime's [`SessionSchema`].
#![allow(dead_code)]

use std::path::PathBuf;

use authgen_codegen::config::Config;
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::sql::plan::{plan, snapshot_json, SNAPSHOT_FILE};
use authgen_codegen::sql::schema;
use authgen_codegen::Checked;
use authgen_runtime::db::{Dialect, Pool, SessionSchema};
use authgen_testkit::db::{Server, TempDb};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::migrate::Migrator;
use sqlx::Connection;

/// The seed model's role (`fixtures/seed/model.rs`), as serde reads it.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    User,
    Moderator,
    Admin,
}

/// The seed model's permission.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    #[serde(rename = "posts:read")]
    PostsRead,
    #[serde(rename = "posts:write")]
    PostsWrite,
    #[serde(rename = "users:manage")]
    UsersManage,
}

/// The seed model's `User`, field for field (the derives live in the facade crate).
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<DateTime<Utc>>,
    pub image: Option<String>,
    pub role: Role,
    pub permissions: Vec<Permission>,
    pub created_at: DateTime<Utc>,
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The seed model, parsed from `fixtures/seed/model.rs` by authgen's front end.
pub fn seed_model() -> Checked {
    let path = authgen_testkit::workspace_root().join("fixtures/seed/model.rs");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_sources(&[Source {
        name: "model.rs".into(),
        text,
    }])
    .unwrap_or_else(|e| panic!("seed model: {e:?}"))
}

pub fn config(d: Dialect, preset: &str) -> Config {
    let mut c = Config::default();
    c.sql.dialects = vec![d];
    c.sql.naming = preset.into();
    c
}

/// A migrated database: kept alive (and dropped) with this value.
pub struct Migrated {
    pub dialect: Dialect,
    pub preset: &'static str,
    pub url: String,
    /// What the Node scripts take: the URL, or the SQLite file.
    pub target: String,
    pub session_schema: SessionSchema,
    _server: Option<TempDb>,
    _file: Option<PathBuf>,
}

impl Migrated {
    /// A fresh database with the seed model's full schema under `preset`, migrated with
    /// authgen's migration files by sqlx's migrator.
    pub async fn new(d: Dialect, preset: &'static str, label: &str) -> Migrated {
        let model = seed_model();
        let schema = schema::build(&model, &config(d, preset))
            .unwrap_or_else(|e| panic!("schema errors: {e:?}"));
        let dir = authgen_testkit::scratch_dir(&format!("{label}_migrations"));
        let m = plan(d, None, &schema, 20260101000000, "init", false)
            .unwrap_or_else(|e| panic!("plan: {e:?}"))
            .expect("an initial migration");
        for f in &m.files {
            std::fs::write(dir.join(&f.file_name), &f.contents).unwrap();
        }
        std::fs::write(dir.join(SNAPSHOT_FILE), snapshot_json(&schema)).unwrap();
        let (server, file, url, target) = match d {
            Dialect::Postgres | Dialect::Mysql => {
                let server = if d == Dialect::Postgres {
                    Server::Postgres
                } else {
                    Server::MySql
                };
                let t = TempDb::new(server, label).await;
                let url = t.url().to_owned();
                (Some(t), None, url.clone(), url)
            }
            Dialect::Sqlite => {
                let (path, url) = authgen_testkit::db::sqlite_file(label);
                let target = path.display().to_string();
                (None, Some(path), url, target)
            }
        };
        let migrator = Migrator::new(dir.clone()).await.expect("migrator");
        let applied = match d {
            Dialect::Postgres => {
                let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
                migrator.run(&mut c).await
            }
            Dialect::Mysql => {
                let mut c = sqlx::MySqlConnection::connect(&url).await.expect("connect");
                migrator.run(&mut c).await
            }
            Dialect::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("connect");
                migrator.run(&mut c).await
            }
        };
        applied.unwrap_or_else(|e| panic!("{label}: migrating: {e}"));
        Migrated {
            dialect: d,
            preset,
            url,
            target,
            session_schema: authgen::session_schema(&model, &config(d, preset))
                .expect("the session schema"),
            _server: server,
            _file: file,
        }
    }

    /// A pool on the database.
    pub async fn pool(&self) -> Pool {
        match self.dialect {
            Dialect::Postgres => sqlx::PgPool::connect(&self.url).await.expect("pool").into(),
            Dialect::Mysql => sqlx::MySqlPool::connect(&self.url)
                .await
                .expect("pool")
                .into(),
            Dialect::Sqlite => sqlx::SqlitePool::connect(&self.url)
                .await
                .expect("pool")
                .into(),
        }
    }

    /// Runs one statement (test setup: deleting a session, changing a row).
    pub async fn exec(&self, sql: &str) {
        let q = || sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()));
        let r = match self.dialect {
            Dialect::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url)
                    .await
                    .expect("connect");
                q().execute(&mut c).await.map(|_| ())
            }
            Dialect::Mysql => {
                let mut c = sqlx::MySqlConnection::connect(&self.url)
                    .await
                    .expect("connect");
                q().execute(&mut c).await.map(|_| ())
            }
            Dialect::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("connect");
                q().execute(&mut c).await.map(|_| ())
            }
        };
        r.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// `name` quoted for this dialect.
    pub fn q(&self, name: &str) -> String {
        match self.dialect {
            Dialect::Mysql => format!("`{name}`"),
            _ => format!("\"{name}\""),
        }
    }
}

/// What `fixtures/adapters/sessions.mjs` wrote.
#[derive(Deserialize, Debug)]
pub struct Written {
    pub users: Pair<RowUser>,
    pub sessions: Sessions,
    pub adapter: Pair<AdapterView>,
}

#[derive(Deserialize, Debug)]
pub struct Pair<T> {
    pub admin: T,
    pub plain: T,
}

#[derive(Deserialize, Debug)]
pub struct Sessions {
    pub admin: WrittenSession,
    pub plain: WrittenSession,
    pub expired: WrittenSession,
}

#[derive(Deserialize, Debug)]
pub struct WrittenSession {
    pub token: String,
    pub expires: DateTime<Utc>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RowUser {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<DateTime<Utc>>,
    pub image: Option<String>,
    pub role: String,
    pub permissions: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Deserialize, Debug)]
pub struct AdapterView {
    pub user: AdapterUser,
    pub expires: DateTime<Utc>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AdapterUser {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<DateTime<Utc>>,
    pub image: Option<String>,
}

pub fn node_dir() -> PathBuf {
    authgen_testkit::npm::ensure_installed(
        &authgen_testkit::workspace_root().join("fixtures/adapters"),
    )
}

/// Has the real adapter (`pg` or `kysely`) write the users and sessions.
pub fn write_sessions(adapter: &str, db: &Migrated) -> Written {
    let out = authgen_testkit::npm::node_ok(
        &node_dir(),
        "sessions.mjs",
        &[adapter, db.dialect.as_str(), &db.target],
        b"",
        &[],
    );
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("sessions.mjs printed {out}: {e}"))
}
