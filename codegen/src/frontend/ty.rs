//! Rust field types → model types, as serde puts them on the wire.

use syn::{GenericArgument, PathArguments};

use crate::model::{DateFormat, Type};

/// A lowered field type.
pub struct Lowered {
    /// The value type, the field's own `Option` taken off.
    pub ty: Type,
    /// Whether the field's type is an `Option`.
    pub optional: bool,
    /// The Rust paths of the named leaves (`Role` in `Vec<Role>`), for compile-time checks.
    pub named: Vec<syn::Type>,
}

/// Why a type could not be lowered: the offending (sub)type and a message.
pub struct Unsupported {
    /// The offending type.
    pub at: Box<syn::Type>,
    /// What is wrong and what to do.
    pub message: String,
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn generic_args(seg: &syn::PathSegment) -> Vec<&syn::Type> {
    match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The date format a `with` path gives, if it is one authgen knows.
pub fn date_format_of_with(path: &str) -> Option<DateFormat> {
    let p: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    let p = p.trim_start_matches("::");
    Some(match p {
        "chrono::serde::ts_seconds" | "chrono::serde::ts_seconds_option" => DateFormat::UnixSeconds,
        "chrono::serde::ts_milliseconds" | "chrono::serde::ts_milliseconds_option" => {
            DateFormat::UnixMillis
        }
        "time::serde::rfc3339" | "time::serde::rfc3339::option" => DateFormat::Rfc3339,
        "time::serde::timestamp" | "time::serde::timestamp::option" => DateFormat::UnixSeconds,
        "time::serde::timestamp::milliseconds" | "time::serde::timestamp::milliseconds::option" => {
            DateFormat::UnixMillis
        }
        _ => return None,
    })
}

/// Lowers a field type. `with` is the field's `#[serde(with = ...)]` date format, if it named one.
pub fn lower(ty: &syn::Type, with: Option<DateFormat>) -> Result<Lowered, Unsupported> {
    let mut named = Vec::new();
    let (inner, optional) = match strip_option(ty) {
        Some(inner) => (inner, true),
        None => (ty, false),
    };
    let ty = lower_inner(inner, with, &mut named, 0)?;
    Ok(Lowered {
        ty,
        optional,
        named,
    })
}

fn strip_option(ty: &syn::Type) -> Option<&syn::Type> {
    let seg = last_segment(ty)?;
    if seg.ident == "Option" {
        let args = generic_args(seg);
        if args.len() == 1 {
            return Some(args[0]);
        }
    }
    None
}

fn unsupported(at: &syn::Type, message: impl Into<String>) -> Unsupported {
    Unsupported {
        at: Box::new(at.clone()),
        message: message.into(),
    }
}

fn lower_inner(
    ty: &syn::Type,
    with: Option<DateFormat>,
    named: &mut Vec<syn::Type>,
    depth: usize,
) -> Result<Type, Unsupported> {
    if depth > 16 {
        return Err(unsupported(ty, "type nested too deeply"));
    }
    match ty {
        syn::Type::Reference(r) => return lower_inner(&r.elem, with, named, depth + 1),
        syn::Type::Paren(p) => return lower_inner(&p.elem, with, named, depth + 1),
        syn::Type::Group(g) => return lower_inner(&g.elem, with, named, depth + 1),
        syn::Type::Array(a) => {
            return Ok(Type::List {
                of: Box::new(lower_inner(&a.elem, with, named, depth + 1)?),
            });
        }
        syn::Type::Slice(s) => {
            return Ok(Type::List {
                of: Box::new(lower_inner(&s.elem, with, named, depth + 1)?),
            });
        }
        syn::Type::Path(p) if p.qself.is_none() => {}
        syn::Type::Path(_) => {
            return Err(unsupported(
                ty,
                "qualified paths (`<T as Trait>::X`) are not supported: name the type directly",
            ));
        }
        syn::Type::Tuple(t) if t.elems.is_empty() => {
            return Err(unsupported(
                ty,
                "`()` has no useful wire form; remove the field or mark it `#[serde(skip)]`",
            ));
        }
        _ => {
            return Err(unsupported(
                ty,
                "unsupported field type: authgen understands String, bool, integers, floats, Option, Vec, maps with \
                 string keys, chrono/time timestamps, uuid::Uuid, serde_json::Value and types that derive AuthType; \
                 give `#[auth(ts_type = \"...\")]` (and `sql_type` for a database column) to use another type",
            ));
        }
    }
    let Some(seg) = last_segment(ty) else {
        return Err(unsupported(
            ty,
            "qualified paths (`<T as Trait>::X`) are not supported: name the type directly",
        ));
    };
    let name = seg.ident.to_string();
    if name == "Self" {
        return Err(unsupported(
            ty,
            "recursive types are not supported: authgen types are trees",
        ));
    }
    // `crate::Value`, `self::Uuid`, `super::Map`: the application's own type, whatever its name.
    if let syn::Type::Path(p) = ty {
        let first = p.path.segments.first().map(|s| s.ident.to_string());
        if p.path.segments.len() > 1 && matches!(first.as_deref(), Some("crate" | "self" | "super"))
        {
            if !matches!(seg.arguments, PathArguments::None) {
                return Err(unsupported(
                    ty,
                    format!(
                        "generic type `{name}<..>` is not supported: authgen types are not generic"
                    ),
                ));
            }
            named.push(ty.clone());
            return Ok(Type::Named { name });
        }
    }
    lower_path(ty, seg, name, with, named, depth)
}

/// A scalar type by its last path segment's name: `None` when `name` is not one.
fn scalar(
    ty: &syn::Type,
    seg: &syn::PathSegment,
    name: &str,
    with: Option<DateFormat>,
) -> Option<Result<Type, Unsupported>> {
    let no_args = |t: Type| {
        if matches!(seg.arguments, PathArguments::None) {
            Ok(t)
        } else {
            Err(unsupported(
                ty,
                format!("`{name}` takes no type arguments here"),
            ))
        }
    };
    Some(match name {
        "String" | "str" => no_args(Type::String),
        "bool" => Ok(Type::Bool),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            let signed = name.starts_with('i');
            let bits = match &name[1..] {
                "size" => 64,
                b => b.parse().unwrap_or(64),
            };
            Ok(Type::Int { signed, bits })
        }
        "f32" => Ok(Type::Float { bits: 32 }),
        "f64" => Ok(Type::Float { bits: 64 }),
        "DateTime" => Ok(Type::DateTime { format: with.unwrap_or(DateFormat::Rfc3339) }),
        "OffsetDateTime" | "UtcDateTime" => match with {
            Some(format) => Ok(Type::DateTime { format }),
            None => Err(unsupported(
                ty,
                "`time::OffsetDateTime` has no string form in serde by default (it writes a tuple); add \
                 `#[serde(with = \"time::serde::rfc3339\")]` (or `time::serde::timestamp`)",
            )),
        },
        "NaiveDateTime" | "NaiveDate" | "PrimitiveDateTime" | "Date" => Err(unsupported(
            ty,
            format!("`{name}` has no time zone; authgen stores UTC instants: use chrono `DateTime<Utc>`"),
        )),
        "Uuid" => no_args(Type::Uuid),
        "Value" => Ok(Type::Json),
        "char" => Ok(Type::String),
        _ => return None,
    })
}

/// A path type: a scalar, a wrapper (`Option`, `Vec`, maps, `Box`, ...) or another item.
fn lower_path(
    ty: &syn::Type,
    seg: &syn::PathSegment,
    name: String,
    with: Option<DateFormat>,
    named: &mut Vec<syn::Type>,
    depth: usize,
) -> Result<Type, Unsupported> {
    if let Some(t) = scalar(ty, seg, &name, with) {
        return t;
    }
    let args = generic_args(seg);
    let one = |what: &str| -> Result<&syn::Type, Unsupported> {
        if args.len() == 1 {
            Ok(args[0])
        } else {
            Err(unsupported(ty, format!("`{what}` needs one type argument")))
        }
    };
    Ok(match name.as_str() {
        "Cow" if args.len() == 1 => lower_inner(args[0], with, named, depth + 1)?,
        // serde_json::Map<String, Value>
        "Map" if args.is_empty() => Type::Map {
            of: Box::new(Type::Json),
        },
        "Map" if args.len() == 2 => match lower_inner(args[0], None, &mut Vec::new(), depth + 1)? {
            Type::String => Type::Map {
                of: Box::new(lower_inner(args[1], with, named, depth + 1)?),
            },
            _ => {
                return Err(unsupported(
                    args[0],
                    "map keys must be strings to be a JSON object",
                ))
            }
        },
        "Option" => Type::Nullable {
            of: Box::new(lower_inner(one("Option")?, with, named, depth + 1)?),
        },
        "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" | "LinkedList" => Type::List {
            of: Box::new(lower_inner(one(&name)?, with, named, depth + 1)?),
        },
        "Box" | "Arc" | "Rc" => lower_inner(one(&name)?, with, named, depth + 1)?,
        "HashMap" | "BTreeMap" | "IndexMap" => {
            // A third argument is the hasher.
            if args.len() < 2 {
                return Err(unsupported(
                    ty,
                    format!("`{name}` needs a key and a value type"),
                ));
            }
            match lower_inner(args[0], None, &mut Vec::new(), depth + 1)? {
                Type::String => {}
                _ => {
                    return Err(unsupported(
                        args[0],
                        "map keys must be strings to be a JSON object",
                    ))
                }
            }
            Type::Map {
                of: Box::new(lower_inner(args[1], with, named, depth + 1)?),
            }
        }
        _ => {
            if !matches!(seg.arguments, PathArguments::None) {
                return Err(unsupported(
                    ty,
                    format!(
                        "generic type `{name}<..>` is not supported: authgen types are not generic"
                    ),
                ));
            }
            named.push(ty.clone());
            Type::Named { name }
        }
    })
}
