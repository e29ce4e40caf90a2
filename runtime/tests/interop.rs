//! Tokens exchanged with the real next-auth 4.24.15 (`next-auth/jwt`) and Auth.js
//! (`@auth/core` 0.41.3, next-auth 5.0.0-beta.32), through `fixtures/ts/next-auth-v{4,5}/interop`.
//! Needs Node.js and npm: a missing one fails the test.

use std::path::PathBuf;

use authgen_runtime::cookie::{chunk_cookie_value, session_token_from_cookie_headers};
use authgen_runtime::{
    ContentEncryption, EncodeOptions, NextAuthVersion, TokenErrorKind, Verifier,
};
// next-auth's `interop/jwt.mjs <mode>` on a batch of cases, one result per case.
use authgen_testkit::npm::next_auth_jwt as node;
use serde_json::{json, Map, Value};

const S1: &str = "interop-secret-one-0123456789abcdef";
const S2: &str = "interop-secret-two-0123456789abcdef";
const S3: &str = "interop-secret-three-0123456789abcdef";

fn fixture(version: &str) -> PathBuf {
    let dir = authgen_testkit::workspace_root()
        .join("fixtures/ts")
        .join(format!("next-auth-{version}"));
    authgen_testkit::npm::ensure_installed(&dir)
}

/// Varied payloads: the default next-auth one, unicode, nesting, escapes, numbers, long ones.
fn payloads() -> Vec<Value> {
    vec![
        json!({ "name": "Ada Lovelace", "email": "ada@example.com", "picture": "https://example.com/a.png", "sub": "user-1" }),
        json!({}),
        json!({ "name": "Zoë Ñandú 日本語 🎉", "🔑": "värde", "rtl": "שלום", "sub": "ü" }),
        json!({ "sub": "2", "user": { "roles": ["ADMIN", "USER"], "meta": { "deep": { "x": 1.5, "y": null, "z": true, "w": [] } } } }),
        json!({ "quote": "\"q\" \\ / \u{0000}\n\t\u{2028}", "big": 9007199254740991u64, "neg": -42, "frac": 0.1 }),
        json!({ "sub": "long", "blob": "x".repeat(5_000) }),
        json!({ "sub": "longer", "blob": "é".repeat(6_000), "list": (0..300).collect::<Vec<_>>() }),
    ]
}

fn without_times(mut claims: Map<String, Value>) -> Map<String, Value> {
    for k in ["iat", "exp", "jti"] {
        assert!(claims.remove(k).is_some(), "`{k}` set by the encoder");
    }
    claims
}

fn verifier(
    version: NextAuthVersion,
    secrets: &[&str],
    cookie: Option<&str>,
    secure: bool,
) -> Verifier {
    let mut b = Verifier::builder(version)
        .secrets(secrets.iter().copied())
        .secure(secure);
    if let Some(name) = cookie {
        b = b.cookie_name(name);
    }
    b.build().unwrap()
}

#[test]
fn v4_tokens_minted_by_next_auth_verify_in_rust_with_the_same_claims() {
    let cases: Vec<Value> = payloads()
        .into_iter()
        .map(|p| json!({ "claims": p, "secret": S1 }))
        .collect();
    let tokens = node("v4", "encode", &cases);
    let decoded = node(
        "v4",
        "decode",
        &tokens
            .iter()
            .map(|t| json!({ "token": t, "secret": S1 }))
            .collect::<Vec<_>>(),
    );
    let v = verifier(NextAuthVersion::V4, &[S1], None, false);
    let rotated = verifier(NextAuthVersion::V4, &[S2, S1], None, false);
    let wrong = verifier(NextAuthVersion::V4, &[S2], None, false);
    for ((case, token), node_claims) in cases.iter().zip(&tokens).zip(&decoded) {
        let token = token.as_str().unwrap();
        assert!(token.starts_with("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.."));
        let claims = v.decode_map(token).unwrap();
        assert_eq!(
            Value::Object(claims.clone()),
            node_claims["claims"],
            "same claims as next-auth's decode"
        );
        assert_eq!(Value::Object(without_times(claims)), case["claims"]);
        assert_eq!(
            rotated.decode_map(token).unwrap(),
            v.decode_map(token).unwrap(),
            "older secret tried second"
        );
        assert_eq!(
            wrong.decode_map(token).unwrap_err().kind(),
            TokenErrorKind::AuthenticationFailed
        );
    }
}

