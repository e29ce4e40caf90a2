//! Keeping request data out of error messages.

/// Removes values taken from a token or a row from a serde message: quoted strings and the name
/// of an unknown variant or field.
///
/// ```ignore
/// assert_eq!(redact("unknown variant `ADMINX`, expected one of ..."), "unknown variant `…`, expected one of ...");
/// ```
pub(crate) fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    // `"…"` spans: serde quotes string values with double quotes.
    if let (Some(a), Some(b)) = (rest.find('"'), rest.rfind('"')) {
        if b > a {
            out.push_str(&rest[..a]);
            out.push_str("\"…\"");
            rest = &rest[b + 1..];
        }
    }
    // `unknown variant `X`` / `unknown field `X``: the name came from the input.
    for lead in ["unknown variant `", "unknown field `"] {
        if let Some(i) = rest.find(lead) {
            let after = &rest[i + lead.len()..];
            if let Some(j) = after.find('`') {
                out.push_str(&rest[..i + lead.len()]);
                out.push('…');
                rest = &after[j..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn values_are_removed() {
        assert_eq!(
            redact("invalid type: string \"secret\", expected u64"),
            "invalid type: string \"…\", expected u64"
        );
        assert_eq!(
            redact("unknown variant `ADMINX`, expected one of `USER`"),
            "unknown variant `…`, expected one of `USER`"
        );
        assert_eq!(redact("missing field `role`"), "missing field `role`");
    }
}
