//! [`Verifier`]: built once from the configuration (keys derived then), it verifies and decodes
//! session tokens per request and encodes tokens next-auth reads.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::capture;
use crate::claims::{self, TimeClaims};
use crate::error::{ConfigError, EncodeError, TokenError};
use crate::jwe::{self, Scratch};
use crate::keys::{ContentEncryption, KeySet};

/// Which next-auth wrote (or will read) the tokens.
///
/// ```
/// use authgen_runtime::NextAuthVersion;
/// let v: NextAuthVersion = "v5".parse().unwrap();
/// assert_eq!(v.session_cookie_name(true), "__Secure-authjs.session-token");
/// assert_eq!(NextAuthVersion::V4.session_cookie_name(false), "next-auth.session-token");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NextAuthVersion {
    /// next-auth 4 (`next-auth/jwt`): `dir` + `A256GCM`, empty HKDF salt.
    V4,
    /// next-auth 5 / Auth.js (`@auth/core/jwt`): `dir` + `A256CBC-HS512` (or `A256GCM`), the
    /// cookie name as HKDF salt, `kid` thumbprints, several secrets.
    V5,
}

impl NextAuthVersion {
    /// The session cookie's name: `next-auth.session-token` / `authjs.session-token`, with the
    /// `__Secure-` prefix when `secure` (the site is served over https).
    ///
    /// ```
    /// # use authgen_runtime::NextAuthVersion;
    /// assert_eq!(NextAuthVersion::V4.session_cookie_name(true), "__Secure-next-auth.session-token");
    /// ```
    pub fn session_cookie_name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (NextAuthVersion::V4, false) => "next-auth.session-token",
            (NextAuthVersion::V4, true) => "__Secure-next-auth.session-token",
            (NextAuthVersion::V5, false) => "authjs.session-token",
            (NextAuthVersion::V5, true) => "__Secure-authjs.session-token",
        }
    }

    /// The longest cookie value next-auth writes before it splits the value into chunks
    /// (`4096 - 163` in next-auth 4, `4096 - 160` in @auth/core).
    ///
    /// ```
    /// # use authgen_runtime::NextAuthVersion;
    /// assert_eq!(NextAuthVersion::V4.chunk_size(), 3933);
    /// assert_eq!(NextAuthVersion::V5.chunk_size(), 3936);
    /// ```
    pub fn chunk_size(self) -> usize {
        match self {
            NextAuthVersion::V4 => 3933,
            NextAuthVersion::V5 => 3936,
        }
    }

    /// The HKDF salt for the session token: empty in v4, the cookie name in v5.
    fn salt(self, cookie_name: &str) -> &str {
        match self {
            NextAuthVersion::V4 => "",
            NextAuthVersion::V5 => cookie_name,
        }
    }
}

impl FromStr for NextAuthVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "v4" | "4" => Ok(NextAuthVersion::V4),
            "v5" | "5" => Ok(NextAuthVersion::V5),
            _ => Err(format!(
                "unknown next-auth version `{s}`: expected v4 or v5"
            )),
        }
    }
}

impl fmt::Display for NextAuthVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NextAuthVersion::V4 => "v4",
            NextAuthVersion::V5 => "v5",
        })
    }
}

/// Default clock tolerance, as next-auth's: 15 seconds.
///
/// ```
/// assert_eq!(authgen_runtime::DEFAULT_CLOCK_TOLERANCE.as_secs(), 15);
/// ```
pub const DEFAULT_CLOCK_TOLERANCE: Duration = Duration::from_secs(15);
/// Default session lifetime written by [`Verifier::encode`], as next-auth's: 30 days.
///
/// ```
/// assert_eq!(authgen_runtime::DEFAULT_MAX_AGE.as_secs(), 30 * 24 * 60 * 60);
/// ```
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Default largest token (or joined cookie value) accepted: 32 KiB.
///
/// ```
/// assert_eq!(authgen_runtime::DEFAULT_MAX_TOKEN_LEN, 32 * 1024);
/// ```
pub const DEFAULT_MAX_TOKEN_LEN: usize = 32 * 1024;
/// Shortest secret accepted without [`VerifierBuilder::allow_weak_secret`]: 32 bytes.
///
/// ```
/// assert_eq!(authgen_runtime::MIN_SECRET_LEN, 32);
/// ```
pub const MIN_SECRET_LEN: usize = 32;

