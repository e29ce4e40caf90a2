//! `schemas.ts`: zod schemas of exactly the JSON serde writes for the model (`[typescript] zod =
//! true`).
//!
//! One schema per item: `RoleSchema`, `PermissionSchema`, one `<Name>Schema` per `AuthType`,
//! `SessionUserSchema`, `SessionSchema`, `UserSchema`, `JwtSchema`. Keys are serde's wire names;
//! a key may be missing (`.optional()`) or `null` (`.nullable()`) as the field's
//! [`Presence`](crate::model::Presence) says; timestamps are RFC 3339 strings or integer unix
//! seconds / milliseconds, as serde writes them; flattened structs are expanded. A member that
//! next-auth already declares and the declarations keep (see [`crate::nextauth`], the table
//! `next-auth.d.ts` reads too) is validated as next-auth declares it, so that `z.infer` of each
//! schema fits the augmented type. The file imports `zod/v4`, which zod 3.25+ and 4.x both
//! provide; with `zod_exact_optional = true` optional keys use `.exactOptional()` (zod 4.3+),
//! for `exactOptionalPropertyTypes`.
//!
//! Unknown keys are accepted and dropped (`z.object`), as serde does without
//! `deny_unknown_fields`. A field typed with `ts_type` / `ts_import` is not validated
//! (`z.custom<T>()`): its shape is not in the model.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::config::{Config, NextAuth};
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::model::{DateFormat, Def, Field, Item, ItemKind, Model, Type};
use crate::nextauth::{self, Decl, DeclTy, Iface};
use crate::output::OutputFile;

use super::types::{jsdoc, property_key, string_literal, Mapper, Member, Side, Ts};

/// The earliest and latest timestamps both chrono and `time` read, and zod's RFC 3339 strings
/// hold (years 0000 to 9999), in seconds since the epoch.
const MIN_SECONDS: i64 = -62_167_219_200;
const MAX_SECONDS: i64 = 253_402_300_799;

/// An RFC 3339 timestamp as chrono and `time` read it: seconds present, `Z` or `±hh:mm`.
const RFC3339: &str = "z.iso.datetime({ offset: true }).regex(/T\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)$/)";

/// Any JSON value (`serde_json::Value`): present, though possibly `null`.
const JSON: &str = "z.unknown().refine((v) => v !== undefined)";

/// The `schemas.ts` output: zod schemas of the wire format.
///
/// ```
/// use authgen_codegen::{config::Config, emit::Emitter, frontend::check::check, ts::Zod};
/// use authgen_codegen::model::{Def, Item, ItemKind, Model, Variant};
/// let role = Item {
///     name: "Role".into(),
///     kind: ItemKind::Role,
///     docs: vec![],
///     def: Def::Enum { variants: vec![Variant::new("User", "USER"), Variant::new("Admin", "ADMIN")] },
///     table: None,
///     ext_trait: None,
///     loc: None,
/// };
/// let model = check(Model { items: vec![role] }).unwrap();
/// let files = Zod.emit(&model, &Config::default()).unwrap();
/// assert_eq!(files[0].path, std::path::Path::new("types/schemas.ts"));
/// assert!(files[0].contents.contains("import * as z from \"zod/v4\";"));
/// assert!(files[0].contents.contains("export const RoleSchema = z.enum([\"USER\", \"ADMIN\"]);"));
/// ```
pub struct Zod;

impl Emitter for Zod {
    fn name(&self) -> &'static str {
        super::ZOD_FILE
    }

    fn emit(&self, model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let contents = render(model, config)?;
        Ok(vec![OutputFile {
            path: config.typescript.out_dir.join(super::ZOD_FILE),
            contents,
        }])
    }
}

/// The state of one rendering: the type mapper (for `ts_type` imports and the members next-auth
/// declares), the schemas already written, and the errors.
struct Gen<'a> {
    m: Mapper<'a>,
    v: NextAuth,
    /// `.optional()` or `.exactOptional()`.
    optional: &'static str,
    done: BTreeSet<String>,
    /// Set when a value refers to a schema not written yet (a recursive type).
    forward: Cell<bool>,
    errors: Vec<Diagnostic>,
}

