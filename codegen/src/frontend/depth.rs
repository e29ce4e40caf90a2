//! A bound on how deep syn would recurse to parse some tokens, computed without recursing.
//!
//! syn parses by recursive descent: `&&&…&str`, `Option<Option<…>>`, `fn() -> fn() -> …`, `!!!…1`
//! and nested brackets each cost a few stack frames per level, so a few hundred kilobytes of such
//! input overflow any stack. Every level of syn's recursion consumes at least one token (a group
//! counts as one token), so the number of tokens read since the last point where syn is back at
//! the level of the enclosing group bounds the depth. Those points are:
//! - a `;` in the group (statements, items, `[x; n]`: each part is parsed to its end first);
//! - a `,` in the group outside `<…>` and, when the group holds no `|`, outside closure parameters;
//! - the end of an attribute (`#[…]`, `#![…]`): the tokens after it continue at its level.
//!
//! [`too_deep`] walks the tokens with an explicit stack and returns the first token whose bound
//! exceeds [`MAX_DEPTH`]; the caller refuses (or skips) such an item instead of handing it to syn.

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};

/// The deepest bound accepted. Far above any real model (a field such as
/// `pub roles: Option<Vec<Role>>` is about 10), and low enough that syn and authgen's own recursion
/// over what syn returns stay well inside the parser thread's stack, also in debug builds (see
/// `tests/frontend_hostile.rs`, which parses inputs at this limit).
pub const MAX_DEPTH: usize = 2000;

/// What is known about one group while its tokens are read.
struct Level {
    tokens: proc_macro2::token_stream::IntoIter,
    /// The bound at the group's own delimiter.
    base: usize,
    /// Tokens since the last reset point in this group.
    run: usize,
    /// `<` not yet closed by `>` in this group.
    angle: usize,
    /// A `|` was seen since the last `;`: commas may separate closure parameters.
    pipe: bool,
    /// `run` before the `#` of an attribute being read.
    attr_run: Option<usize>,
    /// The previous token was a joint `-` or `=` (so a `>` makes `->` or `=>`).
    arrow: bool,
}

impl Level {
    fn new(tokens: TokenStream, base: usize) -> Self {
        Level {
            tokens: tokens.into_iter(),
            base,
            run: 0,
            angle: 0,
            pipe: false,
            attr_run: None,
            arrow: false,
        }
    }

    /// Accounts for `punct` after its cost was taken.
    fn punct(&mut self, p: &proc_macro2::Punct) {
        let ch = p.as_char();
        let arrow = std::mem::replace(
            &mut self.arrow,
            matches!(ch, '-' | '=') && p.spacing() == Spacing::Joint,
        );
        if ch == '#' {
            self.attr_run = Some(self.run);
        } else if !(ch == '!' && self.attr_run.map(|r| r + 1) == Some(self.run)) {
            self.attr_run = None;
        }
        let reset = match ch {
            ';' => {
                self.angle = 0;
                self.pipe = false;
                true
            }
            ',' => self.angle == 0 && !self.pipe,
            '<' => {
                self.angle += 1;
                false
            }
            '>' => {
                if !arrow {
                    self.angle = self.angle.saturating_sub(1);
                }
                false
            }
            '|' => {
                self.pipe = true;
                false
            }
            _ => false,
        };
        self.run = if reset { 0 } else { self.run + 1 };
    }
}

/// The first token of `tokens` whose nesting bound exceeds [`MAX_DEPTH`], if any.
pub(crate) fn too_deep(tokens: TokenStream) -> Option<Span> {
    let mut stack = vec![Level::new(tokens, 0)];
    while let Some(level) = stack.last_mut() {
        let Some(tt) = level.tokens.next() else {
            stack.pop();
            continue;
        };
        let cost = level.base + level.run + level.angle + 1;
        if cost > MAX_DEPTH {
            return Some(tt.span());
        }
        match tt {
            TokenTree::Punct(p) => level.punct(&p),
            TokenTree::Group(g) => {
                level.arrow = false;
                match level.attr_run.take() {
                    Some(before) if g.delimiter() == Delimiter::Bracket => level.run = before,
                    _ => level.run += 1,
                }
                stack.push(Level::new(g.stream(), cost));
            }
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                level.arrow = false;
                level.attr_run = None;
                level.run += 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(src: &str) -> bool {
        too_deep(src.parse().unwrap()).is_some()
    }

    #[test]
    fn flat_lists_of_any_length_are_shallow() {
        let variants = (0..50_000).map(|i| format!("V{i},")).collect::<String>();
        assert!(!deep(&format!("enum Role {{ {variants} }}")));
        let attrs = "#[auth(bogus)] ".repeat(20_000);
        assert!(!deep(&format!("enum Role {{ {attrs} User }}")));
        let docs = "/// doc\n".repeat(20_000);
        assert!(!deep(&format!("{docs} struct A {{ {docs} x: u8 }}")));
        let stmts = "let x = a < b;".repeat(5_000);
        assert!(!deep(&format!("fn f() {{ {stmts} }}")));
    }

    #[test]
    fn chains_and_nesting_are_deep() {
        let n = MAX_DEPTH + 1;
        assert!(deep(&format!("type G = {}str;", "&".repeat(n))));
        assert!(deep(&format!("const X: i32 = {}1;", "!".repeat(n))));
        assert!(deep(&format!(
            "struct A {{ x: {}u8{} }}",
            "Option<".repeat(n / 2),
            ">".repeat(n / 2)
        )));
        assert!(deep(&format!("type F = {}u8;", "fn() -> ".repeat(n / 4))));
        assert!(deep(&format!(
            "const X: u8 = {}1{};",
            "(".repeat(n),
            ")".repeat(n)
        )));
        // Commas inside generics or closure parameters do not reset the bound.
        assert!(deep(&format!("type T = {}u8;", "Vec<u8, ".repeat(n / 3))));
        assert!(deep(&format!(
            "enum E {{ A = {}1 }}",
            "|a, b| ".repeat(n / 3)
        )));
        // Nor does an attribute in the middle of a chain.
        assert!(deep(&format!("type G = {}str;", "&#[x]".repeat(n))));
    }

    #[test]
    fn arrows_do_not_close_generics() {
        // `->` and `=>` are not a closing `>`: the `<` stays open, commas do not reset.
        let chain = "Vec<fn() -> u8, ".repeat(MAX_DEPTH / 4);
        assert!(deep(&format!("type T = {chain}u8;")));
    }
}
