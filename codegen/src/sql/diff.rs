//! The differ: the statements that take a database from one schema to another, per dialect,
//! with the changes described and the destructive ones named.
//!
//! Order of the statements: new enum types (PostgreSQL), dropped indexes, dropped tables, column
//! renames / drops / alterations / additions per table (SQLite: a table rebuild where `ALTER
//! TABLE` cannot do it), the end of PostgreSQL's enum recreation, new tables, new indexes.

use std::collections::{BTreeMap, BTreeSet};

use super::ddl::{create_enum, create_index, create_table, create_table_named, drop_index};
use super::dialect::{
    col_type, col_type_with, column_def_with, default_sql, quote, sqlite_addable_default,
    string_lit,
};
use super::schema::{ColType, Column, EnumType, Index, Schema, Table};
use crate::config::Dialect;
use crate::diag::Diagnostic;

/// A column rename: `(table key, old name, new name)`.
pub type Rename = (String, String, String);

/// What a diff found and the statements that carry it out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    /// The statements, in order.
    pub statements: Vec<String>,
    /// Every change, described in one line each.
    pub changes: Vec<String>,
    /// The changes that can lose data or fail on existing rows, described.
    pub destructive: Vec<String>,
    /// SQLite: the statements rebuild a table and must run outside sqlx's transaction (with
    /// foreign keys off, so dropping the old table does not cascade).
    pub no_transaction: bool,
}

impl Diff {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

/// The renames `to` asks for with `renamed_from`: a column of `to` whose name is not in `from`
/// but one of whose earlier names is (and is not a column of `to` itself).
pub fn renames(from: &Schema, to: &Schema) -> Vec<Rename> {
    let mut out = Vec::new();
    for tt in &to.tables {
        let Some(ft) = from.table(&tt.key) else {
            continue;
        };
        for c in &tt.columns {
            if ft.column(&c.name).is_some() {
                continue;
            }
            if let Some(old) = c
                .renamed_from
                .iter()
                .find(|old| ft.column(old).is_some() && tt.column(old).is_none())
            {
                if !out
                    .iter()
                    .any(|(k, o, _): &Rename| k == &tt.key && o == old)
                {
                    out.push((tt.key.clone(), old.clone(), c.name.clone()));
                }
            }
        }
    }
    out
}

/// The renames that undo `renames`.
pub fn invert(renames: &[Rename]) -> Vec<Rename> {
    renames
        .iter()
        .map(|(k, a, b)| (k.clone(), b.clone(), a.clone()))
        .collect()
}

/// Whether `new` only adds values to `old`, keeping the order of the old ones.
pub fn is_pure_addition(old: &[String], new: &[String]) -> bool {
    if new.len() <= old.len() {
        return false;
    }
    let kept: Vec<&String> = new.iter().filter(|v| old.contains(v)).collect();
    kept.len() == old.len() && kept.iter().zip(old).all(|(a, b)| *a == b)
}

/// PostgreSQL `ALTER TYPE ... ADD VALUE` statements that turn `old` into `new` (a pure addition).
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
            quote(d, &new.name),
            string_lit(d, v)
        ));
    }
    out
}

fn temp_enum_name(name: &str) -> String {
    super::schema::ident(&[name, "authgen_new"])
}

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

struct Ctx<'a> {
    d: Dialect,
    from: &'a Schema,
    to: &'a Schema,
    /// PostgreSQL enums recreated under a temporary name.
    recreated: BTreeSet<String>,
}

impl Ctx<'_> {
    fn q(&self, s: &str) -> String {
        quote(self.d, s)
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
    fn old_def(&self, t: &Table, c: &Column) -> String {
        column_def_with(self.d, self.from, t, c, &|n| n.to_owned())
    }
    fn to_def(&self, t: &Table, c: &Column) -> String {
        column_def_with(self.d, self.to, t, c, &self.rename_fn())
    }
    fn to_type(&self, t: &Table, c: &Column) -> String {
        col_type_with(self.d, self.to, t, c, &self.rename_fn())
    }
}

