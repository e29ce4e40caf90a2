//! `authgen generate` and `authgen check`.

use crate::{Exit, Io};

/// Arguments of `authgen generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {}

/// Arguments of `authgen check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {}

/// Runs `authgen generate`.
pub fn generate(_args: &GenerateArgs, io: &mut Io<'_>) -> Exit {
    let _ = writeln!(io.stderr, "authgen generate: not implemented yet");
    Exit::Usage
}

/// Runs `authgen check`.
pub fn check(_args: &CheckArgs, io: &mut Io<'_>) -> Exit {
    let _ = writeln!(io.stderr, "authgen check: not implemented yet");
    Exit::Usage
}
