//! Key derivation as next-auth does it: HKDF-SHA256 over the secret string's UTF-8 bytes, and the
//! RFC 7638 key ids (`kid`) Auth.js puts in v5 token headers.
//!
//! A [`Verifier`](crate::Verifier) derives every key once, when it is built; these functions are
//! public for tools and tests that need the raw values.
//!
//! ```
//! use authgen_runtime::keys::{derive_key, jwk_thumbprint};
//! use authgen_runtime::{ContentEncryption, NextAuthVersion};
//! let salt = "authjs.session-token";
//! let key = derive_key(NextAuthVersion::V5, b"a-secret", salt, ContentEncryption::A256CbcHs512);
//! assert_eq!(key.len(), 64);
//! assert_eq!(jwk_thumbprint(&key).len(), 86);
//! ```

use aes::Aes256;
use aes_gcm::{Aes256Gcm, KeyInit};
use hkdf::Hkdf;
use hmac::Hmac;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

use crate::verifier::NextAuthVersion;

/// The content encryption a token uses (its `enc` header).
///
/// ```
/// use authgen_runtime::ContentEncryption;
/// assert_eq!(ContentEncryption::A256CbcHs512.key_len(), 64);
/// assert_eq!(ContentEncryption::A256Gcm.as_str(), "A256GCM");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentEncryption {
    /// `A256GCM`: AES-256-GCM, 12-byte IV, 16-byte tag, 32-byte key (v4, and accepted by v5).
    A256Gcm,
    /// `A256CBC-HS512`: AES-256-CBC with HMAC-SHA-512/256, 16-byte IV, 32-byte tag, 64-byte key
    /// (what v5 writes).
    A256CbcHs512,
}

impl ContentEncryption {
    /// The `enc` header value.
    ///
    /// ```
    /// # use authgen_runtime::ContentEncryption;
    /// assert_eq!(ContentEncryption::A256CbcHs512.as_str(), "A256CBC-HS512");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ContentEncryption::A256Gcm => "A256GCM",
            ContentEncryption::A256CbcHs512 => "A256CBC-HS512",
        }
    }

    /// The key length in bytes.
    ///
    /// ```
    /// # use authgen_runtime::ContentEncryption;
    /// assert_eq!(ContentEncryption::A256Gcm.key_len(), 32);
    /// ```
    pub fn key_len(self) -> usize {
        match self {
            ContentEncryption::A256Gcm => 32,
            ContentEncryption::A256CbcHs512 => 64,
        }
    }

    pub(crate) fn iv_len(self) -> usize {
        match self {
            ContentEncryption::A256Gcm => 12,
            ContentEncryption::A256CbcHs512 => 16,
        }
    }

    pub(crate) fn tag_len(self) -> usize {
        match self {
            ContentEncryption::A256Gcm => 16,
            ContentEncryption::A256CbcHs512 => 32,
        }
    }
}

/// Derives the content-encryption key next-auth derives from `secret` for `salt`.
///
/// - v4: HKDF-SHA256(secret, salt, `"NextAuth.js Generated Encryption Key"` plus `" (<salt>)"`
///   when the salt is not empty), 32 bytes; next-auth 4 uses the empty salt for the session.
/// - v5: HKDF-SHA256(secret, salt, `"Auth.js Generated Encryption Key (<salt>)"`), 64 bytes for
///   `A256CBC-HS512` and 32 for `A256GCM`; the salt is the session cookie's name.
///
/// ```
/// use authgen_runtime::{keys::derive_key, ContentEncryption, NextAuthVersion};
/// let k = derive_key(NextAuthVersion::V4, b"test-secret-please-change", "", ContentEncryption::A256Gcm);
/// assert_eq!(k.len(), 32);
/// assert_eq!(k[0], 0x43);
/// ```
pub fn derive_key(
    version: NextAuthVersion,
    secret: &[u8],
    salt: &str,
    enc: ContentEncryption,
) -> Zeroizing<Vec<u8>> {
    #[cfg(test)]
    DERIVED.with(|n| n.set(n.get() + 1));
    let info = match version {
        NextAuthVersion::V4 if salt.is_empty() => {
            Zeroizing::new("NextAuth.js Generated Encryption Key".to_owned())
        }
        NextAuthVersion::V4 => {
            Zeroizing::new(format!("NextAuth.js Generated Encryption Key ({salt})"))
        }
        NextAuthVersion::V5 => Zeroizing::new(format!("Auth.js Generated Encryption Key ({salt})")),
    };
    let mut okm = Zeroizing::new(vec![0u8; enc.key_len()]);
    let hk = Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret);
    // 32 or 64 bytes is far below HKDF-SHA256's limit of 255 * 32 bytes.
    if hk.expand(info.as_bytes(), &mut okm).is_err() {
        unreachable!("HKDF output length is 32 or 64 bytes");
    }
    okm
}

