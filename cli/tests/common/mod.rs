//! Helpers shared by the CLI's test binaries: the workspace root, fixture models, the CLI run
//! in-process, and the fixture projects' TypeScript compiler. Items some binary does not use are
//! marked `#[allow(dead_code)]`.

use std::path::{Path, PathBuf};

use authgen_cli::{run, Exit, Io};
use authgen_codegen::frontend::check::Checked;
use authgen_codegen::frontend::source::{parse_sources, Source};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `fixtures/{fixture}/model.rs`, parsed and checked.
#[allow(dead_code)]
pub fn checked(fixture: &str) -> Checked {
    let text =
        std::fs::read_to_string(root().join("fixtures").join(fixture).join("model.rs")).unwrap();
    checked_text(fixture, text)
}

/// `text` as the model of `fixtures/{fixture}/model.rs`, parsed and checked.
#[allow(dead_code)]
pub fn checked_text(fixture: &str, text: String) -> Checked {
    parse_sources(&[Source {
        name: format!("fixtures/{fixture}/model.rs").into(),
        text,
    }])
    .unwrap_or_else(|e| panic!("{fixture}: {e:?}"))
}

/// Runs the CLI in-process in `cwd`; returns (exit, stdout, stderr).
#[allow(dead_code)]
pub fn cli(args: &[&str], cwd: &Path) -> (Exit, String, String) {
    let mut stdin = std::io::empty();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let env = |_: &str| None;
    let mut io = Io {
        stdin: &mut stdin,
        stdout: &mut stdout,
        stderr: &mut stderr,
        cwd: cwd.to_path_buf(),
        env: &env,
        color: false,
    };
    let mut argv = vec!["authgen"];
    argv.extend_from_slice(args);
    let exit = run(argv, &mut io);
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (exit, text(stdout), text(stderr))
}

/// `fixtures/ts/next-auth-{version}` (`v4` or `v5`), installed.
#[allow(dead_code)]
pub fn next_auth_project(version: &str) -> PathBuf {
    let dir = root()
        .join("fixtures/ts")
        .join(format!("next-auth-{version}"));
    authgen_testkit::npm::ensure_installed(&dir)
}

/// `tsc --noEmit --pretty false -p <tsconfig>` in the installed fixture `dir`; returns whether
/// it passed and its output.
#[allow(dead_code)]
pub fn tsc_project(dir: &Path, tsconfig: &Path) -> (bool, String) {
    let tsconfig = tsconfig.to_str().expect("UTF-8 path");
    authgen_testkit::npm::tsc(dir, &["--noEmit", "--pretty", "false", "-p", tsconfig])
}

/// Compiles `work/ts/permissions.ts` with the installed fixture `dir`'s tsc (strict, ES2022
/// modules) into `work/out/`, then runs `runner` (an ES module written to `work/run.mjs`, which
/// imports `./out/permissions.js`) in Node with `input` on stdin; returns its stdout.
#[allow(dead_code)]
pub fn run_permissions_ts(dir: &Path, work: &Path, runner: &str, input: &[u8]) -> String {
    let (ok, text) = authgen_testkit::npm::tsc(
        dir,
        &[
            "--strict",
            "--target",
            "ES2022",
            "--module",
            "ESNext",
            "--moduleResolution",
            "Bundler",
            "--types",
            "node",
            "--outDir",
            work.join("out").to_str().unwrap(),
            work.join("ts/permissions.ts").to_str().unwrap(),
        ],
    );
    assert!(ok, "tsc permissions.ts:\n{text}");
    std::fs::write(work.join("package.json"), r#"{"type":"module"}"#).unwrap();
    std::fs::write(work.join("run.mjs"), runner).unwrap();
    authgen_testkit::npm::node_ok(work, "run.mjs", &[], input, &[])
}

/// `fixtures/ts/trpc-v{major}…` (tRPC 10 or 11) for next-auth `v`, installed: `trpc-v10` is
/// next-auth 4, `trpc-v11` next-auth 5, the other pairs are `trpc-v{major}-next-auth-{v}`.
#[allow(dead_code)]
pub fn trpc_project(major: u8, v: authgen_codegen::config::NextAuth) -> PathBuf {
    use authgen_codegen::config::NextAuth;
    let name = match (major, v) {
        (10, NextAuth::V4) => "trpc-v10".to_string(),
        (11, NextAuth::V5) => "trpc-v11".to_string(),
        _ => format!("trpc-v{major}-next-auth-{}", v.as_str()),
    };
    authgen_testkit::npm::ensure_installed(&root().join("fixtures/ts").join(name))
}

/// `fixtures/ts/next-{v}` (Next 15 with next-auth `v`), installed.
#[allow(dead_code)]
pub fn next_project(v: authgen_codegen::config::NextAuth) -> PathBuf {
    let dir = root()
        .join("fixtures/ts")
        .join(format!("next-{}", v.as_str()));
    authgen_testkit::npm::ensure_installed(&dir)
}

/// Proves that the `@ts-expect-error` lines of `file` (inside the tsc project of `tsconfig`, both
/// relative to the installed fixture `dir`) mark real errors: rewrites `file` without them and
/// asserts that tsc then fails with exactly one error per removed line, every one in `file`.
/// Returns how many there were (at least one).
#[allow(dead_code)]
pub fn assert_expected_errors_are_real(dir: &Path, tsconfig: &Path, file: &Path) -> usize {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let is_directive = |l: &&str| l.trim_start().starts_with("// @ts-expect-error");
    let expected = text.lines().filter(is_directive).count();
    assert!(
        expected > 0,
        "{}: no @ts-expect-error lines",
        path.display()
    );
    let unguarded: String = text
        .lines()
        .filter(|l| !is_directive(l))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, unguarded).unwrap();
    let (ok, out) = tsc_project(dir, tsconfig);
    std::fs::write(&path, text).unwrap();
    assert!(
        !ok,
        "tsc accepted {} without its @ts-expect-error lines",
        path.display()
    );
    let errors: Vec<&str> = out.lines().filter(|l| l.contains("error TS")).collect();
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a file name");
    assert!(
        errors.iter().all(|l| l.contains(&format!("{name}("))),
        "errors outside {name}:\n{out}"
    );
    assert_eq!(
        errors.len(),
        expected,
        "one error per misuse in {name}:\n{out}"
    );
    expected
}
