//! The Rust front end: syn items → [`crate::model`] items, shared by the derives and the CLI.
//! The private modules (`attr`, `ty`, `lower`, `ctxt`, `split`, `depth`) are named without
//! links; their own docs are in the source.
//!
//! - `attr`: `#[serde(...)]` and `#[auth(...)]` parsing, duplicates detected;
//! - [`case`]: serde's renaming rules;
//! - `ty`: Rust types → wire types;
//! - `lower`: one derive input → one item, with per-item checks;
//! - [`check`]: checks across items, and [`check::Checked`], the model that passed them (the
//!   only input emitters take);
//! - [`source`]: whole files → a model (the CLI): the text is tokenized once, split into items
//!   without recursion (`split`), and only items below a nesting bound (`depth`,
//!   [`source::MAX_DEPTH`]) are handed to syn, so no input can overflow the stack.
//!
//! Errors are collected in a `ctxt::Ctxt` so every error of an item is reported at once.

pub mod ast;
mod attr;
pub mod case;
pub mod check;
mod ctxt;
mod depth;
mod lower;
pub mod source;
mod split;
mod ty;

use crate::model::ItemKind;

/// Parses one derive input as `kind`, for the derives. On error, returns every error and, when
/// the item's shape allowed it, the partial container (so the derive can still emit stub impls).
///
/// ```
/// use authgen_codegen::frontend::parse_derive;
/// use authgen_codegen::model::ItemKind;
/// let input: syn::DeriveInput = syn::parse_quote! {
///     #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
///     enum Role { User, Admin }
/// };
/// let (container, errors) = parse_derive(&input, ItemKind::Role);
/// assert!(errors.is_empty());
/// assert_eq!(container.unwrap().item.variants()[1].wire, "ADMIN");
///
/// let bad: syn::DeriveInput = syn::parse_quote! { struct Role { level: u8 } };
/// let (_, errors) = parse_derive(&bad, ItemKind::Role);
/// assert_eq!(errors[0].to_string(), "AuthRole can only be derived for an enum with unit variants");
/// ```
pub fn parse_derive(
    input: &syn::DeriveInput,
    kind: ItemKind,
) -> (Option<ast::Container>, Vec<syn::Error>) {
    let cx = ctxt::Ctxt::new();
    let container = lower::lower(&cx, input, kind, None);
    (container, cx.into_errors())
}