#[test]
fn v5_tokens_minted_by_auth_js_verify_in_rust_with_the_same_claims() {
    // (node secret list, salt, rust secrets, rust cookie name, secure)
    /// (node secret list, salt, rust secrets, rust cookie name, secure)
    type Setup<'a> = (Value, &'a str, Vec<&'a str>, Option<&'a str>, bool);
    let setups: Vec<Setup> = vec![
        (json!(S1), "authjs.session-token", vec![S1], None, false),
        (
            json!(S1),
            "__Secure-authjs.session-token",
            vec![S1],
            None,
            true,
        ),
        (
            json!([S2, S1]),
            "authjs.session-token",
            vec![S3, S2, S1],
            None,
            false,
        ),
        (json!(S1), "authjs.session-token", vec![S2, S1], None, false),
        (
            json!(S1),
            "app.session",
            vec![S1],
            Some("app.session"),
            false,
        ),
    ];
    let mut cases = Vec::new();
    for (i, (secret, salt, ..)) in setups.iter().enumerate() {
        for p in payloads() {
            cases.push((i, json!({ "claims": p, "secret": secret, "salt": salt })));
        }
    }
    let tokens = node(
        "v5",
        "encode",
        &cases.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(),
    );
    let decoded = node(
        "v5",
        "decode",
        &cases
            .iter()
            .zip(&tokens)
            .map(|((_, c), t)| json!({ "token": t, "secret": c["secret"], "salt": c["salt"] }))
            .collect::<Vec<_>>(),
    );
    let verifiers: Vec<Verifier> = setups
        .iter()
        .map(|(_, _, secrets, cookie, secure)| {
            verifier(NextAuthVersion::V5, secrets, *cookie, *secure)
        })
        .collect();
    for (((i, case), token), node_claims) in cases.iter().zip(&tokens).zip(&decoded) {
        let token = token.as_str().unwrap();
        let v = &verifiers[*i];
        let claims = v
            .decode_map(token)
            .unwrap_or_else(|e| panic!("setup {i}: {e}"));
        assert_eq!(
            Value::Object(claims.clone()),
            node_claims["claims"],
            "setup {i}: same claims as Auth.js's decode"
        );
        assert_eq!(Value::Object(without_times(claims)), case["claims"]);
        // The cookie name is the salt: the other name's verifier refuses the token.
        let other = if *i == 1 {
            &verifiers[0]
        } else {
            &verifiers[1]
        };
        assert_eq!(
            other.decode_map(token).unwrap_err().kind(),
            TokenErrorKind::AuthenticationFailed
        );
        // A verifier without the token's secret has no key with its kid.
        let stranger = verifier(NextAuthVersion::V5, &[S3], v.cookie_name().into(), false);
        assert_eq!(
            stranger.decode_map(token).unwrap_err(),
            authgen_runtime::TokenError::AuthenticationFailed {
                no_matching_secret: true
            }
        );
    }
}

