//! `authgen revoke`, the real binary against a private `redis-server`: what it writes is read
//! by the runtime's own `Revocations` on the same server (a service instance), which refuses
//! the revoked tokens; Redis down is a clear error naming host:port, never the password.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use authgen_cli::{run_captured, Exit};
use authgen_runtime::revoke::{FailurePolicy, RevocationError, Revocations, TokenRef};
use authgen_testkit::redis::{free_port, RedisServer};

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Runs the built `authgen` with `args`, `stdin`, and `REDIS_URL` = `redis_url` (or unset).
fn authgen(args: &[&str], stdin: &[u8], redis_url: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_authgen"));
    cmd.args(args)
        .env_remove("REDIS_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = redis_url {
        cmd.env("REDIS_URL", url);
    }
    let mut child = cmd.spawn().expect("run authgen");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One inline command on a plain socket; the raw RESP reply.
fn raw(server: &RedisServer, command: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    s.write_all(format!("{command}\r\n").as_bytes()).unwrap();
    let mut buf = [0u8; 256];
    let n = s.read(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// A service instance on `server` (no cache: every check asks Redis).
fn service(server: &RedisServer) -> Revocations {
    Revocations::builder(server.url(), FailurePolicy::Refuse)
        .cache(0, Duration::ZERO)
        .build()
        .unwrap()
}

fn user(id: &str, iat: i64) -> TokenRef<'_> {
    TokenRef {
        user_id: Some(id),
        iat: Some(iat),
        jti: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_user_refuses_the_users_older_tokens_on_the_service() {
    let server = RedisServer::start();
    let r = service(&server);
    let now = unix_now();
    // Before: the service accepts.
    assert_eq!(r.check(user("u-1", now - 10)).await, Ok(()));

    let out = authgen(
        &["revoke", "user", "u-1", "--redis", &server.url()],
        b"",
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("revoked user u-1: tokens issued before "),
        "{stdout}"
    );
    assert!(stdout
        .trim_end()
        .ends_with(&format!("on 127.0.0.1:{}", server.port)));
    assert_eq!(
        r.check(user("u-1", now - 10)).await,
        Err(RevocationError::Revoked)
    );
    assert_eq!(
        r.check(user("u-1", now)).await,
        Err(RevocationError::Revoked),
        "this second too"
    );
    assert_eq!(
        r.check(user("u-1", now + 5)).await,
        Ok(()),
        "a later sign-in"
    );
    assert_eq!(r.check(user("u-other", now - 10)).await, Ok(()));

    // An explicit cutoff and maxAge, the URL from REDIS_URL.
    let at = (now - 100).to_string();
    let args = ["revoke", "user", "u-2", "--at", &at, "--max-age", "3600"];
    let out = authgen(&args, b"", Some(&server.url()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        r.check(user("u-2", now - 101)).await,
        Err(RevocationError::Revoked)
    );
    assert_eq!(r.check(user("u-2", now - 100)).await, Ok(()));
    assert!(raw(&server, "GET authgen:revoked:user:u-2").ends_with(&format!("{at}\r\n")));
    let ttl = raw(&server, "TTL authgen:revoked:user:u-2");
    let ttl: i64 = ttl.trim().trim_start_matches(':').parse().unwrap();
    assert!(
        (3400..=3500).contains(&ttl),
        "kept maxAge after the cutoff: {ttl}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_token_refuses_that_jti_until_it_expires() {
    let server = RedisServer::start();
    let r = service(&server);
    let now = unix_now();
    let jti = |j| TokenRef {
        user_id: Some("u-t"),
        iat: Some(now),
        jti: Some(j),
    };
    let exp = (now + 3600).to_string();
    let out = authgen(
        &[
            "revoke",
            "token",
            "j-1",
            "--exp",
            &exp,
            "--redis",
            &server.url(),
        ],
        b"",
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with(&format!("revoked token j-1 until it expires at {exp}")));
    assert_eq!(r.check(jti("j-1")).await, Err(RevocationError::Revoked));
    assert_eq!(r.check(jti("j-2")).await, Ok(()));
    let ttl = raw(&server, "TTL authgen:revoked:jti:j-1");
    let ttl: i64 = ttl.trim().trim_start_matches(':').parse().unwrap();
    assert!((3600..=3660).contains(&ttl), "exp + 60 s: {ttl}");

    // Expired long ago: nothing to store, and it says so.
    let out = authgen(
        &[
            "revoke",
            "token",
            "j-old",
            "--exp",
            "1000",
            "--redis",
            &server.url(),
        ],
        b"",
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("nothing stored: token j-old expired at 1000"));
    assert_eq!(raw(&server, "EXISTS authgen:revoked:jti:j-old"), ":0\r\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_session_reads_the_token_from_stdin_and_every_instance_hears_it() {
    let server = RedisServer::start();
    let heard = Arc::new(Mutex::new(Vec::<[u8; 32]>::new()));
    let sink = Arc::clone(&heard);
    let r = Revocations::builder(server.url(), FailurePolicy::Refuse)
        .on_session_revoked(move |d| sink.lock().unwrap().push(*d))
        .build()
        .unwrap();
    let start = Instant::now();
    while !r.is_listening() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "listener subscribed"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let token = "3c2d1e0f-session-token-from-the-cookie";
    let out = authgen(
        &["revoke", "session", "--redis", &server.url()],
        format!("{token}\n").as_bytes(),
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout) + &text(&out.stderr);
    assert!(
        !printed.contains(token),
        "the session token is never printed"
    );
    let expected = authgen_runtime::revoke::RevocationMessage::session(token);
    let authgen_runtime::revoke::RevocationMessage::Session { sha256 } = expected else {
        panic!("a session message");
    };
    let start = Instant::now();
    loop {
        let got: Vec<String> = heard.lock().unwrap().iter().map(hex).collect();
        if got.contains(&sha256) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "heard {got:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    // Nothing on stdin, or two lines: usage errors, nothing published.
    for input in [&b""[..], b"\n  \n", b"a\nb\n"] {
        let out = authgen(
            &["revoke", "session", "--redis", &server.url()],
            input,
            None,
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).starts_with("authgen revoke session: "));
    }
    assert_eq!(heard.lock().unwrap().len(), 1);
}

fn hex(d: &[u8; 32]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn redis_down_is_a_clear_error_naming_host_and_port_not_the_password() {
    let port = free_port(); // nothing listens there
    let url = format!("redis://:s3cret-pass@127.0.0.1:{port}/0");
    for args in [
        vec!["revoke", "user", "u-1"],
        vec!["revoke", "token", "j-1", "--exp", "99999999999"],
    ] {
        let out = authgen(&args, b"", Some(&url));
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(&format!(
                "authgen revoke: cannot write to Redis at 127.0.0.1:{port}: "
            )),
            "{stderr}"
        );
        assert!(!stderr.contains("s3cret"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn bad_numbers_and_urls_are_usage_errors_naming_the_value() {
    let cwd = std::env::temp_dir();
    let r = run_captured(&["revoke", "token", "j", "--exp", "soon"], &cwd, &[], b"");
    assert_eq!(r.exit, Exit::Usage);
    assert!(
        r.stderr.contains("`soon` is not a time in unix seconds"),
        "{}",
        r.stderr
    );
    let r = run_captured(&["revoke", "user", "u", "--at=-5"], &cwd, &[], b"");
    assert_eq!(r.exit, Exit::Usage);
    assert!(
        r.stderr.contains("`-5` is not a time in unix seconds"),
        "{}",
        r.stderr
    );
    let r = run_captured(&["revoke", "user", "u", "--max-age", "0"], &cwd, &[], b"");
    assert_eq!(r.exit, Exit::Usage);
    assert!(
        r.stderr.contains("`0` is not a number of seconds"),
        "{}",
        r.stderr
    );
    let r = run_captured(&["revoke", "token", "j"], &cwd, &[], b"");
    assert_eq!(r.exit, Exit::Usage, "--exp is required");
    let r = run_captured(
        &["revoke", "user", "u", "--redis", "http://:pw@example.com"],
        &cwd,
        &[],
        b"",
    );
    assert_eq!(r.exit, Exit::Usage, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("authgen revoke: Redis URL for example.com:6379: "),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("pw"), "{}", r.stderr);
}

#[test]
fn revoke_help() {
    let cwd = std::env::temp_dir();
    for args in [
        &["revoke", "--help"][..],
        &["revoke", "user", "--help"],
        &["revoke", "token", "--help"],
        &["revoke", "session", "--help"],
    ] {
        let r = run_captured(args, &cwd, &[], b"");
        assert_eq!(r.exit, Exit::Ok);
        let name = format!("help_{}", args[..args.len() - 1].join("_"));
        insta::assert_snapshot!(name, r.stdout);
    }
}
