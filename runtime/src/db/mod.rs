//! Database sessions (feature `db`, with `postgres`, `mysql` and / or `sqlite`): the session
//! token of a database-strategy app looked up in the Auth.js tables, returning the app's typed
//! user.
//!
//! A lookup is **one statement, one round trip**: the session joined with its user, the user's
//! columns rendered by the database as a JSON object keyed by serde name (ids as text,
//! timestamps as RFC 3339 UTC strings, string lists as JSON arrays), then deserialized into
//! `U`. `expires` is checked against the clock. The statement is built once, by
//! [`SessionStore::new`], and sqlx prepares and caches it per connection.
//!
//! - [`SessionSchema`]: the tables and user columns, from the naming preset
//!   ([`SessionSchema::preset`]) plus the app's own columns ([`SessionSchema::column`]).
//! - [`SessionStore`]: a pool and the statement; optionally a bounded cache with a TTL
//!   ([`SessionStore::with_cache`]).
//! - [`SessionError`]: not found / expired (401), user type mismatch (500), database (503).
//! - With feature `axum`: [`DbSession<U>`] is an extractor (module `db::axum`).
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use authgen_runtime::db::{SessionSchema, SessionStore, ValueKind};
//! use authgen_runtime::naming::Preset;
//!
//! #[derive(serde::Deserialize, Clone)]
//! #[serde(rename_all = "camelCase")]
//! struct User { id: String, email: Option<String>, role: String, permissions: Vec<String> }
//!
//! let schema = SessionSchema::preset(Preset::Prisma)
//!     .column("role", "role", ValueKind::Text)
//!     .column("permissions", "permissions", ValueKind::Json);
//! let pool = sqlx::SqlitePool::connect("sqlite://app.db").await?;
//! let store = SessionStore::<User>::new(pool, &schema)?
//!     .with_cache(10_000, std::time::Duration::from_secs(30));
//! let session = store.lookup("the sessionToken cookie's value").await?;
//! println!("{} until {:?}", session.user.id, session.expires);
//! # Ok(()) }
//! ```

#[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
compile_error!(
    "authgen-runtime: database sessions need a database: enable `postgres`, `mysql` or `sqlite` (each enables `db`)"
);

mod cache;
mod error;
mod schema;
mod sql;

#[cfg(feature = "axum")]
pub mod axum;

use std::marker::PhantomData;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use sqlx::{AssertSqlSafe, Row, SqlSafeStr, SqlStr};

pub use error::{SessionError, SessionErrorKind};
pub use schema::{Dialect, SchemaError, SessionSchema, UserColumn, ValueKind};
/// The sqlx this module is built on (0.9): make pools with it to match its version.
///
/// ```
/// # async fn pool() -> Result<(), authgen_runtime::db::sqlx::Error> {
/// let pool = authgen_runtime::db::sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// # drop(pool);
/// # Ok(())
/// # }
/// ```
pub use sqlx;

/// The longest session token looked up; longer values (and empty ones, and ones holding NUL)
/// are [`SessionError::NotFound`] without a query (Auth.js tokens are 36-character UUIDs).
///
/// ```
/// assert!(authgen_runtime::db::DEFAULT_MAX_TOKEN_LEN >= 36);
/// ```
pub const DEFAULT_MAX_TOKEN_LEN: usize = 1024;

/// The session cookie of next-auth v5 / Auth.js (v4: `next-auth.session-token`; add the
/// `__Secure-` prefix on HTTPS). Database sessions use the same cookie names as JWT sessions.
///
/// ```
/// assert_eq!(authgen_runtime::db::DEFAULT_COOKIE_NAME, "authjs.session-token");
/// ```
pub const DEFAULT_COOKIE_NAME: &str = "authjs.session-token";

