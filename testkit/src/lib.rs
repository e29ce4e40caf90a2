//! Test support shared by authgen's crates.
//!
//! - [`npm`]: install a committed `package-lock.json` with `npm ci`, once per lock file content,
//!   and run Node scripts against the real packages.
//! - [`db`]: a fresh PostgreSQL or MariaDB database per test, dropped afterwards, and SQLite files.
//! - [`redis`]: a private `redis-server` per test on a free port, killed on drop.
//! - [`revoke_ts`]: a generated `revoke.ts` compiled and run with node-redis or ioredis.
//!
//! A test that needs a service and cannot reach it panics with a message that says which service
//! and how it was addressed: it never passes by skipping.
#![forbid(unsafe_code)]

pub mod db;
pub mod npm;
pub mod redis;
pub mod revoke_ts;

use std::path::{Path, PathBuf};

/// The workspace root (the directory with the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .expect("testkit lives one level below the workspace root")
        .to_path_buf()
}

/// A fresh, empty scratch directory under the target directory, unique to this call.
pub fn scratch_dir(label: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = workspace_root()
        .join("target")
        .join("authgen-scratch")
        .join(format!("{label}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// A random lowercase hex string of `n` characters (not cryptographic: names for test databases).
pub fn random_suffix(n: usize) -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    while out.len() < n {
        let mut h = RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos(),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(n);
    out
}
