//! The whole example, end to end (issue #17): the Next.js app (`examples/next-app`, built once
//! with `next build`, cached by its inputs) under `next start`, and this crate's binary, on one
//! SQLite file migrated by the service (`MIGRATIONS_DIR`) and seeded by `scripts/seed.mjs`.
//!
//! - In a real browser (Debian's Chromium, installed by `scripts/setup-browser.sh` when missing,
//!   driven by playwright-core): `e2e/browser.mjs` signs in each seeded user through the form,
//!   visits every page, clicks the Server Action, calls tRPC and the Rust service from the page
//!   and checks every status (signed out / USER / MODERATOR / ADMIN), then sign-out, tampered and
//!   expired sessions and, with database sessions, a role changed in the database. Screenshots go
//!   to `$CARGO_TARGET_TMPDIR/e2e-shots/`.
//! - JWT mode runs with a private `redis-server` (`REDIS_URL` for both the app and the service,
//!   `REVOKE_POLICY=refuse`): the cookie the browser signed out with, replayed, is 401 at the
//!   service (the app revoked its `jti` through the generated `revoke.ts`), not valid until `exp`.
//! - Without a browser (issue #16): cookies minted by `authgen encode --next-auth v5` against the
//!   same built app: the status table of a `requireRole` page, a `withRole` route handler, the
//!   middleware rule and tRPC over HTTP.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use authgen_cli::{run_captured, Exit};
use authgen_testkit::redis::RedisServer;
use serde_json::{json, Value};

/// One stack at a time: two `next start` and Chromium at once are too much for a 2-core machine.
static SERIAL: Mutex<()> = Mutex::new(());
static BUILT: OnceLock<()> = OnceLock::new();

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn app_dir() -> PathBuf {
    root().join("examples/next-app")
}

/// Runs `cmd` to the end; panics with its output unless it exits 0. Returns stdout.
fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Chromium (`/usr/bin/chromium`), installed by the project's own script when missing.
fn ensure_chromium() {
    if Path::new("/usr/bin/chromium").exists() {
        return;
    }
    let started = Instant::now();
    run_ok(
        Command::new("bash").arg(root().join("scripts/setup-browser.sh")),
        "scripts/setup-browser.sh",
    );
    eprintln!("e2e: chromium installed in {:?}", started.elapsed());
}

