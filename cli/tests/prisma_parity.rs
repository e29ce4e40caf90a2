//! Parity: the tables and columns `auth.prisma` describes (the real schema engine's DMMF,
//! `fixtures/prisma/dmmf.mjs`, Prisma 7.10.0) are the tables and columns our SQL creates,
//! introspected from the real PostgreSQL, MariaDB and SQLite databases: table and column names,
//! nullability, primary keys, unique keys, and (PostgreSQL, MariaDB) the column types. The one
//! deliberate type difference, `Account.expires_at` (Prisma `Int`, our `BIGINT`), is asserted as
//! the only one. SQLite types are affinities Prisma declares differently (`DATETIME`, `BOOLEAN`),
//! so they are not compared there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use authgen_codegen::config::{Config, Dialect};
use authgen_codegen::emit::Emitter;
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::prisma::{PrismaConfig, PrismaSchema, Provider};
use authgen_testkit::db::{Server, TempDb};
use serde_json::Value;
use sqlx::Connection;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What a table is made of, in database names.
#[derive(Debug, Default, PartialEq)]
struct TableInfo {
    /// Column → (type, nullable).
    columns: BTreeMap<String, (String, bool)>,
    primary_key: Vec<String>,
    unique: BTreeSet<Vec<String>>,
}

type Tables = BTreeMap<String, TableInfo>;

fn config(preset: &str, d: Dialect) -> Config {
    let mut config = Config::default();
    config.sql.naming = preset.into();
    config.sql.webauthn = true;
    config.prisma = Some(PrismaConfig {
        provider: Some(Provider::from(d)),
        ..PrismaConfig::default()
    });
    config
}

/// `auth.prisma` and the schema SQL of the seed model.
fn outputs(config: &Config, d: Dialect) -> (String, String) {
    let text = std::fs::read_to_string(root().join("fixtures/seed/model.rs")).unwrap();
    let model = parse_sources(&[Source {
        name: "fixtures/seed/model.rs".into(),
        text,
    }])
    .unwrap();
    let prisma = PrismaSchema.emit(&model, config).unwrap()[0]
        .contents
        .clone();
    let schema = authgen_codegen::sql::schema::build(&model, config).unwrap();
    (prisma, authgen_codegen::sql::render_schema(d, &schema))
}

