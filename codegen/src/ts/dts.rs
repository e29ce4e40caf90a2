//! `next-auth.d.ts`: module augmentation of `next-auth`, `next-auth/jwt` and
//! `next-auth/adapters` (and, for v5 with `augment_core`, of `@auth/core/*`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::config::{Config, NextAuth};
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::model::{Def, Field, FieldRole, Item, ItemKind, Model, Type};
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

fn s() -> Ts {
    Ts::Prim("string")
}

fn sn() -> Ts {
    Ts::Prim("string").or_null()
}

fn base_user(v: NextAuth) -> Base {
    Base {
        iface: "DefaultUser",
        members: vec![
            ("id", Member::new(v == NextAuth::V5, s())),
            ("name", Member::new(true, sn())),
            ("email", Member::new(true, sn())),
            ("image", Member::new(true, sn())),
        ],
        own: false,
    }
}

fn base_session_user_v4() -> Base {
    Base {
        iface: "DefaultSession[\"user\"]",
        members: vec![
            ("name", Member::new(true, sn())),
            ("email", Member::new(true, sn())),
            ("image", Member::new(true, sn())),
        ],
        own: false,
    }
}

fn base_session() -> Base {
    Base {
        iface: "DefaultSession",
        members: vec![("expires", Member::new(false, s()))],
        own: false,
    }
}

fn base_jwt(v: NextAuth) -> Base {
    let mut members = vec![
        ("name", Member::new(true, sn())),
        ("email", Member::new(true, sn())),
        ("picture", Member::new(true, sn())),
        ("sub", Member::new(true, s())),
    ];
    if v == NextAuth::V5 {
        members.push(("iat", Member::new(true, Ts::Prim("number"))));
        members.push(("exp", Member::new(true, Ts::Prim("number"))));
        members.push(("jti", Member::new(true, s())));
    }
    Base {
        iface: "DefaultJWT",
        members,
        own: false,
    }
}

