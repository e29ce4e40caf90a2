//! Reading the files a command is given: regular files only, under a size limit, UTF-8 text
//! without NUL bytes. Every refusal is a [`Diagnostic`] located at the file (`file:1:1`) or at
//! the first bad byte.

use std::io::Read;
use std::path::Path;

use authgen_codegen::diag::Diagnostic;
use authgen_codegen::model::Loc;

use crate::report::Sources;

/// The largest model file (`--input`, or `input` in `authgen.toml`): 8 MiB.
pub const MODEL_LIMIT: u64 = 8 << 20;
/// The largest `authgen.toml`: 1 MiB.
pub const CONFIG_LIMIT: u64 = 1 << 20;
/// The largest migration snapshot (`authgen.snapshot.json`): 8 MiB.
pub const SNAPSHOT_LIMIT: u64 = 8 << 20;

/// What a file is, for messages and its size limit.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// How messages name it: "a model file".
    pub what: &'static str,
    /// The size limit in bytes.
    pub limit: u64,
}

/// A model file.
pub const MODEL: Kind = Kind {
    what: "a model file",
    limit: MODEL_LIMIT,
};
/// `authgen.toml`.
pub const CONFIG: Kind = Kind {
    what: "authgen.toml",
    limit: CONFIG_LIMIT,
};
/// A migration snapshot.
pub const SNAPSHOT: Kind = Kind {
    what: "a snapshot",
    limit: SNAPSHOT_LIMIT,
};

/// `n` bytes as a short human size: `8 MiB`, `512 KiB`, `12 bytes`.
fn size(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Reads the text file `path`, shown as `shown`. Refuses, before reading a byte, anything that
/// is not a regular file or is over `kind.limit`; reads at most the limit (a file growing
/// meanwhile is still refused); refuses NUL bytes and invalid UTF-8 at the first bad byte, after
/// adding the valid text before it to `sources` so the printer shows that line.
///
/// ```
/// use authgen_cli::{read, report::Sources};
/// let err = read::read_text("/dev/zero".as_ref(), "/dev/zero", read::MODEL, &mut Sources::default());
/// assert_eq!(err.unwrap_err().to_string(), "/dev/zero:1:1: is a character device, not a regular file");
/// ```
pub fn read_text(
    path: &Path,
    shown: &str,
    kind: Kind,
    sources: &mut Sources,
) -> Result<String, Diagnostic> {
    let at_file = |message: String| Diagnostic::at_file(shown, message);
    let meta = std::fs::metadata(path).map_err(|e| at_file(io_message(&e)))?;
    if let Some(not_regular) = not_regular(&meta) {
        return Err(at_file(not_regular));
    }
    let over = || {
        at_file(format!(
            "too large: over the {} limit for {}",
            size(kind.limit),
            kind.what
        ))
    };
    if meta.len() > kind.limit {
        return Err(over());
    }
    let file = std::fs::File::open(path).map_err(|e| at_file(io_message(&e)))?;
    // The path may have been replaced since: check what was opened.
    let meta = file.metadata().map_err(|e| at_file(io_message(&e)))?;
    if let Some(not_regular) = not_regular(&meta) {
        return Err(at_file(not_regular));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(kind.limit) as usize);
    file.take(kind.limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| at_file(io_message(&e)))?;
    if bytes.len() as u64 > kind.limit {
        return Err(over());
    }
    text_of(bytes, shown, sources)
}

/// Refuses an existing output path that is not a regular file (a FIFO would block the
/// comparison with what is there; a device would be read or written forever). A missing path is
/// fine: it is created.
///
/// ```
/// use authgen_cli::read::check_output_path;
/// assert!(check_output_path("/dev/null".as_ref(), "out.ts").is_err());
/// assert!(check_output_path("no/such/out.ts".as_ref(), "out.ts").is_ok());
/// ```
pub fn check_output_path(path: &Path, shown: &str) -> Result<(), Diagnostic> {
    match std::fs::metadata(path) {
        Ok(meta) => match not_regular(&meta) {
            Some(why) => Err(Diagnostic::at_file(shown, format!("output {why}"))),
            None => Ok(()),
        },
        Err(_) => Ok(()),
    }
}

/// Why `meta` is not a regular file, if it is not.
fn not_regular(meta: &std::fs::Metadata) -> Option<String> {
    let ty = meta.file_type();
    let what = if ty.is_file() {
        return None;
    } else if ty.is_dir() {
        return Some("is a directory, not a file".into());
    } else {
        special_kind(&ty)
    };
    Some(format!("is {what}, not a regular file"))
}

#[cfg(unix)]
fn special_kind(ty: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ty.is_fifo() {
        "a named pipe (FIFO)"
    } else if ty.is_socket() {
        "a socket"
    } else if ty.is_char_device() {
        "a character device"
    } else if ty.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// The text of `bytes`, or an error at the first NUL byte or invalid UTF-8 sequence.
fn text_of(bytes: Vec<u8>, shown: &str, sources: &mut Sources) -> Result<String, Diagnostic> {
    let (bytes, utf8) = match String::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => return Ok(text),
        Ok(text) => (text.into_bytes(), None),
        Err(e) => {
            let error = e.utf8_error();
            (e.into_bytes(), Some(error))
        }
    };
    let nul = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bad = utf8.map_or(nul, |e| e.valid_up_to().min(nul));
    let message = if bytes[bad] == 0 {
        "not a text file: NUL byte".to_string()
    } else if utf8.and_then(|e| e.error_len()).is_none() {
        "not UTF-8 text: the file ends inside a character".to_string()
    } else {
        format!("not UTF-8 text: invalid byte 0x{:02X}", bytes[bad])
    };
    let before = String::from_utf8_lossy(&bytes[..bad]).into_owned();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let loc = Loc {
        file: shown.into(),
        line,
        column,
    };
    sources.add(shown.into(), before);
    Err(Diagnostic::new(Some(loc), message))
}
