//! Writing generated files: only when the bytes change, and atomically (a temporary file in the
//! same directory, then a rename), so a reader never sees half a file.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// What happened to one file (see [`write_if_changed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file already had these bytes; it was not touched.
    Unchanged,
    /// The file was created or replaced.
    Changed,
}

/// Writes `contents` to `path` unless it already holds exactly those bytes. Creates parent
/// directories.
///
/// ```
/// use authgen_codegen::write::{write_if_changed, Written};
/// let dir = std::env::temp_dir().join(format!("authgen-doc-{}", std::process::id()));
/// let path = dir.join("a/b.txt");
/// assert_eq!(write_if_changed(&path, b"x").unwrap(), Written::Changed);
/// assert_eq!(write_if_changed(&path, b"x").unwrap(), Written::Unchanged);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_if_changed(path: &Path, contents: &[u8]) -> io::Result<Written> {
    if let Ok(existing) = fs::read(path) {
        if existing == contents {
            return Ok(Written::Unchanged);
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.authgen-tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|()| Written::Changed)
}
