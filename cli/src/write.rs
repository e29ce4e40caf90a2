//! Writing generated files: see [`authgen_codegen::write`], shared with the `authgen` crate's
//! export so an application's own export step writes exactly as the CLI does.

pub use authgen_codegen::write::{write_if_changed, Written};
