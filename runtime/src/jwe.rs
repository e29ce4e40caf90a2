//! Compact JWE with `alg: dir`, as next-auth writes it:
//! `<b64url header>..<b64url iv>.<b64url ciphertext>.<b64url tag>`.
//!
//! Parsing is strict and allocation-light: the header and IV/tag are decoded on the stack, the
//! ciphertext into one buffer that is then decrypted in place. The tag is always verified, in
//! constant time, before a single byte is decrypted.

use std::borrow::Cow;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit};
use aes::Aes256;
use aes_gcm::AeadInOut;
use hmac::Mac;
use serde::de::IgnoredAny;
use serde::Deserialize;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::b64;
use crate::error::TokenError;
use crate::keys::{CbcKey, ContentEncryption, KeySet};

/// Longest header segment accepted (base64url characters); next-auth's is under 200.
const MAX_HEADER_B64: usize = 1024;

/// The five segments of a compact JWE, borrowed from the token.
pub(crate) struct Segments<'a> {
    pub(crate) header: &'a str,
    pub(crate) encrypted_key: &'a str,
    pub(crate) iv: &'a str,
    pub(crate) ciphertext: &'a str,
    pub(crate) tag: &'a str,
}

const FIVE_SEGMENTS: &str = "a session token has five dot-separated segments";

/// Splits a compact JWE. The three short segments' dots are found from the front and the tag's
/// from the back, so the long ciphertext is not scanned here: a dot inside it is not base64url,
/// and [`decode_ciphertext`] refuses it with the same message as a wrong segment count.
pub(crate) fn split(token: &str) -> Result<Segments<'_>, TokenError> {
    let malformed = || TokenError::malformed(FIVE_SEGMENTS);
    let (header, rest) = token.split_once('.').ok_or_else(malformed)?;
    let (encrypted_key, rest) = rest.split_once('.').ok_or_else(malformed)?;
    let (iv, rest) = rest.split_once('.').ok_or_else(malformed)?;
    let (ciphertext, tag) = rest.rsplit_once('.').ok_or_else(malformed)?;
    Ok(Segments {
        header,
        encrypted_key,
        iv,
        ciphertext,
        tag,
    })
}

#[derive(Deserialize)]
struct RawHeader<'a> {
    #[serde(borrow, default)]
    alg: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    enc: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    kid: Option<Cow<'a, str>>,
    #[serde(default)]
    zip: Option<IgnoredAny>,
    #[serde(default)]
    crit: Option<IgnoredAny>,
}

/// The parsed protected header: what decryption needs from it.
pub(crate) struct Header<'a> {
    pub(crate) enc: ContentEncryption,
    pub(crate) kid: Option<Cow<'a, str>>,
}

/// Decodes and checks the protected header. `allow_cbc` is false for v4.
pub(crate) fn parse_header<'b>(
    segment: &str,
    buf: &'b mut [u8; 768],
    allow_cbc: bool,
) -> Result<Header<'b>, TokenError> {
    if segment.len() > MAX_HEADER_B64 {
        return Err(TokenError::malformed("the header is too long"));
    }
    let n = b64::decode(segment.as_bytes(), &mut buf[..])
        .map_err(|_| TokenError::malformed("the header is not valid base64url"))?;
    let json = &buf[..n];
    if json.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(TokenError::malformed("the header is not a JSON object"));
    }
    let raw: RawHeader<'b> = serde_json::from_slice(json)
        .map_err(|_| TokenError::malformed("the header is not a valid JSON object"))?;
    let alg = raw
        .alg
        .ok_or(TokenError::malformed("the header has no `alg`"))?;
    if alg != "dir" {
        return Err(TokenError::UnsupportedAlgorithm { header: "alg" });
    }
    if raw.zip.is_some() {
        return Err(TokenError::UnsupportedAlgorithm { header: "zip" });
    }
    if raw.crit.is_some() {
        return Err(TokenError::UnsupportedAlgorithm { header: "crit" });
    }
    let enc = match raw.enc.as_deref() {
        None => return Err(TokenError::malformed("the header has no `enc`")),
        Some("A256GCM") => ContentEncryption::A256Gcm,
        Some("A256CBC-HS512") if allow_cbc => ContentEncryption::A256CbcHs512,
        Some(_) => return Err(TokenError::UnsupportedAlgorithm { header: "enc" }),
    };
    Ok(Header { enc, kid: raw.kid })
}