#[test]
fn long_tokens_travel_in_chunked_cookies_both_ways() {
    for (version, chunk, salt) in [("v4", 3933, ""), ("v5", 3936, "authjs.session-token")] {
        let nav: NextAuthVersion = version.parse().unwrap();
        assert_eq!(nav.chunk_size(), chunk);
        // The chunk size is the package's own constant.
        let src = match version {
            "v4" => "node_modules/next-auth/core/lib/cookie.js",
            _ => "node_modules/@auth/core/lib/utils/cookie.js",
        };
        let text = std::fs::read_to_string(fixture(version).join(src)).unwrap();
        assert!(text.contains("ALLOWED_COOKIE_SIZE = 4096"));
        assert!(text.contains(&format!("ESTIMATED_EMPTY_COOKIE_SIZE = {}", 4096 - chunk)));

        let v = verifier(nav, &[S1], None, false);
        let name = v.cookie_name().to_owned();
        let claims = json!({ "sub": "c", "blob": "ß".repeat(9_000) });
        let node_token = node(
            version,
            "encode",
            &[json!({ "claims": claims, "secret": S1, "salt": salt })],
        )[0]
        .as_str()
        .unwrap()
        .to_owned();
        let rust_token = v.encode(&claims).unwrap();
        let mut get_token_cases = Vec::new();
        for token in [&node_token, &rust_token] {
            let chunks = chunk_cookie_value(&name, token, chunk);
            assert_eq!(chunks.len(), token.len().div_ceil(chunk));
            assert!(chunks.len() >= 3);
            // Browsers send cookies in any order; add unrelated ones and an empty chunk.
            let mut parts: Vec<String> = chunks
                .iter()
                .rev()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            parts.insert(1, "theme=dark".into());
            parts.push(format!("{name}.{}=", chunks.len()));
            let header = parts.join("; ");
            let joined = session_token_from_cookie_headers([header.as_str()], &name, 64 * 1024)
                .unwrap()
                .unwrap();
            assert_eq!(joined, token.as_str());
            let got: Value = v.decode_cookie_header(&header).unwrap().unwrap();
            assert_eq!(got["blob"], claims["blob"]);
            let small = Verifier::builder(nav)
                .secret(S1)
                .max_token_len(16 * 1024)
                .build()
                .unwrap();
            let e = small.decode_cookie_header::<Value>(&header).unwrap_err();
            assert_eq!(e.kind(), TokenErrorKind::TooLarge);
            get_token_cases.push(json!({ "cookie": header, "secret": S1 }));
        }
        // next-auth's own getToken reads the chunked cookies Rust wrote.
        for r in node(version, "getToken", &get_token_cases) {
            assert_eq!(
                r["claims"]["blob"], claims["blob"],
                "{version}: getToken read the chunks"
            );
        }
    }
}

#[test]
fn tokens_minted_by_rust_decode_in_next_auth_with_the_same_claims() {
    for version in ["v4", "v5"] {
        let nav: NextAuthVersion = version.parse().unwrap();
        let mut cases = Vec::new();
        let mut expected = Vec::new();
        let setups: Vec<(Vec<&str>, bool, Option<ContentEncryption>)> = match nav {
            NextAuthVersion::V4 => vec![(vec![S1], false, None)],
            NextAuthVersion::V5 => vec![
                (vec![S1], false, None),
                (vec![S2, S1], true, None),
                (vec![S1], false, Some(ContentEncryption::A256Gcm)),
            ],
        };
        for (secrets, secure, enc) in &setups {
            let v = verifier(nav, secrets, None, *secure);
            for p in payloads() {
                let token = v
                    .encode_with(
                        &p,
                        EncodeOptions {
                            enc: *enc,
                            max_age_secs: Some(3600),
                            now: None,
                        },
                    )
                    .unwrap();
                let claims = v.decode_map(&token).unwrap();
                assert_eq!(
                    claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
                    3600
                );
                let salt = match nav {
                    NextAuthVersion::V4 => String::new(),
                    NextAuthVersion::V5 => v.cookie_name().to_owned(),
                };
                // Node gets the rotated list in next-auth's order; v5 finds the key by kid.
                let node_secret = match secrets.len() {
                    1 => json!(secrets[0]),
                    _ => json!([S3, secrets[0]]),
                };
                cases.push(json!({ "token": token, "secret": node_secret, "salt": salt }));
                expected.push(Value::Object(claims));
            }
        }
        let results = node(version, "decode", &cases);
        for (r, want) in results.iter().zip(&expected) {
            assert_eq!(&r["claims"], want, "{version}: {r}");
        }
    }
}

