//! The TypeScript output, proven with the real compiler against the real next-auth packages.
//!
//! For every fixture model (seed, blog, workspace) and both next-auth versions, `authgen generate`
//! writes into `fixtures/ts/next-auth-v{4,5}/generated/<fixture>/`; then `tsc --noEmit` must pass
//! on the consumer code in `src/<fixture>/` (auth config, server component, tRPC-style
//! middleware, adapter, and a file of misuses each under `@ts-expect-error`), together with a
//! file of `serde_json` output typed as `Session`, `JWT` and `User`. The generated declarations
//! are also compiled without `skipLibCheck`, where no error may appear that the packages alone
//! do not already have. Finally `permissions.ts` runs in Node against the Rust helpers on a
//! truth table.

#[path = "../../fixtures/blog/model.rs"]
#[allow(dead_code)]
mod blog;
#[path = "../../fixtures/seed/model.rs"]
#[allow(dead_code)]
mod seed;
#[path = "../../fixtures/workspace/model.rs"]
#[allow(dead_code)]
mod workspace;

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use authgen::prelude::*;
use authgen_cli::Exit;
use authgen_testkit::npm::tsc;
use chrono::{TimeZone, Utc};
use common::{cli, next_auth_project as project, root};
use serde::Serialize;
use serde_json::{json, Value};

/// Generates the fixture's TypeScript into the version's project and returns the output dir.
fn generate(fixture: &str, version: &str, dir: &Path) -> PathBuf {
    let out = dir.join("generated").join(fixture);
    let model = root().join("fixtures").join(fixture).join("model.rs");
    let tmp = tempfile::tempdir().unwrap();
    let (exit, stdout, stderr) = cli(
        &[
            "generate",
            "--input",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--next-auth",
            version,
        ],
        tmp.path(),
    );
    assert_eq!(
        exit,
        Exit::Ok,
        "generate {fixture} {version}:\n{stdout}\n{stderr}"
    );
    // The files are current now: check agrees and writes nothing.
    let (exit, stdout, stderr) = cli(
        &[
            "check",
            "--input",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--next-auth",
            version,
        ],
        tmp.path(),
    );
    assert_eq!(
        exit,
        Exit::Ok,
        "check {fixture} {version}:\n{stdout}\n{stderr}"
    );
    if fixture == "workspace" {
        // The nested type's TypeScript comes from the real ts-rs.
        use ts_rs::TS;
        workspace::Address::export_all_to(out.join("bindings")).expect("ts-rs export");
        let binding = std::fs::read_to_string(out.join("bindings/Address.ts")).unwrap();
        assert!(
            binding.contains("export type Address"),
            "ts-rs wrote:\n{binding}"
        );
    }
    out
}

/// A `.ts` file assigning serde_json output to the generated types: excess or missing keys and
/// wrong value types are errors.
fn write_serde_parity(fixture: &str, dir: &Path, samples: &[(&str, Value)]) {
    let mut ts = String::from(
        "// Written by cli/tests/typescript.rs: serde_json output of sample Rust values.\nimport type { Session, User } from \"next-auth\";\nimport type { JWT } from \"next-auth/jwt\";\n\n",
    );
    for (i, (ty, value)) in samples.iter().enumerate() {
        ts.push_str(&format!(
            "export const sample{i}: {ty} = {};\n",
            serde_json::to_string_pretty(value).unwrap()
        ));
    }
    std::fs::write(dir.join("src").join(fixture).join("serde-parity.ts"), ts).unwrap();
}