/// The DMMF's tables (with a generator file, as a project has).
fn prisma_tables(prisma: &str, d: Dialect) -> Tables {
    let dir = authgen_testkit::npm::ensure_installed(&root().join("fixtures/prisma"));
    let files = serde_json::json!([["auth.prisma", prisma]]);
    let out =
        authgen_testkit::npm::node_ok(&dir, "dmmf.mjs", &[], files.to_string().as_bytes(), &[]);
    let dmmf: BTreeMap<String, Value> = serde_json::from_str(&out).unwrap();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    dmmf.into_iter()
        .map(|(table, t)| {
            let columns = t["columns"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(name, c)| {
                    (
                        name.clone(),
                        (db_type(d, c), !c["required"].as_bool().unwrap()),
                    )
                })
                .collect();
            let info = TableInfo {
                columns,
                primary_key: strings(&t["primaryKey"]),
                unique: t["unique"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(strings)
                    .collect(),
            };
            (table, info)
        })
        .collect()
}

/// The type our introspection reports for a DMMF field on `d` (SQLite: not compared).
fn db_type(d: Dialect, c: &Value) -> String {
    let (ty, native) = (c["type"].as_str().unwrap(), c["native"].as_str());
    if d == Dialect::Sqlite {
        return "-".into();
    }
    if let Some(e) = c["enum"].as_str() {
        return match d {
            Dialect::Postgres => e.to_owned(),
            _ => "enum".into(),
        };
    }
    let s = match (d, ty, native, c["list"].as_bool().unwrap()) {
        (Dialect::Postgres, "String", None, true) => "text[]",
        (Dialect::Postgres, "String", None, false) => "text",
        (Dialect::Postgres, "String", Some("VarChar(255)"), _) => "character varying",
        (Dialect::Postgres, "String", Some("Uuid"), _) => "uuid",
        (Dialect::Postgres, "DateTime", Some("Timestamptz"), _) => "timestamp with time zone",
        (Dialect::Postgres, "Boolean", ..) => "boolean",
        (Dialect::Postgres, "Int", ..) => "integer",
        (Dialect::Postgres, "BigInt", ..) => "bigint",
        (Dialect::Postgres, "Json", ..) => "jsonb",
        (Dialect::Mysql, "String", Some("Text"), _) => "text",
        (Dialect::Mysql, "String", Some("VarChar(255)"), _) => "varchar",
        (Dialect::Mysql, "String", Some("Char(36)"), _) => "char",
        (Dialect::Mysql, "DateTime", None, _) => "datetime",
        (Dialect::Mysql, "Boolean", ..) => "tinyint",
        (Dialect::Mysql, "Int", None, _) => "int",
        (Dialect::Mysql, "BigInt", ..) => "bigint",
        // MariaDB's JSON is LONGTEXT with a json_valid check.
        (Dialect::Mysql, "Json", ..) => "longtext",
        other => panic!("no expected database type for {other:?}"),
    };
    s.to_owned()
}

async fn postgres_tables(url: &str) -> Tables {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, CASE WHEN data_type = 'ARRAY' \
         THEN substr(udt_name::text, 2) || '[]' WHEN data_type = 'USER-DEFINED' THEN udt_name::text \
         ELSE data_type::text END, is_nullable::text FROM information_schema.columns \
         WHERE table_schema = 'public'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let indexes: Vec<(String, bool, bool, Vec<String>)> = sqlx::query_as(
        "SELECT t.relname::text, i.indisprimary, i.indisunique, \
         array_agg(a.attname::text ORDER BY k.ord) FROM pg_index i \
         JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
         WHERE n.nspname = 'public' GROUP BY t.relname, i.indexrelid, i.indisprimary, i.indisunique",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut tables = Tables::new();
    for (table, column, ty, nullable) in columns {
        let t = tables.entry(table).or_default();
        t.columns.insert(column, (ty, nullable == "YES"));
    }
    for (table, primary, unique, cols) in indexes {
        let t = tables.get_mut(&table).unwrap();
        if primary {
            t.primary_key = cols;
        } else if unique {
            t.unique.insert(cols);
        }
    }
    tables
}

async fn mysql_tables(url: &str) -> Tables {
    let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(DATA_TYPE AS CHAR), \
         CAST(IS_NULLABLE AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let indexes: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), CAST(NON_UNIQUE AS SIGNED), \
         CAST(COLUMN_NAME AS CHAR) FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut tables = Tables::new();
    for (table, column, ty, nullable) in columns {
        let t = tables.entry(table).or_default();
        t.columns.insert(column, (ty, nullable == "YES"));
    }
    let mut grouped: BTreeMap<(String, String), (bool, Vec<String>)> = BTreeMap::new();
    for (table, index, non_unique, column) in indexes {
        let e = grouped
            .entry((table, index))
            .or_insert((non_unique == 0, vec![]));
        e.1.push(column);
    }
    for ((table, index), (unique, cols)) in grouped {
        let t = tables.get_mut(&table).unwrap();
        if index == "PRIMARY" {
            t.primary_key = cols;
        } else if unique {
            t.unique.insert(cols);
        }
    }
    tables
}

async fn sqlite_tables(url: &str) -> Tables {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let columns: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT m.name, p.name, p.\"notnull\", p.pk FROM sqlite_master m \
         JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
         ORDER BY m.name, p.pk",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let indexes: Vec<(String, String, i64, String, String)> = sqlx::query_as(
        "SELECT m.name, il.name, il.\"unique\", il.origin, ii.name FROM sqlite_master m \
         JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii \
         WHERE m.type = 'table' ORDER BY m.name, il.name, ii.seqno",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut tables = Tables::new();
    for (table, column, not_null, pk) in columns {
        let t = tables.entry(table).or_default();
        // SQLite lets a non-INTEGER primary key column hold NULL unless declared NOT NULL;
        // the primary key's columns count as required, as Prisma sees them.
        t.columns
            .insert(column.clone(), ("-".into(), not_null == 0 && pk == 0));
        if pk > 0 {
            t.primary_key.push(column);
        }
    }
    let mut grouped: BTreeMap<(String, String), (bool, Vec<String>)> = BTreeMap::new();
    for (table, index, unique, origin, column) in indexes {
        if origin == "pk" {
            continue;
        }
        let e = grouped
            .entry((table, index))
            .or_insert((unique == 1, vec![]));
        e.1.push(column);
    }
    for ((table, _), (unique, cols)) in grouped {
        if unique {
            tables.get_mut(&table).unwrap().unique.insert(cols);
        }
    }
    tables
}

/// Creates a database with our SQL and introspects it.
async fn database_tables(d: Dialect, sql: &str, label: &str) -> Tables {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match d {
        Dialect::Postgres => {
            let db = TempDb::new(Server::Postgres, label).await;
            let mut c = sqlx::PgConnection::connect(db.url()).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
            postgres_tables(db.url()).await
        }
        Dialect::Mysql => {
            let db = TempDb::new(Server::MySql, label).await;
            let mut c = sqlx::MySqlConnection::connect(db.url()).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
            mysql_tables(db.url()).await
        }
        Dialect::Sqlite => {
            let (_, url) = authgen_testkit::db::sqlite_file(label);
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
            sqlite_tables(&url).await
        }
    }
}

/// Every difference between the two descriptions, one line each.
fn differences(prisma: &Tables, db: &Tables) -> Vec<String> {
    let mut out = Vec::new();
    let names = |t: &Tables| t.keys().cloned().collect::<BTreeSet<_>>();
    if names(prisma) != names(db) {
        out.push(format!(
            "tables: prisma {:?}, database {:?}",
            names(prisma),
            names(db)
        ));
    }
    for (table, p) in prisma {
        let Some(t) = db.get(table) else { continue };
        let cols = |i: &TableInfo| i.columns.keys().cloned().collect::<BTreeSet<_>>();
        if cols(p) != cols(t) {
            out.push(format!("{table}: columns {:?} vs {:?}", cols(p), cols(t)));
        }
        for (column, (ty, nullable)) in &p.columns {
            let Some((db_ty, db_nullable)) = t.columns.get(column) else {
                continue;
            };
            if ty != db_ty {
                out.push(format!("{table}.{column}: type {ty} vs {db_ty}"));
            }
            if nullable != db_nullable {
                out.push(format!(
                    "{table}.{column}: nullable {nullable} vs {db_nullable}"
                ));
            }
        }
        if p.primary_key != t.primary_key {
            out.push(format!(
                "{table}: primary key {:?} vs {:?}",
                p.primary_key, t.primary_key
            ));
        }
        if p.unique != t.unique {
            out.push(format!("{table}: unique {:?} vs {:?}", p.unique, t.unique));
        }
    }
    out
}

#[test]
fn the_prisma_schema_describes_the_tables_our_sql_creates() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut failures = Vec::new();
    for preset in ["prisma", "drizzle", "kysely"] {
        for d in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            let (prisma, sql) = outputs(&config(preset, d), d);
            let described = prisma_tables(&prisma, d);
            let label = format!("prisma_parity_{}", d.as_str());
            let actual = rt.block_on(database_tables(d, &sql, &label));
            let account = if preset == "drizzle" {
                "account"
            } else {
                "Account"
            };
            let expected: Vec<String> = match d {
                Dialect::Sqlite => vec![],
                _ => vec![format!(
                    "{account}.expires_at: type {} vs bigint",
                    if d == Dialect::Postgres {
                        "integer"
                    } else {
                        "int"
                    }
                )],
            };
            let found = differences(&described, &actual);
            if found != expected {
                failures.push(format!("{preset} {}: {found:#?}", d.as_str()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
