//! The SQLite database the Next app's adapter writes: the pool, the migrations, the session
//! lookup's schema and the one query of the service's own (`/api/admin/stats`).

use std::str::FromStr;
use std::time::Duration;

use authgen::runtime::db::{SessionSchema, SessionStore};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use crate::model::{Jwt, Permission, Role, Session, SessionUser, User};

/// How long a request waits for a connection before the service answers 503.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

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
    let mut config = authgen::Config::default();
    config.sql.dialects = vec![authgen::Dialect::Sqlite];
    config.sql.naming = NAMING.into();
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

/// What the session lookup selects: the `"User"` and `"Session"` tables of [`NAMING`] and every
/// database column of the seed `User`, as authgen's migrations create them.
///
/// ```
/// let schema = authgen_example_service::db::session_schema();
/// assert_eq!((schema.user_table.as_str(), schema.session_table.as_str()), ("User", "Session"));
/// assert!(schema.user_columns.iter().any(|c| c.wire == "permissions"));
/// ```
pub fn session_schema() -> SessionSchema {
    let mut schema = match authgen::session_schema(&seed_model(), &authgen_config()) {
        Ok(schema) => schema,
        Err(errors) => {
            let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("the seed model has no session schema: {}", msgs.join("; "))
        }
    };
    // A `#[serde(skip)]` column (the password hash) is never read: it stays in the database.
    if let Some(keys) = serde_keys() {
        schema.user_columns.retain(|c| keys.contains(&c.wire));
    }
    schema
}

/// The keys serde writes for a `User` (every field but the `#[serde(skip)]` ones), or `None`
/// when the sample row below no longer fits the model.
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

/// A pool on `url` that connects on first use: a database that is down or missing makes
/// requests answer 503 instead of stopping the service. `create` creates a missing file.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = authgen_example_service::db::pool("sqlite::memory:", false)?;
/// assert_eq!(authgen_example_service::db::count_users(&pool, "sqlite_master").await?, 0);
/// # Ok(()) }
/// ```
pub fn pool(url: &str, create: bool) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?.create_if_missing(create);
    Ok(SqlitePoolOptions::new()
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_lazy_with(options))
}

/// Applies the sqlx migrations in `dir` (files `<version>_<name>.up.sql` / `.sql`).
///
/// ```no_run
/// # async fn run(pool: sqlx::SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
/// authgen_example_service::db::migrate(&pool, std::path::Path::new("migrations/sqlite")).await?;
/// # Ok(()) }
/// ```
pub async fn migrate(
    pool: &SqlitePool,
    dir: &std::path::Path,
) -> Result<(), sqlx::migrate::MigrateError> {
    Migrator::new(dir.to_path_buf()).await?.run(pool).await
}

/// The session store: one lookup per request, **no cache**, so a signed-out (deleted) session
/// is refused and a role changed in the database is seen on the very next request.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = authgen_example_service::db::pool("sqlite::memory:", false)?;
/// let store = authgen_example_service::db::session_store(pool, "authjs.session-token")?;
/// assert_eq!(store.cached(), 0);
/// # Ok(()) }
/// ```
pub fn session_store(
    pool: SqlitePool,
    cookie_name: &str,
) -> Result<SessionStore<User>, authgen::runtime::db::SchemaError> {
    Ok(SessionStore::new(pool, &session_schema())?.with_cookie_name(cookie_name))
}

/// `"name"` quoted for SQLite.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The number of rows of `table`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = authgen_example_service::db::pool("sqlite::memory:", false)?;
/// assert!(authgen_example_service::db::count_users(&pool, "no_such_table").await.is_err());
/// # Ok(()) }
/// ```
pub async fn count_users(pool: &SqlitePool, table: &str) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) FROM {}", quoted(table));
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(pool)
        .await
}
