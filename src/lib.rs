//! authgen: one source of truth for NextAuth.js / Auth.js apps with a Rust back end.
pub use authgen_runtime as runtime;