/// Base64url-decodes a segment that must hold exactly `len` bytes (at most 32) into `out`.
pub(crate) fn decode_fixed<'o>(
    segment: &str,
    len: usize,
    out: &'o mut [u8; 32],
    what: &'static str,
) -> Result<&'o [u8], TokenError> {
    // Unpadded base64 of `len` bytes is exactly this long.
    if segment.len() != (len * 4).div_ceil(3) {
        return Err(TokenError::malformed(what));
    }
    let n = b64::decode(segment.as_bytes(), &mut out[..])
        .map_err(|_| TokenError::malformed("a segment is not valid base64url"))?;
    if n != len {
        return Err(TokenError::malformed(what));
    }
    Ok(&out[..n])
}

/// Where a token's ciphertext is decoded and then decrypted in place: a stack array for the
/// usual token, the heap only beyond it (next-auth splits cookies at ~4 KB, and a typical
/// session payload is a few hundred bytes). The claims are decrypted here, and apps often keep
/// OAuth access and refresh tokens in them, so what was used is zeroized when it is dropped.
pub(crate) struct Scratch {
    // `used` after `heap`: with it next to `stack`, the zero fill of a new scratch grew past
    // 2 KiB and glibc switched it to `rep stosb`, which callgrind counts byte by byte (2 070
    // instructions per token instead of ~130; BENCHMARKS.md compares such counts).
    stack: [u8; Scratch::STACK],
    heap: Vec<u8>,
    /// How much of `stack` has been handed out.
    used: usize,
}

impl Scratch {
    const STACK: usize = 2048;

    pub(crate) fn new() -> Scratch {
        Scratch {
            stack: [0; Scratch::STACK],
            heap: Vec::new(),
            used: 0,
        }
    }

    fn take(&mut self, len: usize) -> &mut [u8] {
        if len <= Scratch::STACK {
            self.used = self.used.max(len);
            &mut self.stack[..len]
        } else {
            self.heap.zeroize();
            self.heap.resize(len, 0);
            &mut self.heap
        }
    }

    /// Zeroizes what was handed out (the heap part through its whole capacity).
    fn wipe(&mut self) {
        self.stack[..self.used].zeroize();
        self.used = 0;
        self.heap.zeroize();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.wipe();
    }
}

/// Base64url-decodes the ciphertext into `scratch`; returns the bytes.
pub(crate) fn decode_ciphertext<'s>(
    segment: &str,
    scratch: &'s mut Scratch,
) -> Result<&'s mut [u8], TokenError> {
    let invalid = || {
        TokenError::malformed(if segment.contains('.') {
            FIVE_SEGMENTS
        } else {
            "the ciphertext is not valid base64url"
        })
    };
    let len = b64::decoded_len(segment.len()).ok_or_else(invalid)?;
    let buf = scratch.take(len);
    b64::decode(segment.as_bytes(), buf).map_err(|_| invalid())?;
    Ok(buf)
}

/// The 32-byte A256CBC-HS512 tag: HMAC-SHA-512 over AAD ‖ IV ‖ ciphertext ‖ AAD bit length,
/// truncated to its first half (RFC 7518 §5.2.2.1).
fn cbc_tag(key: &CbcKey, aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> [u8; 32] {
    let mut mac = key.mac.clone();
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&((aad.len() as u64).wrapping_mul(8)).to_be_bytes());
    let full = mac.finalize().into_bytes();
    let mut tag = [0u8; 32];
    tag.copy_from_slice(&full[..32]);
    tag
}

