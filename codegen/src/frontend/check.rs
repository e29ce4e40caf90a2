//! Checks across items, on the assembled model: kinds that may appear once, types that resolve,
//! role and permission fields that point at the role and permission enums, defaults that fit
//! their columns.
//!
//! The CLI runs these on the model built from whole files (with source locations); the derives
//! cannot see other items, so they enforce the same rules with trait bounds at compile time, and
//! [`assemble`] runs these checks again when an application builds a model from the derives.

use std::collections::BTreeSet;

use crate::diag::Diagnostic;
use crate::model::{Def, DefaultValue, Field, FieldRole, Item, ItemKind, Model, Presence, Type};

/// A model that passed every check: the only input the emitters take.
///
/// Only the checks construct one ([`check`], [`assemble`], and
/// [`parse_sources`](super::source::parse_sources)), so an emitter never re-checks what the
/// model guarantees: types resolve, special fields have their shapes, flattened fields are
/// structs, defaults fit, next-auth's own members keep their types and no two fields share a
/// column. It derefs to [`Model`].
///
/// ```
/// use authgen_codegen::frontend::check::{check, Checked};
/// use authgen_codegen::model::Model;
/// let checked: Checked = check(Model::default()).unwrap();
/// assert!(checked.items.is_empty());
/// let model: Model = checked.into_model();
/// assert_eq!(model, Model::default());
/// ```
///
/// Nothing else constructs one:
///
/// ```compile_fail
/// use authgen_codegen::{frontend::check::Checked, model::Model};
/// let unchecked = Checked { model: Model::default() };
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    model: Model,
}

impl Checked {
    /// The checked model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The model, giving up the guarantee.
    pub fn into_model(self) -> Model {
        self.model
    }
}

impl std::ops::Deref for Checked {
    type Target = Model;

    fn deref(&self) -> &Model {
        &self.model
    }
}

impl AsRef<Model> for Checked {
    fn as_ref(&self) -> &Model {
        &self.model
    }
}

/// Checks `model` (for example one read back from JSON).
///
/// ```
/// use authgen_codegen::frontend::check::check;
/// use authgen_codegen::model::Model;
/// let model: Model = serde_json::from_str(r#"{"items": [{"name": "Claims", "kind": "jwt",
///     "def": {"struct": {"fields": [{"name": "team", "wire": "team",
///         "ty": {"type": "named", "name": "Team"}, "presence": "required",
///         "targets": {"wire": true, "db": false}}]}}}]}"#).unwrap();
/// let errors = check(model).unwrap_err();
/// assert_eq!(errors[0].message, "unknown type `Team` in field `Claims.team`");
/// ```
pub fn check(model: Model) -> Result<Checked, Vec<Diagnostic>> {
    check_with(model, &BTreeSet::new())
}

/// [`check`], with the names of types defined in the input without an authgen derive (for a
/// better hint on unknown types).
pub(crate) fn check_with(
    model: Model,
    unmarked: &BTreeSet<String>,
) -> Result<Checked, Vec<Diagnostic>> {
    let errors = check_model(&model, unmarked);
    if errors.is_empty() {
        Ok(Checked { model })
    } else {
        Err(errors)
    }
}

/// Builds a model from items (for example from the derives' `describe()`), in the order given,
/// and checks it.
///
/// ```
/// use authgen_codegen::frontend::check::assemble;
/// use authgen_codegen::model::{Def, Item, ItemKind, Variant};
/// let role = Item {
///     name: "Role".into(), kind: ItemKind::Role, docs: vec![],
///     def: Def::Enum { variants: vec![Variant::new("User", "USER")] },
///     table: None, ext_trait: None, loc: None,
/// };
/// let model = assemble(vec![role.clone()]).unwrap();
/// assert_eq!(model.items.len(), 1);
/// assert!(assemble(vec![role.clone(), role]).is_err());
/// ```
pub fn assemble(items: Vec<Item>) -> Result<Checked, Vec<Diagnostic>> {
    check(Model { items })
}

