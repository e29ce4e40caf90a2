//! Hostile tokens: every one is refused with the right error kind, and nothing panics.

use authgen_runtime::{
    ContentEncryption, EncodeOptions, NextAuthVersion, TokenError, TokenErrorKind, Verifier,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

const SECRET: &str = "adversarial-secret-0123456789abcdef";
const OTHER: &str = "adversarial-other-secret-0123456789";
const NOW: i64 = 1_800_000_000;

fn v4() -> Verifier {
    Verifier::builder(NextAuthVersion::V4)
        .secret(SECRET)
        .build()
        .unwrap()
}
fn v5() -> Verifier {
    Verifier::builder(NextAuthVersion::V5)
        .secret(SECRET)
        .build()
        .unwrap()
}

fn token(v: &Verifier, enc: Option<ContentEncryption>) -> String {
    let claims = json!({ "sub": "user-1", "name": "Ada", "role": "ADMIN" });
    v.encode_with(
        &claims,
        EncodeOptions {
            now: Some(NOW),
            max_age_secs: Some(3600),
            enc,
        },
    )
    .unwrap()
}

fn decode(v: &Verifier, t: &str) -> Result<Value, TokenError> {
    v.decode_at::<Value>(t, NOW + 10)
}

/// The three kinds of token under test: v4 (A256GCM), v5 (A256CBC-HS512), v5 with A256GCM.
fn subjects() -> Vec<(&'static str, Verifier, String)> {
    let (a, b, c) = (v4(), v5(), v5());
    let ta = token(&a, None);
    let tb = token(&b, None);
    let tc = token(&c, Some(ContentEncryption::A256Gcm));
    vec![("v4", a, ta), ("v5-cbc", b, tb), ("v5-gcm", c, tc)]
}

fn segments(t: &str) -> Vec<String> {
    t.split('.').map(str::to_owned).collect()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).unwrap()
}

/// The Display of an error shows neither the token's segments nor the secret.
fn assert_no_leak(e: &TokenError, t: &str) {
    let shown = e.to_string();
    assert!(!shown.contains(SECRET));
    for seg in t.split('.').filter(|s| s.len() >= 8) {
        assert!(!shown.contains(seg), "{shown}");
    }
    assert_eq!(e.public_message(), "invalid or expired session");
}

#[test]
fn the_subjects_verify_untouched() {
    for (name, v, t) in subjects() {
        assert_eq!(decode(&v, &t).unwrap()["sub"], "user-1", "{name}");
    }
}

#[test]
fn every_single_bit_flip_in_iv_ciphertext_and_tag_fails_authentication() {
    for (name, v, t) in subjects() {
        let seg = segments(&t);
        for part in [2, 3, 4] {
            let bytes = unb64(&seg[part]);
            for bit in 0..bytes.len() * 8 {
                let mut flipped = bytes.clone();
                flipped[bit / 8] ^= 1 << (bit % 8);
                let mut s = seg.clone();
                s[part] = b64(&flipped);
                let forged = s.join(".");
                let e = decode(&v, &forged).unwrap_err();
                assert_eq!(
                    e.kind(),
                    TokenErrorKind::AuthenticationFailed,
                    "{name} part {part} bit {bit}: {e}"
                );
                assert_no_leak(&e, &forged);
            }
        }
    }
}

#[test]
fn every_single_bit_flip_in_the_header_is_refused() {
    for (name, v, t) in subjects() {
        let seg = segments(&t);
        let bytes = unb64(&seg[0]);
        for bit in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let mut s = seg.clone();
            s[0] = b64(&flipped);
            let e = decode(&v, &s.join(".")).unwrap_err();
            assert!(
                matches!(
                    e.kind(),
                    TokenErrorKind::Malformed
                        | TokenErrorKind::UnsupportedAlgorithm
                        | TokenErrorKind::AuthenticationFailed
                ),
                "{name} header bit {bit}: {e:?}"
            );
        }
    }
}

#[test]
fn every_character_substitution_and_truncation_is_refused_without_panic() {
    for (name, v, t) in subjects() {
        let chars: Vec<char> = t.chars().collect();
        for i in 0..chars.len() {
            for replacement in ['A', '_', '.', '+', '='] {
                if chars[i] == replacement {
                    continue;
                }
                let mut c = chars.clone();
                c[i] = replacement;
                let forged: String = c.into_iter().collect();
                assert!(
                    decode(&v, &forged).is_err(),
                    "{name}: char {i} -> {replacement}"
                );
            }
        }
        for len in 0..t.len() {
            let e = decode(&v, &t[..len]).unwrap_err();
            assert!(
                matches!(
                    e.kind(),
                    TokenErrorKind::Malformed | TokenErrorKind::AuthenticationFailed
                ),
                "{name}: truncated to {len}: {e:?}"
            );
        }
        // Appending is refused too.
        assert!(decode(&v, &format!("{t}A")).is_err());
        assert!(decode(&v, &format!("{t}.")).is_err());
    }
}

