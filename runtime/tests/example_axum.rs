//! `runtime/examples/axum.rs` run as a user runs it: the example's binary started on a free port
//! with `AUTH_SECRET` and a SQLite database migrated by authgen whose rows the real
//! `@auth/kysely-adapter` wrote, then called over HTTP with session cookies minted by the real
//! next-auth 5 (JWT) and with the adapter's session tokens (database sessions).

mod axum_support;
mod db_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, Stdio};

use authgen_runtime::db::Dialect;
use axum_support::next_auth_tokens;
use db_support::*;
use serde_json::{json, Value};

const SECRET: &str = "example-axum-secret-0123456789abcdef";
const COOKIE: &str = "authjs.session-token";

/// `target/<profile>/examples/axum`, which `cargo test` builds beside this test's binary.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps/<test>");
    let bin = profile_dir
        .join("examples")
        .join(format!("axum{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: run this test through `cargo test` without `--test` filters on the \
         build (it builds the examples), e.g. `cargo test -p authgen-runtime --all-features`",
        bin.display()
    );
    let source = authgen_testkit::workspace_root().join("runtime/examples/axum.rs");
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).unwrap();
    assert!(
        modified(&bin) >= modified(&source),
        "{} is older than {}: rebuild it (`cargo test -p authgen-runtime --all-features`)",
        bin.display(),
        source.display()
    );
    bin
}

/// The running example; killed when dropped, also when an assertion fails.
struct Service {
    child: Child,
    port: u16,
    /// The example's stderr, kept open so that it never writes into a closed pipe.
    _stderr: BufReader<ChildStderr>,
}

impl Service {
    fn start(database_url: &str) -> Service {
        let mut child = Command::new(example_binary())
            .env_clear()
            .env("AUTH_SECRET", SECRET)
            .env("ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the example");
        let mut line = String::new();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        stderr
            .read_line(&mut line)
            .expect("the example's first line");
        let port = line
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!("the example did not start: {line:?}")
            });
        assert!(
            line.contains("(session cookie `authjs.session-token`)"),
            "{line}"
        );
        Service {
            child,
            port,
            _stderr: stderr,
        }
    }

    /// `GET path` with an optional `Cookie` header: the status and the body.
    fn get(&self, path: &str, cookie: Option<&str>) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        if let Some(c) = cookie {
            req.push_str(&format!("Cookie: {c}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).expect("send");
        let mut resp = String::new();
        s.read_to_string(&mut resp).expect("read");
        let status = resp
            .get(9..12)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {resp:?}"));
        let body = resp.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, body.to_owned())
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_example_serves_next_auth_cookies_and_database_sessions() {
    let rt = runtime();
    let db = rt.block_on(Migrated::new(Dialect::Sqlite, "prisma", "example_axum"));
    let written = write_sessions("kysely", &db);
    let service = Service::start(&db.url);
    let cookie = |token: &str| format!("theme=dark; {COOKIE}={token}");

    // JWT sessions, minted by next-auth with the service's secret (and one with another).
    let minted = next_auth_tokens(
        "v5",
        SECRET,
        COOKIE,
        &[
            json!({ "sub": "user-7", "name": "Zoë", "email": "zoe@example.com", "role": "ADMIN" }),
            json!({ "sub": "user-8", "name": "Plain", "email": "plain@example.com" }),
        ],
    );
    let other = next_auth_tokens(
        "v5",
        "another-secret-0123456789abcdefghijkl",
        COOKIE,
        &[json!({ "sub": "user-7", "role": "ADMIN" })],
    );
    let (admin, plain) = (cookie(&minted[0]), cookie(&minted[1]));

    assert_eq!(service.get("/", None), (200, "hello stranger".into()));
    assert_eq!(service.get("/", Some(&admin)), (200, "hello Zoë".into()));
    let (status, body) = service.get("/me", Some(&admin));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({ "id": "user-7", "name": "Zoë", "email": "zoe@example.com", "role": "ADMIN" })
    );
    assert_eq!(
        service.get("/admin", Some(&admin)),
        (200, "admin area for user-7".into())
    );
    // No role claim: the example's default role, USER, which is not enough for /admin.
    assert_eq!(service.get("/admin", Some(&plain)).0, 403);
    for c in [None, Some(cookie(&other[0])), Some(cookie("garbage"))] {
        let (status, body) = service.get("/me", c.as_deref());
        assert_eq!(status, 401, "{c:?}: {body}");
        assert!(body.contains(r#""error":"unauthorized""#), "{body}");
    }

    // Database sessions: the adapter's session tokens, looked up in the adapter's rows.
    let s = &written.sessions;
    let (status, body) = service.get("/db/me", Some(&cookie(&s.admin.token)));
    assert_eq!(status, 200, "{body}");
    let me: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(me["id"], json!(written.users.admin.id));
    assert_eq!(me["email"], json!(written.users.admin.email));
    assert_eq!(me["role"], json!("ADMIN"));
    assert_eq!(
        service.get("/db/admin", Some(&cookie(&s.admin.token))),
        (200, format!("admin area for {}", written.users.admin.id))
    );
    assert_eq!(
        service.get("/db/admin", Some(&cookie(&s.plain.token))).0,
        403
    );
    assert_eq!(
        service.get("/db/me", Some(&cookie(&s.expired.token))).0,
        401
    );
    // A JWT is not a database session token.
    assert_eq!(service.get("/db/me", Some(&admin)).0, 401);
}
