//! One pass over the payload for [`Verifier::decode`](crate::Verifier::decode): the
//! application's type `T` is deserialized while the top-level `exp` / `nbf` / `iat` are captured
//! on the way past, so the hot path reads the JSON once.
//!
//! The capture is an adapter around serde_json's deserializer: every call is forwarded, and the
//! top-level object's map access is wrapped so that each key is seen (and each time claim's
//! value read as a number) before it reaches `T`. The result is trusted only when the adapter saw
//! the top-level object end; anything else (an error of `T`, a time claim that is not a number or
//! appears twice, a payload that is not an object, a type that bypassed the adapter) gives
//! `None`, and the caller takes the careful path, which reports the same error the two-pass
//! check always did (time claims first, then `T` with its field path).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize as _;

use crate::claims::TimeClaims;

/// What the adapter saw: the time claims, and whether the top-level object ended cleanly.
#[derive(Default)]
struct Seen {
    times: TimeClaims,
    /// The top-level object's last key was read through the adapter.
    complete: bool,
    /// A time claim that is not a number, or appears twice: the careful path explains it.
    refused: bool,
}

/// Deserializes `T` from `payload` (a JSON object) and returns it with the object's time claims,
/// or `None` when the careful path must decide.
pub(crate) fn deserialize<T: DeserializeOwned>(payload: &[u8]) -> Option<(T, TimeClaims)> {
    let mut seen = Seen::default();
    // One UTF-8 check of the whole payload lets serde_json skip its check of every string.
    let text = std::str::from_utf8(payload).ok()?;
    // Only an object is a claims set (this also keeps serde_json's stand-in maps for numbers
    // and raw values from posing as the top-level object).
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Capture {
        inner: &mut de,
        seen: &mut seen,
    })
    .ok()?;
    de.end().ok()?;
    (seen.complete && !seen.refused).then_some((value, seen.times))
}

/// The deserializer adapter: forwards everything, wrapping the visitor.
struct Capture<'s, D> {
    inner: D,
    seen: &'s mut Seen,
}

/// Forwards `deserialize_*` methods to the inner deserializer with the visitor wrapped.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.inner.$method($($arg,)* Top { inner: visitor, seen: self.seen })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Capture<'_, D> {
    type Error = D::Error;

    forward! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The visitor adapter for the top-level value: only an object (possibly through a newtype or
/// `Some`, which hand the deserializer on) is accepted; its map access is wrapped.
struct Top<'s, V> {
    inner: V,
    seen: &'s mut Seen,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Top<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Entries {
            inner: map,
            seen: self.seen,
            pending: None,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Capture {
            inner: d,
            seen: self.seen,
        })
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Capture {
            inner: d,
            seen: self.seen,
        })
    }
    // Every other visit_* keeps serde's default (an "invalid type" error): the payload of a
    // session token is an object.
}

/// Which time claim the key just read names.
#[derive(Clone, Copy)]
enum TimeClaim {
    Exp,
    Nbf,
    Iat,
}

/// The top-level object's map access: sees every key, captures the time claims' values.
struct Entries<'s, A> {
    inner: A,
    seen: &'s mut Seen,
    pending: Option<TimeClaim>,
}

/// A JSON number as serde_json reports it.
#[derive(Clone, Copy)]
enum Number {
    U(u64),
    I(i64),
    F(f64),
}

/// Reads a number; anything else is an error (the careful path then names the claim).
struct NumberSeed;

impl<'de> DeserializeSeed<'de> for NumberSeed {
    type Value = Number;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Number, D::Error> {
        // Through serde_json's own `Number`, which also understands its `arbitrary_precision`
        // representation; anything that is not a number is an error.
        let n = serde_json::Number::deserialize(d)?;
        if let Some(u) = n.as_u64() {
            Ok(Number::U(u))
        } else if let Some(i) = n.as_i64() {
            Ok(Number::I(i))
        } else {
            crate::claims::finite(&n)
                .map(Number::F)
                .ok_or_else(|| de::Error::custom("a number out of range"))
        }
    }
}

