//! The renderer: a list of [`Change`]s as one dialect's statements.
//!
//! Order of the statements: new enum types (PostgreSQL), dropped indexes, dropped tables, per
//! table column renames, the replaced primary key dropped, column drops / alterations /
//! additions, the new primary key added (SQLite: a table rebuild where `ALTER TABLE` cannot do
//! it), the end of PostgreSQL's enum recreation, new tables, new indexes.

use std::collections::BTreeSet;

use super::change::Change;
use super::ddl::{create_enum, create_index, create_table, create_table_named, drop_index};
use super::dialect::{col_type, col_type_with, column_def_with, default_sql, string_lit};
use super::schema::{ident, ColType, Column, Default, EnumType, Schema, Table};
use crate::config::Dialect;

/// The statements of a list of changes.
///
/// ```
/// use authgen_codegen::sql::render::Rendered;
/// let r = Rendered::default();
/// assert!(r.statements.is_empty() && !r.no_transaction);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The statements, in order.
    pub statements: Vec<String>,
    /// SQLite: the statements rebuild a table and must run outside sqlx's transaction (with
    /// foreign keys off, so dropping the old table does not cascade).
    pub no_transaction: bool,
}

/// Renders `changes` (from `from` to `to`) as dialect `d`'s statements.
///
/// ```
/// use authgen_codegen::config::Dialect;
/// use authgen_codegen::sql::change::Change;
/// use authgen_codegen::sql::render::render;
/// use authgen_codegen::sql::schema::{EnumType, Schema};
/// let old = Schema { preset: "prisma".into(), enums: vec![], tables: vec![] };
/// let role = EnumType { name: "role".into(), values: vec!["user".into()] };
/// let new = Schema { enums: vec![role.clone()], ..old.clone() };
/// let out = render(Dialect::Postgres, &old, &new, &[Change::CreateEnum(role.clone())]);
/// assert_eq!(out.statements, ["CREATE TYPE \"role\" AS ENUM ('user');"]);
/// assert!(render(Dialect::Sqlite, &old, &new, &[Change::CreateEnum(role)]).statements.is_empty());
/// ```
pub fn render(d: Dialect, from: &Schema, to: &Schema, changes: &[Change]) -> Rendered {
    let cx = Ctx::new(d, from, to, changes);
    let mut out = Vec::new();
    for c in changes {
        out.extend(enum_start(&cx, c));
    }
    for c in changes {
        match c {
            Change::DropIndex { table, index } if !cx.rebuilt(table) => {
                if let Some(ft) = from.table(table) {
                    out.push(drop_index(d, &ft.name, index));
                }
            }
            _ => {}
        }
    }
    for c in changes {
        if let Change::DropTable(t) = c {
            out.push(format!("DROP TABLE {};", cx.q(&t.name)));
        }
    }
    for t in &to.tables {
        out.extend(table_columns(&cx, t, changes));
    }
    for c in changes {
        out.extend(enum_end(&cx, c));
    }
    for c in changes {
        if let Change::CreateTable(t) = c {
            out.push(create_table(d, to, t));
            out.extend(t.indexes.iter().map(|i| create_index(d, &t.name, i)));
        }
    }
    for t in &to.tables {
        out.extend(new_indexes(&cx, t, changes));
    }
    Rendered {
        statements: out,
        no_transaction: !cx.rebuilt.is_empty(),
    }
}

