//! authgen's code generator: the model, the Rust front end that builds it, and the emitters.
//!
//! Data flows one way: Rust source → `frontend` (syn) → [`model::Model`] → checks →
//! [`Checked`] → emitters ([`emit::Emitter`]: [`ts`], [`sql`]) → [`output::OutputFile`]s.
//! Emitters do no I/O and never re-check the model.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
pub mod diag;
pub mod emit;
pub mod frontend;
pub mod model;
pub mod nextauth;
pub mod output;
pub mod prisma;
pub mod sql;
pub mod ts;
pub mod write;

pub use authgen_naming as naming;
pub use frontend::check::Checked;
