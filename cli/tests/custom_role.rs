//! A free-form string role (`fixtures/custom-role`: `role: Option<String>` on the user, the
//! session user and the JWT). The generated TypeScript compiles against next-auth 5 with the
//! narrowing `fixtures/custom-role/ts/narrowing.ts` asserts (exact types, misuses under
//! `@ts-expect-error`), and `permissions.ts` answers a truth table of exact matches exactly as
//! the Rust helpers (`HasRoleName`) do.

#[path = "../../fixtures/custom-role/model.rs"]
#[allow(dead_code)]
mod custom_role;

mod common;

use std::path::Path;

use authgen::prelude::*;
use authgen_cli::Exit;
use chrono::{TimeZone, Utc};
use common::{cli, next_auth_project as project, root, tsc_project};
use serde::Serialize;
use serde_json::{json, Value};

fn model_path() -> String {
    let path = root().join("fixtures/custom-role/model.rs");
    path.to_str().unwrap().to_string()
}

/// `authgen generate` for the fixture into `out`, for next-auth `version`.
fn generate(out: &Path, version: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let (exit, stdout, stderr) = cli(
        &[
            "generate",
            "--input",
            &model_path(),
            "--out",
            out.to_str().unwrap(),
            "--next-auth",
            version,
        ],
        tmp.path(),
    );
    assert_eq!(exit, Exit::Ok, "generate:\n{stdout}\n{stderr}");
}

/// The fixture project's tsconfig for the generated custom-role files, relative to the project.
const TSCONFIG: &str = "generated/custom-role/tsconfig.json";

#[test]
fn the_narrowing_of_a_free_form_role_compiles_with_next_auth_5() {
    let dir = project("v5");
    let out = dir.join("generated/custom-role");
    generate(&out, "v5");
    std::fs::copy(
        root().join("fixtures/custom-role/ts/narrowing.ts"),
        out.join("narrowing.ts"),
    )
    .unwrap();
    std::fs::write(
        out.join("tsconfig.json"),
        r#"{ "extends": "../../tsconfig.base.json", "include": ["./*.ts"] }"#,
    )
    .unwrap();
    let (ok, text) = tsc_project(&dir, Path::new(TSCONFIG));
    assert!(ok, "tsc on the custom-role narrowing failed:\n{text}");
    // The misuses are real errors: without their `@ts-expect-error` lines tsc refuses them.
    let narrowing = std::fs::read_to_string(out.join("narrowing.ts")).unwrap();
    let unguarded: String = narrowing
        .lines()
        .filter(|l| !l.trim_start().starts_with("// @ts-expect-error"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(out.join("narrowing.ts"), unguarded).unwrap();
    let (ok, text) = tsc_project(&dir, Path::new(TSCONFIG));
    assert!(!ok);
    let errors = text.lines().filter(|l| l.contains("error TS")).count();
    assert_eq!(errors, 4, "one error per misuse:\n{text}");
}

#[derive(Serialize)]
struct Case {
    /// The subject's JSON; `null` for `None`.
    subject: Value,
    /// Pass `undefined` instead of the subject.
    undefined: bool,
    op: &'static str,
    arg: Value,
    #[serde(skip)]
    expected: bool,
}

const WANTED: [&str; 5] = ["admin", "Admin", "member", "", "admin "];

fn sets() -> Vec<Vec<&'static str>> {
    vec![
        vec![],
        vec!["admin"],
        vec!["editor", "admin"],
        vec!["Admin", "member"],
    ]
}

/// `hasRole` and `hasAnyRole` on one subject, answered by the Rust helpers.
fn cases_for<S: Serialize + HasRoleName>(subject: Option<&S>, out: &mut Vec<Case>) {
    let json = serde_json::to_value(subject).unwrap();
    let variants: &[bool] = if subject.is_none() {
        &[false, true]
    } else {
        &[false]
    };
    for &undefined in variants {
        for role in WANTED {
            out.push(Case {
                subject: json.clone(),
                undefined,
                op: "hasRole",
                arg: json!(role),
                expected: subject.has_role_name(role),
            });
        }
        for set in sets() {
            out.push(Case {
                subject: json.clone(),
                undefined,
                op: "hasAnyRole",
                arg: json!(set),
                expected: subject.has_any_role_name(&set),
            });
        }
    }
}

const RUNNER: &str = r#"import * as p from "./out/permissions.js";
import { readFileSync } from "node:fs";
const cases = JSON.parse(readFileSync(0, "utf8"));
const results = cases.map((c) => {
  const s = c.undefined ? undefined : c.subject;
  switch (c.op) {
    case "hasRole": return p.hasRole(s, c.arg);
    case "hasAnyRole": return p.hasAnyRole(s, c.arg);
    default: throw new Error("unknown op " + c.op);
  }
});
process.stdout.write(JSON.stringify(results));
"#;

/// `permissions.ts` of the fixture, compiled with tsc and run in Node on `cases`: the answers
/// as booleans.
fn run_permissions_ts(cases: &[Case]) -> Vec<bool> {
    let dir = project("v5");
    let tmp = tempfile::tempdir().unwrap();
    generate(&tmp.path().join("ts"), "v5");
    let input = serde_json::to_vec(cases).unwrap();
    let stdout = common::run_permissions_ts(&dir, tmp.path(), RUNNER, &input);
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn permissions_ts_matches_the_rust_helpers_on_exact_role_matches() {
    use custom_role::*;
    let roles = [None, Some("admin"), Some("Admin"), Some("member"), Some("")];
    let mut cases = Vec::new();
    for role in roles {
        let role = role.map(String::from);
        let session = Session {
            user: SessionUser {
                id: "u".into(),
                name: None,
                email: None,
                image: None,
                role: role.clone(),
            },
            expires: Utc.timestamp_opt(0, 0).unwrap(),
        };
        cases_for(Some(&session), &mut cases);
        let user = User {
            id: "u".into(),
            name: None,
            email: None,
            email_verified: None,
            image: None,
            role: role.clone(),
            phone: Some("+1 555".into()),
        };
        cases_for(Some(&user), &mut cases);
        cases_for(Some(&Jwt { role }), &mut cases);
    }
    cases_for(None::<&Session>, &mut cases);
    cases_for(None::<&Jwt>, &mut cases);
    // A session whose user is `null` is signed out: serde refuses it, and every check is false.
    let signed_out = json!({ "user": null, "expires": "2030-01-01T00:00:00Z" });
    assert!(serde_json::from_value::<Session>(signed_out.clone()).is_err());
    for role in WANTED {
        cases.push(Case {
            subject: signed_out.clone(),
            undefined: false,
            op: "hasRole",
            arg: json!(role),
            expected: false,
        });
    }
    let got = run_permissions_ts(&cases);
    assert_eq!(got.len(), cases.len());
    let mismatches: Vec<String> = cases
        .iter()
        .zip(&got)
        .filter(|(c, g)| c.expected != **g)
        .map(|(c, g)| {
            format!(
                "{}({}, {}) Rust={} TS={g}",
                c.op, c.subject, c.arg, c.expected
            )
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
    // Both answers occur, including an exact match that a case-insensitive compare would change.
    assert!(got.iter().any(|b| *b) && got.iter().any(|b| !*b));
    assert!(cases
        .iter()
        .zip(&got)
        .any(|(c, g)| c.arg == json!("Admin") && c.subject["role"] == json!("admin") && !*g));
}
