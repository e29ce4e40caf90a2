//! The service with `REDIS_URL` (JWT mode) refuses what the app revokes: a private
//! `redis-server` per test on a free port, the service's real binary, cookies minted with the
//! runtime's next-auth v5 encoder, and the revocations written by the Next app's own generated
//! `examples/next-app/src/auth/generated/revoke.ts`, run by Node with node-redis 5 (the client
//! the app uses) through the driver script of `fixtures/ts/redis/src/cross.ts`.
//!
//! Proven: a revoked `jti` and a revoked user are 401 on every authenticated route within
//! 100 ms of the Node script's end (the pub/sub listener, not the 5 s cache); Redis down under
//! `REVOKE_POLICY=refuse` is 503 with `Retry-After`, and 200 again once Redis is back, without
//! restarting the service; `allow` accepts on the token alone; the configuration errors name
//! the variable and never the URL's password.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use authgen::runtime::revoke::CHANNEL;
use authgen::runtime::{EncodeOptions, NextAuthVersion, Verifier};
use authgen_testkit::redis::{free_port, RedisServer};
use authgen_testkit::revoke_ts::RevokeDriver;
use common::{run_to_exit, Answer, Service};
use serde_json::{json, Value};

const SECRET: &str = "svc-revoke-secret-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
/// The issue's bound, from the end of the Node script to the first 401.
const BOUND: Duration = Duration::from_millis(100);

/// One inline command to the server on `port`, on a fresh connection: the raw reply (`None`:
/// nothing answered within half a second).
fn redis_cmd(port: u16, cmd: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_millis(500))).ok()?;
    s.write_all(format!("{cmd}\r\n").as_bytes()).ok()?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 256];
    // The replies read here are 2-element arrays (`*2 $n name :count`): 4 CRLF.
    while reply.windows(2).filter(|w| w == b"\r\n").count() < 4 {
        let n = s.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&reply).into_owned())
}

