//! `next-auth.d.ts`: module augmentation of `next-auth`, `next-auth/jwt` and
//! `next-auth/adapters` (and, for v5 with `augment_core`, of `@auth/core/*`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::config::{Config, NextAuth};
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::model::{Def, FieldRole, Item, Loc, Model};
use crate::nextauth::{self, DeclTy, Iface};
use crate::output::OutputFile;

use super::types::{jsdoc, property_key, string_literal, Mapper, Member, Side, Ts};

/// Names the file refers to (next-auth's interfaces inside `declare module` blocks, and the
/// TypeScript globals it uses): a top-level type of the same name would shadow them.
const RESERVED: &[&str] = &[
    "Date",
    "Record",
    "Array",
    "DefaultSession",
    "Session",
    "User",
    "JWT",
    "AdapterUser",
    "DefaultUser",
    "DefaultJWT",
];

/// One emitted member.
struct Out {
    key: String,
    member: Member,
    docs: Vec<String>,
    /// When set, next-auth's own declaration is kept and this comment says why.
    kept: Option<String>,
    /// The Rust field it comes from (for a flattened struct, the inner struct's field).
    field: String,
    /// Where that field is.
    loc: Option<Loc>,
}

impl Out {
    fn write(&self, out: &mut String, indent: &str) {
        if let Some(kept) = &self.kept {
            let _ = writeln!(out, "{indent}// {kept}");
            return;
        }
        out.push_str(&jsdoc(&self.docs, indent));
        let _ = writeln!(out, "{indent}{};", self.member.describe(&self.key));
    }
}

/// A member next-auth declares, and where.
struct Base {
    /// The interface that declares it, for messages (`DefaultUser`).
    iface: &'static str,
    members: Vec<(&'static str, Member)>,
    /// Members declared by the augmented interface itself must be identical; inherited ones
    /// only need to fit.
    own: bool,
}

/// next-auth's declaration of `iface` in version `v` (see [`crate::nextauth`]).
fn base(iface: Iface, v: NextAuth) -> Base {
    let ty = |t: DeclTy| match t {
        DeclTy::String => Ts::Prim("string"),
        DeclTy::StringOrNull => Ts::Prim("string").or_null(),
        DeclTy::Number => Ts::Prim("number"),
        DeclTy::DateOrNull => Ts::Prim("Date").or_null(),
    };
    Base {
        iface: iface.declared_by(),
        members: nextauth::members(iface, v)
            .iter()
            .map(|d| (d.key, Member::new(d.optional, ty(d.ty))))
            .collect(),
        own: iface.declares_own(),
    }
}

/// The `next-auth.d.ts` output: next-auth's interfaces augmented with the model's members.
///
/// ```
/// use authgen_codegen::{config::Config, emit::Emitter, frontend::check::check, model::Model, ts::Dts};
/// let files = Dts.emit(&check(Model::default()).unwrap(), &Config::default()).unwrap();
/// assert_eq!(files[0].path, std::path::Path::new("types/next-auth.d.ts"));
/// ```
pub struct Dts;

impl Emitter for Dts {
    fn name(&self) -> &'static str {
        super::DTS_FILE
    }

    fn emit(&self, model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let contents = render(model, config, &super::header())?;
        Ok(vec![OutputFile {
            path: config.typescript.out_dir.join(super::DTS_FILE),
            contents,
        }])
    }
}

