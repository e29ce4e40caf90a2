//! A free-form string role (`fixtures/custom-role`: `role: Option<String>` on the user, the
//! session user and the JWT). The generated TypeScript compiles against next-auth 5 with the
//! narrowing `fixtures/custom-role/ts/narrowing.ts` asserts (exact types, misuses under
//! `@ts-expect-error`), and `permissions.ts` answers a truth table of exact matches exactly as
//! the Rust helpers (`HasRoleName`) do. Its `trpc.ts` type-checks against the real
//! `@trpc/server` 10 and 11 (`fixtures/ts/trpc-*`) and its `guards.ts` against next 15 with
//! next-auth 4 and 5 (`fixtures/ts/next-v*`): `fixtures/custom-role/ts/{trpc,guards}-app.ts`
//! assert the role narrowed to exactly the role checked for, and `{trpc,guards}-misuse.ts` hold
//! misuses that stay errors (proven by compiling them without their `@ts-expect-error` lines).

#[path = "../../fixtures/custom-role/model.rs"]
#[allow(dead_code)]
mod custom_role;

mod common;

use std::path::Path;

use std::path::PathBuf;

use authgen::prelude::*;
use authgen_cli::Exit;
use authgen_codegen::config::{Config, NextAuth};
use authgen_codegen::emit::Emitter;
use authgen_codegen::ts::{Dts, Guards, Permissions, Trpc};
use chrono::{TimeZone, Utc};
use common::{assert_expected_errors_are_real, checked, cli, next_auth_project as project};
use common::{next_project, root, trpc_project, tsc_project};
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
    let narrowing = Path::new("generated/custom-role/narrowing.ts");
    let misuses = assert_expected_errors_are_real(&dir, Path::new(TSCONFIG), narrowing);
    assert_eq!(misuses, 4);
}

/// Writes the custom-role model's `next-auth.d.ts`, `permissions.ts` and `extra` (`trpc.ts` or
/// `guards.ts`) for next-auth `v` into `gen` (emptied first), with the `files` of
/// `fixtures/custom-role/ts` (copied under their second name) and a `tsconfig.json` that
/// includes every `.ts` file there. Returns that tsconfig's path relative to `dir`.
fn write_custom_role(
    dir: &Path,
    gen: &str,
    v: NextAuth,
    extra: &dyn Emitter,
    files: &[(&str, &str)],
) -> PathBuf {
    let out = dir.join(gen);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut config = Config {
        next_auth: v,
        ..Config::default()
    };
    config.typescript.out_dir = PathBuf::new();
    config.typescript.trpc = true;
    config.typescript.next = true;
    let model = checked("custom-role");
    let emitters: [&dyn Emitter; 3] = [&Dts, &Permissions, extra];
    for e in emitters {
        for f in e.emit(&model, &config).unwrap() {
            std::fs::write(out.join(&f.path), &f.contents).unwrap();
        }
    }
    let sources = root().join("fixtures/custom-role/ts");
    for (from, to) in files {
        std::fs::copy(sources.join(from), out.join(to)).unwrap();
    }
    std::fs::write(
        out.join("tsconfig.json"),
        r#"{ "extends": "../../tsconfig.base.json", "include": ["*.ts"] }"#,
    )
    .unwrap();
    Path::new(gen).join("tsconfig.json")
}

/// tsc on the custom-role `trpc.ts` with tRPC `major` and next-auth `v`: the app's assertions
/// hold, and every misuse is an error.
fn trpc_types_hold(major: u8, v: NextAuth) {
    let dir = trpc_project(major, v);
    let gen = "generated/custom-role";
    let files = [("trpc-app.ts", "app.ts"), ("trpc-misuse.ts", "misuse.ts")];
    let tsconfig = write_custom_role(&dir, gen, v, &Trpc, &files);
    let trpc = std::fs::read_to_string(dir.join(gen).join("trpc.ts")).unwrap();
    assert!(trpc.contains("whose role is exactly `role`"), "{trpc}");
    assert!(!trpc.contains("above"), "{trpc}");
    if major == 11 {
        // tRPC 11 attaches with `concat` too.
        let app = std::fs::read_to_string(dir.join(gen).join("app.ts")).unwrap();
        let concat = app.replace(".unstable_concat(", ".concat(");
        assert_ne!(concat, app);
        std::fs::write(dir.join(gen).join("app-concat.ts"), concat).unwrap();
    }
    let (ok, text) = tsc_project(&dir, &tsconfig);
    assert!(
        ok,
        "tsc on the custom-role trpc.ts, tRPC {major}, next-auth {}:\n{text}",
        v.as_str()
    );
    let misuse = Path::new(gen).join("misuse.ts");
    assert_eq!(assert_expected_errors_are_real(&dir, &tsconfig, &misuse), 5);
}