/// Every cross-item error of `model`. `unmarked` names types defined in the input without an
/// authgen derive (for a better hint on unknown types).
///
/// ```
/// use authgen_codegen::frontend::check::check_model;
/// use authgen_codegen::frontend::source::{parse_sources, Source};
/// let src = "#[derive(AuthJwt)] struct Claims { sub: String }";
/// let model = parse_sources(&[Source { name: "m.rs".into(), text: src.into() }]).unwrap();
/// assert!(check_model(&model, &Default::default()).is_empty());
/// ```
pub fn check_model(model: &Model, unmarked: &BTreeSet<String>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut names = BTreeSet::new();
    for item in &model.items {
        if !names.insert(item.name.as_str()) {
            errors.push(Diagnostic::new(
                item.loc.clone(),
                format!("`{}` is defined twice in the input", item.name),
            ));
        }
    }
    for kind in ItemKind::ALL {
        if kind == ItemKind::Type {
            continue;
        }
        let of_kind: Vec<&Item> = model.items.iter().filter(|i| i.kind == kind).collect();
        for extra in of_kind.iter().skip(1) {
            errors.push(Diagnostic::new(
                extra.loc.clone(),
                format!(
                    "`{}` derives {} but `{}` already does; a model has one",
                    extra.name,
                    kind.derive_name(),
                    of_kind[0].name
                ),
            ));
        }
    }
    check_free_form_roles(model, &mut errors);
    for item in &model.items {
        for field in item.fields() {
            check_field(model, item, field, unmarked, &mut errors);
        }
        check_flattened(model, item, &mut errors);
        check_flatten_cycles(model, item, &mut vec![item], &mut errors);
        if item.kind == ItemKind::User {
            check_columns(item, &mut errors);
        }
    }
    errors
}

/// Roles are either a role enum's or free-form strings, never both: a free-form role field in a
/// model with a role enum is an error at the field's type.
fn check_free_form_roles(model: &Model, errors: &mut Vec<Diagnostic>) {
    let Some(role) = model.role() else { return };
    for item in model.items.iter().filter(|i| i.kind.is_principal()) {
        for f in item.fields().iter().filter(|f| f.is_free_form_role()) {
            errors.push(
                Diagnostic::new(
                    f.ty_loc.clone().or_else(|| f.loc.clone()),
                    format!(
                        "the role field `{}.{}` is a free-form string, but the model has the role enum `{}`: a model's roles are the enum's or free-form strings, not both",
                        item.name, f.name, role.name
                    ),
                )
                .note(format!(
                    "type the field `{}` (or `Option<{}>`), or mark it #[auth(role = false)] to make it an ordinary field",
                    role.name, role.name
                )),
            );
        }
    }
}

/// A struct flattened into itself, directly or through others, has no finite set of keys.
fn check_flatten_cycles<'m>(
    model: &'m Model,
    item: &'m Item,
    stack: &mut Vec<&'m Item>,
    errors: &mut Vec<Diagnostic>,
) {
    for f in item.fields().iter().filter(|f| f.flatten) {
        let Some(inner) = f.ty.named().and_then(|n| model.get(n)) else {
            continue;
        };
        if std::ptr::eq(inner, stack[0]) {
            errors.push(Diagnostic::new(
                f.loc.clone(),
                format!(
                    "`{}.{}` flattens `{}` into itself",
                    item.name, f.name, inner.name
                ),
            ));
        } else if !stack.iter().any(|s| std::ptr::eq(*s, inner)) {
            stack.push(inner);
            check_flatten_cycles(model, inner, stack, errors);
            stack.pop();
        }
    }
}

/// A user field that maps onto a column something else already has.
pub(crate) struct ColumnClash {
    /// The field, by index in the user's fields.
    pub field: usize,
    /// The error, naming both places.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// No column of the users table holds two things: two user fields never map to one column, and a
/// field maps onto one of next-auth's own columns only by being that member.
pub(crate) fn column_clashes(user: &Item) -> Vec<ColumnClash> {
    let fields = user.fields();
    // Column → the field that has it: a map, so that large structs stay linear.
    let mut taken: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let help =
        |name: &str| format!("give `{name}` a column of its own with `#[auth(column = \"...\")]`");
    for (i, f) in fields.iter().enumerate().filter(|(_, f)| f.targets.db) {
        let column = authgen_naming::column_name(&f.wire, f.column.as_deref());
        if crate::nextauth::USER_COLUMNS.contains(&column) && f.wire != column {
            out.push(ColumnClash {
                field: i,
                message: format!(
                    "`{}.{}` maps to the column `{column}`, which is next-auth's `User.{column}` column",
                    user.name, f.name
                ),
                help: help(&f.name),
            });
        } else if let Some(j) = taken.get(column) {
            out.push(ColumnClash {
                field: i,
                message: format!(
                    "`{}.{}` maps to the column `{column}`, which `{}.{}`{} maps to as well",
                    user.name,
                    f.name,
                    user.name,
                    fields[*j].name,
                    fields[*j].loc.as_ref().map_or(String::new(), |l| format!(
                        " (at {}:{}:{})",
                        l.file, l.line, l.column
                    ))
                ),
                help: help(&f.name),
            });
        } else {
            taken.insert(column, i);
        }
    }
    out
}

fn check_columns(user: &Item, errors: &mut Vec<Diagnostic>) {
    for clash in column_clashes(user) {
        let loc = user.fields()[clash.field].loc.clone();
        errors.push(Diagnostic::new(loc, clash.message).note(clash.help));
    }
}

/// The one wording of the flatten rule.
pub(crate) fn flatten_message(owner: &str, field: &str) -> String {
    format!(
        "`{owner}.{field}` is `#[serde(flatten)]` but is not a struct deriving AuthType, or a map"
    )
}

/// The one wording of "a role or permissions field is typed from its enum".
pub(crate) fn special_ts_type_message(role: FieldRole) -> String {
    let what = role_word(role);
    format!("the {what} field cannot have a `ts_type`: authgen types it from the {what} enum")
}

fn role_word(role: FieldRole) -> &'static str {
    match role {
        FieldRole::Role => "role",
        FieldRole::Permissions => "permissions",
        FieldRole::User => "user",
    }
}

