//! One derive input → one model item, with every per-item check.

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
            let mut variants: Vec<Variant> = Vec::new();
            // Wire name → index in `variants`: a map, so that large enums stay linear.
            let mut by_wire: std::collections::HashMap<String, usize> =
                std::collections::HashMap::new();
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
                out.variants.push(v.ident.clone());
            }
            if data.variants.is_empty() {
                cx.error_spanned_by(&input.ident, format!("{derive} needs at least one variant"));
            }
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
                let fields = lower_fields(cx, kind, named, rename_all, serde.default, &loc);
                out.fields = fields.iter().map(|(_, a)| a.clone_tokens()).collect();
                out.item.def = Def::Struct {
                    fields: fields.into_iter().map(|(f, _)| f).collect(),
                };
                check_struct(cx, &out, named);
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
    let explicit_role = attrs.iter().any(|(_, a)| a.role.is_some());
    let explicit_permissions = attrs.iter().any(|(_, a)| a.permissions.is_some());
    let explicit_user = attrs.iter().any(|(_, a)| a.user.is_some());

    for (f, (s, a)) in named.named.iter().zip(attrs) {
        let ident = f.ident.clone().expect("named field");
        let name = unraw(&ident);
        check_field_options(cx, kind, &a);
        if a.skip.is_some() {
            continue;
        }
        let is_user = kind == ItemKind::User;
        let wire = !(s.skip || a.db_only.is_some());
        let db = is_user && a.ts_only.is_none();
        if let (Some(_), Some(t)) = (a.db_only, a.ts_only) {
            cx.error_at(
                t,
                "`db_only` and `ts_only` together leave the field nowhere; use `skip`",
            );
        }
        if !wire && !db {
            continue;
        }

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
        let lowered = match ty::lower(&f.ty, date_with) {
            Ok(l) => l,
            Err(e) => {
                if a.ts_type.is_some() {
                    // An explicit TypeScript type makes the Rust type opaque: JSON in the database
                    // unless `sql_type` says otherwise.
                    ty::Lowered {
                        ty: Type::Json,
                        optional: false,
                        named: Vec::new(),
                    }
                } else {
                    cx.error_spanned_by(&e.at, e.message);
                    continue;
                }
            }
        };

        // The field's special meaning: explicit markers, else by name on principals.
        // A marker that does not apply to this kind was reported already; it gives no meaning.
        let role = if a.role.is_some() && kind.is_principal() {
            Some(FieldRole::Role)
        } else if a.permissions.is_some() && kind.is_principal() {
            Some(FieldRole::Permissions)
        } else if a.user.is_some() && kind == ItemKind::Session {
            Some(FieldRole::User)
        } else if kind.is_principal() && !explicit_role && name == "role" {
            Some(FieldRole::Role)
        } else if kind.is_principal() && !explicit_permissions && name == "permissions" {
            Some(FieldRole::Permissions)
        } else if kind == ItemKind::Session && !explicit_user && name == "user" {
            Some(FieldRole::User)
        } else {
            None
        };
        let markers = [a.role, a.permissions, a.user]
            .iter()
            .filter(|m| m.is_some())
            .count();
        if markers > 1 {
            cx.error_spanned_by(
                &ident,
                "a field can be only one of `role`, `permissions` and `user`",
            );
        }

        let presence = presence(lowered.optional, &s, container_default);
        if wire {
            check_presence(cx, &ident, lowered.optional, &s, container_default);
        }
        reject_cfg(cx, &f.attrs, "field");
        // A special field whose shape the generated code cannot read gets no generated impl.
        let ast_role = match role {
            Some(r) if !check_special_shape(cx, r, &f.ty, a.ts_type.is_some()) => None,
            other => other,
        };
        let is_list = matches!(lowered.ty, Type::List { .. });
        let wire_name = s
            .rename
            .clone()
            .unwrap_or_else(|| rename_all.apply_to_field(&name));
        if let Some(fspan) = s.flatten {
            if !matches!(lowered.ty, Type::Named { .. } | Type::Map { .. }) || lowered.optional {
                cx.error_at(fspan, "authgen supports `#[serde(flatten)]` on a field whose type is a struct deriving AuthType, or a map");
            }
            if role.is_some() {
                cx.error_at(
                    fspan,
                    format!("the {} field cannot be flattened", role_name(role)),
                );
            }
        }

        let field = Field {
            name,
            wire: wire_name,
            docs: attr::docs(&f.attrs),
            ty: lowered.ty,
            presence,
            targets: Targets { wire, db },
            flatten: s.flatten.is_some(),
            role,
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
            loc: loc(ident.span()),
            ty_loc: loc(f.ty.span()),
        };
        if let (Some(default), Some((_, span))) = (&field.default, &a.default) {
            if field.ty.named().is_none() {
                if let Err(why) =
                    super::check::check_default(&crate::model::Model::default(), &field, default)
                {
                    cx.error_at(*span, format!("bad default for `{}`: {why}", field.name));
                }
            }
        }
        let named_leaves = if a.ts_type.is_some() {
            Vec::new()
        } else {
            lowered.named
        };
        out.push((
            field,
            ast::Field {
                member: ident,
                ty: f.ty.clone(),
                role: ast_role,
                optional: lowered.optional,
                is_list,
                named: named_leaves,
            },
        ));
    }
    out
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

