//! The service's settings, read from the environment (see the crate's README for the table).

use std::fmt;
use std::path::PathBuf;

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
    /// `DATABASE_URL`: `sqlite://PATH`; required for `database`, optional for `jwt`.
    pub database_url: Option<String>,
    /// `MIGRATIONS_DIR`: sqlx migrations applied to `DATABASE_URL` at start.
    pub migrations_dir: Option<PathBuf>,
    /// `AUTH_SECURE=1`: the `__Secure-` cookie (next-auth on HTTPS).
    pub secure: bool,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("secret", &"…")
            .field("addr", &self.addr)
            .field("strategy", &self.strategy)
            .field("database_url", &self.database_url)
            .field("migrations_dir", &self.migrations_dir)
            .field("secure", &self.secure)
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
            if !url.starts_with("sqlite:") {
                return Err(ConfigError::Invalid {
                    var: "DATABASE_URL",
                    why: "this example reads SQLite only: use `sqlite://PATH`".into(),
                });
            }
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
            secure: matches!(get("AUTH_SECURE").as_deref(), Some("1" | "true")),
        })
    }
}
