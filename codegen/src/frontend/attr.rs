//! Attribute parsing: `#[serde(...)]` (the parts that decide the wire format) and
//! `#[auth(...)]` (authgen's own options). Duplicates are detected; an unknown `auth` key gets a
//! did-you-mean.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitStr, Token};

use super::case::{RenameRule, RULES};
use super::ctxt::Ctxt;
use crate::diag::did_you_mean;
use crate::model::{DefaultValue, SqlTypes};

/// A value set at most once, remembering where.
pub struct Once<'c, T> {
    cx: &'c Ctxt,
    name: &'static str,
    value: Option<(T, Span)>,
}

impl<'c, T> Once<'c, T> {
    fn new(cx: &'c Ctxt, name: &'static str) -> Self {
        Once {
            cx,
            name,
            value: None,
        }
    }

    fn set(&mut self, span: Span, value: T) {
        if self.value.is_some() {
            self.cx
                .error_at(span, format_args!("duplicate `{}` attribute", self.name));
        } else {
            self.value = Some((value, span));
        }
    }

    fn get(self) -> Option<(T, Span)> {
        self.value
    }
}

/// The key of a nested meta, as written.
fn key(meta: &ParseNestedMeta) -> String {
    let path = &meta.path;
    path.get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| quote::quote!(#path).to_string().replace(' ', ""))
}

/// Consumes the value of a meta item we do not interpret (`= expr` or `(...)`).
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

fn lit_str(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected a string literal after `{} =`", key(meta)),
        )),
    }
}

/// `rename = "x"` or `rename(serialize = "a", deserialize = "b")`: the (serialize, deserialize)
/// names, either possibly absent.
fn ser_de_names(meta: &ParseNestedMeta) -> syn::Result<(Option<LitStr>, Option<LitStr>)> {
    if meta.input.peek(Token![=]) {
        let s = lit_str(meta)?;
        return Ok((Some(s.clone()), Some(s)));
    }
    let mut ser = None;
    let mut de = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            ser = Some(lit_str(&inner)?);
        } else if inner.path.is_ident("deserialize") {
            de = Some(lit_str(&inner)?);
        } else {
            return Err(inner.error("expected `serialize` or `deserialize`"));
        }
        Ok(())
    })?;
    Ok((ser, de))
}

/// Runs `f` on every nested meta item of every `#[name(...)]` attribute, recording parse errors.
fn each_meta(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    name: &str,
    mut f: impl FnMut(ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident(name)) {
        if let Err(e) = attr.parse_nested_meta(&mut f) {
            cx.syn_error(e);
        }
    }
}

/// `rename = "x"` or `rename(serialize = .., deserialize = ..)` on a field or variant: the one wire
/// name, or `None` after reporting a conflict.
fn wire_rename(cx: &Ctxt, meta: &ParseNestedMeta, what: &str) -> syn::Result<Option<String>> {
    let (ser, de) = ser_de_names(meta)?;
    // A one-sided rename keeps serde's default name on the other side: a conflict too.
    if ser.is_some() != de.is_some() {
        let lit = ser.as_ref().or(de.as_ref()).expect("one side");
        cx.error_spanned_by(
            lit,
            format!(
                "conflicting renames: this {what} is renamed for only one direction; \
                 authgen needs one wire name for TypeScript and SQL"
            ),
        );
        return Ok(None);
    }
    Ok(check_same(cx, what, &ser, &de, None))
}

/// The wire-relevant parts of a container's `#[serde(...)]`.
#[derive(Default)]
pub struct SerdeContainer {
    /// `rename_all`.
    pub rename_all: Option<(RenameRule, Span)>,
    /// `#[serde(default)]` on the container.
    pub default: bool,
    /// Options that change the wire format in a way authgen does not model, with their span.
    pub unsupported: Vec<(Span, String)>,
}

/// The wire-relevant parts of a field's `#[serde(...)]`.
#[derive(Default)]
pub struct SerdeField {
    /// The wire name (serialize and deserialize agree, or conflict was reported).
    pub rename: Option<String>,
    /// `skip`: neither written nor read.
    pub skip: bool,
    /// `skip_serializing` or `skip_deserializing`: only one direction has the key.
    pub skip_one_way: bool,
    /// `skip_serializing_if = "path"`.
    pub skip_serializing_if: Option<String>,
    /// `default` or `default = "path"`.
    pub default: bool,
    /// `flatten`.
    pub flatten: Option<Span>,
    /// `with`, `serialize_with` or `deserialize_with`: the path and where it is.
    pub with: Option<(String, Span)>,
}

