//! `authgen.toml`: which files hold the model, where outputs go, which next-auth version, which
//! SQL dialects and table naming.
//!
//! ```toml
//! # Paths are relative to this file.
//! input = ["src/auth.rs"]
//! next_auth = "v5"
//!
//! [typescript]
//! out_dir = "types"        # next-auth.d.ts and permissions.ts
//! augment_core = false     # v5: also augment @auth/core/types and @auth/core/jwt
//! zod = false              # also schemas.ts: zod schemas of the wire format
//! zod_exact_optional = false  # schemas.ts for exactOptionalPropertyTypes (zod >= 4.3)
//! trpc = false             # also trpc.ts: tRPC procedures that check the session
//! next = false             # also guards.ts: Next.js App Router guards
//! redis = false            # also revoke.ts: revocations on Redis (node-redis 5 / ioredis 5)
//!
//! [sql]
//! dialects = ["sqlite"]    # postgres, mysql, sqlite
//! naming = "pg-adapter"    # pg-adapter, prisma, drizzle, kysely
//! migrations_dir = "migrations"
//! schema_dir = "schema"
//! webauthn = false
//!
//! [sql.tables]             # per-table overrides of the naming preset
//! user = "app_users"
//!
//! [prisma]                 # optional: the auth models as a Prisma schema
//! out = "prisma/schema/auth.prisma"
//! provider = "postgresql"  # postgresql, mysql, sqlite (default: the one [sql] dialect)
//! version = 7              # 7 or 6
//! user_relations = ["posts Post[]"]  # back-relation fields on `User`
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::model::Loc;

/// The file name looked for.
pub const FILE_NAME: &str = "authgen.toml";

/// The whole configuration. Every field has a default, so an empty file is valid.
///
/// ```
/// use authgen_codegen::config::{Config, NextAuth};
/// let c = Config::parse("next_auth = \"v4\"\ninput = [\"model.rs\"]\n", "authgen.toml").unwrap();
/// assert_eq!(c.next_auth, NextAuth::V4);
/// assert_eq!(c.input, vec![std::path::PathBuf::from("model.rs")]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Rust files holding the model, in order.
    pub input: Vec<PathBuf>,
    /// The next-auth major version the app runs.
    pub next_auth: NextAuth,
    /// TypeScript outputs.
    pub typescript: TypeScript,
    /// SQL outputs.
    pub sql: Sql,
    /// The Prisma schema output, when the section is present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prisma: Option<crate::prisma::PrismaConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            input: Vec::new(),
            next_auth: NextAuth::V5,
            typescript: TypeScript::default(),
            sql: Sql::default(),
            prisma: None,
        }
    }
}

/// The next-auth major version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NextAuth {
    /// next-auth 4.x (`next-auth/jwt`, cookie `next-auth.session-token`).
    V4,
    /// next-auth 5 / Auth.js (`@auth/core`, cookie `authjs.session-token`).
    V5,
}

impl NextAuth {
    /// `"v4"` or `"v5"`.
    pub fn as_str(self) -> &'static str {
        match self {
            NextAuth::V4 => "v4",
            NextAuth::V5 => "v5",
        }
    }
}

impl std::str::FromStr for NextAuth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "v4" | "4" => Ok(NextAuth::V4),
            "v5" | "5" => Ok(NextAuth::V5),
            other => Err(format!(
                "`{other}` is not a next-auth version: expected v4 or v5"
            )),
        }
    }
}

/// `[typescript]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TypeScript {
    /// Directory for `next-auth.d.ts` and `permissions.ts`.
    pub out_dir: PathBuf,
    /// v5 only: also augment `@auth/core/types` and `@auth/core/jwt`.
    pub augment_core: bool,
    /// Also write `schemas.ts`: zod schemas (`zod/v4`, zod 3.25+ and 4.x) of the JSON serde
    /// writes.
    pub zod: bool,
    /// In `schemas.ts`, optional keys use `.exactOptional()` (zod 4.3+) instead of
    /// `.optional()`, so that `z.infer` fits the next-auth types under TypeScript's
    /// `exactOptionalPropertyTypes`.
    pub zod_exact_optional: bool,
    /// Also write `trpc.ts`: tRPC procedures (`@trpc/server` 10.45 and 11) that check the
    /// session, built on `permissions.ts`.
    pub trpc: bool,
    /// Also write `guards.ts`: Next.js App Router guards (Server Components and Actions, Route
    /// Handlers, middleware) over `permissions.ts`.
    pub next: bool,
    /// Also write `revoke.ts`: `revokeUser`, `revokeToken` and `revokeSession` on Redis
    /// (node-redis 5 or ioredis 5), writing the keys and messages that the runtime's
    /// `revoke::Revocations` (feature `redis`) reads.
    #[serde(deserialize_with = "redis_flag")]
    pub redis: bool,
}