/// The role and permissions fields are read by the generated code: only the shapes it reads.
fn check_special_shape(cx: &Ctxt, role: FieldRole, ty: &syn::Type, has_ts_type: bool) -> bool {
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
    let what = match role {
        FieldRole::Role => "role",
        FieldRole::Permissions => "permissions",
        FieldRole::User => return true,
    };
    if has_ts_type {
        cx.error_spanned_by(
            ty,
            format!(
                "the {what} field cannot have a `ts_type`: authgen types it from the {what} enum"
            ),
        );
        return false;
    }
    let mut inner = ty;
    if let Some(("Option", Some(arg))) = outer(ty).as_ref().map(|(n, a)| (n.as_str(), *a)) {
        inner = arg;
    }
    let ok = match (role, outer(inner)) {
        (FieldRole::Role, Some((name, Some(_)))) => name == "Vec",
        (FieldRole::Role, Some((name, None))) => !matches!(name.as_str(), "Box" | "Arc" | "Rc"),
        (FieldRole::Permissions, Some((name, Some(_)))) => name == "Vec",
        _ => false,
    };
    if !ok {
        let shapes = if role == FieldRole::Role {
            "`R`, `Option<R>`, `Vec<R>` or `Option<Vec<R>>`"
        } else {
            "`Vec<P>` or `Option<Vec<P>>`"
        };
        cx.error_spanned_by(ty, format!("the {what} field must be {shapes}"));
    }
    ok
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

/// A member next-auth already declares.
pub struct NextAuthMember {
    /// The interface that declares it (`User`, `JWT`, ...).
    pub base: &'static str,
    /// Its declaration, for messages.
    pub decl: &'static str,
    /// Whether a model type is compatible with it.
    pub matches: fn(&Type) -> bool,
}

/// The names next-auth already declares, per item kind, and the model types that match them.
pub fn next_auth_member(kind: ItemKind, wire: &str) -> Option<NextAuthMember> {
    fn string(t: &Type) -> bool {
        // A UUID is a string on the wire.
        matches!(t, Type::String | Type::Uuid)
    }
    fn date(t: &Type) -> bool {
        matches!(t, Type::DateTime { .. })
    }
    fn iso_string(t: &Type) -> bool {
        matches!(
            t,
            Type::String
                | Type::DateTime {
                    format: crate::model::DateFormat::Rfc3339
                }
        )
    }
    fn numeric_date(t: &Type) -> bool {
        matches!(
            t,
            Type::Int { .. }
                | Type::Float { .. }
                | Type::DateTime {
                    format: crate::model::DateFormat::UnixSeconds
                }
        )
    }
    let member =
        |base: &'static str, decl: &'static str, matches: fn(&Type) -> bool| NextAuthMember {
            base,
            decl,
            matches,
        };
    Some(match (kind, wire) {
        (ItemKind::User, "id") => member("User", "id: string", string),
        (ItemKind::User | ItemKind::SessionUser, "name") => {
            member(base(kind), "name?: string | null", string)
        }
        (ItemKind::User | ItemKind::SessionUser, "email") => {
            member(base(kind), "email?: string | null", string)
        }
        (ItemKind::User | ItemKind::SessionUser, "image") => {
            member(base(kind), "image?: string | null", string)
        }
        (ItemKind::SessionUser, "id") => member("Session[\"user\"]", "id?: string", string),
        (ItemKind::User, "emailVerified") => {
            member("AdapterUser", "emailVerified: Date | null", date)
        }
        (ItemKind::Session, "expires") => {
            member("Session", "expires: string (ISO 8601)", iso_string)
        }
        (ItemKind::Jwt, "name") => member("JWT", "name?: string | null", string),
        (ItemKind::Jwt, "email") => member("JWT", "email?: string | null", string),
        (ItemKind::Jwt, "picture") => member("JWT", "picture?: string | null", string),
        (ItemKind::Jwt, "sub") => member("JWT", "sub?: string", string),
        (ItemKind::Jwt, "jti") => member("JWT", "jti?: string", string),
        (ItemKind::Jwt, "iat") => member("JWT", "iat?: number (seconds)", numeric_date),
        (ItemKind::Jwt, "exp") => member("JWT", "exp?: number (seconds)", numeric_date),
        _ => return None,
    })
}

fn base(kind: ItemKind) -> &'static str {
    if kind == ItemKind::User {
        "User"
    } else {
        "Session[\"user\"]"
    }
}

