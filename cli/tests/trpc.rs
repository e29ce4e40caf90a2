//! `trpc.ts` (`[typescript] trpc = true`), proven with the real packages: `@trpc/server` 10.45.4
//! and 11.25.2, each with next-auth 4.24.15 and 5.0.0-beta.32 (`fixtures/ts/trpc-v10`: 10 and 4,
//! `trpc-v11`: 11 and 5, `trpc-v10-next-auth-v5`, `trpc-v11-next-auth-v4`), zod 4.6.7,
//! TypeScript 5.9.3.
//!
//! `fixtures/ts/trpc-common/app.ts` is an app's own root (its own context, transformer and error
//! formatter) with the generated procedures attached by `unstable_concat` (and, on tRPC 11, a copy
//! with `concat`); it is copied next to the seed's generated `next-auth.d.ts`, `permissions.ts` and
//! `trpc.ts`.
//!
//! - Types: tsc checks exact assertions of `ctx.session` after each procedure (signed in, the role
//!   narrowed to the roles at or above), that the app's context and error formatter are kept, and
//!   `misuse.ts`'s `@ts-expect-error`s (unknown and lowercase roles, a role given as a
//!   permission, a null session without a procedure). The other fixture models' `trpc.ts` compile.
//! - Run time (`run.mjs`, one Node process per project): every procedure through `createCaller`
//!   for signed out, a session whose user is `null`, and each seed role (sessions written by
//!   serde): `UNAUTHORIZED`, `FORBIDDEN`, OK, and `BAD_REQUEST` only after the auth checks; and
//!   over HTTP (`fetchRequestHandler`): the app's transformer and error formatter apply.

#[path = "../../fixtures/seed/model.rs"]
#[allow(dead_code)]
mod seed;

mod common;

use std::path::{Path, PathBuf};

use authgen_codegen::config::{Config, NextAuth};
use authgen_codegen::emit::Emitter;
use authgen_codegen::ts::{Dts, Permissions, Trpc};
use chrono::{TimeZone, Utc};
use common::{checked, root, trpc_project as project, tsc_project as tsc};
use serde_json::{json, Value};

/// Writes `next-auth.d.ts`, `permissions.ts` and `trpc.ts` for `fixture` into `dir` (emptied
/// first), with a `tsconfig.json` including every `.ts` file there.
fn write_outputs(fixture: &str, v: NextAuth, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut config = Config {
        next_auth: v,
        ..Config::default()
    };
    config.typescript.out_dir = PathBuf::new();
    config.typescript.trpc = true;
    let model = checked(fixture);
    let emitters: [&dyn Emitter; 3] = [&Dts, &Permissions, &Trpc];
    for e in emitters {
        for f in e.emit(&model, &config).unwrap() {
            std::fs::write(dir.join(&f.path), &f.contents).unwrap();
        }
    }
    std::fs::write(
        dir.join("tsconfig.json"),
        r#"{ "extends": "../../tsconfig.base.json", "include": ["*.ts"] }"#,
    )
    .unwrap();
}

/// Copies `fixtures/ts/trpc-common/<file>` into `dir`; on tRPC 11 also `app-concat.ts`, the app
/// attaching with `.concat`.
fn copy_app(dir: &Path, major: u8) {
    let common = root().join("fixtures/ts/trpc-common");
    for file in ["app.ts", "misuse.ts", "run.mjs"] {
        std::fs::copy(common.join(file), dir.join(file)).unwrap();
    }
    if major == 11 {
        let app = std::fs::read_to_string(common.join("app.ts")).unwrap();
        assert!(app.contains(".unstable_concat("));
        std::fs::write(
            dir.join("app-concat.ts"),
            app.replace(".unstable_concat(", ".concat("),
        )
        .unwrap();
        std::fs::write(dir.join("misuse-concat.ts"), MISUSE_CONCAT).unwrap();
    }
}

/// tRPC 11 checks the app's context at `concat`: it must have the session.
const MISUSE_CONCAT: &str = r#"import { initTRPC } from "@trpc/server";
import { authedProcedure } from "./trpc";

const t = initTRPC.context<{ db: string }>().create();
// @ts-expect-error: the app's context has no `session`
export const noSession = t.procedure.concat(authedProcedure);
"#;

/// tsc on the seed's outputs and the app for tRPC `major` and next-auth `v`.
fn types_hold(major: u8, v: NextAuth) {
    let dir = project(major, v);
    let gen = dir.join("generated/seed-types");
    write_outputs("seed", v, &gen);
    copy_app(&gen, major);
    let (ok, text) = tsc(&dir, &gen.join("tsconfig.json"));
    assert!(ok, "tsc on tRPC {major}, next-auth {}:\n{text}", v.as_str());
}

#[test]
fn seed_types_trpc10_next_auth_v4() {
    types_hold(10, NextAuth::V4);
}

#[test]
fn seed_types_trpc10_next_auth_v5() {
    types_hold(10, NextAuth::V5);
}

#[test]
fn seed_types_trpc11_next_auth_v4() {
    types_hold(11, NextAuth::V4);
}