/// The wire-relevant parts of a variant's `#[serde(...)]`.
#[derive(Default)]
pub struct SerdeVariant {
    /// The wire name.
    pub rename: Option<String>,
    /// `skip`, `skip_serializing` or `skip_deserializing`.
    pub skip: Option<Span>,
    /// Options that change the wire format in a way authgen does not model.
    pub unsupported: Vec<(Span, String)>,
}

fn check_same(
    cx: &Ctxt,
    what: &str,
    ser: &Option<LitStr>,
    de: &Option<LitStr>,
    default: Option<&str>,
) -> Option<String> {
    let s = ser.as_ref().map(LitStr::value);
    let d = de.as_ref().map(LitStr::value);
    let (sv, dv) = (s.as_deref().or(default), d.as_deref().or(default));
    if sv != dv {
        let span = ser
            .as_ref()
            .or(de.as_ref())
            .map(|l| l.span())
            .unwrap_or_else(Span::call_site);
        cx.error_at(
            span,
            format_args!(
                "conflicting renames: serde serializes this {what} as `{}` but deserializes it as `{}`; \
                 authgen needs one wire name for TypeScript and SQL",
                sv.unwrap_or("(serde's default)"),
                dv.unwrap_or("(serde's default)")
            ),
        );
        return None;
    }
    s.or(d)
}

/// Parses the container's `#[serde(...)]` attributes.
pub fn serde_container(cx: &Ctxt, attrs: &[syn::Attribute], is_enum: bool) -> SerdeContainer {
    let mut out = SerdeContainer::default();
    each_meta(cx, attrs, "serde", |meta| {
        let k = key(&meta);
        match k.as_str() {
            "rename_all" => {
                let span = meta.path.span();
                let (ser, de) = ser_de_names(&meta)?;
                let name = check_same(
                    cx,
                    if is_enum {
                        "enum's variants"
                    } else {
                        "struct's fields"
                    },
                    &ser,
                    &de,
                    None,
                );
                if let Some(name) = name {
                    match RenameRule::by_name(&name) {
                        Some(rule) => out.rename_all = Some((rule, span)),
                        None => {
                            let names: Vec<&str> = RULES.iter().map(|(n, _)| *n).collect();
                            let lit = ser.or(de).expect("a name was given");
                            let hint = did_you_mean(&name, &names)
                                .map(|s| format!(" (did you mean `{s}`?)"))
                                .unwrap_or_default();
                            cx.error_spanned_by(
                                lit,
                                format!(
                                    "unknown rename rule `{name}`{hint}; serde accepts {}",
                                    names.join(", ")
                                ),
                            );
                        }
                    }
                }
            }
            "default" => {
                out.default = true;
                skip_value(&meta)?;
            }
            "tag" | "content" | "untagged" => {
                out.unsupported.push((meta.path.span(), k.clone()));
                skip_value(&meta)?;
            }
            "transparent" | "from" | "into" | "try_from" | "remote" => {
                out.unsupported.push((meta.path.span(), k.clone()));
                skip_value(&meta)?;
            }
            _ => skip_value(&meta)?,
        }
        Ok(())
    });
    out
}

/// Parses a field's `#[serde(...)]` attributes.
pub fn serde_field(cx: &Ctxt, attrs: &[syn::Attribute]) -> SerdeField {
    let mut out = SerdeField::default();
    each_meta(cx, attrs, "serde", |meta| {
        let k = key(&meta);
        match k.as_str() {
            "rename" => out.rename = wire_rename(cx, &meta, "field")?,
            "skip" => out.skip = true,
            "skip_serializing" | "skip_deserializing" => out.skip_one_way = true,
            "skip_serializing_if" => out.skip_serializing_if = Some(lit_str(&meta)?.value()),
            "default" => {
                out.default = true;
                skip_value(&meta)?;
            }
            "flatten" => out.flatten = Some(meta.path.span()),
            "with" | "serialize_with" | "deserialize_with" => {
                let s = lit_str(&meta)?;
                let path = s.value();
                let path = if k == "with" {
                    path
                } else {
                    format!("{path} ({k})")
                };
                out.with = Some((path, s.span()));
            }
            _ => skip_value(&meta)?,
        }
        Ok(())
    });
    out
}