#[test]
fn trpc_ts_of_a_free_form_role_compiles_with_trpc_10_and_next_auth_4() {
    trpc_types_hold(10, NextAuth::V4);
}

#[test]
fn trpc_ts_of_a_free_form_role_compiles_with_trpc_11_and_next_auth_5() {
    trpc_types_hold(11, NextAuth::V5);
}

/// tsc on the custom-role `guards.ts` with next 15 and next-auth `v`: the app's assertions hold,
/// and every misuse is an error.
fn guards_types_hold(v: NextAuth) {
    let dir = next_project(v);
    let gen = "generated/custom-role";
    let session = format!("guards-{}.ts", v.as_str());
    let files = [
        (session.as_str(), "session.ts"),
        ("guards-app.ts", "app.ts"),
        ("guards-misuse.ts", "misuse.ts"),
    ];
    let tsconfig = write_custom_role(&dir, gen, v, &Guards, &files);
    let guards = std::fs::read_to_string(dir.join(gen).join("guards.ts")).unwrap();
    assert!(
        guards.contains("403 unless the role is exactly `role`"),
        "{guards}"
    );
    assert!(!guards.contains("or above"), "{guards}");
    let (ok, text) = tsc_project(&dir, &tsconfig);
    assert!(
        ok,
        "tsc on the custom-role guards.ts, next-auth {}:\n{text}",
        v.as_str()
    );
    let misuse = Path::new(gen).join("misuse.ts");
    assert_eq!(assert_expected_errors_are_real(&dir, &tsconfig, &misuse), 7);
}

#[test]
fn guards_ts_of_a_free_form_role_compiles_with_next_auth_4() {
    guards_types_hold(NextAuth::V4);
}

#[test]
fn guards_ts_of_a_free_form_role_compiles_with_next_auth_5() {
    guards_types_hold(NextAuth::V5);
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

/// Writes the outputs and `files` into `gen` of `dir` with `weaken` applied to `target` (which
/// must change it), and asserts that tsc then fails in `app.ts`.
fn weakened_narrowing_fails(
    dir: &Path,
    gen: &str,
    extra: &dyn Emitter,
    files: &[(&str, &str)],
    (target, from, to): (&str, &str, &str),
) {
    let tsconfig = write_custom_role(dir, gen, NextAuth::V5, extra, files);
    let path = dir.join(gen).join(target);
    let text = std::fs::read_to_string(&path).unwrap();
    let weak = text.replace(from, to);
    assert_ne!(weak, text, "{target} has no {from:?}");
    std::fs::write(&path, weak).unwrap();
    let (ok, out) = tsc_project(dir, &tsconfig);
    assert!(!ok, "tsc accepted {target} without the role narrowing");
    assert!(out.contains("app.ts(") && out.contains("TS2344"), "{out}");
}

#[test]
fn the_free_form_assertions_can_fail() {
    // Without the narrowing to exactly the role, the apps' exact assertions fail.
    weakened_narrowing_fails(
        &trpc_project(11, NextAuth::V5),
        "generated/custom-role-broken",
        &Trpc,
        &[("trpc-app.ts", "app.ts")],
        ("trpc.ts", "= WithRole<Session, R>;", "= SignedIn<Session>;"),
    );
    weakened_narrowing_fails(
        &next_project(NextAuth::V5),
        "generated/custom-role-broken",
        &Guards,
        &[("guards-v5.ts", "session.ts"), ("guards-app.ts", "app.ts")],
        (
            "guards.ts",
            "requireRole<R extends Role>(role: R): Promise<WithRole<MaybeSession, R>>;",
            "requireRole<R extends Role>(role: R): Promise<SignedIn<MaybeSession>>;",
        ),
    );
}
