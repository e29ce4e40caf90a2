//! Rust → TypeScript type mapping, and a small model of TypeScript types precise enough to decide
//! whether a generated member fits the member next-auth already declares.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::diag::Diagnostic;
use crate::model::{DateFormat, Def, Field, Model, Type};

/// Where a value lives, which decides how dates are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// JSON as serde writes it: session, JWT, next-auth `User`.
    Wire,
    /// A database row as the adapters return it: `AdapterUser`.
    Db,
}

/// A TypeScript type, structured enough to render and to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ts {
    /// `string`, `number`, `boolean`, `null`, `unknown`, `Date`.
    Prim(&'static str),
    /// A string literal type (`"ADMIN"`).
    Lit(String),
    /// A string union alias of the model (role, permission, `AuthType` enum): its name and its
    /// literals.
    Enum(String, Vec<String>),
    /// An interface of the model or an imported type, by name.
    Ref(String),
    /// `T[]`.
    Array(Box<Ts>),
    /// `Record<string, T>`.
    Record(Box<Ts>),
    /// `A | B`.
    Union(Vec<Ts>),
    /// A `ts_type` given verbatim.
    Verbatim(String),
}

impl Ts {
    /// `self | null`, flattening unions.
    pub(crate) fn or_null(self) -> Ts {
        self.or(Ts::Prim("null"))
    }

    /// `self | other`, flattening unions and dropping duplicates.
    pub(crate) fn or(self, other: Ts) -> Ts {
        let mut members = Vec::new();
        for t in [self, other] {
            match t {
                Ts::Union(ms) => members.extend(ms),
                t => members.push(t),
            }
        }
        let mut out: Vec<Ts> = Vec::new();
        for m in members {
            if !out.contains(&m) {
                out.push(m);
            }
        }
        // `null` goes last: `string | Date | null`.
        if let Some(i) = out.iter().position(|t| *t == Ts::Prim("null")) {
            let null = out.remove(i);
            out.push(null);
        }
        if out.len() == 1 {
            out.pop().expect("one member")
        } else {
            Ts::Union(out)
        }
    }

    /// The TypeScript text.
    pub(crate) fn render(&self) -> String {
        match self {
            Ts::Prim(p) => (*p).to_string(),
            Ts::Lit(s) => string_literal(s),
            Ts::Enum(name, _) | Ts::Ref(name) => name.clone(),
            Ts::Array(of) => match **of {
                Ts::Union(_) | Ts::Verbatim(_) => format!("({})[]", of.render()),
                _ => format!("{}[]", of.render()),
            },
            Ts::Record(of) => format!("Record<string, {}>", of.render()),
            Ts::Union(ms) => ms.iter().map(Ts::render).collect::<Vec<_>>().join(" | "),
            Ts::Verbatim(s) => s.clone(),
        }
    }

    /// Union members, with model enums expanded to their literals.
    fn members(&self) -> Vec<Ts> {
        match self {
            Ts::Union(ms) => ms.iter().flat_map(Ts::members).collect(),
            Ts::Enum(_, lits) => lits.iter().cloned().map(Ts::Lit).collect(),
            Ts::Verbatim(s) => match s.trim() {
                "string" => vec![Ts::Prim("string")],
                "number" => vec![Ts::Prim("number")],
                "boolean" => vec![Ts::Prim("boolean")],
                "null" => vec![Ts::Prim("null")],
                "unknown" => vec![Ts::Prim("unknown")],
                "Date" => vec![Ts::Prim("Date")],
                _ => vec![self.clone()],
            },
            t => vec![t.clone()],
        }
    }

    /// Whether every value of `self` is a value of `to` (conservative: false when unsure).
    pub(crate) fn assignable_to(&self, to: &Ts) -> bool {
        let targets = to.members();
        if targets.contains(&Ts::Prim("unknown")) {
            return true;
        }
        self.members()
            .iter()
            .all(|s| targets.iter().any(|t| atom_assignable(s, t)))
    }
}

fn atom_assignable(s: &Ts, t: &Ts) -> bool {
    match (s, t) {
        (Ts::Lit(_), Ts::Prim("string")) => true,
        (Ts::Array(a), Ts::Array(b)) | (Ts::Record(a), Ts::Record(b)) => a.assignable_to(b),
        _ => s == t,
    }
}

/// A member's shape: whether the key may be missing, and its type (with `| null` when
/// nullable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    /// `?`.
    pub(crate) optional: bool,
    /// The type.
    pub(crate) ty: Ts,
}

impl Member {
    /// `f?: T` when `optional`.
    pub(crate) fn new(optional: bool, ty: Ts) -> Member {
        Member { optional, ty }
    }

    /// Whether every value this member allows is allowed by `base` (TypeScript accepts it in an
    /// interface that extends the one declaring `base`).
    pub(crate) fn fits(&self, base: &Member) -> bool {
        (!self.optional || base.optional) && self.ty.assignable_to(&base.ty)
    }