/// Hands a number to `T` as serde_json's deserializer would: `Option` and newtype fields see
/// `Some` / the newtype around it, everything else the number itself.
struct NumberDeserializer<E> {
    number: Number,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for NumberDeserializer<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.number {
            Number::U(n) => visitor.visit_u64(n),
            Number::I(n) => visitor.visit_i64(n),
            Number::F(n) => visitor.visit_f64(n),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Reads a key as a string, borrowed from the payload when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a claim name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let result = self.key(seed);
        // Any error here makes the pass doubtful, even if `T` chose to ignore it and go on.
        self.seen.refused |= result.is_err();
        result
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let result = self.value(seed);
        self.seen.refused |= result.is_err();
        result
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> Entries<'_, A> {
    fn key<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.inner.next_key_seed(KeySeed)? else {
            self.seen.complete = true;
            return Ok(None);
        };
        self.pending = match &*key {
            "exp" => Some(TimeClaim::Exp),
            "nbf" => Some(TimeClaim::Nbf),
            "iat" => Some(TimeClaim::Iat),
            // serde_json's own stand-ins for numbers and raw values (features
            // `arbitrary_precision`, `raw_value`) are not claims: the careful path decides.
            k if k.starts_with("$serde_json::private::") => {
                self.seen.refused = true;
                None
            }
            _ => None,
        };
        match key {
            Cow::Borrowed(k) => seed.deserialize(BorrowedStrDeserializer::new(k)),
            Cow::Owned(k) => seed.deserialize(StringDeserializer::new(k)),
        }
        .map(Some)
    }