/// Configuration of a [`Verifier`]; see [`Verifier::builder`].
///
/// ```
/// use std::time::Duration;
/// use authgen_runtime::{NextAuthVersion, Verifier};
/// let verifier = Verifier::builder(NextAuthVersion::V5)
///     .secret("new-secret-of-at-least-thirty-two-bytes")
///     .secret("old-secret-of-at-least-thirty-two-bytes")
///     .secure(true)
///     .clock_tolerance(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(verifier.cookie_name(), "__Secure-authjs.session-token");
/// # Ok::<(), authgen_runtime::ConfigError>(())
/// ```
#[must_use]
pub struct VerifierBuilder {
    version: NextAuthVersion,
    secrets: Vec<Zeroizing<Vec<u8>>>,
    cookie_name: Option<String>,
    secure: bool,
    clock_tolerance: Duration,
    max_token_len: usize,
    max_age: Duration,
    allow_weak_secret: bool,
    require_exp: bool,
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("version", &self.version)
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("cookie_name", &self.cookie_name)
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

impl VerifierBuilder {
    /// Adds a secret (the string next-auth is given, used as its UTF-8 bytes). The first one
    /// added encodes; all of them decode (v5 picks by `kid`, v4 tries each in order).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V4).secret("a".repeat(32)).build();
    /// assert!(v.is_ok());
    /// ```
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secrets.push(Zeroizing::new(secret.as_ref().to_vec()));
        self
    }

    /// Adds several secrets, in order (as `AUTH_SECRET_3, AUTH_SECRET_2, AUTH_SECRET_1,
    /// AUTH_SECRET` for v5 rotation).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secrets(["b".repeat(32), "a".repeat(32)]).build();
    /// assert!(v.is_ok());
    /// ```
    pub fn secrets<S: AsRef<[u8]>>(mut self, secrets: impl IntoIterator<Item = S>) -> Self {
        for s in secrets {
            self = self.secret(s);
        }
        self
    }

