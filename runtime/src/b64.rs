//! base64url without padding (RFC 4648 §5), the only base64 a compact JWE uses.
//!
//! Strict, as the `base64` crate's `URL_SAFE_NO_PAD`: no padding, no other alphabet, no
//! whitespace, and the unused low bits of the last character must be zero, so every byte string
//! has exactly one encoding (a flipped bit in a token never decodes to the same bytes). The
//! decoder is branch-free over the input (invalid characters are collected and reported once at
//! the end), which is what makes it fast on the ciphertext every request carries.

/// For each character, its 6-bit value already shifted to its place in a quad's 24 bits: one
/// table per position, so a quad decodes with four lookups and three ORs. Invalid characters set
/// the top byte, which no valid value reaches.
static DECODE: [[u32; 256]; 4] = {
    let mut t = [[INVALID; 256]; 4];
    let mut i = 0;
    while i < 64 {
        let c = ENCODE[i] as usize;
        let v = i as u32;
        t[0][c] = v << 18;
        t[1][c] = v << 12;
        t[2][c] = v << 6;
        t[3][c] = v;
        i += 1;
    }
    t
};

const INVALID: u32 = 0xFF00_0000;

static ENCODE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The decoded length of `len` base64url characters, or `None` if no input has that length.
pub(crate) fn decoded_len(len: usize) -> Option<usize> {
    match len % 4 {
        1 => None,
        r => Some(len / 4 * 3 + r.saturating_sub(1)),
    }
}

/// The input is not canonical unpadded base64url.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invalid;

/// Decodes `input` into the start of `out` (at least [`decoded_len`] bytes); returns the
/// decoded length. `out` may have been written to when the input turns out to be invalid.
pub(crate) fn decode(input: &[u8], out: &mut [u8]) -> Result<usize, Invalid> {
    let len = decoded_len(input.len()).ok_or(Invalid)?;
    let out = out.get_mut(..len).ok_or(Invalid)?;
    let [t0, t1, t2, t3] = &DECODE;
    let at = |t: &[u32; 256], c: u8| t[usize::from(c)];
    let quad = |q: &[u8; 4]| at(t0, q[0]) | at(t1, q[1]) | at(t2, q[2]) | at(t3, q[3]);
    // Any invalid character sets a bit of the top byte here.
    let mut bad = 0u32;
    // Eight characters at a time into six bytes, written as one 8-byte store whose last two
    // bytes the next round overwrites: only while those two spare bytes are inside `out`.
    let (mut done, mut w) = (0, 0);
    while let (Some(chunk), Some(dst)) = (input.get(done..done + 8), out.get_mut(w..w + 8)) {
        let (q, _) = chunk.as_chunks::<4>();
        let (a, b) = (quad(&q[0]), quad(&q[1]));
        bad |= a | b;
        let n = (u64::from(a & 0xFF_FFFF) << 40) | (u64::from(b & 0xFF_FFFF) << 16);
        dst.copy_from_slice(&n.to_be_bytes());
        done += 8;
        w += 6;
    }
    let (quads, tail) = input[done..].as_chunks::<4>();
    let (whole, rest) = out[w..].split_at_mut(quads.len() * 3);
    let (triples, _) = whole.as_chunks_mut::<3>();
    for (q, o) in quads.iter().zip(triples) {
        let n = quad(q);
        bad |= n;
        let [_, a, b, c] = n.to_be_bytes();
        *o = [a, b, c];
    }
    match *tail {
        [] => {}
        [a, b] => {
            // 12 bits for one byte: the low 4 must be zero.
            let n = at(t0, a) | at(t1, b);
            bad |= n | ((n & 0xF000) << 12);
            rest[0] = (n >> 16) as u8;
        }
        [a, b, c] => {
            // 18 bits for two bytes: the low 2 must be zero.
            let n = at(t0, a) | at(t1, b) | at(t2, c);
            bad |= n | ((n & 0xC0) << 18);
            rest[0] = (n >> 16) as u8;
            rest[1] = (n >> 8) as u8;
        }
        _ => return Err(Invalid),
    }
    if bad >> 24 != 0 {
        return Err(Invalid);
    }
    Ok(len)
}

