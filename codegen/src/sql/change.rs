//! The typed changes of a migration and their one-line descriptions.
//!
//! The differ ([`super::diff`]) finds a list of [`Change`]s, in the order they are described to
//! the user; the renderer ([`super::render`]) turns them into each dialect's statements, in the
//! order the database needs them.

use super::dialect::col_type;
use super::schema::{ColType, Column, EnumType, Index, Schema, Table};
use crate::config::Dialect;

/// One change from one schema to another. Tables are named by their key (`user`, `account`,
/// ...; see [`Table::key`]): a table keeps its key and name across a change.
///
/// ```
/// use authgen_codegen::config::Dialect;
/// use authgen_codegen::sql::change::Change;
/// use authgen_codegen::sql::schema::EnumType;
/// let role = EnumType { name: "role".into(), values: vec!["user".into(), "admin".into()] };
/// let change = Change::DropEnum(role);
/// assert_eq!(change.table(), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A new enum type (PostgreSQL `CREATE TYPE`; elsewhere the columns carry it).
    CreateEnum(EnumType),
    /// An enum type whose values changed other than by a pure addition (or on a dialect without
    /// `ADD VALUE`): PostgreSQL creates the new type under a temporary name, moves the columns
    /// onto it and replaces the old type.
    ReplaceEnum {
        /// The type before.
        old: EnumType,
        /// The type after.
        new: EnumType,
    },
    /// PostgreSQL: values added to an enum type in place (`ALTER TYPE ... ADD VALUE`), in a
    /// migration of their own.
    AddEnumValues {
        /// The type before.
        old: EnumType,
        /// The type after: the old values in their order, with new ones among them.
        new: EnumType,
    },
    /// An enum type no column uses any more.
    DropEnum(EnumType),
    /// A column renamed (`renamed_from`).
    RenameColumn {
        /// The table's key.
        table: String,
        /// The earlier name.
        from: String,
        /// The new name.
        to: String,
    },
    /// A column dropped, with its data.
    DropColumn {
        /// The table's key.
        table: String,
        /// The column before.
        column: Column,
    },
    /// A column altered: type, default or nullability (names are those after any rename).
    AlterColumn {
        /// The table's key.
        table: String,
        /// The column before.
        from: Box<Column>,
        /// The column after.
        to: Box<Column>,
    },
    /// A new column.
    AddColumn {
        /// The table's key.
        table: String,
        /// The new column.
        column: Column,
    },
    /// The primary key replaced: an `id` key by a natural key whose columns the table already
    /// has (the `id` column dropped), or back (the `id` column added). PostgreSQL and MySQL drop
    /// the old key before the column changes and add the new one after them; SQLite rebuilds the
    /// table.
    ReplacePrimaryKey {
        /// The table's key.
        table: String,
        /// The primary key's columns before.
        from: Vec<String>,
        /// The primary key's columns after.
        to: Vec<String>,
    },
    /// SQLite: the table is rebuilt (new table, rows copied, old one dropped) because `ALTER
    /// TABLE` cannot carry out its column changes. The column changes of the table stay in the
    /// list for their descriptions; this change renders them.
    RebuildTable {
        /// The table's key.
        table: String,
        /// The columns kept, `(old name, new name)`, in the old table's order.
        columns: Vec<(String, String)>,
    },
    /// An index dropped.
    DropIndex {
        /// The table's key.
        table: String,
        /// The index before.
        index: Index,
    },
    /// A new index on an existing table.
    CreateIndex {
        /// The table's key.
        table: String,
        /// The new index.
        index: Index,
    },
    /// A table dropped, with its rows.
    DropTable(Table),
    /// A new table, with its indexes.
    CreateTable(Table),
}

impl Change {
    /// The key of the existing table the change alters, if it alters one.
    ///
    /// ```
    /// use authgen_codegen::sql::change::Change;
    /// let c = Change::RenameColumn { table: "user".into(), from: "a".into(), to: "b".into() };
    /// assert_eq!(c.table(), Some("user"));
    /// ```
    pub fn table(&self) -> Option<&str> {
        match self {
            Change::RenameColumn { table, .. }
            | Change::DropColumn { table, .. }
            | Change::AlterColumn { table, .. }
            | Change::AddColumn { table, .. }
            | Change::ReplacePrimaryKey { table, .. }
            | Change::RebuildTable { table, .. }
            | Change::DropIndex { table, .. }
            | Change::CreateIndex { table, .. } => Some(table),
            _ => None,
        }
    }