fn base_adapter_user() -> Base {
    Base {
        iface: "AdapterUser",
        members: vec![
            ("id", Member::new(false, s())),
            ("email", Member::new(false, s())),
            (
                "emailVerified",
                Member::new(false, Ts::Prim("Date").or_null()),
            ),
        ],
        own: true,
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

    // Top-level types: role, permission, AuthType items.
    let mut top = String::new();
    for item in &model.items {
        let alias = matches!(
            item.kind,
            ItemKind::Role | ItemKind::Permission | ItemKind::Type
        );
        if !alias {
            continue;
        }
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
            Def::Enum { variants } => {
                if variants.is_empty() {
                    let _ = writeln!(top, "export type {} = never;", item.name);
                } else {
                    let lits: Vec<String> =
                        variants.iter().map(|v| string_literal(&v.wire)).collect();
                    let _ = writeln!(top, "export type {} = {};", item.name, lits.join(" | "));
                }
            }
            Def::Struct { .. } => {
                let members = members(&mut m, &mut errors, item, Side::Wire);
                let _ = writeln!(top, "export interface {} {{", item.name);
                for o in &members {
                    o.write(&mut top, "  ");
                }
                top.push_str("}\n");
            }
        }
    }

    // next-auth `User` (wire fields; dates that are also columns may be `Date` there, because
    // adapters return rows through the same type).
    let user_item = model.user();
    let session_user_item = model.session_user();
    let session_user_members: Vec<Out> = match session_user_item {
        Some(su) => members(&mut m, &mut errors, su, Side::Wire),
        None => Vec::new(),
    };
    let mut user_members: Vec<Out> = Vec::new();
    if let Some(user) = user_item {
        let wire = members(&mut m, &mut errors, user, Side::Wire);
        let db: BTreeMap<String, Member> = members(&mut m, &mut Vec::new(), user, Side::Db)
            .into_iter()
            .map(|o| (o.key, o.member))
            .collect();
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
            user_members.push(o);
        }
        user_members = check_base(&mut errors, user, user_members, &base_user(v), "User");
    }

    // Session and session.user.
    let mut session_block = String::new();
    if let Some(session) = model.session() {
        let user_field = session.field_with_role(FieldRole::User);
        let mut tops: Vec<Out> = Vec::new();
        for o in members(&mut m, &mut errors, session, Side::Wire) {
            if user_field.is_some_and(|f| f.wire == o.key) {
                continue;
            }
            tops.push(o);
        }
        let tops = check_base(&mut errors, session, tops, &base_session(), "Session");
        let _ = writeln!(session_block, "  interface Session {{");
        if let Some(uf) = user_field {
            let su_name = match &uf.ty {
                Type::Named { name } => Some(name.as_str()),
                _ => None,
            };
            let su_item = su_name.and_then(|n| model.get(n));
            match su_item {
                Some(su) if su.kind == ItemKind::SessionUser => {
                    let sum = session_user_members_checked(
                        &mut errors,
                        su,
                        &session_user_members,
                        &user_members,
                        v,
                    );
                    session_block.push_str(&jsdoc(&uf.docs, "    "));
                    let opt = if uf.presence.is_optional() { "?" } else { "" };
                    let _ = writeln!(session_block, "    {}{opt}: {{", property_key(&uf.wire));
                    for o in &sum {
                        o.write(&mut session_block, "      ");
                    }
                    let null = if uf.presence.is_nullable() { " | null" } else { "" };
                    let _ = writeln!(session_block, "    }} & DefaultSession[\"user\"]{null};");
                }
                _ => errors.push(Diagnostic::new(
                    uf.ty_loc.clone().or_else(|| uf.loc.clone()),
                    format!(
                        "`{}.{}` is the session's user, so its type must be the struct that derives `AuthSessionUser`",
                        session.name, uf.name
                    ),
                )),
            }
        }
        for o in &tops {
            o.write(&mut session_block, "    ");
        }
        session_block.push_str("  }\n");
    }

    let mut user_block = String::new();
    if let Some(user) = user_item {
        user_block.push_str(&jsdoc(&user.docs, "  "));
        let _ = writeln!(user_block, "  interface User {{");
        for o in &user_members {
            o.write(&mut user_block, "    ");
        }
        user_block.push_str("  }\n");
    }

    let mut jwt_block = String::new();
    if let Some(jwt) = model.jwt() {
        let jm = members(&mut m, &mut errors, jwt, Side::Wire);
        let jm = check_base(&mut errors, jwt, jm, &base_jwt(v), "JWT");
        jwt_block.push_str(&jsdoc(&jwt.docs, "  "));
        let _ = writeln!(jwt_block, "  interface JWT {{");
        for o in &jm {
            o.write(&mut jwt_block, "    ");
        }
        jwt_block.push_str("  }\n");
    }

    let mut adapter_block = String::new();
    if let Some(user) = user_item {
        let am = members(&mut m, &mut Vec::new(), user, Side::Db);
        let am = check_base(&mut errors, user, am, &base_adapter_user(), "AdapterUser");
        // Inherited from the augmented `User`: must fit.
        let mut inherited = base_user(v).members;
        for o in &user_members {
            inherited.retain(|(k, _)| *k != o.key);
        }
        let mut fitted = Vec::new();
        for o in am {
            if o.kept.is_some() {
                fitted.push(o);
                continue;
            }
            let base = user_members
                .iter()
                .find(|u| u.key == o.key)
                .map(|u| u.member.clone())
                .or_else(|| {
                    inherited
                        .iter()
                        .find(|(k, _)| *k == o.key)
                        .map(|(_, mb)| mb.clone())
                });
            if let Some(base) = base {
                if !o.member.fits(&base) {
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
            }
            fitted.push(o);
        }
        if !fitted.is_empty() {
            let _ = writeln!(adapter_block, "  interface AdapterUser {{");
            for o in &fitted {
                o.write(&mut adapter_block, "    ");
            }
            adapter_block.push_str("  }\n");
        }
    }

    errors.append(&mut m.errors);
    let mut unique: Vec<Diagnostic> = Vec::new();
    for e in errors {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    let errors = unique;
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut out = String::new();
    out.push_str(header);
    out.push_str(
        "// Module augmentation for next-auth: this file is a module (it imports), so it extends\n\
         // next-auth's types instead of replacing them. Include it in your tsconfig.\n",
    );
    out.push_str("import type { DefaultSession } from \"next-auth\";\n");
    if v == NextAuth::V5 && !jwt_block.is_empty() {
        out.push_str(
            "// next-auth v5 re-exports `@auth/core/jwt`: the `next-auth/jwt` augmentation below takes\n\
             // effect only in a program that imports that module, which this import guarantees.\n",
        );
        out.push_str("import type { JWT as _AuthgenJWT } from \"next-auth/jwt\";\n");
    }
    let mut by_module: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (module, name) in &m.imports {
        by_module.entry(module).or_default().push(name);
    }
    for (module, names) in by_module {
        let _ = writeln!(
            out,
            "import type {{ {} }} from {};",
            names.join(", "),
            string_literal(module)
        );
    }
    out.push_str(&top);

    let mut modules: Vec<(&str, String)> = Vec::new();
    let next_auth_body = format!(
        "{session_block}{}{user_block}",
        if !session_block.is_empty() && !user_block.is_empty() {
            "\n"
        } else {
            ""
        }
    );
    modules.push(("next-auth", next_auth_body.clone()));
    modules.push(("next-auth/jwt", jwt_block.clone()));
    modules.push(("next-auth/adapters", adapter_block.clone()));
    if v == NextAuth::V5 && config.typescript.augment_core {
        modules.push(("@auth/core/types", next_auth_body));
        modules.push(("@auth/core/jwt", jwt_block));
        modules.push(("@auth/core/adapters", adapter_block));
    }
    for (module, body) in modules {
        if body.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "\ndeclare module {} {{\n{body}}}\n",
            string_literal(module)
        );
    }
    Ok(out)
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
    };
    let members: Vec<Out> = members.iter().map(copy).collect();
    match v {
        NextAuth::V4 => check_base(
            errors,
            su,
            members,
            &base_session_user_v4(),
            "Session[\"user\"]",
        ),
        NextAuth::V5 => {
            // `DefaultSession["user"]` is the augmented `User`.
            let mut base = base_user(v);
            base.iface = "User";
            for u in user_members {
                base.members.retain(|(k, _)| *k != u.key);
            }
            let mut out = check_base(errors, su, members, &base, "Session[\"user\"]");
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

fn field_of<'a>(item: &'a Item, key: &str) -> Option<&'a Field> {
    item.fields().iter().find(|f| f.wire == key)
}

