//! The CLI's front end: Rust source text → model, without compiling anything.
//!
//! Every struct and enum (also inside inline `mod` blocks) whose `#[derive(...)]` names an authgen
//! derive is lowered with the same code the derives use; errors carry file, line and column.

use std::collections::BTreeSet;
use std::sync::Arc;

use proc_macro2::Span;
use syn::punctuated::Punctuated;

use super::check::{self, Checked};
use super::{ctxt::Ctxt, lower};
use crate::diag::Diagnostic;
use crate::model::{ItemKind, Loc, Model};

/// One input file (see [`parse_sources`] for an example).
#[derive(Debug, Clone)]
pub struct Source {
    /// The name to show in errors (the path as given).
    pub name: Arc<str>,
    /// The text.
    pub text: String,
}

/// Parses every source, in order, into one checked model. Every error of every file is returned.
///
/// ```
/// use authgen_codegen::frontend::source::{parse_sources, Source};
/// let src = Source {
///     name: "model.rs".into(),
///     text: "#[derive(AuthRole)] enum Role { User, Admin }".into(),
/// };
/// let model = parse_sources(&[src]).unwrap();
/// assert_eq!(model.items[0].variants()[1].wire, "Admin");
/// ```
pub fn parse_sources(sources: &[Source]) -> Result<Checked, Vec<Diagnostic>> {
    // syn parses recursively: deeply nested input is refused up front, and parsing runs on a
    // thread with a large stack so that any input short of that limit cannot overflow it.
    let mut errors = Vec::new();
    for src in sources {
        if let Some(offset) = too_deep(&src.text) {
            errors.push(Diagnostic::new(
                Some(crate::config::loc_of_offset(&src.name, &src.text, offset)),
                format!("brackets nested more than {MAX_DEPTH} deep: not a model authgen can read"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sources = sources.to_vec();
    let worker = std::thread::Builder::new()
        .name("authgen-parse".into())
        .stack_size(256 << 20);
    match worker
        .spawn(move || parse_sources_on_this_thread(&sources))
        .map(|h| h.join())
    {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(vec![Diagnostic::new(
            None,
            "internal error while parsing the input (please report it)",
        )]),
        Err(e) => Err(vec![Diagnostic::new(
            None,
            format!("cannot start the parser thread: {e}"),
        )]),
    }
}

/// The deepest bracket nesting accepted.
const MAX_DEPTH: usize = 256;

/// The byte offset where `(`, `[` or `{` first nest deeper than [`MAX_DEPTH`], skipping string
/// literals and comments.
fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0, 0usize);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn parse_sources_on_this_thread(sources: &[Source]) -> Result<Checked, Vec<Diagnostic>> {
    let mut model = Model::default();
    let mut errors = Vec::new();
    let mut unmarked = BTreeSet::new();
    for src in sources {
        let file = match syn::parse_file(&src.text) {
            Ok(f) => f,
            Err(e) => {
                errors.extend(e.into_iter().map(|e| {
                    let mut d = to_diag(&src.name, &e);
                    if d.message == "cannot parse string into token stream" {
                        d.message = "not valid Rust: the text does not tokenize (an unbalanced bracket or an unterminated string or comment?)".into();
                    } else {
                        d.message = format!("not valid Rust: {}", d.message);
                    }
                    d
                }));
                continue;
            }
        };
        let locate = |span: Span| span_loc(&src.name, span);
        let mut walk = Walk {
            name: &src.name,
            locate: &locate,
            model: &mut model,
            errors: &mut errors,
            unmarked: &mut unmarked,
        };
        walk.items(&file.items);
    }
    if errors.is_empty() && model.items.is_empty() {
        let names: Vec<&str> = sources.iter().map(|s| &*s.name).collect();
        errors.push(Diagnostic::new(
            None,
            format!(
                "no authgen items in {}: derive AuthRole, AuthPermission, AuthUser, AuthSession, AuthSessionUser, AuthJwt or AuthType",
                if names.is_empty() { "the input (no input files given)".to_string() } else { names.join(", ") }
            ),
        ));
    }
    if errors.is_empty() {
        check::check_with(model, &unmarked)
    } else {
        Err(errors)
    }
}

struct Walk<'a> {
    name: &'a Arc<str>,
    locate: &'a dyn Fn(Span) -> Loc,
    model: &'a mut Model,
    errors: &'a mut Vec<Diagnostic>,
    unmarked: &'a mut BTreeSet<String>,
}

impl Walk<'_> {
    fn items(&mut self, items: &[syn::Item]) {
        for item in items {
            let attrs: &[syn::Attribute] = match item {
                syn::Item::Struct(s) => &s.attrs,
                syn::Item::Enum(e) => &e.attrs,
                syn::Item::Union(u) => &u.attrs,
                syn::Item::Mod(m) => &m.attrs,
                _ => &[],
            };
            // Test-only items are not part of the model (the derives never see them in a build).
            if attrs.iter().any(is_cfg_test) {
                continue;
            }
            match item {
                syn::Item::Struct(s) => {
                    self.derive_input(&s.attrs, syn::DeriveInput::from(s.clone()))
                }
                syn::Item::Enum(e) => {
                    self.derive_input(&e.attrs, syn::DeriveInput::from(e.clone()))
                }
                syn::Item::Union(u) => {
                    self.derive_input(&u.attrs, syn::DeriveInput::from(u.clone()))
                }
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        self.items(inner);
                    }
                }
                _ => {}
            }
        }
    }

    fn derive_input(&mut self, attrs: &[syn::Attribute], input: syn::DeriveInput) {
        let mut kinds: Vec<(ItemKind, Span)> = Vec::new();
        for attr in attrs.iter().filter(|a| a.path().is_ident("cfg_attr")) {
            let tokens = quote::quote!(#attr).to_string();
            if ItemKind::ALL
                .iter()
                .any(|k| tokens.contains(k.derive_name()))
            {
                self.errors.push(Diagnostic::new(
                    Some((self.locate)(attr.pound_token.span)),
                    format!(
                        "`{}` derives an authgen type under `cfg_attr`: authgen reads the model without compiling it \
                         and cannot evaluate that; derive it unconditionally",
                        input.ident
                    ),
                ));
            }
        }
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            match attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated) {
                Ok(paths) => {
                    for p in paths {
                        let Some(last) = p.segments.last() else {
                            continue;
                        };
                        if let Some(kind) = ItemKind::from_derive_name(&last.ident.to_string()) {
                            kinds.push((kind, last.ident.span()));
                        }
                    }
                }
                Err(e) => self.errors.push(to_diag(self.name, &e)),
            }
        }
        match kinds.as_slice() {
            [] => {
                self.unmarked.insert(input.ident.to_string());
            }
            [(kind, _)] => {
                let cx = Ctxt::new();
                if let Some(c) = lower::lower(&cx, &input, *kind, Some(self.locate)) {
                    if !cx.has_errors() {
                        self.model.items.push(c.item);
                    }
                }
                for e in cx.into_errors() {
                    self.errors
                        .extend(e.into_iter().map(|e| to_diag(self.name, &e)));
                }
            }
            [(first, _), rest @ ..] => {
                for (kind, span) in rest {
                    self.errors.push(Diagnostic::new(
                        Some((self.locate)(*span)),
                        format!(
                            "`{}` derives both {} and {}; an item has one authgen derive",
                            input.ident,
                            first.derive_name(),
                            kind.derive_name()
                        ),
                    ));
                }
            }
        }
    }
}

fn is_cfg_test(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg") && attr.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
}

/// The location of `span` in file `name`: 1-based line and column.
///
/// ```
/// let file: syn::File = syn::parse_str("struct A;\n  struct B;").unwrap();
/// let syn::Item::Struct(b) = &file.items[1] else { unreachable!() };
/// let loc = authgen_codegen::frontend::source::span_loc(&"m.rs".into(), b.ident.span());
/// assert_eq!((loc.line, loc.column), (2, 10));
/// ```
pub fn span_loc(name: &Arc<str>, span: Span) -> Loc {
    let start = span.start();
    Loc {
        file: name.clone(),
        line: start.line.max(1),
        column: start.column + 1,
    }
}

fn to_diag(name: &Arc<str>, e: &syn::Error) -> Diagnostic {
    Diagnostic::new(Some(span_loc(name, e.span())), e.to_string())
}
