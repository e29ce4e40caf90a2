//! One derive input → one model item, with every per-item check.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use super::ast::{self, Container};
use super::attr::{self, AuthField};
use super::case::RenameRule;
use super::ctxt::Ctxt;
use super::ty;
use crate::model::{Def, Field, FieldRole, Item, ItemKind, Loc, Presence, Targets, Type, Variant};

/// Turns spans into locations for the CLI; the derives pass `None` (no locations in the model).
pub type Locator<'a> = Option<&'a dyn Fn(Span) -> Loc>;

/// Lowers `input` derived as `kind`. Errors go to `cx`; the result is `None` only when the item's
/// shape is unusable (for example a struct derived as a role).
pub fn lower(
    cx: &Ctxt,
    input: &DeriveInput,
    kind: ItemKind,
    locate: Locator<'_>,
) -> Option<Container> {
    let loc = |span: Span| locate.map(|f| f(span));
    let derive = kind.derive_name();
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            format!("{derive} cannot be derived for a generic type"),
        );
    }
    let (serde, auth) = container_attrs(cx, input, kind);
    reject_cfg(cx, &input.attrs, "item");
    let krate = auth
        .krate
        .as_ref()
        .map(|(p, _)| p.clone())
        .unwrap_or_else(|| syn::parse_quote!(::authgen));
    let rename_all = serde.rename_all.map(|(r, _)| r).unwrap_or(RenameRule::None);
    let docs = attr::docs(&input.attrs);

    let mut out = Container {
        ident: input.ident.clone(),
        vis: input.vis.clone(),
        kind,
        krate,
        item: Item {
            name: input.ident.to_string(),
            kind,
            docs,
            def: Def::Struct { fields: Vec::new() },
            table: auth.table.map(|(t, _)| t),
            ext_trait: auth.ext.as_ref().map(|(i, _)| i.to_string()),
            loc: loc(input.ident.span()),
        },
        fields: Vec::new(),
        variants: Vec::new(),
        ext_trait: auth.ext.map(|(i, _)| i),
    };

    match (&input.data, kind) {
        (Data::Enum(data), ItemKind::Role | ItemKind::Permission | ItemKind::Type) => {
            let (variants, idents) = lower_variants(cx, input, data, kind, rename_all, &loc);
            out.variants = idents;
            out.item.def = Def::Enum { variants };
        }
        (Data::Enum(_), _) => {
            cx.error_spanned_by(
                &input.ident,
                format!("{derive} can only be derived for a struct with named fields; enums derive AuthRole, AuthPermission or AuthType"),
            );
            return None;
        }
        (Data::Struct(data), ItemKind::Role | ItemKind::Permission) => {
            cx.error_spanned_by(
                data.struct_token,
                format!("{derive} can only be derived for an enum with unit variants"),
            );
            return None;
        }
        (Data::Struct(data), _) => match &data.fields {
            Fields::Named(named) => {
                let owner = out.item.name.clone();
                let fields = lower_fields(cx, kind, &owner, named, rename_all, serde.default, &loc);
                out.fields = fields.iter().map(|(_, a)| a.clone_tokens()).collect();
                out.item.def = Def::Struct {
                    fields: fields.into_iter().map(|(f, _)| f).collect(),
                };
                check_struct(cx, &mut out);
            }
            other => {
                cx.error_spanned_by(other, format!("{derive} needs a struct with named fields"));
                return None;
            }
        },
        (Data::Union(u), _) => {
            cx.error_spanned_by(
                u.union_token,
                format!("{derive} cannot be derived for a union"),
            );
            return None;
        }
    }
    Some(out)
}

/// The container's `#[serde(...)]` and `#[auth(...)]`, with the options that do not apply to
/// `kind` reported.
fn container_attrs(
    cx: &Ctxt,
    input: &DeriveInput,
    kind: ItemKind,
) -> (attr::SerdeContainer, attr::AuthContainer) {
    let derive = kind.derive_name();
    let serde = attr::serde_container(cx, &input.attrs, matches!(input.data, Data::Enum(_)));
    for (span, what) in &serde.unsupported {
        cx.error_at(
            *span,
            format!("`#[serde({what})]` changes the wire format in a way authgen does not model; remove it, or keep this type out of authgen"),
        );
    }
    let auth = attr::auth_container(cx, &input.attrs);
    if let Some((_, span)) = &auth.table {
        if kind != ItemKind::User {
            cx.error_at(
                *span,
                format!("`table` applies to AuthUser only, not {derive}"),
            );
        }
    }
    if let Some((_, span)) = &auth.ext {
        if kind != ItemKind::Role {
            cx.error_at(
                *span,
                format!("`ext` applies to AuthRole only, not {derive}"),
            );
        }
    }
    (serde, auth)
}

