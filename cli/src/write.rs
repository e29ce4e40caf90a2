//! Writing generated files: see [`authgen_codegen::write`], shared with the `authgen` crate's
//! export so an application's own export step writes exactly as the CLI does.

use authgen_codegen::diag::Diagnostic;
pub use authgen_codegen::write::{
    write_all, write_if_changed, FailAt, FileWrite, WriteError, WriteOptions, Written,
};

use crate::load::shown;
use crate::Io;

/// The environment variable that makes a debug build of `authgen` abort at a step of its writes,
/// as a crash would (`temp:N`, `journal`, `rename:N`; see [`FailAt`]). Release builds ignore it.
pub const FAIL_AT_ENV: &str = "AUTHGEN_FAIL_AT";

/// The write options of a command: `journal`, and in debug builds the failure point of
/// [`FAIL_AT_ENV`].
///
/// ```
/// let env = |_: &str| None;
/// # let (mut i, mut o, mut e) = (std::io::empty(), Vec::new(), Vec::new());
/// # let io = authgen_cli::Io { stdin: &mut std::io::BufReader::new(&mut i), stdout: &mut o, stderr: &mut e, cwd: ".".into(), env: &env, color: false };
/// assert!(authgen_cli::write::options(&io, None).fail_at.is_none());
/// ```
pub fn options(io: &Io<'_>, journal: Option<FileWrite>) -> WriteOptions {
    WriteOptions {
        journal,
        fail_at: fail_at(io),
    }
}

#[cfg(debug_assertions)]
fn fail_at(io: &Io<'_>) -> Option<FailAt> {
    (io.env)(FAIL_AT_ENV).and_then(|v| v.parse().ok())
}

#[cfg(not(debug_assertions))]
fn fail_at(_: &Io<'_>) -> Option<FailAt> {
    None
}

/// A write error as a diagnostic at the file it was about, with the OS error; says that nothing
/// was changed.
///
/// ```
/// use authgen_cli::write::{write_all, FileWrite, WriteOptions};
/// let env = |_: &str| None;
/// # let (mut i, mut o, mut e) = (std::io::empty(), Vec::new(), Vec::new());
/// # let io = authgen_cli::Io { stdin: &mut std::io::BufReader::new(&mut i), stdout: &mut o, stderr: &mut e, cwd: "/dev".into(), env: &env, color: false };
/// let file = FileWrite { path: "/dev/null/x.txt".into(), contents: b"x".to_vec() };
/// let error = write_all(&[file], &WriteOptions::default()).unwrap_err();
/// let d = authgen_cli::write::diagnostic(&error, &io);
/// assert_eq!(d.to_string(), "null/x.txt:1:1: cannot read: Not a directory (os error 20)");
/// ```
pub fn diagnostic(e: &WriteError, io: &Io<'_>) -> Diagnostic {
    let what = match e.kind {
        authgen_codegen::write::WriteErrorKind::Read => "cannot read",
        authgen_codegen::write::WriteErrorKind::CreateDir => "cannot create its directory",
        authgen_codegen::write::WriteErrorKind::Write => "cannot write",
        authgen_codegen::write::WriteErrorKind::Rename => "cannot replace",
        authgen_codegen::write::WriteErrorKind::Remove => "cannot remove",
    };
    Diagnostic::at_file(&shown(&e.path, &io.cwd), format!("{what}: {}", e.source))
        .note("nothing was written: every file is as it was before this run")
}