/// Renders `next-auth.d.ts`.
fn render(model: &Model, config: &Config, header: &str) -> Result<String, Vec<Diagnostic>> {
    let v = config.next_auth;
    let mut m = Mapper::new(model);
    let mut errors = Vec::new();
    let top = top_level(&mut m, &mut errors);
    let session_user_members: Vec<Out> = match model.session_user() {
        Some(su) => members(&mut m, &mut errors, su, Side::Wire),
        None => Vec::new(),
    };
    let user_members = match model.user() {
        Some(user) => user_members(&mut m, &mut errors, user, &session_user_members, v),
        None => Vec::new(),
    };
    let session_block = match model.session() {
        Some(session) => {
            let users = (session_user_members.as_slice(), user_members.as_slice());
            session_block(&mut m, &mut errors, session, users, v)
        }
        None => String::new(),
    };
    let user_block = match model.user() {
        Some(user) => interface("User", &user.docs, &user_members),
        None => String::new(),
    };
    let jwt_block = match model.jwt() {
        Some(jwt) => {
            let jm = members(&mut m, &mut errors, jwt, Side::Wire);
            let jm = check_base(&mut errors, jwt, jm, &base(Iface::Jwt, v), "JWT");
            interface("JWT", &jwt.docs, &jm)
        }
        None => String::new(),
    };
    let adapter_block = match model.user() {
        Some(user) => adapter_block(&mut m, &mut errors, user, &user_members, v),
        None => String::new(),
    };
    errors.append(&mut m.errors);
    let mut unique: Vec<Diagnostic> = Vec::new();
    for e in errors {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    if !unique.is_empty() {
        return Err(unique);
    }
    let blocks = Blocks {
        session: session_block,
        user: user_block,
        jwt: jwt_block,
        adapter: adapter_block,
    };
    Ok(file(header, config, &m, &top, blocks))
}

/// The bodies of the `declare module` blocks.
struct Blocks {
    session: String,
    user: String,
    jwt: String,
    adapter: String,
}

/// The top-level types: role, permission and `AuthType` items.
fn top_level(m: &mut Mapper<'_>, errors: &mut Vec<Diagnostic>) -> String {
    let model = m.model;
    let mut top = String::new();
    for item in model.items.iter().filter(|i| i.kind.is_nestable()) {
        if RESERVED.contains(&item.name.as_str()) {
            errors.push(Diagnostic::new(
                item.loc.clone(),
                format!(
                    "`{}` is a name the generated declarations already use (next-auth's or TypeScript's): the TypeScript output cannot declare a type of that name",
                    item.name
                ),
            ).note("rename the Rust type"));
            continue;
        }
        top.push('\n');
        top.push_str(&jsdoc(&item.docs, ""));
        match &item.def {
            Def::Enum { variants } if variants.is_empty() => {
                let _ = writeln!(top, "export type {} = never;", item.name);
            }
            Def::Enum { variants } => {
                let lits: Vec<String> = variants.iter().map(|v| string_literal(&v.wire)).collect();
                let _ = writeln!(top, "export type {} = {};", item.name, lits.join(" | "));
            }
            Def::Struct { .. } => {
                let members = members(m, errors, item, Side::Wire);
                let _ = writeln!(top, "export interface {} {{", item.name);
                for o in &members {
                    o.write(&mut top, "  ");
                }
                top.push_str("}\n");
            }
        }
    }
    top
}

/// next-auth `User`: wire fields; dates that are also columns may be `Date` there, because
/// adapters return rows through the same type.
fn user_members<'a>(
    m: &mut Mapper<'a>,
    errors: &mut Vec<Diagnostic>,
    user: &'a Item,
    session_user_members: &[Out],
    v: NextAuth,
) -> Vec<Out> {
    let wire = members(m, errors, user, Side::Wire);
    let db: BTreeMap<String, Member> = members(m, &mut Vec::new(), user, Side::Db)
        .into_iter()
        .map(|o| (o.key, o.member))
        .collect();
    let mut out = Vec::new();
    for mut o in wire {
        if let Some(dbm) = db.get(&o.key) {
            if !dbm.ty.assignable_to(&o.member.ty) {
                o.member.ty = o.member.ty.clone().or(dbm.ty.clone());
            }
        }
        if v == NextAuth::V5 {
            // v5 types `session.user` as `User`: a field the session user does not carry
            // (with a fitting type) must be optional on `User`.
            let carried = session_user_members
                .iter()
                .any(|su| su.key == o.key && su.member.fits(&o.member));
            if !carried {
                o.member.optional = true;
            }
        }
        out.push(o);
    }
    check_base(errors, user, out, &base(Iface::User, v), "User")
}