#[cfg(test)]
thread_local! {
    /// How many keys this thread has derived (tests only): decoding must derive none.
    pub(crate) static DERIVED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The RFC 7638 thumbprint of a symmetric key, as Auth.js writes it in the `kid` header:
/// SHA-512 of `{"k":"<base64url key>","kty":"oct"}` for a 64-byte key, SHA-256 otherwise,
/// base64url without padding.
///
/// ```
/// use authgen_runtime::keys::jwk_thumbprint;
/// assert_eq!(jwk_thumbprint(&[0u8; 32]).len(), 43);
/// assert_eq!(jwk_thumbprint(&[0u8; 64]).len(), 86);
/// ```
pub fn jwk_thumbprint(key: &[u8]) -> String {
    let jwk = Zeroizing::new(format!(
        "{{\"k\":\"{}\",\"kty\":\"oct\"}}",
        crate::b64::encode(key)
    ));
    if key.len() == 64 {
        crate::b64::encode(Sha512::digest(jwk.as_bytes()))
    } else {
        crate::b64::encode(Sha256::digest(jwk.as_bytes()))
    }
}

/// The A256CBC-HS512 key split as RFC 7518 §5.2 does: MAC key, then AES key.
#[derive(Clone)]
pub(crate) struct CbcKey {
    /// HMAC-SHA-512 already keyed with the first 32 bytes: cloned per token, not re-keyed.
    pub(crate) mac: Hmac<Sha512>,
    /// AES-256 with its key schedule expanded from the last 32 bytes.
    pub(crate) aes: Aes256,
}

/// Everything derived from one secret, once.
pub(crate) struct KeySet {
    pub(crate) gcm: Aes256Gcm,
    pub(crate) gcm_kid: String,
    /// v5 only.
    pub(crate) cbc: Option<CbcKey>,
    pub(crate) cbc_kid: String,
}

impl KeySet {
    pub(crate) fn derive(version: NextAuthVersion, secret: &[u8], salt: &str) -> KeySet {
        let gcm_key = derive_key(version, secret, salt, ContentEncryption::A256Gcm);
        let gcm =
            Aes256Gcm::new_from_slice(&gcm_key).unwrap_or_else(|_| unreachable!("32-byte key"));
        let gcm_kid = jwk_thumbprint(&gcm_key);
        let (cbc, cbc_kid) = match version {
            NextAuthVersion::V4 => (None, String::new()),
            NextAuthVersion::V5 => {
                let key = derive_key(version, secret, salt, ContentEncryption::A256CbcHs512);
                let mac = <Hmac<Sha512> as KeyInit>::new_from_slice(&key[..32])
                    .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
                let aes = <Aes256 as KeyInit>::new_from_slice(&key[32..])
                    .unwrap_or_else(|_| unreachable!("32-byte key"));
                (Some(CbcKey { mac, aes }), jwk_thumbprint(&key))
            }
        };
        KeySet {
            gcm,
            gcm_kid,
            cbc,
            cbc_kid,
        }
    }

    pub(crate) fn kid(&self, enc: ContentEncryption) -> &str {
        match enc {
            ContentEncryption::A256Gcm => &self.gcm_kid,
            ContentEncryption::A256CbcHs512 => &self.cbc_kid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    const SECRET: &[u8] = b"test-secret-please-change";

    #[test]
    fn v4_key_matches_the_reference_vector() {
        let k = derive_key(NextAuthVersion::V4, SECRET, "", ContentEncryption::A256Gcm);
        assert_eq!(
            hex(&k),
            "430ae04a09d040d71b64a0793120468359e7ea6b82436038e981ccd7ef51bd86"
        );
    }

    #[test]
    fn v5_key_matches_the_reference_vector() {
        let k = derive_key(
            NextAuthVersion::V5,
            SECRET,
            "authjs.session-token",
            ContentEncryption::A256CbcHs512,
        );
        assert_eq!(
            hex(&k),
            "b8961af57889a807485020a52ecb3ac1eed7626eeda78f47c20dcbf7dfefff671dd65a3d69bab729d7c01842967e89e47dddd20db75bd8501776d84eb17312b5"
        );
    }

    #[test]
    fn v5_kid_matches_the_reference_vector() {
        let k = derive_key(
            NextAuthVersion::V5,
            SECRET,
            "authjs.session-token",
            ContentEncryption::A256CbcHs512,
        );
        assert_eq!(
            jwk_thumbprint(&k),
            "eHNgmTEPfRC5s-sSP8h7Zi5p2DrtsG6_BYaYpyDNYUjqYJo4Yqb6wPViw-gHvNn91FzjPBBWAFl7LXAlC8gdLw"
        );
        let ks = KeySet::derive(NextAuthVersion::V5, SECRET, "authjs.session-token");
        assert_eq!(ks.kid(ContentEncryption::A256CbcHs512), jwk_thumbprint(&k));
    }

    #[test]
    fn salt_changes_the_v5_key() {
        let a = derive_key(
            NextAuthVersion::V5,
            SECRET,
            "authjs.session-token",
            ContentEncryption::A256CbcHs512,
        );
        let b = derive_key(
            NextAuthVersion::V5,
            SECRET,
            "__Secure-authjs.session-token",
            ContentEncryption::A256CbcHs512,
        );
        assert_ne!(*a, *b);
    }
}
