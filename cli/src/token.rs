//! `authgen decode` and `authgen encode`.

use crate::{Exit, Io};

/// Arguments of `authgen decode`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {}

/// Arguments of `authgen encode`.
#[derive(Debug, clap::Args)]
pub struct EncodeArgs {}

/// Runs `authgen decode`.
pub fn decode(_args: &DecodeArgs, io: &mut Io<'_>) -> Exit {
    let _ = writeln!(io.stderr, "authgen decode: not implemented yet");
    Exit::Usage
}

/// Runs `authgen encode`.
pub fn encode(_args: &EncodeArgs, io: &mut Io<'_>) -> Exit {
    let _ = writeln!(io.stderr, "authgen encode: not implemented yet");
    Exit::Usage
}
