//! The CLI's front end: Rust source text → model, without compiling anything.
//!
//! Every struct and enum (also inside inline `mod` blocks) whose `#[derive(...)]` names an authgen
//! derive is lowered with the same code the derives use; errors carry file, line and column.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::Arc;

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;

use super::check::{self, Checked};
use super::split::{self, Class};
use super::{ctxt::Ctxt, depth, lower};
use crate::diag::Diagnostic;
use crate::model::{Def, ItemKind, Loc, Model};

/// The deepest nesting the front end reads in an item that can hold the model (a struct, enum or
/// union deriving an authgen trait): brackets, generics and chains of operators or prefixes such
/// as `&&&…` or `fn() -> fn() -> …` all count, and a field, variant or attribute starts afresh.
/// Such an item nested deeper is refused with an error at the first token past the limit; any
/// other item nested deeper is skipped (it cannot hold the model).
///
/// ```
/// use authgen_codegen::frontend::source::{parse_sources, Source, MAX_DEPTH};
/// let deep = format!("#[derive(AuthType)] struct A {{ x: {}u8 }}", "&".repeat(MAX_DEPTH));
/// let errors = parse_sources(&[Source { name: "m.rs".into(), text: deep }]).unwrap_err();
/// assert!(errors[0].message.starts_with("nested too deeply"));
/// ```
pub use super::depth::MAX_DEPTH;

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
    // syn parses recursively: items too deep for it are refused or skipped (see `depth`), and
    // parsing runs on a thread with a large stack so that anything short of that cannot overflow.
    let worker = std::thread::Builder::new()
        .name("authgen-parse".into())
        .stack_size(256 << 20);
    std::thread::scope(|scope| {
        match worker
            .spawn_scoped(scope, || parse_sources_on_this_thread(sources))
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
    })
}

fn parse_sources_on_this_thread(sources: &[Source]) -> Result<Checked, Vec<Diagnostic>> {
    let mut model = Model::default();
    let mut errors = Vec::new();
    let mut unmarked = BTreeSet::new();
    for src in sources {
        let locate = |span: Span| span_loc(&src.name, span);
        let mut walk = Walk {
            name: &src.name,
            locate: &locate,
            model: &mut model,
            errors: &mut errors,
            unmarked: &mut unmarked,
        };
        walk.file(&src.text);
    }
    if errors.is_empty() && model.items.is_empty() {
        errors.extend(no_items(sources));
    }
    if errors.is_empty() {
        check::check_with(model, &unmarked)
    } else {
        Err(errors)
    }
}

/// One error per file (located at the file) when no file holds an authgen item.
fn no_items(sources: &[Source]) -> Vec<Diagnostic> {
    const HELP: &str = "derive AuthRole, AuthPermission, AuthUser, AuthSession, AuthSessionUser, AuthJwt or AuthType";
    if sources.is_empty() {
        return vec![Diagnostic::new(
            None,
            format!("no authgen items in the input (no input files given): {HELP}"),
        )];
    }
    sources
        .iter()
        .map(|src| {
            let loc = Loc {
                file: src.name.clone(),
                line: 1,
                column: 1,
            };
            Diagnostic::new(
                Some(loc),
                format!("no authgen items in {}: {HELP}", src.name),
            )
        })
        .collect()
}