/// `t` with its header replaced by `header` (the rest kept: the header is checked first).
fn with_header(t: &str, header: &Value) -> String {
    let mut s = segments(t);
    s[0] = b64(header.to_string().as_bytes());
    s.join(".")
}

#[test]
fn algorithms_other_than_dir_and_accepted_encs_are_unsupported() {
    for (name, v, t) in subjects() {
        for alg in [
            "none",
            "RSA-OAEP",
            "A256KW",
            "ECDH-ES",
            "A256GCMKW",
            "PBES2-HS512+A256KW",
            "DIR",
            "",
        ] {
            let e = decode(
                &v,
                &with_header(&t, &json!({ "alg": alg, "enc": "A256GCM" })),
            )
            .unwrap_err();
            assert_eq!(
                e,
                TokenError::UnsupportedAlgorithm { header: "alg" },
                "{name} alg {alg}"
            );
        }
        for enc in [
            "A128GCM",
            "A192GCM",
            "A128CBC-HS256",
            "A192CBC-HS384",
            "none",
            "a256gcm",
        ] {
            let e = decode(&v, &with_header(&t, &json!({ "alg": "dir", "enc": enc }))).unwrap_err();
            assert_eq!(
                e,
                TokenError::UnsupportedAlgorithm { header: "enc" },
                "{name} enc {enc}"
            );
        }
        let e = decode(
            &v,
            &with_header(&t, &json!({ "alg": "dir", "enc": "A256GCM", "zip": "DEF" })),
        )
        .unwrap_err();
        assert_eq!(
            e,
            TokenError::UnsupportedAlgorithm { header: "zip" },
            "{name}"
        );
        let e = decode(
            &v,
            &with_header(
                &t,
                &json!({ "alg": "dir", "enc": "A256GCM", "crit": ["exp"] }),
            ),
        )
        .unwrap_err();
        assert_eq!(
            e,
            TokenError::UnsupportedAlgorithm { header: "crit" },
            "{name}"
        );
    }
    // v4 (next-auth 4) only ever writes A256GCM.
    let v = v4();
    let t = token(&v, None);
    let e = decode(
        &v,
        &with_header(&t, &json!({ "alg": "dir", "enc": "A256CBC-HS512" })),
    )
    .unwrap_err();
    assert_eq!(e, TokenError::UnsupportedAlgorithm { header: "enc" });
}

#[test]
fn malformed_headers_are_refused() {
    let v = v5();
    let t = token(&v, None);
    for raw in [
        &b"[\"dir\",\"A256GCM\"]"[..],
        b"\"dir\"",
        b"null",
        b"{",
        b"{\"alg\":\"dir\",\"enc\":\"A256GCM\"} x",
        b"{\"alg\":\"dir\",\"alg\":\"dir\",\"enc\":\"A256GCM\"}",
        b"{\"enc\":\"A256GCM\"}",
        b"{\"alg\":\"dir\"}",
        b"{\"alg\":1,\"enc\":\"A256GCM\"}",
        b"{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":7}",
        b"\xff\xfe",
        b"",
    ] {
        let mut s = segments(&t);
        s[0] = b64(raw);
        let e = decode(&v, &s.join(".")).unwrap_err();
        assert_eq!(
            e.kind(),
            TokenErrorKind::Malformed,
            "{:?}",
            String::from_utf8_lossy(raw)
        );
    }
    // An oversized header.
    let mut s = segments(&t);
    s[0] = b64(format!(
        "{{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"x\":\"{}\"}}",
        "a".repeat(2000)
    )
    .as_bytes());
    assert_eq!(
        decode(&v, &s.join(".")).unwrap_err().kind(),
        TokenErrorKind::Malformed
    );
}

