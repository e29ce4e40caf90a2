//! The claims of a verified token as one compact JSON line, byte for byte what
//! `serde_json::to_string(&Value::Object(map))` writes for the same payload (keys sorted, numbers
//! and strings as serde_json prints them), without building the `Value` tree: strings without
//! escapes are borrowed from the plaintext, objects are sorted vectors.
//!
//! Anything it does not reproduce exactly (a duplicate key, a payload that is not one JSON
//! object) is refused with `None`, and the caller takes the `decode_map` path instead.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Number;

/// A JSON value borrowing its strings from the input where it can.
enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Sorted by key, no duplicates (see [`sorted`]).
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// A string, borrowed when it has no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Sorts entries by key as `BTreeMap<String, _>` orders them; `None` on a duplicate key.
fn sorted<'a>(mut entries: Vec<(Cow<'a, str>, Json<'a>)>) -> Option<Vec<(Cow<'a, str>, Json<'a>)>> {
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let unique = entries.windows(2).all(|w| w[0].0 != w[1].0);
    unique.then_some(entries)
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // As `Value` does: a non-finite float is `null`.
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            entries.push((key, map.next_value()?));
        }
        sorted(entries)
            .map(Json::Object)
            .ok_or_else(|| de::Error::custom("duplicate key"))
    }
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(v) => s.serialize_str(v),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

/// Appends the compact JSON of the object `payload` and `\n` to `out`; `None` (with `out` as
/// it was) when `payload` is not one JSON object without duplicate keys.
pub(crate) fn write_line(payload: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let json: Json<'_> = serde_json::from_slice(payload).ok()?;
    if !matches!(json, Json::Object(_)) {
        return None;
    }
    let len = out.len();
    if serde_json::to_writer(&mut *out, &json).is_err() {
        out.truncate(len);
        return None;
    }
    out.push(b'\n');
    Some(())
}

#[cfg(test)]
mod tests {
    use super::write_line;
    use serde_json::{Map, Value};

    /// What `authgen decode -` printed before: `to_string` of the parsed map.
    fn via_value(payload: &str) -> Option<String> {
        let map: Map<String, Value> = serde_json::from_str(payload).ok()?;
        Some(serde_json::to_string(&Value::Object(map)).unwrap() + "\n")
    }

    #[test]
    fn the_same_bytes_as_through_a_value_map() {
        for payload in [
            r#"{"sub":"u","name":"Zoë","iat":1764500000,"exp":1767092000,"jti":"a-b"}"#,
            r#"{ "z": 1, "a": [1, 2.5, -3, 1e3, 0.1, 1.0, -0.0, 18446744073709551615], "m": {"y": null, "b": true} }"#,
            r#"{"esc":"a\"b\\c\u0001\u00e9\ud83d\ude00\n\t/","\u00e9":1,"e":2,"é2":3}"#,
            r#"{"big":123456789012345678901234567890,"neg":-9223372036854775808,"f":1.5e300}"#,
            r#"{"nested":{"deep":[{"b":1,"a":2},[],{}]},"":"empty key"}"#,
            "{}",
        ] {
            let mut out = Vec::new();
            write_line(payload.as_bytes(), &mut out).unwrap_or_else(|| panic!("{payload}"));
            assert_eq!(
                String::from_utf8(out).unwrap(),
                via_value(payload).unwrap(),
                "{payload}"
            );
        }
    }

    #[test]
    fn what_it_does_not_reproduce_is_refused() {
        for payload in [
            r#"{"a":1,"a":2}"#,
            r#"{"o":{"k":1,"k":1}}"#,
            "[1]",
            "\"s\"",
            "{",
            r#"{"a":1} x"#,
        ] {
            let mut out = b"kept".to_vec();
            assert!(
                write_line(payload.as_bytes(), &mut out).is_none(),
                "{payload}"
            );
            assert_eq!(out, b"kept");
        }
    }
}