/// A valid database session: the app's user and when the session expires.
///
/// With feature `axum` this is also an extractor (see `db::axum`).
///
/// ```
/// use authgen_runtime::db::DbSession;
/// let s = DbSession { user: "ada".to_owned(), expires: std::time::SystemTime::UNIX_EPOCH };
/// assert_eq!(s.user, "ada");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSession<U> {
    /// The session's user, deserialized from the user row.
    pub user: U,
    /// The session's `expires`.
    pub expires: SystemTime,
}

/// A connection pool of one of the enabled databases.
///
/// ```no_run
/// # #[cfg(feature = "postgres")]
/// # async fn run() -> Result<(), sqlx::Error> {
/// use authgen_runtime::db::Pool;
/// let pool: Pool = sqlx::PgPool::connect("postgres://localhost/app").await?.into();
/// assert_eq!(pool.dialect(), authgen_runtime::db::Dialect::Postgres);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Pool {
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    /// MySQL / MariaDB.
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
}

impl Pool {
    /// The pool's dialect.
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run() -> Result<(), sqlx::Error> {
    /// let pool = authgen_runtime::db::Pool::from(sqlx::SqlitePool::connect("sqlite::memory:").await?);
    /// assert_eq!(pool.dialect(), authgen_runtime::db::Dialect::Sqlite);
    /// # Ok(()) }
    /// ```
    pub fn dialect(&self) -> Dialect {
        match *self {
            #[cfg(feature = "postgres")]
            Pool::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Pool::MySql(_) => Dialect::Mysql,
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(_) => Dialect::Sqlite,
        }
    }
}

#[cfg(feature = "postgres")]
impl From<sqlx::PgPool> for Pool {
    fn from(p: sqlx::PgPool) -> Pool {
        Pool::Postgres(p)
    }
}

#[cfg(feature = "mysql")]
impl From<sqlx::MySqlPool> for Pool {
    fn from(p: sqlx::MySqlPool) -> Pool {
        Pool::MySql(p)
    }
}

#[cfg(feature = "sqlite")]
impl From<sqlx::SqlitePool> for Pool {
    fn from(p: sqlx::SqlitePool) -> Pool {
        Pool::Sqlite(p)
    }
}

/// Looks up database sessions: a pool, the statement built from a [`SessionSchema`], and an
/// optional cache. Cheap to share behind an `Arc`; `U` is the app's user type.
///
/// ```no_run
/// # #[cfg(feature = "postgres")]
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use authgen_runtime::db::{SessionError, SessionSchema, SessionStore};
/// use authgen_runtime::naming::Preset;
/// let pool = sqlx::PgPool::connect("postgres://localhost/app").await?;
/// let store = SessionStore::<serde_json::Value>::new(pool, &SessionSchema::preset(Preset::PgAdapter))?;
/// match store.lookup("token").await {
///     Ok(s) => println!("user {}", s.user["id"]),
///     Err(e) if e.status() == 401 => println!("sign in again"),
///     Err(e) => eprintln!("{e}"),
/// }
/// # Ok(()) }
/// ```
pub struct SessionStore<U> {
    pool: Pool,
    sql: SqlStr,
    objects: usize,
    bool_keys: Vec<String>,
    cache: Option<cache::Cache<U>>,
    cookie_name: String,
    max_token_len: usize,
    _user: PhantomData<fn() -> U>,
}

impl<U> std::fmt::Debug for SessionStore<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore")
            .field("dialect", &self.pool.dialect())
            .field("sql", &self.sql.as_str())
            .field("cache", &self.cache.is_some())
            .field("cookie_name", &self.cookie_name)
            .finish_non_exhaustive()
    }
}

fn millis(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |m| -m),
    }
}