    fn value<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let Some(claim) = self.pending.take() else {
            return self.inner.next_value_seed(seed);
        };
        // A time claim: read it as a number (anything else is left to the careful path), keep
        // it, then hand the same number to `T`.
        let number = self.inner.next_value_seed(NumberSeed)?;
        let slot = match claim {
            TimeClaim::Exp => &mut self.seen.times.exp,
            TimeClaim::Nbf => &mut self.seen.times.nbf,
            TimeClaim::Iat => &mut self.seen.times.iat,
        };
        if slot.is_some() {
            self.seen.refused = true;
        }
        *slot = Some(match number {
            Number::U(n) => n as f64,
            Number::I(n) => n as f64,
            Number::F(n) => n,
        });
        seed.deserialize(NumberDeserializer {
            number,
            error: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::{Map, Value};

    use super::*;

    fn times(exp: Option<f64>, nbf: Option<f64>, iat: Option<f64>) -> TimeClaims {
        TimeClaims { exp, nbf, iat }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Claims {
        sub: String,
        #[serde(default)]
        exp: Option<i64>,
    }

    #[test]
    fn captures_the_time_claims_t_reads_and_those_it_ignores() {
        let p = br#"{"sub":"1","nested":{"exp":"x","iat":[1]},"exp":10,"nbf":1.5,"iat":3}"#;
        let (c, t) = deserialize::<Claims>(p).unwrap();
        assert_eq!(
            c,
            Claims {
                sub: "1".into(),
                exp: Some(10)
            }
        );
        assert_eq!(t, times(Some(10.0), Some(1.5), Some(3.0)));
    }

    #[test]
    fn agrees_with_the_full_parse_on_valid_objects() {
        for p in [
            &br#"{}"#[..],
            br#" { "exp" : 1e3 , "iat" : -0.5E+1 } "#,
            br#"{"\u0065xp":5,"s":"\"exp\":1"}"#,
            r#"{"ünï":"çødé ✓","exp":7}"#.as_bytes(),
            b"{\n\t\"exp\"\r:\n12345678901 , \"x\":null,\"y\":true,\"w\":false}",
        ] {
            let (_, t) = deserialize::<Map<String, Value>>(p).unwrap();
            assert_eq!(
                t,
                TimeClaims::parse(p).unwrap(),
                "{}",
                String::from_utf8_lossy(p)
            );
            let (_, t2) = deserialize::<IgnoredObject>(p).unwrap();
            assert_eq!(t, t2);
        }
    }

    /// A type that reads nothing: every entry is skipped through `IgnoredAny`.
    #[derive(Deserialize)]
    struct IgnoredObject {}

    #[test]
    fn hands_t_the_same_values_as_a_direct_parse() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Typed {
            exp: u32,
            nbf: f64,
            iat: serde_json::Number,
            #[serde(default)]
            missing: Option<i64>,
            #[serde(flatten)]
            rest: BTreeMap<String, Value>,
        }
        let p = br#"{"exp":10,"nbf":2,"iat":3.5,"a":[1,{"b":null}],"\u00e9":"\u00e9"}"#;
        let direct: Typed = serde_json::from_slice(p).unwrap();
        let (captured, t) = deserialize::<Typed>(p).unwrap();
        assert_eq!(captured, direct);
        assert_eq!(t, times(Some(10.0), Some(2.0), Some(3.5)));

        #[derive(Debug, Deserialize, PartialEq)]
        struct Secs(i64);
        #[derive(Debug, Deserialize, PartialEq)]
        struct Wrapped {
            exp: Option<Secs>,
            iat: Option<Option<f64>>,
            nbf: Value,
        }
        let p = br#"{"exp":-10,"iat":2e1,"nbf":18446744073709551615}"#;
        let direct: Wrapped = serde_json::from_slice(p).unwrap();
        let (captured, _) = deserialize::<Wrapped>(p).unwrap();
        assert_eq!(captured, direct);
        assert_eq!(captured.exp, Some(Secs(-10)));
    }

    #[test]
    fn a_newtype_or_option_around_the_object_is_still_seen() {
        #[derive(Deserialize)]
        struct Wrapper(Map<String, Value>);
        let p = br#"{"exp":4}"#;
        let (w, t) = deserialize::<Wrapper>(p).unwrap();
        assert_eq!((w.0["exp"].as_i64(), t.exp), (Some(4), Some(4.0)));
        let (v, t) = deserialize::<Option<Claims>>(br#"{"sub":"a","exp":4}"#).unwrap();
        assert_eq!(v.unwrap().sub, "a");
        assert_eq!(t.exp, Some(4.0));
    }

    /// A `T` that swallows errors from the map and reads on (a hand-written lenient visitor)
    /// cannot make a refused time claim disappear: any error through the adapter is final.
    #[test]
    fn an_error_t_ignores_still_refuses_the_pass() {
        struct Lenient;
        impl<'de> de::Deserialize<'de> for Lenient {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Lenient;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a map")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Lenient, A::Error> {
                        while m.next_key::<String>()?.is_some() {
                            let _ = m.next_value::<Value>();
                        }
                        Ok(Lenient)
                    }
                }
                d.deserialize_map(V)
            }
        }
        for p in [
            &br#"{"sub":"a","nbf":"4102444800"}"#[..],
            br#"{"exp":"0","sub":"a"}"#,
            br#"{"iat":[1],"exp":5}"#,
        ] {
            assert!(TimeClaims::parse(p).is_err());
            assert!(
                deserialize::<Lenient>(p).is_none(),
                "{}",
                String::from_utf8_lossy(p)
            );
        }
        assert!(deserialize::<Lenient>(br#"{"exp":5}"#).is_some());
    }

    /// serde_json's stand-in keys (raw values, arbitrary-precision numbers) never pass as claims.
    #[test]
    fn serde_json_private_keys_are_refused() {
        let p = br#"{"$serde_json::private::Number":"1.5"}"#;
        assert!(deserialize::<Map<String, Value>>(p).is_none());
        assert!(deserialize::<Box<serde_json::value::RawValue>>(br#"{"exp":1}"#).is_none());
    }

    /// Whatever the careful path must explain gives `None`.
    #[test]
    fn leaves_every_doubtful_payload_to_the_careful_path() {
        for p in [
            &br#"{"sub":"1","exp":"soon"}"#[..],
            br#"{"sub":"1","exp":1,"exp":2}"#,
            br#"{"sub":"1","\u0069at":1,"iat":2}"#,
            br#"{"sub":"1","nbf":null}"#,
            br#"{"sub":1}"#,
            br#"{"exp":1}"#,
            br#"[{"sub":"1"}]"#,
            br#"{"sub":"1"} x"#,
            br#"{"sub":"1""#,
            b"\xff",
        ] {
            assert!(
                deserialize::<Claims>(p).is_none(),
                "{}",
                String::from_utf8_lossy(p)
            );
        }
        // A struct read from an array never sees an object: refused even when it fits.
        #[derive(Deserialize)]
        struct Pair(#[allow(dead_code)] String, #[allow(dead_code)] String);
        assert!(deserialize::<Pair>(br#"["a","b"]"#).is_none());
        assert!(deserialize::<Value>(br#""s""#).is_none());
        assert!(deserialize::<Option<Value>>(b"null").is_none());
    }
}