    /// Uses a custom session cookie name (next-auth's `cookies.sessionToken.name`); in v5 it is
    /// also the key-derivation salt. Overrides [`secure`](Self::secure).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).cookie_name("my.session").build()?;
    /// assert_eq!(v.cookie_name(), "my.session");
    /// # Ok::<(), authgen_runtime::ConfigError>(())
    /// ```
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = Some(name.into());
        self
    }

    /// Selects the `__Secure-` cookie name (sites served over https).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V4).secret("a".repeat(32)).secure(true).build()?;
    /// assert_eq!(v.cookie_name(), "__Secure-next-auth.session-token");
    /// # Ok::<(), authgen_runtime::ConfigError>(())
    /// ```
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// How far `exp`, `nbf` and `iat` may be off (default 15 s, as next-auth).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).clock_tolerance(Duration::ZERO).build();
    /// assert!(v.is_ok());
    /// ```
    pub fn clock_tolerance(mut self, tolerance: Duration) -> Self {
        self.clock_tolerance = tolerance;
        self
    }

    /// The longest token (and joined cookie value) accepted, in bytes (default 32 KiB).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier, TokenErrorKind};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).max_token_len(10).build()?;
    /// assert_eq!(v.decode_map("x".repeat(11).as_str()).unwrap_err().kind(), TokenErrorKind::TooLarge);
    /// # Ok::<(), authgen_runtime::ConfigError>(())
    /// ```
    pub fn max_token_len(mut self, max: usize) -> Self {
        self.max_token_len = max;
        self
    }

    /// The lifetime [`Verifier::encode`] gives tokens (`exp = now + max_age`; default 30 days).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).max_age(Duration::from_secs(3600)).build()?;
    /// let claims = v.decode_map(&v.encode(&serde_json::json!({}))?)?;
    /// assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Accepts secrets shorter than 32 bytes (for existing deployments; not recommended).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// assert!(Verifier::builder(NextAuthVersion::V5).secret("short").build().is_err());
    /// assert!(Verifier::builder(NextAuthVersion::V5).secret("short").allow_weak_secret(true).build().is_ok());
    /// ```
    pub fn allow_weak_secret(mut self, allow: bool) -> Self {
        self.allow_weak_secret = allow;
        self
    }

    /// Whether a token without `exp` is refused (default true: next-auth always writes `exp`).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).require_exp(false).build();
    /// assert!(v.is_ok());
    /// ```
    pub fn require_exp(mut self, require: bool) -> Self {
        self.require_exp = require;
        self
    }

    /// Checks the configuration and derives every key.
    ///
    /// ```
    /// # use authgen_runtime::{ConfigError, NextAuthVersion, Verifier};
    /// assert_eq!(Verifier::builder(NextAuthVersion::V5).build().unwrap_err(), ConfigError::NoSecret);
    /// ```
    pub fn build(self) -> Result<Verifier, ConfigError> {
        if self.secrets.is_empty() {
            return Err(ConfigError::NoSecret);
        }
        if !self.allow_weak_secret {
            if let Some((index, s)) = self
                .secrets
                .iter()
                .enumerate()
                .find(|(_, s)| s.len() < MIN_SECRET_LEN)
            {
                return Err(ConfigError::WeakSecret {
                    index,
                    len: s.len(),
                });
            }
        }
        let cookie_name = match self.cookie_name {
            Some(name) => {
                if !crate::cookie::is_valid_cookie_name(&name) {
                    return Err(ConfigError::InvalidCookieName);
                }
                name
            }
            None => self.version.session_cookie_name(self.secure).to_owned(),
        };
        let salt = self.version.salt(&cookie_name);
        let keys: Vec<KeySet> = self
            .secrets
            .iter()
            .map(|s| KeySet::derive(self.version, s, salt))
            .collect();
        let known_headers = known_headers(self.version, &keys);
        Ok(Verifier {
            version: self.version,
            keys,
            known_headers,
            cookie_name,
            clock_tolerance: i64::try_from(self.clock_tolerance.as_secs()).unwrap_or(i64::MAX),
            max_token_len: self.max_token_len,
            max_age: i64::try_from(self.max_age.as_secs()).unwrap_or(i64::MAX),
            require_exp: self.require_exp,
        })
    }
}

/// A header segment exactly as next-auth writes it, with what it means.
struct KnownHeader {
    segment: String,
    enc: ContentEncryption,
    /// The key it names (by `kid`); `None` in v4, where every secret is tried.
    key: Option<usize>,
}

impl KnownHeader {
    /// Splits `token` if it starts with this header: then the encrypted key must be empty and
    /// the IV and tag have fixed lengths, so no segment needs searching for. `None` leaves the
    /// token to [`jwe::split`] (and its error messages); the segments given are the ones it
    /// would give, or, for a token with an extra dot, ones that fail base64url just the same.
    fn split<'t>(&self, token: &'t str) -> Option<jwe::Segments<'t>> {
        let rest = token
            .strip_prefix(self.segment.as_str())?
            .strip_prefix("..")?;
        let iv_len = (self.enc.iv_len() * 4).div_ceil(3);
        let tag_len = (self.enc.tag_len() * 4).div_ceil(3);
        let (iv, rest) = (rest.get(..iv_len)?, rest.get(iv_len..)?);
        let rest = rest.strip_prefix('.')?;
        let split_at = rest.len().checked_sub(tag_len + 1)?;
        let (ciphertext, tag) = (rest.get(..split_at)?, rest.get(split_at..)?);
        Some(jwe::Segments {
            header: &token[..self.segment.len()],
            encrypted_key: "",
            iv,
            ciphertext,
            tag: tag.strip_prefix('.')?,
        })
    }
}

