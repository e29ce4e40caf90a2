//! The `authgen` binary against the real next-auth: what `authgen encode` prints, next-auth's own
//! `decode` reads (next-auth 4.24.15 `next-auth/jwt`, `@auth/core` 0.41.3 as next-auth 5 uses
//! it); what next-auth mints, `authgen decode` prints with the same claims, from an argument and
//! from standard input. Through `fixtures/ts/next-auth-v{4,5}/interop/jwt.mjs`; needs Node.js and
//! npm (a missing one fails the test).

use std::io::Write;
use std::process::{Command, Stdio};

// next-auth's `interop/jwt.mjs <mode>` on a batch of cases, one result per case.
use authgen_testkit::npm::next_auth_jwt as node;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_authgen");
const SECRET: &str = "cli-interop-secret-0123456789abcdef";

/// Runs the `authgen` binary with `args`, `stdin` and only the environment `env`.
fn authgen(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// One way to name the cookie: the flags `authgen` takes and the salt next-auth is given.
struct Target {
    version: &'static str,
    flags: &'static [&'static str],
    salt: &'static str,
}

const TARGETS: &[Target] = &[
    Target {
        version: "v4",
        flags: &[],
        salt: "",
    },
    Target {
        version: "v5",
        flags: &[],
        salt: "authjs.session-token",
    },
    Target {
        version: "v5",
        flags: &["--secure"],
        salt: "__Secure-authjs.session-token",
    },
    Target {
        version: "v5",
        flags: &["--cookie-name", "app.session"],
        salt: "app.session",
    },
];

fn payloads() -> Vec<Value> {
    vec![
        json!({ "sub": "user-1", "name": "Ada", "email": "ada@example.com", "picture": null }),
        json!({ "sub": "ü", "name": "Zoë Ñandú 日本語 🎉", "role": "ADMIN", "permissions": ["posts:read", "posts:write"] }),
        json!({ "sub": "n", "nested": { "a": [1, 2.5, { "b": true }], "quote": "\"\\\n" }, "big": 9007199254740991i64 }),
    ]
}

#[test]
fn tokens_from_authgen_encode_decode_in_next_auth() {
    for t in TARGETS {
        // Installed before minting, so that `iat` is checked against the time of the mint alone.
        node(t.version, "decode", &[]);
        let claims = payloads();
        let mut minted = Vec::new();
        for (i, c) in claims.iter().enumerate() {
            let text = c.to_string();
            let mut args = vec!["encode", "--next-auth", t.version, "--secret", SECRET];
            args.extend_from_slice(t.flags);
            // Every other case sets the lifetime, the rest takes next-auth's 30 days.
            let max_age: i64 = if i % 2 == 0 { 3600 } else { 30 * 24 * 60 * 60 };
            let max_age_text = max_age.to_string();
            if i % 2 == 0 {
                args.extend_from_slice(&["--max-age", &max_age_text]);
            }
            // The claims as an argument, or from standard input.
            let before = chrono::Utc::now().timestamp();
            let (code, token, err) = if i == 1 {
                args.push("-");
                authgen(&args, &text, &[])
            } else {
                args.push(&text);
                authgen(&args, "", &[])
            };
            let after = chrono::Utc::now().timestamp();
            assert_eq!(code, 0, "{} {:?}: {err}", t.version, t.flags);
            let token = token.trim().to_owned();
            assert!(
                !token.contains('\n') && token.split('.').count() == 5,
                "{token}"
            );
            minted.push((token, max_age, before..=after));
        }

        // Every token with the right salt, then (v5) with another one: the cookie name really is
        // part of the key.
        let mut cases: Vec<Value> = minted
            .iter()
            .map(|(tok, ..)| json!({ "token": tok, "secret": SECRET, "salt": t.salt }))
            .collect();
        if t.version == "v5" {
            cases.push(json!({ "token": minted[0].0, "secret": SECRET, "salt": "authjs.other" }));
        }
        let decoded = node(t.version, "decode", &cases);
        for ((c, (_, max_age, when)), result) in claims.iter().zip(&minted).zip(&decoded) {
            let got = result["claims"].as_object().unwrap_or_else(|| {
                panic!("next-auth {} {:?} refused it: {result}", t.version, t.flags)
            });
            for (k, v) in c.as_object().unwrap() {
                assert_eq!(&got[k], v, "{} {:?}: claim {k}", t.version, t.flags);
            }
            // iat, exp and jti as next-auth sets them.
            let iat = got["iat"].as_i64().unwrap();
            assert!(when.contains(&iat), "iat {iat}, minted within {when:?}");
            assert_eq!(got["exp"].as_i64().unwrap(), iat + max_age);
            assert!(uuid::Uuid::parse_str(got["jti"].as_str().unwrap()).is_ok());
            assert_eq!(got.len(), c.as_object().unwrap().len() + 3);
        }
        if t.version == "v5" {
            let other = decoded.last().unwrap();
            assert!(other["error"].is_string(), "{other}");
        }
    }
}

#[test]
fn tokens_from_next_auth_decode_with_authgen_decode() {
    for t in TARGETS {
        let cases: Vec<Value> = payloads()
            .into_iter()
            .map(|claims| json!({ "claims": claims, "secret": SECRET, "salt": t.salt }))
            .collect();
        let tokens: Vec<String> = node(t.version, "encode", &cases)
            .into_iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect();
        let expected: Vec<Value> = node(
            t.version,
            "decode",
            &tokens
                .iter()
                .map(|tok| json!({ "token": tok, "secret": SECRET, "salt": t.salt }))
                .collect::<Vec<_>>(),
        )
        .into_iter()
        .map(|r| r["claims"].clone())
        .collect();

        // One token as an argument: one pretty JSON object.
        let mut args = vec!["decode", "--next-auth", t.version, "--secret", SECRET];
        args.extend_from_slice(t.flags);
        let mut one = args.clone();
        one.push(&tokens[1]);
        let (code, out, err) = authgen(&one, "", &[]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), expected[1]);

        // All of them on standard input, the secret from the environment next-auth reads: one
        // compact line each, in order.
        let env_var = if t.version == "v4" {
            "NEXTAUTH_SECRET"
        } else {
            "AUTH_SECRET"
        };
        let mut batch = vec!["decode", "--next-auth", t.version];
        batch.extend_from_slice(t.flags);
        batch.push("-");
        let (code, out, err) = authgen(&batch, &tokens.join("\n"), &[(env_var, SECRET)]);
        assert_eq!(code, 0, "{err}");
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines, expected, "{} {:?}", t.version, t.flags);

        // The wrong secret, or (v5) the wrong cookie name: one line saying why, exit 1.
        let mut wrong_secret = vec!["decode", "--next-auth", t.version, "--secret"];
        wrong_secret.push("another-secret-0123456789abcdefghijk");
        wrong_secret.extend_from_slice(t.flags);
        let mut wrongs = vec![wrong_secret];
        if t.version == "v5" {
            let name = if t.salt == "authjs.other" {
                "app.session"
            } else {
                "authjs.other"
            };
            wrongs.push(vec![
                "decode",
                "--next-auth",
                "v5",
                "--secret",
                SECRET,
                "--cookie-name",
                name,
            ]);
        }
        for mut wrong in wrongs {
            wrong.push(&tokens[0]);
            let (code, out, err) = authgen(&wrong, "", &[]);
            assert_eq!((code, out.as_str()), (1, ""), "{wrong:?}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(!err.contains(&tokens[0][..40]), "no token in errors");
        }
    }
}
