//! The database the Next app's adapter writes (SQLite) or the seed's migrations create
//! (PostgreSQL): the pool, the migrations, the session lookup's schema and the one query of the
//! service's own (`/api/admin/stats`).
//!
//! Every wait on the database is bounded by `DB_TIMEOUT_MS`: the pool's acquire timeout, the
//! SQLite busy timeout, PostgreSQL's `statement_timeout` (so a statement stuck behind a lock is
//! cancelled by the server and its connection comes back), and [`bounded`] around each request's
//! query.

use std::future::Future;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use authgen::runtime::db::{SessionSchema, SessionStore};
use authgen::runtime::naming::Preset;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{ConnectOptions, Connection};

use crate::model::{Jwt, Permission, Role, Session, SessionUser, User};

/// The naming preset of the tables: `@auth/kysely-adapter` (and Prisma's default models) name
/// them `"User"`, `"Session"`, … with camelCase columns.
pub const NAMING: &str = "prisma";

/// The authgen configuration the example's migrations are generated with: SQLite, naming
/// [`NAMING`].
///
/// ```
/// let c = authgen_example_service::db::authgen_config();
/// assert_eq!(c.sql.naming, "prisma");
/// ```
pub fn authgen_config() -> authgen::Config {
    naming_config(Preset::Prisma)
}

/// The authgen configuration of a database named with `naming` (`DB_NAMING`).
///
/// ```
/// use authgen::runtime::naming::Preset;
/// let c = authgen_example_service::db::naming_config(Preset::PgAdapter);
/// assert_eq!(c.sql.naming, "pg-adapter");
/// ```
pub fn naming_config(naming: Preset) -> authgen::Config {
    let mut config = authgen::Config::default();
    config.sql.dialects = vec![authgen::Dialect::Sqlite];
    config.sql.naming = naming.as_str().into();
    config
}

/// The seed model, assembled from the derives (the same types the service deserializes).
///
/// ```
/// let model = authgen_example_service::db::seed_model();
/// assert_eq!(model.user().unwrap().name, "User");
/// ```
pub fn seed_model() -> authgen::Checked {
    authgen::model![Role, Permission, User, Session, SessionUser, Jwt]
}

/// What the session lookup selects: the user and session tables of `naming` (`"User"` and
/// `"Session"` for [`NAMING`]) and every database column of the seed `User` that serde reads,
/// as authgen's migrations create them.
///
/// ```
/// use authgen::runtime::naming::Preset;
/// let schema = authgen_example_service::db::session_schema(Preset::Prisma);
/// assert_eq!((schema.user_table.as_str(), schema.session_table.as_str()), ("User", "Session"));
/// assert!(schema.user_columns.iter().any(|c| c.wire == "permissions"));
/// assert_eq!(authgen_example_service::db::session_schema(Preset::PgAdapter).session_table, "sessions");
/// ```
pub fn session_schema(naming: Preset) -> SessionSchema {
    // authgen leaves out a `#[serde(skip)]` column (the password hash): it stays in the database.
    match authgen::session_schema(&seed_model(), &naming_config(naming)) {
        Ok(schema) => schema,
        Err(errors) => {
            let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("the seed model has no session schema: {}", msgs.join("; "))
        }
    }
}

/// The keys serde writes for a `User` (every field but the `#[serde(skip)]` ones), or `None`
/// when the sample row below no longer fits the model. The tests compare them with the columns
/// [`session_schema`] selects.
///
/// ```
/// let keys = authgen_example_service::db::serde_keys().unwrap();
/// assert!(keys.iter().any(|k| k == "createdAt"));
/// ```
pub fn serde_keys() -> Option<Vec<String>> {
    let sample = serde_json::json!({
        "id": "", "role": Role::User, "permissions": [], "createdAt": "1970-01-01T00:00:00Z"
    });
    let user: User = serde_json::from_value(sample).ok()?;
    match serde_json::to_value(user).ok()? {
        serde_json::Value::Object(map) => Some(map.into_iter().map(|(k, _)| k).collect()),
        _ => None,
    }
}

/// A pool of one of the databases the service reads (`DATABASE_URL`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// use std::time::Duration;
/// use authgen_example_service::db::{pool, DbPool};
/// let p = pool("sqlite::memory:", false, Duration::from_secs(1))?;
/// assert!(matches!(p, DbPool::Sqlite(_)));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub enum DbPool {
    /// `sqlite:…`.
    Sqlite(SqlitePool),
    /// `postgres://…` / `postgresql://…`.
    Postgres(PgPool),
}

/// A pool on `url` that connects on first use: a database that is down or missing makes
/// requests answer 503 instead of stopping the service. `create` creates a missing SQLite file.
/// `timeout` bounds the wait for a connection (and SQLite's busy wait, and each PostgreSQL
/// statement through `statement_timeout`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// use std::time::Duration;
/// let pool = authgen_example_service::db::pool("sqlite::memory:", false, Duration::from_secs(2))?;
/// assert_eq!(authgen_example_service::db::count_users(&pool, "sqlite_master").await?, 0);
/// # Ok(()) }
/// ```
pub fn pool(url: &str, create: bool, timeout: Duration) -> Result<DbPool, sqlx::Error> {
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(create)
            .busy_timeout(timeout);
        return Ok(DbPool::Sqlite(
            SqlitePoolOptions::new()
                .acquire_timeout(timeout)
                .connect_lazy_with(options),
        ));
    }
    let ms = timeout.as_millis().to_string();
    let options = PgConnectOptions::from_str(url)?.options([("statement_timeout", ms.as_str())]);
    Ok(DbPool::Postgres(
        PgPoolOptions::new()
            .acquire_timeout(timeout)
            .connect_lazy_with(options),
    ))
}