/// The variants of a unit enum, and their identifiers.
fn lower_variants(
    cx: &Ctxt,
    input: &DeriveInput,
    data: &syn::DataEnum,
    kind: ItemKind,
    rename_all: RenameRule,
    loc: &dyn Fn(Span) -> Option<Loc>,
) -> (Vec<Variant>, Vec<syn::Ident>) {
    let derive = kind.derive_name();
    let mut idents = Vec::new();
    let mut variants: Vec<Variant> = Vec::new();
    // Wire name → index in `variants`: a map, so that large enums stay linear.
    let mut by_wire: HashMap<String, usize> = HashMap::new();
    for v in &data.variants {
        attr::auth_variant(cx, &v.attrs);
        let sv = attr::serde_variant(cx, &v.attrs);
        for (span, what) in &sv.unsupported {
            cx.error_at(
                *span,
                format!("`#[serde({what})]` on a variant is not supported by authgen"),
            );
        }
        if !matches!(v.fields, Fields::Unit) {
            cx.error_spanned_by(
                &v.fields,
                format!("{derive} needs unit variants: `{}` has fields", v.ident),
            );
            continue;
        }
        if let Some((_, d)) = &v.discriminant {
            if kind == ItemKind::Role {
                cx.error_spanned_by(
                    d,
                    "role order is declaration order; remove the explicit discriminant",
                );
            }
        }
        if let Some(span) = sv.skip {
            cx.error_at(
                span,
                format!("an {derive} variant cannot be skipped: authgen needs every value of the enum on the wire"),
            );
            continue;
        }
        reject_cfg(cx, &v.attrs, "variant");
        let name = unraw(&v.ident);
        let wire = sv
            .rename
            .unwrap_or_else(|| rename_all.apply_to_variant(&name));
        if let Some(&prev) = by_wire.get(&wire) {
            cx.error_spanned_by(
                &v.ident,
                format!(
                    "`{}` has the same wire name `{wire}` as `{}`",
                    v.ident, variants[prev].name
                ),
            );
        }
        by_wire.entry(wire.clone()).or_insert(variants.len());
        variants.push(Variant {
            name,
            wire,
            docs: attr::docs(&v.attrs),
            loc: loc(v.ident.span()),
        });
        idents.push(v.ident.clone());
    }
    if data.variants.is_empty() {
        cx.error_spanned_by(&input.ident, format!("{derive} needs at least one variant"));
    }
    (variants, idents)
}

impl ast::Field {
    fn clone_tokens(&self) -> ast::Field {
        ast::Field {
            member: self.member.clone(),
            ty: self.ty.clone(),
            role: self.role,
            optional: self.optional,
            is_list: self.is_list,
            named: self.named.clone(),
        }
    }
}

