//! `authgen decode` / `authgen encode`, run in-process.

use std::collections::HashMap;
use std::io::Cursor;

use authgen_cli::{Exit, Io};
use authgen_runtime::{NextAuthVersion, TokenErrorKind, Verifier};
use serde_json::{json, Value};

const S1: &str = "cli-secret-one-0123456789abcdefghij";
const S2: &str = "cli-secret-two-0123456789abcdefghij";

struct Run {
    exit: Exit,
    stdout: String,
    stderr: String,
}

/// Runs `authgen <args>` with `stdin` and the environment `env`.
fn run(args: &[&str], stdin: impl AsRef<[u8]>, env: &[(&str, &str)]) -> Run {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = move |k: &str| env.get(k).cloned();
    let mut input = Cursor::new(stdin.as_ref().to_vec());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = {
        let mut io = Io {
            stdin: &mut input,
            stdout: &mut out,
            stderr: &mut err,
            cwd: std::env::temp_dir(),
            env: &lookup,
            color: false,
        };
        authgen_cli::run(
            std::iter::once("authgen").chain(args.iter().copied()),
            &mut io,
        )
    };
    Run {
        exit,
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    }
}

fn v(version: NextAuthVersion, secrets: &[&str], secure: bool) -> Verifier {
    Verifier::builder(version)
        .secrets(secrets.iter().copied())
        .secure(secure)
        .build()
        .unwrap()
}

fn assert_no_secret_or_token(r: &Run, token: &str) {
    for s in [S1, S2] {
        assert!(
            !r.stderr.contains(s) && !r.stdout.contains(s),
            "secret printed"
        );
    }
    for seg in token.split('.').filter(|s| s.len() >= 8) {
        assert!(!r.stderr.contains(seg), "token printed: {}", r.stderr);
    }
}

#[test]
fn decode_prints_the_claims_as_one_json_object() {
    let token = v(NextAuthVersion::V5, &[S1], false)
        .encode(&json!({ "sub": "1", "name": "Zoë" }))
        .unwrap();
    let r = run(&["decode", "--secret", S1, &token], "", &[]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.stderr);
    let claims: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(claims["sub"], "1");
    assert_eq!(claims["name"], "Zoë");
    assert!(claims["exp"].is_i64() && claims["jti"].is_string());
    assert_eq!(r.stderr, "");
}

#[test]
fn decode_failure_is_one_line_exit_1_without_the_token() {
    let token = v(NextAuthVersion::V5, &[S1], false)
        .encode(&json!({ "sub": "1" }))
        .unwrap();
    let r = run(&["decode", "--secret", S2, &token], "", &[]);
    assert_eq!(r.exit, Exit::Failed);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    insta::assert_snapshot!("decode_wrong_secret", r.stderr);
    assert_no_secret_or_token(&r, &token);
    let r = run(&["decode", "--secret", S1, "not-a-token"], "", &[]);
    assert_eq!(r.exit, Exit::Failed);
    insta::assert_snapshot!("decode_malformed", r.stderr);
}