/// The one wording of the shape rule of a special field.
pub(crate) fn special_shape_message(owner: &str, f: &Field, role: FieldRole) -> String {
    match role {
        FieldRole::Role if is_string_list(&f.ty) => format!(
            "the role field `{owner}.{}` is a list of strings: a free-form role is one `String` or `Option<String>`, compared exactly; for several roles use `Vec<R>` of a role enum `R` (derive AuthRole){}",
            f.name,
            not_the_role_hint(f)
        ),
        FieldRole::Role => format!(
            "the role field `{owner}.{}` must be `R`, `Option<R>`, `Vec<R>` or `Option<Vec<R>>` of a role enum `R` (derive AuthRole), or `String` / `Option<String>` for a free-form role{}",
            f.name,
            not_the_role_hint(f)
        ),
        FieldRole::Permissions => format!(
            "the permissions field `{owner}.{}` must be `Vec<P>` or `Option<Vec<P>>` of a permission enum `P` (derive AuthPermission), or `Vec<String>`",
            f.name
        ),
        FieldRole::User => "`session.user` must be a struct that derives AuthSessionUser".into(),
    }
}

fn is_string_list(ty: &Type) -> bool {
    matches!(ty, Type::List { of } if **of == Type::String)
}

fn not_the_role_hint(f: &Field) -> &'static str {
    if f.name == "role" {
        "; if this field is not the role, mark it #[auth(role = false)] (or name the role field with #[auth(role)])"
    } else {
        ""
    }
}

/// The shape error of a special field, judged on the model (see [`special_shape_message`]).
pub(crate) fn special_shape_error(owner: &str, f: &Field, role: FieldRole) -> Option<String> {
    let named = |t: &Type| matches!(t, Type::Named { .. });
    let ok = match (role, &f.ty) {
        (FieldRole::Role, Type::List { of }) => named(of),
        (FieldRole::Role, Type::String) => true,
        (FieldRole::Role, t) | (FieldRole::User, t) => named(t),
        (FieldRole::Permissions, Type::List { of }) => named(of) || **of == Type::String,
        (FieldRole::Permissions, _) => false,
    };
    (!ok).then(|| special_shape_message(owner, f, role))
}

/// The keys serde writes for `item`, with flattened structs expanded: (key, field, the flattened
/// field it came through).
fn wire_keys<'m>(
    model: &'m Model,
    item: &'m Item,
    depth: usize,
    out: &mut Vec<(&'m str, &'m Field, Option<&'m Field>)>,
    via: Option<&'m Field>,
) {
    for f in item.fields().iter().filter(|f| f.targets.wire) {
        if f.flatten {
            if let (Some(inner), true) = (f.ty.named().and_then(|n| model.get(n)), depth < 8) {
                wire_keys(model, inner, depth + 1, out, via.or(Some(f)));
            }
        } else {
            out.push((f.wire.as_str(), f, via));
        }
    }
}

