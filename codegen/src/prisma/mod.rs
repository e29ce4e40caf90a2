//! `auth.prisma`: the Auth.js models and the user's own columns as a Prisma schema (`[prisma]` in
//! `authgen.toml`).
//!
//! The models are derived from the logical SQL schema ([`crate::sql::schema::build`]), the one
//! our migrations create, so the two cannot disagree: `User`, `Account`, `Session`,
//! `VerificationToken` and, with `[sql] webauthn = true`, `Authenticator`, with the fields,
//! unique lookups (`email`, `provider_providerAccountId`, `sessionToken`, `identifier_token`,
//! `credentialID`) and `user` relations (`onDelete: Cascade`) `@auth/prisma-adapter` 2.11 reads;
//! table and column names of the naming preset through `@@map` / `@map`.
//!
//! Decisions (see `docs/prisma.md`):
//! - the `pg-adapter` preset's integer ids are refused: Prisma would return numbers where
//!   next-auth's `id` is a string, and `@auth/core` calls `getUser` with a string;
//! - a role or permission enum is a Prisma `enum` when every wire name is a Prisma identifier,
//!   else a `String` (refused on PostgreSQL, where the column is an enum type: give the field a
//!   `sql_type`);
//! - a permission list is `String[]` on PostgreSQL and `Json` elsewhere;
//! - `Account.expires_at` is `Int`, as Auth.js's own Prisma schema has it (the adapters compare it
//!   as a number); the user's `i64` columns are `BigInt` (the client returns a `bigint`);
//! - a preset-owned user column (`email`, `name`, ...) the user struct declares without `Option`
//!   is a required Prisma field (the column stays nullable): `@auth/prisma-adapter`'s types need a
//!   required `email`;
//! - back-relations on `User` for the app's own models come from `[prisma] user_relations`.
//!
//! Prisma 7 keeps the connection URL in `prisma.config.ts`; with `version = 6` the datasource
//! has `url = env("DATABASE_URL")`. The file holds no `generator`: the app's own `.prisma` file
//! chooses it.

mod models;
mod print;
mod types;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::{Config, Dialect};
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::output::{OutputFile, GENERATED_MARK};

/// `[prisma]`.
///
/// ```
/// use authgen_codegen::config::Config;
/// use authgen_codegen::prisma::Provider;
/// let c = Config::parse("[prisma]\nprovider = \"mysql\"\nversion = 6\n", "authgen.toml").unwrap();
/// let p = c.prisma.unwrap();
/// assert_eq!((p.provider, p.version), (Some(Provider::Mysql), 6));
/// assert_eq!(p.out, std::path::Path::new("prisma/schema/auth.prisma"));
/// assert!(Config::parse("[prisma]\nversion = 5\n", "authgen.toml").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrismaConfig {
    /// The file to write, relative to `authgen.toml`.
    pub out: PathBuf,
    /// The datasource provider; by default the one dialect of `[sql] dialects`.
    pub provider: Option<Provider>,
    /// The Prisma major version: `7` (default) or `6`.
    #[serde(deserialize_with = "version")]
    pub version: u8,
    /// Back-relation fields of `User` for the app's own models, as Prisma writes them:
    /// `"posts Post[]"`, `"profile Profile?"`, `"authored Post[] @relation(\"author\")"`.
    pub user_relations: Vec<String>,
}

impl Default for PrismaConfig {
    fn default() -> Self {
        PrismaConfig {
            out: PathBuf::from("prisma/schema/auth.prisma"),
            provider: None,
            version: 7,
            user_relations: Vec::new(),
        }
    }
}

fn version<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    let v = u8::deserialize(d)?;
    match v {
        6 | 7 => Ok(v),
        _ => Err(serde::de::Error::custom(format!(
            "`{v}` is not a supported Prisma version: expected 7 or 6"
        ))),
    }
}

/// A Prisma datasource provider.
///
/// ```
/// use authgen_codegen::prisma::Provider;
/// use authgen_codegen::config::Dialect;
/// assert_eq!(Provider::from(Dialect::Postgres).as_str(), "postgresql");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// PostgreSQL.
    Postgresql,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
}

impl Provider {
    /// The name Prisma writes: `"postgresql"`, `"mysql"` or `"sqlite"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Postgresql => "postgresql",
            Provider::Mysql => "mysql",
            Provider::Sqlite => "sqlite",
        }
    }

    /// The SQL dialect whose tables this provider's models describe.
    pub fn dialect(self) -> Dialect {
        match self {
            Provider::Postgresql => Dialect::Postgres,
            Provider::Mysql => Dialect::Mysql,
            Provider::Sqlite => Dialect::Sqlite,
        }
    }
}

impl From<Dialect> for Provider {
    fn from(d: Dialect) -> Self {
        match d {
            Dialect::Postgres => Provider::Postgresql,
            Dialect::Mysql => Provider::Mysql,
            Dialect::Sqlite => Provider::Sqlite,
        }
    }
}

/// The `auth.prisma` output (with a `[prisma]` section).
///
/// ```
/// use authgen_codegen::{config::Config, emit::Emitter, frontend::check::check, model::Model};
/// use authgen_codegen::prisma::PrismaSchema;
/// let mut config = Config::default();
/// config.sql.naming = "prisma".into();
/// config.prisma = Some(Default::default());
/// let files = PrismaSchema.emit(&check(Model::default()).unwrap(), &config).unwrap();
/// assert_eq!(files[0].path, std::path::Path::new("prisma/schema/auth.prisma"));
/// assert!(files[0].contents.contains("provider = \"sqlite\""));
/// assert!(files[0].contents.contains("model VerificationToken {"));
///
/// config.sql.naming = "pg-adapter".into();
/// let errors = PrismaSchema.emit(&check(Model::default()).unwrap(), &config).unwrap_err();
/// assert!(errors[0].message.contains("pg-adapter"));
/// ```
pub struct PrismaSchema;

impl Emitter for PrismaSchema {
    fn name(&self) -> &'static str {
        "prisma"
    }

    fn emit(&self, model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let Some(prisma) = &config.prisma else {
            return Ok(Vec::new());
        };
        let provider = provider(prisma, config).map_err(|d| vec![d])?;
        let schema = crate::sql::schema::build(model, config)?;
        let file = models::build(model, &schema, provider, &prisma.user_relations)?;
        let mut contents = header();
        contents.push_str(&print::datasource(provider, prisma.version));
        contents.push_str(&print::file(&file));
        Ok(vec![OutputFile {
            path: prisma.out.clone(),
            contents,
        }])
    }
}

/// The first line of the file.
fn header() -> String {
    format!("// {GENERATED_MARK} from the Rust model. Do not edit: run `authgen generate`.\n\n")
}

/// `[prisma] provider`, else the one dialect of `[sql] dialects`.
fn provider(prisma: &PrismaConfig, config: &Config) -> Result<Provider, Diagnostic> {
    if let Some(p) = prisma.provider {
        return Ok(p);
    }
    match config.sql.dialects.as_slice() {
        [one] => Ok(Provider::from(*one)),
        _ => Err(Diagnostic::new(
            None,
            "[prisma] provider is not set and [sql] dialects does not name exactly one dialect",
        )
        .help("set `provider = \"postgresql\"`, `\"mysql\"` or `\"sqlite\"` under [prisma]")),
    }
}