#[test]
fn decode_reads_secrets_from_the_environment_like_next_auth() {
    // v5 with AUTH_SECRET set: next-auth 5 uses it alone, so a token of AUTH_SECRET_1 is refused.
    let old = v(NextAuthVersion::V5, &[S1], false)
        .encode(&json!({ "sub": "old" }))
        .unwrap();
    let new = v(NextAuthVersion::V5, &[S2], false)
        .encode(&json!({ "sub": "new" }))
        .unwrap();
    let env = [("AUTH_SECRET", S1), ("AUTH_SECRET_1", S2)];
    let r = run(&["decode", &old], "", &env);
    assert_eq!(r.exit, Exit::Ok, "{}", r.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&r.stdout).unwrap()["sub"],
        "old"
    );
    assert_eq!(run(&["decode", &new], "", &env).exit, Exit::Failed);
    // Without AUTH_SECRET: @auth/core's rotation list, `kid` picks the right one.
    let env = [("AUTH_SECRET_2", S2), ("AUTH_SECRET_1", S1)];
    for (t, sub) in [(&old, "old"), (&new, "new")] {
        let r = run(&["decode", t], "", &env);
        assert_eq!(r.exit, Exit::Ok, "{}", r.stderr);
        assert_eq!(
            serde_json::from_str::<Value>(&r.stdout).unwrap()["sub"],
            sub
        );
    }
    // encode uses the first of that list, AUTH_SECRET_2.
    let r = run(&["encode", r#"{"sub":"e"}"#], "", &env);
    assert_eq!(r.exit, Exit::Ok, "{}", r.stderr);
    let claims: Value = v(NextAuthVersion::V5, &[S2], false)
        .decode(r.stdout.trim())
        .unwrap();
    assert_eq!(claims["sub"], "e");
    // v4: NEXTAUTH_SECRET.
    let t4 = v(NextAuthVersion::V4, &[S2], false)
        .encode(&json!({ "sub": "4" }))
        .unwrap();
    let r = run(
        &["decode", "--next-auth", "v4", &t4],
        "",
        &[("NEXTAUTH_SECRET", S2), ("AUTH_SECRET", S1)],
    );
    assert_eq!(r.exit, Exit::Ok, "{}", r.stderr);
    // AUTH_SECRET is ignored by v4 when NEXTAUTH_SECRET is set.
    let r = run(
        &["decode", "--next-auth", "v4", &t4],
        "",
        &[("NEXTAUTH_SECRET", S1), ("AUTH_SECRET", S2)],
    );
    assert_eq!(r.exit, Exit::Failed);
    // No secret anywhere: a usage error.
    let r = run(&["decode", &t4], "", &[]);
    assert_eq!(r.exit, Exit::Usage);
    insta::assert_snapshot!("decode_no_secret", r.stderr);
}

#[test]
fn decode_stdin_prints_one_compact_line_per_token_and_fails_if_any_fails() {
    let good = v(NextAuthVersion::V5, &[S1], false);
    let a = good.encode(&json!({ "sub": "a" })).unwrap();
    let b = good
        .encode(&json!({ "sub": "b", "nested": { "x": [1, 2] } }))
        .unwrap();
    let bad = v(NextAuthVersion::V5, &[S2], false)
        .encode(&json!({ "sub": "x" }))
        .unwrap();
    let input = format!("{a}\n\n{b}\r\n{bad}\n");
    let r = run(&["decode", "--secret", S1, "-"], &input, &[]);
    assert_eq!(r.exit, Exit::Failed);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(serde_json::from_str::<Value>(lines[0]).unwrap()["sub"], "a");
    assert_eq!(
        serde_json::from_str::<Value>(lines[1]).unwrap()["nested"]["x"][1],
        2
    );
    assert!(!lines[1].contains(": "), "compact");
    assert_eq!(r.stderr.lines().count(), 1);
    insta::assert_snapshot!("decode_stdin_line_fails", r.stderr);
    assert_no_secret_or_token(&r, &bad);

    let r = run(&["decode", "--secret", S1, "-"], format!("{a}\n{b}"), &[]);
    assert_eq!(r.exit, Exit::Ok);
    assert_eq!(r.stdout.lines().count(), 2);

    // A line that is not UTF-8 is one failed token; the lines after it are still decoded.
    let mut input = format!("{a}\n").into_bytes();
    input.extend_from_slice(b"\xff\xfe not a token\n");
    input.extend_from_slice(format!("{b}\n").as_bytes());
    let r = run(&["decode", "--secret", S1, "-"], &input, &[]);
    assert_eq!(r.exit, Exit::Failed);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    insta::assert_snapshot!("decode_stdin_line_not_utf8", r.stderr);
}

#[test]
fn cookie_names_select_the_salt() {
    let secure = v(NextAuthVersion::V5, &[S1], true)
        .encode(&json!({ "sub": "s" }))
        .unwrap();
    assert_eq!(
        run(&["decode", "--secret", S1, &secure], "", &[]).exit,
        Exit::Failed
    );
    assert_eq!(
        run(&["decode", "--secret", S1, "--secure", &secure], "", &[]).exit,
        Exit::Ok
    );
    let r = run(
        &[
            "decode",
            "--secret",
            S1,
            "--cookie-name",
            "__Secure-authjs.session-token",
            &secure,
        ],
        "",
        &[],
    );
    assert_eq!(r.exit, Exit::Ok);
    // --cookie-name and --secure exclude each other.
    let r = run(
        &[
            "decode",
            "--secret",
            S1,
            "--secure",
            "--cookie-name",
            "x",
            &secure,
        ],
        "",
        &[],
    );
    assert_eq!(r.exit, Exit::Usage);
    // encode with a custom name; decode needs the same name.
    let r = run(
        &[
            "encode",
            "--secret",
            S1,
            "--cookie-name",
            "app.session",
            "{}",
        ],
        "",
        &[],
    );
    assert_eq!(r.exit, Exit::Ok);
    let t = r.stdout.trim().to_owned();
    assert_eq!(
        run(&["decode", "--secret", S1, &t], "", &[]).exit,
        Exit::Failed
    );
    assert_eq!(
        run(
            &["decode", "--secret", S1, "--cookie-name", "app.session", &t],
            "",
            &[]
        )
        .exit,
        Exit::Ok
    );
}

#[test]
fn encode_sets_iat_exp_jti_and_round_trips() {
    for version in ["v4", "v5"] {
        let r = run(
            &[
                "encode",
                "--next-auth",
                version,
                "--secret",
                S1,
                "--max-age",
                "120",
                r#"{"sub":"1","iat":1,"jti":"x"}"#,
            ],
            "",
            &[],
        );
        assert_eq!(r.exit, Exit::Ok, "{}", r.stderr);
        let token = r.stdout.trim();
        assert_eq!(r.stdout.lines().count(), 1);
        let claims: Value = v(version.parse().unwrap(), &[S1], false)
            .decode(token)
            .unwrap();
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            120
        );
        assert_ne!(claims["jti"], "x");
        assert_ne!(claims["iat"], 1);
        // And `authgen decode` reads it back.
        let r = run(
            &["decode", "--next-auth", version, "--secret", S1, token],
            "",
            &[],
        );
        assert_eq!(
            serde_json::from_str::<Value>(&r.stdout).unwrap()["sub"],
            "1"
        );
    }
    // Claims from stdin.
    let r = run(&["encode", "--secret", S1, "-"], r#"{"sub":"stdin"}"#, &[]);
    assert_eq!(r.exit, Exit::Ok);
    let claims: Value = v(NextAuthVersion::V5, &[S1], false)
        .decode(r.stdout.trim())
        .unwrap();
    assert_eq!(claims["sub"], "stdin");
    // Default lifetime: 30 days.
    let r = run(&["encode", "--secret", S1, "{}"], "", &[]);
    let claims: Value = v(NextAuthVersion::V5, &[S1], false)
        .decode(r.stdout.trim())
        .unwrap();
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        30 * 24 * 3600
    );
}

