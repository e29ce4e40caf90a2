//! The session cookie: reading it from a `Cookie` header (or an `http::HeaderMap`, feature
//! `http`) the way next-auth does, and writing it, chunked when long.
//!
//! Reading follows next-auth's `SessionStore`: the cookie named like the session cookie, or its
//! chunks `<name>.0`, `<name>.1`, … joined in numeric order with empty ones skipped; values are
//! percent-decoded as the `cookie` package does. Without a cookie, `getToken` also accepts
//! `Authorization: Bearer <url-encoded token>`.
//!
//! ```
//! use authgen_runtime::cookie::{chunk_cookie_value, session_token_from_cookie_headers};
//! let token = "a".repeat(10);
//! let header = chunk_cookie_value("authjs.session-token", &token, 4)
//!     .into_iter()
//!     .rev()
//!     .map(|(name, value)| format!("{name}={value}"))
//!     .collect::<Vec<_>>()
//!     .join("; ");
//! let read = session_token_from_cookie_headers([header.as_str()], "authjs.session-token", 4096)?;
//! assert_eq!(read.as_deref(), Some(token.as_str()));
//! # Ok::<(), authgen_runtime::TokenError>(())
//! ```

use std::borrow::Cow;

use crate::error::TokenError;
use crate::verifier::{NextAuthVersion, Verifier};

/// Most chunks read: 64 chunks of ~4 KB is far beyond any browser's cookie budget.
const MAX_CHUNKS: usize = 64;

/// Whether `name` is a valid cookie name (an RFC 6265 token: visible ASCII without separators).
///
/// ```
/// use authgen_runtime::cookie::is_valid_cookie_name;
/// assert!(is_valid_cookie_name("__Secure-authjs.session-token"));
/// assert!(!is_valid_cookie_name("a b"));
/// assert!(!is_valid_cookie_name(""));
/// ```
pub fn is_valid_cookie_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

/// The name/value pairs of a `Cookie` header, trimmed, quotes removed (values not decoded).
fn pairs(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split(';').filter_map(|part| {
        let (name, value) = part.split_once('=')?;
        let name = name.trim_matches([' ', '\t']);
        let mut value = value.trim_matches([' ', '\t']);
        if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
            value = &value[1..value.len() - 1];
        }
        Some((name, value))
    })
}

/// `decodeURIComponent`, or `None` when the input is not valid percent-encoded UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16))?;
            let lo = bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16))?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A cookie value as the `cookie` package hands it over: percent-decoded when it has a `%` and
/// decodes, else as it is.
fn cookie_value(raw: &str) -> Cow<'_, str> {
    if raw.contains('%') {
        if let Some(decoded) = percent_decode(raw) {
            return Cow::Owned(decoded);
        }
    }
    Cow::Borrowed(raw)
}

/// Which of the session cookie's names this is: `Some(None)` for the plain name, `Some(Some(n))`
/// for chunk `n`.
fn session_part(cookie: &str, name: &str) -> Option<Option<u32>> {
    let rest = cookie.strip_prefix(name)?;
    if rest.is_empty() {
        return Some(None);
    }
    let digits = rest.strip_prefix('.')?;
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(Some)
}

