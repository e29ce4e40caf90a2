//! The differ: the typed [`Change`]s that take a database from one schema to another, with
//! their descriptions, the destructive ones named, and their statements per dialect (rendered by
//! [`super::render`]).
//!
//! The changes are found per item kind (enum types, the columns of each table, indexes, tables)
//! and listed in the order they are described: enum types, the columns of each table, dropped
//! indexes, dropped tables, new tables, new indexes.

use std::collections::BTreeMap;

use super::change::Change;
use super::dialect::{default_sql, sqlite_addable_default};
use super::render::{render, Ctx};
use super::schema::{Column, Index, Schema, Table};
use crate::config::Dialect;
use crate::diag::Diagnostic;

/// A column rename: `(table key, old name, new name)`.
pub type Rename = (String, String, String);

/// What a diff found and the statements that carry it out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    /// The changes, in the order they are described.
    pub changes: Vec<Change>,
    /// The statements, in order.
    pub statements: Vec<String>,
    /// Every change, described in one line each.
    pub descriptions: Vec<String>,
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
/// but one of whose earlier names is (and is not a column of `to` itself). An earlier name is
/// the earlier column name or the earlier Rust field name: `shelf_tags` finds the column
/// `shelfTags` (names equal up to case, `_` and `-`, as serde's `rename_all` makes them). A new
/// column none of whose earlier names is found is an error that lists the earlier columns.
///
/// ```
/// use authgen_codegen::sql::diff::renames;
/// use authgen_codegen::sql::schema::{ColType, Column, Schema, Table};
/// let col = |name: &str, from: &[&str]| Column {
///     name: name.into(), ty: ColType::Text, nullable: true, default: None,
///     renamed_from: from.iter().map(|s| s.to_string()).collect(), field: None, loc: None,
/// };
/// let schema = |c: Column| Schema { preset: "prisma".into(), enums: vec![], tables: vec![Table {
///     key: "user".into(), name: "User".into(), columns: vec![c], primary_key: vec![],
///     foreign_keys: vec![], indexes: vec![],
/// }] };
/// let old = schema(col("shelfTags", &[]));
/// let new = schema(col("labels", &["shelf_tags"]));
/// assert_eq!(renames(&old, &new).unwrap(), [("user".to_string(), "shelfTags".to_string(), "labels".to_string())]);
/// let err = renames(&old, &schema(col("labels", &["shelves"]))).unwrap_err();
/// assert!(err[0].notes[0].contains("`shelfTags`"));
/// ```
pub fn renames(from: &Schema, to: &Schema) -> Result<Vec<Rename>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for tt in &to.tables {
        let Some(ft) = from.table(&tt.key) else {
            continue;
        };
        for c in &tt.columns {
            if ft.column(&c.name).is_some() || c.renamed_from.is_empty() {
                continue;
            }
            let found = c
                .renamed_from
                .iter()
                .find_map(|old| earlier_column(ft, tt, old));
            match found {
                Some(old) => {
                    if !out
                        .iter()
                        .any(|(k, o, _): &Rename| k == &tt.key && o == old)
                    {
                        out.push((tt.key.clone(), old.to_owned(), c.name.clone()));
                    }
                }
                None => errors.push(unmatched_rename(ft, tt, c)),
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The column of `ft` that the earlier name `old` names and that `tt` no longer has: the column
/// named `old`, else the one column whose name equals `old` up to case, `_` and `-`.
fn earlier_column<'a>(ft: &'a Table, tt: &Table, old: &str) -> Option<&'a str> {
    let old = old.strip_prefix("r#").unwrap_or(old);
    if let Some(c) = ft.column(old) {
        return tt.column(old).is_none().then_some(c.name.as_str());
    }
    let key = fold(old);
    let mut hits = ft
        .columns
        .iter()
        .filter(|c| fold(&c.name) == key && tt.column(&c.name).is_none());
    match (hits.next(), hits.next()) {
        (Some(c), None) => Some(&c.name),
        _ => None,
    }
}

/// A name without case, `_` and `-`: what serde's `rename_all` rules keep of a field name.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The error for a new column of `tt` none of whose `renamed_from` names is found in `ft`.
fn unmatched_rename(ft: &Table, tt: &Table, c: &Column) -> Diagnostic {
    let who = match &c.field {
        Some(f) => format!("field `{f}`"),
        None => format!("column `{}`.`{}`", tt.name, c.name),
    };
    let names = c
        .renamed_from
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let known = ft
        .columns
        .iter()
        .map(|k| format!("`{}`", k.name))
        .collect::<Vec<_>>()
        .join(", ");
    let still: Vec<&String> = c
        .renamed_from
        .iter()
        .filter(|n| tt.column(n).is_some())
        .collect();
    let mut d = Diagnostic::new(
        c.loc.clone(),
        format!(
            "{who}: no earlier column of `{}` matches renamed_from {names}",
            ft.name
        ),
    )
    .note(format!(
        "the earlier `{}` table had the columns {known}",
        ft.name
    ));
    for n in still {
        d = d.note(format!(
            "`{n}` is still a column of `{}`: it cannot be renamed",
            tt.name
        ));
    }
    d.note("renamed_from takes the earlier Rust field name or the earlier column name")
}

/// The renames that undo `renames`.
///
/// ```
/// use authgen_codegen::sql::diff::invert;
/// let forward = [("user".to_string(), "a".to_string(), "b".to_string())];
/// assert_eq!(invert(&forward), [("user".to_string(), "b".to_string(), "a".to_string())]);
/// ```
pub fn invert(renames: &[Rename]) -> Vec<Rename> {
    renames
        .iter()
        .map(|(k, a, b)| (k.clone(), b.clone(), a.clone()))
        .collect()
}

/// Whether `new` only adds values to `old`, keeping the order of the old ones.
///
/// ```
/// use authgen_codegen::sql::diff::is_pure_addition;
/// let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// assert!(is_pure_addition(&v(&["a", "c"]), &v(&["a", "b", "c"])));
/// assert!(!is_pure_addition(&v(&["a", "c"]), &v(&["c", "a", "b"])));
/// ```
pub fn is_pure_addition(old: &[String], new: &[String]) -> bool {
    if new.len() <= old.len() {
        return false;
    }
    let kept: Vec<&String> = new.iter().filter(|v| old.contains(v)).collect();
    kept.len() == old.len() && kept.iter().zip(old).all(|(a, b)| *a == b)
}

impl Diff {
    /// The diff of `changes` from `from` to `to` in dialect `d`: the changes described and
    /// rendered.
    ///
    /// ```
    /// use authgen_codegen::config::Dialect;
    /// use authgen_codegen::sql::change::Change;
    /// use authgen_codegen::sql::diff::Diff;
    /// use authgen_codegen::sql::schema::{EnumType, Schema};
    /// let s = Schema { preset: "prisma".into(), enums: vec![], tables: vec![] };
    /// let role = EnumType { name: "role".into(), values: vec!["user".into()] };
    /// let diff = Diff::of(Dialect::Postgres, &s, &s, vec![Change::DropEnum(role)]);
    /// assert_eq!(diff.descriptions, ["drop enum type `role`"]);
    /// assert_eq!(diff.statements, ["DROP TYPE \"role\";"]);
    /// ```
    pub fn of(d: Dialect, from: &Schema, to: &Schema, changes: Vec<Change>) -> Diff {
        let mut descriptions = Vec::new();
        let mut destructive = Vec::new();
        for c in &changes {
            let (lines, lossy) = c.describe(d, from, to);
            descriptions.extend(lines);
            destructive.extend(lossy);
        }
        let rendered = render(d, from, to, &changes);
        Diff {
            changes,
            statements: rendered.statements,
            descriptions,
            destructive,
            no_transaction: rendered.no_transaction,
        }
    }
}

/// The diff from `from` to `to` in dialect `d`, with the column renames `renames` (see
/// [`renames`]). Enum changes on PostgreSQL use the new-type recipe here; callers that want
/// `ADD VALUE` for pure additions apply those first (see `plan`). Fails, naming each, on changes
/// incremental migrations cannot make (preset, table names, keys).
///
/// ```
/// use authgen_codegen::config::Dialect;
/// use authgen_codegen::sql::diff::diff;
/// use authgen_codegen::sql::schema::Schema;
/// let a = Schema { preset: "prisma".into(), enums: vec![], tables: vec![] };
/// assert!(diff(Dialect::Sqlite, &a, &a, &[]).unwrap().is_empty());
/// let b = Schema { preset: "drizzle".into(), ..a.clone() };
/// assert!(diff(Dialect::Sqlite, &a, &b, &[]).is_err());
/// ```
pub fn diff(
    d: Dialect,
    from: &Schema,
    to: &Schema,
    renames: &[Rename],
) -> Result<Diff, Vec<Diagnostic>> {
    check_supported(from, to)?;
    let mut changes = enum_changes(from, to);
    let cx = Ctx::new(d, from, to, &changes);
    let plans: Vec<TablePlan> = to
        .tables
        .iter()
        .filter_map(|tt| Some(plan_table(&cx, from.table(&tt.key)?, tt, renames)))
        .collect();
    for p in &plans {
        changes.extend(p.changes.iter().cloned());
    }
    for p in &plans {
        changes.extend(p.dropped_indexes());
    }
    for ft in from.tables.iter().rev() {
        if to.table(&ft.key).is_none() {
            changes.push(Change::DropTable(ft.clone()));
        }
    }
    for tt in &to.tables {
        if from.table(&tt.key).is_none() {
            changes.push(Change::CreateTable(tt.clone()));
        }
    }
    for p in &plans {
        changes.extend(p.new_indexes());
    }
    Ok(Diff::of(d, from, to, changes))
}

/// The changes incremental migrations refuse: another naming preset, a renamed table, other keys.
fn check_supported(from: &Schema, to: &Schema) -> Result<(), Vec<Diagnostic>> {
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
        let Some(ft) = from.table(&tt.key) else {
            continue;
        };
        if ft.name != tt.name {
            errors.push(Diagnostic::new(
                None,
                format!(
                    "the {} table was renamed from `{}` to `{}`: renaming tables is not supported by incremental migrations",
                    tt.key, ft.name, tt.name
                ),
            ));
        }
        let key_ok = ft.primary_key == tt.primary_key || id_key_swap(ft, tt) || id_key_swap(tt, ft);
        if !key_ok || ft.foreign_keys != tt.foreign_keys {
            errors.push(Diagnostic::new(
                None,
                format!(
                    "the primary or foreign keys of `{}` changed: not supported by incremental migrations",
                    tt.name
                ),
            ).help("incremental migrations can only replace an `id` primary key by a natural key of columns the table has (dropping `id`), or back; start a new migrations directory for other key changes"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Whether `a` is keyed by an `id` column that `b` no longer has, and `b` by columns `a` has
/// (the `kysely` and `drizzle` presets' accounts and sessions since they dropped `id`).
fn id_key_swap(a: &Table, b: &Table) -> bool {
    a.primary_key == [authgen_naming::columns::ID]
        && b.column(authgen_naming::columns::ID).is_none()
        && b.primary_key.iter().all(|c| a.column(c).is_some())
}

/// New, changed and dropped enum types.
fn enum_changes(from: &Schema, to: &Schema) -> Vec<Change> {
    let mut out = Vec::new();
    for e in &to.enums {
        match from.enum_type(&e.name) {
            None => out.push(Change::CreateEnum(e.clone())),
            Some(old) if old.values != e.values => out.push(Change::ReplaceEnum {
                old: old.clone(),
                new: e.clone(),
            }),
            Some(_) => {}
        }
    }
    for e in &from.enums {
        if to.enum_type(&e.name).is_none() {
            out.push(Change::DropEnum(e.clone()));
        }
    }
    out
}

/// The column changes of one table present before and after.
struct TablePlan<'a> {
    ft: &'a Table,
    tt: &'a Table,
    /// old column name → new name, for the columns kept.
    names: BTreeMap<String, String>,
    /// The column changes in the order they are described (and the SQLite rebuild).
    changes: Vec<Change>,
    rebuild: bool,
}

fn plan_table<'a>(cx: &Ctx<'_>, ft: &'a Table, tt: &'a Table, renames: &[Rename]) -> TablePlan<'a> {
    let key = || tt.key.clone();
    let mut p = TablePlan {
        ft,
        tt,
        names: BTreeMap::new(),
        changes: Vec::new(),
        rebuild: false,
    };
    let mut altered = Vec::new();
    for fc in &ft.columns {
        let new_name = renames
            .iter()
            .find(|(k, old, _)| k == &tt.key && old == &fc.name)
            .map_or_else(|| fc.name.clone(), |(_, _, new)| new.clone());
        let Some(tc) = tt.column(&new_name) else {
            p.changes.push(Change::DropColumn {
                table: key(),
                column: fc.clone(),
            });
            continue;
        };
        if new_name != fc.name {
            p.changes.push(Change::RenameColumn {
                table: key(),
                from: fc.name.clone(),
                to: new_name.clone(),
            });
        }
        p.names.insert(fc.name.clone(), new_name);
        if cx.old_def(ft, fc) != cx.to_def(tt, tc) {
            altered.push(Change::AlterColumn {
                table: key(),
                from: Box::new(fc.clone()),
                to: Box::new(tc.clone()),
            });
        }
    }
    let added: Vec<&Column> = tt
        .columns
        .iter()
        .filter(|tc| !p.names.values().any(|n| n == &tc.name))
        .collect();
    p.changes.extend(added.iter().map(|c| Change::AddColumn {
        table: key(),
        column: (*c).clone(),
    }));
    let key_changed = ft.primary_key != tt.primary_key;
    if key_changed {
        p.changes.push(Change::ReplacePrimaryKey {
            table: key(),
            from: ft.primary_key.clone(),
            to: tt.primary_key.clone(),
        });
    }
    p.rebuild = cx.d == Dialect::Sqlite
        && (!altered.is_empty()
            || key_changed
            || p.changes
                .iter()
                .any(|c| matches!(c, Change::DropColumn { .. }))
            || added.iter().any(|c| !sqlite_addable(c)));
    p.changes.extend(altered);
    if p.rebuild {
        let columns = ft
            .columns
            .iter()
            .filter_map(|fc| Some((fc.name.clone(), p.names.get(&fc.name)?.clone())))
            .collect();
        p.changes.push(Change::RebuildTable {
            table: key(),
            columns,
        });
    }
    p
}

/// Whether SQLite's `ALTER TABLE ADD COLUMN` can add `c`.
fn sqlite_addable(c: &Column) -> bool {
    let needs_value = !c.nullable && c.default.is_none();
    let bad_default = c
        .default
        .as_ref()
        .is_some_and(|df| !sqlite_addable_default(&default_sql(Dialect::Sqlite, &c.ty, df)));
    !needs_value && !bad_default
}

impl TablePlan<'_> {
    /// Whether index `fi` of the old table is still there (same name, uniqueness and columns,
    /// after renames).
    fn index_kept(&self, fi: &Index) -> bool {
        self.tt.indexes.iter().any(|ti| {
            ti.name == fi.name
                && ti.unique == fi.unique
                && ti.columns.len() == fi.columns.len()
                && fi
                    .columns
                    .iter()
                    .zip(&ti.columns)
                    .all(|(a, b)| self.names.get(a) == Some(b))
        })
    }

    fn dropped_indexes(&self) -> impl Iterator<Item = Change> + '_ {
        self.ft
            .indexes
            .iter()
            .filter(|fi| !self.index_kept(fi))
            .map(|fi| Change::DropIndex {
                table: self.tt.key.clone(),
                index: fi.clone(),
            })
    }

    fn new_indexes(&self) -> impl Iterator<Item = Change> + '_ {
        self.tt
            .indexes
            .iter()
            .filter(|ti| {
                !self
                    .ft
                    .indexes
                    .iter()
                    .any(|fi| fi.name == ti.name && self.index_kept(fi))
            })
            .map(|ti| Change::CreateIndex {
                table: self.tt.key.clone(),
                index: ti.clone(),
            })
    }
}