#[test]
fn bad_usage_and_bad_input_exit_2() {
    for args in [
        &["encode", "--secret", S1, "[1]"][..],
        &["encode", "--secret", S1, "{not json"],
        &["encode", "--next-auth", "v6", "--secret", S1, "{}"],
        &["decode", "--next-auth", "4.5", "--secret", S1, "x"],
        &["encode", "--secret", S1, "--max-age", "-5", "{}"],
        &["decode", "--bogus"],
        &["encode", "--secret", S1, "--secret", S2, "{}"],
    ] {
        let r = run(args, "", &[]);
        assert_eq!(r.exit, Exit::Usage, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.is_empty());
        assert_eq!(r.stdout, "");
    }
    // Invalid claims are not echoed.
    let r = run(
        &["encode", "--secret", S1, "{\"password\": hunter2}"],
        "",
        &[],
    );
    assert_eq!(r.exit, Exit::Usage);
    assert!(!r.stderr.contains("hunter2"));
}

#[test]
fn weak_secrets_are_refused_unless_allowed() {
    let r = run(&["encode", "--secret", "short", "{}"], "", &[]);
    assert_eq!(r.exit, Exit::Usage);
    insta::assert_snapshot!("encode_weak_secret", r.stderr);
    assert!(!r.stderr.contains("short\n") && !r.stderr.contains("`short`"));
    let r = run(
        &["encode", "--secret", "short", "--allow-weak-secret", "{}"],
        "",
        &[],
    );
    assert_eq!(r.exit, Exit::Ok);
    let token = r.stdout.trim().to_owned();
    let r = run(&["decode", "--secret", "short", &token], "", &[]);
    assert_eq!(r.exit, Exit::Usage);
    let r = run(
        &["decode", "--secret", "short", "--allow-weak-secret", &token],
        "",
        &[],
    );
    assert_eq!(r.exit, Exit::Ok);
    // The environment's secrets are checked the same way.
    let r = run(&["decode", &token], "", &[("AUTH_SECRET", "short")]);
    assert_eq!(r.exit, Exit::Usage);
}

