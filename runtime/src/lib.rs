//! authgen's runtime: role and permission checks over the application's own types, and (with the
//! modules added alongside) verification of NextAuth.js / Auth.js sessions.
//!
//! The derives in `authgen` implement [`Role`], [`Permission`], [`HasRole`] and [`HasPermissions`]
//! for the application's types; everything here is generic over those traits.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod authz;
pub mod naming;

pub use authz::{HasPermissions, HasRole, ParseEnumError, Permission, Role};
