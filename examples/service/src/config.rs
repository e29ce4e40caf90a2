//! The service's settings, read from the environment (see the crate's README for the table).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use authgen::runtime::naming::Preset;
use authgen::runtime::revoke::FailurePolicy;

/// The default of `DB_TIMEOUT_MS`: how long a request waits for the database.
///
/// ```
/// assert_eq!(authgen_example_service::config::DEFAULT_DB_TIMEOUT.as_millis(), 2000);
/// ```
pub const DEFAULT_DB_TIMEOUT: Duration = Duration::from_millis(2000);

/// The largest `DB_TIMEOUT_MS` accepted (ten minutes).
const MAX_DB_TIMEOUT_MS: u64 = 600_000;

/// Where the session lives: in the cookie itself (`jwt`) or in the database (`database`).
///
/// ```
/// use authgen_example_service::config::Strategy;
/// assert_eq!("database".parse::<Strategy>(), Ok(Strategy::Database));
/// assert_eq!(Strategy::Jwt.as_str(), "jwt");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// next-auth's default: the session cookie is an encrypted JWT (`AUTH_STRATEGY=jwt`).
    Jwt,
    /// `session: { strategy: "database" }`: the cookie holds a token of the session table.
    Database,
}

impl Strategy {
    /// The name used in the environment and in the JSON bodies.
    ///
    /// ```
    /// # use authgen_example_service::config::Strategy;
    /// assert_eq!(Strategy::Database.as_str(), "database");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Jwt => "jwt",
            Strategy::Database => "database",
        }
    }
}

impl std::str::FromStr for Strategy {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s {
            "jwt" => Ok(Strategy::Jwt),
            "database" => Ok(Strategy::Database),
            other => Err(ConfigError::Invalid {
                var: "AUTH_STRATEGY",
                why: format!("`{other}` is neither `jwt` nor `database`"),
            }),
        }
    }
}

/// Why the environment does not describe a runnable service. Messages name the variable and
/// never repeat a secret's value.
///
/// ```
/// use authgen_example_service::config::{Config, ConfigError};
/// let e = Config::from_lookup(|_| None).unwrap_err();
/// assert_eq!(e, ConfigError::Missing { var: "AUTH_SECRET", why: "the next-auth secret" });
/// assert!(e.to_string().contains("AUTH_SECRET"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// A required variable is unset or empty.
    Missing {
        /// The variable.
        var: &'static str,
        /// What it is for.
        why: &'static str,
    },
    /// A variable has a value the service cannot use.
    Invalid {
        /// The variable.
        var: &'static str,
        /// What is wrong (never the value of `AUTH_SECRET`).
        why: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing { var, why } => write!(f, "set {var} ({why})"),
            ConfigError::Invalid { var, why } => write!(f, "{var}: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The settings of one run.
///
/// ```
/// use authgen_example_service::config::{Config, Strategy};
/// let env = |k: &str| match k {
///     "AUTH_SECRET" => Some("a-secret-of-at-least-32-characters!!".to_owned()),
///     _ => None,
/// };
/// let c = Config::from_lookup(env).unwrap();
/// assert_eq!(c.strategy, Strategy::Jwt);
/// assert_eq!(c.addr, "127.0.0.1:4000");
/// assert!(!format!("{c:?}").contains("a-secret"));
/// ```
#[derive(Clone)]
pub struct Config {
    /// `AUTH_SECRET`: next-auth's secret (decrypts JWT session cookies).
    pub secret: String,
    /// `ADDR`: where to listen (default `127.0.0.1:4000`; port 0 picks a free one).
    pub addr: String,
    /// `AUTH_STRATEGY`: `jwt` (default) or `database`.
    pub strategy: Strategy,
    /// `DATABASE_URL`: `sqlite://PATH` or `postgres://…`; required for `database`, optional
    /// for `jwt`.
    pub database_url: Option<String>,
    /// `MIGRATIONS_DIR`: sqlx migrations applied to `DATABASE_URL` at start.
    pub migrations_dir: Option<PathBuf>,
    /// `DB_NAMING`: the table naming preset of the database (default `prisma`, the Next app's
    /// tables; `pg-adapter` for the seed's committed migrations in `fixtures/seed/generated`).
    pub naming: Preset,
    /// `DB_TIMEOUT_MS`: the longest a request waits for the database (a connection, then the
    /// session lookup) before it answers 503 (default [`DEFAULT_DB_TIMEOUT`]).
    pub db_timeout: Duration,
    /// `AUTH_SECURE=1`: the `__Secure-` cookie (next-auth on HTTPS).
    pub secure: bool,
    /// `REDIS_URL` and `REVOKE_POLICY`: the revocation list the app writes (JWT mode).
    pub revocations: Option<RevokeConfig>,
}

/// Where the revocations live (`REDIS_URL`) and what to do while Redis is down
/// (`REVOKE_POLICY`). Its `Debug` hides the URL's password.
///
/// ```
/// use authgen_example_service::config::Config;
/// use authgen::runtime::revoke::FailurePolicy;
/// let env = |k: &str| match k {
///     "AUTH_SECRET" => Some("s".repeat(32)),
///     "REDIS_URL" => Some("redis://:hunter2@127.0.0.1:6379/0".to_owned()),
///     "REVOKE_POLICY" => Some("refuse".to_owned()),
///     _ => None,
/// };
/// let r = Config::from_lookup(env).unwrap().revocations.unwrap();
/// assert_eq!(r.policy, FailurePolicy::Refuse);
/// assert!(!format!("{r:?}").contains("hunter2"));
/// ```
#[derive(Clone)]
pub struct RevokeConfig {
    /// `REDIS_URL`: `redis://[:password@]host[:port][/db]`.
    pub url: String,
    /// `REVOKE_POLICY`: `refuse` (503 while Redis is down) or `allow` (the token alone).
    pub policy: FailurePolicy,
}

impl fmt::Debug for RevokeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevokeConfig")
            .field("url", &redact(&self.url))
            .field("policy", &self.policy)
            .finish()
    }
}

