//! `guards.ts` (`[typescript] next = true`), proven with the real packages in
//! `fixtures/ts/next-v{4,5}` (next 15.5.6, next-auth 4.24.15 / 5.0.0-beta.32, TypeScript 5.9.3).
//!
//! - Types: `src/types.ts` of each fixture asserts exact types (`Equals`) of the sessions the
//!   `require*` guards return and the `with*` wrappers pass, the middleware helper accepted by
//!   v5 `auth(…)` / v4 `withAuth(…)`, and misuses that must stay errors (`@ts-expect-error`:
//!   lowercase and unknown roles, a role given as a permission, an unknown option).
//! - Run time (no Next build: the guards are called directly in one Node process, with the real
//!   `next/navigation`): `src/run.ts` calls every guard with a stub `getSession` for signed out,
//!   USER, MODERATOR and ADMIN, asserting 401 / 403 / 200 and each failure option (the digest of
//!   the error `unauthorized()`, `forbidden()` and `redirect()` throw, `AuthGuardError`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use authgen_codegen::config::{Config, NextAuth};
use authgen_codegen::emit::Emitter;
use authgen_codegen::ts::{Dts, Guards, Permissions};
use common::{checked, root};

/// Installs the fixture for `v` and writes the seed's `next-auth.d.ts`, `permissions.ts` and
/// `guards.ts` into its `generated/`, once per process (tests run in parallel and read them).
fn project(v: NextAuth) -> PathBuf {
    static WRITTEN: [OnceLock<PathBuf>; 2] = [OnceLock::new(), OnceLock::new()];
    let slot = match v {
        NextAuth::V4 => &WRITTEN[0],
        NextAuth::V5 => &WRITTEN[1],
    };
    slot.get_or_init(|| write_project(v)).clone()
}

fn write_project(v: NextAuth) -> PathBuf {
    let dir = root()
        .join("fixtures/ts")
        .join(format!("next-{}", v.as_str()));
    authgen_testkit::npm::ensure_installed(&dir);
    let model = checked("seed");
    let mut config = Config {
        next_auth: v,
        ..Config::default()
    };
    config.typescript.out_dir = PathBuf::new();
    config.typescript.next = true;
    let gen = dir.join("generated");
    std::fs::create_dir_all(&gen).unwrap();
    // The run-time tables both majors share, beside the generated files they import.
    std::fs::copy(
        root().join("fixtures/ts/next-common/guards-run.ts"),
        gen.join("guards-run.ts"),
    )
    .unwrap();
    let emitters: [&dyn Emitter; 3] = [&Dts, &Permissions, &Guards];
    for e in emitters {
        for f in e.emit(&model, &config).unwrap() {
            std::fs::write(gen.join(&f.path), &f.contents).unwrap();
        }
    }
    dir
}

fn run(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn tsc(dir: &Path, tsconfig: &str) -> (bool, String) {
    authgen_testkit::npm::tsc(dir, &["--pretty", "false", "-p", tsconfig])
}

fn types_hold(v: NextAuth) {
    let dir = project(v);
    let (ok, text) = tsc(&dir, "tsconfig.json");
    assert!(ok, "tsc on guards.ts, next-auth {}:\n{text}", v.as_str());
}

#[test]
fn v4_types() {
    types_hold(NextAuth::V4);
}

#[test]
fn v5_types() {
    types_hold(NextAuth::V5);
}

/// Compiles `src/run.ts` and `generated/*.ts` to CommonJS and runs it with the environment
/// variable `experimental.authInterrupts` sets, so that `unauthorized()` / `forbidden()` throw
/// their interrupts instead of "is experimental".
fn runs(v: NextAuth) {
    let dir = project(v);
    let (ok, text) = tsc(&dir, "tsconfig.run.json");
    assert!(ok, "tsc (build) next-auth {}:\n{text}", v.as_str());
    let build = dir.join("generated/build");
    std::fs::write(build.join("package.json"), "{\"type\":\"commonjs\"}\n").unwrap();
    let env = [("__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS", "true")];
    let (ok, text) = run(&dir, "node", &["generated/build/src/run.js"], &env);
    assert!(ok, "guards at run time, next-auth {}:\n{text}", v.as_str());
    assert!(text.contains(" checks passed"), "{text}");
}

#[test]
fn v4_runs() {
    runs(NextAuth::V4);
}

#[test]
fn v5_runs() {
    runs(NextAuth::V5);
}

#[test]
fn interrupts_need_auth_interrupts() {
    // Without `experimental.authInterrupts`, Next refuses `forbidden()`: why it is not the default.
    let dir = project(NextAuth::V5);
    let script = "const { forbidden } = require('next/navigation');\n\
                  try { forbidden(); } catch (e) { console.log(e.digest ?? e.message); }";
    let (ok, text) = run(&dir, "node", &["-e", script], &[]);
    assert!(ok, "{text}");
    assert!(
        text.contains("only allowed to be enabled when `experimental.authInterrupts`"),
        "{text}"
    );
}

#[test]
fn the_type_assertions_can_fail() {
    // A `requireRole` that forgets the narrowing breaks `src/types.ts`: the checks are not vacuous.
    let dir = project(NextAuth::V5);
    let broken = dir.join("generated/broken");
    std::fs::create_dir_all(&broken).unwrap();
    for name in ["next-auth.d.ts", "permissions.ts", "guards.ts"] {
        let text = std::fs::read_to_string(dir.join("generated").join(name)).unwrap();
        let text = if name == "guards.ts" {
            let weak = text.replace(
                "requireRole<R extends Role>(role: R): Promise<WithRole<MaybeSession, R>>;",
                "requireRole<R extends Role>(role: R): Promise<SignedIn<MaybeSession>>;",
            );
            assert_ne!(weak, text);
            weak
        } else {
            text
        };
        std::fs::write(broken.join(name), text).unwrap();
    }
    let types = std::fs::read_to_string(dir.join("src/types.ts"))
        .unwrap()
        .replace("\"../generated/", "\"./");
    std::fs::write(broken.join("types.ts"), types).unwrap();
    std::fs::write(
        broken.join("tsconfig.json"),
        r#"{ "extends": "../../tsconfig.base.json", "include": ["*.ts"] }"#,
    )
    .unwrap();
    let (ok, text) = tsc(&dir, "generated/broken/tsconfig.json");
    assert!(!ok, "tsc accepted a requireRole without narrowing");
    assert!(
        text.contains("types.ts") && text.contains("TS2344"),
        "{text}"
    );
}
