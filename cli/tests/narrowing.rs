//! `permissions.ts`'s checks narrow next-auth's real types, proven with tsc 5.9 against
//! next-auth 4.24.15 and 5.0.0-beta.32 (`fixtures/ts/next-auth-v{4,5}`, `npm ci` from the
//! committed lock files).
//!
//! - `src/narrowing/` (one tsc run per version): exact-type assertions (`Equals<A, B>`) for
//!   `isAdmin` / `isModerator` / `isUser` / `hasRole` / `isAuthenticated` / the permission checks
//!   on `getServerSession` (v4), `auth()` and `req.auth` (v5), `withAuth`'s token (v4),
//!   `useSession().data`, `JWT`, `User`, `AdapterUser`, `array.filter`, a list-of-roles claim,
//!   and the else branches; misuses (lowercase and unknown roles) under `@ts-expect-error`.
//! - `src/only-next-auth/`: a program that imports only `next-auth` sees every augmentation of
//!   the generated `next-auth.d.ts` (`Session`, `User`, `JWT`, `AdapterUser`); for v5, removing the
//!   file's import of a re-exported module breaks exactly that module's augmentation.

mod common;

use std::path::{Path, PathBuf};

use authgen_cli::Exit;
use common::{cli, next_auth_project as project, root, tsc_project as tsc};

/// Runs `authgen generate` in-process for the seed model into `dir/generated/<name>`.
fn generate(version: &str, dir: &Path, name: &str) -> PathBuf {
    let out = dir.join("generated").join(name);
    let model = root().join("fixtures/seed/model.rs");
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "generate",
        "--input",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--next-auth",
        version,
    ];
    let (exit, stdout, stderr) = cli(&args, tmp.path());
    assert_eq!(exit, Exit::Ok, "generate {version}:\n{stdout}{stderr}");
    out
}

/// The narrowing fixture type-checks: every `Equals` assertion holds and every
/// `@ts-expect-error` is an error.
fn narrowing(version: &str) {
    let dir = project(version);
    let out = generate(version, &dir, "narrowing");
    let perms = std::fs::read_to_string(out.join("permissions.ts")).unwrap();
    assert!(perms.contains("export type RolesAtLeast = {"), "{perms}");
    let fixture = std::fs::read_to_string(dir.join("src/narrowing/session.ts")).unwrap();
    assert!(fixture.matches("assertType<Equals<").count() >= 30);
    let (ok, text) = tsc(&dir, Path::new("tsconfig.narrowing.json"));
    assert!(ok, "tsc on src/narrowing ({version}):\n{text}");
}

#[test]
fn narrowing_v4() {
    narrowing("v4");
}

#[test]
fn narrowing_v5() {
    narrowing("v5");
}

/// `src/only-next-auth` imports only `next-auth`; it compiles with the generated file.
fn only_next_auth(version: &str) -> PathBuf {
    let dir = project(version);
    generate(version, &dir, "only-next-auth");
    let (ok, text) = tsc(&dir, Path::new("tsconfig.only-next-auth.json"));
    assert!(ok, "only next-auth ({version}):\n{text}");
    dir
}

#[test]
fn v4_augmentations_need_no_other_import() {
    only_next_auth("v4");
}

/// v5: each augmented module works in a program that imports only `next-auth`, and it is the
/// generated file's import of that module that makes it work: without the import of
/// `next-auth/adapters`, `user.createdAt` is missing from `AdapterUser` (the reported defect);
/// without the one of `next-auth/jwt`, `token.role` is `unknown`.
#[test]
fn v5_augmentations_need_no_other_import() {
    let dir = only_next_auth("v5");
    let dts = std::fs::read_to_string(dir.join("generated/only-next-auth/next-auth.d.ts")).unwrap();
    let cases = [
        (
            "from \"next-auth/adapters\"",
            "Property 'createdAt' does not exist on type 'AdapterUser'",
        ),
        (
            "from \"next-auth/jwt\"",
            "error TS2322: Type 'unknown' is not assignable to type 'Role'",
        ),
    ];
    for (import, error) in cases {
        let stripped: String = dts
            .lines()
            .filter(|l| !(l.starts_with("import type") && l.contains(import)))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(stripped, dts, "the generated file imports {import}");
        let tmp = dir.join(format!(
            "generated/only-next-auth-without-{}",
            if import.contains("jwt") {
                "jwt"
            } else {
                "adapters"
            }
        ));
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::write(tmp.join("next-auth.d.ts"), stripped).unwrap();
        std::fs::write(
            tmp.join("tsconfig.json"),
            r#"{ "extends": "../../tsconfig.base.json", "files": ["next-auth.d.ts", "../../src/only-next-auth/callbacks.ts"] }"#,
        )
        .unwrap();
        let (ok, text) = tsc(&dir, &tmp.join("tsconfig.json"));
        let _ = std::fs::remove_dir_all(&tmp);
        assert!(!ok, "expected a failure without the import {import}");
        assert!(text.contains(error), "without {import}:\n{text}");
        assert_eq!(
            text.lines().filter(|l| l.contains("error TS")).count(),
            1,
            "only that module's augmentation is lost without {import}:\n{text}"
        );
    }
}