fn header_json(version: NextAuthVersion, enc: ContentEncryption, kid: &str) -> String {
    match version {
        NextAuthVersion::V4 => String::from(r#"{"alg":"dir","enc":"A256GCM"}"#),
        NextAuthVersion::V5 => format!(
            r#"{{"alg":"dir","enc":"{}","kid":"{}"}}"#,
            enc.as_str(),
            kid
        ),
    }
}

fn known_headers(version: NextAuthVersion, keys: &[KeySet]) -> Vec<KnownHeader> {
    match version {
        NextAuthVersion::V4 => vec![KnownHeader {
            segment: crate::b64::encode(header_json(version, ContentEncryption::A256Gcm, "")),
            enc: ContentEncryption::A256Gcm,
            key: None,
        }],
        NextAuthVersion::V5 => keys
            .iter()
            .enumerate()
            .flat_map(|(i, k)| {
                [ContentEncryption::A256CbcHs512, ContentEncryption::A256Gcm].map(|enc| {
                    KnownHeader {
                        segment: crate::b64::encode(header_json(version, enc, k.kid(enc))),
                        enc,
                        key: Some(i),
                    }
                })
            })
            .collect(),
    }
}

/// Options for [`Verifier::encode_with`].
///
/// ```
/// use authgen_runtime::{ContentEncryption, EncodeOptions};
/// let o = EncodeOptions { max_age_secs: Some(60), now: Some(1_700_000_000), enc: Some(ContentEncryption::A256Gcm) };
/// assert_eq!(EncodeOptions::default().max_age_secs, None);
/// # let _ = o;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Lifetime in seconds (default: the verifier's `max_age`).
    pub max_age_secs: Option<i64>,
    /// The issue time in seconds since the epoch (default: now).
    pub now: Option<i64>,
    /// The content encryption (default: `A256GCM` for v4, `A256CBC-HS512` for v5; v4 accepts
    /// only `A256GCM`).
    pub enc: Option<ContentEncryption>,
}

/// Verifies, decodes and encodes next-auth session tokens with keys derived once.
///
/// Build it once at start-up and share it (it is `Send + Sync`); `decode` does no key
/// derivation and decrypts on the stack (the heap only for tokens over 2 KiB).
///
/// ```
/// use serde::Deserialize;
/// use authgen_runtime::{NextAuthVersion, Verifier};
///
/// #[derive(Deserialize)]
/// struct Claims { sub: String, role: String }
///
/// let verifier = Verifier::builder(NextAuthVersion::V5)
///     .secret("a-secret-of-at-least-thirty-two-bytes!")
///     .build()?;
/// let token = verifier.encode(&serde_json::json!({ "sub": "user-1", "role": "ADMIN" }))?;
/// let claims: Claims = verifier.decode(&token)?;
/// assert_eq!((claims.sub.as_str(), claims.role.as_str()), ("user-1", "ADMIN"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Verifier {
    version: NextAuthVersion,
    keys: Vec<KeySet>,
    /// The header segments next-auth writes for these keys, recognised without parsing.
    known_headers: Vec<KnownHeader>,
    cookie_name: String,
    clock_tolerance: i64,
    max_token_len: usize,
    max_age: i64,
    require_exp: bool,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("version", &self.version)
            .field("secrets", &format_args!("[{} redacted]", self.keys.len()))
            .field("cookie_name", &self.cookie_name)
            .field("clock_tolerance", &self.clock_tolerance)
            .field("max_token_len", &self.max_token_len)
            .finish_non_exhaustive()
    }
}

fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

impl Verifier {
    /// Starts the configuration for `version`; defaults match next-auth's.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// assert_eq!(v.cookie_name(), "authjs.session-token");
    /// # Ok::<(), authgen_runtime::ConfigError>(())
    /// ```
    pub fn builder(version: NextAuthVersion) -> VerifierBuilder {
        VerifierBuilder {
            version,
            secrets: Vec::new(),
            cookie_name: None,
            secure: false,
            clock_tolerance: DEFAULT_CLOCK_TOLERANCE,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            max_age: DEFAULT_MAX_AGE,
            allow_weak_secret: false,
            require_exp: true,
        }
    }