/// The errors tsc reports without `skipLibCheck` for `files`, one per line.
fn lib_errors(dir: &Path, files: &[&str]) -> BTreeSet<String> {
    let mut args = vec![
        "--noEmit",
        "--pretty",
        "false",
        "--skipLibCheck",
        "false",
        "--strict",
        "--target",
        "ES2022",
        "--lib",
        "ES2022,DOM,DOM.Iterable",
        "--module",
        "ESNext",
        "--moduleResolution",
        "Bundler",
        "--jsx",
        "preserve",
        "--types",
        "node",
    ];
    args.extend_from_slice(files);
    let (_, out) = tsc(dir, &args);
    // Compare by place and code: the message may name a module differently once the
    // declarations mention it (`"../../types.js"` becomes `"@auth/core/types"`).
    out.lines()
        .filter_map(|l| {
            let i = l.find("error TS")?;
            let code_end = l[i..].find(':').map_or(l.len(), |j| i + j);
            Some(l[..code_end].to_string())
        })
        .collect()
}

fn baseline(version: &str, dir: &Path) -> &'static BTreeSet<String> {
    static V4: OnceLock<BTreeSet<String>> = OnceLock::new();
    static V5: OnceLock<BTreeSet<String>> = OnceLock::new();
    let cell = if version == "v4" { &V4 } else { &V5 };
    cell.get_or_init(|| lib_errors(dir, &["src/libcheck.ts"]))
}

