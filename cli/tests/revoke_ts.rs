//! `revoke.ts` (`[typescript] redis = true`), proven with the real compiler: `authgen generate`
//! writes it, and `tsc` (strict, `exactOptionalPropertyTypes`, NodeNext) compiles it together
//! with `fixtures/ts/redis/src/` against the real node-redis 5 (`redis`) and ioredis 5 packages
//! pinned there: both clients (and an ioredis `Cluster`) are accepted, and the misuses in
//! `src/types.ts` stay compile errors (each under `@ts-expect-error`, which fails when unused).
//! The Node side of the cross-implementation test (`src/cross.ts`) is compiled here too; it runs
//! in `runtime/tests/redis_node.rs`.

mod common;

use authgen_cli::Exit;
use common::{cli, root, tsc_project};

/// `authgen generate` on the seed model with `redis = true` in a fresh project; the text of
/// the `revoke.ts` it wrote.
fn generate_revoke_ts() -> String {
    let tmp = tempfile::tempdir().unwrap();
    let model = root().join("fixtures/seed/model.rs");
    let config = format!(
        "input = [{:?}]\n[typescript]\nout_dir = \"types\"\nredis = true\n",
        model.to_str().unwrap()
    );
    std::fs::write(tmp.path().join("authgen.toml"), config).unwrap();
    let (exit, stdout, stderr) = cli(&["generate"], tmp.path());
    assert_eq!(exit, Exit::Ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("wrote types/revoke.ts"), "{stdout}");
    std::fs::read_to_string(tmp.path().join("types/revoke.ts")).unwrap()
}

#[test]
fn revoke_ts_type_checks_against_node_redis_5_and_ioredis_5() {
    let ts = generate_revoke_ts();
    let committed =
        std::fs::read_to_string(root().join("fixtures/seed/generated/types/revoke.ts")).unwrap();
    assert_eq!(
        ts, committed,
        "the seed's committed revoke.ts is the same file"
    );

    let dir = authgen_testkit::npm::ensure_installed(&root().join("fixtures/ts/redis"));
    for (package, major) in [("redis", "5."), ("ioredis", "5.")] {
        let manifest = dir.join("node_modules").join(package).join("package.json");
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
        let version = manifest["version"].as_str().unwrap_or_default();
        assert!(version.starts_with(major), "{package} {version}");
    }
    std::fs::create_dir_all(dir.join("generated")).unwrap();
    std::fs::write(dir.join("generated/revoke.ts"), &ts).unwrap();
    let (ok, text) = tsc_project(&dir, &dir.join("tsconfig.json"));
    assert!(ok, "tsc on fixtures/ts/redis:\n{text}");
}

#[test]
fn a_broken_call_is_a_compile_error() {
    // The control: the same project with one misuse outside `@ts-expect-error` fails to compile.
    let dir = authgen_testkit::npm::ensure_installed(&root().join("fixtures/ts/redis"));
    let work = dir
        .join("generated")
        .join(format!("control-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("revoke.ts"), generate_revoke_ts()).unwrap();
    std::fs::write(
        work.join("misuse.ts"),
        "import { revokeToken } from \"./revoke.js\";\n\
         import { Redis } from \"ioredis\";\n\
         export const p = revokeToken(new Redis(), \"jti\", \"1767000000\");\n",
    )
    .unwrap();
    let (ok, text) = authgen_testkit::npm::tsc(
        &dir,
        &[
            "--noEmit",
            "--pretty",
            "false",
            "--strict",
            "--module",
            "NodeNext",
            "--moduleResolution",
            "NodeNext",
            "--types",
            "node",
            "--skipLibCheck",
            work.join("misuse.ts").to_str().unwrap(),
        ],
    );
    std::fs::remove_dir_all(&work).unwrap();
    assert!(!ok, "a string exp compiled:\n{text}");
    assert!(
        text.contains("misuse.ts(3,") && text.contains("TS2345"),
        "{text}"
    );
}