/// Waits until `n` clients are subscribed to the revocations channel (the service's
/// listener); panics after 10 s.
fn await_subscribers(server: &RedisServer, n: u32) {
    let want = format!(":{n}\r\n");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let reply = redis_cmd(server.port, &format!("PUBSUB NUMSUB {CHANNEL}"));
        if reply.as_deref().is_some_and(|r| r.ends_with(&want)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no {n} subscriber(s) on {CHANNEL} within 10 s: {reply:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The app's own committed `revoke.ts`, compiled with the fixture's `cross.ts`.
struct NodeSide(RevokeDriver);

impl NodeSide {
    fn compile(label: &str) -> NodeSide {
        let app_revoke = authgen_testkit::workspace_root()
            .join("examples/next-app/src/auth/generated/revoke.ts");
        let source =
            std::fs::read(&app_revoke).unwrap_or_else(|e| panic!("{}: {e}", app_revoke.display()));
        NodeSide(RevokeDriver::compile(&format!("svc-{label}"), &source))
    }

    /// Runs `ops` through the app's `revoke.ts` with node-redis; one result per operation.
    fn run(&self, url: &str, ops: Value) -> Vec<Value> {
        self.0.run("redis", url, &ops)
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn verifier() -> Verifier {
    Verifier::builder(NextAuthVersion::V5)
        .secret(SECRET)
        .build()
        .unwrap()
}

/// A cookie of an ADMIN with `posts:write` (every route answers it), issued at `iat`; with
/// its `jti` and `exp`.
fn mint(user: &str, iat: i64) -> (String, String, i64) {
    let claims = json!({
        "name": "Ada", "email": "ada@example.com", "picture": null, "sub": user,
        "id": user, "role": "ADMIN", "permissions": ["posts:write"],
    });
    let options = EncodeOptions {
        now: Some(iat),
        ..EncodeOptions::default()
    };
    let token = verifier().encode_with(&claims, options).unwrap();
    let decoded = verifier().decode_map(&token).unwrap();
    let jti = decoded["jti"].as_str().unwrap().to_owned();
    (token, jti, decoded["exp"].as_i64().unwrap())
}

fn start(redis_url: &str, policy: &str) -> Service {
    Service::start(&[
        ("AUTH_SECRET", SECRET),
        ("REDIS_URL", redis_url),
        ("REVOKE_POLICY", policy),
    ])
}

/// What the three authenticated routes answer a valid ADMIN session.
const OK: [u16; 3] = [200, 200, 201];

/// The statuses of `/api/me`, `/api/admin/stats` and `POST /api/posts` for `token`.
fn routes(service: &Service, token: &str) -> [u16; 3] {
    let cookie = format!("{}={token}", common::COOKIE);
    let post = service.send(
        "POST",
        "/api/posts",
        &[("Cookie", &cookie), ("Content-Type", "application/json")],
        r#"{"title":"hello"}"#,
    );
    [
        service.get("/api/me", Some(token)).status,
        service.get("/api/admin/stats", Some(token)).status,
        post.status,
    ]
}

/// Polls `/api/me` until it answers `status`; how long it took, or `None` after `limit`.
fn me_within(service: &Service, token: &str, status: u16, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    loop {
        if service.get("/api/me", Some(token)).status == status {
            return Some(start.elapsed());
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn assert_unavailable(a: &Answer) {
    assert_eq!(a.status, 503, "{}", a.body);
    assert_eq!(a.json(), json!({ "error": "unavailable" }));
    let retry: u64 = a
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After in {}", a.head));
    assert!((1..=5).contains(&retry), "Retry-After: {retry}");
}

#[test]
fn tokens_and_users_revoked_by_the_app_are_refused_and_redis_down_is_503() {
    let node = NodeSide::compile("revoked");
    let mut redis = RedisServer::start();
    let mut service = start(&redis.url(), "refuse");
    await_subscribers(&redis, 1);
    let now = unix_now();
    let (by_jti, jti, exp) = mint("u-jti", now);
    let (older, _, _) = mint("u-banned", now - 10);
    assert_eq!(routes(&service, &by_jti), OK);
    assert_eq!(routes(&service, &older), OK);

    // The app signs out: revokeToken(jti, exp). The answers above are cached for 5 s, so only
    // the pub/sub message explains a refusal within 100 ms.
    let results = node.run(
        &redis.url(),
        json!([{ "op": "token", "jti": jti, "exp": exp }]),
    );
    assert_eq!(results, [json!(true)]);
    let took = me_within(&service, &by_jti, 401, BOUND)
        .unwrap_or_else(|| panic!("the revoked jti was still accepted {BOUND:?} later"));
    println!("revokeToken: 401 after {took:?}");
    assert_eq!(routes(&service, &by_jti), [401; 3]);
    assert_eq!(routes(&service, &older), OK, "another token is unaffected");

    // A ban: revokeUser(user, { at: now }) refuses the tokens issued before `now`.
    let results = node.run(
        &redis.url(),
        json!([{ "op": "user", "id": "u-banned", "at": now }]),
    );
    assert_eq!(results, [json!(null)]);
    let took = me_within(&service, &older, 401, BOUND)
        .unwrap_or_else(|| panic!("the revoked user was still accepted {BOUND:?} later"));
    println!("revokeUser: 401 after {took:?}");
    assert_eq!(routes(&service, &older), [401; 3]);
    let (signed_in_again, _, _) = mint("u-banned", now);
    assert_eq!(
        routes(&service, &signed_in_again),
        OK,
        "issued at the cutoff"
    );

    // Redis down under `refuse`: a token not in the cache cannot be checked.
    redis.kill();
    let (fresh, _, _) = mint("u-fresh", unix_now());
    assert_unavailable(&service.get("/api/me", Some(&fresh)));
    assert_eq!(routes(&service, &fresh), [503; 3]);

    // Back: accepted again without a restart of the service.
    redis.restart();
    let took = me_within(&service, &fresh, 200, Duration::from_secs(5))
        .expect("200 within 5 s of Redis restarting");
    println!("Redis back: 200 after {took:?}");
    assert_eq!(routes(&service, &fresh), OK);
    assert!(service.alive(), "the same service process");
    let stderr = service.stderr();
    assert!(stderr.contains("revocations: "), "{stderr}");
    for secret in [&fresh, &jti, &by_jti] {
        assert!(
            !stderr.contains(secret.as_str()),
            "a token in the log: {stderr}"
        );
    }
}

#[test]
fn allow_accepts_the_token_alone_while_redis_is_down_and_refuse_does_not() {
    // Nothing listens on this port (bound, then released).
    let url = format!("redis://127.0.0.1:{}", free_port());
    let (token, _, _) = mint("u-allow", unix_now());
    let allow = start(&url, "allow");
    assert_eq!(routes(&allow, &token), OK);
    assert_eq!(
        allow.get("/api/me", None).status,
        401,
        "still a session check"
    );
    let refuse = start(&url, "refuse");
    assert_unavailable(&refuse.get("/api/me", Some(&token)));
    assert_eq!(
        refuse.get("/api/health", None).status,
        200,
        "no session needed"
    );
}

#[test]
fn revocation_settings_errors_name_the_variable_and_never_the_password() {
    let url = "redis://:hunter2@127.0.0.1:6379/0";
    // The environment (with AUTH_SECRET), the variable the error names, and another word in it.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 5] = [
        (&[("REDIS_URL", url)], "REVOKE_POLICY", "refuse"),
        (
            &[("REDIS_URL", url), ("REVOKE_POLICY", "maybe")],
            "REVOKE_POLICY",
            "maybe",
        ),
        (&[("REVOKE_POLICY", "refuse")], "REVOKE_POLICY", "REDIS_URL"),
        (
            &[
                ("REDIS_URL", "rediss://:hunter2@h/0"),
                ("REVOKE_POLICY", "allow"),
            ],
            "REDIS_URL",
            "`rediss`",
        ),
        (
            &[
                ("REDIS_URL", "redis://:hunter2@h:notaport/0"),
                ("REVOKE_POLICY", "allow"),
            ],
            "REDIS_URL",
            "REDIS_URL",
        ),
    ];
    for (env, var, also) in cases {
        let mut env = env.to_vec();
        env.push(("AUTH_SECRET", SECRET));
        let (code, stderr) = run_to_exit(&env);
        assert_ne!(code, Some(0), "{env:?}");
        assert!(
            stderr.contains(var) && stderr.contains(also),
            "{env:?}: {stderr}"
        );
        assert!(
            !stderr.contains("hunter2") && !stderr.contains(SECRET),
            "{stderr}"
        );
    }
}

#[test]
fn database_mode_says_redis_is_not_read() {
    let dir = std::env::temp_dir().join(format!("svc-revoke-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_url = format!("sqlite://{}", dir.join("app.db").display());
    let service = Service::start(&[
        ("AUTH_SECRET", SECRET),
        ("AUTH_STRATEGY", "database"),
        ("DATABASE_URL", &db_url),
        ("REDIS_URL", "redis://127.0.0.1:1"),
        ("REVOKE_POLICY", "refuse"),
    ]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !service.stderr().contains("REDIS_URL is not read") {
        assert!(Instant::now() < deadline, "no note: {}", service.stderr());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(service.get("/api/health", None).status, 200);
    drop(service);
    let _ = std::fs::remove_dir_all(&dir);
}