/// What rendering needs besides the change: the dialect, both schemas, the PostgreSQL enums
/// being recreated and the SQLite tables being rebuilt.
pub(crate) struct Ctx<'a> {
    pub(crate) d: Dialect,
    pub(crate) from: &'a Schema,
    pub(crate) to: &'a Schema,
    /// PostgreSQL enums recreated under a temporary name.
    recreated: BTreeSet<String>,
    /// Keys of the tables rebuilt (SQLite).
    rebuilt: BTreeSet<String>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(d: Dialect, from: &'a Schema, to: &'a Schema, changes: &[Change]) -> Self {
        let mut cx = Ctx {
            d,
            from,
            to,
            recreated: BTreeSet::new(),
            rebuilt: BTreeSet::new(),
        };
        for c in changes {
            match c {
                Change::ReplaceEnum { new, .. } if d == Dialect::Postgres => {
                    cx.recreated.insert(new.name.clone());
                }
                Change::RebuildTable { table, .. } => {
                    cx.rebuilt.insert(table.clone());
                }
                _ => {}
            }
        }
        cx
    }
    fn q(&self, s: &str) -> String {
        self.d.quote(s)
    }
    fn rebuilt(&self, key: &str) -> bool {
        self.rebuilt.contains(key)
    }
    fn rename_fn(&self) -> impl Fn(&str) -> String + '_ {
        move |n: &str| {
            if self.recreated.contains(n) {
                temp_enum_name(n)
            } else {
                n.to_owned()
            }
        }
    }
    /// A column's definition before the change.
    pub(crate) fn old_def(&self, t: &Table, c: &Column) -> String {
        column_def_with(self.d, self.from, t, c, &|n| n.to_owned())
    }
    /// A column's definition after the change (recreated enums under their temporary name).
    pub(crate) fn to_def(&self, t: &Table, c: &Column) -> String {
        column_def_with(self.d, self.to, t, c, &self.rename_fn())
    }
    fn to_type(&self, t: &Table, c: &Column) -> String {
        col_type_with(self.d, self.to, t, c, &self.rename_fn())
    }
}

/// The temporary name of a PostgreSQL enum type being recreated.
pub(crate) fn temp_enum_name(name: &str) -> String {
    ident(&[name, "authgen_new"])
}

/// PostgreSQL `ALTER TYPE ... ADD VALUE` statements that turn `old` into `new` (a pure addition).
///
/// ```
/// use authgen_codegen::sql::render::add_enum_values;
/// use authgen_codegen::sql::schema::EnumType;
/// let old = EnumType { name: "role".into(), values: vec!["user".into()] };
/// let new = EnumType { name: "role".into(), values: vec!["guest".into(), "user".into()] };
/// assert_eq!(add_enum_values(&old, &new), ["ALTER TYPE \"role\" ADD VALUE 'guest' BEFORE 'user';"]);
/// ```
pub fn add_enum_values(old: &EnumType, new: &EnumType) -> Vec<String> {
    let d = Dialect::Postgres;
    let mut out = Vec::new();
    for (i, v) in new.values.iter().enumerate() {
        if old.values.contains(v) {
            continue;
        }
        let before = new.values[i + 1..].iter().find(|n| old.values.contains(n));
        let position = match before {
            Some(b) => format!(" BEFORE {}", string_lit(d, b)),
            None => String::new(),
        };
        out.push(format!(
            "ALTER TYPE {} ADD VALUE {}{position};",
            d.quote(&new.name),
            string_lit(d, v)
        ));
    }
    out
}

/// PostgreSQL enum statements that come first: new types, and recreated ones under their
/// temporary name.
fn enum_start(cx: &Ctx<'_>, c: &Change) -> Vec<String> {
    if cx.d != Dialect::Postgres {
        return Vec::new();
    }
    match c {
        Change::CreateEnum(e) => vec![create_enum(cx.d, e, &e.name)],
        Change::ReplaceEnum { new, .. } => vec![create_enum(cx.d, new, &temp_enum_name(&new.name))],
        Change::AddEnumValues { old, new } => add_enum_values(old, new),
        _ => Vec::new(),
    }
}

/// PostgreSQL enum statements that come after the columns moved: the old types dropped, the
/// recreated ones renamed back.
fn enum_end(cx: &Ctx<'_>, c: &Change) -> Vec<String> {
    if cx.d != Dialect::Postgres {
        return Vec::new();
    }
    match c {
        Change::ReplaceEnum { new, .. } => vec![
            format!("DROP TYPE {};", cx.q(&new.name)),
            format!(
                "ALTER TYPE {} RENAME TO {};",
                cx.q(&temp_enum_name(&new.name)),
                cx.q(&new.name)
            ),
        ],
        Change::DropEnum(e) => vec![format!("DROP TYPE {};", cx.q(&e.name))],
        _ => Vec::new(),
    }
}