/// Flattened fields are the parent's own keys: no key twice, and next-auth's members keep their
/// types there too.
fn check_flattened(model: &Model, item: &Item, errors: &mut Vec<Diagnostic>) {
    if !item.fields().iter().any(|f| f.flatten) {
        return;
    }
    let mut keys = Vec::new();
    wire_keys(model, item, 0, &mut keys, None);
    // Key → the indices that write it, in order: a map, so that large structs stay linear.
    let mut by_key: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, (key, _, _)) in keys.iter().enumerate() {
        by_key.entry(key).or_default().push(i);
    }
    for (i, (key, field, via)) in keys.iter().enumerate() {
        let Some(via) = via else { continue };
        // An earlier key of any kind, else a later one the item writes itself.
        let same = &by_key[key];
        let other = match same.first() {
            Some(&j) if j < i => Some(j),
            _ => same.iter().copied().find(|&j| j > i && keys[j].2.is_none()),
        };
        if let Some((_, other, _)) = other.map(|j| &keys[j]) {
            errors.push(Diagnostic::new(
                via.loc.clone(),
                format!(
                    "`{}.{}` flattens a `{key}` key that `{}` also writes",
                    item.name, via.name, other.name
                ),
            ));
            continue;
        }
        if field.ts_type.is_none() {
            if let Some((base, decl)) = crate::nextauth::member(item.kind, key) {
                if !(decl.matches)(&field.ty) {
                    errors.push(Diagnostic::new(
                        via.loc.clone(),
                        format!(
                            "`{}.{}` flattens field `{}`, which collides with next-auth's `{base}.{}`: its type must match",
                            item.name, via.name, field.name, decl.describe()
                        ),
                    ));
                }
            }
        }
    }
}

fn kind_phrase(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Role => "a role enum (AuthRole)",
        ItemKind::Permission => "a permission enum (AuthPermission)",
        ItemKind::User => "the user (AuthUser)",
        ItemKind::Session => "the session (AuthSession)",
        ItemKind::SessionUser => "the session user (AuthSessionUser)",
        ItemKind::Jwt => "the JWT claims (AuthJwt)",
        ItemKind::Type => "a nested type (AuthType)",
    }
}

fn check_field(
    model: &Model,
    item: &Item,
    field: &Field,
    unmarked: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) {
    let at = || field.ty_loc.clone().or_else(|| field.loc.clone());
    let target = field.ty.named().map(|n| (n, model.get(n)));
    if let Some((name, None)) = target {
        if field.ts_type.is_none() {
            let hint = if unmarked.contains(name) {
                format!("`{name}` is defined in the input but derives no authgen type: add #[derive(AuthType)]")
            } else {
                format!("`{name}` is not defined in the input files; derive AuthType on it in an input file, or give #[auth(ts_type = \"...\")]")
            };
            errors.push(
                Diagnostic::new(
                    at(),
                    format!(
                        "unknown type `{name}` in field `{}.{}`",
                        item.name, field.name
                    ),
                )
                .note(hint)
                .note(format!("for ts-rs bindings: `#[auth(ts_type = \"{name}\", ts_import = \"./bindings/{name}\")]` imports `{name}` from them")),
            );
        }
        return;
    }
    let target = target.and_then(|(_, t)| t);
    if let Some(message) = target.and_then(|t| target_error(item, field, t)) {
        errors.push(Diagnostic::new(at(), message));
    }
    if let Some(role) = field.role.filter(|_| field.ts_type.is_none()) {
        if let Some(message) = special_shape_error(&item.name, field, role) {
            errors.push(Diagnostic::new(at(), message));
        }
    }
    if field.flatten {
        let ok = matches!(field.ty, Type::Map { .. })
            || target
                .is_some_and(|t| t.kind == ItemKind::Type && matches!(t.def, Def::Struct { .. }));
        if !ok || field.presence.is_nullable() {
            errors.push(Diagnostic::new(
                at(),
                flatten_message(&item.name, &field.name),
            ));
        }
    }
    // The derives check defaults of plain types with the item (see `lower`); enums need the
    // model, and a model read from JSON has not been through `lower`.
    if let Some(default) = &field.default {
        if let Err(why) = check_default(model, field, default) {
            errors.push(Diagnostic::new(
                field.loc.clone(),
                format!("bad default for `{}.{}`: {why}", item.name, field.name),
            ));
        }
    }
}