/// `interface Session { ... }` with `session.user` inline. `users` is (session user members,
/// user members).
fn session_block<'a>(
    m: &mut Mapper<'a>,
    errors: &mut Vec<Diagnostic>,
    session: &'a Item,
    users: (&[Out], &[Out]),
    v: NextAuth,
) -> String {
    let user_field = session.field_with_role(FieldRole::User);
    let tops: Vec<Out> = members(m, errors, session, Side::Wire)
        .into_iter()
        .filter(|o| user_field.is_none_or(|f| f.wire != o.key))
        .collect();
    let tops = check_base(errors, session, tops, &base(Iface::Session, v), "Session");
    let mut block = String::new();
    let _ = writeln!(block, "  interface Session {{");
    // The check guarantees that `session.user` names the session user struct.
    let su = user_field.and_then(|uf| Some((uf, m.model.get(uf.ty.named()?)?)));
    if let Some((uf, su)) = su {
        let sum = session_user_members_checked(errors, su, users.0, users.1, v);
        block.push_str(&jsdoc(&uf.docs, "    "));
        let opt = if uf.presence.is_optional() { "?" } else { "" };
        let _ = writeln!(block, "    {}{opt}: {{", property_key(&uf.wire));
        for o in &sum {
            o.write(&mut block, "      ");
        }
        let null = if uf.presence.is_nullable() {
            " | null"
        } else {
            ""
        };
        let _ = writeln!(block, "    }} & DefaultSession[\"user\"]{null};");
    }
    for o in &tops {
        o.write(&mut block, "    ");
    }
    block.push_str("  }\n");
    block
}

/// `interface <name> { ... }` with the item's docs.
fn interface(name: &str, docs: &[String], members: &[Out]) -> String {
    let mut block = jsdoc(docs, "  ");
    let _ = writeln!(block, "  interface {name} {{");
    for o in members {
        o.write(&mut block, "    ");
    }
    block.push_str("  }\n");
    block
}

/// `interface AdapterUser { ... }`: the user's columns, which must fit the augmented `User`
/// they inherit from; empty when no member is left.
fn adapter_block<'a>(
    m: &mut Mapper<'a>,
    errors: &mut Vec<Diagnostic>,
    user: &'a Item,
    user_members: &[Out],
    v: NextAuth,
) -> String {
    let am = members(m, &mut Vec::new(), user, Side::Db);
    let am = check_base(
        errors,
        user,
        am,
        &base(Iface::AdapterUser, v),
        "AdapterUser",
    );
    // Inherited from the augmented `User`: must fit.
    let mut inherited = base(Iface::User, v).members;
    inherited.retain(|(k, _)| !user_members.iter().any(|o| o.key == *k));
    let mut fitted = Vec::new();
    for o in am {
        let base = match &o.kept {
            Some(_) => None,
            None => user_members
                .iter()
                .find(|u| u.key == o.key)
                .map(|u| u.member.clone())
                .or_else(|| {
                    inherited
                        .iter()
                        .find(|(k, _)| *k == o.key)
                        .map(|(_, mb)| mb.clone())
                }),
        };
        if let Some(base) = base.filter(|b| !o.member.fits(b)) {
            errors.push(conflict(
                user,
                &o,
                "AdapterUser",
                "User",
                &base,
                "AdapterUser extends User",
            ));
            continue;
        }
        fitted.push(o);
    }
    if fitted.is_empty() {
        return String::new();
    }
    let mut block = String::new();
    let _ = writeln!(block, "  interface AdapterUser {{");
    for o in &fitted {
        o.write(&mut block, "    ");
    }
    block.push_str("  }\n");
    block
}