fn from_millis(ms: i64) -> SystemTime {
    let d = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        SystemTime::UNIX_EPOCH
            .checked_add(d)
            .unwrap_or(SystemTime::UNIX_EPOCH)
    } else {
        SystemTime::UNIX_EPOCH
            .checked_sub(d)
            .unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

/// The row of a lookup: the user's JSON objects and `expires` in epoch milliseconds.
type Fetched = Option<(Vec<Option<String>>, Option<i64>)>;

fn read_row<R: Row>(
    row: &R,
    objects: usize,
) -> Result<(Vec<Option<String>>, Option<i64>), sqlx::Error>
where
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let mut parts = Vec::with_capacity(objects);
    for i in 0..objects {
        parts.push(row.try_get::<Option<String>, _>(i)?);
    }
    Ok((parts, row.try_get::<Option<i64>, _>(objects)?))
}

impl<U: DeserializeOwned + Clone> SessionStore<U> {
    /// A store querying `pool` for the tables and columns of `schema`. Builds the statement
    /// (once); fails when the schema has unusable names or duplicate keys.
    ///
    /// ```no_run
    /// # #[cfg(feature = "mysql")]
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use authgen_runtime::{db::{SessionSchema, SessionStore}, naming::Preset};
    /// let pool = sqlx::MySqlPool::connect("mysql://localhost/app").await?;
    /// let store = SessionStore::<serde_json::Value>::new(pool, &SessionSchema::preset(Preset::Prisma))?;
    /// assert!(store.sql().contains("JSON_OBJECT("));
    /// # Ok(()) }
    /// ```
    pub fn new(pool: impl Into<Pool>, schema: &SessionSchema) -> Result<Self, SchemaError> {
        schema.validate()?;
        let pool = pool.into();
        let sql = sql::lookup_sql(pool.dialect(), schema);
        Ok(SessionStore {
            pool,
            sql: AssertSqlSafe(std::sync::Arc::<str>::from(sql)).into_sql_str(),
            objects: schema.user_columns.len().div_ceil(sql::PAIRS_PER_OBJECT),
            bool_keys: schema
                .user_columns
                .iter()
                .filter(|c| c.kind == ValueKind::Bool)
                .map(|c| c.wire.clone())
                .collect(),
            cache: None,
            cookie_name: DEFAULT_COOKIE_NAME.to_owned(),
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            _user: PhantomData,
        })
    }

    /// Keeps up to `capacity` looked-up sessions in memory for `ttl` (never past the session's
    /// `expires`), keyed by the token's SHA-256. A session deleted in the database (sign-out)
    /// is still served from the cache until its entry's TTL ends: keep `ttl` short, or call
    /// [`SessionStore::invalidate`] where the app signs users out.
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use authgen_runtime::{db::{SessionSchema, SessionStore}, naming::Preset};
    /// # let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// let store = SessionStore::<serde_json::Value>::new(pool, &SessionSchema::preset(Preset::Prisma))?
    ///     .with_cache(10_000, std::time::Duration::from_secs(30));
    /// # Ok(()) }
    /// ```
    pub fn with_cache(mut self, capacity: usize, ttl: Duration) -> Self {
        self.cache = Some(cache::Cache::new(capacity, ttl));
        self
    }