/// Renders `schemas.ts`.
fn render(model: &Model, config: &Config) -> Result<String, Vec<Diagnostic>> {
    let mut g = Gen {
        m: Mapper::new(model),
        v: config.next_auth,
        optional: if config.typescript.zod_exact_optional {
            ".exactOptional()"
        } else {
            ".optional()"
        },
        done: BTreeSet::new(),
        forward: Cell::new(false),
        errors: Vec::new(),
    };
    check_names(model, &mut g.errors);
    let mut body = String::new();
    for item in order(model) {
        body.push('\n');
        body.push_str(&g.item(item));
        g.done.insert(schema_name(item));
    }
    if !g.errors.is_empty() {
        return Err(g.errors);
    }
    Ok(file(&g.m, &body))
}

/// The schema's name: fixed for next-auth's objects, `<Name>Schema` for `AuthType` items.
fn schema_name(item: &Item) -> String {
    match item.kind {
        ItemKind::Role => "RoleSchema".into(),
        ItemKind::Permission => "PermissionSchema".into(),
        ItemKind::User => "UserSchema".into(),
        ItemKind::Session => "SessionSchema".into(),
        ItemKind::SessionUser => "SessionUserSchema".into(),
        ItemKind::Jwt => "JwtSchema".into(),
        ItemKind::Type => format!("{}Schema", item.name),
    }
}

/// An `AuthType` whose schema name is one of the fixed names is an error.
fn check_names(model: &Model, errors: &mut Vec<Diagnostic>) {
    let fixed: Vec<String> = model
        .items
        .iter()
        .filter(|i| i.kind != ItemKind::Type)
        .map(schema_name)
        .collect();
    for item in model.items.iter().filter(|i| i.kind == ItemKind::Type) {
        let name = schema_name(item);
        if fixed.contains(&name) {
            errors.push(
                Diagnostic::new(
                    item.loc.clone(),
                    format!(
                        "`{}` would be the zod schema `{name}`, which `schemas.ts` already names the schema of next-auth's object",
                        item.name
                    ),
                )
                .note("rename the Rust type"),
            );
        }
    }
}

/// The items with a schema, each after the items its fields use (a cycle is broken with
/// `z.lazy` and a type annotation): role, permission, `AuthType`s, session user, session, user, JWT.
fn order(model: &Model) -> Vec<&Item> {
    let rank = |k: ItemKind| {
        [
            ItemKind::Role,
            ItemKind::Permission,
            ItemKind::Type,
            ItemKind::SessionUser,
            ItemKind::Session,
            ItemKind::User,
            ItemKind::Jwt,
        ]
        .iter()
        .position(|x| *x == k)
    };
    let mut roots: Vec<&Item> = model.items.iter().collect();
    roots.sort_by_key(|i| rank(i.kind));
    let mut out: Vec<&Item> = Vec::new();
    let mut seen = BTreeSet::new();
    for item in roots {
        visit(model, item, &mut seen, &mut out);
    }
    out
}

fn visit<'a>(
    model: &'a Model,
    item: &'a Item,
    seen: &mut BTreeSet<&'a str>,
    out: &mut Vec<&'a Item>,
) {
    if !seen.insert(&item.name) {
        return;
    }
    for f in item
        .fields()
        .iter()
        .filter(|f| f.targets.wire && f.ts_type.is_none())
    {
        if let Some(dep) = f.ty.named().and_then(|n| model.get(n)) {
            visit(model, dep, seen, out);
        }
    }
    out.push(item);
}