/// Verifies the tag, then decrypts `buf` in place; returns the plaintext length.
///
/// Nothing is decrypted unless the tag matches: a failed tag and a bad padding after a good
/// tag both give the same error.
pub(crate) fn open(
    keys: &KeySet,
    enc: ContentEncryption,
    aad: &[u8],
    iv: &[u8],
    tag: &[u8],
    buf: &mut [u8],
) -> Result<usize, TokenError> {
    const FAILED: TokenError = TokenError::AuthenticationFailed {
        no_matching_secret: false,
    };
    match enc {
        ContentEncryption::A256Gcm => {
            let nonce = aes_gcm::Nonce::try_from(iv).map_err(|_| FAILED)?;
            let tag = aes_gcm::Tag::try_from(tag).map_err(|_| FAILED)?;
            // aes-gcm compares the tag in constant time before it applies the key stream.
            keys.gcm
                .decrypt_inout_detached(&nonce, aad, (&mut *buf).into(), &tag)
                .map_err(|_| FAILED)?;
            Ok(buf.len())
        }
        ContentEncryption::A256CbcHs512 => {
            let key = keys.cbc.as_ref().ok_or(FAILED)?;
            if buf.is_empty() || !buf.len().is_multiple_of(16) {
                return Err(TokenError::malformed(
                    "the ciphertext length is not a whole number of blocks",
                ));
            }
            let expected = cbc_tag(key, aad, iv, buf);
            if !bool::from(expected.ct_eq(tag)) {
                return Err(FAILED);
            }
            let iv = aes::cipher::Iv::<cbc::Decryptor<Aes256>>::try_from(iv).map_err(|_| FAILED)?;
            let dec = cbc::Decryptor::<Aes256>::inner_iv_init(key.aes.clone(), &iv);
            let plain = dec.decrypt_padded::<Pkcs7>(buf).map_err(|_| FAILED)?;
            Ok(plain.len())
        }
    }
}

