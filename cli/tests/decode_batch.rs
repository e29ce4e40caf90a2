//! `authgen decode -` prints, for every line, exactly what the library gives for that token:
//! `serde_json::to_string` of `Verifier::decode_map`'s object and a newline, or
//! `authgen decode: line N: {decode_map's error}` on standard error. Checked on payloads made to
//! differ from serde_json's own printing (key order, escapes, number forms, nesting, duplicate
//! keys) and on every kind of failure, in one batch.

use authgen_cli::{run_captured, Exit};
use authgen_runtime::{NextAuthVersion, Verifier};
use serde_json::{json, Value};

const SECRET: &str = "decode-batch-secret-0123456789abcdefgh";

fn verifier(version: NextAuthVersion, secret: &str) -> Verifier {
    Verifier::builder(version).secret(secret).build().unwrap()
}

/// Plaintexts sealed as they are (times far in the future or absent).
const PAYLOADS: &[&str] = &[
    r#"{"sub":"u1","name":"Zoë","exp":4102444800,"iat":1700000000,"jti":"j"}"#,
    r#"{ "z" : 1, "a": [1, 2.5, -3, 1e3, 0.1, 1.0, -0.0, 18446744073709551615, 1E-7], "m": {"y": null, "b": true, "a": false}, "exp": 4102444800 }"#,
    r#"{"esc":"a\"b\\c\u0001\u00e9\ud83d\ude00\n\t\/","\u00e9":1,"e":2,"é2":3,"\u0041":"A","exp":4102444800}"#,
    r#"{"big":123456789012345678901234567890,"neg":-9223372036854775808,"f":1.5e300,"exp":4102444800.5}"#,
    r#"{"nested":{"deep":[{"b":1,"a":2},[],{},[[[]]]]},"":"empty key","role":"ADMIN","exp":4102444800}"#,
    r#"{"dup":1,"dup":2,"exp":4102444800}"#,
    r#"{"o":{"k":"first","k":"second"},"exp":4102444800}"#,
    r#"{"exp":4102444800}"#,
    "\t{\"ws\" :\n true, \"exp\": 4102444800 }\r\n",
];

/// Sealed plaintexts that decode_map refuses (not an object, bad JSON, bad or past times).
const REFUSED: &[&str] = &[
    "[1,2,3]",
    r#""just a string""#,
    r#"{"a":1"#,
    r#"{"a":1} trailing"#,
    r#"{"exp":"tomorrow"}"#,
    r#"{"exp":1000}"#,
    r#"{"nbf":4102444800}"#,
    "{}",
    r#"{"exp":1000,"exp":4102444800}"#,
    r#"{"exp":4102444800,"exp":1000}"#,
];

#[test]
fn batch_output_is_byte_identical_to_the_library_decode() {
    for version in [NextAuthVersion::V5, NextAuthVersion::V4] {
        let v = verifier(version, SECRET);
        let mut tokens: Vec<String> = PAYLOADS
            .iter()
            .chain(REFUSED)
            .map(|p| v.seal(p.as_bytes(), None).unwrap())
            .collect();
        tokens.push(
            v.encode(&json!({ "sub": "x", "n": [1, { "q": "é" }] }))
                .unwrap(),
        );
        tokens.push(
            verifier(version, "another-secret-0123456789abcdefghijk")
                .encode(&json!({ "sub": "y" }))
                .unwrap(),
        );
        tokens.push("not.a.token".to_owned());
        tokens.push("x".repeat(20_000));
        let mut expected_out = String::new();
        let mut expected_err = String::new();
        for (i, t) in tokens.iter().enumerate() {
            match v.decode_map(t) {
                Ok(map) => {
                    expected_out += &serde_json::to_string(&Value::Object(map)).unwrap();
                    expected_out.push('\n');
                }
                Err(e) => expected_err += &format!("authgen decode: line {}: {e}\n", i + 1),
            }
        }
        // Every PAYLOAD, the minted token and the duplicate `exp` whose last value is valid
        // decode; the other REFUSED payloads and the three foreign tokens fail.
        assert_eq!(
            expected_out.lines().count(),
            PAYLOADS.len() + 2,
            "{expected_out}"
        );
        assert_eq!(
            expected_err.lines().count(),
            REFUSED.len() - 1 + 3,
            "{expected_err}"
        );
        let args = [
            "decode",
            "--next-auth",
            if version == NextAuthVersion::V5 {
                "v5"
            } else {
                "v4"
            },
            "--secret",
            SECRET,
            "-",
        ];
        let input = tokens.join("\n") + "\n";
        let r = run_captured(&args, &std::env::temp_dir(), &[], input.as_bytes());
        assert_eq!(r.exit, Exit::Failed);
        assert_eq!(r.stdout, expected_out, "{version:?}");
        assert_eq!(r.stderr, expected_err, "{version:?}");
    }
}

#[test]
fn a_clean_batch_exits_0_and_keeps_the_order() {
    let v = verifier(NextAuthVersion::V5, SECRET);
    let tokens: Vec<String> = (0..500)
        .map(|i| {
            v.encode(&json!({ "sub": format!("u{i}"), "i": i }))
                .unwrap()
        })
        .collect();
    let input = tokens.join("\r\n");
    let r = run_captured(
        &["decode", "--secret", SECRET],
        &std::env::temp_dir(),
        &[],
        input.as_bytes(),
    );
    assert_eq!(r.exit, Exit::Ok, "{}", r.stderr);
    assert!(r.stderr.is_empty());
    let subs: Vec<i64> = r
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["i"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(subs, (0..500).collect::<Vec<_>>());
}