fn unraw(ident: &syn::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

fn lower_fields(
    cx: &Ctxt,
    kind: ItemKind,
    owner: &str,
    named: &syn::FieldsNamed,
    rename_all: RenameRule,
    container_default: bool,
    loc: &dyn Fn(Span) -> Option<Loc>,
) -> Vec<(Field, ast::Field)> {
    let mut out: Vec<(Field, ast::Field)> = Vec::new();
    let attrs: Vec<(attr::SerdeField, AuthField)> = named
        .named
        .iter()
        .map(|f| {
            (
                attr::serde_field(cx, &f.attrs),
                attr::auth_field(cx, &f.attrs),
            )
        })
        .collect();
    let explicit = Explicit {
        role: attrs.iter().any(|(_, a)| a.role.is_some()),
        permissions: attrs.iter().any(|(_, a)| a.permissions.is_some()),
        user: attrs.iter().any(|(_, a)| a.user.is_some()),
    };

    for (f, (s, a)) in named.named.iter().zip(attrs) {
        let ident = f.ident.clone().expect("named field");
        let name = unraw(&ident);
        check_field_options(cx, kind, &a);
        let Some(Targets { wire, db }) = targets(cx, kind, &s, &a) else {
            continue;
        };

        let Some(lowered) = lower_type(cx, f, &s, &a) else {
            continue;
        };

        let role = field_role(cx, kind, &ident, &a, &explicit);
        let presence = presence(lowered.optional, &s, container_default);
        if wire {
            check_presence(cx, &ident, lowered.optional, &s, container_default);
        }
        reject_cfg(cx, &f.attrs, "field");
        let is_list = matches!(lowered.ty, Type::List { .. });
        let wire_name = s
            .rename
            .clone()
            .unwrap_or_else(|| rename_all.apply_to_field(&name));
        check_flatten(cx, owner, &name, &s, &lowered, role);
        let field = Field {
            wire: wire_name,
            docs: attr::docs(&f.attrs),
            ty: lowered.ty,
            presence,
            targets: Targets { wire, db },
            serde_skip: s.skip,
            flatten: s.flatten.is_some(),
            role,
            loc: loc(ident.span()),
            ty_loc: loc(f.ty.span()),
            ..auth_options(name, &a)
        };
        check_plain_default(cx, owner, &field, &a);
        let tokens = ast::Field {
            member: ident,
            ty: f.ty.clone(),
            // A special field whose shape the generated code cannot read loses its role in
            // `check_struct`, so no impl reads it.
            role,
            optional: lowered.optional,
            is_list,
            // A `ts_type` makes the Rust type opaque: no leaf to check at compile time.
            named: if a.ts_type.is_some() {
                Vec::new()
            } else {
                lowered.named
            },
        };
        out.push((field, tokens));
    }
    out
}

/// Where the field appears, or `None` when it appears nowhere (skipped).
fn targets(cx: &Ctxt, kind: ItemKind, s: &attr::SerdeField, a: &AuthField) -> Option<Targets> {
    if a.skip.is_some() {
        return None;
    }
    let wire = !(s.skip || a.db_only.is_some());
    let db = kind == ItemKind::User && a.ts_only.is_none();
    if let (Some(_), Some(t)) = (a.db_only, a.ts_only) {
        cx.error_at(
            t,
            "`db_only` and `ts_only` together leave the field nowhere; use `skip`",
        );
    }
    (wire || db).then_some(Targets { wire, db })
}

/// Which special markers some field of the struct carries (then no field gets that meaning by
/// its name).
struct Explicit {
    role: bool,
    permissions: bool,
    user: bool,
}

/// The field's special meaning: explicit markers, else by name on principals. A marker that does
/// not apply to this kind was reported already; it gives no meaning.
fn field_role(
    cx: &Ctxt,
    kind: ItemKind,
    ident: &syn::Ident,
    a: &AuthField,
    explicit: &Explicit,
) -> Option<FieldRole> {
    let name = unraw(ident);
    let markers = [a.role, a.permissions, a.user]
        .iter()
        .filter(|m| m.is_some())
        .count();
    if markers > 1 {
        cx.error_spanned_by(
            ident,
            "a field can be only one of `role`, `permissions` and `user`",
        );
    }
    if let (Some(_), Some(off)) = (a.role, a.not_role) {
        cx.error_at(
            off,
            "`role = false` contradicts `role` on the same field: keep one",
        );
    }
    if a.role.is_some() && kind.is_principal() {
        Some(FieldRole::Role)
    } else if a.permissions.is_some() && kind.is_principal() {
        Some(FieldRole::Permissions)
    } else if a.user.is_some() && kind == ItemKind::Session {
        Some(FieldRole::User)
    } else if kind.is_principal() && !explicit.role && name == "role" && a.not_role.is_none() {
        Some(FieldRole::Role)
    } else if kind.is_principal() && !explicit.permissions && name == "permissions" {
        Some(FieldRole::Permissions)
    } else if kind == ItemKind::Session && !explicit.user && name == "user" {
        Some(FieldRole::User)
    } else {
        None
    }
}

/// The field's type in the model; `None` (with an error) when authgen cannot type it.
fn lower_type(
    cx: &Ctxt,
    f: &syn::Field,
    s: &attr::SerdeField,
    a: &AuthField,
) -> Option<ty::Lowered> {
    let date_with = match &s.with {
        Some((path, span)) => match ty::date_format_of_with(path) {
            Some(fmt) => Some(fmt),
            None => {
                if a.ts_type.is_none() {
                    cx.error_at(
                        *span,
                        format!(
                            "authgen cannot know what `{path}` writes; give the TypeScript type with `#[auth(ts_type = \"...\")]`"
                        ),
                    );
                }
                None
            }
        },
        None => None,
    };
    match ty::lower(&f.ty, date_with) {
        Ok(l) => Some(l),
        // An explicit TypeScript type makes the Rust type opaque: JSON in the database unless
        // `sql_type` says otherwise.
        Err(_) if a.ts_type.is_some() => Some(ty::Lowered {
            ty: Type::Json,
            optional: false,
            named: Vec::new(),
        }),
        Err(e) => {
            cx.error_spanned_by(&e.at, e.message);
            None
        }
    }
}

/// A model field named `name` with the options of `#[auth(...)]`; the rest is filled in by the
/// caller.
fn auth_options(name: String, a: &AuthField) -> Field {
    Field {
        name: name.clone(),
        wire: name,
        docs: Vec::new(),
        ty: Type::Json,
        presence: Presence::Required,
        targets: Targets::ALL,
        serde_skip: false,
        flatten: false,
        role: None,
        default: a.default.as_ref().map(|(d, _)| d.clone()),
        unique: a.unique.is_some(),
        index: a.index.is_some(),
        column: a.column.as_ref().map(|(c, _)| c.clone()),
        sql_type: a
            .sql_type
            .as_ref()
            .map(|(t, _)| t.clone())
            .unwrap_or_default(),
        ts_type: a.ts_type.as_ref().map(|(t, _)| t.clone()),
        ts_import: a.ts_import.as_ref().map(|(t, _)| t.clone()),
        renamed_from: a.renamed_from.iter().map(|(r, _)| r.clone()).collect(),
        loc: None,
        ty_loc: None,
    }
}

/// `#[serde(flatten)]` applies to a struct or a map, never to a special field.
fn check_flatten(
    cx: &Ctxt,
    owner: &str,
    name: &str,
    s: &attr::SerdeField,
    lowered: &ty::Lowered,
    role: Option<FieldRole>,
) {
    let Some(fspan) = s.flatten else { return };
    if !matches!(lowered.ty, Type::Named { .. } | Type::Map { .. }) || lowered.optional {
        cx.error_at(fspan, super::check::flatten_message(owner, name));
    }
    if role.is_some() {
        cx.error_at(
            fspan,
            format!("the {} field cannot be flattened", role_name(role)),
        );
    }
}

/// A default of a plain type fits it (enum defaults need the model: see `check`).
fn check_plain_default(cx: &Ctxt, owner: &str, field: &Field, a: &AuthField) {
    let (Some(default), Some((_, span))) = (&field.default, &a.default) else {
        return;
    };
    if field.ty.named().is_none() {
        if let Err(why) =
            super::check::check_default(&crate::model::Model::default(), field, default)
        {
            cx.error_at(
                *span,
                format!("bad default for `{owner}.{}`: {why}", field.name),
            );
        }
    }
}

fn role_name(role: Option<FieldRole>) -> &'static str {
    match role {
        Some(FieldRole::Role) => "role",
        Some(FieldRole::Permissions) => "permissions",
        Some(FieldRole::User) => "user",
        None => "",
    }
}