#[test]
fn expired_tokens_say_so() {
    let verifier = v(NextAuthVersion::V4, &[S1], false);
    let t = verifier
        .encode_with(
            &json!({}),
            authgen_runtime::EncodeOptions {
                now: Some(1_000),
                max_age_secs: Some(1),
                enc: None,
            },
        )
        .unwrap();
    assert_eq!(
        verifier.decode_map(&t).unwrap_err().kind(),
        TokenErrorKind::Expired
    );
    let r = run(
        &["decode", "--next-auth", "v4", "--secret", S1, &t],
        "",
        &[],
    );
    assert_eq!(r.exit, Exit::Failed);
    // The current time is not part of the comparison.
    let (before, after) = r.stderr.split_once("(now ").unwrap();
    let after = &after[after.find(')').unwrap()..];
    insta::assert_snapshot!("decode_expired", format!("{before}(now [now]{after}"));
}

/// The secrets authgen reads from an environment are the ones the real next-auth 5 ends up
/// with (its own `setEnvDefaults`, run in Node on the same environments).
#[test]
fn v5_environment_secrets_match_next_auth() {
    let envs: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("AUTH_SECRET", "a")],
        vec![("NEXTAUTH_SECRET", "n")],
        vec![("AUTH_SECRET", "a"), ("NEXTAUTH_SECRET", "n")],
        vec![("AUTH_SECRET", "a"), ("AUTH_SECRET_1", "one")],
        vec![("AUTH_SECRET_1", "one"), ("AUTH_SECRET_3", "three")],
        vec![
            ("AUTH_SECRET_1", "one"),
            ("AUTH_SECRET_2", "two"),
            ("AUTH_SECRET_3", "three"),
        ],
        vec![("NEXTAUTH_SECRET", "n"), ("AUTH_SECRET_2", "two")],
        vec![
            ("AUTH_SECRET", ""),
            ("NEXTAUTH_SECRET", "n"),
            ("AUTH_SECRET_1", "one"),
        ],
        vec![("AUTH_SECRET", ""), ("NEXTAUTH_SECRET", "n")],
        vec![("AUTH_SECRET_2", "")],
    ];
    let input: Vec<HashMap<&str, &str>> =
        envs.iter().map(|e| e.iter().copied().collect()).collect();
    let dir = authgen_testkit::npm::ensure_installed(
        &authgen_testkit::workspace_root().join("fixtures/ts/next-auth-v5"),
    );
    let out = authgen_testkit::npm::node_ok(
        &dir,
        "interop/env-secrets.mjs",
        &[],
        &serde_json::to_vec(&input).unwrap(),
        &[],
    );
    let theirs: Vec<Vec<String>> = serde_json::from_str(&out).unwrap();
    assert_eq!(theirs.len(), envs.len());
    for (env, theirs) in envs.iter().zip(theirs) {
        let map: HashMap<&str, &str> = env.iter().copied().collect();
        let lookup = |k: &str| map.get(k).map(|v| (*v).to_owned());
        let ours = authgen_cli::token::env_secrets(NextAuthVersion::V5, &lookup);
        assert_eq!(ours, theirs, "{env:?}");
    }
}
