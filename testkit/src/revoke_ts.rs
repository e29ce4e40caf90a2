//! A generated `revoke.ts` driven from Rust tests: compiled with the `fixtures/ts/redis` fixture's
//! tsc together with its `src/cross.ts` (which reads a JSON list of operations on standard input
//! and calls `revokeUser` / `revokeToken` / `revokeSession` with node-redis 5 or ioredis 5), then
//! run with Node.

use std::path::PathBuf;

use serde_json::Value;

/// `revoke.ts` and `cross.ts` compiled into `fixtures/ts/redis/generated/<label>-<pid>` (where
/// Node finds the fixture's packages); the directory is removed on drop.
pub struct RevokeDriver {
    work: PathBuf,
}

impl RevokeDriver {
    /// Installs the fixture's packages (cached by its lock file), writes `revoke_ts` beside
    /// `cross.ts` and compiles both under `--strict --exactOptionalPropertyTypes`. Panics with
    /// tsc's output when they do not compile.
    pub fn compile(label: &str, revoke_ts: &[u8]) -> RevokeDriver {
        let root = crate::workspace_root();
        let fixture = crate::npm::ensure_installed(&root.join("fixtures/ts/redis"));
        let work = fixture
            .join("generated")
            .join(format!("{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(work.join("generated")).expect("create the driver's directory");
        std::fs::create_dir_all(work.join("src")).expect("create the driver's directory");
        std::fs::write(work.join("generated/revoke.ts"), revoke_ts).expect("write revoke.ts");
        std::fs::copy(fixture.join("src/cross.ts"), work.join("src/cross.ts"))
            .expect("copy cross.ts");
        let driver = RevokeDriver { work };
        let path = |p: &str| driver.work.join(p).to_str().expect("UTF-8 path").to_owned();
        let (ok, text) = crate::npm::tsc(
            &fixture,
            &[
                "--strict",
                "--exactOptionalPropertyTypes",
                "--target",
                "ES2022",
                "--module",
                "NodeNext",
                "--moduleResolution",
                "NodeNext",
                "--types",
                "node",
                "--skipLibCheck",
                "--rootDir",
                &path(""),
                "--outDir",
                &path("build"),
                &path("src/cross.ts"),
            ],
        );
        assert!(ok, "tsc cross.ts with revoke.ts ({label}):\n{text}");
        driver
    }

    /// Runs `ops` with `client` (`redis` or `ioredis`) against the Redis at `url`; one result
    /// per operation. Blocking: call it from `spawn_blocking` in async tests.
    pub fn run(&self, client: &str, url: &str, ops: &Value) -> Vec<Value> {
        let input = serde_json::to_vec(ops).expect("operations as JSON");
        let out = crate::npm::node_ok(
            &self.work,
            "build/src/cross.js",
            &[client, url],
            &input,
            &[],
        );
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("node printed {out:?}: {e}"))
    }
}

impl Drop for RevokeDriver {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.work);
    }
}
