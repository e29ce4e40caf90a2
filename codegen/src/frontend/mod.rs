//! The Rust front end: syn items → [`crate::model`] items, shared by the derives and the CLI.
//!
//! - [`attr`]: `#[serde(...)]` and `#[auth(...)]` parsing, duplicates detected;
//! - [`case`]: serde's renaming rules;
//! - [`ty`]: Rust types → wire types;
//! - [`lower`]: one derive input → one item, with per-item checks;
//! - [`check`]: checks across items;
//! - [`source`]: whole files → a model (the CLI).
//!
//! Errors are collected in a [`ctxt::Ctxt`] so every error of an item is reported at once.

pub mod ast;
pub mod attr;
pub mod case;
pub mod check;
pub mod ctxt;
pub mod lower;
pub mod source;
pub mod ty;

use crate::model::ItemKind;

/// Parses one derive input as `kind`, for the derives. On error, returns every error and, when
/// the item's shape allowed it, the partial container (so the derive can still emit stub impls).
pub fn parse_derive(
    input: &syn::DeriveInput,
    kind: ItemKind,
) -> (Option<ast::Container>, Vec<syn::Error>) {
    let cx = ctxt::Ctxt::new();
    let container = lower::lower(&cx, input, kind, None);
    (container, cx.into_errors())
}