#[test]
fn a_non_empty_encrypted_key_and_wrong_segment_counts_are_malformed() {
    for (name, v, t) in subjects() {
        let mut s = segments(&t);
        s[1] = b64(&[0u8; 32]);
        assert_eq!(
            decode(&v, &s.join(".")).unwrap_err().kind(),
            TokenErrorKind::Malformed,
            "{name}"
        );
        let s = segments(&t);
        assert_eq!(
            decode(&v, &s[..4].join(".")).unwrap_err().kind(),
            TokenErrorKind::Malformed
        );
        assert_eq!(
            decode(&v, &format!("{t}.x")).unwrap_err().kind(),
            TokenErrorKind::Malformed
        );
        assert_eq!(
            decode(&v, "").unwrap_err().kind(),
            TokenErrorKind::Malformed
        );
        assert_eq!(
            decode(&v, "....").unwrap_err().kind(),
            TokenErrorKind::Malformed
        );
    }
}

#[test]
fn wrong_iv_and_tag_lengths_are_malformed() {
    for (name, v, t) in subjects() {
        for part in [2, 4] {
            let len = unb64(&segments(&t)[part]).len();
            for wrong in [0, 1, len - 1, len + 1, 12, 16, 32, 64] {
                if wrong == len {
                    continue;
                }
                let mut s = segments(&t);
                s[part] = b64(&vec![7u8; wrong]);
                let e = decode(&v, &s.join(".")).unwrap_err();
                assert_eq!(
                    e.kind(),
                    TokenErrorKind::Malformed,
                    "{name} part {part} len {wrong}: {e}"
                );
            }
        }
    }
}

#[test]
fn invalid_base64url_is_malformed() {
    for (name, v, t) in subjects() {
        for part in [0, 2, 3, 4] {
            for bad in ["+", "/", "=", "!", " ", "é"] {
                let mut s = segments(&t);
                let seg = &s[part];
                // Replace the first character, keeping the length.
                s[part] = format!("{bad}{}", &seg[1..]);
                let e = decode(&v, &s.join(".")).unwrap_err();
                assert_eq!(
                    e.kind(),
                    TokenErrorKind::Malformed,
                    "{name} part {part} with {bad:?}: {e}"
                );
            }
        }
        // Non-canonical trailing bits in the tag (same bytes, different text).
        let mut s = segments(&t);
        let tag = s[4].clone();
        let last = tag.chars().last().unwrap();
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let idx = alphabet.find(last).unwrap();
        let sibling = alphabet.chars().nth(idx ^ 1).unwrap();
        s[4] = format!("{}{sibling}", &tag[..tag.len() - 1]);
        assert!(decode(&v, &s.join(".")).is_err(), "{name}");
    }
}

#[test]
fn expired_and_not_yet_valid_tokens_are_refused_with_tolerance() {
    for (name, v, _) in subjects() {
        let enc = if name == "v5-gcm" {
            Some(ContentEncryption::A256Gcm)
        } else {
            None
        };
        let t = v
            .encode_with(
                &json!({}),
                EncodeOptions {
                    now: Some(NOW),
                    max_age_secs: Some(60),
                    enc,
                },
            )
            .unwrap();
        assert!(
            v.decode_at::<Value>(&t, NOW + 60 + 14).is_ok(),
            "{name}: within tolerance"
        );
        let e = v.decode_at::<Value>(&t, NOW + 60 + 15).unwrap_err();
        assert_eq!(
            e,
            TokenError::Expired {
                exp: NOW + 60,
                now: NOW + 75
            },
            "{name}"
        );
        assert!(
            v.decode_at::<Value>(&t, NOW - 15).is_ok(),
            "{name}: iat within tolerance"
        );
        let e = v.decode_at::<Value>(&t, NOW - 16).unwrap_err();
        assert_eq!(
            e,
            TokenError::NotYetValid {
                claim: "iat",
                at: NOW,
                now: NOW - 16
            },
            "{name}"
        );
        // nbf is not overwritten by the encoder.
        let t = v
            .encode_with(
                &json!({ "nbf": NOW + 100 }),
                EncodeOptions {
                    now: Some(NOW),
                    max_age_secs: Some(600),
                    enc,
                },
            )
            .unwrap();
        assert_eq!(
            v.decode_at::<Value>(&t, NOW).unwrap_err().kind(),
            TokenErrorKind::NotYetValid
        );
        assert!(v.decode_at::<Value>(&t, NOW + 85).is_ok());
        // Real clock: a token that expired long ago.
        let t = v
            .encode_with(
                &json!({}),
                EncodeOptions {
                    now: Some(1_000),
                    max_age_secs: Some(60),
                    enc,
                },
            )
            .unwrap();
        assert_eq!(
            v.decode_map(&t).unwrap_err().kind(),
            TokenErrorKind::Expired
        );
    }
    let strict = Verifier::builder(NextAuthVersion::V5)
        .secret(SECRET)
        .clock_tolerance(std::time::Duration::ZERO)
        .build()
        .unwrap();
    let t = strict
        .encode_with(
            &json!({}),
            EncodeOptions {
                now: Some(NOW),
                max_age_secs: Some(60),
                enc: None,
            },
        )
        .unwrap();
    assert_eq!(
        strict.decode_at::<Value>(&t, NOW + 60).unwrap_err().kind(),
        TokenErrorKind::Expired
    );
}