impl Default for TypeScript {
    fn default() -> Self {
        TypeScript {
            out_dir: PathBuf::from("types"),
            augment_core: false,
            zod: false,
            zod_exact_optional: false,
            trpc: false,
            next: false,
            redis: false,
        }
    }
}

/// Reads `[typescript] redis`: a boolean, with an error that says what the key does.
fn redis_flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("`true` or `false` (whether to write revoke.ts, revocations on Redis)")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
    }
    d.deserialize_bool(Flag)
}

/// A SQL dialect: the one enum of `authgen-naming`, which the runtime uses too.
///
/// ```
/// use authgen_codegen::config::Dialect;
/// assert_eq!("pg".parse::<Dialect>().unwrap(), Dialect::Postgres);
/// assert_eq!(Dialect::Mysql.as_str(), "mysql");
/// ```
pub use authgen_naming::Dialect;

/// `[sql]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sql {
    /// Dialects to generate for.
    pub dialects: Vec<Dialect>,
    /// Table naming preset: `pg-adapter`, `prisma`, `drizzle` or `kysely` (checked when the file
    /// is read, so an unknown name is located at its value).
    #[serde(deserialize_with = "preset_name")]
    pub naming: String,
    /// Migrations directory; with several dialects, one sub-directory per dialect.
    pub migrations_dir: PathBuf,
    /// Directory for the whole current schema per dialect (for review).
    pub schema_dir: PathBuf,
    /// Whether to create the WebAuthn `authenticators` table.
    pub webauthn: bool,
    /// Per-table name overrides: keys `user`, `account`, `session`, `verification_token`,
    /// `authenticator`.
    pub tables: std::collections::BTreeMap<String, String>,
}

impl Default for Sql {
    fn default() -> Self {
        Sql {
            dialects: vec![Dialect::Sqlite],
            naming: "pg-adapter".into(),
            migrations_dir: PathBuf::from("migrations"),
            schema_dir: PathBuf::from("schema"),
            webauthn: false,
            tables: Default::default(),
        }
    }
}

/// Reads `[sql] naming`, refusing a name that is not a preset.
fn preset_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let name = String::deserialize(d)?;
    name.parse::<authgen_naming::Preset>()
        .map_err(serde::de::Error::custom)?;
    Ok(name)
}

impl Config {
    /// Parses `text`, the contents of the file `file` (used in error locations).
    pub fn parse(text: &str, file: &str) -> Result<Config, Diagnostic> {
        toml::from_str(text).map_err(|e| {
            let loc = e.span().map(|span| loc_of_offset(file, text, span.start));
            Diagnostic::new(
                loc,
                format!("invalid {FILE_NAME}: {}", e.message().trim_end()),
            )
        })
    }

    /// Finds `authgen.toml` in `start` or the nearest directory above it.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    }
}

/// The 1-based line and column of byte `offset` in `text`.
pub fn loc_of_offset(file: &str, text: &str, offset: usize) -> Loc {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Loc {
        file: file.into(),
        line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_is_a_boolean_located_at_its_value() {
        let c = Config::parse("[typescript]\nredis = true\n", "authgen.toml").unwrap();
        assert!(c.typescript.redis);
        assert!(!Config::default().typescript.redis);
        for bad in ["\"yes\"", "1", "[true]"] {
            let text = format!("[typescript]\nredis = {bad}\n");
            let e = Config::parse(&text, "authgen.toml").unwrap_err();
            let loc = e.loc.expect("located");
            assert_eq!(
                (&*loc.file, loc.line, loc.column),
                ("authgen.toml", 2, 9),
                "{bad}"
            );
            assert!(e.message.contains("`true` or `false`"), "{}", e.message);
            assert!(e.message.contains("revoke.ts"), "{}", e.message);
        }
    }

    #[test]
    fn an_unknown_preset_is_located_at_its_value() {
        let e = Config::parse("[sql]\nnaming = \"rails\"\n", "authgen.toml").unwrap_err();
        let loc = e.loc.expect("located");
        assert_eq!((&*loc.file, loc.line, loc.column), ("authgen.toml", 2, 10));
        assert!(e.message.contains("`rails`"), "{}", e.message);
    }
}