#[test]
fn seed_types_trpc11_next_auth_v5() {
    types_hold(11, NextAuth::V5);
}

#[test]
fn the_assertions_can_fail() {
    // Without the role narrowing, app.ts's exact assertions fail: the check is not vacuous.
    let v = NextAuth::V5;
    let dir = project(11, v);
    let gen = dir.join("generated/seed-broken");
    write_outputs("seed", v, &gen);
    copy_app(&gen, 11);
    let trpc = std::fs::read_to_string(gen.join("trpc.ts")).unwrap();
    let broken = trpc.replace("= WithRole<Session, R>;", "= SignedIn<Session>;");
    assert_ne!(broken, trpc);
    std::fs::write(gen.join("trpc.ts"), broken).unwrap();
    let (ok, text) = tsc(&dir, &gen.join("tsconfig.json"));
    assert!(!ok, "tsc accepted trpc.ts without the role narrowing");
    assert!(text.contains("app.ts("), "{text}");
}

/// For the other fixture models: a role procedure, and the exact type of the role it narrows.
const OTHER_MODELS: &[(&str, &str, &str)] = &[
    (
        "blog",
        r#"roleProcedure("EDITOR")"#,
        r#"user.role, "EDITOR" | "SUPER_ADMIN""#,
    ),
    // `role: Option<Role>`: `null` is narrowed away too.
    (
        "workspace",
        r#"roleProcedure("editor")"#,
        r#"user.role, "editor" | "owner""#,
    ),
    // `session.account`, an optional `LEVEL`, free-form permissions.
    (
        "kitchen-sink",
        r#"roleProcedure("team-member")"#,
        r#"account.LEVEL, "team-member" | "owner""#,
    ),
];

/// An app attaching `procedure` and asserting `ctx.session.<member>` has exactly `ty`.
fn other_model_app(procedure: &str, member_and_ty: &str) -> String {
    format!(
        r#"import {{ initTRPC }} from "@trpc/server";
import type {{ Session }} from "next-auth";
import {{ anyPermissionProcedure, roleProcedure }} from "./trpc";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expect<T extends true>(_?: T): void {{}}

const t = initTRPC.context<{{ session: Session | null }}>().create();
export const router = t.router({{
  role: t.procedure.unstable_concat({procedure}).query(({{ ctx }}) => {{
    expect<Equal<typeof ctx.session.{member_and_ty}>>();
    return 1;
  }}),
  any: t.procedure.unstable_concat(anyPermissionProcedure([])).query(() => 1),
}});
// @ts-expect-error: not a role
roleProcedure("not-a-role");
"#
    )
}

