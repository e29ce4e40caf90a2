//! The SQL dialects.

use std::fmt;
use std::str::FromStr;

/// A SQL dialect: what the generator writes migrations for and what the runtime's session
/// lookup is written in.
///
/// ```
/// use authgen_naming::Dialect;
/// let d: Dialect = "mariadb".parse().unwrap();
/// assert_eq!(d, Dialect::Mysql);
/// assert_eq!(d.as_str(), "mysql");
/// assert_eq!(d.to_string(), "mysql");
/// assert!("oracle".parse::<Dialect>().unwrap_err().contains("`oracle`"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
}

impl Dialect {
    /// Every dialect.
    ///
    /// ```
    /// # use authgen_naming::Dialect;
    /// assert_eq!(Dialect::ALL.map(Dialect::as_str), ["postgres", "mysql", "sqlite"]);
    /// ```
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];

    /// The runtime's earlier spelling of [`Dialect::Mysql`] (`authgen_runtime::db::Dialect`
    /// had its own enum); it works in expressions and patterns.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # use authgen_naming::Dialect;
    /// assert_eq!(Dialect::MySql, Dialect::Mysql);
    /// ```
    #[allow(non_upper_case_globals)]
    #[deprecated(note = "use `Dialect::Mysql`: one `Dialect` serves the generator and the runtime")]
    pub const MySql: Dialect = Dialect::Mysql;

    /// The dialect's name as `authgen.toml` writes it: `"postgres"`, `"mysql"` or `"sqlite"`.
    ///
    /// ```
    /// assert_eq!(authgen_naming::Dialect::Postgres.as_str(), "postgres");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// Quotes an identifier (a table or column name): backticks on MySQL, double quotes
    /// elsewhere, the quote character doubled inside.
    ///
    /// ```
    /// use authgen_naming::Dialect;
    /// assert_eq!(Dialect::Postgres.quote("emailVerified"), "\"emailVerified\"");
    /// assert_eq!(Dialect::Mysql.quote("a`b"), "`a``b`");
    /// ```
    pub fn quote(self, name: &str) -> String {
        match self {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::Mysql),
            "sqlite" => Ok(Dialect::Sqlite),
            other => Err(format!(
                "`{other}` is not a SQL dialect: expected postgres, mysql or sqlite"
            )),
        }
    }
}
