//! Per-dialect rendering of names, types, defaults and column definitions.

use super::schema::{ColType, Column, Default, EnumType, Schema, Table};
use crate::config::Dialect;

/// SQLite's expression for a random version-4 UUID in lowercase hyphenated form.
pub const SQLITE_UUID: &str = "(lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))";

/// SQLite's expression for the current time as ISO-8601 with milliseconds (what sqlx and the
/// Kysely adapter read).
pub const SQLITE_NOW: &str = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
/// SQLite's current time as integer epoch milliseconds (Drizzle's `timestamp_ms`).
pub const SQLITE_NOW_MILLIS: &str =
    "(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))";

/// Quotes an identifier.
pub fn quote(d: Dialect, name: &str) -> String {
    d.quote(name)
}

/// A string literal.
pub fn string_lit(d: Dialect, s: &str) -> String {
    let s = s.replace('\'', "''");
    match d {
        Dialect::Mysql => format!("'{}'", s.replace('\\', "\\\\")),
        _ => format!("'{s}'"),
    }
}

/// The enum-type renaming in effect while a PostgreSQL enum is being recreated: columns of the
/// enum render as the temporary type.
pub type EnumRename<'a> = &'a dyn Fn(&str) -> String;

/// The SQL type of a column. `table` is used to decide MySQL's `VARCHAR(255)` for indexed text.
pub fn col_type(d: Dialect, schema: &Schema, table: &Table, column: &Column) -> String {
    col_type_with(d, schema, table, column, &|n| n.to_owned())
}

/// [`col_type`] with PostgreSQL enum names mapped through `rename`.
pub fn col_type_with(
    d: Dialect,
    schema: &Schema,
    table: &Table,
    column: &Column,
    rename: EnumRename<'_>,
) -> String {
    use ColType::*;
    use Dialect::*;
    let s = match (&column.ty, d) {
        (Serial, Postgres) => "SERIAL",
        (Serial, Mysql) => "INT",
        (Serial, Sqlite) => "INTEGER",
        (Text, Mysql) if table.is_indexed(&column.name) => "VARCHAR(255)",
        (Text, _) => "TEXT",
        (Varchar, Sqlite) => "TEXT",
        (Varchar, _) => "VARCHAR(255)",
        (Bool, Postgres) => "BOOLEAN",
        (Bool, Mysql) => "TINYINT(1)",
        (Bool, Sqlite) => "INTEGER",
        (SmallInt, Sqlite) | (Int, Sqlite) | (BigInt, Sqlite) => "INTEGER",
        (SmallInt, _) => "SMALLINT",
        (Int, Postgres) => "INTEGER",
        (Int, Mysql) => "INT",
        (BigInt, _) => "BIGINT",
        (Decimal, Postgres) => "NUMERIC(39, 0)",
        (Decimal, Mysql) => "DECIMAL(39, 0)",
        (Decimal, Sqlite) => "TEXT",
        (Real, Mysql) => "FLOAT",
        (Real, _) => "REAL",
        (Double, Postgres) => "DOUBLE PRECISION",
        (Double, Mysql) => "DOUBLE",
        (Double, Sqlite) => "REAL",
        (Timestamp | TimestampMillis, Postgres) => "TIMESTAMPTZ",
        (Timestamp | TimestampMillis, Mysql) => "DATETIME(3)",
        (Timestamp, Sqlite) => "TEXT",
        (TimestampMillis, Sqlite) => "INTEGER",
        (Uuid, Postgres) => "UUID",
        (Uuid, Mysql) | (UuidText, Mysql) => "CHAR(36)",
        (Uuid, Sqlite) | (UuidText, Postgres | Sqlite) => "TEXT",
        (Json, Postgres) => "JSONB",
        (Json, Mysql) | (TextList, Mysql) => "JSON",
        (Json, Sqlite) | (TextList, Sqlite) => "TEXT",
        (TextList, Postgres) => "TEXT[]",
        (Enum { name }, Postgres) => return quote(d, &rename(name)),
        (Enum { name }, Mysql) => {
            let values = schema.enum_type(name).map_or(&[][..], |e| &e.values[..]);
            return format!("ENUM({})", string_list(d, values));
        }
        (Enum { .. }, Sqlite) => "TEXT",
        (Custom { postgres, .. }, Postgres) => return postgres.clone(),
        (Custom { mysql, .. }, Mysql) => return mysql.clone(),
        (Custom { sqlite, .. }, Sqlite) => return sqlite.clone(),
    };
    s.to_owned()
}