/// The URL with its user information (`user:password@`) replaced by `…@`.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split('/').next().and_then(|a| a.rsplit_once('@')) {
            Some((_, host)) => {
                let path = rest.split_once('/').map_or("", |(_, p)| p);
                let slash = if rest.contains('/') { "/" } else { "" };
                format!("{scheme}://…@{host}{slash}{path}")
            }
            None => url.to_owned(),
        },
        None => "(not a URL)".to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("secret", &"…")
            .field("addr", &self.addr)
            .field("strategy", &self.strategy)
            .field("database_url", &self.database_url)
            .field("migrations_dir", &self.migrations_dir)
            .field("naming", &self.naming)
            .field("db_timeout", &self.db_timeout)
            .field("secure", &self.secure)
            .field("revocations", &self.revocations)
            .finish()
    }
}

impl Config {
    /// Reads the process environment.
    ///
    /// ```no_run
    /// let config = authgen_example_service::config::Config::from_env()?;
    /// # Ok::<(), authgen_example_service::config::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads the variables through `lookup` (empty values count as unset).
    ///
    /// ```
    /// use authgen_example_service::config::{Config, ConfigError};
    /// let env = |k: &str| match k {
    ///     "AUTH_SECRET" => Some("s".repeat(32)),
    ///     "AUTH_STRATEGY" => Some("database".to_owned()),
    ///     _ => None,
    /// };
    /// assert!(matches!(Config::from_lookup(env), Err(ConfigError::Missing { var: "DATABASE_URL", .. })));
    ///
    /// let pg = |k: &str| match k {
    ///     "AUTH_SECRET" => Some("s".repeat(32)),
    ///     "DATABASE_URL" => Some("postgres://root@127.0.0.1/app".to_owned()),
    ///     "DB_NAMING" => Some("pg-adapter".to_owned()),
    ///     "DB_TIMEOUT_MS" => Some("750".to_owned()),
    ///     _ => None,
    /// };
    /// let c = Config::from_lookup(pg).unwrap();
    /// assert_eq!((c.naming.as_str(), c.db_timeout.as_millis()), ("pg-adapter", 750));
    /// let bad = |k: &str| pg(k).map(|v| if k == "DB_TIMEOUT_MS" { "0".to_owned() } else { v });
    /// assert!(matches!(Config::from_lookup(bad), Err(ConfigError::Invalid { var: "DB_TIMEOUT_MS", .. })));
    /// let mysql = |k: &str| pg(k).map(|v| if k == "DATABASE_URL" { "mysql://u:pw@h/db".to_owned() } else { v });
    /// let e = Config::from_lookup(mysql).unwrap_err().to_string();
    /// assert!(e.contains("`mysql`") && !e.contains("pw"), "{e}");
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |k: &str| lookup(k).filter(|v| !v.is_empty());
        let secret = get("AUTH_SECRET").ok_or(ConfigError::Missing {
            var: "AUTH_SECRET",
            why: "the next-auth secret",
        })?;
        let strategy = match get("AUTH_STRATEGY") {
            Some(s) => s.parse()?,
            None => Strategy::Jwt,
        };
        let database_url = get("DATABASE_URL");
        if let Some(url) = &database_url {
            check_database_url(url)?;
        }
        if strategy == Strategy::Database && database_url.is_none() {
            return Err(ConfigError::Missing {
                var: "DATABASE_URL",
                why: "`AUTH_STRATEGY=database` reads the sessions there",
            });
        }
        let migrations_dir = get("MIGRATIONS_DIR").map(PathBuf::from);
        if migrations_dir.is_some() && database_url.is_none() {
            return Err(ConfigError::Missing {
                var: "DATABASE_URL",
                why: "`MIGRATIONS_DIR` is applied to it",
            });
        }
        Ok(Config {
            secret,
            addr: get("ADDR").unwrap_or_else(|| "127.0.0.1:4000".into()),
            strategy,
            database_url,
            migrations_dir,
            naming: naming(get("DB_NAMING"))?,
            db_timeout: db_timeout(get("DB_TIMEOUT_MS"))?,
            secure: matches!(get("AUTH_SECURE").as_deref(), Some("1" | "true")),
            revocations: revocations(get("REDIS_URL"), get("REVOKE_POLICY"))?,
        })
    }
}