/// The other fixture models' `trpc.ts` compile on both majors and narrow their roles (renamed
/// `session.account`, an optional role, free-form permissions, a list of roles in the JWT).
#[test]
fn other_models_compile() {
    for (major, v) in [(10, NextAuth::V4), (11, NextAuth::V5)] {
        let dir = project(major, v);
        for (fixture, procedure, member_and_ty) in OTHER_MODELS {
            let gen = dir.join("generated").join(fixture);
            write_outputs(fixture, v, &gen);
            std::fs::write(
                gen.join("app.ts"),
                other_model_app(procedure, member_and_ty),
            )
            .unwrap();
            if *fixture == "workspace" {
                // `address` is typed by ts-rs bindings.
                std::fs::create_dir_all(gen.join("bindings")).unwrap();
                std::fs::write(
                    gen.join("bindings/Address.ts"),
                    "export type Address = { street: string };\n",
                )
                .unwrap();
            }
            let (ok, text) = tsc(&dir, &gen.join("tsconfig.json"));
            assert!(ok, "tsc on {fixture}, tRPC {major}:\n{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Run time.

/// The seed sessions as serde writes them, and two that are signed out.
fn sessions() -> Value {
    use seed::{Permission as P, Role, Session, SessionUser};
    let session = |role, permissions| {
        serde_json::to_value(Session {
            user: SessionUser {
                id: "u1".into(),
                name: Some("Ada".into()),
                email: None,
                image: None,
                role,
                permissions,
            },
            expires: Utc.timestamp_opt(1_900_000_000, 0).unwrap(),
            error: None,
        })
        .unwrap()
    };
    json!({
        "signedOut": null,
        "userNull": { "user": null, "expires": "2030-01-01T00:00:00Z" },
        // Permissions independent of the role: ADMIN holds only `users:manage`.
        "USER": session(Role::User, vec![P::PostsRead]),
        "MODERATOR": session(Role::Moderator, vec![P::PostsRead, P::PostsWrite]),
        "ADMIN": session(Role::Admin, vec![P::UsersManage]),
        "lowercaseAdmin": { "user": { "id": "u2", "role": "admin", "permissions": ["posts:write"] }, "expires": "2030-01-01T00:00:00Z" },
        "noClaims": { "user": {}, "expires": "2030-01-01T00:00:00Z" },
    })
}

/// Every call, and what it gives for each of [`WHO`]: signed out, a null user, USER, MODERATOR,
/// ADMIN, and two sessions the types do not admit but a request may carry (as `permissions.ts`
/// decides: a lowercase `"admin"` is no role; a user without claims is signed in with nothing).
const TABLE: &[(&str, [&str; 7])] = &[
    ("public", ["OK", "OK", "OK", "OK", "OK", "OK", "OK"]),
    ("authed", ["U", "U", "OK", "OK", "OK", "OK", "OK"]),
    ("user", ["U", "U", "OK", "OK", "OK", "F", "F"]),
    ("moderator", ["U", "U", "F", "OK", "OK", "F", "F"]),
    ("admin", ["U", "U", "F", "F", "OK", "F", "F"]),
    ("moderatorAudited", ["U", "U", "F", "OK", "OK", "F", "F"]),
    ("postsWrite", ["U", "U", "F", "OK", "F", "OK", "F"]),
    ("anyManage", ["U", "U", "F", "OK", "OK", "OK", "F"]),
    ("anyNone", ["U", "U", "F", "F", "F", "F", "F"]),
    ("allReadWrite", ["U", "U", "F", "OK", "F", "F", "F"]),
    ("allNone", ["U", "U", "OK", "OK", "OK", "OK", "OK"]),
    (
        r#"createPost({"title":""})"#,
        ["U", "U", "F", "B", "B", "F", "F"],
    ),
    (
        r#"createPost({"title":"Hi"})"#,
        ["U", "U", "F", "OK", "OK", "F", "F"],
    ),
];

const WHO: [&str; 7] = [
    "signedOut",
    "userNull",
    "USER",
    "MODERATOR",
    "ADMIN",
    "lowercaseAdmin",
    "noClaims",
];

fn code(short: &str) -> &str {
    match short {
        "U" => "UNAUTHORIZED",
        "F" => "FORBIDDEN",
        "B" => "BAD_REQUEST",
        other => other,
    }
}

fn calls() -> Vec<Value> {
    TABLE
        .iter()
        .map(|(key, _)| match key.split_once('(') {
            Some((path, arg)) => {
                let input: Value = serde_json::from_str(arg.trim_end_matches(')')).unwrap();
                json!({ "path": path, "input": input })
            }
            None => json!({ "path": key }),
        })
        .collect()
}

/// Runs the table for tRPC `major` and next-auth `v` and checks every cell, then the HTTP calls.
fn table_holds(major: u8, v: NextAuth) {
    let dir = project(major, v);
    let gen = dir.join("generated/seed-run");
    write_outputs("seed", v, &gen);
    copy_app(&gen, major);
    let apps: Vec<&str> = if major == 11 {
        vec!["app", "app-concat"]
    } else {
        vec!["app"]
    };
    let input = json!({ "apps": apps, "sessions": sessions(), "calls": calls() });
    let out = authgen_testkit::npm::node_ok(
        &dir,
        "generated/seed-run/run.mjs",
        &["generated/seed-run"],
        input.to_string().as_bytes(),
        &[],
    );
    let out: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{out}: {e}"));
    for app in apps {
        let table = &out[app];
        let mut wrong = Vec::new();
        for (key, row) in TABLE {
            for (who, want) in WHO.iter().zip(row) {
                let want = code(want);
                let got = table[who][key].as_str().unwrap_or("missing");
                if got != want {
                    wrong.push(format!("{app} {key} as {who}: got {got}, want {want}"));
                }
            }
        }
        assert!(wrong.is_empty(), "tRPC {major}:\n{}", wrong.join("\n"));
        http_holds(&table["http"], major);
    }
}

/// Over HTTP: ADMIN gets the transformed value; USER a 403 and nobody a 401, both with the
/// app's formatted (and transformed) error.
fn http_holds(http: &Value, major: u8) {
    assert_eq!(http[0]["status"], 200, "tRPC {major}: {http}");
    assert_eq!(
        http[0]["body"]["result"]["data"],
        json!({ "wrapped": "http:ADMIN" }),
        "tRPC {major}: the app's transformer"
    );
    for (i, status, code) in [(1, 403, "FORBIDDEN"), (2, 401, "UNAUTHORIZED")] {
        assert_eq!(http[i]["status"], status, "tRPC {major}: {http}");
        let error = &http[i]["body"]["error"]["wrapped"];
        assert_eq!(error["data"]["code"], code, "tRPC {major}: {http}");
        assert_eq!(
            error["data"]["app"], "formatted",
            "tRPC {major}: the app's error formatter: {http}"
        );
    }
}

#[test]
fn seed_table_trpc10_next_auth_v4() {
    table_holds(10, NextAuth::V4);
}

#[test]
fn seed_table_trpc10_next_auth_v5() {
    table_holds(10, NextAuth::V5);
}

#[test]
fn seed_table_trpc11_next_auth_v4() {
    table_holds(11, NextAuth::V4);
}

#[test]
fn seed_table_trpc11_next_auth_v5() {
    table_holds(11, NextAuth::V5);
}
