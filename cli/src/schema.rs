//! `authgen schema` and `authgen init`.

use crate::{Exit, Io};

/// Arguments of `authgen schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {}

/// Arguments of `authgen init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {}

/// Runs `authgen schema`.
pub fn schema(_args: &SchemaArgs, io: &mut Io<'_>) -> Exit {
    let _ = writeln!(io.stderr, "authgen schema: not implemented yet");
    Exit::Usage
}

/// Runs `authgen init`.
pub fn init(_args: &InitArgs, io: &mut Io<'_>) -> Exit {
    let _ = writeln!(io.stderr, "authgen init: not implemented yet");
    Exit::Usage
}