/// next-auth v5's `next-auth/jwt` and `next-auth/adapters` only re-export `@auth/core/*`: an
/// augmentation of such a module takes effect only in a program that imports it, so the file
/// imports each module it augments (a program that imports only `next-auth` then sees them all).
fn v5_reexport_imports(v: NextAuth, blocks: &Blocks) -> String {
    if v != NextAuth::V5 {
        return String::new();
    }
    let imports = [
        (&blocks.jwt, "JWT", "next-auth/jwt"),
        (&blocks.adapter, "AdapterUser", "next-auth/adapters"),
    ];
    let imports: Vec<_> = imports.iter().filter(|(b, _, _)| !b.is_empty()).collect();
    if imports.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "// next-auth v5 re-exports `@auth/core/*`: an augmentation of `next-auth/jwt` or\n\
         // `next-auth/adapters` below takes effect only in a program that imports that module,\n\
         // which these imports guarantee.\n",
    );
    for (_, name, module) in imports {
        let _ = writeln!(
            out,
            "import type {{ {name} as _Authgen{name} }} from {};",
            string_literal(module)
        );
    }
    out
}

/// The whole file: header, imports, top-level types and the `declare module` blocks.
fn file(header: &str, config: &Config, m: &Mapper<'_>, top: &str, blocks: Blocks) -> String {
    let v = config.next_auth;
    let mut out = String::new();
    out.push_str(header);
    out.push_str(
        "// Module augmentation for next-auth: this file is a module (it imports), so it extends\n\
         // next-auth's types instead of replacing them. Include it in your tsconfig.\n",
    );
    out.push_str("import type { DefaultSession } from \"next-auth\";\n");
    out.push_str(&v5_reexport_imports(v, &blocks));
    m.write_imports(&mut out);
    out.push_str(top);
    let sep = if !blocks.session.is_empty() && !blocks.user.is_empty() {
        "\n"
    } else {
        ""
    };
    let next_auth_body = format!("{}{sep}{}", blocks.session, blocks.user);
    let mut modules: Vec<(&str, &str)> = vec![
        ("next-auth", &next_auth_body),
        ("next-auth/jwt", &blocks.jwt),
        ("next-auth/adapters", &blocks.adapter),
    ];
    if v == NextAuth::V5 && config.typescript.augment_core {
        modules.push(("@auth/core/types", &next_auth_body));
        modules.push(("@auth/core/jwt", &blocks.jwt));
        modules.push(("@auth/core/adapters", &blocks.adapter));
    }
    for (module, body) in modules.into_iter().filter(|(_, b)| !b.is_empty()) {
        let _ = write!(
            out,
            "\ndeclare module {} {{\n{body}}}\n",
            string_literal(module)
        );
    }
    out
}

/// The session user's members, checked against what next-auth already puts in `session.user`.
fn session_user_members_checked(
    errors: &mut Vec<Diagnostic>,
    su: &Item,
    members: &[Out],
    user_members: &[Out],
    v: NextAuth,
) -> Vec<Out> {
    let copy = |o: &Out| Out {
        key: o.key.clone(),
        member: o.member.clone(),
        docs: o.docs.clone(),
        kept: o.kept.clone(),
        field: o.field.clone(),
        loc: o.loc.clone(),
    };
    let members: Vec<Out> = members.iter().map(copy).collect();
    match v {
        NextAuth::V4 => check_base(
            errors,
            su,
            members,
            &base(Iface::SessionUser, v),
            "Session[\"user\"]",
        ),
        NextAuth::V5 => {
            // `DefaultSession["user"]` is the augmented `User`.
            let mut user = base(Iface::User, v);
            user.iface = "User";
            for u in user_members {
                user.members.retain(|(k, _)| *k != u.key);
            }
            let mut out = check_base(errors, su, members, &user, "Session[\"user\"]");
            out.retain(|o| {
                if o.kept.is_some() {
                    return true;
                }
                let Some(u) = user_members.iter().find(|u| u.key == o.key) else {
                    return true;
                };
                if o.member.ty.assignable_to(&u.member.ty) {
                    return true;
                }
                errors.push(conflict(
                    su,
                    o,
                    "Session[\"user\"]",
                    "User",
                    &u.member,
                    "next-auth v5 types `session.user` as `User`",
                ));
                false
            });
            out
        }
    }
}