    /// The cookie the `db::axum` extractor reads (default
    /// [`DEFAULT_COOKIE_NAME`]; v4: `next-auth.session-token`, `__Secure-` prefixed on HTTPS).
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use authgen_runtime::{db::{SessionSchema, SessionStore}, naming::Preset};
    /// # let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// let store = SessionStore::<serde_json::Value>::new(pool, &SessionSchema::preset(Preset::Prisma))?
    ///     .with_cookie_name("__Secure-authjs.session-token");
    /// assert_eq!(store.cookie_name(), "__Secure-authjs.session-token");
    /// # Ok(()) }
    /// ```
    pub fn with_cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = name.into();
        self
    }

    /// The cookie the extractor reads.
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use authgen_runtime::{db::{SessionSchema, SessionStore}, naming::Preset};
    /// # let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// let store = SessionStore::<serde_json::Value>::new(pool, &SessionSchema::preset(Preset::Prisma))?;
    /// assert_eq!(store.cookie_name(), "authjs.session-token");
    /// # Ok(()) }
    /// ```
    pub fn cookie_name(&self) -> &str {
        &self.cookie_name
    }

    /// The longest token looked up (default [`DEFAULT_MAX_TOKEN_LEN`]).
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use authgen_runtime::{db::{SessionSchema, SessionStore}, naming::Preset};
    /// # let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// let store = SessionStore::<serde_json::Value>::new(pool, &SessionSchema::preset(Preset::Prisma))?
    ///     .with_max_token_len(64);
    /// assert_eq!(store.max_token_len(), 64);
    /// # Ok(()) }
    /// ```
    pub fn with_max_token_len(mut self, max: usize) -> Self {
        self.max_token_len = max;
        self
    }

    /// The longest token looked up.
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use authgen_runtime::{db::{SessionSchema, SessionStore, DEFAULT_MAX_TOKEN_LEN}, naming::Preset};
    /// # let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// let store = SessionStore::<serde_json::Value>::new(pool, &SessionSchema::preset(Preset::Prisma))?;
    /// assert_eq!(store.max_token_len(), DEFAULT_MAX_TOKEN_LEN);
    /// # Ok(()) }
    /// ```
    pub fn max_token_len(&self) -> usize {
        self.max_token_len
    }

    /// The statement a lookup runs (one bound parameter: the token).
    ///
    /// ```no_run
    /// # #[cfg(feature = "postgres")]
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use authgen_runtime::{db::{SessionSchema, SessionStore}, naming::Preset};
    /// # let pool = sqlx::PgPool::connect("postgres://localhost/app").await?;
    /// let store = SessionStore::<serde_json::Value>::new(pool, &SessionSchema::preset(Preset::PgAdapter))?;
    /// assert!(store.sql().ends_with("WHERE s.\"sessionToken\" = $1"));
    /// # Ok(()) }
    /// ```
    pub fn sql(&self) -> &str {
        self.sql.as_str()
    }

    /// The pool.
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// # use authgen_runtime::{db::{Dialect, SessionSchema, SessionStore}, naming::Preset};
    /// # let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// let store = SessionStore::<serde_json::Value>::new(pool, &SessionSchema::preset(Preset::Prisma))?;
    /// assert_eq!(store.pool().dialect(), Dialect::Sqlite);
    /// # Ok(()) }
    /// ```
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The session with this token and its user, if the session exists and has not expired.
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run(store: authgen_runtime::db::SessionStore<serde_json::Value>) {
    /// match store.lookup("token").await {
    ///     Ok(session) => println!("{}", session.user["email"]),
    ///     Err(e) => println!("{} ({})", e.public_message(), e.status()),
    /// }
    /// # }
    /// ```
    pub async fn lookup(&self, token: &str) -> Result<DbSession<U>, SessionError> {
        self.lookup_at(token, SystemTime::now()).await
    }

    /// [`SessionStore::lookup`] with the clock at `now` (for the expiry check and the cache).
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run(store: authgen_runtime::db::SessionStore<serde_json::Value>) {
    /// let far = std::time::SystemTime::now() + std::time::Duration::from_secs(400 * 86_400);
    /// assert!(store.lookup_at("token", far).await.is_err());
    /// # }
    /// ```
    pub async fn lookup_at(
        &self,
        token: &str,
        now: SystemTime,
    ) -> Result<DbSession<U>, SessionError> {
        // No session can hold a NUL (PostgreSQL text cannot): refuse it before the database does.
        if token.is_empty() || token.len() > self.max_token_len || token.contains('\0') {
            return Err(SessionError::NotFound);
        }
        let key = self.cache.as_ref().map(|_| cache::key(token));
        if let (Some(cache), Some(key)) = (&self.cache, &key) {
            if let Some((user, expires)) = cache.get(key, now) {
                return Ok(DbSession { user, expires });
            }
        }
        let (parts, expires_ms) = self
            .fetch(token)
            .await
            .map_err(|e| SessionError::database(&e, token))?
            .ok_or(SessionError::NotFound)?;
        let expires_ms = expires_ms.ok_or_else(|| SessionError::Database {
            message: "the session's `expires` is not a timestamp".into(),
        })?;
        let now_ms = millis(now);
        if expires_ms <= now_ms {
            return Err(SessionError::Expired { expires_ms, now_ms });
        }
        let user = self.decode(parts)?;
        let expires = from_millis(expires_ms);
        if let (Some(cache), Some(key)) = (&self.cache, key) {
            cache.insert(key, user.clone(), expires, now);
        }
        Ok(DbSession { user, expires })
    }

    /// Drops the cached entry of `token` (call it where the app signs a user out).
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # fn run(store: authgen_runtime::db::SessionStore<serde_json::Value>) {
    /// store.invalidate("token");
    /// # }
    /// ```
    pub fn invalidate(&self, token: &str) {
        if let Some(cache) = &self.cache {
            cache.remove(&cache::key(token));
        }
    }

    /// Drops the cached entry of the session whose token has this SHA-256: the hook for
    /// cross-instance sign-out (feature `redis`: `RevocationsBuilder::on_session_revoked`).
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # fn run(store: authgen_runtime::db::SessionStore<serde_json::Value>, digest: [u8; 32]) {
    /// store.invalidate_sha256(&digest);
    /// # }
    /// ```
    pub fn invalidate_sha256(&self, digest: &[u8; 32]) {
        if let Some(cache) = &self.cache {
            cache.remove(digest);
        }
    }

    /// Empties the cache.
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # fn run(store: authgen_runtime::db::SessionStore<serde_json::Value>) {
    /// store.clear_cache();
    /// assert_eq!(store.cached(), 0);
    /// # }
    /// ```
    pub fn clear_cache(&self) {
        if let Some(cache) = &self.cache {
            cache.clear();
        }
    }

    /// How many sessions the cache holds (0 without a cache).
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # fn run(store: authgen_runtime::db::SessionStore<serde_json::Value>) {
    /// println!("{} cached sessions", store.cached());
    /// # }
    /// ```
    pub fn cached(&self) -> usize {
        self.cache.as_ref().map_or(0, |c| c.len())
    }

    async fn fetch(&self, token: &str) -> Result<Fetched, sqlx::Error> {
        let n = self.objects;
        let binds = sql::token_binds(self.pool.dialect());
        macro_rules! run {
            ($pool:expr) => {{
                let mut query = sqlx::query(self.sql.clone());
                for _ in 0..binds {
                    query = query.bind(token);
                }
                let row = query.fetch_optional($pool).await?;
                row.map(|r| read_row(&r, n)).transpose()
            }};
        }
        match &self.pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => run!(p),
            #[cfg(feature = "mysql")]
            Pool::MySql(p) => run!(p),
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(p) => run!(p),
        }
    }

    fn decode(&self, parts: Vec<Option<String>>) -> Result<U, SessionError> {
        let mut object = serde_json::Map::new();
        for part in parts {
            let text = part.ok_or_else(|| SessionError::Database {
                message: "the database returned no user object".into(),
            })?;
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(m)) => object.extend(m),
                _ => {
                    return Err(SessionError::Database {
                        message: "the database returned a user object that is not JSON".into(),
                    })
                }
            }
        }
        for key in &self.bool_keys {
            if let Some(v) = object.get_mut(key) {
                if let Some(n) = v.as_i64() {
                    *v = serde_json::Value::Bool(n != 0);
                }
            }
        }
        serde_path_to_error::deserialize(serde_json::Value::Object(object)).map_err(|e| {
            let path = e.path().to_string();
            SessionError::user(path, &e.into_inner().to_string())
        })
    }
}
