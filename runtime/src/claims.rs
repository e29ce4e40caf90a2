//! The decrypted payload: a JSON object whose `exp` / `nbf` / `iat` are checked against the clock
//! before the application's type is read from it.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};

use serde_json::{Map, Value};

use crate::error::TokenError;

/// `exp`, `nbf` and `iat`, read without allocating; the payload must be a JSON object.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct TimeClaims {
    pub(crate) exp: Option<f64>,
    pub(crate) nbf: Option<f64>,
    pub(crate) iat: Option<f64>,
}

enum Key {
    Exp,
    Nbf,
    Iat,
    Other,
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a claim name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "exp" => Key::Exp,
                    "nbf" => Key::Nbf,
                    "iat" => Key::Iat,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// A claim value: `Some` for a finite number, `None` for anything else (consumed either way).
/// Read through serde_json's `Value`, which also understands its `arbitrary_precision` numbers.
struct NumericDate(Option<f64>);

impl<'de> de::Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(NumericDate(match Value::deserialize(d)? {
            Value::Number(n) => finite(&n),
            _ => None,
        }))
    }
}

/// A JSON number as seconds, if it is one and finite.
pub(crate) fn finite(n: &serde_json::Number) -> Option<f64> {
    n.as_f64().filter(|f| f.is_finite())
}

/// The message for a time claim that is not a finite number.
const NOT_A_NUMBER: &str = "must be a number (seconds since the epoch)";

/// Which claim failed, for the error path.
struct Failed(&'static str, &'static str);

impl TimeClaims {
    pub(crate) fn parse(payload: &[u8]) -> Result<TimeClaims, TokenError> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Result<TimeClaims, Failed>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = TimeClaims::default();
                let mut failed = None;
                while let Some(key) = map.next_key::<Key>()? {
                    let (name, slot) = match key {
                        Key::Exp => ("exp", &mut out.exp),
                        Key::Nbf => ("nbf", &mut out.nbf),
                        Key::Iat => ("iat", &mut out.iat),
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    let NumericDate(value) = map.next_value::<NumericDate>()?;
                    if failed.is_some() {
                        continue;
                    }
                    if slot.is_some() {
                        failed = Some(Failed(name, "the claim appears twice"));
                    } else if value.is_none() {
                        failed = Some(Failed(name, NOT_A_NUMBER));
                    }
                    *slot = value;
                }
                Ok(match failed {
                    Some(f) => Err(f),
                    None => Ok(out),
                })
            }
        }
        let mut de = serde_json::Deserializer::from_slice(payload);
        let parsed = de
            .deserialize_map(V)
            .and_then(|r| de.end().map(|()| r))
            .map_err(not_an_object)?;
        parsed.map_err(|Failed(name, msg)| TokenError::claims(name, msg))
    }

    /// The time claims of an already parsed object.
    pub(crate) fn from_map(map: &Map<String, Value>) -> Result<TimeClaims, TokenError> {
        let get = |name: &'static str| {
            let Some(value) = map.get(name) else {
                return Ok(None);
            };
            match value {
                Value::Number(n) => finite(n),
                _ => None,
            }
            .map(Some)
            .ok_or_else(|| TokenError::claims(name, NOT_A_NUMBER))
        };
        Ok(TimeClaims {
            exp: get("exp")?,
            nbf: get("nbf")?,
            iat: get("iat")?,
        })
    }

    /// Checks the times as jose does (`exp <= now - tolerance` is expired, `nbf > now +
    /// tolerance` is not yet valid), and also refuses an `iat` beyond `now + tolerance`.
    pub(crate) fn check(
        &self,
        now: i64,
        tolerance: i64,
        require_exp: bool,
    ) -> Result<(), TokenError> {
        let now_f = now as f64;
        let tol = tolerance as f64;
        match self.exp {
            Some(exp) if exp <= now_f - tol => {
                return Err(TokenError::Expired {
                    exp: exp as i64,
                    now,
                })
            }
            None if require_exp => return Err(TokenError::claims("exp", "missing `exp` claim")),
            _ => {}
        }
        if let Some(nbf) = self.nbf {
            if nbf > now_f + tol {
                return Err(TokenError::NotYetValid {
                    claim: "nbf",
                    at: nbf as i64,
                    now,
                });
            }
        }
        if let Some(iat) = self.iat {
            if iat > now_f + tol {
                return Err(TokenError::NotYetValid {
                    claim: "iat",
                    at: iat as i64,
                    now,
                });
            }
        }
        Ok(())
    }
}