#[test]
fn next_auth_get_token_reads_rust_cookies_and_bearer_tokens_and_rust_reads_theirs() {
    for version in ["v4", "v5"] {
        let nav: NextAuthVersion = version.parse().unwrap();
        let mut cases = Vec::new();
        for secure in [false, true] {
            let v = verifier(nav, &[S1], None, secure);
            let token = v
                .encode(&json!({ "sub": format!("{version}-{secure}") }))
                .unwrap();
            let cookie = v.set_cookie_headers(&token, 60)[0]
                .split(';')
                .next()
                .unwrap()
                .to_owned();
            cases.push(json!({ "cookie": cookie, "secret": S1, "secureCookie": secure }));
            let bearer = format!("Bearer {}", token.replace('.', "%2E"));
            cases.push(json!({ "authorization": bearer, "secret": S1, "secureCookie": secure }));
            // And Rust reads the same headers.
            let mut h = http::HeaderMap::new();
            h.insert("authorization", bearer.parse().unwrap());
            let got: Value = v.decode_headers(&h).unwrap().unwrap();
            assert_eq!(got["sub"], format!("{version}-{secure}"));
            let mut h = http::HeaderMap::new();
            h.insert("cookie", cookie.parse().unwrap());
            let got: Value = v.decode_headers(&h).unwrap().unwrap();
            assert_eq!(got["sub"], format!("{version}-{secure}"));
        }
        let results = node(version, "getToken", &cases);
        for (i, r) in results.iter().enumerate() {
            let secure = i >= 2;
            assert_eq!(
                r["claims"]["sub"],
                format!("{version}-{secure}"),
                "{version} case {i}: {r}"
            );
        }
    }
}

#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum RoleName {
    User,
    Admin,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Profile {
    locale: String,
    teams: Vec<String>,
}

/// An application's JWT type: next-auth's default claims plus its own.
#[derive(Debug, serde::Deserialize)]
struct AppJwt {
    sub: String,
    name: Option<String>,
    email: Option<String>,
    picture: Option<String>,
    role: RoleName,
    permissions: Vec<String>,
    profile: Profile,
    iat: i64,
    exp: i64,
    jti: String,
}

#[test]
fn next_auth_tokens_deserialize_into_the_apps_types() {
    let good = json!({
        "sub": "42", "name": "Zoë", "email": null, "picture": "https://example.com/p.png",
        "role": "ADMIN", "permissions": ["posts:write"], "profile": { "locale": "fr-CH", "teams": ["a", "b"] },
    });
    let bad = json!({
        "sub": "42", "role": "ADMIN", "permissions": ["posts:write"], "profile": { "locale": "fr", "teams": ["a", 7] },
    });
    for (version, salt) in [("v4", ""), ("v5", "authjs.session-token")] {
        let tokens = node(
            version,
            "encode",
            &[
                json!({ "claims": good, "secret": S1, "salt": salt }),
                json!({ "claims": bad, "secret": S1, "salt": salt }),
            ],
        );
        let v = verifier(version.parse().unwrap(), &[S1], None, false);
        let jwt: AppJwt = v.decode(tokens[0].as_str().unwrap()).unwrap();
        assert_eq!(jwt.sub, "42");
        assert_eq!(jwt.name.as_deref(), Some("Zoë"));
        assert_eq!(jwt.email, None);
        assert_eq!(jwt.picture.as_deref(), Some("https://example.com/p.png"));
        assert_eq!(jwt.role, RoleName::Admin);
        assert_eq!(jwt.permissions, ["posts:write"]);
        assert_eq!(
            jwt.profile,
            Profile {
                locale: "fr-CH".into(),
                teams: vec!["a".into(), "b".into()]
            }
        );
        assert_eq!(jwt.exp - jwt.iat, 30 * 24 * 3600);
        assert_eq!(jwt.jti.len(), 36);
        let e = v.decode::<AppJwt>(tokens[1].as_str().unwrap()).unwrap_err();
        assert!(
            matches!(&e, authgen_runtime::TokenError::Claims { path, .. } if path == "profile.teams[1]"),
            "{version}: {e:?}"
        );
    }
}