    /// Whether both members allow exactly the same values (TypeScript accepts both
    /// declarations in one merged interface).
    pub(crate) fn identical(&self, other: &Member) -> bool {
        self.fits(other) && other.fits(self)
    }

    /// Whether this member fits `base` once `null` and optionality are set aside: its type
    /// without `null`, with `base`'s optionality, fits `base` (a member that is only `null`
    /// never does).
    pub(crate) fn loosely_fits(&self, base: &Member) -> bool {
        let stripped = match &self.ty {
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

    /// `name?: T` for display in messages.
    pub(crate) fn describe(&self, name: &str) -> String {
        format!(
            "{}{}: {}",
            property_key(name),
            if self.optional { "?" } else { "" },
            self.ty.render()
        )
    }
}

/// Maps model types to TypeScript, collecting diagnostics and `ts_import`s.
pub(crate) struct Mapper<'a> {
    pub(crate) model: &'a Model,
    /// `(module, name)` pairs to `import type`.
    pub(crate) imports: BTreeSet<(String, String)>,
    pub(crate) errors: Vec<Diagnostic>,
}

impl<'a> Mapper<'a> {
    pub(crate) fn new(model: &'a Model) -> Self {
        Mapper {
            model,
            imports: BTreeSet::new(),
            errors: Vec::new(),
        }
    }

    /// Appends one `import type { A, B } from "module";` line per module of the collected
    /// `ts_import`s, modules and names in sorted order.
    pub(crate) fn write_imports(&self, out: &mut String) {
        let mut by_module: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (module, name) in &self.imports {
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
    }

    /// The member for `field` on `side`.
    pub(crate) fn member(&mut self, owner: &str, field: &Field, side: Side) -> Member {
        let ty = self.field_type(owner, field, side);
        let ty = if field.presence.is_nullable() {
            ty.or_null()
        } else {
            ty
        };
        Member::new(field.presence.is_optional(), ty)
    }

    /// The value type of `field` on `side`, without presence.
    pub(crate) fn field_type(&mut self, owner: &str, field: &Field, side: Side) -> Ts {
        if let Some(ts) = &field.ts_type {
            let ts = ts.trim();
            if ts.is_empty() || ts.contains('\n') {
                self.errors.push(Diagnostic::new(
                    field.loc.clone(),
                    format!(
                        "`ts_type` of `{owner}.{}` must be one line of TypeScript",
                        field.name
                    ),
                ));
                return Ts::Prim("unknown");
            }
            if let Some(module) = &field.ts_import {
                let names = imported_names(ts);
                if names.is_empty() {
                    self.errors.push(Diagnostic::new(
                        field.loc.clone(),
                        format!(
                            "`ts_import` of `{owner}.{}` has nothing to import: `ts_type = \"{ts}\"` names no type",
                            field.name
                        ),
                    ));
                }
                for n in names {
                    self.imports.insert((module.clone(), n));
                }
            }
            return Ts::Verbatim(ts.to_string());
        }
        self.ty(field, &field.ty, side)
    }

    fn ty(&mut self, field: &Field, ty: &Type, side: Side) -> Ts {
        match ty {
            Type::String | Type::Uuid => Ts::Prim("string"),
            Type::Bool => Ts::Prim("boolean"),
            Type::Int { .. } | Type::Float { .. } => Ts::Prim("number"),
            Type::DateTime { format } => match (side, format) {
                (Side::Db, _) => Ts::Prim("Date"),
                (Side::Wire, DateFormat::Rfc3339) => Ts::Prim("string"),
                (Side::Wire, DateFormat::UnixSeconds | DateFormat::UnixMillis) => {
                    Ts::Prim("number")
                }
            },
            Type::Json => Ts::Prim("unknown"),
            Type::List { of } => Ts::Array(Box::new(self.ty(field, of, side))),
            Type::Nullable { of } => self.ty(field, of, side).or_null(),
            Type::Map { of } => Ts::Record(Box::new(self.ty(field, of, side))),
            Type::Named { name } => self.named(field, name),
        }
    }

    fn named(&mut self, field: &Field, name: &str) -> Ts {
        if let Some(module) = &field.ts_import {
            if is_identifier(name) {
                self.imports.insert((module.clone(), name.to_string()));
                return Ts::Ref(name.to_string());
            }
        }
        // The check guarantees that a named type without `ts_type` is a role, permission or
        // `AuthType` item of the model.
        match self.model.get(name).map(|item| &item.def) {
            Some(Def::Enum { variants }) => Ts::Enum(
                name.to_string(),
                variants.iter().map(|v| v.wire.clone()).collect(),
            ),
            _ => Ts::Ref(name.to_string()),
        }
    }
}

/// Names that TypeScript provides, never imported.
const BUILTINS: &[&str] = &[
    "string",
    "number",
    "boolean",
    "bigint",
    "null",
    "undefined",
    "unknown",
    "any",
    "never",
    "object",
    "true",
    "false",
    "Array",
    "ReadonlyArray",
    "Record",
    "Partial",
    "Required",
    "Readonly",
    "Pick",
    "Omit",
    "Date",
    "Map",
    "Set",
    "readonly",
    "keyof",
    "typeof",
];

/// The type names in a `ts_type` text that an import must bring in (identifiers outside string
/// literals that are not TypeScript's own).
pub(crate) fn imported_names(ts: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut chars = ts.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' || c == '\'' || c == '`' {
            for (_, d) in chars.by_ref() {
                if d == c {
                    break;
                }
            }
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' || d == '$' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            // A qualified name (`A.B`) imports its first part only.
            let word = &ts[i..end];
            let after_dot = ts[..i].trim_end().ends_with('.');
            if !after_dot && !BUILTINS.contains(&word) && !names.iter().any(|n| n == word) {
                names.push(word.to_string());
            }
        }
    }
    names
}

/// Whether `s` is a plain identifier usable as a property name or type name.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A property key: bare when an identifier, else a string literal.
pub(crate) fn property_key(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        string_literal(name)
    }
}