/// The presence rule (see [`Presence`]). A key one direction skips may be missing.
fn presence(optional: bool, s: &attr::SerdeField, container_default: bool) -> Presence {
    let default = s.default || container_default || s.skip_one_way;
    match (optional, &s.skip_serializing_if) {
        (false, None) if !default => Presence::Required,
        (false, _) => Presence::Optional,
        (true, None) if !default => Presence::Nullable,
        (true, _) => Presence::OptionalNullable,
    }
}

/// A key serde may leave out when writing must be one serde can do without when reading, or the
/// TypeScript type (`f?: T`) would let the front end write what Rust cannot read.
fn check_presence(
    cx: &Ctxt,
    ident: &syn::Ident,
    optional: bool,
    s: &attr::SerdeField,
    container_default: bool,
) {
    let default = s.default || container_default || s.skip_one_way;
    if s.skip_serializing_if.is_some() && !default && (!optional || s.with.is_some()) {
        cx.error_spanned_by(
            ident,
            format!(
                "`{ident}` has `skip_serializing_if` but no `#[serde(default)]`: serde would leave the key out when writing \
                 and then fail to read it back; add `#[serde(default)]`"
            ),
        );
    }
}

/// Whether the Rust type of a role or permissions field is one the generated code reads: the
/// model cannot tell `Box<R>` from `R` (nor `char` or `Box<str>` from `String`), so this looks at
/// the tokens. A free-form role is exactly `String` or `Option<String>`.
fn readable_shape(ty: &syn::Type, free_form: bool) -> bool {
    fn outer(ty: &syn::Type) -> Option<(String, Option<&syn::Type>)> {
        let syn::Type::Path(p) = ty else { return None };
        let seg = p.path.segments.last()?;
        let arg = match &seg.arguments {
            syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            }),
            _ => None,
        };
        Some((seg.ident.to_string(), arg))
    }
    let mut inner = ty;
    if let Some(("Option", Some(arg))) = outer(ty).as_ref().map(|(n, a)| (n.as_str(), *a)) {
        inner = arg;
    }
    match outer(inner) {
        Some((name, _)) if free_form => name == "String",
        Some((name, Some(_))) => name == "Vec",
        Some((name, None)) => !matches!(name.as_str(), "Box" | "Arc" | "Rc"),
        None => false,
    }
}

