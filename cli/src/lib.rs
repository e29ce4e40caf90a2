//! The `authgen` command line, as a library so tests can run it in-process with [`run`].
//!
//! Conventions every subcommand follows:
//! - exit codes: [`Exit::Ok`] (0) success; [`Exit::Failed`] (1) a check found a difference, a
//!   token failed verification or Redis could not be written; [`Exit::Usage`] (2) bad usage or
//!   bad input;
//! - errors go through one printer ([`report`]): `file:line:col: error: message`, the source
//!   line and a caret, every error at once; colour only on a terminal and never with `NO_COLOR`.
//!   An error about a whole file is at `file:1:1`; NUL bytes and invalid UTF-8 at the first bad
//!   byte;
//! - `--input` and `--config` take regular files only, up to [`read::MODEL_LIMIT`] (8 MiB) per
//!   model file and [`read::CONFIG_LIMIT`] (1 MiB) for `authgen.toml`;
//! - `authgen.toml` is found by walking up from the working directory; flags override it;
//! - no input makes it panic.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::ffi::OsString;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod compact;
pub mod generate;
pub mod history;
pub mod journal;
pub mod load;
pub mod migrate;
pub mod read;
pub mod report;
pub mod revoke;
pub mod schema;
pub mod token;
pub mod write;

/// How a run ended; the process exit code is the discriminant.
///
/// ```
/// assert_eq!(authgen_cli::Exit::Usage as u8, 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Ok = 0,
    /// 1: a check found a difference, a token failed verification, or Redis could not be
    /// written (`authgen revoke`).
    Failed = 1,
    /// 2: bad usage or bad input.
    Usage = 2,
}

/// Everything a command reads from or writes to its surroundings, so tests can run it
/// in-process.
///
/// ```
/// let (mut stdin, mut out, mut err) = (std::io::empty(), Vec::new(), Vec::new());
/// let env = |_: &str| None;
/// let mut io = authgen_cli::Io {
///     stdin: &mut std::io::BufReader::new(&mut stdin),
///     stdout: &mut out,
///     stderr: &mut err,
///     cwd: ".".into(),
///     env: &env,
///     color: false,
/// };
/// let exit = authgen_cli::run(["authgen", "schema", "--input", "missing.rs"], &mut io);
/// assert_eq!(exit, authgen_cli::Exit::Usage);
/// assert_eq!(String::from_utf8(err).unwrap(), "missing.rs:1:1: error: no such file\n");
/// ```
pub struct Io<'a> {
    /// Standard input.
    pub stdin: &'a mut dyn BufRead,
    /// Standard output.
    pub stdout: &'a mut dyn Write,
    /// Standard error.
    pub stderr: &'a mut dyn Write,
    /// The working directory (config discovery starts here; relative paths resolve here).
    pub cwd: PathBuf,
    /// Environment lookup (`AUTH_SECRET`, `NEXTAUTH_SECRET`, `NO_COLOR`, ...).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Whether stderr is a terminal that takes colour (false under `NO_COLOR`).
    pub color: bool,
}

#[derive(Debug, Parser)]
#[command(
    name = "authgen",
    version,
    about = "One source of truth for NextAuth.js / Auth.js apps with a Rust back end"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the model built from the input files as JSON.
    Schema(schema::SchemaArgs),
    /// Write a starter model file and authgen.toml.
    Init(schema::InitArgs),
    /// Write next-auth.d.ts, permissions.ts and the current SQL schema.
    Generate(generate::GenerateArgs),
    /// Exit 1 with a diff when any generated file is stale; never writes.
    Check(generate::CheckArgs),
    /// Create a migration from the model's changes, or check that none are missing.
    Migrate(migrate::MigrateArgs),
    /// Verify a session token and print its claims as JSON.
    Decode(token::DecodeArgs),
    /// Mint a session token that next-auth's own `decode` accepts.
    Encode(token::EncodeArgs),
    /// Revoke a user's tokens, one token, or a database session, in the services' Redis.
    Revoke(revoke::RevokeArgs),
}

/// Runs the command line `args` (including the program name) and returns how it ended; see
/// [`Io`] for an example.
pub fn run<I, T>(args: I, io: &mut Io<'_>) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            let rendered = if io.color {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            let _ = if e.use_stderr() {
                io.stderr.write_all(rendered.as_bytes())
            } else {
                io.stdout.write_all(rendered.as_bytes())
            };
            return code;
        }
    };
    match cli.command {
        Command::Schema(args) => schema::schema(&args, io),
        Command::Init(args) => schema::init(&args, io),
        Command::Generate(args) => generate::generate(&args, io),
        Command::Check(args) => generate::check(&args, io),
        Command::Migrate(args) => migrate::migrate(&args, io),
        Command::Decode(args) => token::decode(&args, io),
        Command::Encode(args) => token::encode(&args, io),
        Command::Revoke(args) => revoke::revoke(&args, io),
    }
}

/// What an in-process run printed, and how it ended (see [`run_captured`]).
#[derive(Debug, Clone)]
pub struct Captured {
    /// How it ended.
    pub exit: Exit,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

/// Runs `authgen <args>` in-process in `cwd`, with `env` as the whole environment, `stdin` as
/// standard input and no colour; for tests.
///
/// ```
/// let out = authgen_cli::run_captured(&["--version"], std::path::Path::new("."), &[], b"");
/// assert_eq!(out.exit, authgen_cli::Exit::Ok);
/// assert!(out.stdout.starts_with("authgen "));
/// ```
pub fn run_captured(
    args: &[&str],
    cwd: &std::path::Path,
    env: &[(&str, &str)],
    stdin: &[u8],
) -> Captured {
    let mut input = std::io::BufReader::new(stdin);
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let env_map: std::collections::HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = move |k: &str| env_map.get(k).cloned();
    let mut io = Io {
        stdin: &mut input,
        stdout: &mut stdout,
        stderr: &mut stderr,
        cwd: cwd.to_path_buf(),
        env: &lookup,
        color: false,
    };
    let exit = run(
        std::iter::once("authgen").chain(args.iter().copied()),
        &mut io,
    );
    Captured {
        exit,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}
