//! Derive macros of authgen. Use them through the `authgen` crate, which re-exports them next to
//! the traits they implement.
//!
//! Each derive parses its item with the same front end as the `authgen` CLI
//! (`authgen_codegen::frontend`), so both build the same model. On error, every error of the item
//! is reported at once, spanned at the offending token, and stub impls are still emitted so one
//! mistake does not cascade.
#![forbid(unsafe_code)]

mod expand;

use authgen_codegen::model::ItemKind;
use proc_macro::TokenStream;

fn derive(input: TokenStream, kind: ItemKind) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(input) {
        Ok(input) => expand::expand(&input, kind).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// A role enum: unit variants in ascending privilege. See the `authgen` crate.
#[proc_macro_derive(AuthRole, attributes(auth))]
pub fn derive_auth_role(input: TokenStream) -> TokenStream {
    derive(input, ItemKind::Role)
}

/// A permission enum: unit variants with string wire names. See the `authgen` crate.
#[proc_macro_derive(AuthPermission, attributes(auth))]
pub fn derive_auth_permission(input: TokenStream) -> TokenStream {
    derive(input, ItemKind::Permission)
}

/// The user row. See the `authgen` crate.
#[proc_macro_derive(AuthUser, attributes(auth))]
pub fn derive_auth_user(input: TokenStream) -> TokenStream {
    derive(input, ItemKind::User)
}

/// The session object. See the `authgen` crate.
#[proc_macro_derive(AuthSession, attributes(auth))]
pub fn derive_auth_session(input: TokenStream) -> TokenStream {
    derive(input, ItemKind::Session)
}

/// What `session.user` carries. See the `authgen` crate.
#[proc_macro_derive(AuthSessionUser, attributes(auth))]
pub fn derive_auth_session_user(input: TokenStream) -> TokenStream {
    derive(input, ItemKind::SessionUser)
}

/// The JWT claims. See the `authgen` crate.
#[proc_macro_derive(AuthJwt, attributes(auth))]
pub fn derive_auth_jwt(input: TokenStream) -> TokenStream {
    derive(input, ItemKind::Jwt)
}

/// A nested struct or unit enum used by other authgen types. See the `authgen` crate.
#[proc_macro_derive(AuthType, attributes(auth))]
pub fn derive_auth_type(input: TokenStream) -> TokenStream {
    derive(input, ItemKind::Type)
}

#[cfg(test)]
mod tests;
