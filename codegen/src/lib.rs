//! authgen's code generator: the model, the Rust front end that builds it, and the emitters.
//!
//! Data flows one way: Rust source → [`frontend`] (syn) → [`model::Model`] → [`check`] → emitters.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod model;