/// The column statements of table `tt`: a rebuild, or renames, drops, alterations and additions.
fn table_columns(cx: &Ctx<'_>, tt: &Table, changes: &[Change]) -> Vec<String> {
    let Some(ft) = cx.from.table(&tt.key) else {
        return Vec::new();
    };
    let mine = || changes.iter().filter(|c| c.table() == Some(&tt.key));
    if cx.rebuilt(&tt.key) {
        return mine()
            .filter_map(|c| match c {
                Change::RebuildTable { columns, .. } => Some(rebuild(cx, ft, tt, columns)),
                _ => None,
            })
            .flatten()
            .collect();
    }
    let tq = cx.q(&tt.name);
    let mut out = Vec::new();
    for c in mine() {
        if let Change::RenameColumn { from, to, .. } = c {
            out.push(format!(
                "ALTER TABLE {tq} RENAME COLUMN {} TO {};",
                cx.q(from),
                cx.q(to)
            ));
        }
    }
    out.extend(mine().filter_map(|c| drop_primary_key(cx, ft, c)));
    for c in mine() {
        if let Change::DropColumn { column, .. } = c {
            out.push(format!(
                "ALTER TABLE {tq} DROP COLUMN {};",
                cx.q(&column.name)
            ));
        }
    }
    for c in mine() {
        if let Change::AlterColumn { from, to, .. } = c {
            out.extend(alter_column(cx, ft, tt, from, to));
        }
    }
    for c in mine() {
        if let Change::AddColumn { column, .. } = c {
            out.push(format!(
                "ALTER TABLE {tq} ADD COLUMN {} {};",
                cx.q(&column.name),
                cx.to_def(tt, column)
            ));
        }
    }
    out.extend(mine().filter_map(|c| add_primary_key(cx, tt, c)));
    out
}

/// PostgreSQL and MySQL: the old primary key of `ft` dropped, before the column changes.
fn drop_primary_key(cx: &Ctx<'_>, ft: &Table, c: &Change) -> Option<String> {
    let Change::ReplacePrimaryKey { .. } = c else {
        return None;
    };
    let tq = cx.q(&ft.name);
    Some(match cx.d {
        Dialect::Postgres => format!(
            "ALTER TABLE {tq} DROP CONSTRAINT {};",
            cx.q(&ident(&[&ft.name, "pkey"]))
        ),
        _ => format!("ALTER TABLE {tq} DROP PRIMARY KEY;"),
    })
}

/// PostgreSQL and MySQL: the new primary key of `tt` added, after the column changes (under the
/// name a fresh `CREATE TABLE` gives it).
fn add_primary_key(cx: &Ctx<'_>, tt: &Table, c: &Change) -> Option<String> {
    let Change::ReplacePrimaryKey { to, .. } = c else {
        return None;
    };
    let tq = cx.q(&tt.name);
    let columns = to.iter().map(|n| cx.q(n)).collect::<Vec<_>>().join(", ");
    Some(match cx.d {
        Dialect::Postgres => format!(
            "ALTER TABLE {tq} ADD CONSTRAINT {} PRIMARY KEY ({columns});",
            cx.q(&ident(&[&tt.name, "pkey"]))
        ),
        _ => format!("ALTER TABLE {tq} ADD PRIMARY KEY ({columns});"),
    })
}

/// SQLite's table rebuild: the new table under a temporary name, the kept columns copied
/// (NULLs filled with the default where the column became NOT NULL), the old table dropped and
/// the new one renamed.
fn rebuild(cx: &Ctx<'_>, ft: &Table, tt: &Table, columns: &[(String, String)]) -> Vec<String> {
    let d = cx.d;
    let tq = cx.q(&tt.name);
    let tmp = ident(&["_authgen_new", &tt.name]);
    let mut out = vec![create_table_named(d, cx.to, tt, &tmp, &|n| n.to_owned())];
    let mut targets = Vec::new();
    let mut sources = Vec::new();
    for (old, new) in columns {
        let (Some(fc), Some(tc)) = (ft.column(old), tt.column(new)) else {
            continue;
        };
        targets.push(cx.q(new));
        let src = cx.q(&fc.name);
        sources.push(match (&tc.default, fc.nullable && !tc.nullable) {
            (Some(df), true) => format!("COALESCE({src}, {})", default_sql(d, &tc.ty, df)),
            _ => src,
        });
    }
    if !targets.is_empty() {
        out.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {tq};",
            cx.q(&tmp),
            targets.join(", "),
            sources.join(", ")
        ));
    }
    out.push(format!("DROP TABLE {tq};"));
    out.push(format!("ALTER TABLE {} RENAME TO {tq};", cx.q(&tmp)));
    out
}

