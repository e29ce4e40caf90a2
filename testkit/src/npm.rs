//! The real Node packages: `npm ci` from a committed lock file, cached between runs.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Makes sure `dir/node_modules` matches `dir/package-lock.json`, running `npm ci` only when the
/// lock file changed since the last install (a stamp beside `node_modules` records its content).
///
/// Concurrent callers (test threads and test binaries) are serialised with a file lock.
/// Returns `dir`. Panics with npm's output when the install fails.
pub fn ensure_installed(dir: &Path) -> PathBuf {
    let lock_path = dir.join("package-lock.json");
    let lock = fs::read(&lock_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (a Node fixture needs a committed package-lock.json)",
            lock_path.display()
        )
    });
    let stamp_path = dir.join("node_modules").join(".authgen-lock-stamp");
    let want = fingerprint(&lock);

    let guard_path = dir.join(".npm-install.lock");
    let guard = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&guard_path)
        .expect("open npm lock");
    guard.lock().expect("lock npm install");
    if fs::read_to_string(&stamp_path).ok().as_deref() != Some(want.as_str()) {
        let out = Command::new("npm")
            .args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--prefer-offline",
                "--loglevel=error",
            ])
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "running npm in {}: {e} (is Node.js installed?)",
                    dir.display()
                )
            });
        if !out.status.success() {
            panic!(
                "npm ci failed in {}:\n{}\n{}",
                dir.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        fs::write(&stamp_path, &want).expect("write npm stamp");
    }
    drop(guard);
    dir.to_path_buf()
}

fn fingerprint(bytes: &[u8]) -> String {
    // FNV-1a 64: enough to notice a changed lock file.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}-{}", bytes.len())
}

/// Runs `node <script> <args>` in `dir` with `stdin` as standard input and returns its output.
/// Panics when node cannot be started; the caller checks the status.
pub fn node(dir: &Path, script: &str, args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("node");
    cmd.arg(script)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("starting node in {}: {e}", dir.display()));
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for node");
    writer.join().expect("stdin writer");
    out
}

/// Runs the fixture's own TypeScript compiler, `dir/node_modules/.bin/tsc <args>`, in `dir`;
/// returns whether it exited 0 and its standard output followed by its standard error.
/// Panics when tsc cannot be started (install the fixture first with [`ensure_installed`]).
///
/// ```no_run
/// let dir = authgen_testkit::npm::ensure_installed(std::path::Path::new("fixtures/ts/next-v5"));
/// let (ok, text) = authgen_testkit::npm::tsc(&dir, &["--noEmit", "-p", "tsconfig.json"]);
/// assert!(ok, "{text}");
/// ```
pub fn tsc(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(dir.join("node_modules/.bin/tsc"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run tsc");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Like [`node`], but panics with stderr unless the script exits 0; returns stdout.
pub fn node_ok(
    dir: &Path,
    script: &str,
    args: &[&str],
    stdin: &[u8],
    env: &[(&str, &str)],
) -> String {
    let out = node(dir, script, args, stdin, env);
    if !out.status.success() {
        panic!(
            "node {script} {args:?} in {} failed ({}):\n{}\n{}",
            dir.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).expect("node printed UTF-8")
}

/// Runs `fixtures/ts/next-auth-<version>/interop/jwt.mjs <mode>` (the real next-auth's `encode`,
/// `decode` or `getToken`; `version` is `v4` or `v5`) on a batch of cases, after installing the
/// fixture; panics unless there is one result per case.
pub fn next_auth_jwt(
    version: &str,
    mode: &str,
    cases: &[serde_json::Value],
) -> Vec<serde_json::Value> {
    let dir = ensure_installed(
        &crate::workspace_root()
            .join("fixtures/ts")
            .join(format!("next-auth-{version}")),
    );
    let input = serde_json::to_vec(cases).expect("cases as JSON");
    let out = node_ok(&dir, "interop/jwt.mjs", &[mode], &input, &[]);
    let results: Vec<serde_json::Value> =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("node printed {out:?}: {e}"));
    assert_eq!(results.len(), cases.len(), "one result per case");
    results
}
