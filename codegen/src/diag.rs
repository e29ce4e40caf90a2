//! Diagnostics: errors with a place in a file, rendered as `file:line:col: error: message` with
//! the source line and a caret, then notes and an optional `help:` line.
//!
//! Rendering is linear in the input: a [`SourceText`] indexes a file once (line starts, and a
//! byte offset every 64 characters), so each diagnostic reads only a window around its column,
//! even when thousands of them point into one long line.

use std::fmt::Write as _;

use crate::model::Loc;

/// One error.
///
/// ```
/// use authgen_codegen::diag::Diagnostic;
/// let d = Diagnostic::new(None, "no input files").help("pass --input FILE");
/// assert_eq!(d.render_plain(None), "error: no input files\n  = help: pass --input FILE\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where, when known.
    pub loc: Option<Loc>,
    /// What is wrong, in one line.
    pub message: String,
    /// Extra lines: where the other half of a conflict is, what was expected.
    pub notes: Vec<String>,
    /// What to do about it (a did-you-mean, a fix), printed last as `help: ...`.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at `loc`.
    pub fn new(loc: Option<Loc>, message: impl Into<String>) -> Self {
        Diagnostic {
            loc,
            message: message.into(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A diagnostic about a file as a whole: located at `file:1:1`.
    ///
    /// ```
    /// use authgen_codegen::diag::Diagnostic;
    /// let d = Diagnostic::at_file("m.rs", "no such file");
    /// assert_eq!(d.to_string(), "m.rs:1:1: no such file");
    /// ```
    pub fn at_file(file: &str, message: impl Into<String>) -> Self {
        let loc = Loc {
            file: file.into(),
            line: 1,
            column: 1,
        };
        Diagnostic::new(Some(loc), message)
    }

    /// Adds a note line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line (replacing an earlier one).
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders without colour. `source` is the text of the file the location points into, used
    /// to show the line with a caret under the column.
    pub fn render_plain(&self, source: Option<&str>) -> String {
        self.render(source, false)
    }

    /// Renders, with ANSI colour when `color` is true. Indexes `source` first: to render many
    /// diagnostics of one file, index it once with [`SourceText`] and use [`Self::render_in`].
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let indexed = source.map(|s| SourceText::new(s.to_string()));
        self.render_in(indexed.as_ref(), color)
    }

    /// Renders against an indexed source: the time taken does not depend on the file's size.
    ///
    /// ```
    /// use authgen_codegen::diag::{Diagnostic, SourceText};
    /// use authgen_codegen::model::Loc;
    /// let src = SourceText::new("enum Role {\n    Usr,\n}\n".into());
    /// let loc = Loc { file: "m.rs".into(), line: 2, column: 5 };
    /// let d = Diagnostic::new(Some(loc), "unknown variant").help("did you mean `User`?");
    /// assert_eq!(
    ///     d.render_in(Some(&src), false),
    ///     "m.rs:2:5: error: unknown variant\n  |\n2 |     Usr,\n  |     ^\n  = help: did you mean `User`?\n"
    /// );
    /// ```
    pub fn render_in(&self, source: Option<&SourceText>, color: bool) -> String {
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
        let shown = self
            .loc
            .as_ref()
            .and_then(|loc| Some((loc, source?.window(loc.line, loc.column)?)));
        if let Some((loc, (line, caret_col))) = shown {
            let num = loc.line.to_string();
            let pad = " ".repeat(num.len());
            let caret_pad: String = line
                .chars()
                .take(caret_col)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{blue}{pad} |{reset}");
            let _ = writeln!(out, "{blue}{num} |{reset} {line}");
            let _ = writeln!(out, "{blue}{pad} |{reset} {caret_pad}{red}^{reset}");
        }
        for note in &self.notes {
            let _ = writeln!(out, "  = {note}");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = {bold}help{reset}: {help}");
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

/// How many characters of the source line are shown on each side of the column.
const WINDOW: usize = 60;

/// Characters between two entries of [`SourceText`]'s character-to-byte table.
const MARK_EVERY: usize = 64;

/// The text of one file, indexed once so that any line and column is found without scanning
/// the file: each line's first byte and first character, and the byte offset of every 64th
/// character.
///
/// ```
/// use authgen_codegen::diag::SourceText;
/// let src = SourceText::new("a\nbé c\n".into());
/// assert_eq!(src.window(2, 3), Some(("bé c".to_string(), 2)));
/// assert_eq!(src.window(3, 1), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    text: String,
    /// Byte offset of each line's start.
    line_bytes: Vec<usize>,
    /// Character index (in the whole text) of each line's start.
    line_chars: Vec<usize>,
    /// Byte offset of character `k * MARK_EVERY`.
    marks: Vec<usize>,
    /// Characters in the whole text.
    chars: usize,
}

impl SourceText {
    /// Indexes `text`, in one pass.
    pub fn new(text: String) -> Self {
        let (mut line_bytes, mut line_chars, mut marks) = (vec![0], vec![0], Vec::new());
        let mut chars = 0;
        for (byte, c) in text.char_indices() {
            if chars % MARK_EVERY == 0 {
                marks.push(byte);
            }
            chars += 1;
            if c == '\n' {
                line_bytes.push(byte + 1);
                line_chars.push(chars);
            }
        }
        SourceText {
            text,
            line_bytes,
            line_chars,
            marks,
            chars,
        }
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Lines as [`str::lines`] counts them (a final newline ends the last line).
    fn line_count(&self) -> usize {
        if self.text.ends_with('\n') || self.text.is_empty() {
            self.line_bytes.len() - 1
        } else {
            self.line_bytes.len()
        }
    }

    /// The byte offset of character `index` of the whole text.
    fn byte_of_char(&self, index: usize) -> usize {
        let Some(&mark) = self.marks.get(index / MARK_EVERY) else {
            return self.text.len();
        };
        self.text[mark..]
            .char_indices()
            .nth(index % MARK_EVERY)
            .map_or(self.text.len(), |(b, _)| mark + b)
    }

    /// The part of 1-based `line` shown for a caret at 1-based character `column`: up to 60
    /// characters each side, `...` where the line goes on, control characters as `?`; and the
    /// caret's character offset in it. `None` when the file has no such line.
    pub fn window(&self, line: usize, column: usize) -> Option<(String, usize)> {
        if line == 0 || line > self.line_count() {
            return None;
        }
        let (mut end_byte, mut end_char) = match self.line_bytes.get(line) {
            Some(&next) => (next - 1, self.line_chars[line] - 1),
            None => (self.text.len(), self.chars),
        };
        let start_char = self.line_chars[line - 1];
        if self.text[..end_byte].ends_with('\r') && end_byte > self.line_bytes[line - 1] {
            end_byte -= 1;
            end_char -= 1;
        }
        let len = end_char - start_char;
        let col = column.saturating_sub(1).min(len);
        let (from, to) = (col.saturating_sub(WINDOW), (col + WINDOW).min(len));
        let (b0, b1) = (
            self.byte_of_char(start_char + from),
            self.byte_of_char(start_char + to).min(end_byte),
        );
        let mut shown = String::with_capacity(b1 - b0 + 6);
        let mut caret = col - from;
        if from > 0 {
            shown.push_str("...");
            caret += 3;
        }
        shown.extend(self.text[b0..b1].chars().map(|c| {
            if c.is_control() && c != '\t' {
                '?'
            } else {
                c
            }
        }));
        if to < len {
            shown.push_str("...");
        }
        Some((shown, caret))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Diagnostic {
        let loc = Loc {
            file: "m.rs".into(),
            line,
            column,
        };
        Diagnostic::new(Some(loc), "bad")
    }

    #[test]
    fn long_lines_show_a_window_with_the_caret_under_the_column() {
        let line = format!("{}é{}", "a".repeat(100), "b".repeat(100));
        let src = SourceText::new(format!("x\n{line}\r\ny\n"));
        let (shown, caret) = src.window(2, 101).unwrap();
        assert_eq!(
            shown,
            format!("...{}é{}...", "a".repeat(60), "b".repeat(59))
        );
        assert_eq!(shown.chars().nth(caret), Some('é'));
        // Past the end of the line: the caret sits just after it; no `\r` is shown.
        let (shown, caret) = src.window(2, 500).unwrap();
        assert_eq!(shown, format!("...{}", "b".repeat(60)));
        assert_eq!(caret, 63);
        assert_eq!(src.window(3, 1), Some(("y".into(), 0)));
        assert_eq!(src.window(4, 1), None);
        assert_eq!(SourceText::new(String::new()).window(1, 1), None);
        assert_eq!(
            SourceText::new("a\u{1b}[2J\tb".into()).window(1, 6),
            Some(("a?[2J\tb".into(), 5))
        );
    }

    #[test]
    fn notes_then_help() {
        let d = at(1, 2).note("first").help("do this");
        assert_eq!(
            d.render_plain(Some("ab\n")),
            "m.rs:1:2: error: bad\n  |\n1 | ab\n  |  ^\n  = first\n  = help: do this\n"
        );
    }

    /// 20,000 diagnostics on one 200,000-character line render in linear time.
    #[test]
    fn many_diagnostics_on_one_long_line_are_linear() {
        let line = "é".repeat(200_000);
        let src = SourceText::new(line);
        let start = std::time::Instant::now();
        let mut total = 0;
        for i in 0..20_000 {
            total += at(1, i * 10 + 1).render_in(Some(&src), false).len();
        }
        assert!(total > 20_000 * 120);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }
}