/// The new indexes of the existing table `tt` (all of its indexes when it was rebuilt).
fn new_indexes(cx: &Ctx<'_>, tt: &Table, changes: &[Change]) -> Vec<String> {
    if cx.from.table(&tt.key).is_none() {
        return Vec::new();
    }
    if cx.rebuilt(&tt.key) {
        return tt
            .indexes
            .iter()
            .map(|i| create_index(cx.d, &tt.name, i))
            .collect();
    }
    changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateIndex { table, index } if *table == tt.key => {
                Some(create_index(cx.d, &tt.name, index))
            }
            _ => None,
        })
        .collect()
}

/// The statements that alter column `fc` of `ft` into `tc` of `tt`.
fn alter_column(cx: &Ctx<'_>, ft: &Table, tt: &Table, fc: &Column, tc: &Column) -> Vec<String> {
    match cx.d {
        Dialect::Postgres => alter_column_postgres(cx, ft, tt, fc, tc),
        Dialect::Mysql => alter_column_mysql(cx, tt, fc, tc),
        // SQLite alters columns by rebuilding the table (see `rebuild`).
        Dialect::Sqlite => Vec::new(),
    }
}

/// `UPDATE` that fills the NULLs of a column about to become NOT NULL with its default.
fn fill_nulls(cx: &Ctx<'_>, tt: &Table, tc: &Column, df: &Default) -> String {
    let cq = cx.q(&tc.name);
    format!(
        "UPDATE {} SET {cq} = {} WHERE {cq} IS NULL;",
        cx.q(&tt.name),
        default_sql(cx.d, &tc.ty, df)
    )
}

fn alter_column_postgres(
    cx: &Ctx<'_>,
    ft: &Table,
    tt: &Table,
    fc: &Column,
    tc: &Column,
) -> Vec<String> {
    let d = cx.d;
    let alter = format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        cx.q(&tt.name),
        cx.q(&tc.name)
    );
    let cq = cx.q(&tc.name);
    let mut out = Vec::new();
    let to_type = cx.to_type(tt, tc);
    let type_changed = col_type(d, cx.from, ft, fc) != to_type;
    if type_changed {
        if fc.default.is_some() {
            out.push(format!("{alter} DROP DEFAULT;"));
        }
        let via_text =
            matches!(fc.ty, ColType::Enum { .. }) || matches!(tc.ty, ColType::Enum { .. });
        out.push(format!(
            "{alter} TYPE {to_type} USING {cq}{}::{to_type};",
            if via_text { "::text" } else { "" }
        ));
    }
    if type_changed || fc.default != tc.default {
        match &tc.default {
            Some(df) => out.push(format!(
                "{alter} SET DEFAULT {};",
                default_sql(d, &tc.ty, df)
            )),
            None if !type_changed => out.push(format!("{alter} DROP DEFAULT;")),
            None => {}
        }
    }
    if fc.nullable && !tc.nullable {
        if let Some(df) = &tc.default {
            out.push(fill_nulls(cx, tt, tc, df));
        }
        out.push(format!("{alter} SET NOT NULL;"));
    } else if !fc.nullable && tc.nullable {
        out.push(format!("{alter} DROP NOT NULL;"));
    }
    out
}

fn alter_column_mysql(cx: &Ctx<'_>, tt: &Table, fc: &Column, tc: &Column) -> Vec<String> {
    let modify = format!(
        "ALTER TABLE {} MODIFY COLUMN {}",
        cx.q(&tt.name),
        cx.q(&tc.name)
    );
    let mut out = Vec::new();
    if let (true, Some(df)) = (fc.nullable && !tc.nullable, &tc.default) {
        let mut nullable = tc.clone();
        nullable.nullable = true;
        out.push(format!("{modify} {};", cx.to_def(tt, &nullable)));
        out.push(fill_nulls(cx, tt, tc, df));
    }
    out.push(format!("{modify} {};", cx.to_def(tt, tc)));
    out
}