/// The pure additions of values to enum types from `old` to `new` as [`Change::AddEnumValues`]
/// (PostgreSQL's `ADD VALUE`, applied in a migration of their own), and `old` with them applied.
///
/// ```
/// use authgen_codegen::sql::change::Change;
/// use authgen_codegen::sql::diff::enum_additions;
/// use authgen_codegen::sql::schema::{EnumType, Schema};
/// let e = |v: &[&str]| EnumType { name: "role".into(), values: v.iter().map(|s| s.to_string()).collect() };
/// let old = Schema { preset: "prisma".into(), enums: vec![e(&["user"])], tables: vec![] };
/// let new = Schema { enums: vec![e(&["user", "admin"])], ..old.clone() };
/// let (changes, mid) = enum_additions(&old, &new);
/// assert_eq!(changes, [Change::AddEnumValues { old: e(&["user"]), new: e(&["user", "admin"]) }]);
/// assert_eq!(mid, new);
/// ```
pub fn enum_additions(old: &Schema, new: &Schema) -> (Vec<Change>, Schema) {
    let mut mid = old.clone();
    let mut changes = Vec::new();
    for e in &mut mid.enums {
        let Some(n) = new.enum_type(&e.name) else {
            continue;
        };
        if is_pure_addition(&e.values, &n.values) {
            changes.push(Change::AddEnumValues {
                old: e.clone(),
                new: n.clone(),
            });
            e.values = n.values.clone();
        }
    }
    (changes, mid)
}