/// Reads the session token named `name` from one or more `Cookie` header values (HTTP/2 may send
/// several). Returns `Ok(None)` when there is no such cookie; [`TokenError::TooLarge`] when the
/// value (all chunks together) is longer than `max_len`.
///
/// When both a plain cookie and chunks are present (a stale cookie), the chunks win. For a
/// repeated name the first occurrence counts, as in the `cookie` package.
///
/// ```
/// use authgen_runtime::cookie::session_token_from_cookie_headers;
/// let header = "theme=dark; authjs.session-token.1=def; authjs.session-token.0=abc";
/// let token = session_token_from_cookie_headers([header], "authjs.session-token", 4096)?;
/// assert_eq!(token.as_deref(), Some("abcdef"));
/// # Ok::<(), authgen_runtime::TokenError>(())
/// ```
pub fn session_token_from_cookie_headers<'a, I>(
    headers: I,
    name: &str,
    max_len: usize,
) -> Result<Option<Cow<'a, str>>, TokenError>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut plain: Option<Cow<'a, str>> = None;
    let mut chunks: Vec<(u32, Cow<'a, str>)> = Vec::new();
    let mut total = 0usize;
    for header in headers {
        for (cookie, raw) in pairs(header) {
            let Some(part) = session_part(cookie, name) else {
                continue;
            };
            if raw.is_empty() {
                continue;
            }
            if raw.len() > max_len {
                return Err(TokenError::TooLarge {
                    len: raw.len(),
                    max: max_len,
                });
            }
            match part {
                None if plain.is_none() => plain = Some(cookie_value(raw)),
                None => {}
                Some(n) => {
                    if chunks.iter().any(|(m, _)| *m == n) {
                        continue;
                    }
                    if chunks.len() >= MAX_CHUNKS {
                        return Err(TokenError::TooLarge {
                            len: total,
                            max: max_len,
                        });
                    }
                    total += raw.len();
                    if total > max_len {
                        return Err(TokenError::TooLarge {
                            len: total,
                            max: max_len,
                        });
                    }
                    chunks.push((n, cookie_value(raw)));
                }
            }
        }
    }
    if chunks.is_empty() {
        return Ok(plain);
    }
    chunks.sort_unstable_by_key(|(n, _)| *n);
    if chunks.len() == 1 {
        return Ok(chunks.pop().map(|(_, v)| v));
    }
    let mut joined = String::with_capacity(total);
    for (_, v) in &chunks {
        joined.push_str(v);
    }
    Ok(Some(Cow::Owned(joined)))
}

/// Reads the token from an `Authorization: Bearer <url-encoded token>` header value, as
/// `getToken` does. `Ok(None)` when the header is not a Bearer one.
///
/// ```
/// use authgen_runtime::cookie::bearer_token;
/// assert_eq!(bearer_token("Bearer a.b%2Ec", 100)?.as_deref(), Some("a.b.c"));
/// assert_eq!(bearer_token("Basic abc", 100)?, None);
/// # Ok::<(), authgen_runtime::TokenError>(())
/// ```
pub fn bearer_token(
    authorization: &str,
    max_len: usize,
) -> Result<Option<Cow<'_, str>>, TokenError> {
    let mut parts = authorization.split(' ');
    if parts.next() != Some("Bearer") {
        return Ok(None);
    }
    let encoded = parts.next().unwrap_or("");
    if encoded.len() > max_len {
        return Err(TokenError::TooLarge {
            len: encoded.len(),
            max: max_len,
        });
    }
    if encoded.is_empty() {
        return Ok(None);
    }
    if !encoded.contains('%') {
        return Ok(Some(Cow::Borrowed(encoded)));
    }
    percent_decode(encoded)
        .map(|s| Some(Cow::Owned(s)))
        .ok_or(TokenError::malformed(
            "the bearer token is not valid percent-encoding",
        ))
}

/// Splits a session token into the cookies next-auth would write: one cookie with the plain
/// name when it fits in `chunk_size` characters, else `<name>.0`, `<name>.1`, …
///
/// ```
/// use authgen_runtime::cookie::chunk_cookie_value;
/// assert_eq!(chunk_cookie_value("s", "abcde", 10), vec![("s".to_string(), "abcde")]);
/// assert_eq!(
///     chunk_cookie_value("s", "abcde", 2),
///     vec![("s.0".to_string(), "ab"), ("s.1".to_string(), "cd"), ("s.2".to_string(), "e")]
/// );
/// ```
pub fn chunk_cookie_value<'v>(
    name: &str,
    value: &'v str,
    chunk_size: usize,
) -> Vec<(String, &'v str)> {
    let chunk_size = chunk_size.max(1);
    // next-auth counts UTF-16 code units; tokens are ASCII, where that equals bytes. Split at
    // character boundaries so any value stays valid UTF-8.
    let mut bounds = vec![0];
    let mut count = 0;
    for (i, c) in value.char_indices() {
        if count == chunk_size {
            bounds.push(i);
            count = 0;
        }
        count += c.len_utf16();
    }
    bounds.push(value.len());
    if bounds.len() <= 2 {
        return vec![(name.to_owned(), value)];
    }
    bounds
        .windows(2)
        .enumerate()
        .map(|(i, w)| (format!("{name}.{i}"), &value[w[0]..w[1]]))
        .collect()
}