/// Parses a variant's `#[serde(...)]` attributes.
pub fn serde_variant(cx: &Ctxt, attrs: &[syn::Attribute]) -> SerdeVariant {
    let mut out = SerdeVariant::default();
    each_meta(cx, attrs, "serde", |meta| {
        let k = key(&meta);
        match k.as_str() {
            "rename" => out.rename = wire_rename(cx, &meta, "variant")?,
            "skip" | "skip_serializing" | "skip_deserializing" => out.skip = Some(meta.path.span()),
            "with" | "serialize_with" | "deserialize_with" | "untagged" => {
                out.unsupported.push((meta.path.span(), k.clone()));
                skip_value(&meta)?;
            }
            _ => skip_value(&meta)?,
        }
        Ok(())
    });
    out
}

/// The keys `#[auth(...)]` accepts on a container.
pub const CONTAINER_KEYS: &[&str] = &["crate", "table", "ext"];
/// The keys `#[auth(...)]` accepts on a field.
pub const FIELD_KEYS: &[&str] = &[
    "role",
    "permissions",
    "user",
    "default",
    "default_sql",
    "unique",
    "index",
    "db_only",
    "ts_only",
    "skip",
    "column",
    "sql_type",
    "ts_type",
    "ts_import",
    "renamed_from",
];

fn unknown_key(cx: &Ctxt, meta: &ParseNestedMeta, keys: &[&str], place: &str) -> syn::Result<()> {
    let k = key(meta);
    let hint = did_you_mean(&k, keys)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    let expected = if keys.is_empty() {
        String::from("none are accepted here")
    } else {
        format!("expected one of {}", keys.join(", "))
    };
    cx.error_spanned_by(
        &meta.path,
        format!("unknown authgen attribute `{k}` on {place}{hint} ({expected})"),
    );
    skip_value(meta)
}

/// A container's `#[auth(...)]`.
#[derive(Default)]
pub struct AuthContainer {
    /// `crate = "path"`: where the `authgen` crate is (derives only).
    pub krate: Option<(syn::Path, Span)>,
    /// `table = "name"`.
    pub table: Option<(String, Span)>,
    /// `ext = "TraitName"`.
    pub ext: Option<(syn::Ident, Span)>,
}

/// Parses a container's `#[auth(...)]` attributes.
pub fn auth_container(cx: &Ctxt, attrs: &[syn::Attribute]) -> AuthContainer {
    let mut krate = Once::new(cx, "crate");
    let mut table = Once::new(cx, "table");
    let mut ext = Once::new(cx, "ext");
    each_meta(cx, attrs, "auth", |meta| {
        let span = meta.path.span();
        match key(&meta).as_str() {
            "crate" => {
                let s = lit_str(&meta)?;
                krate.set(span, s.parse::<syn::Path>()?);
            }
            "table" => {
                let s = lit_str(&meta)?;
                if s.value().trim().is_empty() {
                    cx.error_spanned_by(&s, "the table name is empty");
                }
                table.set(span, s.value());
            }
            "ext" => {
                let s = lit_str(&meta)?;
                match s.parse::<syn::Ident>() {
                    Ok(id) => ext.set(span, id),
                    Err(_) => cx.error_spanned_by(&s, "`ext` must name a trait: a Rust identifier"),
                }
            }
            _ => unknown_key(cx, &meta, CONTAINER_KEYS, "a type")?,
        }
        Ok(())
    });
    AuthContainer {
        krate: krate.get(),
        table: table.get(),
        ext: ext.get(),
    }
}

/// A field's `#[auth(...)]`. Each option remembers its span, for errors about where it applies.
#[derive(Default)]
pub struct AuthField {
    /// `role` (or `role = true`).
    pub role: Option<Span>,
    /// `role = false`: a field named `role` that is an ordinary field, with no role semantics.
    pub not_role: Option<Span>,
    /// `permissions`.
    pub permissions: Option<Span>,
    /// `user`.
    pub user: Option<Span>,
    /// `default = ...` or `default_sql = "..."`.
    pub default: Option<(DefaultValue, Span)>,
    /// `unique`.
    pub unique: Option<Span>,
    /// `index`.
    pub index: Option<Span>,
    /// `db_only`.
    pub db_only: Option<Span>,
    /// `ts_only`.
    pub ts_only: Option<Span>,
    /// `skip`.
    pub skip: Option<Span>,
    /// `column = "..."`.
    pub column: Option<(String, Span)>,
    /// `sql_type = "..."` or `sql_type(postgres = "...", ...)`.
    pub sql_type: Option<(SqlTypes, Span)>,
    /// `ts_type = "..."`.
    pub ts_type: Option<(String, Span)>,
    /// `ts_import = "..."`.
    pub ts_import: Option<(String, Span)>,
    /// `renamed_from = "..."` (repeatable) or `renamed_from = ["a", "b"]`.
    pub renamed_from: Vec<(String, Span)>,
}

