//! The one diagnostics printer every command uses, and the sources it shows lines from.
//!
//! A command reads each file once (inputs, `authgen.toml`, snapshots) and records its text in
//! [`Sources`]; [`print`] then shows every diagnostic as `file:line:col: error: message`, the
//! source line with a caret, notes and help, and a count when there are several. Nothing is
//! read from disk again to print an error.

use std::collections::HashMap;
use std::sync::Arc;

use authgen_codegen::diag::{Diagnostic, SourceText};

use crate::{Exit, Io};

/// The text of every file a command read, by the name diagnostics use for it.
///
/// ```
/// use authgen_cli::report::Sources;
/// let mut sources = Sources::default();
/// sources.add("m.rs".into(), "enum Role {}\n".into());
/// assert_eq!(sources.get("m.rs").map(|s| s.text()), Some("enum Role {}\n"));
/// ```
#[derive(Debug, Default)]
pub struct Sources {
    files: HashMap<Arc<str>, SourceText>,
}

impl Sources {
    /// Records `text` as the contents of `name` (indexed once, for any number of diagnostics).
    pub fn add(&mut self, name: Arc<str>, text: String) {
        self.files.insert(name, SourceText::new(text));
    }

    /// The indexed text of `name`, if it was read.
    pub fn get(&self, name: &str) -> Option<&SourceText> {
        self.files.get(name)
    }
}

/// Prints every diagnostic to stderr, each with its source line when the file was read, then
/// `N errors` when there are several; returns [`Exit::Usage`].
pub fn print(io: &mut Io<'_>, sources: &Sources, diags: &[Diagnostic]) -> Exit {
    for d in diags {
        let src = d.loc.as_ref().and_then(|l| sources.get(&l.file));
        let _ = io.stderr.write_all(d.render_in(src, io.color).as_bytes());
    }
    if diags.len() > 1 {
        let _ = writeln!(io.stderr, "{} errors", diags.len());
    }
    Exit::Usage
}

/// Prints one diagnostic that points at no source text (a flag, an environment variable, a
/// file as a whole); returns [`Exit::Usage`].
pub fn fail(io: &mut Io<'_>, diag: Diagnostic) -> Exit {
    print(io, &Sources::default(), &[diag])
}

/// Prints one error without a location (bad flags or environment); returns [`Exit::Usage`].
pub fn usage_error(io: &mut Io<'_>, message: impl std::fmt::Display) -> Exit {
    fail(io, Diagnostic::new(None, message.to_string()))
}