fn prove(fixture: &str, version: &str, samples: &[(&str, Value)]) {
    let dir = project(version);
    let out = generate(fixture, version, &dir);
    write_serde_parity(fixture, &dir, samples);
    let (ok, text) = tsc(
        &dir,
        &["--noEmit", "-p", &format!("tsconfig.{fixture}.json")],
    );
    assert!(ok, "tsc on {fixture} ({version}) failed:\n{text}");

    // Without skipLibCheck: the declarations add no error to the packages' own.
    let dts = out.join("next-auth.d.ts");
    let dts = dts
        .strip_prefix(&dir)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let with = lib_errors(&dir, &["src/libcheck.ts", &dts]);
    let base = baseline(version, &dir);
    let new: Vec<&String> = with.difference(base).collect();
    assert!(
        new.is_empty(),
        "next-auth.d.ts of {fixture} ({version}) adds errors under skipLibCheck=false:\n{}",
        new.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn t(secs: i64) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Samples: Rust values as serde writes them.

fn seed_samples() -> Vec<(&'static str, Value)> {
    use seed::*;
    let su = SessionUser {
        id: "u1".into(),
        name: Some("Ada".into()),
        email: None,
        image: None,
        role: Role::Moderator,
        permissions: vec![Permission::PostsRead, Permission::PostsWrite],
    };
    let full = Session {
        user: su.clone(),
        expires: t(1_900_000_000),
        error: Some("RefreshAccessTokenError".into()),
    };
    let minimal = Session {
        user: su,
        expires: t(1_900_000_000),
        error: None,
    };
    let jwt = Jwt {
        id: "u1".into(),
        role: Role::Admin,
        permissions: vec![],
        name: Some("Ada".into()),
        email: None,
        picture: None,
        sub: Some("u1".into()),
        iat: Some(1_700_000_000),
        exp: Some(1_702_592_000),
        jti: Some("0b0e6f2c".into()),
    };
    let user = User {
        id: "u1".into(),
        name: None,
        email: Some("ada@example.com".into()),
        email_verified: Some(t(1_700_000_000)),
        image: None,
        role: Role::User,
        permissions: vec![Permission::UsersManage],
        created_at: t(1_600_000_000),
        // `#[serde(skip)]`: a column, never on the wire (the sample must still match `User`).
        password_hash: Some("$2b$10$never.on.the.wire".into()),
    };
    // `created_at` is `#[auth(db_only)]` without `#[serde(skip)]`: the model keeps it off the
    // wire (and so out of next-auth's `User`), but serde still writes it. Pinned here so the
    // deviation stays visible: the key is there, and is the only one the type lacks.
    let mut user = serde_json::to_value(user).unwrap();
    assert!(user.as_object_mut().unwrap().remove("createdAt").is_some());
    vec![
        ("Session", serde_json::to_value(full).unwrap()),
        ("Session", serde_json::to_value(minimal).unwrap()),
        ("JWT", serde_json::to_value(jwt).unwrap()),
        ("User", user),
    ]
}

fn blog_samples() -> Vec<(&'static str, Value)> {
    use blog::*;
    let prefs = Preferences {
        theme: Theme::Dark,
        email_digest: true,
        locale: Some("de-CH".into()),
    };
    let su = SessionUser {
        id: "7c1f".into(),
        name: None,
        email: "ed@example.com".into(),
        role: Role::SuperAdmin,
        permissions: vec![Permission::BillingView],
        preferences: prefs.clone(),
    };
    let session = Session {
        user: su.clone(),
        expires: t(1_900_000_000),
        impersonated_by: Some(uuid::Uuid::from_u128(0x1234)),
    };
    let plain = Session {
        user: SessionUser {
            preferences: Preferences {
                theme: Theme::System,
                email_digest: false,
                locale: None,
            },
            ..su
        },
        expires: t(1_900_000_000),
        impersonated_by: None,
    };
    let jwt = Jwt {
        user_id: uuid::Uuid::from_u128(0xabc),
        role: Role::Editor,
        permissions: vec![Permission::PostCreate, Permission::PostPublish],
        role_granted_at: t(1_700_000_000),
        theme: Theme::Light,
    };
    let user = User {
        id: "7c1f".into(),
        name: Some("Ed".into()),
        email: "ed@example.com".into(),
        email_verified: None,
        image: Some("https://example.com/ed.png".into()),
        role: Role::Reader,
        permissions: vec![],
        preferences: prefs,
        created_at: t(1_600_000_000),
        password_hash: Some("never on the wire".into()),
    };
    vec![
        ("Session", serde_json::to_value(session).unwrap()),
        ("Session", serde_json::to_value(plain).unwrap()),
        ("JWT", serde_json::to_value(jwt).unwrap()),
        ("User", serde_json::to_value(user).unwrap()),
    ]
}

fn workspace_samples() -> Vec<(&'static str, Value)> {
    use workspace::*;
    let address = Address {
        street: "Main St 1".into(),
        city: "Bern".into(),
        postal_code: None,
    };
    let session = Session {
        user: SessionUser {
            id: "m1".into(),
            display_name: "Grace".into(),
            role: None,
            permissions: vec!["billing:read".into()],
            address: Some(address.clone()),
        },
        expires: t(1_900_000_000),
    };
    let no_address = Session {
        user: SessionUser {
            address: None,
            ..session.user.clone()
        },
        ..session.clone()
    };
    let jwt = Jwt {
        sub: "m1".into(),
        role: Some(Role::Owner),
        permissions: vec![],
        display_name: "Grace".into(),
        team_ids: vec![uuid::Uuid::from_u128(1)],
        auth_time: t(1_700_000_000),
    };
    let user = User {
        id: "m1".into(),
        email: "grace@example.com".into(),
        email_verified: Some(t(1_700_000_000)),
        display_name: "Grace".into(),
        role: Some(Role::Editor),
        permissions: vec!["export:csv".into()],
        address: Some(address),
        last_login_at: Some(t(1_700_000_000)),
        login_count: 3,
        tags: [("team".to_string(), "core".to_string())].into(),
        password_hash: None,
    };
    let new_user = User {
        role: None,
        address: None,
        last_login_at: None,
        tags: Default::default(),
        ..user.clone()
    };
    vec![
        ("Session", serde_json::to_value(session).unwrap()),
        ("Session", serde_json::to_value(no_address).unwrap()),
        ("JWT", serde_json::to_value(jwt).unwrap()),
        ("User", serde_json::to_value(user).unwrap()),
        ("User", serde_json::to_value(new_user).unwrap()),
    ]
}

#[test]
fn seed_v4_compiles() {
    prove("seed", "v4", &seed_samples());
}

#[test]
fn seed_v5_compiles() {
    prove("seed", "v5", &seed_samples());
}

#[test]
fn blog_v4_compiles() {
    prove("blog", "v4", &blog_samples());
}

#[test]
fn blog_v5_compiles() {
    prove("blog", "v5", &blog_samples());
}

#[test]
fn workspace_v4_compiles() {
    prove("workspace", "v4", &workspace_samples());
}

#[test]
fn workspace_v5_compiles() {
    prove("workspace", "v5", &workspace_samples());
}

#[test]
fn serde_samples_have_the_keys_the_types_declare() {
    // The parity files above only prove something if the samples carry the optional keys too.
    let seed = seed_samples();
    assert!(seed[0].1.get("error").is_some() && seed[1].1.get("error").is_none());
    let blog = blog_samples();
    assert!(blog[0].1.get("impersonatedBy").is_some());
    assert!(
        blog[3].1.get("passwordHash").is_none(),
        "db_only stays off the wire"
    );
    let ws = workspace_samples();
    assert_eq!(ws[3].1["last_login_at"], json!(1_700_000_000_000_i64));
    assert!(ws[4].1.get("last_login_at").is_none());
}

/// v5: the `next-auth/jwt` augmentation must work in a program where nothing but the generated
/// file imports `next-auth/jwt` (next-auth 5 only re-exports `@auth/core/jwt`).
#[test]
fn v5_jwt_augmentation_needs_no_other_import() {
    let dir = project("v5");
    generate("seed", "v5", &dir);
    let (ok, text) = tsc(&dir, &["--noEmit", "-p", "tsconfig.seed-callbacks.json"]);
    assert!(ok, "callbacks alone:\n{text}");
    // The same program without the generated import fails: the import is what makes it work.
    let dts = dir.join("generated/seed/next-auth.d.ts");
    let text_dts = std::fs::read_to_string(&dts).unwrap();
    let stripped: String = text_dts
        .lines()
        .filter(|l| !l.contains("from \"next-auth/jwt\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(stripped, text_dts);
    let tmp = dir.join("generated/seed-no-jwt-import");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("next-auth.d.ts"), stripped).unwrap();
    std::fs::write(
        tmp.join("tsconfig.json"),
        r#"{ "extends": "../../tsconfig.base.json", "files": ["next-auth.d.ts", "../../src/seed/auth.ts"] }"#,
    )
    .unwrap();
    let (ok, text) = tsc(
        &dir,
        &[
            "--noEmit",
            "-p",
            tmp.join("tsconfig.json").to_str().unwrap(),
        ],
    );
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(!ok, "expected the callbacks to fail without the import");
    assert!(text.contains("Type 'unknown' is not assignable"), "{text}");
}

/// v5 with `augment_core = true` in the ordinary (single, hoisted `@auth/core`) layout: the
/// doubled augmentation (`next-auth/*` and `@auth/core/*` are the same declarations there) still
/// compiles, with and without skipLibCheck.
#[test]
fn v5_augment_core_is_harmless_with_one_core_copy() {
    let dir = project("v5");
    generate("seed", "v5", &dir); // permissions.ts, which src/seed imports
    let out = dir.join("generated/seed-core");
    let model = root().join("fixtures/seed/model.rs");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("authgen.toml"),
        format!(
            "next_auth = \"v5\"\ninput = [{:?}]\n[typescript]\nout_dir = {:?}\naugment_core = true\n",
            model.to_str().unwrap(),
            out.to_str().unwrap()
        ),
    )
    .unwrap();
    let (exit, o, e) = cli(&["generate"], tmp.path());
    assert_eq!(exit, Exit::Ok, "{o}{e}");
    let dts = std::fs::read_to_string(out.join("next-auth.d.ts")).unwrap();
    assert!(dts.contains("declare module \"@auth/core/jwt\""));
    std::fs::write(
        out.join("tsconfig.json"),
        r#"{ "extends": "../../tsconfig.base.json", "files": ["next-auth.d.ts"], "include": ["../../src/seed/**/*.ts", "../../src/seed/**/*.tsx"], "exclude": ["../../src/seed/serde-parity.ts"] }"#,
    )
    .unwrap();
    let (ok, text) = tsc(
        &dir,
        &[
            "--noEmit",
            "-p",
            out.join("tsconfig.json").to_str().unwrap(),
        ],
    );
    assert!(ok, "augment_core, one copy:\n{text}");
    let with = lib_errors(
        &dir,
        &["src/libcheck.ts", "generated/seed-core/next-auth.d.ts"],
    );
    let new: Vec<&String> = with.difference(baseline("v5", &dir)).collect();
    assert!(new.is_empty(), "{new:#?}");
}

/// v5 with a second copy of `@auth/core` nested under `next-auth` (what a version mismatch or a
/// strict pnpm layout produces): code that imports `@auth/core/adapters` directly (as the
/// official adapters do) sees the custom columns only with `augment_core = true`.
#[test]
fn v5_augment_core_reaches_a_second_core_copy() {
    let dir = project("v5");
    let tmp = tempfile::tempdir().unwrap();
    let nm = tmp.path().join("node_modules");
    std::fs::create_dir_all(nm.join("@auth")).unwrap();
    for entry in std::fs::read_dir(dir.join("node_modules")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "next-auth" || name == "@auth" || name == ".bin" {
            continue;
        }
        std::os::unix::fs::symlink(entry.path(), nm.join(&name)).unwrap();
    }
    std::os::unix::fs::symlink(dir.join("node_modules/@auth/core"), nm.join("@auth/core")).unwrap();
    copy_dir(&dir.join("node_modules/next-auth"), &nm.join("next-auth"));
    copy_dir(
        &dir.join("node_modules/@auth/core"),
        &nm.join("next-auth/node_modules/@auth/core"),
    );
    // Another version, as a mismatch gives: tsc treats two copies of one package version as one
    // (and then the `next-auth/*` augmentations reach both).
    let pkg = nm.join("next-auth/node_modules/@auth/core/package.json");
    let text = std::fs::read_to_string(&pkg).unwrap();
    let other = text.replacen("\"version\": \"0.41.3\"", "\"version\": \"0.41.2\"", 1);
    assert_ne!(
        text, other,
        "@auth/core is no longer 0.41.3: update this test"
    );
    std::fs::write(&pkg, other).unwrap();
    std::fs::copy(
        dir.join("tsconfig.base.json"),
        tmp.path().join("tsconfig.base.json"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("tsconfig.json"),
        r#"{ "extends": "./tsconfig.base.json", "include": ["generated/**/*.ts", "src/**/*.ts"] }"#,
    )
    .unwrap();
    std::fs::create_dir_all(tmp.path().join("src")).unwrap();
    std::fs::write(
        tmp.path().join("src/core.ts"),
        r#"import type { AdapterUser } from "@auth/core/adapters";
import type { JWT } from "@auth/core/jwt";
import type { Session } from "@auth/core/types";
export function read(a: AdapterUser, t: JWT, s: Session): string[] {
  const created: Date = a.createdAt;
  const role: "USER" | "MODERATOR" | "ADMIN" = t.role;
  const sessionRole: "USER" | "MODERATOR" | "ADMIN" = s.user.role;
  return [created.toISOString(), role, sessionRole];
}
"#,
    )
    .unwrap();
    let model = root().join("fixtures/seed/model.rs");
    let tsc_bin = dir.join("node_modules/.bin/tsc");
    let compile = || {
        let out = Command::new(&tsc_bin)
            .args(["--noEmit", "-p", "tsconfig.json"])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    for (augment_core, expect_ok) in [(false, false), (true, true)] {
        std::fs::write(
            tmp.path().join("authgen.toml"),
            format!(
                "next_auth = \"v5\"\ninput = [{:?}]\n[typescript]\nout_dir = \"generated\"\naugment_core = {augment_core}\n",
                model.to_str().unwrap()
            ),
        )
        .unwrap();
        let (exit, o, e) = cli(&["generate"], tmp.path());
        assert_eq!(exit, Exit::Ok, "{o}{e}");
        let (ok, text) = compile();
        assert_eq!(ok, expect_ok, "augment_core = {augment_core}:\n{text}");
        if !ok {
            assert!(text.contains("createdAt"), "{text}");
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let ty = entry.file_type().unwrap();
        if ty.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if ty.is_symlink() {
            let link = std::fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(link, target).unwrap();
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parity: the same truth table from the Rust helpers and from permissions.ts in Node.

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

/// Every check on one subject. `roles` are all roles with their TS predicate names; `perms` all
/// permissions; `sets` the permission lists to ask `hasAny`/`hasAll` about.
fn cases_for<S, R, P>(
    subject: Option<&S>,
    roles: &[(R, String)],
    perms: &[P],
    sets: &[Vec<P>],
    out: &mut Vec<Case>,
) where
    S: Serialize + HasRole<Role = R> + HasPermissions,
    R: Role + Serialize,
    P: Serialize + Clone,
    S::Permission: PartialEq<P>,
{
    let json = serde_json::to_value(subject).unwrap();
    let variants: &[bool] = if subject.is_none() {
        &[false, true]
    } else {
        &[false]
    };
    for &undefined in variants {
        let mut push = |op: &'static str, arg: Value, expected: bool| {
            out.push(Case {
                subject: json.clone(),
                undefined,
                op,
                arg,
                expected,
            })
        };
        for (r, pred) in roles {
            let has = subject.has_role(*r);
            push("hasRole", serde_json::to_value(r).unwrap(), has);
            push("is", json!(pred), has);
        }
        for p in perms {
            push(
                "hasPermission",
                serde_json::to_value(p).unwrap(),
                subject.has_permission(p.clone()),
            );
        }
        for set in sets {
            push(
                "hasAny",
                serde_json::to_value(set).unwrap(),
                subject.has_any_permission(set.as_slice()),
            );
            push(
                "hasAll",
                serde_json::to_value(set).unwrap(),
                subject.has_all_permissions(set.as_slice()),
            );
        }
    }
}

/// A session JSON whose `user` is `null`: serde refuses it as the session type, so the Rust
/// runtime answers as signed out (401), and so must every check in `permissions.ts` (including
/// `hasAllPermissions(…, [])`, which is `true` for any signed-in subject).
fn signed_out_session_cases<S, R, P>(
    raw: Value,
    roles: &[(R, String)],
    perms: &[P],
    sets: &[Vec<P>],
    out: &mut Vec<Case>,
) where
    S: Serialize + serde::de::DeserializeOwned + HasRole<Role = R> + HasPermissions,
    R: Role + Serialize,
    P: Serialize + Clone,
    S::Permission: PartialEq<P>,
{
    let parsed: Option<S> = serde_json::from_value(raw.clone()).ok();
    assert!(parsed.is_none(), "serde accepts {raw}");
    let mut added = Vec::new();
    cases_for(parsed.as_ref(), roles, perms, sets, &mut added);
    added.retain(|c| !c.undefined);
    for c in &mut added {
        c.subject = raw.clone();
    }
    assert!(added.iter().any(|c| c.op == "hasAll" && c.arg == json!([])));
    assert!(added.iter().all(|c| !c.expected));
    out.extend(added);
}

const RUNNER: &str = r#"import * as p from "./out/permissions.js";
import { readFileSync } from "node:fs";
const cases = JSON.parse(readFileSync(0, "utf8"));
const results = cases.map((c) => {
  const s = c.undefined ? undefined : c.subject;
  switch (c.op) {
    case "hasRole": return p.hasRole(s, c.arg);
    case "is": return p[c.arg](s);
    case "hasPermission": return p.hasPermission(s, c.arg);
    case "hasAny": return p.hasAnyPermission(s, c.arg);
    case "hasAll": return p.hasAllPermissions(s, c.arg);
    default: throw new Error("unknown op " + c.op);
  }
});
process.stdout.write(JSON.stringify(results));
"#;

/// Generates `permissions.ts` for `fixture`, compiles it to JavaScript with tsc, runs `cases`
/// through it in Node and compares with the Rust answers.
fn parity(fixture: &str, cases: &[Case]) {
    let dir = project("v4");
    let tmp = tempfile::tempdir().unwrap();
    let model = root().join("fixtures").join(fixture).join("model.rs");
    let (exit, o, e) = cli(
        &[
            "generate",
            "--input",
            model.to_str().unwrap(),
            "--out",
            "ts",
        ],
        tmp.path(),
    );
    assert_eq!(exit, Exit::Ok, "{o}{e}");
    let input = serde_json::to_vec(cases).unwrap();
    let stdout = common::run_permissions_ts(&dir, tmp.path(), RUNNER, &input);
    let got: Vec<bool> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(got.len(), cases.len());
    let mut mismatches = Vec::new();
    for (c, g) in cases.iter().zip(&got) {
        if c.expected != *g {
            mismatches.push(format!(
                "{}({}, {}) Rust={} TS={g}",
                c.op,
                if c.undefined {
                    "undefined".into()
                } else {
                    c.subject.to_string()
                },
                c.arg,
                c.expected
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
    // Both sides answered both ways: the table is not trivially all-true or all-false.
    assert!(got.iter().any(|b| *b) && got.iter().any(|b| !*b));
}

fn predicates<R: Role + std::fmt::Debug>() -> Vec<(R, String)> {
    R::ALL.iter().map(|r| (*r, format!("is{r:?}"))).collect()
}

#[test]
fn seed_permissions_ts_matches_the_rust_helpers() {
    use seed::*;
    let roles = predicates::<Role>();
    let perms = Permission::ALL.to_vec();
    let sets: Vec<Vec<Permission>> = vec![
        vec![],
        vec![Permission::PostsRead],
        vec![Permission::PostsRead, Permission::PostsWrite],
        Permission::ALL.to_vec(),
    ];
    // The Rust predicates are has_role: check that before using has_role for `is<Role>`.
    for r in Role::ALL {
        let s = seed_session(r, vec![]);
        assert_eq!(s.is_admin(), s.has_role(Role::Admin));
        assert_eq!(s.is_moderator(), s.has_role(Role::Moderator));
        assert_eq!(s.is_user(), s.has_role(Role::User));
    }
    let mut cases = Vec::new();
    for r in Role::ALL {
        for set in &sets {
            let session = seed_session(r, set.clone());
            cases_for(Some(&session), &roles, &perms, &sets, &mut cases);
            let user = User {
                id: "u".into(),
                name: None,
                email: None,
                email_verified: None,
                image: None,
                role: r,
                permissions: set.clone(),
                created_at: t(0),
                password_hash: None,
            };
            cases_for(Some(&user), &roles, &perms, &sets, &mut cases);
            let jwt = Jwt {
                id: "u".into(),
                role: r,
                permissions: set.clone(),
                name: None,
                email: None,
                picture: None,
                sub: None,
                iat: None,
                exp: None,
                jti: None,
            };
            cases_for(Some(&jwt), &roles, &perms, &sets, &mut cases);
        }
    }
    cases_for(None::<&Session>, &roles, &perms, &sets, &mut cases);
    cases_for(None::<&Jwt>, &roles, &perms, &sets, &mut cases);
    let signed_out = json!({ "user": null, "expires": "2030-01-01T00:00:00Z" });
    signed_out_session_cases::<Session, _, _>(signed_out, &roles, &perms, &sets, &mut cases);
    parity("seed", &cases);
}

fn seed_session(role: seed::Role, permissions: Vec<seed::Permission>) -> seed::Session {
    seed::Session {
        user: seed::SessionUser {
            id: "u".into(),
            name: None,
            email: None,
            image: None,
            role,
            permissions,
        },
        expires: t(0),
        error: None,
    }
}

#[test]
fn blog_permissions_ts_matches_the_rust_helpers() {
    use blog::*;
    let roles = predicates::<Role>();
    let perms = Permission::ALL.to_vec();
    let sets: Vec<Vec<Permission>> = vec![
        vec![],
        vec![Permission::BillingView],
        vec![Permission::PostCreate, Permission::PostPublish],
        Permission::ALL.to_vec(),
    ];
    let prefs = Preferences {
        theme: Theme::Light,
        email_digest: false,
        locale: None,
    };
    let mut cases = Vec::new();
    for r in Role::ALL {
        for set in &sets {
            let session = Session {
                user: SessionUser {
                    id: "u".into(),
                    name: None,
                    email: "e@x".into(),
                    role: r,
                    permissions: set.clone(),
                    preferences: prefs.clone(),
                },
                expires: t(0),
                impersonated_by: None,
            };
            cases_for(Some(&session), &roles, &perms, &sets, &mut cases);
            let jwt = Jwt {
                user_id: uuid::Uuid::nil(),
                role: r,
                permissions: set.clone(),
                role_granted_at: t(0),
                theme: Theme::Dark,
            };
            cases_for(Some(&jwt), &roles, &perms, &sets, &mut cases);
        }
    }
    cases_for(None::<&User>, &roles, &perms, &sets, &mut cases);
    parity("blog", &cases);
}

#[test]
fn workspace_permissions_ts_matches_the_rust_helpers() {
    use workspace::*;
    let roles = predicates::<Role>();
    let perms: Vec<String> = ["billing:read", "billing:write", "export:csv", "unknown"]
        .map(String::from)
        .to_vec();
    let sets: Vec<Vec<String>> = vec![
        vec![],
        vec!["billing:read".into()],
        vec!["billing:read".into(), "billing:write".into()],
        perms.clone(),
    ];
    let mut cases = Vec::new();
    // No role at all is a case of its own here.
    let role_options: Vec<Option<Role>> = std::iter::once(None)
        .chain(Role::ALL.iter().copied().map(Some))
        .collect();
    for r in &role_options {
        for set in &sets {
            let session = Session {
                user: SessionUser {
                    id: "m".into(),
                    display_name: "M".into(),
                    role: *r,
                    permissions: set.clone(),
                    address: None,
                },
                expires: t(0),
            };
            cases_for(Some(&session), &roles, &perms, &sets, &mut cases);
            let jwt = Jwt {
                sub: "m".into(),
                role: *r,
                permissions: set.clone(),
                display_name: "M".into(),
                team_ids: vec![],
                auth_time: t(0),
            };
            cases_for(Some(&jwt), &roles, &perms, &sets, &mut cases);
            let user = User {
                id: "m".into(),
                email: "m@x".into(),
                email_verified: None,
                display_name: "M".into(),
                role: *r,
                permissions: set.clone(),
                address: None,
                last_login_at: None,
                login_count: 0,
                tags: Default::default(),
                password_hash: None,
            };
            cases_for(Some(&user), &roles, &perms, &sets, &mut cases);
        }
    }
    cases_for(None::<&Session>, &roles, &perms, &sets, &mut cases);
    let signed_out = json!({ "user": null, "expires": "2030-01-01T00:00:00Z" });
    signed_out_session_cases::<Session, _, _>(signed_out, &roles, &perms, &sets, &mut cases);
    parity("workspace", &cases);
}
