//! The Prisma models and enums of the logical schema: one model per table, fields named as the
//! adapter reads them, database names through `@@map` / `@map`.

use std::collections::BTreeSet;

use authgen_naming::columns as c;

use super::types::{self, is_identifier, Enums};
use super::Provider;
use crate::diag::Diagnostic;
use crate::frontend::check::Checked;
use crate::model::{Field, Model};
use crate::sql::schema::{ColType, Column, Schema, Table};

/// A whole file: enums, then models.
#[derive(Debug, Default)]
pub(super) struct File {
    pub enums: Vec<Enum>,
    pub models: Vec<ModelBlock>,
}

/// `enum Name { ... }`.
#[derive(Debug)]
pub(super) struct Enum {
    pub docs: Vec<String>,
    pub name: String,
    /// `(value, docs)`.
    pub values: Vec<(String, Vec<String>)>,
    /// `@@map("...")`: the PostgreSQL type's name.
    pub map: Option<String>,
}

/// `model Name { ... }`.
#[derive(Debug)]
pub(super) struct ModelBlock {
    pub docs: Vec<String>,
    pub name: String,
    pub fields: Vec<FieldLine>,
    /// `@@id(...)`, `@@unique(...)`, `@@index(...)`, `@@map(...)`.
    pub attrs: Vec<String>,
}

/// One field: `name Type @attr...`.
#[derive(Debug)]
pub(super) struct FieldLine {
    pub docs: Vec<String>,
    pub name: String,
    pub ty: String,
    pub attrs: Vec<String>,
}

/// The Prisma model name of a table key.
fn model_name(key: &str) -> &'static str {
    match key {
        "user" => "User",
        "account" => "Account",
        "session" => "Session",
        "verification_token" => "VerificationToken",
        _ => "Authenticator",
    }
}

/// The models of `schema` (built from `model`) for `provider`, with `relations` on `User`.
pub(super) fn build(
    model: &Checked,
    schema: &Schema,
    provider: Provider,
    relations: &[String],
) -> Result<File, Vec<Diagnostic>> {
    let model: &Model = model;
    refuse_integer_ids(schema).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let enums = enums(model, schema, provider, &mut errors);
    let names: Enums = enums
        .iter()
        .filter_map(|e| Some((sql_enum_name(model, &e.name)?, e.name.clone())))
        .collect();
    let mut file = File {
        enums,
        models: Vec::new(),
    };
    for table in &schema.tables {
        let ctx = Ctx {
            model,
            provider,
            enums: &names,
            table,
        };
        let mut block = ctx.block(&mut errors);
        if table.key == "user" {
            user_relations(&mut block, schema, relations, &mut errors);
        }
        file.models.push(block);
    }
    if errors.is_empty() {
        Ok(file)
    } else {
        Err(errors)
    }
}

/// The `pg-adapter` preset's SERIAL ids cannot serve next-auth through Prisma.
fn refuse_integer_ids(schema: &Schema) -> Result<(), Diagnostic> {
    let serial = schema
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .any(|c| c.ty == ColType::Serial);
    if !serial {
        return Ok(());
    }
    Err(Diagnostic::new(
        None,
        format!(
            "[prisma]: the `{}` naming preset ([sql] naming) has integer ids, which the Prisma output cannot serve to next-auth",
            schema.preset
        ),
    )
    .note("the Prisma client would return numbers where next-auth's `id` is a string, and @auth/core looks users up by a string id, which Prisma refuses (\"Expected Int, provided String\")")
    .help("use `naming = \"prisma\"` (Prisma's own table names, UUID ids), `naming = \"kysely\"` (the same names, accounts and sessions keyed without an `id`) or `naming = \"drizzle\"` under [sql]; [sql.tables] can keep other table names"))
}

/// The SQL enum type name of the Rust enum `rust_name`.
fn sql_enum_name(model: &Model, rust_name: &str) -> Option<String> {
    model.get(rust_name)?;
    Some(crate::sql::schema::enum_type_name(rust_name))
}