/// `npm ci` (cached by the lock file) and `next build` (cached by its inputs), once per run.
fn ensure_built() {
    BUILT.get_or_init(|| {
        let app = app_dir();
        let started = Instant::now();
        authgen_testkit::npm::ensure_installed(&app);
        eprintln!("e2e: npm packages ready in {:?}", started.elapsed());
        let started = Instant::now();
        let out = run_ok(
            Command::new("node")
                .arg("scripts/build.mjs")
                .current_dir(&app),
            "next build",
        );
        eprintln!(
            "e2e: {} ({:?})",
            out.lines().last().unwrap_or(""),
            started.elapsed()
        );
    });
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process in its own process group, killed (group and all) on drop.
struct Proc {
    child: Child,
    log: PathBuf,
}

impl Proc {
    fn spawn(cmd: &mut Command, log: PathBuf) -> Proc {
        let file = File::create(&log).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {cmd:?}: {e}"));
        Proc { child, log }
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits for `ready` to hold, panicking with the log if the process exits first.
    fn wait_until(&mut self, what: &str, mut ready: impl FnMut(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if ready(&self.log()) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{what} exited ({status}):\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "{what} not ready:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// A running app + service pair on a fresh, migrated and seeded SQLite file.
struct Stack {
    base: String,
    secret: String,
    dir: PathBuf,
    // Dropped in this order: the app, the service, then Redis (JWT mode).
    app: Proc,
    service: Proc,
    redis: Option<RedisServer>,
}

fn env_common(cmd: &mut Command, mode: &str, secret: &str, dir: &Path) {
    cmd.env("AUTH_SECRET", secret)
        .env("AUTH_STRATEGY", mode)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("app.db").display()),
        )
        .env("NEXT_TELEMETRY_DISABLED", "1");
}

fn start(mode: &str) -> Stack {
    let app = app_dir();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("e2e-{mode}-{}-{nanos}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let secret = format!("e2e-{mode}-secret-{nanos:x}-0123456789abcdef");
    // JWT mode: sign-out revokes the token on Redis, which the service reads.
    let redis = (mode == "jwt").then(RedisServer::start);

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_authgen-example-service"));
    env_common(&mut cmd, mode, &secret, &dir);
    cmd.env("ADDR", "127.0.0.1:0")
        .env("MIGRATIONS_DIR", app.join("migrations/sqlite"));
    if let Some(redis) = &redis {
        cmd.env("REDIS_URL", redis.url())
            .env("REVOKE_POLICY", "refuse");
    }
    let mut service = Proc::spawn(&mut cmd, dir.join("service.log"));
    service.wait_until("the Rust service", |log| {
        log.contains(" listening on http://")
    });
    let service_url = service
        .log()
        .lines()
        .find_map(|l| l.split(" listening on ").nth(1).map(str::to_owned))
        .unwrap();

    let mut seed = Command::new("node");
    env_common(&mut seed, mode, &secret, &dir);
    run_ok(seed.arg("scripts/seed.mjs").current_dir(&app), "seed");

    let port = free_port();
    let mut cmd = Command::new(app.join("node_modules/.bin/next"));
    env_common(&mut cmd, mode, &secret, &dir);
    cmd.args(["start", "-p", &port.to_string(), "-H", "127.0.0.1"])
        .env("MAIL_OUTBOX", dir.join("outbox.jsonl"))
        .env("RUST_SERVICE_URL", service_url)
        // The address the browser uses: Auth.js builds its links and redirects from it.
        .env("AUTH_URL", format!("http://127.0.0.1:{port}"))
        .current_dir(&app);
    if let Some(redis) = &redis {
        cmd.env("REDIS_URL", redis.url());
    }
    let mut next = Proc::spawn(&mut cmd, dir.join("next.log"));
    next.wait_until("next start", |_| http_status(port, "/").is_some());
    Stack {
        base: format!("http://127.0.0.1:{port}"),
        secret,
        dir,
        app: next,
        service,
        redis,
    }
}

/// The status of `GET path` on 127.0.0.1:port, or None when nothing answers yet.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

impl Stack {
    /// Prints both servers' logs (for a failing run).
    fn dump_logs(&self) {
        eprintln!("--- next start ---\n{}", self.app.log());
        eprintln!("--- service ---\n{}", self.service.log());
    }

    /// Runs `e2e/browser.mjs` against this stack; panics with its output and the logs on failure.
    fn browser(&self, mode: &str) -> Vec<Value> {
        let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-shots");
        let readme_shot = root().join("docs/img/dashboard.png");
        fs::create_dir_all(readme_shot.parent().unwrap()).unwrap();
        let cfg = json!({
            "base": self.base,
            "mode": mode,
            "secret": self.secret,
            "database": self.dir.join("app.db"),
            "outbox": self.dir.join("outbox.jsonl"),
            "shots": shots,
            "readmeShot": readme_shot,
            "redis": self.redis.is_some(),
        });
        let started = Instant::now();
        let out = authgen_testkit::npm::node(
            &app_dir(),
            "e2e/browser.mjs",
            &[],
            cfg.to_string().as_bytes(),
            &[],
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            self.dump_logs();
            panic!(
                "browser run ({mode}) failed:\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        eprintln!(
            "e2e: browser ({mode}) passed in {:?}; screenshots in {}",
            started.elapsed(),
            shots.display()
        );
        let lines: Vec<Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("browser.mjs prints JSON lines"))
            .collect();
        for note in lines.iter().filter(|l| l.get("note").is_some()) {
            eprintln!("e2e: {note}");
        }
        lines
    }
}

/// The checks `browser.mjs` reported: all passed, and every role and case is among them.
fn assert_browser_report(lines: &[Value], mode: &str, extra: &[&str]) {
    let done = lines.last().expect("a report");
    assert_eq!(done["done"], true, "{done}");
    let names: Vec<&str> = lines.iter().filter_map(|l| l["check"].as_str()).collect();
    assert!(lines
        .iter()
        .all(|l| l.get("check").is_none() || l["ok"] == true));
    for who in ["ANON", "USER", "MODERATOR", "ADMIN"] {
        for what in [
            "/admin",
            "/moderation",
            "/dashboard",
            "tRPC",
            "Rust service",
            "/api/admin/report",
        ] {
            let name = format!("{mode} {who} {what}");
            assert!(names.contains(&name.as_str()), "missing check `{name}`");
        }
    }
    for what in ["server action", "dashboard role"] {
        for who in ["USER", "MODERATOR", "ADMIN"] {
            let name = format!("{mode} {who} {what}");
            assert!(names.contains(&name.as_str()), "missing check `{name}`");
        }
    }
    for name in extra {
        assert!(names.contains(name), "missing check `{name}`");
    }
}

/// A next-auth v5 session cookie minted by `authgen encode` for a seeded role.
fn mint(secret: &str, role: &str, permissions: &[&str]) -> String {
    let claims = json!({
        "sub": format!("id-{role}"), "id": format!("id-{role}"), "role": role,
        "permissions": permissions, "name": role, "email": format!("{role}@example.com"),
    });
    let out = run_captured(
        &["encode", "--next-auth", "v5", &claims.to_string()],
        &root(),
        &[("AUTH_SECRET", secret)],
        b"",
    );
    assert_eq!(out.exit, Exit::Ok, "{}", out.stderr);
    out.stdout.trim().to_owned()
}

fn status_table(stack: &Stack) -> Value {
    let cookies = json!({
        "ANON": "",
        "USER": mint(&stack.secret, "USER", &[]),
        "MODERATOR": mint(&stack.secret, "MODERATOR", &["posts:read", "posts:write"]),
        "ADMIN": mint(&stack.secret, "ADMIN", &["posts:read", "posts:write", "users:manage"]),
    });
    let input = json!({ "base": stack.base, "cookies": cookies }).to_string();
    let out =
        authgen_testkit::npm::node_ok(&app_dir(), "e2e/status.mjs", &[], input.as_bytes(), &[]);
    serde_json::from_str(&out).unwrap()
}

#[test]
fn the_example_app_generated_files_and_migrations_are_current() {
    for args in [
        &["check", "--config", "examples/next-app/authgen.toml"][..],
        &[
            "migrate",
            "check",
            "--config",
            "examples/next-app/authgen.toml",
        ][..],
    ] {
        let out = run_captured(args, &root(), &[], b"");
        assert_eq!(
            out.exit,
            Exit::Ok,
            "{args:?}:\n{}{}",
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn jwt_sessions_in_a_real_browser_and_over_http() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    ensure_chromium();
    ensure_built();
    let stack = start("jwt");

    // Without a browser: cookies minted by `authgen encode`; a redirect (sign-in) is 307.
    let table = status_table(&stack);
    let want = json!({
        "ANON": {"/api/me": 401, "/admin": 401, "/api/admin/report": 401, "/moderation": 307, "trpc adminStats": 401, "trpc createPost": 401},
        "USER": {"/api/me": 200, "/admin": 403, "/api/admin/report": 403, "/moderation": 403, "trpc adminStats": 403, "trpc createPost": 403},
        "MODERATOR": {"/api/me": 200, "/admin": 403, "/api/admin/report": 403, "/moderation": 200, "trpc adminStats": 403, "trpc createPost": 200},
        "ADMIN": {"/api/me": 200, "/admin": 200, "/api/admin/report": 200, "/moderation": 200, "trpc adminStats": 200, "trpc createPost": 200},
    });
    if table != want {
        stack.dump_logs();
    }
    assert_eq!(table, want, "status table with `authgen encode` cookies");

    let report = stack.browser("jwt");
    assert_browser_report(
        &report,
        "jwt",
        &[
            "jwt after sign-out: service /me",
            "jwt signed-out cookie replayed (Redis): service /me",
            "jwt tampered cookie: service /me",
            "jwt expired session: service /me",
        ],
    );
    let dir = stack.dir.clone();
    drop(stack);
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn database_sessions_in_a_real_browser() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    ensure_chromium();
    ensure_built();
    let stack = start("database");
    let report = stack.browser("database");
    assert_browser_report(
        &report,
        "database",
        &[
            "database after sign-out: service /me",
            "database old cookie after sign-out: service /me",
            "database tampered cookie: service /me",
            "database expired session: service /me",
            "database role → ADMIN: service /admin/stats",
            "database role → ADMIN: dashboard role",
        ],
    );
    let dir = stack.dir.clone();
    drop(stack);
    let _ = fs::remove_dir_all(dir);
}