/// `'a', 'b'`.
pub fn string_list(d: Dialect, values: &[String]) -> String {
    values
        .iter()
        .map(|v| string_lit(d, v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQL of a default, for a column of type `ty`.
pub fn default_sql(d: Dialect, ty: &ColType, default: &Default) -> String {
    use serde_json::Value as V;
    match default {
        Default::Now => match d {
            Dialect::Postgres => "now()".into(),
            Dialect::Mysql => "CURRENT_TIMESTAMP(3)".into(),
            Dialect::Sqlite if *ty == ColType::TimestampMillis => SQLITE_NOW_MILLIS.into(),
            Dialect::Sqlite => SQLITE_NOW.into(),
        },
        Default::Uuid => match d {
            Dialect::Postgres => "gen_random_uuid()".into(),
            Dialect::Mysql => "(UUID())".into(),
            Dialect::Sqlite => SQLITE_UUID.into(),
        },
        Default::Sql(s) => s.clone(),
        Default::Value(V::Null) => "NULL".into(),
        Default::Value(v) => match (ty, d) {
            (ColType::TextList, Dialect::Postgres) => match v {
                V::Array(items) if items.is_empty() => "ARRAY[]::TEXT[]".into(),
                V::Array(items) => format!(
                    "ARRAY[{}]::TEXT[]",
                    items
                        .iter()
                        .map(|i| string_lit(d, i.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                other => string_lit(d, &other.to_string()),
            },
            (ColType::Json | ColType::TextList, Dialect::Mysql) => {
                format!("({})", string_lit(d, &v.to_string()))
            }
            (ColType::Json, Dialect::Postgres) => {
                format!("{}::jsonb", string_lit(d, &v.to_string()))
            }
            (ColType::Json | ColType::TextList, Dialect::Sqlite) => string_lit(d, &v.to_string()),
            (_, _) => match v {
                V::String(s) => string_lit(d, s),
                V::Bool(b) => match d {
                    Dialect::Postgres => if *b { "TRUE" } else { "FALSE" }.into(),
                    _ => if *b { "1" } else { "0" }.into(),
                },
                V::Number(n) => n.to_string(),
                other => string_lit(d, &other.to_string()),
            },
        },
    }
}

/// Whether SQLite's `ALTER TABLE ADD COLUMN` accepts this default (no expression in parentheses,
/// no `CURRENT_*`).
pub fn sqlite_addable_default(sql: &str) -> bool {
    let t = sql.trim_start();
    !(t.starts_with('(') || t.to_ascii_uppercase().starts_with("CURRENT_"))
}

/// The column's definition after its name: type, nullability, default, and (SQLite) the CHECK of
/// an enum. `rename` maps PostgreSQL enum names (see [`col_type_with`]).
pub fn column_def_with(
    d: Dialect,
    schema: &Schema,
    table: &Table,
    column: &Column,
    rename: EnumRename<'_>,
) -> String {
    let mut s = col_type_with(d, schema, table, column, rename);
    if column.ty == ColType::Serial {
        match d {
            Dialect::Postgres => s.push_str(" NOT NULL"),
            Dialect::Mysql => s.push_str(" NOT NULL AUTO_INCREMENT"),
            // An `INTEGER PRIMARY KEY` column is the rowid: the database assigns it.
            Dialect::Sqlite => s.push_str(" NOT NULL"),
        }
        return s;
    }
    if !column.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        s.push_str(" DEFAULT ");
        s.push_str(&default_sql(d, &column.ty, default));
    }
    if d == Dialect::Sqlite {
        if let ColType::Enum { name } = &column.ty {
            let values = schema
                .enum_type(name)
                .map_or(&[][..], |e: &EnumType| &e.values[..]);
            s.push_str(&format!(
                " CHECK ({} IN ({}))",
                quote(d, &column.name),
                string_list(d, values)
            ));
        }
    }
    s
}

/// [`column_def_with`] without enum renaming.
pub fn column_def(d: Dialect, schema: &Schema, table: &Table, column: &Column) -> String {
    column_def_with(d, schema, table, column, &|n| n.to_owned())
}