/// The session cookies a response sets, as (name, value) pairs sorted by name.
fn set_cookies_sorted(set_cookie_headers: &[String]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = set_cookie_headers
        .iter()
        .map(|h| {
            let first = h.split(';').next().unwrap();
            let (n, v) = first.split_once('=').unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect();
    pairs.sort();
    pairs
}

/// next-auth's own `SessionStore` chunks a long session cookie and empties the chunks a shorter
/// one leaves behind; `session_cookie_updates` writes the same cookies, and what a browser keeps
/// after applying next-auth's cookies reads back in Rust as the token.
#[test]
fn chunking_and_cleanup_match_next_auths_session_store() {
    for version in ["v4", "v5"] {
        let nav: NextAuthVersion = version.parse().unwrap();
        let v = verifier(nav, &[S1], None, false);
        let name = v.cookie_name().to_owned();
        let chunk = nav.chunk_size();
        let long = "L".repeat(chunk * 2 + 17); // three chunks
        let longer = "M".repeat(chunk * 4 + 1); // five chunks
        let short = "short.token";
        let jar = |parts: &[(&str, &str)]| -> Map<String, Value> {
            parts
                .iter()
                .map(|(suffix, value)| (format!("{name}{suffix}"), json!(value)))
                .chain([("theme".to_owned(), json!("dark"))])
                .collect()
        };
        let cases: Vec<(Option<&str>, Map<String, Value>)> = vec![
            (Some(&long), jar(&[])),
            (
                Some(&long),
                jar(&[
                    (".0", "a"),
                    (".1", "b"),
                    (".2", "c"),
                    (".3", "d"),
                    (".4", "e"),
                ]),
            ),
            (Some(&longer), jar(&[(".0", "a"), (".1", "b")])),
            (Some(short), jar(&[(".0", "a"), (".1", "b"), (".2", "c")])),
            (Some(short), jar(&[("", "old")])),
            (Some(&long), jar(&[("", "old")])),
            (None, jar(&[("", "old")])),
            (None, jar(&[(".0", "a"), (".1", "b")])),
        ];
        let node_cases: Vec<Value> = cases
            .iter()
            .map(|(value, cookies)| json!({ "name": name, "value": value, "cookies": cookies }))
            .collect();
        let node_sets = node(version, "chunk", &node_cases);
        for ((value, cookies), node_set) in cases.iter().zip(&node_sets) {
            let mut want: Vec<(String, String)> = node_set
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let n = c["name"].as_str().unwrap().to_owned();
                    (n, c["value"].as_str().unwrap().to_owned())
                })
                .collect();
            want.sort();
            let request = cookies
                .iter()
                .map(|(n, v)| format!("{n}={}", v.as_str().unwrap()))
                .collect::<Vec<_>>()
                .join("; ");
            let rust = v.session_cookie_updates(*value, 60, [request.as_str()]);
            assert_eq!(
                set_cookies_sorted(&rust),
                want,
                "{version}: {} over {:?}",
                value.map_or("sign-out".to_owned(), |t| format!("{} chars", t.len())),
                cookies.keys().collect::<Vec<_>>()
            );

            // The browser applies next-auth's cookies (an empty value deletes) and sends the rest.
            let mut jar = cookies.clone();
            for (n, val) in &want {
                if val.is_empty() {
                    jar.remove(n);
                } else {
                    jar.insert(n.clone(), json!(val));
                }
            }
            let header = jar
                .iter()
                .rev()
                .map(|(n, v)| format!("{n}={}", v.as_str().unwrap()))
                .collect::<Vec<_>>()
                .join("; ");
            let read =
                session_token_from_cookie_headers([header.as_str()], &name, 64 * 1024).unwrap();
            assert_eq!(
                read.as_deref(),
                *value,
                "{version}: read back from {header:.80}"
            );
        }
    }
}