#[test]
fn wrong_secret_and_wrong_cookie_salt_fail_authentication() {
    for version in [NextAuthVersion::V4, NextAuthVersion::V5] {
        let v = Verifier::builder(version).secret(SECRET).build().unwrap();
        let t = token(&v, None);
        let other = Verifier::builder(version).secret(OTHER).build().unwrap();
        let e = decode(&other, &t).unwrap_err();
        assert_eq!(e.kind(), TokenErrorKind::AuthenticationFailed, "{version}");
        assert_no_leak(&e, &t);
    }
    // v5: the cookie name is the salt; a token for one name does not open under another.
    let plain = v5();
    let secure = Verifier::builder(NextAuthVersion::V5)
        .secret(SECRET)
        .secure(true)
        .build()
        .unwrap();
    let custom = Verifier::builder(NextAuthVersion::V5)
        .secret(SECRET)
        .cookie_name("x.session")
        .build()
        .unwrap();
    for (a, b) in [(&plain, &secure), (&secure, &plain), (&plain, &custom)] {
        let t = token(a, None);
        assert_eq!(
            decode(b, &t).unwrap_err(),
            TokenError::AuthenticationFailed {
                no_matching_secret: true
            }
        );
        // Without a kid, the first secret is used and the tag fails.
        let mut header: Value = serde_json::from_slice(&unb64(&segments(&t)[0])).unwrap();
        header.as_object_mut().unwrap().remove("kid");
        let e = decode(b, &with_header(&t, &header)).unwrap_err();
        assert_eq!(
            e,
            TokenError::AuthenticationFailed {
                no_matching_secret: false
            }
        );
    }
    // v4 ignores the cookie name for the key (next-auth 4 uses the empty salt).
    let v4s = Verifier::builder(NextAuthVersion::V4)
        .secret(SECRET)
        .secure(true)
        .build()
        .unwrap();
    assert!(decode(&v4s, &token(&v4(), None)).is_ok());
}

#[test]
fn oversize_tokens_are_refused_before_parsing() {
    let v = Verifier::builder(NextAuthVersion::V5)
        .secret(SECRET)
        .max_token_len(1000)
        .build()
        .unwrap();
    let t = v.encode(&json!({ "blob": "a".repeat(2000) })).unwrap();
    assert_eq!(
        v.decode_map(&t).unwrap_err(),
        TokenError::TooLarge {
            len: t.len(),
            max: 1000
        }
    );
    let huge = "A".repeat(10 * 1024 * 1024);
    assert_eq!(
        v5().decode_map(&huge).unwrap_err().kind(),
        TokenErrorKind::TooLarge
    );
}

