//! `authgen migrate new` and `authgen migrate check`.

use crate::{Exit, Io};

/// Arguments of `authgen migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {}

/// Runs `authgen migrate ...`.
pub fn migrate(_args: &MigrateArgs, io: &mut Io<'_>) -> Exit {
    let _ = writeln!(io.stderr, "authgen migrate: not implemented yet");
    Exit::Usage
}