fn flag(cx: &Ctxt, slot: &mut Option<Span>, meta: &ParseNestedMeta, name: &str) -> syn::Result<()> {
    if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        cx.error_spanned_by(&meta.path, format!("`{name}` takes no value"));
        return skip_value(meta);
    }
    if slot.is_some() {
        cx.error_spanned_by(&meta.path, format!("duplicate `{name}` attribute"));
    } else {
        *slot = Some(meta.path.span());
    }
    Ok(())
}

/// `role`, `role = true` or `role = false`.
fn role_flag(cx: &Ctxt, out: &mut AuthField, meta: &ParseNestedMeta) -> syn::Result<()> {
    if !meta.input.peek(Token![=]) {
        return flag(cx, &mut out.role, meta, "role");
    }
    let span = meta.path.span();
    let expr: Expr = meta.value()?.parse()?;
    let Expr::Lit(ExprLit {
        lit: Lit::Bool(b), ..
    }) = &expr
    else {
        cx.error_spanned_by(
            &expr,
            "`role` takes no value, or `true` / `false`: `#[auth(role = false)]` makes a field named `role` an ordinary field",
        );
        return Ok(());
    };
    let slot = if b.value {
        &mut out.role
    } else {
        &mut out.not_role
    };
    if slot.is_some() {
        cx.error_spanned_by(&meta.path, "duplicate `role` attribute");
    } else {
        *slot = Some(span);
    }
    Ok(())
}

fn default_value(expr: &Expr) -> Result<DefaultValue, syn::Error> {
    fn lit(expr: &Expr) -> Result<serde_json::Value, syn::Error> {
        match expr {
            Expr::Lit(ExprLit { lit, .. }) => match lit {
                Lit::Str(s) => Ok(serde_json::Value::String(s.value())),
                Lit::Bool(b) => Ok(serde_json::Value::Bool(b.value)),
                Lit::Int(i) => i
                    .base10_parse::<u64>()
                    .map(serde_json::Value::from)
                    .map_err(|_| syn::Error::new_spanned(i, "integer default out of range for u64")),
                Lit::Float(f) => {
                    let v: f64 = f.base10_parse()?;
                    serde_json::Number::from_f64(v)
                        .map(serde_json::Value::Number)
                        .ok_or_else(|| syn::Error::new_spanned(f, "float default must be finite"))
                }
                other => Err(syn::Error::new_spanned(other, "unsupported literal in `default`")),
            },
            Expr::Unary(syn::ExprUnary { op: syn::UnOp::Neg(_), expr: inner, .. }) => match lit(inner)? {
                serde_json::Value::Number(n) => {
                    if let Some(u) = n.as_u64() {
                        // -9223372036854775808 is i64::MIN; anything below does not fit.
                        i64::try_from(-i128::from(u))
                            .map(serde_json::Value::from)
                            .map_err(|_| syn::Error::new_spanned(expr, "integer default out of range for i64"))
                    } else {
                        Ok(serde_json::Number::from_f64(-n.as_f64().unwrap_or(0.0))
                            .map(serde_json::Value::Number)
                            .unwrap_or(serde_json::Value::Null))
                    }
                }
                _ => Err(syn::Error::new_spanned(expr, "only numbers can be negated in `default`")),
            },
            Expr::Path(p) if p.path.is_ident("null") => Ok(serde_json::Value::Null),
            Expr::Array(a) => a.elems.iter().map(lit).collect::<Result<Vec<_>, _>>().map(serde_json::Value::Array),
            other => Err(syn::Error::new_spanned(
                other,
                "unsupported `default`: expected a literal (\"USER\", 0, true), a list ([] or [\"a\"]), null, `now` or `uuid`; \
                 use `default_sql = \"...\"` for a raw SQL expression",
            )),
        }
    }
    match expr {
        Expr::Path(p) if p.path.is_ident("now") => Ok(DefaultValue::Now),
        Expr::Path(p) if p.path.is_ident("uuid") => Ok(DefaultValue::Uuid),
        other => lit(other).map(DefaultValue::Value),
    }
}