/// Appends the base64url encoding of `bytes` to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    let e = |n: u32| char::from(ENCODE[(n & 0x3F) as usize]);
    out.reserve(bytes.len().div_ceil(3) * 4);
    let (triples, tail) = bytes.as_chunks::<3>();
    for t in triples {
        let n = (u32::from(t[0]) << 16) | (u32::from(t[1]) << 8) | u32::from(t[2]);
        out.extend([e(n >> 18), e(n >> 12), e(n >> 6), e(n)]);
    }
    match *tail {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend([e(n >> 18), e(n >> 12)]);
        }
        [a, b] => {
            let n = (u32::from(a) << 16) | (u32::from(b) << 8);
            out.extend([e(n >> 18), e(n >> 12), e(n >> 6)]);
        }
        _ => {}
    }
}

/// The base64url encoding of `bytes`.
pub(crate) fn encode(bytes: impl AsRef<[u8]>) -> String {
    let mut out = String::new();
    encode_into(bytes.as_ref(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    use super::*;

    /// A small deterministic generator, so the comparison covers many inputs without a
    /// dependency.
    fn xorshift(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    fn ours(input: &[u8]) -> Result<Vec<u8>, Invalid> {
        let mut out = vec![0u8; input.len()];
        let n = decode(input, &mut out)?;
        out.truncate(n);
        Ok(out)
    }

    #[test]
    fn encodes_and_decodes_as_the_base64_crate() {
        let mut x = 0x9E37_79B9_7F4A_7C15;
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len).map(|_| xorshift(&mut x) as u8).collect();
            let expected = URL_SAFE_NO_PAD.encode(&bytes);
            assert_eq!(encode(&bytes), expected, "{len}");
            assert_eq!(decoded_len(expected.len()), Some(len));
            assert_eq!(ours(expected.as_bytes()), Ok(bytes), "{len}");
        }
    }

    /// Every string over an alphabet with invalid characters, padding and near misses: ours
    /// accepts exactly what the base64 crate's strict engine accepts, with the same bytes.
    #[test]
    fn accepts_exactly_what_the_strict_engine_accepts() {
        let alphabet = b"AQgw_-09azBC=+/ .\x00\xff\xc3\xa9";
        let mut x = 42u64;
        for _ in 0..200_000 {
            let len = (xorshift(&mut x) % 11) as usize;
            let s: Vec<u8> = (0..len)
                .map(|_| alphabet[(xorshift(&mut x) % alphabet.len() as u64) as usize])
                .collect();
            assert_eq!(
                ours(&s).ok(),
                URL_SAFE_NO_PAD.decode(&s).ok(),
                "{:?}",
                String::from_utf8_lossy(&s)
            );
        }
    }

    /// Token-length inputs, through the 8-character loop and the quad loop after it: every byte
    /// value at every position of a 200-character string, and every length from 60 to 300.
    #[test]
    fn long_inputs_agree_on_every_byte_at_every_position() {
        let mut x = 7u64;
        let bytes: Vec<u8> = (0..150).map(|_| xorshift(&mut x) as u8).collect();
        let valid = URL_SAFE_NO_PAD.encode(&bytes).into_bytes();
        assert_eq!(ours(&valid), Ok(bytes));
        for at in 0..valid.len() {
            for b in 0..=255u8 {
                let mut s = valid.clone();
                s[at] = b;
                let expected = URL_SAFE_NO_PAD.decode(&s).ok();
                assert_eq!(ours(&s).ok(), expected, "byte {b:#04x} at {at}");
            }
        }
        for len in 60..=300 {
            let s: Vec<u8> = (0..len)
                .map(|_| ENCODE[(xorshift(&mut x) % 64) as usize])
                .collect();
            assert_eq!(ours(&s).ok(), URL_SAFE_NO_PAD.decode(&s).ok(), "{len}");
        }
    }

    #[test]
    fn refuses_non_canonical_endings_and_short_output() {
        // "AB" would carry the low bits of B (0b000001): not canonical; "AQ" is.
        assert_eq!(ours(b"AB"), Err(Invalid));
        assert_eq!(ours(b"AQ"), Ok(vec![0x01]));
        assert_eq!(ours(b"AAB"), Err(Invalid));
        assert_eq!(ours(b"AAE"), Ok(vec![0, 1]));
        assert_eq!(ours(b"A"), Err(Invalid));
        assert_eq!(ours(b"AA=="), Err(Invalid));
        let mut short = [0u8; 2];
        assert_eq!(decode(b"AAAA", &mut short), Err(Invalid));
    }
}
