//! Shared helpers of the SQL tests (fixtures, migration directories, sqlx's migrator on the real
//! databases, and schema introspection) and of the generated-file snapshot tests (fixture
//! models, one-file emitter output).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use authgen_codegen::config::{Config, Dialect, NextAuth};
use authgen_codegen::frontend::check::{check, Checked};
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::model::Model;
use authgen_codegen::output::OutputFile;
use authgen_codegen::sql::plan::{plan, snapshot_json, Migration, SNAPSHOT_FILE};
use authgen_codegen::sql::schema::{self, Schema};
use authgen_testkit::db::{Server, TempDb};
use sqlx::migrate::Migrator;
use sqlx::{Connection, Row};

/// `fixtures/{name}/model.rs`, parsed and checked (a fixture that fails is a broken fixture).
pub fn fixture_model(name: &str) -> Checked {
    let path = format!("{}/../fixtures/{name}/model.rs", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    parse_sources(&[Source {
        name: format!("fixtures/{name}/model.rs").into(),
        text,
    }])
    .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// The default configuration for next-auth version `v`.
pub fn next_auth_config(v: NextAuth) -> Config {
    Config {
        next_auth: v,
        ..Config::default()
    }
}

/// The text of the one generated TypeScript file of `files`, asserted to be at `path`, to start
/// with the generated header, and to have LF line endings and a final newline.
pub fn single_ts_file(files: Vec<OutputFile>, path: &str) -> String {
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, Path::new(path));
    let text = files[0].contents.clone();
    assert_eq!(
        text.lines().next(),
        Some(authgen_codegen::ts::header().trim_end())
    );
    assert!(!text.contains('\r') && text.ends_with('\n'));
    text
}

/// The paths of the files `render_all` writes for `model` under `config`.
pub fn rendered_paths(model: &Checked, config: &Config) -> Vec<String> {
    authgen_codegen::output::render_all(model, config)
        .unwrap()
        .iter()
        .map(|f| f.path.to_string_lossy().into_owned())
        .collect()
}

pub fn fixture(rel: &str) -> PathBuf {
    authgen_testkit::workspace_root()
        .join("fixtures/sql")
        .join(rel)
}

pub fn model(rel: &str) -> Model {
    let path = fixture(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn config(d: Dialect, preset: &str, webauthn: bool) -> Config {
    let mut c = Config::default();
    c.sql.dialects = vec![d];
    c.sql.naming = preset.into();
    c.sql.webauthn = webauthn;
    c
}

/// `model`, checked (a fixture that fails the checks is a broken fixture).
pub fn checked(model: &Model) -> Checked {
    check(model.clone()).unwrap_or_else(|e| panic!("model errors: {e:?}"))
}

pub fn build(model: &Model, config: &Config) -> Schema {
    schema::build(&checked(model), config).unwrap_or_else(|e| panic!("schema errors: {e:?}"))
}

/// Writes a migration's files into `dir` (never over an existing file) and the snapshot.
pub fn write_migration(dir: &Path, m: &Migration, schema: &Schema) {
    std::fs::create_dir_all(dir).unwrap();
    for f in &m.files {
        let path = dir.join(&f.file_name);
        assert!(!path.exists(), "{} already exists", path.display());
        std::fs::write(&path, &f.contents).unwrap();
    }
    std::fs::write(dir.join(SNAPSHOT_FILE), snapshot_json(schema)).unwrap();
}

/// Plans and writes the migration from `old` to `new` at `version`; returns the last version
/// used (or `version - 1` when nothing changed).
pub fn step(
    d: Dialect,
    dir: &Path,
    old: Option<&Schema>,
    new: &Schema,
    version: i64,
    allow_destructive: bool,
) -> Option<Migration> {
    let m = plan(d, old, new, version, "step", allow_destructive)
        .unwrap_or_else(|e| panic!("plan failed: {e:?}"))?;
    write_migration(dir, &m, new);
    Some(m)
}

/// A database of `d` for one test.
pub enum Db {
    Server(TempDb),
    Sqlite(PathBuf, String),
}

impl Db {
    pub async fn new(d: Dialect, label: &str) -> Db {
        match d {
            Dialect::Postgres => Db::Server(TempDb::new(Server::Postgres, label).await),
            Dialect::Mysql => Db::Server(TempDb::new(Server::MySql, label).await),
            Dialect::Sqlite => {
                let (path, url) = authgen_testkit::db::sqlite_file(label);
                Db::Sqlite(path, url)
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Db::Server(t) => t.url(),
            Db::Sqlite(_, url) => url,
        }
    }
}

/// One connection of any dialect.
pub enum Conn {
    Pg(sqlx::PgConnection),
    My(sqlx::MySqlConnection),
    Lite(sqlx::SqliteConnection),
}

impl Conn {
    pub async fn open(d: Dialect, url: &str) -> Conn {
        match d {
            Dialect::Postgres => Conn::Pg(sqlx::PgConnection::connect(url).await.expect(url)),
            Dialect::Mysql => Conn::My(sqlx::MySqlConnection::connect(url).await.expect(url)),
            Dialect::Sqlite => Conn::Lite(sqlx::SqliteConnection::connect(url).await.expect(url)),
        }
    }

    /// Applies every migration in `dir` not applied yet.
    pub async fn migrate(&mut self, dir: &Path) -> Result<(), String> {
        let m = Migrator::new(dir.to_path_buf())
            .await
            .map_err(|e| e.to_string())?;
        match self {
            Conn::Pg(c) => m.run(c).await,
            Conn::My(c) => m.run(c).await,
            Conn::Lite(c) => m.run(c).await,
        }
        .map_err(|e| format!("{e} ({e:?})"))
    }

    /// Reverts migrations down to (and keeping) `target`.
    pub async fn undo(&mut self, dir: &Path, target: i64) -> Result<(), String> {
        let m = Migrator::new(dir.to_path_buf())
            .await
            .map_err(|e| e.to_string())?;
        match self {
            Conn::Pg(c) => m.undo(c, target).await,
            Conn::My(c) => m.undo(c, target).await,
            Conn::Lite(c) => m.undo(c, target).await,
        }
        .map_err(|e| format!("{e} ({e:?})"))
    }

    pub async fn exec(&mut self, sql: &str) {
        macro_rules! q {
            () => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            };
        }
        match self {
            Conn::Pg(c) => q!().execute(c).await.map(|_| ()),
            Conn::My(c) => q!().execute(c).await.map(|_| ()),
            Conn::Lite(c) => q!().execute(c).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Rows of a query whose every column is text (or NULL), each row joined with ` | `.
    pub async fn rows(&mut self, sql: &str) -> Vec<String> {
        fn join<R: Row>(r: &R) -> String
        where
            for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            (0..r.len())
                .map(|i| {
                    r.try_get::<Option<String>, _>(i)
                        .unwrap_or_else(|e| panic!("column {i}: {e}"))
                        .unwrap_or_else(|| "NULL".into())
                })
                .collect::<Vec<_>>()
                .join(" | ")
        }
        macro_rules! q {
            () => {
                sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            };
        }
        match self {
            Conn::Pg(c) => q!()
                .fetch_all(c)
                .await
                .map(|rs| rs.iter().map(join).collect()),
            Conn::My(c) => q!()
                .fetch_all(c)
                .await
                .map(|rs| rs.iter().map(join).collect()),
            Conn::Lite(c) => q!()
                .fetch_all(c)
                .await
                .map(|rs| rs.iter().map(join).collect()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The schema as the database reports it, as sorted text lines (column order and the
    /// migrations table left out).
    pub async fn introspect(&mut self) -> String {
        let mut lines: Vec<String> = Vec::new();
        match self {
            Conn::Pg(_) => {
                for (what, sql) in [
                    ("column", "SELECT table_name::text, column_name::text, data_type::text, udt_name::text, is_nullable::text, column_default::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'"),
                    ("enum", "SELECT t.typname::text, string_agg(e.enumlabel::text, ',' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() GROUP BY t.typname"),
                    ("index", "SELECT tablename::text, indexname::text, indexdef::text FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> '_sqlx_migrations'"),
                    ("constraint", "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = current_schema()::text::regnamespace AND conrelid::regclass::text <> '_sqlx_migrations'"),
                    ("sequence", "SELECT sequence_name::text FROM information_schema.sequences WHERE sequence_schema = current_schema()"),
                ] {
                    for r in self.rows(sql).await {
                        lines.push(format!("{what}: {r}"));
                    }
                }
                // pg_indexes qualifies table names with the schema: leave it out.
                let schema = self.rows("SELECT current_schema()::text").await.remove(0);
                for l in &mut lines {
                    *l = l
                        .replace(&format!("{schema}.\""), "\"")
                        .replace(&format!(" {schema}."), " ");
                }
            }
            Conn::My(_) => {
                for (what, sql) in [
                    ("column", "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR), CAST(COLUMN_DEFAULT AS CHAR), CAST(EXTRA AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> '_sqlx_migrations'"),
                    ("index", "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), CAST(NON_UNIQUE AS CHAR), CAST(GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS CHAR) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> '_sqlx_migrations' GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE"),
                    // MariaDB keeps a column-level CHECK's name (the column's) across a column rename, while
                    // SHOW CREATE TABLE shows the same table: compare the clauses, not the names.
                    ("check", "SELECT CAST(TABLE_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR) FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"),
                    ("fk", "SELECT CAST(r.TABLE_NAME AS CHAR), CAST(r.CONSTRAINT_NAME AS CHAR), CAST(r.REFERENCED_TABLE_NAME AS CHAR), CAST(r.DELETE_RULE AS CHAR), CAST(k.COLUMN_NAME AS CHAR) FROM information_schema.REFERENTIAL_CONSTRAINTS r JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.TABLE_NAME = r.TABLE_NAME WHERE r.CONSTRAINT_SCHEMA = DATABASE()"),
                ] {
                    for r in self.rows(sql).await {
                        lines.push(format!("{what}: {r}"));
                    }
                }
            }
            Conn::Lite(_) => {
                let objects = self
                    .rows("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name")
                    .await;
                for o in objects {
                    let parts: Vec<&str> = o.splitn(4, " | ").collect();
                    let (kind, name, sql) = (parts[0], parts[1], parts[3]);
                    if kind == "index" {
                        lines.push(format!("index: {}: {sql}", parts[2]));
                        continue;
                    }
                    if kind != "table" {
                        lines.push(format!("{kind}: {name}"));
                        continue;
                    }
                    let q = name.replace('"', "\"\"");
                    for r in self
                        .rows(&format!("SELECT name, type, CAST(\"notnull\" AS TEXT), dflt_value, CAST(pk AS TEXT) FROM pragma_table_info(\"{q}\")"))
                        .await
                    {
                        lines.push(format!("column: {name}: {r}"));
                    }
                    for r in self
                        .rows(&format!("SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(\"{q}\")"))
                        .await
                    {
                        lines.push(format!("fk: {name}: {r}"));
                    }
                    for r in self
                        .rows(&format!("SELECT name, CAST(\"unique\" AS TEXT), origin FROM pragma_index_list(\"{q}\") WHERE origin = 'pk'"))
                        .await
                    {
                        let _ = r;
                        lines.push(format!("primary key index: {name}"));
                    }
                    for check in checks(sql) {
                        lines.push(format!("check: {name}: {check}"));
                    }
                }
            }
        }
        lines.sort();
        lines.join("\n")
    }
}

/// The `CHECK (...)` clauses of a `CREATE TABLE` statement.
fn checks(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(i) = rest.find("CHECK (") {
        let body = &rest[i + 6..];
        let mut depth = 0;
        let mut end = body.len();
        let mut in_str = false;
        for (j, ch) in body.char_indices() {
            match ch {
                '\'' => in_str = !in_str,
                '(' if !in_str => depth += 1,
                ')' if !in_str => {
                    depth -= 1;
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push(body[..end].to_owned());
        rest = &body[end..];
    }
    out.sort();
    out
}

/// Introspects the schema a fresh initial migration of `schema` gives.
pub async fn fresh_introspection(d: Dialect, schema: &Schema, label: &str) -> String {
    let db = Db::new(d, label).await;
    let dir = authgen_testkit::scratch_dir(&format!("{label}-fresh"));
    step(d, &dir, None, schema, 1, false).expect("initial migration");
    let mut c = Conn::open(d, db.url()).await;
    c.migrate(&dir).await.expect("fresh migration applies");
    c.introspect().await
}

/// One user with an account, another with a session (with `one_user`: the first user has both),
/// and a verification token (Auth.js columns only: the application's columns take their
/// defaults, so with unique columns only one user fits).
pub async fn insert_rows(c: &mut Conn, d: Dialect, schema: &Schema, one_user: bool) {
    let ts = match d {
        Dialect::Postgres => "'2024-01-02T03:04:05.678Z'",
        Dialect::Mysql => "'2024-01-02 03:04:05.678'",
        Dialect::Sqlite => "'2024-01-02T03:04:05.678Z'",
    };
    let q = |s: &str| authgen_codegen::sql::dialect::quote(d, s);
    let name = |key: &str| schema.table(key).expect("Auth.js table").name.clone();
    let (user, account, session, vt) = (
        name("user"),
        name("account"),
        name("session"),
        name("verification_token"),
    );
    let (u1, u2) = if schema.preset == "pg-adapter" {
        ("1".to_owned(), "2".to_owned())
    } else {
        (
            "'11111111-1111-4111-8111-111111111111'".to_owned(),
            "'22222222-2222-4222-8222-222222222222'".to_owned(),
        )
    };
    let second = if one_user {
        String::new()
    } else {
        format!(", ({u2}, NULL, 'bob@example.com', NULL, 'https://example.com/b.png')")
    };
    let u2 = if one_user { u1.clone() } else { u2 };
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}, {}, {}) VALUES ({u1}, 'Ann', 'ann@example.com', {ts}, NULL){second};",
        q(&user), q("id"), q("name"), q("email"), q("emailVerified"), q("image")
    ))
    .await;
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}, {}, {}) VALUES ({u1}, 'oauth', 'github', 'gh-1', 1735689600);",
        q(&account),
        q("userId"),
        q("type"),
        q("provider"),
        q("providerAccountId"),
        q("expires_at")
    ))
    .await;
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}) VALUES ('tok-1', {u2}, {ts});",
        q(&session),
        q("sessionToken"),
        q("userId"),
        q("expires")
    ))
    .await;
    c.exec(&format!(
        "INSERT INTO {} ({}, {}, {}) VALUES ('ann@example.com', 'hash', {ts});",
        q(&vt),
        q("identifier"),
        q("token"),
        q("expires")
    ))
    .await;
}