    /// The change's description in one line each (an alteration may be several) and the
    /// descriptions of what in it can lose data or fail on existing rows, for dialect `d` going
    /// from `from` to `to`.
    ///
    /// ```
    /// use authgen_codegen::config::Dialect;
    /// use authgen_codegen::sql::change::Change;
    /// use authgen_codegen::sql::schema::{EnumType, Schema};
    /// let s = Schema { preset: "prisma".into(), enums: vec![], tables: vec![] };
    /// let old = EnumType { name: "role".into(), values: vec!["user".into(), "admin".into()] };
    /// let new = EnumType { name: "role".into(), values: vec!["user".into()] };
    /// let (lines, destructive) = Change::ReplaceEnum { old, new }.describe(Dialect::Postgres, &s, &s);
    /// assert_eq!(lines, ["remove 'admin' from enum `role`"]);
    /// assert_eq!(destructive, lines);
    /// ```
    pub fn describe(&self, d: Dialect, from: &Schema, to: &Schema) -> (Vec<String>, Vec<String>) {
        let mut out = Description::default();
        match self {
            Change::CreateEnum(e) => out.line(format!("create enum type `{}`", e.name)),
            Change::ReplaceEnum { old, new } | Change::AddEnumValues { old, new } => {
                describe_enum(&mut out, old, new)
            }
            Change::DropEnum(e) => out.line(format!("drop enum type `{}`", e.name)),
            Change::RenameColumn {
                table,
                from: a,
                to: b,
            } => out.line(format!(
                "rename column `{}`.`{a}` to `{b}`",
                table_name(to, table)
            )),
            Change::DropColumn { table, column } => out.lossy(format!(
                "drop column `{}`.`{}`",
                table_name(from, table),
                column.name
            )),
            Change::AlterColumn {
                table,
                from: fc,
                to: tc,
            } => {
                if let (Some(ft), Some(tt)) = (from.table(table), to.table(table)) {
                    describe_alter(&mut out, d, (from, ft, fc), (to, tt, tc));
                }
            }
            Change::AddColumn { table, column } => describe_add(&mut out, to, table, column),
            Change::ReplacePrimaryKey {
                table,
                from: a,
                to: b,
            } => out.line(format!(
                "change the primary key of `{}` from ({}) to ({})",
                table_name(to, table),
                list_names(a),
                list_names(b)
            )),
            Change::RebuildTable { .. } => {}
            Change::DropIndex { table, index } => out.line(format!(
                "drop index `{}` on `{}`",
                index.name,
                table_name(from, table)
            )),
            Change::CreateIndex { table, index } => out.line(format!(
                "create index `{}` on `{}`",
                index.name,
                table_name(to, table)
            )),
            Change::DropTable(t) => out.lossy(format!("drop table `{}`", t.name)),
            Change::CreateTable(t) => out.line(format!("create table `{}`", t.name)),
        }
        (out.lines, out.destructive)
    }
}

#[derive(Default)]
struct Description {
    lines: Vec<String>,
    destructive: Vec<String>,
}

impl Description {
    fn line(&mut self, s: String) {
        self.lines.push(s);
    }
    /// A line that is destructive in itself.
    fn lossy(&mut self, s: String) {
        self.lines.push(s.clone());
        self.destructive.push(s);
    }
}

fn table_name<'a>(schema: &'a Schema, key: &'a str) -> &'a str {
    schema.table(key).map_or(key, |t| t.name.as_str())
}

fn describe_enum(out: &mut Description, old: &EnumType, new: &EnumType) {
    let removed: Vec<&String> = old
        .values
        .iter()
        .filter(|v| !new.values.contains(v))
        .collect();
    let added: Vec<&String> = new
        .values
        .iter()
        .filter(|v| !old.values.contains(v))
        .collect();
    if !added.is_empty() {
        out.line(format!(
            "add {} to enum `{}`",
            list_quoted(&added),
            new.name
        ));
    }
    if !removed.is_empty() {
        out.lossy(format!(
            "remove {} from enum `{}`",
            list_quoted(&removed),
            new.name
        ));
    } else if added.is_empty() {
        out.line(format!("reorder the values of enum `{}`", new.name));
    }
}

fn describe_add(out: &mut Description, to: &Schema, table: &str, column: &Column) {
    let t = table_name(to, table);
    out.line(format!("add column `{t}`.`{}`", column.name));
    if !column.nullable && column.default.is_none() {
        out.destructive.push(format!(
            "add column `{t}`.`{}` NOT NULL without a default (fails when the table has rows)",
            column.name
        ));
    }
}

fn describe_alter(
    out: &mut Description,
    d: Dialect,
    (from, ft, fc): (&Schema, &Table, &Column),
    (to, tt, tc): (&Schema, &Table, &Column),
) {
    let (ft_sql, tt_sql) = (col_type(d, from, ft, fc), col_type(d, to, tt, tc));
    if fc.ty != tc.ty || ft_sql != tt_sql {
        out.line(format!(
            "change the type of `{}`.`{}` from {} to {}",
            tt.name, tc.name, ft_sql, tt_sql
        ));
        let same_enum = matches!((&fc.ty, &tc.ty), (ColType::Enum { name: a }, ColType::Enum { name: b }) if a == b);
        let mysql_narrowing = d == Dialect::Mysql && ft_sql == "TEXT" && tt_sql == "VARCHAR(255)";
        if (!same_enum && !widening(&fc.ty, &tc.ty) && fc.ty != tc.ty) || mysql_narrowing {
            out.destructive.push(format!(
                "narrow or convert `{}`.`{}` from {} to {}",
                tt.name, tc.name, ft_sql, tt_sql
            ));
        }
    }
    if fc.default != tc.default {
        out.line(format!("change the default of `{}`.`{}`", tt.name, tc.name));
    }
    if fc.nullable != tc.nullable {
        out.line(format!(
            "make `{}`.`{}` {}",
            tt.name,
            tc.name,
            if tc.nullable { "nullable" } else { "NOT NULL" }
        ));
        if !tc.nullable && tc.default.is_none() {
            out.destructive.push(format!(
                "make `{}`.`{}` NOT NULL without a default (fails when it holds NULL)",
                tt.name, tc.name
            ));
        }
    }
}

/// Whether a value of type `from` always fits `to`.
fn widening(from: &ColType, to: &ColType) -> bool {
    use ColType::*;
    matches!(
        (from, to),
        (SmallInt, Int | BigInt | Decimal)
            | (Int, BigInt | Decimal)
            | (BigInt, Decimal)
            | (Real, Double)
            | (Varchar, Text)
            | (Enum { .. }, Text)
    )
}

/// Column names as `` `a`, `b` ``.
fn list_names(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_quoted(values: &[&String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