/// The derives see items after `cfg` and `cfg_attr` are applied; the CLI reads the source as
/// written and cannot evaluate them, so the two would disagree.
pub(crate) fn reject_cfg(cx: &Ctxt, attrs: &[syn::Attribute], place: &str) {
    for attr in attrs {
        let path = attr.path();
        let relevant = path.is_ident("cfg")
            || (path.is_ident("cfg_attr") && {
                let tokens = quote::quote!(#attr).to_string();
                ["serde", "auth", "derive"]
                    .iter()
                    .any(|w| tokens.contains(w))
            });
        if relevant {
            cx.error_spanned_by(
                attr,
                format!(
                    "authgen reads the model without compiling it and cannot evaluate `cfg` here: keep this {place} \
                     unconditional, or move the conditional part out of the authgen types"
                ),
            );
        }
    }
}

/// Options that only make sense on some kinds of item.
fn check_field_options(cx: &Ctxt, kind: ItemKind, a: &AuthField) {
    let derive = kind.derive_name();
    let db_opts: [(&str, Option<Span>); 8] = [
        ("default", a.default.as_ref().map(|(_, s)| *s)),
        ("unique", a.unique),
        ("index", a.index),
        ("db_only", a.db_only),
        ("ts_only", a.ts_only),
        ("column", a.column.as_ref().map(|(_, s)| *s)),
        ("sql_type", a.sql_type.as_ref().map(|(_, s)| *s)),
        ("renamed_from", a.renamed_from.first().map(|(_, s)| *s)),
    ];
    if kind != ItemKind::User {
        for (name, span) in db_opts {
            if let Some(span) = span {
                cx.error_at(span, format!("`{name}` describes a database column and applies to AuthUser fields only, not {derive}"));
            }
        }
    }
    if let Some(span) = a.role.or(a.permissions) {
        if !kind.is_principal() {
            cx.error_at(span, format!("role and permissions fields belong to AuthUser, AuthSessionUser or AuthJwt, not {derive}"));
        }
    }
    if let Some(span) = a.user {
        if kind != ItemKind::Session {
            cx.error_at(
                span,
                format!(
                    "`user` marks `session.user` and applies to AuthSession only, not {derive}"
                ),
            );
        }
    }
    if let (Some((_, span)), None) = (&a.ts_import, &a.ts_type) {
        cx.error_at(*span, "`ts_import` needs `ts_type`: the name to import");
    }
}

/// Cross-field checks of one struct. A role or permissions field whose shape the generated code
/// cannot read loses its meaning in the tokens, so no impl is generated for it.
fn check_struct(cx: &Ctxt, c: &mut Container) {
    let kind = c.kind;
    let owner = c.item.name.as_str();
    let fields = c.item.fields();
    // `c.fields` is parallel to the model's fields and keeps the tokens with their spans.
    let span_of = |i: usize| c.fields[i].member.span();
    let ty_span_of = |i: usize| c.fields[i].ty.span();

    // Wire names are unique among wire fields (a map, so that large structs stay linear).
    let mut by_wire: HashMap<&str, &Field> = HashMap::new();
    for (i, f) in fields.iter().enumerate() {
        if f.targets.wire && !f.flatten {
            if let Some(prev) = by_wire.get(f.wire.as_str()) {
                cx.error_at(
                    span_of(i),
                    format!(
                        "conflicting renames: `{}` and `{}` are both written as `{}`",
                        prev.name, f.name, f.wire
                    ),
                );
            } else {
                by_wire.insert(&f.wire, f);
            }
        }
    }

    // One role, one permissions, one user field.
    for (role, what) in [
        (FieldRole::Role, "role"),
        (FieldRole::Permissions, "permissions"),
        (FieldRole::User, "user"),
    ] {
        let with: Vec<usize> = (0..fields.len())
            .filter(|i| fields[*i].role == Some(role))
            .collect();
        for extra in with.iter().skip(1) {
            cx.error_at(
                span_of(*extra),
                format!(
                    "two {what} fields: `{}` and `{}`; a {} has exactly one",
                    fields[with[0]].name,
                    fields[*extra].name,
                    kind.derive_name()
                ),
            );
        }
    }

    if kind == ItemKind::User {
        for clash in super::check::column_clashes(&c.item) {
            let message = format!("{}: {}", clash.message, clash.help);
            cx.error_spanned_by(&c.fields[clash.field].member, message);
        }
    }
    let mut unreadable = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let Some(role) = f.role else {
            check_next_auth_member(cx, kind, f, ty_span_of(i));
            continue;
        };
        let message = if role != FieldRole::User && f.ts_type.is_some() {
            Some(super::check::special_ts_type_message(role))
        } else if role != FieldRole::User && !readable_shape(&c.fields[i].ty, f.is_free_form_role())
        {
            Some(super::check::special_shape_message(owner, f, role))
        } else {
            super::check::special_shape_error(owner, f, role)
        };
        if let Some(message) = message {
            cx.error_spanned_by(&c.fields[i].ty, message);
            unreadable.push(i);
        }
        check_next_auth_member(cx, kind, f, ty_span_of(i));
    }
    for i in unreadable {
        c.fields[i].role = None;
    }
}

