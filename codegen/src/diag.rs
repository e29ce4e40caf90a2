//! Diagnostics: errors with a place in a file, rendered as `file:line:col: error: message` with
//! the source line and a caret.

use std::fmt::Write as _;

use crate::model::Loc;

/// One error.
///
/// ```
/// use authgen_codegen::diag::Diagnostic;
/// let d = Diagnostic::new(None, "no input files");
/// assert_eq!(d.render_plain(None), "error: no input files\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where, when known.
    pub loc: Option<Loc>,
    /// What is wrong, in one line.
    pub message: String,
    /// Extra lines: hints, did-you-mean, where the other half of a conflict is.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic at `loc`.
    pub fn new(loc: Option<Loc>, message: impl Into<String>) -> Self {
        Diagnostic {
            loc,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// Adds a note line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Renders without colour. `source` is the text of the file the location points into, used
    /// to show the line with a caret under the column.
    pub fn render_plain(&self, source: Option<&str>) -> String {
        self.render(source, false)
    }

    /// Renders, with ANSI colour when `color` is true.
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let (red, bold, blue, reset) = if color {
            ("\x1b[1;31m", "\x1b[1m", "\x1b[1;34m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let mut out = String::new();
        if let Some(loc) = &self.loc {
            let _ = write!(
                out,
                "{bold}{}:{}:{}:{reset} ",
                loc.file, loc.line, loc.column
            );
        }
        let _ = writeln!(out, "{red}error{reset}{bold}: {}{reset}", self.message);
        if let (Some(loc), Some(src)) = (&self.loc, source) {
            if let Some(full) = src.lines().nth(loc.line.saturating_sub(1)) {
                let num = loc.line.to_string();
                let pad = " ".repeat(num.len());
                // A long line shows a window of it around the column.
                let chars: Vec<char> = full.chars().collect();
                let col = loc.column.saturating_sub(1).min(chars.len());
                let (start, end) = (col.saturating_sub(60), (col + 60).min(chars.len()));
                let mut line: String = chars[start..end].iter().collect();
                let mut caret_col = col - start;
                if start > 0 {
                    line.insert_str(0, "...");
                    caret_col += 3;
                }
                if end < chars.len() {
                    line.push_str("...");
                }
                let caret_pad: String = line
                    .chars()
                    .take(caret_col)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, "{blue}{pad} |{reset}");
                let _ = writeln!(out, "{blue}{num} |{reset} {line}");
                let _ = writeln!(out, "{blue}{pad} |{reset} {caret_pad}{red}^{reset}");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "  = {note}");
        }
        out
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(loc) = &self.loc {
            write!(f, "{}:{}:{}: ", loc.file, loc.line, loc.column)?;
        }
        f.write_str(&self.message)
    }
}

/// The closest candidate to `input` among `candidates`, if it is close enough to suggest.
///
/// ```
/// use authgen_codegen::diag::did_you_mean;
/// assert_eq!(did_you_mean("uniq", &["unique", "index"]), Some("unique"));
/// assert_eq!(did_you_mean("zzz", &["unique", "index"]), None);
/// ```
pub fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(input, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(input.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