/// A double-quoted TypeScript string literal.
pub(crate) fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSDoc comment for doc lines, indented by `indent`; empty when there are none.
pub(crate) fn jsdoc(docs: &[String], indent: &str) -> String {
    // Trim blank lines at both ends; keep inner ones.
    let start = docs.iter().position(|l| !l.trim().is_empty());
    let end = docs.iter().rposition(|l| !l.trim().is_empty());
    let (Some(start), Some(end)) = (start, end) else {
        return String::new();
    };
    let lines: Vec<String> = docs[start..=end]
        .iter()
        .map(|l| l.trim_end().replace("*/", "*\\/"))
        .collect();
    if lines.len() == 1 {
        format!("{indent}/** {} */\n", lines[0])
    } else {
        let mut out = format!("{indent}/**\n");
        for l in lines {
            if l.is_empty() {
                out.push_str(&format!("{indent} *\n"));
            } else {
                out.push_str(&format!("{indent} * {l}\n"));
            }
        }
        out.push_str(&format!("{indent} */\n"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_fit_string_and_enums_expand() {
        let role = Ts::Enum("Role".into(), vec!["USER".into(), "ADMIN".into()]);
        assert!(role.assignable_to(&Ts::Prim("string")));
        assert!(!Ts::Prim("string").assignable_to(&role));
        assert!(Ts::Prim("string").assignable_to(&Ts::Prim("string").or_null()));
        assert!(!Ts::Prim("string")
            .or_null()
            .assignable_to(&Ts::Prim("string")));
        assert!(!Ts::Prim("number").assignable_to(&Ts::Prim("string")));
        assert!(Ts::Verbatim(" string ".into()).assignable_to(&Ts::Prim("string")));
        assert!(Ts::Prim("Date")
            .or_null()
            .assignable_to(&Ts::Prim("string").or(Ts::Prim("Date")).or_null()));
    }

    #[test]
    fn members_fit_and_identity() {
        let req = Member::new(false, Ts::Prim("string"));
        let opt = Member::new(true, Ts::Prim("string"));
        assert!(req.fits(&opt));
        assert!(!opt.fits(&req));
        assert!(!req.identical(&opt));
        assert!(req.identical(&req.clone()));
        assert_eq!(opt.describe("user-name"), "\"user-name\"?: string");
    }

    #[test]
    fn renders_arrays_of_unions_with_parentheses() {
        let t = Ts::Array(Box::new(Ts::Prim("string").or_null()));
        assert_eq!(t.render(), "(string | null)[]");
        assert_eq!(
            Ts::Record(Box::new(Ts::Prim("number"))).render(),
            "Record<string, number>"
        );
    }

    #[test]
    fn finds_names_to_import() {
        assert_eq!(imported_names("Address[]"), vec!["Address"]);
        assert_eq!(
            imported_names("Record<string, Geo.Point | Address> | \"Foo\""),
            vec!["Geo", "Address"]
        );
        assert!(imported_names("string | null").is_empty());
    }

    #[test]
    fn jsdoc_escapes_and_trims() {
        assert_eq!(jsdoc(&[], ""), "");
        assert_eq!(jsdoc(&[" a */ b".into()], "  "), "  /**  a *\\/ b */\n");
        assert_eq!(
            jsdoc(&["".into(), "one".into(), "".into(), "two".into()], ""),
            "/**\n * one\n *\n * two\n */\n"
        );
    }

    #[test]
    fn quotes_keys_and_strings() {
        assert_eq!(property_key("userId"), "userId");
        assert_eq!(property_key("posts:write"), "\"posts:write\"");
        assert_eq!(string_literal("a\"b\\\u{1}"), "\"a\\\"b\\\\\\u0001\"");
    }
}