/// What is wrong with the item a field's type names, given the field's meaning.
fn target_error(item: &Item, field: &Field, t: &Item) -> Option<String> {
    let phrase = kind_phrase(t.kind);
    match field.role {
        Some(FieldRole::Role) => (t.kind != ItemKind::Role).then(|| {
            format!(
                "the role field `{}.{}` has type `{}`, which is {phrase}, not a role enum",
                item.name, field.name, t.name
            )
        }),
        Some(FieldRole::Permissions) => (t.kind != ItemKind::Permission).then(|| {
            format!(
                "the permissions field `{}.{}` lists `{}`, which is {phrase}, not a permission enum",
                item.name, field.name, t.name
            )
        }),
        Some(FieldRole::User) => (t.kind != ItemKind::SessionUser).then(|| {
            format!(
                "`session.user` has type `{}`, which is {phrase}; derive AuthSessionUser on it",
                t.name
            )
        }),
        None => (!t.kind.is_nestable() && field.ts_type.is_none()).then(|| {
            format!(
                "`{}.{}` has type `{}`, which is {phrase}: only roles, permissions and `AuthType` items can be nested in another item",
                item.name, field.name, t.name
            )
        }),
    }
}

pub(crate) fn check_default(
    model: &Model,
    field: &Field,
    default: &DefaultValue,
) -> Result<(), String> {
    match default {
        DefaultValue::Sql(_) => Ok(()),
        DefaultValue::Now => match field.ty {
            Type::DateTime { .. } => Ok(()),
            _ => Err("`now` needs a timestamp field".into()),
        },
        DefaultValue::Uuid => match field.ty {
            Type::Uuid | Type::String => Ok(()),
            _ => Err("`uuid` needs a Uuid or String field".into()),
        },
        DefaultValue::Value(v) => {
            if v.is_null() {
                return if field.presence == Presence::Required
                    || field.presence == Presence::Optional
                {
                    Err("`null` needs an Option field".into())
                } else {
                    Ok(())
                };
            }
            value_fits(model, &field.ty, v)
        }
    }
}

fn value_fits(model: &Model, ty: &Type, v: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value as V;
    match (ty, v) {
        (Type::String, V::String(_)) | (Type::Bool, V::Bool(_)) | (Type::Json, _) => Ok(()),
        (Type::Uuid, V::String(s)) if s.len() == 36 => Ok(()),
        (Type::Int { signed, bits }, V::Number(n)) => {
            let v = n
                .as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from))
                .ok_or_else(|| format!("{n} is not an integer"))?;
            let bits = u32::from((*bits).min(127));
            let (min, max) = if *signed {
                (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
            } else {
                (0, (1i128 << bits) - 1)
            };
            if (min..=max).contains(&v) {
                Ok(())
            } else {
                Err(format!(
                    "{v} is out of range for {}",
                    describe(&Type::Int {
                        signed: *signed,
                        bits: bits as u8
                    })
                ))
            }
        }
        (Type::Float { bits }, V::Number(n)) => match n.as_f64() {
            Some(f) if *bits >= 64 || f.abs() <= f64::from(f32::MAX) => Ok(()),
            _ => Err(format!("{n} is out of range for f{bits}")),
        },
        (Type::DateTime { .. }, V::String(_)) => Err(
            "a timestamp default is `now`, or a SQL expression with `default_sql = \"...\"`".into(),
        ),
        (Type::List { of }, V::Array(items)) => {
            items.iter().try_for_each(|i| value_fits(model, of, i))
        }
        (Type::Nullable { .. }, V::Null) => Ok(()),
        (Type::Nullable { of }, v) => value_fits(model, of, v),
        (Type::Map { .. }, V::Object(_)) => Ok(()),
        (Type::Named { name }, V::String(s)) => match model.get(name) {
            Some(item) if matches!(item.def, Def::Enum { .. }) => {
                if item.variants().iter().any(|var| &var.wire == s) {
                    Ok(())
                } else {
                    let wires: Vec<&str> =
                        item.variants().iter().map(|v| v.wire.as_str()).collect();
                    Err(format!(
                        "`{s}` is not a {}: expected one of {}",
                        item.name,
                        wires.join(", ")
                    ))
                }
            }
            Some(_) => Err(format!(
                "`{name}` is a struct; a literal default cannot fill it"
            )),
            None => Ok(()),
        },
        (ty, v) => Err(format!("{v} does not fit a {}", describe(ty))),
    }
}

fn describe(ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Bool => "bool".into(),
        Type::Int { signed: true, bits } => format!("i{bits}"),
        Type::Int {
            signed: false,
            bits,
        } => format!("u{bits}"),
        Type::Float { bits } => format!("f{bits}"),
        Type::DateTime { .. } => "timestamp".into(),
        Type::Uuid => "UUID".into(),
        Type::Json => "JSON value".into(),
        Type::List { of } => format!("list of {}", describe(of)),
        Type::Nullable { of } => format!("optional {}", describe(of)),
        Type::Map { of } => format!("map of {}", describe(of)),
        Type::Named { name } => format!("`{name}`"),
    }
}