/// Separates the fields of a dumped row (values may hold commas).
pub const FIELD_SEP: &str = "\u{1f}";

/// Every row of every table of `schema`, each column as `table.column=value`, sorted.
pub async fn dump_all(c: &mut Conn, d: Dialect, schema: &Schema) -> Vec<String> {
    dump_rows(c, d, schema, schema).await
}

/// Whether a column's values must survive the change from `b` to `a`: same type, and no NULLs
/// filled by a new NOT NULL with a default.
pub fn kept(
    b: &authgen_codegen::sql::schema::Column,
    a: &authgen_codegen::sql::schema::Column,
) -> bool {
    a.ty == b.ty && a.nullable == b.nullable
}

/// The rows of the columns `before` and `after` share (see [`kept`]).
pub async fn dump_rows(c: &mut Conn, d: Dialect, before: &Schema, after: &Schema) -> Vec<String> {
    let q = |s: &str| authgen_codegen::sql::dialect::quote(d, s);
    let cast = if d == Dialect::Mysql { "CHAR" } else { "TEXT" };
    let mut out = Vec::new();
    for t in &after.tables {
        let Some(bt) = before.table(&t.key) else {
            continue;
        };
        let cols: Vec<&str> = t
            .columns
            .iter()
            .filter(|col| bt.column(&col.name).is_some_and(|b| kept(b, col)))
            .map(|col| col.name.as_str())
            .collect();
        let select = cols
            .iter()
            .map(|col| format!("CAST({} AS {cast})", q(col)))
            .collect::<Vec<_>>()
            .join(", ");
        for row in c
            .rows(&format!("SELECT {select} FROM {}", q(&t.name)))
            .await
        {
            let values: Vec<&str> = row.split(" | ").collect();
            let fields: Vec<String> = cols
                .iter()
                .zip(values)
                .map(|(col, v)| format!("{}.{col}={v}", t.key))
                .collect();
            out.push(fields.join(FIELD_SEP));
        }
    }
    out.sort();
    out
}

/// The rows of a previous [`dump_all`] restricted to the columns `before` and `after` share.
pub fn dump_rows_from(rows: &[String], before: &Schema, after: &Schema) -> Vec<String> {
    let mut out: Vec<String> = rows
        .iter()
        .map(|row| {
            row.split(FIELD_SEP)
                .filter(|field| {
                    let (path, _) = field.split_once('=').unwrap_or((field, ""));
                    let (key, col) = path.split_once('.').unwrap_or((path, ""));
                    let b = before.table(key).and_then(|t| t.column(col));
                    let a = after.table(key).and_then(|t| t.column(col));
                    matches!((a, b), (Some(a), Some(b)) if kept(b, a))
                })
                .collect::<Vec<_>>()
                .join(FIELD_SEP)
        })
        .collect();
    out.sort();
    out
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
