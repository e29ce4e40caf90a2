//! Derive macros of authgen. Use them through the `authgen` crate.
