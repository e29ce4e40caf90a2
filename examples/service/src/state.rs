//! What every request shares: how sessions are checked, and the database (when there is one).

use std::time::Duration;

use authgen::runtime::db::SessionStore;
use authgen::runtime::revoke::Revocations;
use authgen::runtime::{NextAuthVersion, Verifier};

use crate::config::{Config, Strategy};
use crate::model::User;

/// How the session cookie is checked.
///
/// ```
/// use authgen_example_service::state::Sessions;
/// use authgen::runtime::{NextAuthVersion, Verifier};
/// let v = Verifier::builder(NextAuthVersion::V5).secret("s".repeat(32)).build().unwrap();
/// let sessions = Sessions::Jwt(v);
/// assert_eq!(sessions.cookie_name(), "authjs.session-token");
/// ```
#[derive(Debug)]
pub enum Sessions {
    /// Decrypt the cookie (next-auth v5 JWT) with `AUTH_SECRET`.
    Jwt(Verifier),
    /// Look the cookie's token up in the session table, on every request.
    Database(SessionStore<User>),
}

impl Sessions {
    /// The session cookie read.
    ///
    /// ```
    /// # use authgen_example_service::state::Sessions;
    /// # use authgen::runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("s".repeat(32)).secure(true).build().unwrap();
    /// assert_eq!(Sessions::Jwt(v).cookie_name(), "__Secure-authjs.session-token");
    /// ```
    pub fn cookie_name(&self) -> &str {
        match self {
            Sessions::Jwt(v) => v.cookie_name(),
            Sessions::Database(s) => s.cookie_name(),
        }
    }
}

/// The application state behind an `Arc`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use authgen_example_service::{config::Config, state::AppState};
/// let env = |k: &str| (k == "AUTH_SECRET").then(|| "s".repeat(32));
/// let state = AppState::new(&Config::from_lookup(env)?)?;
/// assert!(state.pool.is_none());
/// assert_eq!(state.strategy.as_str(), "jwt");
/// assert_eq!(state.db_timeout, authgen_example_service::config::DEFAULT_DB_TIMEOUT);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct AppState {
    /// The session strategy.
    pub strategy: Strategy,
    /// How sessions are checked.
    pub sessions: Sessions,
    /// The database of `DATABASE_URL`.
    pub pool: Option<crate::db::DbPool>,
    /// The user table's name (for `/api/admin/stats`).
    pub user_table: String,
    /// `DB_TIMEOUT_MS`: the longest a request waits for the database before answering 503.
    pub db_timeout: Duration,
    /// The revocation list on Redis (`REDIS_URL`, JWT mode): every authenticated route checks
    /// the verified token's user cutoff and `jti` there. `None` without `REDIS_URL`, and in
    /// database mode, where the session row (deleted at sign-out) is read on every request.
    pub revocations: Option<Revocations>,
}

impl AppState {
    /// The state for `config` (connects lazily: nothing is opened yet). With `REDIS_URL` in JWT
    /// mode it starts the revocations' pub/sub listener, so call it inside a Tokio runtime.
    ///
    /// ```
    /// use authgen_example_service::{config::Config, state::AppState};
    /// let env = |k: &str| (k == "AUTH_SECRET").then(|| "too-short".to_owned());
    /// assert!(AppState::new(&Config::from_lookup(env).unwrap()).is_err());
    /// ```
    pub fn new(config: &Config) -> Result<AppState, Box<dyn std::error::Error>> {
        let verifier = Verifier::builder(NextAuthVersion::V5)
            .secret(&config.secret)
            .secure(config.secure)
            .build()
            .map_err(|e| format!("AUTH_SECRET: {e}"))?;
        let create = config.migrations_dir.is_some();
        let pool = match &config.database_url {
            Some(url) => Some(
                crate::db::pool(url, create, config.db_timeout)
                    .map_err(|e| format!("DATABASE_URL: {e}"))?,
            ),
            None => None,
        };
        let sessions = match (config.strategy, &pool) {
            (Strategy::Database, Some(pool)) => Sessions::Database(crate::db::session_store(
                pool,
                config.naming,
                verifier.cookie_name(),
            )?),
            (Strategy::Database, None) => {
                return Err("AUTH_STRATEGY=database needs DATABASE_URL".into())
            }
            (Strategy::Jwt, _) => Sessions::Jwt(verifier),
        };
        Ok(AppState {
            strategy: config.strategy,
            sessions,
            pool,
            user_table: crate::db::session_schema(config.naming).user_table,
            db_timeout: config.db_timeout,
            revocations: revocations(config)?,
        })
    }
}

/// The [`Revocations`] of `REDIS_URL` in JWT mode (it starts its pub/sub listener: call inside
/// a Tokio runtime). Failures are logged by the runtime's hook: the driver's message, never a
/// token or the URL.
fn revocations(config: &Config) -> Result<Option<Revocations>, Box<dyn std::error::Error>> {
    let Some(revoke) = &config.revocations else {
        return Ok(None);
    };
    if config.strategy == Strategy::Database {
        return Ok(None);
    }
    let revocations = Revocations::builder(revoke.url.as_str(), revoke.policy)
        .on_failure(|e| eprintln!("revocations: {e}"))
        .build()
        .map_err(|e| format!("REDIS_URL: {e}"))?;
    Ok(Some(revocations))
}