fn conflict(
    item: &Item,
    o: &Out,
    iface: &str,
    base_iface: &str,
    base: &Member,
    why: &str,
) -> Diagnostic {
    let field = field_of(item, &o.key);
    let name = field.map_or(o.key.as_str(), |f| f.name.as_str());
    Diagnostic::new(
        field.and_then(|f| f.loc.clone()).or_else(|| item.loc.clone()),
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
            if !ok && loosely_fits(&o.member, b) {
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

/// Whether `ours` fits `base` once `null` and optionality are set aside.
fn loosely_fits(ours: &Member, base: &Member) -> bool {
    let stripped = match &ours.ty {
        Ts::Union(ms) => {
            let rest: Vec<Ts> = ms
                .iter()
                .filter(|t| **t != Ts::Prim("null"))
                .cloned()
                .collect();
            match rest.len() {
                0 => return false,
                1 => rest.into_iter().next().expect("one"),
                _ => Ts::Union(rest),
            }
        }
        t => t.clone(),
    };
    Member::new(base.optional, stripped).fits(base)
}

/// The members of a struct item on `side`, with flattened structs expanded.
fn members<'a>(
    m: &mut Mapper<'a>,
    errors: &mut Vec<Diagnostic>,
    item: &'a Item,
    side: Side,
) -> Vec<Out> {
    let mut out: Vec<Out> = Vec::new();
    let mut seen: Vec<&Item> = vec![item];
    collect(m, errors, item, side, &mut out, &mut seen);
    out
}

fn collect<'a>(
    m: &mut Mapper<'a>,
    errors: &mut Vec<Diagnostic>,
    item: &'a Item,
    side: Side,
    out: &mut Vec<Out>,
    seen: &mut Vec<&'a Item>,
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
            let inner = match &f.ty {
                Type::Named { name } => m
                    .model
                    .get(name)
                    .filter(|i| matches!(i.def, Def::Struct { .. })),
                _ => None,
            };
            match inner {
                Some(inner) if seen.iter().any(|s| std::ptr::eq(*s, inner)) => {
                    errors.push(Diagnostic::new(
                        f.loc.clone(),
                        format!("`{}.{}` flattens `{}` into itself", item.name, f.name, inner.name),
                    ));
                }
                Some(inner) => {
                    seen.push(inner);
                    collect(m, errors, inner, side, out, seen);
                    seen.pop();
                }
                None => errors.push(Diagnostic::new(
                    f.loc.clone(),
                    format!(
                        "`{}.{}` is `#[serde(flatten)]`: the TypeScript output can flatten only a struct of the model",
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
        });
    }
}