impl Verifier {
    /// Reads this verifier's session cookie from `Cookie` header values; `Ok(None)` when absent.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// let t = v.token_from_cookie_headers(["authjs.session-token=abc"])?;
    /// assert_eq!(t.as_deref(), Some("abc"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn token_from_cookie_headers<'a, I>(
        &self,
        headers: I,
    ) -> Result<Option<Cow<'a, str>>, TokenError>
    where
        I: IntoIterator<Item = &'a str>,
    {
        session_token_from_cookie_headers(headers, self.cookie_name(), self.max_token_len())
    }

    /// Reads the session cookie from a `Cookie` header value and verifies it into `T`;
    /// `Ok(None)` when there is no session cookie.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// let token = v.encode(&serde_json::json!({ "sub": "7" }))?;
    /// let header = format!("other=1; authjs.session-token={token}");
    /// let claims: Option<serde_json::Value> = v.decode_cookie_header(&header)?;
    /// assert_eq!(claims.unwrap()["sub"], "7");
    /// assert!(v.decode_cookie_header::<serde_json::Value>("other=1")?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_cookie_header<T: serde::de::DeserializeOwned>(
        &self,
        header: &str,
    ) -> Result<Option<T>, TokenError> {
        match self.token_from_cookie_headers([header])? {
            Some(token) => self.decode(&token).map(Some),
            None => Ok(None),
        }
    }

    /// The `Set-Cookie` header values that store `token` as next-auth does (`HttpOnly`,
    /// `SameSite=Lax`, `Path=/`, `Secure` for `__Secure-` names), chunked when the token is
    /// longer than the version's chunk size.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// let cookies = v.set_cookie_headers("abc", 3600);
    /// assert_eq!(cookies, vec!["authjs.session-token=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax".to_string()]);
    /// # Ok::<(), authgen_runtime::ConfigError>(())
    /// ```
    pub fn set_cookie_headers(&self, token: &str, max_age_secs: u64) -> Vec<String> {
        let name = self.cookie_name();
        let secure = if name.starts_with("__Secure-") || name.starts_with("__Host-") {
            "; Secure"
        } else {
            ""
        };
        chunk_cookie_value(name, token, self.version().chunk_size())
            .into_iter()
            .map(|(n, v)| {
                format!("{n}={v}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
            })
            .collect()
    }
}

impl Verifier {
    /// The `Set-Cookie` values for a response that stores `token` (or, with `None`, signs out)
    /// given the request's `Cookie` headers: the new cookie(s), plus an expired cookie for every
    /// session cookie or chunk the browser sent that the new value does not overwrite, as
    /// next-auth's `SessionStore.chunk` / `clean` do. Without this, a session that shrinks from
    /// three chunks to one would leave a stale `.2` chunk behind.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// let request = "authjs.session-token.0=aaa; authjs.session-token.1=bbb; theme=dark";
    /// let cookies = v.session_cookie_updates(Some("new"), 60, [request]);
    /// assert_eq!(cookies, vec![
    ///     "authjs.session-token=new; Path=/; Max-Age=60; HttpOnly; SameSite=Lax".to_string(),
    ///     "authjs.session-token.0=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax".to_string(),
    ///     "authjs.session-token.1=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax".to_string(),
    /// ]);
    /// // Signing out expires everything that was sent.
    /// assert_eq!(v.session_cookie_updates(None, 0, [request]).len(), 2);
    /// # Ok::<(), authgen_runtime::ConfigError>(())
    /// ```
    pub fn session_cookie_updates<'a, I>(
        &self,
        token: Option<&str>,
        max_age_secs: u64,
        request_cookie_headers: I,
    ) -> Vec<String>
    where
        I: IntoIterator<Item = &'a str>,
    {
        let name = self.cookie_name();
        let secure = if name.starts_with("__Secure-") || name.starts_with("__Host-") {
            "; Secure"
        } else {
            ""
        };
        let written: Vec<(String, &str)> = match token {
            Some(t) => chunk_cookie_value(name, t, self.version().chunk_size()),
            None => Vec::new(),
        };
        let mut out: Vec<String> = written
            .iter()
            .map(|(n, v)| {
                format!("{n}={v}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
            })
            .collect();
        let mut expired: Vec<&str> = Vec::new();
        for header in request_cookie_headers {
            for (cookie, _) in pairs(header) {
                if session_part(cookie, name).is_some()
                    && !written.iter().any(|(n, _)| n == cookie)
                    && !expired.contains(&cookie)
                {
                    expired.push(cookie);
                }
            }
        }
        out.extend(
            expired
                .into_iter()
                .map(|n| format!("{n}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")),
        );
        out
    }
}