/// Parses the payload as a JSON object.
pub(crate) fn parse_object(payload: &[u8]) -> Result<Map<String, Value>, TokenError> {
    // One UTF-8 check of the whole payload spares serde_json its check of every string.
    let parsed = match std::str::from_utf8(payload) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(payload),
    };
    parsed.map_err(not_an_object)
}

/// The error for a payload serde_json could not read as an object.
fn not_an_object(e: serde_json::Error) -> TokenError {
    TokenError::claims(
        ".",
        &format!(
            "the claims are not a JSON object ({})",
            strip_position(&e.to_string())
        ),
    )
}

/// Deserializes the (already validated) payload into `T` with path tracking: the careful path,
/// taken when the one-pass [`capture`](crate::capture) could not decide, so that a mismatch
/// names its field.
pub(crate) fn deserialize<T: DeserializeOwned>(payload: &[u8]) -> Result<T, TokenError> {
    let mut de = serde_json::Deserializer::from_slice(payload);
    // The payload is one complete JSON object (checked before), so no trailing input here.
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            Err(TokenError::claims(
                path,
                &strip_position(&e.into_inner().to_string()),
            ))
        }
    }
}

/// serde_json appends ` at line L column C`: positions inside a secret payload are noise.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TokenErrorKind;

    #[test]
    fn reads_the_time_claims_of_an_object() {
        let t =
            TimeClaims::parse(br#"{"a":{"exp":"x"},"exp":10,"nbf":1.5,"iat":3,"z":[1]}"#).unwrap();
        assert_eq!(
            t,
            TimeClaims {
                exp: Some(10.0),
                nbf: Some(1.5),
                iat: Some(3.0)
            }
        );
    }

    #[test]
    fn refuses_what_is_not_an_object() {
        for p in [
            &b"[1,2]"[..],
            b"\"s\"",
            b"3",
            b"null",
            b"{",
            b"{} x",
            b"",
            b"\xff",
        ] {
            let e = TimeClaims::parse(p).unwrap_err();
            assert_eq!(e.kind(), TokenErrorKind::Claims, "{p:?}");
        }
    }

    #[test]
    fn refuses_a_time_claim_that_is_not_a_number() {
        let e = TimeClaims::parse(br#"{"exp":"soon"}"#).unwrap_err();
        assert!(
            matches!(&e, TokenError::Claims { path, .. } if path == "exp"),
            "{e:?}"
        );
        assert!(!e.to_string().contains("soon"));
        let e = TimeClaims::parse(br#"{"iat":1,"iat":2}"#).unwrap_err();
        assert!(
            matches!(&e, TokenError::Claims { path, .. } if path == "iat"),
            "{e:?}"
        );
    }

    #[test]
    fn time_claims_of_a_map_match_the_streaming_parse() {
        for p in [
            &br#"{"exp":10,"nbf":1.5,"iat":3,"x":{"exp":"s"}}"#[..],
            br#"{}"#,
            br#"{"iat":-4}"#,
        ] {
            let map = parse_object(p).unwrap();
            assert_eq!(
                TimeClaims::from_map(&map).unwrap(),
                TimeClaims::parse(p).unwrap()
            );
        }
        let map = parse_object(br#"{"nbf":[1]}"#).unwrap();
        assert!(
            matches!(TimeClaims::from_map(&map), Err(TokenError::Claims { path, .. }) if path == "nbf")
        );
        assert_eq!(
            parse_object(b"[1]").unwrap_err().kind(),
            TokenErrorKind::Claims
        );
    }

    /// What the one-pass capture decides, for a type that takes any object: `Some` exactly when
    /// the full parse accepts the payload, with the same time claims.
    fn capture_agrees(c: &[u8]) {
        let full = TimeClaims::parse(c);
        match (crate::capture::deserialize::<Map<String, Value>>(c), &full) {
            (Some((_, t)), Ok(f)) => assert_eq!(&t, f, "{}", String::from_utf8_lossy(c)),
            (None, Err(_)) => {}
            (fast, _) => panic!(
                "{}: capture {:?} vs full {full:?}",
                String::from_utf8_lossy(c),
                fast.map(|f| f.1)
            ),
        }
    }

    /// The one-pass capture of [`decode`](crate::Verifier::decode) agrees with the full parse,
    /// including decoys in nested objects and strings, escapes, whitespace, odd numbers and
    /// refused time claims.
    #[test]
    fn the_capture_agrees_with_the_full_parse() {
        let cases: &[&[u8]] = &[
            br#"{}"#,
            br#" { } "#,
            br#"{"exp":10}"#,
            br#"{"a":{"exp":"x","b":[{"iat":"y"}]},"exp":10,"nbf":1.5,"iat":3,"z":[1,"]}",{"}":"{"}]}"#,
            br#"{"s":"\"exp\":1,\\","exp" : 1e3 ,"iat":-0.5E+1}"#,
            b"{\n\t\"exp\"\r:\n12345678901 , \"x\":null,\"y\":true,\"w\":false}",
            br#"{"\u0065xp":5}"#,
            br#"{"ex\"p":5,"exp":6}"#,
            r#"{"ünï":"çødé ✓","exp":7}"#.as_bytes(),
            br#"{"exp":1,"exp":2}"#,
            br#"{"exp":"1"}"#,
            br#"{"nbf":{"a":1}}"#,
            br#"{"iat":[1]}"#,
            br#"{"iat":null}"#,
            br#"{"iat":true}"#,
            br#"[1]"#,
            br#""s""#,
            br#"{"a":1} x"#,
        ];
        for c in cases {
            capture_agrees(c);
        }
    }

    /// Broken structure is refused by both, never with a panic.
    #[test]
    fn the_capture_refuses_broken_structure_without_panicking() {
        let cases: &[&[u8]] = &[
            b"",
            b"{",
            b"{\"",
            b"{\"a",
            b"{\"a\"",
            b"{\"a\":",
            b"{\"a\":1",
            b"{\"a\":1,",
            b"{\"a\" 1}",
            b"{\"a\":{",
            b"{\"a\":[1,",
            b"{\"a\":\"x}",
            b"{,}",
            b"{1:2}",
            b"{\"a\":1}}",
            b"}",
            b"{\"exp\":}",
            b"{\"a\":\"\\",
            b"{\"exp\":1e999}",
            b"{\"exp\":-}",
            b"\xff",
            b"{\"a\":]}",
        ];
        for c in cases {
            assert!(
                TimeClaims::parse(c).is_err(),
                "{}",
                String::from_utf8_lossy(c)
            );
            capture_agrees(c);
        }
        let mut x: u32 = 7;
        let alphabet = b"{}[]\":,\\ 01e-.\"expnbfiat";
        for _ in 0..20_000 {
            let len = (x % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    alphabet[(x as usize) % alphabet.len()]
                })
                .collect();
            capture_agrees(&bytes);
        }
    }

    #[test]
    fn applies_the_tolerance_like_jose() {
        let t = TimeClaims {
            exp: Some(100.0),
            nbf: Some(100.0),
            iat: Some(100.0),
        };
        assert!(t.check(114, 15, true).is_ok());
        assert_eq!(
            t.check(115, 15, true).unwrap_err().kind(),
            TokenErrorKind::Expired
        );
        assert!(t.check(85, 15, true).is_ok());
        assert_eq!(
            t.check(84, 15, true).unwrap_err().kind(),
            TokenErrorKind::NotYetValid
        );
        let no_exp = TimeClaims::default();
        assert_eq!(
            no_exp.check(0, 15, true).unwrap_err().kind(),
            TokenErrorKind::Claims
        );
        assert!(no_exp.check(0, 15, false).is_ok());
    }
}