impl Gen<'_> {
    /// `export const <Name>Schema = ...;` with the item's docs.
    fn item(&mut self, item: &Item) -> String {
        let mut out = jsdoc(&item.docs, "");
        let name = schema_name(item);
        match &item.def {
            Def::Enum { variants } if variants.is_empty() => {
                let _ = writeln!(out, "export const {name} = z.never();");
            }
            Def::Enum { variants } => {
                let lits: Vec<String> = variants.iter().map(|v| string_literal(&v.wire)).collect();
                let _ = writeln!(out, "export const {name} = z.enum([{}]);", lits.join(", "));
            }
            Def::Struct { .. } => {
                let base = self.base(item);
                let mut body = String::new();
                let mut catchall = None;
                self.forward.set(false);
                self.members(item, &base, &mut body, &mut catchall);
                // A recursive type: TypeScript needs the schema's type spelled out, and the
                // declarations export it under the item's name.
                let annotation = if self.forward.get() {
                    let dts = format!("./{}", super::DTS_FILE.trim_end_matches(".d.ts"));
                    self.m.imports.insert((dts, item.name.clone()));
                    format!(": z.ZodType<{}>", item.name)
                } else {
                    String::new()
                };
                let _ = write!(
                    out,
                    "export const {name}{annotation} = z.object({{\n{body}}})"
                );
                if let Some(c) = catchall {
                    let _ = write!(out, ".catchall({c})");
                }
                out.push_str(";\n");
            }
        }
        out
    }

    /// The members next-auth declares for the augmented type `item`'s schema stands for. In v5
    /// `session.user` is the augmented `User`: there, keys the user declares are the user's.
    fn base(&self, item: &Item) -> Vec<Decl> {
        let iface = match item.kind {
            ItemKind::User => Iface::User,
            ItemKind::SessionUser => Iface::SessionUser,
            ItemKind::Session => Iface::Session,
            ItemKind::Jwt => Iface::Jwt,
            _ => return Vec::new(),
        };
        let mut decls = nextauth::members(iface, self.v).to_vec();
        if let (ItemKind::SessionUser, NextAuth::V5, Some(user)) =
            (item.kind, self.v, self.m.model.user())
        {
            decls.retain(|d| {
                !user
                    .fields()
                    .iter()
                    .any(|f| f.targets.wire && f.wire == d.key)
            });
        }
        decls
    }

    /// Writes the members of `item` into `out`, expanding flattened structs; a flattened map
    /// becomes the object's `catchall`.
    fn members(
        &mut self,
        item: &Item,
        base: &[Decl],
        out: &mut String,
        catchall: &mut Option<String>,
    ) {
        for f in item.fields().iter().filter(|f| f.targets.wire) {
            if f.flatten {
                match &f.ty {
                    Type::Named { name } => {
                        // The check guarantees a struct deriving AuthType, flattened once.
                        if let Some(inner) = self.m.model.get(name) {
                            self.members(inner, base, out, catchall);
                        }
                    }
                    Type::Map { of } => *catchall = Some(self.value(of)),
                    _ => *catchall = Some(JSON.to_string()),
                }
                continue;
            }
            out.push_str(&jsdoc(&f.docs, "  "));
            let _ = writeln!(
                out,
                "  {}: {},",
                property_key(&f.wire),
                self.field(item, f, base)
            );
        }
    }

    /// The schema of one field: its value, then `null` and a missing key as its presence allows,
    /// or as next-auth declares the member when the declarations keep next-auth's.
    fn field(&mut self, owner: &Item, f: &Field, base: &[Decl]) -> String {
        let mut s = if f.ts_type.is_some() || f.ts_import.is_some() {
            let ts = self.m.field_type(&owner.name, f, Side::Wire);
            format!("z.custom<{}>()", ts.render())
        } else {
            self.value(&f.ty)
        };
        let member = self.m.member(&owner.name, f, Side::Wire);
        let kept = base
            .iter()
            .find(|d| d.key == f.wire)
            .filter(|d| kept(&member, d));
        let (optional, nullable) = match kept {
            Some(d) => (d.optional, false),
            None => (f.presence.is_optional(), f.presence.is_nullable()),
        };
        if nullable {
            s.push_str(".nullable()");
        }
        if optional {
            s.push_str(self.optional);
        }
        s
    }

    /// The schema of a value of type `ty`.
    fn value(&self, ty: &Type) -> String {
        match ty {
            Type::String => "z.string()".into(),
            Type::Uuid => "z.guid()".into(),
            Type::Bool => "z.boolean()".into(),
            Type::Int { signed, bits } => int(*signed, *bits),
            Type::Float { .. } => "z.number()".into(),
            Type::DateTime { format } => date(*format),
            Type::Json => JSON.into(),
            Type::List { of } => format!("z.array({})", self.value(of)),
            Type::Nullable { of } => format!("{}.nullable()", self.value(of)),
            Type::Map { of } => format!("z.record(z.string(), {})", self.value(of)),
            Type::Named { name } => match self.m.model.get(name) {
                Some(item) if self.done.contains(&schema_name(item)) => schema_name(item),
                Some(item) => {
                    self.forward.set(true);
                    format!("z.lazy(() => {})", schema_name(item))
                }
                // The check guarantees that a named type without `ts_type` is an item.
                None => JSON.into(),
            },
        }
    }
}