#[test]
fn payloads_that_are_not_json_objects_are_claims_errors() {
    for (name, v, _) in subjects() {
        let enc = if name == "v5-gcm" {
            Some(ContentEncryption::A256Gcm)
        } else {
            None
        };
        for payload in [
            &b"[1,2]"[..],
            b"\"s\"",
            b"42",
            b"null",
            b"not json",
            b"{\"a\":1",
            b"\xff\xfe",
            b"",
            b"{} {}",
        ] {
            let t = v.seal(payload, enc).unwrap();
            let e = decode(&v, &t).unwrap_err();
            assert_eq!(
                e.kind(),
                TokenErrorKind::Claims,
                "{name} {:?}",
                String::from_utf8_lossy(payload)
            );
        }
        // `exp` that is not a number.
        let t = v.seal(br#"{"exp":"tomorrow"}"#, enc).unwrap();
        let e = decode(&v, &t).unwrap_err();
        assert!(
            matches!(&e, TokenError::Claims { path, .. } if path == "exp"),
            "{e:?}"
        );
        assert!(!e.to_string().contains("tomorrow"));
        // No `exp` at all: refused unless allowed.
        let t = v.seal(br#"{"sub":"1"}"#, enc).unwrap();
        assert_eq!(decode(&v, &t).unwrap_err().kind(), TokenErrorKind::Claims);
    }
    let lenient = Verifier::builder(NextAuthVersion::V5)
        .secret(SECRET)
        .require_exp(false)
        .build()
        .unwrap();
    assert_eq!(
        decode(&lenient, &lenient.seal(br#"{"sub":"1"}"#, None).unwrap()).unwrap()["sub"],
        "1"
    );
}

#[test]
fn claims_that_do_not_match_the_type_report_the_field_path_without_values() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct User {
        roles: Vec<Role>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    enum Role {
        #[serde(rename = "ADMIN")]
        Admin,
        #[serde(rename = "USER")]
        User,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Claims {
        sub: String,
        user: User,
    }
    let v = v5();
    let t = v
        .encode(&json!({ "sub": "1", "user": { "roles": ["USER", "SUPERUSER"] } }))
        .unwrap();
    let e = v.decode::<Claims>(&t).unwrap_err();
    match &e {
        TokenError::Claims { path, message } => {
            assert_eq!(path, "user.roles[1]");
            assert!(message.contains("unknown variant"), "{message}");
            assert!(!message.contains("SUPERUSER"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let t = v
        .encode(&json!({ "sub": 5, "user": { "roles": [] } }))
        .unwrap();
    assert!(
        matches!(v.decode::<Claims>(&t).unwrap_err(), TokenError::Claims { path, .. } if path == "sub")
    );
    let t = v.encode(&json!({ "user": { "roles": [] } })).unwrap();
    let e = v.decode::<Claims>(&t).unwrap_err();
    assert!(
        matches!(&e, TokenError::Claims { message, .. } if message.contains("missing field `sub`")),
        "{e:?}"
    );
}

#[test]
fn random_garbage_never_panics() {
    // A small deterministic generator: no extra dependency.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: Vec<char> = "ABCxyz019-_.=+/ %{}\"é".chars().collect();
    let verifiers = [v4(), v5()];
    let good = token(&verifiers[1], None);
    for i in 0..20_000 {
        let len = (next() % 300) as usize;
        let s: String = if i % 2 == 0 {
            (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        } else {
            // Mutate a valid token in a few random places.
            let mut c: Vec<char> = good.chars().collect();
            for _ in 0..(1 + next() % 4) {
                let at = (next() % c.len() as u64) as usize;
                c[at] = alphabet[(next() % alphabet.len() as u64) as usize];
            }
            c.into_iter().collect()
        };
        for v in &verifiers {
            let r = decode(v, &s);
            if s != good {
                assert!(r.is_err(), "{s}");
            }
        }
    }
}

#[test]
fn expiry_is_found_behind_decoys_escapes_and_odd_spacing() {
    let v = v5();
    let expired: &[&[u8]] = &[
        br#"{"x":{"exp":99999999999},"s":"\"exp\":99999999999,","exp":100}"#,
        br#"{"\u0065xp":100}"#,
        b"{ \"exp\"\n:\t100 }",
        br#"{"exp":1.0e2}"#,
        br#"{"a":[{"exp":99999999999}],"exp":-5}"#,
    ];
    for payload in expired {
        let t = v.seal(payload, None).unwrap();
        let shown = String::from_utf8_lossy(payload);
        assert_eq!(
            decode(&v, &t).unwrap_err().kind(),
            TokenErrorKind::Expired,
            "{shown}"
        );
        assert_eq!(
            v.decode_map_at(&t, NOW).unwrap_err().kind(),
            TokenErrorKind::Expired,
            "{shown}"
        );
        #[derive(Debug, serde::Deserialize)]
        struct NoTimes {}
        assert_eq!(
            v.decode_at::<NoTimes>(&t, NOW).unwrap_err().kind(),
            TokenErrorKind::Expired,
            "{shown}"
        );
    }
    // A future `nbf` hidden the same ways.
    let t = v
        .seal(
            br#"{"n":{"nbf":0},"nbf":99999999999,"exp":99999999999}"#,
            None,
        )
        .unwrap();
    assert_eq!(
        decode(&v, &t).unwrap_err().kind(),
        TokenErrorKind::NotYetValid
    );
    // Duplicate time claims are refused rather than guessed at.
    let t = v.seal(br#"{"exp":99999999999,"exp":100}"#, None).unwrap();
    assert_eq!(decode(&v, &t).unwrap_err().kind(), TokenErrorKind::Claims);
    // Invalid JSON behind valid times still fails (the typed parse validates everything).
    let t = v.seal(br#"{"exp":99999999999,"a":01}"#, None).unwrap();
    assert_eq!(decode(&v, &t).unwrap_err().kind(), TokenErrorKind::Claims);
    let t = v.seal(br#"{"exp":99999999999,"a":tru}"#, None).unwrap();
    assert_eq!(decode(&v, &t).unwrap_err().kind(), TokenErrorKind::Claims);
}
