//! Splits the token trees of a file (or of an inline `mod`) into items without parsing them, so
//! that only the items that can hold authgen derives need syn, and no item's depth can hurt the
//! others.
//!
//! An item is its outer attributes, then tokens up to a `;` or, for items that end with a body
//! (`struct`, `enum`, `union`, `fn`, `impl`, `trait`, `mod`, `extern { }`, macros), up to the first
//! `{ … }` outside `<…>`.

use proc_macro2::{Delimiter, Spacing, TokenTree};

/// What kind of item a span of tokens is, as far as the front end cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// `struct`, `enum` or `union`: may derive an authgen trait.
    Derivable,
    /// `mod name { … }`: its items are read too.
    InlineMod,
    /// Inner attributes (`#![…]`): nothing to read.
    InnerAttr,
    /// Any other item (`fn`, `impl`, `const`, `use`, a macro, …): cannot hold the model.
    Other,
    /// Tokens that do not start an item.
    Unknown,
}

/// The item starting at `tts[start]`: its class, where its keyword is (after the attributes) and
/// the index one past its last token. Always consumes at least one token.
pub(crate) fn item_at(tts: &[TokenTree], start: usize) -> (Class, usize, usize) {
    if is_punct(tts.get(start), '#')
        && is_punct(tts.get(start + 1), '!')
        && is_group(tts.get(start + 2), Delimiter::Bracket)
    {
        return (Class::InnerAttr, start, start + 3);
    }
    let mut head = start;
    while is_punct(tts.get(head), '#') && is_group(tts.get(head + 1), Delimiter::Bracket) {
        head += 2;
    }
    let (class, body_ends) = classify(tts, head);
    let end = item_end(tts, head, body_ends).max(start + 1);
    (class, head, end)
}

/// The class of the item whose first token after the attributes is `tts[at]`, and whether a
/// `{ … }` ends it (else only `;` does).
fn classify(tts: &[TokenTree], mut at: usize) -> (Class, bool) {
    if is_ident(tts.get(at), "pub") {
        at += 1;
        if is_group(tts.get(at), Delimiter::Parenthesis) {
            at += 1;
        }
    }
    loop {
        let next = tts.get(at + 1);
        match ident(tts.get(at)).as_deref() {
            Some("default" | "unsafe" | "async" | "safe" | "auto") => at += 1,
            Some("const")
                if ["fn", "unsafe", "async", "extern"]
                    .iter()
                    .any(|k| is_ident(next, k)) =>
            {
                at += 1
            }
            Some("const" | "static" | "type" | "use") => return (Class::Other, false),
            Some("extern") if is_ident(next, "crate") => return (Class::Other, false),
            Some("extern") => {
                at += 1;
                if matches!(tts.get(at), Some(TokenTree::Literal(_))) {
                    at += 1;
                }
                if is_group(tts.get(at), Delimiter::Brace) {
                    return (Class::Other, true);
                }
            }
            Some("struct" | "enum") => return (Class::Derivable, true),
            Some("union") if ident(next).is_some() => return (Class::Derivable, true),
            Some("mod") if is_group(tts.get(at + 2), Delimiter::Brace) => {
                return (Class::InlineMod, true)
            }
            Some("mod" | "fn" | "impl" | "trait" | "macro") => return (Class::Other, true),
            _ if is_macro_call(tts, at) => return (Class::Other, true),
            _ => return (Class::Unknown, true),
        }
    }
}

/// Whether `tts[at..]` starts `path!` (a macro invocation or `macro_rules!`).
fn is_macro_call(tts: &[TokenTree], mut at: usize) -> bool {
    loop {
        if is_punct(tts.get(at), ':') && is_punct(tts.get(at + 1), ':') {
            at += 2;
        }
        if ident(tts.get(at)).is_none() {
            return false;
        }
        at += 1;
        if is_punct(tts.get(at), '!') {
            return true;
        }
        if !(is_punct(tts.get(at), ':') && is_punct(tts.get(at + 1), ':')) {
            return false;
        }
    }
}

/// One past the `;` (or, when `body_ends`, the `{ … }` outside `<…>`) that ends the item.
fn item_end(tts: &[TokenTree], from: usize, body_ends: bool) -> usize {
    let (mut angle, mut arrow) = (0usize, false);
    for (i, tt) in tts.iter().enumerate().skip(from) {
        let was_arrow = std::mem::take(&mut arrow);
        match tt {
            TokenTree::Punct(p) => match p.as_char() {
                ';' => return i + 1,
                '<' => angle += 1,
                '>' if !was_arrow => angle = angle.saturating_sub(1),
                '-' | '=' => arrow = p.spacing() == Spacing::Joint,
                _ => {}
            },
            TokenTree::Group(g) if body_ends && angle == 0 && g.delimiter() == Delimiter::Brace => {
                return i + 1
            }
            _ => {}
        }
    }
    tts.len()
}

fn is_punct(tt: Option<&TokenTree>, ch: char) -> bool {
    matches!(tt, Some(TokenTree::Punct(p)) if p.as_char() == ch)
}

fn is_group(tt: Option<&TokenTree>, delimiter: Delimiter) -> bool {
    matches!(tt, Some(TokenTree::Group(g)) if g.delimiter() == delimiter)
}

fn ident(tt: Option<&TokenTree>) -> Option<String> {
    match tt {
        Some(TokenTree::Ident(i)) => Some(i.to_string()),
        _ => None,
    }
}

fn is_ident(tt: Option<&TokenTree>, name: &str) -> bool {
    matches!(tt, Some(TokenTree::Ident(i)) if i == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(src: &str) -> Vec<(Class, String)> {
        let tts: Vec<TokenTree> = src
            .parse::<proc_macro2::TokenStream>()
            .unwrap()
            .into_iter()
            .collect();
        let mut out = Vec::new();
        let mut at = 0;
        while at < tts.len() {
            let (class, _, end) = item_at(&tts, at);
            let text: proc_macro2::TokenStream = tts[at..end].iter().cloned().collect();
            out.push((class, text.to_string()));
            at = end;
        }
        out
    }

    #[test]
    fn splits_every_kind_of_item() {
        let got = items(
            "#![allow(x)] use a::{b, c}; const X: S = S { a: 1 }; const fn f() -> Foo<{ N }> { 1 }
             #[derive(AuthRole)] pub(crate) enum Role { A } struct T(u8); struct U<T> where T: Fn() -> u8 { x: T }
             mod m { struct V; } mod n; extern crate z; extern \"C\" { fn g(); } unsafe impl X for Y {}
             macro_rules! m { () => {} } m!(1); ::a::b! { } let x = 1; union W { a: u8 }",
        );
        let classes: Vec<Class> = got.iter().map(|(c, _)| *c).collect();
        use Class::*;
        assert_eq!(
            classes,
            [
                InnerAttr, Other, Other, Other, Derivable, Derivable, Derivable, InlineMod, Other,
                Other, Other, Other, Other, Other, Other, Unknown, Derivable
            ],
            "{got:#?}"
        );
        assert_eq!(got[3].1, "const fn f () -> Foo < { N } > { 1 }");
        assert_eq!(got[6].1, "struct U < T > where T : Fn () -> u8 { x : T }");
    }
}