/// next-auth's own members keep their types; the user `id` is required.
fn check_next_auth_member(cx: &Ctxt, kind: ItemKind, f: &Field, ty_span: Span) {
    if f.targets.wire && f.ts_type.is_none() {
        if let Some((base, decl)) = crate::nextauth::member(kind, &f.wire) {
            if !(decl.matches)(&f.ty) {
                cx.error_at(
                    ty_span,
                    format!(
                        "field `{}` collides with next-auth's `{base}.{}`: its type must match",
                        f.name,
                        decl.describe()
                    ),
                );
            }
        }
    }
    if kind == ItemKind::User
        && f.wire == "id"
        && f.targets.wire
        && f.presence != Presence::Required
        && f.ts_type.is_none()
    {
        cx.error_at(
            ty_span,
            "the user `id` is required (next-auth's `User.id: string`): it cannot be an Option",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::frontend::source::{parse_sources, Source};
    use crate::model::Targets;

    /// `#[serde(skip)]` and `#[auth(db_only)]` are both off the wire; only the first is off
    /// serde's keys too.
    #[test]
    fn serde_skip_is_told_from_db_only() {
        let text = r#"
            #[derive(AuthUser, Serialize, Deserialize)]
            struct User {
                id: String,
                #[auth(db_only)]
                created_at: String,
                #[serde(skip)]
                password_hash: Option<String>,
                #[serde(skip)]
                #[auth(db_only)]
                both: Option<String>,
            }
        "#;
        let model = parse_sources(&[Source {
            name: "m.rs".into(),
            text: text.into(),
        }])
        .unwrap();
        let got: Vec<(&str, Targets, bool)> = model
            .user()
            .unwrap()
            .fields()
            .iter()
            .map(|f| (f.name.as_str(), f.targets, f.serde_skip))
            .collect();
        let col = Targets {
            wire: false,
            db: true,
        };
        assert_eq!(
            got,
            [
                ("id", Targets::ALL, false),
                ("created_at", col, false),
                ("password_hash", col, true),
                ("both", col, true),
            ]
        );
    }
}
