//! authgen's code generator: the model, the Rust front end that builds it, and the emitters.
//!
//! Data flows one way: Rust source → `frontend` (syn) → [`model::Model`] → checks → emitters
//! ([`ts`], [`sql`]) → [`output::OutputFile`]s. Emitters do no I/O.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
pub mod diag;
pub mod frontend;
pub mod model;
pub mod output;
pub mod sql;
pub mod ts;
pub mod write;