/// Parses a field's `#[auth(...)]` attributes.
pub fn auth_field(cx: &Ctxt, attrs: &[syn::Attribute]) -> AuthField {
    let mut out = AuthField::default();
    let mut default = Once::new(cx, "default");
    let mut column = Once::new(cx, "column");
    let mut sql_type = Once::new(cx, "sql_type");
    let mut ts_type = Once::new(cx, "ts_type");
    let mut ts_import = Once::new(cx, "ts_import");
    each_meta(cx, attrs, "auth", |meta| {
        let span = meta.path.span();
        match key(&meta).as_str() {
            "role" => role_flag(cx, &mut out, &meta)?,
            "permissions" => flag(cx, &mut out.permissions, &meta, "permissions")?,
            "user" => flag(cx, &mut out.user, &meta, "user")?,
            "unique" => flag(cx, &mut out.unique, &meta, "unique")?,
            "index" => flag(cx, &mut out.index, &meta, "index")?,
            "db_only" => flag(cx, &mut out.db_only, &meta, "db_only")?,
            "ts_only" => flag(cx, &mut out.ts_only, &meta, "ts_only")?,
            "skip" => flag(cx, &mut out.skip, &meta, "skip")?,
            "default" => {
                if !meta.input.peek(Token![=]) {
                    cx.error_spanned_by(&meta.path, "`default` needs a value: `default = \"USER\"`, `default = []`, `default = now`, ...");
                    return skip_value(&meta);
                }
                let expr: Expr = meta.value()?.parse()?;
                match default_value(&expr) {
                    Ok(v) => default.set(span, v),
                    Err(e) => cx.syn_error(e),
                }
            }
            "default_sql" => {
                let s = lit_str(&meta)?;
                if s.value().trim().is_empty() {
                    cx.error_spanned_by(&s, "`default_sql` is empty");
                }
                default.set(span, DefaultValue::Sql(s.value()));
            }
            "column" => {
                let s = lit_str(&meta)?;
                if s.value().trim().is_empty() {
                    cx.error_spanned_by(&s, "the column name is empty");
                }
                column.set(span, s.value());
            }
            "sql_type" => sql_type.set(span, sql_types(&meta)?),
            "ts_type" => {
                let s = lit_str(&meta)?;
                if s.value().trim().is_empty() {
                    cx.error_spanned_by(&s, "`ts_type` is empty");
                }
                ts_type.set(span, s.value());
            }
            "ts_import" => {
                let s = lit_str(&meta)?;
                ts_import.set(span, s.value());
            }
            "renamed_from" => renamed_from(cx, &meta, &mut out.renamed_from)?,
            _ => unknown_key(cx, &meta, FIELD_KEYS, "a field")?,
        }
        Ok(())
    });
    out.default = default.get();
    out.column = column.get();
    out.sql_type = sql_type.get();
    out.ts_type = ts_type.get();
    out.ts_import = ts_import.get();
    out
}

/// `sql_type = "..."` or `sql_type(postgres = "...", mysql = "...", sqlite = "...")`.
fn sql_types(meta: &ParseNestedMeta<'_>) -> syn::Result<SqlTypes> {
    let mut types = SqlTypes::default();
    if meta.input.peek(Token![=]) {
        types.all = Some(lit_str(meta)?.value());
        return Ok(types);
    }
    meta.parse_nested_meta(|inner| {
        let slot = match key(&inner).as_str() {
            "postgres" => &mut types.postgres,
            "mysql" => &mut types.mysql,
            "sqlite" => &mut types.sqlite,
            other => {
                let hint = did_you_mean(other, &["postgres", "mysql", "sqlite"])
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(inner.error(format!(
                    "unknown SQL dialect `{other}`{hint} (expected postgres, mysql or sqlite)"
                )));
            }
        };
        if slot.is_some() {
            return Err(inner.error("duplicate dialect in `sql_type`"));
        }
        *slot = Some(lit_str(&inner)?.value());
        Ok(())
    })?;
    Ok(types)
}

/// `renamed_from = "..."` or `renamed_from = ["...", ...]`, each name with its span.
fn renamed_from(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    out: &mut Vec<(String, Span)>,
) -> syn::Result<()> {
    let expr: Expr = meta.value()?.parse()?;
    let mut push = |e: &Expr| match e {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => out.push((s.value(), s.span())),
        other => cx.error_spanned_by(other, "`renamed_from` takes a string or a list of strings"),
    };
    match &expr {
        Expr::Array(a) => a.elems.iter().for_each(&mut push),
        e => push(e),
    }
    Ok(())
}

/// Rejects any `#[auth(...)]` on a variant (none are defined yet).
pub fn auth_variant(cx: &Ctxt, attrs: &[syn::Attribute]) {
    each_meta(cx, attrs, "auth", |meta| {
        unknown_key(cx, &meta, &[], "a variant")
    });
}

/// The doc comment lines of `attrs`, each with one leading space removed.
pub fn docs(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) = &nv.value
            {
                for line in s.value().lines() {
                    lines.push(line.strip_prefix(' ').unwrap_or(line).trim_end().to_owned());
                }
            }
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    lines
}
