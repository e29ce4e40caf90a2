//! DDL statements: whole tables, indexes, enum types, and the whole schema.

use super::dialect::{column_def_with, quote, string_list, EnumRename};
use super::schema::{EnumType, Index, Schema, Table};
use crate::config::Dialect;

/// `CREATE TYPE` (PostgreSQL only).
pub fn create_enum(d: Dialect, e: &EnumType, name: &str) -> String {
    format!(
        "CREATE TYPE {} AS ENUM ({});",
        quote(d, name),
        string_list(d, &e.values)
    )
}

/// `CREATE TABLE` named `name` (normally `table.name`; a rebuild uses a temporary name).
pub fn create_table_named(
    d: Dialect,
    schema: &Schema,
    table: &Table,
    name: &str,
    rename: EnumRename<'_>,
) -> String {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            format!(
                "    {} {}",
                quote(d, &c.name),
                column_def_with(d, schema, table, c, rename)
            )
        })
        .collect();
    let pk = table
        .primary_key
        .iter()
        .map(|c| quote(d, c))
        .collect::<Vec<_>>()
        .join(", ");
    match d {
        Dialect::Postgres => lines.push(format!(
            "    CONSTRAINT {} PRIMARY KEY ({pk})",
            quote(d, &super::schema::ident(&[&table.name, "pkey"]))
        )),
        _ => lines.push(format!("    PRIMARY KEY ({pk})")),
    }
    for fk in &table.foreign_keys {
        lines.push(format!(
            "    CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE CASCADE",
            quote(d, &fk.name),
            quote(d, &fk.column),
            quote(d, &fk.ref_table),
            quote(d, &fk.ref_column)
        ));
    }
    format!(
        "CREATE TABLE {} (\n{}\n);",
        quote(d, name),
        lines.join(",\n")
    )
}

/// `CREATE TABLE` for `table`.
pub fn create_table(d: Dialect, schema: &Schema, table: &Table) -> String {
    create_table_named(d, schema, table, &table.name, &|n| n.to_owned())
}

/// `CREATE [UNIQUE] INDEX`.
pub fn create_index(d: Dialect, table: &str, index: &Index) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({});",
        if index.unique { "UNIQUE " } else { "" },
        quote(d, &index.name),
        quote(d, table),
        index
            .columns
            .iter()
            .map(|c| quote(d, c))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `DROP INDEX`.
pub fn drop_index(d: Dialect, table: &str, index: &Index) -> String {
    match d {
        Dialect::Mysql => format!(
            "DROP INDEX {} ON {};",
            quote(d, &index.name),
            quote(d, table)
        ),
        _ => format!("DROP INDEX {};", quote(d, &index.name)),
    }
}

/// The statements that create the whole schema: enum types, then tables with their indexes.
pub fn create_schema(d: Dialect, schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    if d == Dialect::Postgres {
        for e in &schema.enums {
            out.push(create_enum(d, e, &e.name));
        }
    }
    for t in &schema.tables {
        out.push(create_table(d, schema, t));
        for i in &t.indexes {
            out.push(create_index(d, &t.name, i));
        }
    }
    out
}

/// The statements that drop the whole schema: tables children first, then enum types.
pub fn drop_schema(d: Dialect, schema: &Schema) -> Vec<String> {
    let mut out: Vec<String> = schema
        .tables
        .iter()
        .rev()
        .map(|t| format!("DROP TABLE {};", quote(d, &t.name)))
        .collect();
    if d == Dialect::Postgres {
        for e in schema.enums.iter().rev() {
            out.push(format!("DROP TYPE {};", quote(d, &e.name)));
        }
    }
    out
}