#[cfg(feature = "http")]
mod headers {
    use std::borrow::Cow;

    use http::header::{AUTHORIZATION, COOKIE};
    use http::HeaderMap;

    use crate::error::TokenError;
    use crate::verifier::Verifier;

    /// Reads the session token named `name` from a request's headers: every `Cookie` header
    /// (chunks joined), else `Authorization: Bearer`. `Ok(None)` when there is neither.
    /// Header values that are not visible ASCII are ignored.
    ///
    /// ```
    /// use http::HeaderMap;
    /// use authgen_runtime::cookie::session_token_from_headers;
    /// let mut h = HeaderMap::new();
    /// h.insert("authorization", "Bearer a.b.c".parse().unwrap());
    /// assert_eq!(session_token_from_headers(&h, "authjs.session-token", 4096)?.as_deref(), Some("a.b.c"));
    /// h.insert("cookie", "authjs.session-token=x.y.z".parse().unwrap());
    /// assert_eq!(session_token_from_headers(&h, "authjs.session-token", 4096)?.as_deref(), Some("x.y.z"));
    /// # Ok::<(), authgen_runtime::TokenError>(())
    /// ```
    pub fn session_token_from_headers<'h>(
        headers: &'h HeaderMap,
        name: &str,
        max_len: usize,
    ) -> Result<Option<Cow<'h, str>>, TokenError> {
        let cookies = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok());
        if let Some(token) = super::session_token_from_cookie_headers(cookies, name, max_len)? {
            return Ok(Some(token));
        }
        match headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
            Some(auth) => super::bearer_token(auth, max_len),
            None => Ok(None),
        }
    }

    impl Verifier {
        /// Reads this verifier's session token from request headers (cookie, then Bearer).
        ///
        /// ```
        /// # use authgen_runtime::{NextAuthVersion, Verifier};
        /// let v = Verifier::builder(NextAuthVersion::V4).secret("a".repeat(32)).build()?;
        /// let mut h = http::HeaderMap::new();
        /// h.insert("cookie", "next-auth.session-token=t".parse().unwrap());
        /// assert_eq!(v.token_from_headers(&h)?.as_deref(), Some("t"));
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn token_from_headers<'h>(
            &self,
            headers: &'h HeaderMap,
        ) -> Result<Option<Cow<'h, str>>, TokenError> {
            session_token_from_headers(headers, self.cookie_name(), self.max_token_len())
        }

        /// Reads and verifies the session from request headers; `Ok(None)` when there is no
        /// session token at all.
        ///
        /// ```
        /// # use authgen_runtime::{NextAuthVersion, Verifier};
        /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
        /// let token = v.encode(&serde_json::json!({ "sub": "7" }))?;
        /// let mut h = http::HeaderMap::new();
        /// h.insert("cookie", format!("authjs.session-token={token}").parse()?);
        /// let claims: serde_json::Value = v.decode_headers(&h)?.unwrap();
        /// assert_eq!(claims["sub"], "7");
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn decode_headers<T: serde::de::DeserializeOwned>(
            &self,
            headers: &HeaderMap,
        ) -> Result<Option<T>, TokenError> {
            match self.token_from_headers(headers)? {
                Some(token) => self.decode(&token).map(Some),
                None => Ok(None),
            }
        }
    }
}