/// Encrypts `plaintext` into a compact JWE with the given protected header JSON.
pub(crate) fn seal(
    keys: &KeySet,
    enc: ContentEncryption,
    header_json: &str,
    plaintext: &[u8],
) -> Result<String, crate::EncodeError> {
    let header = b64::encode(header_json);
    let aad = header.as_bytes();
    let mut iv = [0u8; 16];
    let iv = &mut iv[..enc.iv_len()];
    getrandom::fill(iv).map_err(|_| crate::EncodeError::Random)?;
    let (ciphertext, tag) = match enc {
        ContentEncryption::A256Gcm => {
            let mut buf = plaintext.to_vec();
            let nonce = aes_gcm::Nonce::try_from(&*iv).map_err(|_| crate::EncodeError::Random)?;
            let tag = keys
                .gcm
                .encrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into())
                .map_err(|_| crate::EncodeError::Serialize("the claims are too long".into()))?;
            (buf, tag.to_vec())
        }
        ContentEncryption::A256CbcHs512 => {
            let key = keys
                .cbc
                .as_ref()
                .ok_or_else(|| crate::EncodeError::Serialize("A256CBC-HS512 is v5 only".into()))?;
            let padded_len = (plaintext.len() / 16 + 1) * 16;
            let mut buf = vec![0u8; padded_len];
            buf[..plaintext.len()].copy_from_slice(plaintext);
            let civ = aes::cipher::Iv::<cbc::Encryptor<Aes256>>::try_from(&*iv)
                .map_err(|_| crate::EncodeError::Random)?;
            let encryptor = cbc::Encryptor::<Aes256>::inner_iv_init(key.aes.clone(), &civ);
            let n = encryptor
                .encrypt_padded::<Pkcs7>(&mut buf, plaintext.len())
                .map_err(|_| crate::EncodeError::Serialize("padding".into()))?
                .len();
            buf.truncate(n);
            let tag = cbc_tag(key, aad, iv, &buf);
            (buf, tag.to_vec())
        }
    };
    let mut out = String::with_capacity(
        header.len() + 4 + (iv.len() + ciphertext.len() + tag.len()) * 4 / 3 + 8,
    );
    out.push_str(&header);
    out.push_str("..");
    b64::encode_into(iv, &mut out);
    out.push('.');
    b64::encode_into(&ciphertext, &mut out);
    out.push('.');
    b64::encode_into(&tag, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verifier::NextAuthVersion;
    use crate::TokenErrorKind;

    /// What a decode put in the scratch (the stack part, and a heap part for a long token) is
    /// gone once it is wiped, as `Drop` does.
    #[test]
    fn scratch_is_zeroized_after_use() {
        let mut s = Scratch::new();
        s.take(300).fill(0xAB);
        s.take(100).fill(0xCD);
        assert_eq!(s.used, 300);
        s.take(5000).fill(0xEF);
        assert!(s.heap.capacity() >= 5000);
        s.wipe();
        assert!(s.stack.iter().all(|&b| b == 0), "stack left");
        assert_eq!(s.used, 0);
        assert!(s.heap.is_empty());
        // `Vec::zeroize` zeroes the whole capacity before clearing; the allocation is kept.
        assert!(s.heap.capacity() >= 5000);

        // Through a real decode: the stack part used for the ciphertext is what gets wiped.
        let mut s = Scratch::new();
        let buf = decode_ciphertext(&b64::encode([7u8; 48]), &mut s).unwrap();
        assert_eq!(buf, &[7u8; 48][..]);
        assert_eq!(s.used, 48);
        s.wipe();
        assert!(s.stack[..48].iter().all(|&b| b == 0));
    }

    fn keys() -> KeySet {
        KeySet::derive(
            NextAuthVersion::V5,
            b"tag-first-secret-0123456789abcdef",
            "authjs.session-token",
        )
    }

    /// Ciphertext blocks that decrypt to garbage: invalid PKCS#7 padding under any key, almost
    /// surely. The tag given is wrong. If anything were decrypted before the tag check, the
    /// in-place buffer would change (and a padding error could surface); it must not.
    #[test]
    fn the_tag_is_checked_before_any_decryption() {
        let keys = keys();
        let aad = b"eyJhbGciOiJkaXIifQ";
        for enc in [ContentEncryption::A256CbcHs512, ContentEncryption::A256Gcm] {
            let original: Vec<u8> = (0u8..64).collect();
            let mut buf = original.clone();
            let iv = [1u8; 16];
            let tag = [0u8; 32];
            let e = open(
                &keys,
                enc,
                aad,
                &iv[..enc.iv_len()],
                &tag[..enc.tag_len()],
                &mut buf,
            )
            .unwrap_err();
            assert_eq!(
                e,
                TokenError::AuthenticationFailed {
                    no_matching_secret: false
                },
                "{enc:?}"
            );
            assert_eq!(
                buf, original,
                "{enc:?}: the buffer was decrypted before the tag was checked"
            );
        }
    }

    /// With a *valid* tag over a ciphertext whose padding is invalid (only a key holder can
    /// make one), the error is the same authentication failure: no padding oracle.
    #[test]
    fn bad_padding_behind_a_valid_tag_is_the_same_error() {
        let keys = keys();
        let aad = b"eyJhbGciOiJkaXIifQ";
        let iv = [9u8; 16];
        let cbc = keys.cbc.as_ref().unwrap();
        // Encrypt a block whose last byte is 0 (never valid PKCS#7) without padding.
        let mut block = [0u8; 16];
        let enc = cbc::Encryptor::<Aes256>::inner_iv_init(
            cbc.aes.clone(),
            &aes::cipher::Iv::<cbc::Encryptor<Aes256>>::try_from(&iv[..]).unwrap(),
        );
        let ct = enc
            .encrypt_padded::<aes::cipher::block_padding::NoPadding>(&mut block, 16)
            .unwrap()
            .to_vec();
        let tag = cbc_tag(cbc, aad, &iv, &ct);
        let mut buf = ct.clone();
        let e = open(
            &keys,
            ContentEncryption::A256CbcHs512,
            aad,
            &iv,
            &tag,
            &mut buf,
        )
        .unwrap_err();
        assert_eq!(
            e,
            TokenError::AuthenticationFailed {
                no_matching_secret: false
            }
        );
        let mut wrong_tag = tag;
        wrong_tag[31] ^= 1;
        let mut buf = ct.clone();
        let e2 = open(
            &keys,
            ContentEncryption::A256CbcHs512,
            aad,
            &iv,
            &wrong_tag,
            &mut buf,
        )
        .unwrap_err();
        assert_eq!(e, e2);
        assert_eq!(buf, ct);
        assert_eq!(e.kind(), TokenErrorKind::AuthenticationFailed);
    }

    #[test]
    fn cbc_ciphertext_must_be_whole_blocks() {
        let keys = keys();
        let mut buf = vec![0u8; 15];
        let e = open(
            &keys,
            ContentEncryption::A256CbcHs512,
            b"h",
            &[0; 16],
            &[0; 32],
            &mut buf,
        )
        .unwrap_err();
        assert_eq!(e.kind(), TokenErrorKind::Malformed);
        let mut empty = Vec::new();
        let e = open(
            &keys,
            ContentEncryption::A256CbcHs512,
            b"h",
            &[0; 16],
            &[0; 32],
            &mut empty,
        )
        .unwrap_err();
        assert_eq!(e.kind(), TokenErrorKind::Malformed);
    }
}