fn conflict(
    item: &Item,
    o: &Out,
    iface: &str,
    base_iface: &str,
    base: &Member,
    why: &str,
) -> Diagnostic {
    let name = &o.field;
    Diagnostic::new(
        o.loc.clone().or_else(|| item.loc.clone()),
        format!(
            "`{}.{name}` would be `{}` in next-auth's `{iface}`, which conflicts with `{}` declared by `{base_iface}`",
            item.name,
            o.member.describe(&o.key),
            base.describe(&o.key),
        ),
    )
    .note(format!("{why}; a conflicting member would break the declarations"))
    .note(format!(
        "give `{name}` a type that fits `{}`, or rename it with `#[serde(rename = \"...\")]`",
        base.describe(&o.key)
    ))
}

/// Drops (with an error) members that conflict with `base`.
fn check_base(
    errors: &mut Vec<Diagnostic>,
    item: &Item,
    members: Vec<Out>,
    base: &Base,
    iface: &str,
) -> Vec<Out> {
    let mut out = Vec::new();
    for o in members {
        if let Some((_, b)) = base.members.iter().find(|(k, _)| *k == o.key) {
            let ok = if base.own {
                o.member.identical(b)
            } else {
                o.member.fits(b)
            };
            if !ok && o.member.loosely_fits(b) {
                // Only `null` or a missing key set them apart (for example a nullable email
                // column against `AdapterUser.email: string`): next-auth's declaration stays.
                let kept = format!(
                    "`{}`: next-auth's `{}` declares `{}`; kept (the model has `{}`)",
                    o.key,
                    base.iface,
                    b.describe(&o.key),
                    o.member.describe(&o.key)
                );
                out.push(Out {
                    kept: Some(kept),
                    ..o
                });
                continue;
            }
            if !ok {
                let why = if base.own {
                    format!(
                        "`{}` declares `{}` itself, so a redeclaration must be identical",
                        base.iface, o.key
                    )
                } else {
                    format!("`{iface}` extends `{}`", base.iface)
                };
                errors.push(conflict(item, &o, iface, base.iface, b, &why));
                continue;
            }
        }
        out.push(o);
    }
    out
}

/// The members of a struct item on `side`, with flattened structs expanded.
fn members<'a>(
    m: &mut Mapper<'a>,
    errors: &mut Vec<Diagnostic>,
    item: &'a Item,
    side: Side,
) -> Vec<Out> {
    let mut out: Vec<Out> = Vec::new();
    collect(m, errors, item, side, &mut out);
    out
}

/// Adds the members of `item` to `out`, expanding flattened structs (the check guarantees that
/// no struct is flattened into itself).
fn collect<'a>(
    m: &mut Mapper<'a>,
    errors: &mut Vec<Diagnostic>,
    item: &'a Item,
    side: Side,
    out: &mut Vec<Out>,
) {
    for f in item.fields() {
        let included = match side {
            Side::Wire => f.targets.wire,
            Side::Db => f.targets.db,
        };
        // `session.user` is rendered by the session itself.
        if !included || f.role == Some(FieldRole::User) {
            continue;
        }
        if f.flatten {
            match f.ty.named().and_then(|n| m.model.get(n)) {
                Some(inner) => collect(m, errors, inner, side, out),
                // The check allows a flattened map, whose keys TypeScript cannot list beside
                // the struct's own.
                None => errors.push(Diagnostic::new(
                    f.loc.clone(),
                    format!(
                        "`{}.{}` flattens a map: the TypeScript output cannot declare its keys; give the map a field of its own, or flatten a struct deriving AuthType",
                        item.name, f.name
                    ),
                )),
            }
            continue;
        }
        let member = m.member(&item.name, f, side);
        if out.iter().any(|o| o.key == f.wire) {
            errors.push(Diagnostic::new(
                f.loc.clone(),
                format!(
                    "`{}` has two fields named `{}` on the wire",
                    item.name, f.wire
                ),
            ));
            continue;
        }
        out.push(Out {
            key: f.wire.clone(),
            member,
            docs: f.docs.clone(),
            kept: None,
            field: f.name.clone(),
            loc: f.loc.clone(),
        });
    }
}