    /// The next-auth version this verifier speaks.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V4).secret("a".repeat(32)).build()?;
    /// assert_eq!(v.version(), NextAuthVersion::V4);
    /// # Ok::<(), authgen_runtime::ConfigError>(())
    /// ```
    pub fn version(&self) -> NextAuthVersion {
        self.version
    }

    /// The session cookie's name (and, in v5, the key-derivation salt).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V4).secret("a".repeat(32)).build()?;
    /// assert_eq!(v.cookie_name(), "next-auth.session-token");
    /// # Ok::<(), authgen_runtime::ConfigError>(())
    /// ```
    pub fn cookie_name(&self) -> &str {
        &self.cookie_name
    }

    /// The largest token accepted, in bytes.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V4).secret("a".repeat(32)).build()?;
    /// assert_eq!(v.max_token_len(), 32 * 1024);
    /// # Ok::<(), authgen_runtime::ConfigError>(())
    /// ```
    pub fn max_token_len(&self) -> usize {
        self.max_token_len
    }

    /// Verifies `token` and deserializes its claims into `T`.
    ///
    /// Checks, in order: size, segment shape, header (base64url, JSON object, `alg` `dir`, no
    /// `zip` / `crit`, accepted `enc`), an empty encrypted-key segment, IV and tag lengths,
    /// the tag (constant time, before any decryption), the payload (a JSON object), `exp` /
    /// `nbf` / `iat` with the clock tolerance, then `T`. That is the order errors are reported
    /// in; the work itself is one pass, with `T` read while the time claims are captured, so
    /// `T::deserialize` also runs on the payload of an authentic but expired token (only to be
    /// discarded).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier, TokenErrorKind};
    /// let v = Verifier::builder(NextAuthVersion::V4).secret("a".repeat(32)).build()?;
    /// let token = v.encode(&serde_json::json!({ "sub": "42" }))?;
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Claims { sub: u32 }
    /// let e = v.decode::<Claims>(&token).unwrap_err();
    /// assert_eq!(e.kind(), TokenErrorKind::Claims);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode<T: DeserializeOwned>(&self, token: &str) -> Result<T, TokenError> {
        self.decode_at(token, unix_now())
    }

    /// Like [`decode`](Self::decode), with the clock given (seconds since the epoch).
    ///
    /// ```
    /// # use authgen_runtime::{EncodeOptions, NextAuthVersion, Verifier, TokenErrorKind};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// let t = v.encode_with(&serde_json::json!({}), EncodeOptions { now: Some(1000), max_age_secs: Some(60), enc: None })?;
    /// assert!(v.decode_at::<serde_json::Value>(&t, 1010).is_ok());
    /// assert_eq!(v.decode_at::<serde_json::Value>(&t, 1075).unwrap_err().kind(), TokenErrorKind::Expired);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_at<T: DeserializeOwned>(&self, token: &str, now: i64) -> Result<T, TokenError> {
        let mut scratch = Scratch::new();
        let plain = self.open(token, &mut scratch)?;
        // One pass: `T` read with the time claims captured on the way.
        if let Some((value, times)) = capture::deserialize::<T>(plain) {
            times.check(now, self.clock_tolerance, self.require_exp)?;
            return Ok(value);
        }
        // The careful path explains what the one pass refused, in the documented order: the
        // payload and its time claims first, then `T` with the field path.
        TimeClaims::parse(plain)?.check(now, self.clock_tolerance, self.require_exp)?;
        claims::deserialize(plain)
    }

    /// Verifies `token` and returns its claims as a JSON object.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// let claims = v.decode_map(&v.encode(&serde_json::json!({ "name": "Zoë" }))?)?;
    /// assert_eq!(claims["name"], "Zoë");
    /// assert!(claims.contains_key("jti"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_map(&self, token: &str) -> Result<Map<String, Value>, TokenError> {
        self.decode_map_at(token, unix_now())
    }

    /// [`decode_map`](Self::decode_map) with the clock given (seconds since the epoch).
    ///
    /// ```
    /// # use authgen_runtime::{EncodeOptions, NextAuthVersion, Verifier, TokenErrorKind};
    /// let v = Verifier::builder(NextAuthVersion::V4).secret("a".repeat(32)).build()?;
    /// let t = v.encode_with(&serde_json::json!({}), EncodeOptions { now: Some(1000), max_age_secs: Some(60), enc: None })?;
    /// assert_eq!(v.decode_map_at(&t, 1000)?["exp"], 1060);
    /// assert_eq!(v.decode_map_at(&t, 2000).unwrap_err().kind(), TokenErrorKind::Expired);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_map_at(&self, token: &str, now: i64) -> Result<Map<String, Value>, TokenError> {
        let mut scratch = Scratch::new();
        let plain = self.open(token, &mut scratch)?;
        // One parse: the object, then its times.
        let map = claims::parse_object(plain)?;
        TimeClaims::from_map(&map)?.check(now, self.clock_tolerance, self.require_exp)?;
        Ok(map)
    }

    /// Verifies the token and hands its plaintext (a JSON object, times checked) to `f`,
    /// without deserializing: for callers that read it their own way.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// let t = v.encode(&serde_json::json!({ "a": 1 }))?;
    /// let len = v.verify_with(&t, |json| json.len())?;
    /// assert!(len > 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_with<R>(&self, token: &str, f: impl FnOnce(&[u8]) -> R) -> Result<R, TokenError> {
        let mut scratch = Scratch::new();
        let plain = self.open_checked(token, unix_now(), &mut scratch)?;
        Ok(f(plain))
    }

    /// Verifies the token and decrypts it in `scratch`; returns the plaintext (not yet parsed).
    fn open<'b>(&self, token: &str, scratch: &'b mut Scratch) -> Result<&'b [u8], TokenError> {
        if token.len() > self.max_token_len {
            return Err(TokenError::TooLarge {
                len: token.len(),
                max: self.max_token_len,
            });
        }
        // Fast path: the exact header segment next-auth writes for one of our keys (public
        // data, compared as such), which also fixes where the other segments start; anything
        // else is split and its header checked in full.
        let fast = self
            .known_headers
            .iter()
            .find_map(|h| Some((h, h.split(token)?)));
        let (seg, enc, choice) = match fast {
            Some((h, seg)) => (seg, h.enc, h.key),
            None => {
                let seg = jwe::split(token)?;
                let mut header_buf = [0u8; 768];
                let header = jwe::parse_header(
                    seg.header,
                    &mut header_buf,
                    self.version == NextAuthVersion::V5,
                )?;
                let choice = match (self.version, header.kid.as_deref()) {
                    (NextAuthVersion::V5, Some(kid)) => Some(
                        self.keys
                            .iter()
                            .position(|k| k.kid(header.enc) == kid)
                            .ok_or(TokenError::AuthenticationFailed {
                                no_matching_secret: true,
                            })?,
                    ),
                    (NextAuthVersion::V5, None) => Some(0),
                    (NextAuthVersion::V4, _) => None,
                };
                (seg, header.enc, choice)
            }
        };
        if !seg.encrypted_key.is_empty() {
            return Err(TokenError::malformed(
                "the encrypted-key segment must be empty with `alg: dir`",
            ));
        }
        let mut iv_buf = [0u8; 32];
        let iv = jwe::decode_fixed(
            seg.iv,
            enc.iv_len(),
            &mut iv_buf,
            "the IV has the wrong length",
        )?;
        let mut tag_buf = [0u8; 32];
        let tag = jwe::decode_fixed(
            seg.tag,
            enc.tag_len(),
            &mut tag_buf,
            "the tag has the wrong length",
        )?;
        let buf = jwe::decode_ciphertext(seg.ciphertext, scratch)?;
        let aad = seg.header.as_bytes();

        let len = match choice {
            Some(i) => jwe::open(&self.keys[i], enc, aad, iv, tag, buf)?,
            None => {
                // next-auth 4 has one secret; several are tried in order for rotation. A
                // failed tag leaves the buffer untouched, so each try sees the ciphertext.
                let mut result = Err(TokenError::AuthenticationFailed {
                    no_matching_secret: false,
                });
                for keys in &self.keys {
                    result = jwe::open(keys, enc, aad, iv, tag, buf);
                    if result.is_ok() {
                        break;
                    }
                }
                result?
            }
        };
        let plain: &'b [u8] = buf;
        Ok(&plain[..len])
    }

    /// [`open`](Self::open), then the payload must be a JSON object with valid times.
    fn open_checked<'b>(
        &self,
        token: &str,
        now: i64,
        scratch: &'b mut Scratch,
    ) -> Result<&'b [u8], TokenError> {
        let plain = self.open(token, scratch)?;
        TimeClaims::parse(plain)?.check(now, self.clock_tolerance, self.require_exp)?;
        Ok(plain)
    }

    /// Encodes `claims` (a JSON object) as next-auth does: `iat` = now, `exp` = now + max age,
    /// `jti` = a random UUID v4, overwriting any of these in `claims`; v5 writes
    /// `A256CBC-HS512` with the first secret's `kid`, v4 `A256GCM`.
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V4).secret("a".repeat(32)).build()?;
    /// let token = v.encode(&serde_json::json!({ "sub": "1", "iat": 5 }))?;
    /// assert!(token.starts_with("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.."));
    /// assert_ne!(v.decode_map(&token)?["iat"], 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode<T: Serialize + ?Sized>(&self, claims: &T) -> Result<String, EncodeError> {
        self.encode_with(claims, EncodeOptions::default())
    }

    /// [`encode`](Self::encode) with a given lifetime, clock or content encryption.
    ///
    /// ```
    /// # use authgen_runtime::{ContentEncryption, EncodeOptions, NextAuthVersion, Verifier};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// let opts = EncodeOptions { enc: Some(ContentEncryption::A256Gcm), ..EncodeOptions::default() };
    /// let t = v.encode_with(&serde_json::json!({ "a": 1 }), opts)?;
    /// assert_eq!(v.decode_map(&t)?["a"], 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_with<T: Serialize + ?Sized>(
        &self,
        claims: &T,
        options: EncodeOptions,
    ) -> Result<String, EncodeError> {
        let mut map = match serde_json::to_value(claims) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(EncodeError::NotAnObject),
            Err(e) => return Err(EncodeError::Serialize(e.to_string())),
        };
        let now = options.now.unwrap_or_else(unix_now);
        let max_age = options.max_age_secs.unwrap_or(self.max_age);
        map.insert("iat".into(), now.into());
        map.insert("exp".into(), now.saturating_add(max_age).into());
        map.insert("jti".into(), Value::String(uuid_v4()?));
        let payload = Zeroizing::new(
            serde_json::to_vec(&map).map_err(|e| EncodeError::Serialize(e.to_string()))?,
        );
        self.seal(&payload, options.enc)
    }

    /// Encrypts `payload` bytes as they are (no claims added, nothing checked) with the first
    /// secret: a low-level tool for tests and custom flows. Prefer [`encode`](Self::encode).
    ///
    /// ```
    /// # use authgen_runtime::{NextAuthVersion, Verifier, TokenErrorKind};
    /// let v = Verifier::builder(NextAuthVersion::V5).secret("a".repeat(32)).build()?;
    /// let t = v.seal(b"[1,2,3]", None)?;
    /// assert_eq!(v.decode_map(&t).unwrap_err().kind(), TokenErrorKind::Claims);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn seal(
        &self,
        payload: &[u8],
        enc: Option<ContentEncryption>,
    ) -> Result<String, EncodeError> {
        let keys = &self.keys[0];
        let enc = match (self.version, enc) {
            (NextAuthVersion::V4, _) => ContentEncryption::A256Gcm,
            (NextAuthVersion::V5, e) => e.unwrap_or(ContentEncryption::A256CbcHs512),
        };
        let header = header_json(self.version, enc, keys.kid(enc));
        jwe::seal(keys, enc, &header, payload)
    }
}