/// The statements from `from` to `to`. Enum changes on PostgreSQL use the new-type recipe here;
/// callers that want `ADD VALUE` for pure additions apply those first (see `plan`).
pub fn diff(
    d: Dialect,
    from: &Schema,
    to: &Schema,
    renames: &[Rename],
) -> Result<Diff, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if from.preset != to.preset {
        errors.push(Diagnostic::new(
            None,
            format!(
                "the naming preset changed from `{}` to `{}`: incremental migrations cannot move between presets (their id columns differ); start a new migrations directory",
                from.preset, to.preset
            ),
        ));
    }
    for tt in &to.tables {
        if let Some(ft) = from.table(&tt.key) {
            if ft.name != tt.name {
                errors.push(Diagnostic::new(
                    None,
                    format!(
                        "the {} table was renamed from `{}` to `{}`: renaming tables is not supported by incremental migrations",
                        tt.key, ft.name, tt.name
                    ),
                ));
            }
            if ft.primary_key != tt.primary_key || ft.foreign_keys != tt.foreign_keys {
                errors.push(Diagnostic::new(
                    None,
                    format!(
                        "the primary or foreign keys of `{}` changed: not supported by incremental migrations",
                        tt.name
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut out = Diff::default();
    let mut cx = Ctx {
        d,
        from,
        to,
        recreated: BTreeSet::new(),
    };

    // Enum types.
    let mut enum_stmts = Vec::new();
    let mut enum_end = Vec::new();
    for e in &to.enums {
        match from.enum_type(&e.name) {
            None => {
                out.changes.push(format!("create enum type `{}`", e.name));
                if d == Dialect::Postgres {
                    enum_stmts.push(create_enum(d, e, &e.name));
                }
            }
            Some(old) if old.values != e.values => {
                let removed: Vec<&String> = old
                    .values
                    .iter()
                    .filter(|v| !e.values.contains(v))
                    .collect();
                let added: Vec<&String> = e
                    .values
                    .iter()
                    .filter(|v| !old.values.contains(v))
                    .collect();
                if !added.is_empty() {
                    out.changes
                        .push(format!("add {} to enum `{}`", list_quoted(&added), e.name));
                }
                if !removed.is_empty() {
                    let what = format!("remove {} from enum `{}`", list_quoted(&removed), e.name);
                    out.changes.push(what.clone());
                    out.destructive.push(what);
                } else if added.is_empty() {
                    out.changes
                        .push(format!("reorder the values of enum `{}`", e.name));
                }
                if d == Dialect::Postgres {
                    cx.recreated.insert(e.name.clone());
                    let tmp = temp_enum_name(&e.name);
                    enum_stmts.push(create_enum(d, e, &tmp));
                    enum_end.push(format!("DROP TYPE {};", quote(d, &e.name)));
                    enum_end.push(format!(
                        "ALTER TYPE {} RENAME TO {};",
                        quote(d, &tmp),
                        quote(d, &e.name)
                    ));
                }
            }
            Some(_) => {}
        }
    }
    for e in &from.enums {
        if to.enum_type(&e.name).is_none() {
            out.changes.push(format!("drop enum type `{}`", e.name));
            if d == Dialect::Postgres {
                enum_end.push(format!("DROP TYPE {};", quote(d, &e.name)));
            }
        }
    }
    out.statements.extend(enum_stmts);

    // Matched tables: plan their columns first (SQLite needs to know which tables it rebuilds).
    struct Plan<'a> {
        ft: &'a Table,
        tt: &'a Table,
        /// old name → new name
        names: BTreeMap<String, String>,
        dropped: Vec<&'a Column>,
        added: Vec<&'a Column>,
        altered: Vec<(&'a Column, &'a Column)>,
        renamed: Vec<(String, String)>,
        rebuild: bool,
    }
    let mut plans = Vec::new();
    for tt in &to.tables {
        let Some(ft) = from.table(&tt.key) else {
            continue;
        };
        let mut p = Plan {
            ft,
            tt,
            names: BTreeMap::new(),
            dropped: vec![],
            added: vec![],
            altered: vec![],
            renamed: vec![],
            rebuild: false,
        };
        for fc in &ft.columns {
            let new_name = renames
                .iter()
                .find(|(k, old, _)| k == &tt.key && old == &fc.name)
                .map(|(_, _, new)| new.clone())
                .unwrap_or_else(|| fc.name.clone());
            match tt.column(&new_name) {
                Some(tc) => {
                    if new_name != fc.name {
                        p.renamed.push((fc.name.clone(), new_name.clone()));
                        out.changes.push(format!(
                            "rename column `{}`.`{}` to `{}`",
                            tt.name, fc.name, new_name
                        ));
                    }
                    p.names.insert(fc.name.clone(), new_name.clone());
                    if cx.old_def(ft, fc) != cx.to_def(tt, tc) {
                        p.altered.push((fc, tc));
                    }
                }
                None => {
                    let what = format!("drop column `{}`.`{}`", ft.name, fc.name);
                    out.changes.push(what.clone());
                    out.destructive.push(what);
                    p.dropped.push(fc);
                }
            }
        }
        for tc in &tt.columns {
            if !p.names.values().any(|n| n == &tc.name) {
                out.changes
                    .push(format!("add column `{}`.`{}`", tt.name, tc.name));
                if !tc.nullable && tc.default.is_none() {
                    out.destructive.push(format!(
                        "add column `{}`.`{}` NOT NULL without a default (fails when the table has rows)",
                        tt.name, tc.name
                    ));
                }
                p.added.push(tc);
            }
        }
        for (fc, tc) in &p.altered {
            let (ft_sql, tt_sql) = (col_type(d, from, ft, fc), col_type(d, to, tt, tc));
            if fc.ty != tc.ty || ft_sql != tt_sql {
                out.changes.push(format!(
                    "change the type of `{}`.`{}` from {} to {}",
                    tt.name, tc.name, ft_sql, tt_sql
                ));
                let same_enum = matches!((&fc.ty, &tc.ty), (ColType::Enum { name: a }, ColType::Enum { name: b }) if a == b);
                let mysql_narrowing =
                    d == Dialect::Mysql && ft_sql == "TEXT" && tt_sql == "VARCHAR(255)";
                if (!same_enum && !widening(&fc.ty, &tc.ty) && fc.ty != tc.ty) || mysql_narrowing {
                    out.destructive.push(format!(
                        "narrow or convert `{}`.`{}` from {} to {}",
                        tt.name, tc.name, ft_sql, tt_sql
                    ));
                }
            }
            if fc.default != tc.default {
                out.changes
                    .push(format!("change the default of `{}`.`{}`", tt.name, tc.name));
            }
            if fc.nullable != tc.nullable {
                out.changes.push(format!(
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
        if d == Dialect::Sqlite {
            p.rebuild = !p.altered.is_empty()
                || !p.dropped.is_empty()
                || p.added.iter().any(|c| {
                    (!c.nullable && c.default.is_none())
                        || c.default
                            .as_ref()
                            .is_some_and(|df| !sqlite_addable_default(&default_sql(d, &c.ty, df)))
                });
        }
        plans.push(p);
    }

    // Dropped indexes (indexes of rebuilt tables go with the old table).
    let index_same = |p: &Plan, fi: &Index| {
        p.tt.indexes.iter().any(|ti| {
            ti.name == fi.name
                && ti.unique == fi.unique
                && ti.columns.len() == fi.columns.len()
                && fi
                    .columns
                    .iter()
                    .zip(&ti.columns)
                    .all(|(a, b)| p.names.get(a) == Some(b))
        })
    };
    for p in &plans {
        for fi in &p.ft.indexes {
            if !index_same(p, fi) {
                out.changes
                    .push(format!("drop index `{}` on `{}`", fi.name, p.ft.name));
                if !p.rebuild {
                    out.statements.push(drop_index(d, &p.ft.name, fi));
                }
            }
        }
    }

    // Dropped tables, children first.
    for ft in from.tables.iter().rev() {
        if to.table(&ft.key).is_none() {
            let what = format!("drop table `{}`", ft.name);
            out.changes.push(what.clone());
            out.destructive.push(what);
            out.statements
                .push(format!("DROP TABLE {};", quote(d, &ft.name)));
        }
    }

    // Columns of matched tables.
    for p in &plans {
        let tq = cx.q(&p.tt.name);
        if p.rebuild {
            out.no_transaction = true;
            let tmp = super::schema::ident(&["_authgen_new", &p.tt.name]);
            out.statements
                .push(create_table_named(d, to, p.tt, &tmp, &|n| n.to_owned()));
            let mut targets = Vec::new();
            let mut sources = Vec::new();
            for fc in &p.ft.columns {
                let Some(new_name) = p.names.get(&fc.name) else {
                    continue;
                };
                let tc = p.tt.column(new_name).expect("paired column");
                targets.push(cx.q(new_name));
                let src = cx.q(&fc.name);
                sources.push(match (&tc.default, fc.nullable && !tc.nullable) {
                    (Some(df), true) => {
                        format!("COALESCE({src}, {})", default_sql(d, &tc.ty, df))
                    }
                    _ => src,
                });
            }
            if !targets.is_empty() {
                out.statements.push(format!(
                    "INSERT INTO {} ({}) SELECT {} FROM {tq};",
                    cx.q(&tmp),
                    targets.join(", "),
                    sources.join(", ")
                ));
            }
            out.statements.push(format!("DROP TABLE {tq};"));
            out.statements
                .push(format!("ALTER TABLE {} RENAME TO {tq};", cx.q(&tmp)));
            continue;
        }
        for (old, new) in &p.renamed {
            out.statements.push(format!(
                "ALTER TABLE {tq} RENAME COLUMN {} TO {};",
                cx.q(old),
                cx.q(new)
            ));
        }
        for fc in &p.dropped {
            out.statements
                .push(format!("ALTER TABLE {tq} DROP COLUMN {};", cx.q(&fc.name)));
        }
        for (fc, tc) in &p.altered {
            alter_column(&cx, p.ft, p.tt, fc, tc, &mut out.statements);
        }
        for tc in &p.added {
            out.statements.push(format!(
                "ALTER TABLE {tq} ADD COLUMN {} {};",
                cx.q(&tc.name),
                cx.to_def(p.tt, tc)
            ));
        }
    }

    out.statements.extend(enum_end);

    // New tables.
    for tt in &to.tables {
        if from.table(&tt.key).is_none() {
            out.changes.push(format!("create table `{}`", tt.name));
            out.statements.push(create_table(d, to, tt));
            for i in &tt.indexes {
                out.statements.push(create_index(d, &tt.name, i));
            }
        }
    }

    // New indexes.
    for p in &plans {
        for ti in &p.tt.indexes {
            let existed =
                p.ft.indexes
                    .iter()
                    .any(|fi| fi.name == ti.name && index_same(p, fi));
            if !existed {
                out.changes
                    .push(format!("create index `{}` on `{}`", ti.name, p.tt.name));
            }
            if !existed || p.rebuild {
                out.statements.push(create_index(d, &p.tt.name, ti));
            }
        }
    }
    Ok(out)
}

fn list_quoted(values: &[&String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn alter_column(
    cx: &Ctx<'_>,
    ft: &Table,
    tt: &Table,
    fc: &Column,
    tc: &Column,
    out: &mut Vec<String>,
) {
    let d = cx.d;
    let tq = cx.q(&tt.name);
    let cq = cx.q(&tc.name);
    let fill = fc.nullable && !tc.nullable;
    let fill_stmt = |df: &super::schema::Default| {
        format!(
            "UPDATE {tq} SET {cq} = {} WHERE {cq} IS NULL;",
            default_sql(d, &tc.ty, df)
        )
    };
    match d {
        Dialect::Postgres => {
            let from_type = col_type(d, cx.from, ft, fc);
            let to_type = cx.to_type(tt, tc);
            let type_changed = from_type != to_type;
            if type_changed {
                if fc.default.is_some() {
                    out.push(format!("ALTER TABLE {tq} ALTER COLUMN {cq} DROP DEFAULT;"));
                }
                let via_text =
                    matches!(fc.ty, ColType::Enum { .. }) || matches!(tc.ty, ColType::Enum { .. });
                out.push(format!(
                    "ALTER TABLE {tq} ALTER COLUMN {cq} TYPE {to_type} USING {cq}{}::{to_type};",
                    if via_text { "::text" } else { "" }
                ));
            }
            if type_changed || fc.default != tc.default {
                match &tc.default {
                    Some(df) => out.push(format!(
                        "ALTER TABLE {tq} ALTER COLUMN {cq} SET DEFAULT {};",
                        default_sql(d, &tc.ty, df)
                    )),
                    None if !type_changed => {
                        out.push(format!("ALTER TABLE {tq} ALTER COLUMN {cq} DROP DEFAULT;"))
                    }
                    None => {}
                }
            }
            if fill {
                if let Some(df) = &tc.default {
                    out.push(fill_stmt(df));
                }
                out.push(format!("ALTER TABLE {tq} ALTER COLUMN {cq} SET NOT NULL;"));
            } else if !fc.nullable && tc.nullable {
                out.push(format!("ALTER TABLE {tq} ALTER COLUMN {cq} DROP NOT NULL;"));
            }
        }
        Dialect::Mysql => {
            if let (true, Some(df)) = (fill, &tc.default) {
                let mut nullable = tc.clone();
                nullable.nullable = true;
                out.push(format!(
                    "ALTER TABLE {tq} MODIFY COLUMN {cq} {};",
                    cx.to_def(tt, &nullable)
                ));
                out.push(fill_stmt(df));
            }
            out.push(format!(
                "ALTER TABLE {tq} MODIFY COLUMN {cq} {};",
                cx.to_def(tt, tc)
            ));
        }
        // SQLite alters columns by rebuilding the table (see `diff`).
        Dialect::Sqlite => {}
    }
}