/// `future` (a query of a request) bounded by `timeout`: `Err(None)` when it did not finish in
/// time, `Err(Some(e))` when it failed.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use authgen_example_service::db::bounded;
/// let slow = async { tokio::time::sleep(Duration::from_secs(5)).await; Ok::<_, ()>(1) };
/// assert_eq!(bounded(Duration::from_millis(10), slow).await, Err(None));
/// assert_eq!(bounded(Duration::from_secs(1), async { Ok::<_, ()>(2) }).await, Ok(2));
/// # }
/// ```
pub async fn bounded<T, E>(
    timeout: Duration,
    future: impl Future<Output = Result<T, E>>,
) -> Result<T, Option<E>> {
    match tokio::time::timeout(timeout, future).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Some(e)),
        Err(_) => Err(None),
    }
}

/// Applies the sqlx migrations in `dir` (files `<version>_<name>.up.sql` / `.sql`). On
/// PostgreSQL they run on a connection of their own, without the pool's `statement_timeout`
/// (a migration may take longer than a request may wait).
///
/// ```no_run
/// # async fn run(pool: authgen_example_service::db::DbPool) -> Result<(), sqlx::migrate::MigrateError> {
/// authgen_example_service::db::migrate(&pool, std::path::Path::new("migrations/sqlite")).await?;
/// # Ok(()) }
/// ```
pub async fn migrate(pool: &DbPool, dir: &Path) -> Result<(), sqlx::migrate::MigrateError> {
    let migrator = Migrator::new(dir.to_path_buf()).await?;
    match pool {
        DbPool::Sqlite(p) => migrator.run(p).await,
        DbPool::Postgres(p) => {
            let options = p.connect_options();
            let options = (*options).clone().options([("statement_timeout", "0")]);
            let mut conn = options.connect().await?;
            let applied = migrator.run(&mut conn).await;
            let _ = conn.close().await;
            applied
        }
    }
}

/// Checks that the migrations in `dir` create the tables of `naming`: when `dir` holds authgen's
/// `authgen.snapshot.json`, its naming preset must be `naming` (a mismatch would make every
/// lookup fail on a missing table). The error names the file and both presets.
///
/// ```
/// use authgen::runtime::naming::Preset;
/// use authgen_example_service::db::check_naming;
/// let dir = std::env::temp_dir().join(format!("check-naming-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// assert!(check_naming(&dir, Preset::Prisma).is_ok()); // no snapshot: nothing to compare
/// std::fs::write(dir.join("authgen.snapshot.json"), r#"{"schema": {"preset": "pg-adapter"}}"#).unwrap();
/// assert!(check_naming(&dir, Preset::PgAdapter).is_ok());
/// let e = check_naming(&dir, Preset::Prisma).unwrap_err();
/// assert!(e.contains("pg-adapter") && e.contains("DB_NAMING"), "{e}");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn check_naming(dir: &Path, naming: Preset) -> Result<(), String> {
    let path = dir.join("authgen.snapshot.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let snapshot: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))?;
    match snapshot["schema"]["preset"].as_str() {
        Some(preset) if preset != naming.as_str() => Err(format!(
            "{} is for naming preset `{preset}`, but DB_NAMING is `{}`: set DB_NAMING={preset}",
            path.display(),
            naming.as_str()
        )),
        _ => Ok(()),
    }
}

/// The session store: one lookup per request, **no cache**, so a signed-out (deleted) session
/// is refused and a role changed in the database is seen on the very next request.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use authgen::runtime::naming::Preset;
/// let pool = authgen_example_service::db::pool("sqlite::memory:", false, Duration::from_secs(2))?;
/// let store = authgen_example_service::db::session_store(&pool, Preset::Prisma, "authjs.session-token")?;
/// assert_eq!(store.cached(), 0);
/// # Ok(()) }
/// ```
pub fn session_store(
    pool: &DbPool,
    naming: Preset,
    cookie_name: &str,
) -> Result<SessionStore<User>, authgen::runtime::db::SchemaError> {
    let schema = session_schema(naming);
    let store = match pool {
        DbPool::Sqlite(p) => SessionStore::new(p.clone(), &schema)?,
        DbPool::Postgres(p) => SessionStore::new(p.clone(), &schema)?,
    };
    Ok(store.with_cookie_name(cookie_name))
}

/// `"name"` quoted for SQLite and PostgreSQL.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The number of rows of `table`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// use std::time::Duration;
/// let pool = authgen_example_service::db::pool("sqlite::memory:", false, Duration::from_secs(2))?;
/// assert!(authgen_example_service::db::count_users(&pool, "no_such_table").await.is_err());
/// # Ok(()) }
/// ```
pub async fn count_users(pool: &DbPool, table: &str) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) FROM {}", quoted(table));
    let sql = sqlx::AssertSqlSafe(sql);
    match pool {
        DbPool::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        DbPool::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    }
}
