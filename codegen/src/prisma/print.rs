//! Prints the models as `prisma format` lays them out, so that formatting leaves the file as is:
//! two-space indent, the names, types and attributes of a block's fields in aligned columns.

use std::fmt::Write as _;

use super::models::{Enum, FieldLine, File, ModelBlock};
use super::Provider;

/// The `datasource db` block: Prisma 7 keeps the URL in `prisma.config.ts`, Prisma 6 reads it
/// from the environment.
pub(super) fn datasource(provider: Provider, version: u8) -> String {
    let provider = provider.as_str();
    if version == 6 {
        format!("datasource db {{\n  provider = \"{provider}\"\n  url      = env(\"DATABASE_URL\")\n}}\n")
    } else {
        format!("datasource db {{\n  provider = \"{provider}\"\n}}\n")
    }
}

/// The enums and models, each block preceded by an empty line.
pub(super) fn file(file: &File) -> String {
    let mut out = String::new();
    for e in &file.enums {
        out.push('\n');
        enum_block(&mut out, e);
    }
    for m in &file.models {
        out.push('\n');
        model_block(&mut out, m);
    }
    out
}

/// `/// line` comments, trimmed, leading and trailing empty lines dropped.
fn docs(out: &mut String, indent: &str, lines: &[String]) {
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    let (Some(start), Some(end)) = (start, end) else {
        return;
    };
    for line in &lines[start..=end] {
        let line = line.trim_end();
        let line = line.strip_prefix(' ').unwrap_or(line);
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
}

fn enum_block(out: &mut String, e: &Enum) {
    docs(out, "", &e.docs);
    let _ = writeln!(out, "enum {} {{", e.name);
    for (value, value_docs) in &e.values {
        docs(out, "  ", value_docs);
        let _ = writeln!(out, "  {value}");
    }
    if let Some(map) = &e.map {
        let _ = writeln!(out, "\n  @@map({})", super::types::string_lit(map));
    }
    out.push_str("}\n");
}

fn model_block(out: &mut String, m: &ModelBlock) {
    docs(out, "", &m.docs);
    let _ = writeln!(out, "model {} {{", m.name);
    let name_w = m.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    let ty_w = m.fields.iter().map(|f| f.ty.len()).max().unwrap_or(0);
    for f in &m.fields {
        docs(out, "  ", &f.docs);
        out.push_str(&field_line(f, name_w, ty_w));
    }
    if !m.attrs.is_empty() {
        out.push('\n');
        for a in &m.attrs {
            let _ = writeln!(out, "  {a}");
        }
    }
    out.push_str("}\n");
}

/// One field, its columns padded to the block's widths (no trailing spaces).
fn field_line(f: &FieldLine, name_w: usize, ty_w: usize) -> String {
    let mut line = format!("  {:name_w$} {}", f.name, f.ty);
    if !f.attrs.is_empty() {
        let pad = ty_w - f.ty.len();
        let _ = write!(line, "{:pad$} {}", "", f.attrs.join(" "));
    }
    line.push('\n');
    line
}