#[cfg(feature = "http")]
pub use headers::session_token_from_headers;

/// The default session cookie name for a version (see [`NextAuthVersion::session_cookie_name`]).
///
/// ```
/// use authgen_runtime::{cookie::session_cookie_name, NextAuthVersion};
/// assert_eq!(session_cookie_name(NextAuthVersion::V5, false), "authjs.session-token");
/// ```
pub fn session_cookie_name(version: NextAuthVersion, secure: bool) -> &'static str {
    version.session_cookie_name(secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "authjs.session-token";

    fn read(h: &str) -> Result<Option<String>, TokenError> {
        session_token_from_cookie_headers([h], NAME, 100).map(|o| o.map(Cow::into_owned))
    }

    #[test]
    fn plain_cookie_is_borrowed() {
        let t = session_token_from_cookie_headers(["a=1; authjs.session-token=x.y"], NAME, 100)
            .unwrap();
        assert!(matches!(t, Some(Cow::Borrowed("x.y"))));
    }

    #[test]
    fn chunks_join_in_numeric_order_skipping_empty_ones() {
        assert_eq!(
            read("authjs.session-token.10=K; authjs.session-token.2=C; authjs.session-token.0=A; authjs.session-token.1=; authjs.session-token.9=J").unwrap().as_deref(),
            Some("ACJK")
        );
    }

    #[test]
    fn chunks_win_over_a_stale_plain_cookie() {
        assert_eq!(
            read("authjs.session-token=old; authjs.session-token.0=n; authjs.session-token.1=ew")
                .unwrap()
                .as_deref(),
            Some("new")
        );
    }

    #[test]
    fn other_names_are_ignored() {
        assert_eq!(read("__Secure-authjs.session-token=s; authjs.session-tokenX=1; authjs.session-token.x=2; xauthjs.session-token=3").unwrap(), None);
        assert_eq!(read("").unwrap(), None);
        assert_eq!(read(";;=;authjs.session-token").unwrap(), None);
    }

    #[test]
    fn values_are_unquoted_and_percent_decoded() {
        assert_eq!(
            read("authjs.session-token=\"a%2Eb\"").unwrap().as_deref(),
            Some("a.b")
        );
        assert_eq!(
            read("authjs.session-token=a%zz").unwrap().as_deref(),
            Some("a%zz")
        );
        assert_eq!(
            read("authjs.session-token=%E2%82").unwrap().as_deref(),
            Some("%E2%82")
        );
    }

    #[test]
    fn size_limit_applies_to_the_joined_value() {
        let big = "a".repeat(60);
        let h = format!("authjs.session-token.0={big}; authjs.session-token.1={big}");
        assert!(matches!(read(&h), Err(TokenError::TooLarge { .. })));
        assert!(matches!(
            read(&format!("authjs.session-token={}", "b".repeat(101))),
            Err(TokenError::TooLarge { .. })
        ));
    }

    #[test]
    fn chunking_round_trips_through_reading() {
        let token: String = (0..10_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let parts = chunk_cookie_value(NAME, &token, 3936);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].1.len(), 3936);
        let header: Vec<String> = parts
            .iter()
            .rev()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        let joined = header.join("; ");
        let back = session_token_from_cookie_headers([joined.as_str()], NAME, 20_000).unwrap();
        assert_eq!(back.as_deref(), Some(token.as_str()));
        assert_eq!(chunk_cookie_value(NAME, &token[..3936], 3936).len(), 1);
        assert_eq!(chunk_cookie_value(NAME, &token[..3937], 3936).len(), 2);
    }

    #[test]
    fn bearer_tokens_are_url_decoded() {
        assert_eq!(
            bearer_token("Bearer %ZZ", 100).unwrap_err().kind(),
            crate::TokenErrorKind::Malformed
        );
        assert_eq!(bearer_token("Bearer", 100).unwrap(), None);
        assert_eq!(bearer_token("bearer x", 100).unwrap(), None);
        assert!(matches!(
            bearer_token(&format!("Bearer {}", "x".repeat(101)), 100),
            Err(TokenError::TooLarge { .. })
        ));
    }
}
