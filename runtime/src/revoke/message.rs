//! The messages published on [`CHANNEL`](super::CHANNEL).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One message on the pub/sub channel [`CHANNEL`](super::CHANNEL), as JSON with a `type` tag:
///
/// | JSON | meaning |
/// | --- | --- |
/// | `{"type":"user","id":"42","at":1764500000}` | user `42` revoked: tokens with `iat < at` refused |
/// | `{"type":"token","jti":"…","exp":1764500000}` | token id revoked until its `exp` |
/// | `{"type":"session","sha256":"<64 hex digits>"}` | database session signed out: the SHA-256 of its session token, lower-case hex |
///
/// A message with another `type`, or that does not parse, is ignored (so later writers can add
/// kinds). The stored keys are the truth; a message only tells the instances to drop what they
/// cached.
///
/// ```
/// use authgen_runtime::revoke::RevocationMessage;
/// let m = RevocationMessage::User { id: "42".into(), at: 1_764_500_000 };
/// assert_eq!(m.to_json(), r#"{"type":"user","id":"42","at":1764500000}"#);
/// assert_eq!(RevocationMessage::parse(&m.to_json()), Some(m));
/// assert_eq!(RevocationMessage::parse(r#"{"type":"later"}"#), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum RevocationMessage {
    /// A user's tokens issued before `at` are revoked.
    User {
        /// The user id (the token's `sub`).
        id: String,
        /// The cutoff, unix seconds.
        at: i64,
    },
    /// A token id is revoked.
    Token {
        /// The token's `jti`.
        jti: String,
        /// The token's `exp`, unix seconds.
        exp: i64,
    },
    /// A database session was deleted: drop it from every instance's session cache.
    Session {
        /// SHA-256 of the session token, lower-case hex.
        sha256: String,
    },
}

impl RevocationMessage {
    /// The message for signing out the database session `token` (its SHA-256, never the token).
    ///
    /// ```
    /// use authgen_runtime::revoke::RevocationMessage;
    /// let m = RevocationMessage::session("abc");
    /// assert_eq!(m.to_json(), r#"{"type":"session","sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}"#);
    /// ```
    pub fn session(token: &str) -> RevocationMessage {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        RevocationMessage::Session { sha256 }
    }

    /// The JSON published on the channel.
    ///
    /// ```
    /// use authgen_runtime::revoke::RevocationMessage;
    /// let m = RevocationMessage::Token { jti: "t-1".into(), exp: 10 };
    /// assert_eq!(m.to_json(), r#"{"type":"token","jti":"t-1","exp":10}"#);
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses a message; `None` for an unknown type or malformed JSON.
    ///
    /// ```
    /// use authgen_runtime::revoke::RevocationMessage;
    /// assert!(RevocationMessage::parse("not json").is_none());
    /// ```
    pub fn parse(json: &str) -> Option<RevocationMessage> {
        serde_json::from_str(json).ok()
    }
}

/// The 32 bytes of a lower-case (or upper-case) hex SHA-256.
pub(crate) fn parse_digest(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_digest_round_trips() {
        let RevocationMessage::Session { sha256 } = RevocationMessage::session("tok") else {
            panic!("not a session message");
        };
        let expected: [u8; 32] = Sha256::digest(b"tok").into();
        assert_eq!(parse_digest(&sha256), Some(expected));
        assert_eq!(parse_digest("zz"), None);
        assert_eq!(parse_digest(&"g".repeat(64)), None);
    }
}