/// Whether next-auth's declaration `d` is kept for a field whose member is `ours` (as
/// `next-auth.d.ts` keeps it): the field does not fit it, but would without `null` and with
/// next-auth's optionality.
fn kept(ours: &Member, d: &Decl) -> bool {
    let ty = match d.ty {
        DeclTy::String => Ts::Prim("string"),
        DeclTy::StringOrNull => Ts::Prim("string").or_null(),
        DeclTy::Number => Ts::Prim("number"),
        DeclTy::DateOrNull => Ts::Prim("Date").or_null(),
    };
    let theirs = Member::new(d.optional, ty);
    !ours.fits(&theirs) && ours.loosely_fits(&theirs)
}

/// An integer of the Rust type's range; 64 and 128 bits are limited to JavaScript's safe
/// integers (`z.int()`), which is all a JSON number parsed in JavaScript holds exactly.
fn int(signed: bool, bits: u8) -> String {
    match (signed, bits) {
        (true, 32) => "z.int32()".into(),
        (false, 32) => "z.uint32()".into(),
        (true, 8 | 16) => {
            let max = (1i64 << (bits - 1)) - 1;
            format!("z.int().min({}).max({max})", -max - 1)
        }
        (false, 8 | 16) => format!("z.int().min(0).max({})", (1i64 << bits) - 1),
        (true, _) => "z.int()".into(),
        (false, _) => "z.int().min(0)".into(),
    }
}

/// A timestamp as serde writes it.
fn date(format: DateFormat) -> String {
    match format {
        DateFormat::Rfc3339 => RFC3339.into(),
        DateFormat::UnixSeconds => format!("z.int().min({MIN_SECONDS}).max({MAX_SECONDS})"),
        DateFormat::UnixMillis => format!(
            "z.int().min({}).max({})",
            MIN_SECONDS * 1000,
            MAX_SECONDS * 1000 + 999
        ),
    }
}

/// The whole file: header, imports, schemas.
fn file(m: &Mapper<'_>, body: &str) -> String {
    let mut out = super::header();
    out.push_str(
        "// zod schemas of the JSON serde writes for the model; `z.infer` of each fits next-auth's\n\
         // augmented types (next-auth.d.ts). `zod/v4` is in zod 3.25+ and 4.x.\n",
    );
    out.push_str("import * as z from \"zod/v4\";\n");
    m.write_imports(&mut out);
    out.push_str(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_keep_their_rust_range() {
        assert_eq!(int(true, 8), "z.int().min(-128).max(127)");
        assert_eq!(int(false, 16), "z.int().min(0).max(65535)");
        assert_eq!(int(true, 32), "z.int32()");
        assert_eq!(int(false, 64), "z.int().min(0)");
        assert_eq!(int(true, 128), "z.int()");
    }

    #[test]
    fn numeric_dates_span_years_0000_to_9999() {
        assert_eq!(
            date(DateFormat::UnixSeconds),
            "z.int().min(-62167219200).max(253402300799)"
        );
        assert_eq!(
            date(DateFormat::UnixMillis),
            "z.int().min(-62167219200000).max(253402300799999)"
        );
    }

    #[test]
    fn keeps_next_auth_declarations_only_when_null_or_optionality_differ() {
        let sub = nextauth::members(Iface::Jwt, NextAuth::V5)
            .iter()
            .find(|d| d.key == "sub")
            .expect("sub");
        let nullable = Member::new(true, Ts::Prim("string").or_null());
        assert!(kept(&nullable, sub));
        assert!(!kept(&Member::new(true, Ts::Prim("string")), sub));
        assert!(!kept(&Member::new(true, Ts::Prim("number")), sub));
    }
}