/// The text to tokenize: a `#!` first line that is not an inner attribute is blanked out (as
/// rustc and `syn::parse_file` ignore it), keeping every other line and column where it was.
fn without_shebang(text: &str) -> std::borrow::Cow<'_, str> {
    match text.strip_prefix("#!") {
        Some(rest) if !rest.trim_start().starts_with('[') => {
            let line_end = text.find('\n').unwrap_or(text.len());
            let blank: String = text[..line_end].chars().map(|_| ' ').collect();
            format!("{blank}{}", &text[line_end..]).into()
        }
        _ => text.into(),
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
    /// Reads every item of one file, inline modules included, without recursion.
    fn file(&mut self, text: &str) {
        let stream = match TokenStream::from_str(&without_shebang(text)) {
            Ok(stream) => stream,
            Err(e) => {
                self.errors.push(Diagnostic::new(
                    Some((self.locate)(e.span())),
                    "not valid Rust: the text does not tokenize (an unbalanced bracket or an unterminated string or comment?)",
                ));
                return;
            }
        };
        let mut stack: Vec<(Vec<TokenTree>, usize)> = vec![(stream.into_iter().collect(), 0)];
        while let Some((tts, at)) = stack.last_mut() {
            if *at >= tts.len() {
                stack.pop();
                continue;
            }
            let (class, head, end) = split::item_at(tts, *at);
            let item = &tts[*at..end];
            let attrs = &tts[*at..head];
            *at = end;
            let inner = match class {
                Class::InlineMod => self.inline_mod(item),
                Class::Derivable => {
                    self.derivable(item, attrs, &tts[head..end]);
                    None
                }
                Class::Other | Class::Unknown => {
                    self.other(item, class);
                    None
                }
                Class::InnerAttr => None,
            };
            if let Some(inner) = inner {
                stack.push((inner, 0));
            }
        }
    }

    /// Checks the header of `mod name { … }` and returns its items' tokens, unless it is
    /// `#[cfg(test)]` or invalid.
    fn inline_mod(&mut self, item: &[TokenTree]) -> Option<Vec<TokenTree>> {
        let (Some(TokenTree::Group(body)), header) = (item.last(), &item[..item.len() - 1]) else {
            return None;
        };
        let mut empty = Group::new(Delimiter::Brace, TokenStream::new());
        empty.set_span(body.span());
        let tokens: TokenStream = header
            .iter()
            .cloned()
            .chain([TokenTree::Group(empty)])
            .collect();
        if let Some(span) = depth::too_deep(tokens.clone()) {
            self.errors.push(self.too_deep_at(span));
            return None;
        }
        let m: syn::ItemMod = self.parse(tokens, body.span())?;
        if m.attrs.iter().any(is_cfg_test) {
            return None;
        }
        Some(body.stream().into_iter().collect())
    }

    /// A struct, enum or union: lowered when it derives an authgen trait.
    fn derivable(&mut self, item: &[TokenTree], attrs: &[TokenTree], rest: &[TokenTree]) {
        let tokens: TokenStream = item.iter().cloned().collect();
        if let Some(span) = depth::too_deep(tokens.clone()) {
            if names_authgen_derive(attrs) {
                self.errors.push(self.too_deep_at(span));
            } else if let Some(name) = item_name(rest) {
                self.unmarked.insert(name);
            }
            return;
        }
        let last = item.last().map_or_else(Span::call_site, TokenTree::span);
        if let Some(item) = self.parse::<syn::Item>(tokens, last) {
            self.items(vec![item]);
        }
    }

    /// Any other item is parsed only to report invalid Rust; one too deep for that is skipped,
    /// as it cannot hold the model, unless it is not an item at all.
    fn other(&mut self, item: &[TokenTree], class: Class) {
        let tokens: TokenStream = item.iter().cloned().collect();
        match depth::too_deep(tokens.clone()) {
            None => {
                let last = item.last().map_or_else(Span::call_site, TokenTree::span);
                if let Some(item) = self.parse::<syn::Item>(tokens, last) {
                    self.items(vec![item]);
                }
            }
            Some(_) if class == Class::Unknown => self.errors.push(Diagnostic::new(
                Some((self.locate)(item[0].span())),
                "not valid Rust: expected an item (such as `struct`, `enum`, `fn` or `mod`)",
            )),
            Some(_) => {}
        }
    }

    /// Parses `tokens` with syn; errors become "not valid Rust" diagnostics, and an error at the
    /// end of the tokens is placed at `end`.
    fn parse<T: syn::parse::Parse>(&mut self, tokens: TokenStream, end: Span) -> Option<T> {
        match syn::parse2::<T>(tokens) {
            Ok(t) => Some(t),
            Err(e) => {
                self.errors.extend(e.into_iter().map(|e| {
                    let span = if is_call_site(e.span()) {
                        end
                    } else {
                        e.span()
                    };
                    Diagnostic::new(Some((self.locate)(span)), format!("not valid Rust: {e}"))
                }));
                None
            }
        }
    }

    fn too_deep_at(&self, span: Span) -> Diagnostic {
        Diagnostic::new(
            Some((self.locate)(span)),
            format!(
                "nested too deeply for authgen to read: more than {} levels of brackets, generics or operators",
                depth::MAX_DEPTH
            ),
        )
    }

    fn items(&mut self, items: Vec<syn::Item>) {
        for item in items {
            let attrs: &[syn::Attribute] = match &item {
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
                syn::Item::Struct(s) => self.derive_input(s.into()),
                syn::Item::Enum(e) => self.derive_input(e.into()),
                syn::Item::Union(u) => self.derive_input(u.into()),
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = m.content {
                        self.items(inner);
                    }
                }
                _ => {}
            }
        }
    }

    fn derive_input(&mut self, input: syn::DeriveInput) {
        let attrs = &input.attrs;
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
                if let Some(mut c) = lower::lower(&cx, &input, *kind, Some(self.locate)) {
                    if !cx.has_errors() {
                        // A model field is large: keep only what is used (a one-field struct
                        // would otherwise hold room for four).
                        match &mut c.item.def {
                            Def::Struct { fields } => fields.shrink_to_fit(),
                            Def::Enum { variants } => variants.shrink_to_fit(),
                        }
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

/// Whether the attributes `#[…]` in `attrs` name an authgen derive (in `derive` or `cfg_attr`).
fn names_authgen_derive(attrs: &[TokenTree]) -> bool {
    let mut stack: Vec<TokenStream> = attrs
        .iter()
        .filter_map(|tt| match tt {
            TokenTree::Group(g) => Some(g.stream()),
            _ => None,
        })
        .filter(|s| {
            matches!(s.clone().into_iter().next(), Some(TokenTree::Ident(i)) if i == "derive" || i == "cfg_attr")
        })
        .collect();
    while let Some(stream) = stack.pop() {
        for tt in stream {
            match tt {
                TokenTree::Group(g) => stack.push(g.stream()),
                TokenTree::Ident(i) if ItemKind::from_derive_name(&i.to_string()).is_some() => {
                    return true
                }
                _ => {}
            }
        }
    }
    false
}

/// The name after `struct`, `enum` or `union` in `tokens`.
fn item_name(tokens: &[TokenTree]) -> Option<String> {
    let at = tokens.iter().position(
        |tt| matches!(tt, TokenTree::Ident(i) if i == "struct" || i == "enum" || i == "union"),
    )?;
    match tokens.get(at + 1) {
        Some(TokenTree::Ident(i)) => Some(i.to_string()),
        _ => None,
    }
}

/// Whether `span` is the call site, which syn uses for "unexpected end of input".
fn is_call_site(span: Span) -> bool {
    let (start, end) = (span.start(), span.end());
    start == end && start.line <= 1 && start.column == 0
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