/// Cross-field checks of one struct.
fn check_struct(cx: &Ctxt, c: &Container, named: &syn::FieldsNamed) {
    let kind = c.kind;
    let fields = c.item.fields();
    // Name → syn field (the first of that name), built once so large structs stay linear.
    let mut by_name: std::collections::HashMap<String, &syn::Field> =
        std::collections::HashMap::new();
    for f in &named.named {
        if let Some(i) = &f.ident {
            by_name.entry(unraw(i)).or_insert(f);
        }
    }
    let span_of = |name: &str| -> Span {
        by_name
            .get(name)
            .and_then(|f| f.ident.as_ref())
            .map(|i| i.span())
            .unwrap_or_else(Span::call_site)
    };
    let ty_span_of = |name: &str| -> Span {
        by_name
            .get(name)
            .map(|f| f.ty.span())
            .unwrap_or_else(Span::call_site)
    };

    // Wire names are unique among wire fields, column names among database fields.
    let mut by_wire: std::collections::HashMap<&str, &Field> = std::collections::HashMap::new();
    for f in fields {
        if f.targets.wire && !f.flatten {
            if let Some(prev) = by_wire.get(f.wire.as_str()).copied() {
                cx.error_at(
                    span_of(&f.name),
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
        let with: Vec<&Field> = fields.iter().filter(|f| f.role == Some(role)).collect();
        if with.len() > 1 {
            for extra in &with[1..] {
                cx.error_at(
                    span_of(&extra.name),
                    format!(
                        "two {what} fields: `{}` and `{}`; a {} has exactly one",
                        with[0].name,
                        extra.name,
                        kind.derive_name()
                    ),
                );
            }
        }
    }

    for f in fields {
        // Shapes of special fields.
        match f.role {
            Some(FieldRole::Role) => {
                let ok = matches!(&f.ty, Type::Named { .. })
                    || matches!(&f.ty, Type::List { of } if matches!(**of, Type::Named { .. }));
                if !ok {
                    cx.error_at(
                        ty_span_of(&f.name),
                        format!(
                            "the role field `{}` must be a role enum (derive AuthRole), `Option` of it or `Vec` of it{}",
                            f.name,
                            if f.name == "role" { "; if this field is not the role, name the role field with #[auth(role)]" } else { "" }
                        ),
                    );
                }
            }
            Some(FieldRole::Permissions) => {
                let ok = matches!(&f.ty, Type::List { of } if matches!(**of, Type::Named { .. } | Type::String));
                if !ok {
                    cx.error_at(
                        ty_span_of(&f.name),
                        format!("the permissions field `{}` must be `Vec<P>` of a permission enum (derive AuthPermission) or `Vec<String>`", f.name),
                    );
                }
            }
            Some(FieldRole::User) if !matches!(&f.ty, Type::Named { .. }) => {
                cx.error_at(
                    ty_span_of(&f.name),
                    "`session.user` must be a struct that derives AuthSessionUser",
                );
            }
            Some(FieldRole::User) | None => {}
        }
        // next-auth's own members keep their types.
        if f.targets.wire && f.ts_type.is_none() {
            if let Some(NextAuthMember {
                base,
                decl,
                matches,
            }) = next_auth_member(kind, &f.wire)
            {
                if !matches(&f.ty) {
                    cx.error_at(
                        ty_span_of(&f.name),
                        format!("field `{}` collides with next-auth's `{base}.{decl}`: its type must match", f.name),
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
                ty_span_of(&f.name),
                "the user `id` is required (next-auth's `User.id: string`): it cannot be an Option",
            );
        }
    }
}