/// The Prisma enums: each enum type of `schema` whose values are all identifiers, named like its
/// Rust enum.
fn enums(
    model: &Model,
    schema: &Schema,
    provider: Provider,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Enum> {
    let mut out = Vec::new();
    for e in &schema.enums {
        let Some(item) = model.items.iter().find(|i| {
            !i.variants().is_empty() && crate::sql::schema::enum_type_name(&i.name) == e.name
        }) else {
            continue;
        };
        if !e.values.iter().all(|v| is_identifier(v)) {
            continue;
        }
        if schema
            .tables
            .iter()
            .any(|t| model_name(&t.key) == item.name)
        {
            errors.push(Diagnostic::new(
                item.loc.clone(),
                format!(
                    "the enum `{}` has the name of a Prisma model: rename the Rust enum",
                    item.name
                ),
            ));
        }
        out.push(Enum {
            docs: item.docs.clone(),
            name: item.name.clone(),
            values: item
                .variants()
                .iter()
                .map(|v| (v.wire.clone(), v.docs.clone()))
                .collect(),
            map: (provider == Provider::Postgresql && e.name != item.name).then(|| e.name.clone()),
        });
    }
    out
}

/// What building one table's model needs.
struct Ctx<'a> {
    model: &'a Model,
    provider: Provider,
    enums: &'a Enums,
    table: &'a Table,
}