/// A random (version 4) UUID, as `crypto.randomUUID()` writes it.
fn uuid_v4() -> Result<String, EncodeError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|_| EncodeError::Random)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v4_has_the_version_and_variant_bits() {
        let u = uuid_v4().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
        assert_ne!(u, uuid_v4().unwrap());
    }

    /// Keys are derived when the verifier is built; decoding, good tokens or bad, derives none.
    #[test]
    fn keys_are_derived_once_when_the_verifier_is_built() {
        let derived = || crate::keys::DERIVED.with(|n| n.get());
        for version in [NextAuthVersion::V4, NextAuthVersion::V5] {
            let before = derived();
            let v = Verifier::builder(version)
                .secrets(["s".repeat(32), "t".repeat(32)])
                .build()
                .unwrap();
            assert!(
                derived() - before >= 2,
                "{version}: one key per secret at least"
            );
            let other = Verifier::builder(version)
                .secret("u".repeat(32))
                .build()
                .unwrap();
            let mut tokens: Vec<String> = (0..10)
                .map(|i| v.encode(&serde_json::json!({ "i": i })).unwrap())
                .collect();
            tokens.push(other.encode(&serde_json::json!({ "i": -1 })).unwrap());
            let built = derived();
            for t in &tokens {
                let _ = v.decode_map(t);
                let _ = v.decode::<serde_json::Value>(t);
                let _ = v
                    .decode_cookie_header::<serde_json::Value>(&format!("{}={t}", v.cookie_name()));
            }
            assert_eq!(derived(), built, "{version}: decoding derived keys");
        }
    }

    fn parts<'t>(s: &jwe::Segments<'t>) -> [&'t str; 5] {
        [s.header, s.encrypted_key, s.iv, s.ciphertext, s.tag]
    }

    /// The known-header split finds the same segments as the general split, and leaves every
    /// odd shape to it.
    #[test]
    fn known_header_split_agrees_with_the_general_split() {
        for version in [NextAuthVersion::V4, NextAuthVersion::V5] {
            let v = Verifier::builder(version)
                .secret("s".repeat(32))
                .build()
                .unwrap();
            for enc in [ContentEncryption::A256Gcm, ContentEncryption::A256CbcHs512] {
                let opts = EncodeOptions {
                    enc: Some(enc),
                    ..EncodeOptions::default()
                };
                let t = v.encode_with(&serde_json::json!({ "a": 1 }), opts).unwrap();
                let fast: Vec<_> = v.known_headers.iter().filter_map(|h| h.split(&t)).collect();
                assert_eq!(fast.len(), 1, "{version} {enc:?}");
                assert_eq!(parts(&fast[0]), parts(&jwe::split(&t).unwrap()));
                let s = parts(&fast[0]);
                let odd = [
                    format!("{}.k.{}.{}.{}", s[0], s[2], s[3], s[4]),
                    format!("{}..{}.{}.{}", s[0], &s[2][1..], s[3], s[4]),
                    format!("{}..{}A.{}.{}", s[0], s[2], s[3], s[4]),
                    format!("{}..{}.{}.{}A", s[0], s[2], s[3], s[4]),
                    format!("{}..{}.{}.{}", s[0], s[2], s[3], &s[4][1..]),
                    format!("{}..{}.{}.x.{}", s[0], s[2], s[3], s[4]),
                    format!("{}..{}", s[0], s[2]),
                ];
                for t in &odd {
                    if let Some(seg) = v.known_headers.iter().find_map(|h| h.split(t)) {
                        assert_eq!(parts(&seg), parts(&jwe::split(t).unwrap()), "{t}");
                    }
                    let e = v.decode_map(t).unwrap_err();
                    assert_eq!(e.kind(), crate::TokenErrorKind::Malformed, "{t}: {e:?}");
                }
            }
        }
    }

    #[test]
    fn verifier_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Verifier>();
    }
}