/// Accepts the URLs of the databases the service reads: SQLite and PostgreSQL. The error never
/// repeats the URL (it may hold a password), only its scheme.
fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let known = ["sqlite:", "postgres://", "postgresql://"];
    if known.iter().any(|k| url.starts_with(k)) {
        return Ok(());
    }
    let scheme = url.split_once(':').map_or("(none)", |(s, _)| s);
    Err(ConfigError::Invalid {
        var: "DATABASE_URL",
        why: format!(
            "scheme `{scheme}`: this example reads `sqlite://PATH` or `postgres://USER@HOST/DB`"
        ),
    })
}

/// `REDIS_URL` (optional) and `REVOKE_POLICY` (required with it, refused without it). Errors
/// name the variable and the URL's scheme, never the URL (it may hold a password).
fn revocations(
    url: Option<String>,
    policy: Option<String>,
) -> Result<Option<RevokeConfig>, ConfigError> {
    let Some(url) = url else {
        return match policy {
            None => Ok(None),
            Some(_) => Err(ConfigError::Invalid {
                var: "REVOKE_POLICY",
                why: "set without REDIS_URL (it says what to do while Redis is down)".into(),
            }),
        };
    };
    if !url.starts_with("redis://") {
        let scheme = url.split_once(':').map_or("(none)", |(s, _)| s);
        return Err(ConfigError::Invalid {
            var: "REDIS_URL",
            why: format!("scheme `{scheme}`: this example reads `redis://[:PASSWORD@]HOST[:PORT][/DB]` (no TLS)"),
        });
    }
    let policy = match policy.as_deref() {
        Some("refuse") => FailurePolicy::Refuse,
        Some("allow") => FailurePolicy::Allow,
        None => {
            return Err(ConfigError::Missing {
                var: "REVOKE_POLICY",
                why: "REDIS_URL is set: `refuse` (503 while Redis is down) or `allow` (accept the verified token alone)",
            })
        }
        Some(other) => {
            return Err(ConfigError::Invalid {
                var: "REVOKE_POLICY",
                why: format!("`{other}` is neither `refuse` nor `allow`"),
            })
        }
    };
    Ok(Some(RevokeConfig { url, policy }))
}

/// `DB_NAMING`, default `prisma`.
fn naming(value: Option<String>) -> Result<Preset, ConfigError> {
    match value {
        None => Ok(Preset::Prisma),
        Some(v) => v.parse().map_err(|why| ConfigError::Invalid {
            var: "DB_NAMING",
            why,
        }),
    }
}

/// `DB_TIMEOUT_MS`: whole milliseconds, 1 to ten minutes; default [`DEFAULT_DB_TIMEOUT`].
fn db_timeout(value: Option<String>) -> Result<Duration, ConfigError> {
    let Some(v) = value else {
        return Ok(DEFAULT_DB_TIMEOUT);
    };
    match v.trim().parse::<u64>() {
        Ok(ms) if (1..=MAX_DB_TIMEOUT_MS).contains(&ms) => Ok(Duration::from_millis(ms)),
        _ => Err(ConfigError::Invalid {
            var: "DB_TIMEOUT_MS",
            why: format!("`{v}` is not a number of milliseconds from 1 to {MAX_DB_TIMEOUT_MS}"),
        }),
    }
}