impl Ctx<'_> {
    fn block(&self, errors: &mut Vec<Diagnostic>) -> ModelBlock {
        let name = model_name(&self.table.key);
        let mut fields = Vec::new();
        for column in &self.table.columns {
            match self.field(column) {
                Ok(f) => fields.push(f),
                Err(d) => errors.push(d),
            }
        }
        if self
            .table
            .foreign_keys
            .iter()
            .any(|f| f.column == c::USER_ID)
        {
            fields.push(self.user_relation());
        }
        let mut block = ModelBlock {
            docs: self.docs(),
            name: name.into(),
            fields,
            attrs: self.block_attrs(),
        };
        if self.table.name != name {
            block
                .attrs
                .push(format!("@@map({})", types::string_lit(&self.table.name)));
        }
        block
    }

    fn docs(&self) -> Vec<String> {
        match (self.table.key.as_str(), self.model.user()) {
            ("user", Some(user)) => user.docs.clone(),
            _ => Vec::new(),
        }
    }

    /// The model field a user column comes from.
    fn model_field(&self, column: &Column) -> Option<&Field> {
        let (_, rust) = column.field.as_deref()?.split_once('.')?;
        self.model.user()?.fields().iter().find(|f| f.name == rust)
    }

    /// The Prisma field name of a column: the wire name of a user field, else the column's name.
    fn field_name(&self, column: &Column) -> String {
        self.model_field(column)
            .map_or(column.name.clone(), |f| f.wire.clone())
    }

    fn field(&self, column: &Column) -> Result<FieldLine, Diagnostic> {
        let source = self.model_field(column);
        let name = self.field_name(column);
        let loc = source.and_then(|f| f.ty_loc.clone().or(f.loc.clone()));
        let err = |m: String| {
            let what = column.field.clone().unwrap_or_else(|| column.name.clone());
            Diagnostic::new(
                loc.clone(),
                format!("field `{what}`: {m} (Prisma, {})", self.provider.as_str()),
            )
        };
        if !is_identifier(&name) {
            return Err(err(format!("`{name}` is not a Prisma field name: give the field a serde name that is an identifier")));
        }
        let ty = types::of_column(
            self.provider,
            self.table,
            column,
            self.enums,
            self.model,
            source.map(|f| &f.ty),
        )
        .map_err(&err)?;
        let list = ty.base.ends_with("[]");
        if list && column.nullable {
            return Err(err(
                "a Prisma list cannot be null: make the field a `Vec` without `Option`".into(),
            ));
        }
        let mut attrs = Vec::new();
        if self.table.primary_key == [column.name.clone()] {
            attrs.push("@id".to_owned());
        }
        attrs.extend(types::default_attr(&ty, column.default.as_ref()));
        attrs.extend(self.unique_attr(&column.name));
        if name != column.name {
            attrs.push(format!("@map({})", types::string_lit(&column.name)));
        }
        attrs.extend(ty.native.map(str::to_owned));
        let optional = if column.nullable && !self.required_by_model(column) {
            "?"
        } else {
            ""
        };
        Ok(FieldLine {
            docs: source.map(|f| f.docs.clone()).unwrap_or_default(),
            name,
            ty: format!("{}{optional}", ty.base),
            attrs,
        })
    }

    /// Whether the user struct declares one of the preset's nullable user columns (`email`,
    /// `name`, ...) without `Option`: the Prisma field is then required, as the Rust model says
    /// (`@auth/prisma-adapter`'s types need a required `email`); the column stays nullable.
    fn required_by_model(&self, column: &Column) -> bool {
        if self.table.key != "user" || column.field.is_some() {
            return false;
        }
        self.model.user().is_some_and(|user| {
            user.fields().iter().any(|f| {
                f.targets.db
                    && !f.presence.is_nullable()
                    && authgen_naming::column_name(&f.wire, f.column.as_deref()) == column.name
            })
        })
    }

    /// `@unique` when a single-column unique index covers `column`.
    fn unique_attr(&self, column: &str) -> Option<String> {
        let index = self
            .table
            .indexes
            .iter()
            .find(|i| i.unique && i.columns == [column.to_owned()])?;
        Some(
            match self.map_arg(&index.name, &[column.to_owned()], "key") {
                Some(map) => format!("@unique({map})"),
                None => "@unique".into(),
            },
        )
    }

    /// `map: "name"` when `name` is not Prisma's default name for these columns.
    fn map_arg(&self, name: &str, columns: &[String], suffix: &str) -> Option<String> {
        let default = format!("{}_{}_{suffix}", self.table.name, columns.join("_"));
        (name != default).then(|| format!("map: {}", types::string_lit(name)))
    }

    /// `user User @relation(...)`.
    fn user_relation(&self) -> FieldLine {
        let fk = self
            .table
            .foreign_keys
            .iter()
            .find(|f| f.column == c::USER_ID);
        let map = fk.and_then(|f| self.map_arg(&f.name, std::slice::from_ref(&f.column), "fkey"));
        let map = map.map(|m| format!(", {m}")).unwrap_or_default();
        FieldLine {
            docs: Vec::new(),
            name: "user".into(),
            ty: "User".into(),
            attrs: vec![format!(
                "@relation(fields: [{}], references: [{}], onDelete: Cascade{map})",
                c::USER_ID,
                c::ID
            )],
        }
    }

    /// The field names of `columns`.
    fn field_list(&self, columns: &[String]) -> String {
        columns
            .iter()
            .map(|name| {
                self.table
                    .column(name)
                    .map_or(name.clone(), |col| self.field_name(col))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `@@id`, `@@unique` and `@@index`.
    fn block_attrs(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.table.primary_key.len() > 1 {
            out.push(format!(
                "@@id([{}])",
                self.field_list(&self.table.primary_key)
            ));
        }
        for index in &self.table.indexes {
            if index.unique && index.columns.len() == 1 {
                continue;
            }
            let (kind, suffix) = if index.unique {
                ("@@unique", "key")
            } else {
                ("@@index", "idx")
            };
            let map = self
                .map_arg(&index.name, &index.columns, suffix)
                .map(|m| format!(", {m}"))
                .unwrap_or_default();
            out.push(format!(
                "{kind}([{}]{map})",
                self.field_list(&index.columns)
            ));
        }
        out
    }
}

/// The back-relation fields of `User`: `accounts`, `sessions`, `authenticators` and the app's.
fn user_relations(
    block: &mut ModelBlock,
    schema: &Schema,
    relations: &[String],
    errors: &mut Vec<Diagnostic>,
) {
    let mut own = vec!["accounts Account[]", "sessions Session[]"];
    if schema.table("authenticator").is_some() {
        own.push("authenticators Authenticator[]");
    }
    let mut taken: BTreeSet<String> = block.fields.iter().map(|f| f.name.clone()).collect();
    for line in own
        .into_iter()
        .map(str::to_owned)
        .chain(relations.iter().cloned())
    {
        match relation(&line) {
            Ok(field) if taken.insert(field.name.clone()) => block.fields.push(field),
            Ok(field) => errors.push(Diagnostic::new(
                None,
                format!(
                    "[prisma] user_relations: `User` already has a field `{}`",
                    field.name
                ),
            )),
            Err(m) => errors.push(
                Diagnostic::new(None, format!("[prisma] user_relations: `{line}`: {m}")).help(
                    "write a relation field as Prisma does: `posts Post[]` or `profile Profile?`",
                ),
            ),
        }
    }
}

/// One relation field: `name Model[]` or `name Model?`, then attributes as written.
fn relation(line: &str) -> Result<FieldLine, String> {
    let mut words = line.split_whitespace();
    let name = words.next().ok_or("empty")?;
    let ty = words.next().ok_or("no type")?;
    if !is_identifier(name) {
        return Err(format!("`{name}` is not a Prisma field name"));
    }
    let target = ty.strip_suffix("[]").or_else(|| ty.strip_suffix('?'));
    if !target.is_some_and(is_identifier) {
        return Err(format!(
            "`{ty}` is not a list (`Model[]`) or optional (`Model?`) model type"
        ));
    }
    Ok(FieldLine {
        docs: Vec::new(),
        name: name.into(),
        ty: ty.into(),
        attrs: vec![words.collect::<Vec<_>>().join(" ")]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect(),
    })
}
