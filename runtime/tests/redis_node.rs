//! The generated `revoke.ts` against the Rust runtime on a real Redis (a private `redis-server`
//! per test): a Node script (`fixtures/ts/redis/src/cross.ts`, compiled with the fixture's tsc
//! together with the `revoke.ts` that codegen writes) calls `revokeUser`, `revokeToken` and
//! `revokeSession` with node-redis 5 and with ioredis 5, and a listening `Revocations`
//! (`FailurePolicy::Refuse`, a 60 s cache) refuses the user's older token and the token id, and
//! hears the session's SHA-256, within 100 ms of the script's end. The stored values and expiry
//! times are read back exactly, and both sides write byte-equal values, expiry times and
//! messages for the same inputs.

mod redis_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use authgen_codegen::config::Config;
use authgen_codegen::emit::Emitter;
use authgen_codegen::frontend::check::check;
use authgen_codegen::model::Model;
use authgen_codegen::ts::Revoke;
use authgen_runtime::revoke::{
    token_key, user_key, FailurePolicy, RevocationError, RevocationMessage, Revocations, TokenRef,
    CHANNEL, DEFAULT_USER_KEY_TTL, TOKEN_KEY_GRACE,
};
use authgen_testkit::revoke_ts::RevokeDriver;
use futures_util::StreamExt;
use redis_support::{builder, listening, raw, unix_now, within, RedisServer};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The goal on loopback, measured from the end of the Node script (every message was
/// published before it exited).
const BOUND: Duration = Duration::from_millis(100);
const CLIENTS: [&str; 2] = ["redis", "ioredis"];

/// The `revoke.ts` codegen writes, compiled with the fixture's `cross.ts`.
struct NodeSide(RevokeDriver);

impl NodeSide {
    fn compile(label: &str) -> NodeSide {
        let model = check(Model::default()).unwrap();
        let files = Revoke.emit(&model, &Config::default()).unwrap();
        NodeSide(RevokeDriver::compile(
            &format!("cross-{label}"),
            files[0].contents.as_bytes(),
        ))
    }

    /// Runs `ops` with `client` (`redis` or `ioredis`); one result per operation.
    async fn run(&self, client: &str, url: &str, ops: Value) -> Vec<Value> {
        tokio::task::block_in_place(|| self.0.run(client, url, &ops))
    }
}

/// `GET key` and `EXPIRETIME key` (absolute unix seconds; -2 when the key is absent).
async fn stored(conn: &mut redis::aio::MultiplexedConnection, key: &str) -> (Option<String>, i64) {
    let value: Option<String> = redis::cmd("GET").arg(key).query_async(conn).await.unwrap();
    let expire: i64 = redis::cmd("EXPIRETIME")
        .arg(key)
        .query_async(conn)
        .await
        .unwrap();
    (value, expire)
}

/// Every message published on [`CHANNEL`] from now on, in order.
async fn messages(server: &RedisServer) -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let client = redis::Client::open(server.url()).unwrap();
    let mut pubsub = client.get_async_pubsub().await.unwrap();
    pubsub.subscribe(CHANNEL).await.unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut stream = pubsub.into_on_message();
        while let Some(msg) = stream.next().await {
            let _ = tx.send(msg.get_payload::<String>().unwrap());
        }
    });
    rx
}

async fn next_message(rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("a message within 5 s")
        .expect("the subscriber is alive")
}

fn token<'a>(user: &'a str, iat: i64, jti: &'a str) -> TokenRef<'a> {
    TokenRef {
        user_id: Some(user),
        iat: Some(iat),
        jti: Some(jti),
    }
}

/// Polls until `t` is refused; panics after [`BOUND`].
async fn refused(r: &Revocations, t: TokenRef<'_>, what: &str) {
    let took = within(BOUND, async || {
        r.check(t).await == Err(RevocationError::Revoked)
    })
    .await
    .unwrap_or_else(|| panic!("{what}: still accepted {BOUND:?} after Node revoked it"));
    println!("{what}: refused {took:?} after the Node script ended");
}

/// A listening instance with a 60 s cache (so only a pub/sub message explains a quick refusal)
/// whose `on_session_revoked` hook collects the digests it hears.
async fn instance(server: &RedisServer) -> (Revocations, Arc<Mutex<Vec<[u8; 32]>>>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = heard.clone();
    let r = builder(server, FailurePolicy::Refuse)
        .cache(1_000, Duration::from_secs(60))
        .on_session_revoked(move |d| sink.lock().unwrap().push(*d))
        .build()
        .unwrap();
    listening(&r).await;
    (r, heard)
}

async fn node_revokes_and_rust_refuses(node: &NodeSide, client: &str) {
    let server = RedisServer::start();
    let (r, heard) = instance(&server).await;
    let mut conn = raw(&server).await;
    let now = unix_now();
    let (user, jti, other) = (format!("u-{client}"), format!("j-{client}"), "bystander");
    let old = token(&user, now - 10, "unrelated-jti");
    let by_jti = token(other, now, &jti);
    assert_eq!(r.check(old).await, Ok(()));
    assert_eq!(r.check(by_jti).await, Ok(()));
    assert_eq!(
        r.cached(),
        4,
        "both users and both token ids are cached (60 s)"
    );

    let session_token = format!("session-of-{client}");
    let results = node
        .run(
            client,
            &server.url(),
            json!([
                { "op": "user", "id": user, "at": now, "maxAge": 3600 },
                { "op": "token", "jti": jti, "exp": now + 600 },
                { "op": "session", "token": session_token },
                { "op": "token", "jti": "long-gone", "exp": now - 61 },
            ]),
        )
        .await;
    assert_eq!(
        results,
        [json!(null), json!(true), json!(null), json!(false)]
    );
    refused(&r, old, &format!("{client}: revokeUser")).await;
    refused(&r, by_jti, &format!("{client}: revokeToken")).await;
    let digest: [u8; 32] = Sha256::digest(session_token.as_bytes()).into();
    within(BOUND, async || heard.lock().unwrap().contains(&digest))
        .await
        .unwrap_or_else(|| panic!("{client}: the session's SHA-256 was not heard"));
    assert_eq!(heard.lock().unwrap().len(), 1);
    assert_eq!(
        r.check(token(&user, now, "new")).await,
        Ok(()),
        "issued at the cutoff"
    );
    assert_eq!(r.check(token(other, now, "other")).await, Ok(()));

    // The exact values and expiry times, and nothing for a token expired beyond the grace.
    let (now_s, grace) = (now.to_string(), TOKEN_KEY_GRACE.as_secs() as i64);
    assert_eq!(
        stored(&mut conn, &user_key(&user)).await,
        (Some(now_s), now + 3600)
    );
    let exp = (now + 600).to_string();
    assert_eq!(
        stored(&mut conn, &token_key(&jti)).await,
        (Some(exp), now + 600 + grace)
    );
    assert_eq!(stored(&mut conn, &token_key("long-gone")).await, (None, -2));
    assert_eq!(r.failures(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_revocations_are_refused_by_a_listening_rust_instance() {
    let node = NodeSide::compile("refused");
    for client in CLIENTS {
        node_revokes_and_rust_refuses(&node, client).await;
    }
}

/// Inputs that JSON must escape: a quote, a backslash, a control character, non-ASCII.
const ODD_ID: &str = "ü\"\\\n\u{1}/é 𝄞";

/// What a writer left: each key's value and expiry time, and every message in order.
async fn written(
    conn: &mut redis::aio::MultiplexedConnection,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    keys: &[String],
    messages: usize,
) -> (Vec<(Option<String>, i64)>, Vec<String>) {
    let mut values = Vec::new();
    for key in keys {
        values.push(stored(conn, key).await);
    }
    let mut published = Vec::new();
    for _ in 0..messages {
        published.push(next_message(rx).await);
    }
    let _: () = redis::cmd("FLUSHALL").query_async(conn).await.unwrap();
    (values, published)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_and_rust_write_the_same_bytes() {
    let node = NodeSide::compile("bytes");
    let server = RedisServer::start();
    let r = builder(&server, FailurePolicy::Refuse).build().unwrap();
    let mut conn = raw(&server).await;
    let mut rx = messages(&server).await;
    let now = unix_now();
    let (at, exp) = (now - 5, now + 900);
    let keys = [user_key(ODD_ID), user_key("plain"), token_key(ODD_ID)];

    r.revoke_user(ODD_ID, at).await.unwrap();
    r.revoke_user("plain", at).await.unwrap();
    r.revoke_token(ODD_ID, exp).await.unwrap();
    r.revoke_session(ODD_ID).await.unwrap();
    let rust = written(&mut conn, &mut rx, &keys, 4).await;
    let ttl = DEFAULT_USER_KEY_TTL.as_secs() as i64;
    let grace = TOKEN_KEY_GRACE.as_secs() as i64;
    let expected_values = vec![
        (Some(at.to_string()), at + ttl),
        (Some(at.to_string()), at + ttl),
        (Some(exp.to_string()), exp + grace),
    ];
    assert_eq!(rust.0, expected_values);
    assert_eq!(
        rust.1[0],
        RevocationMessage::User {
            id: ODD_ID.into(),
            at
        }
        .to_json()
    );
    assert_eq!(rust.1[3], RevocationMessage::session(ODD_ID).to_json());

    for client in CLIENTS {
        let ops = json!([
            { "op": "user", "id": ODD_ID, "at": at },
            { "op": "user", "id": "plain", "at": at, "maxAge": ttl },
            { "op": "token", "jti": ODD_ID, "exp": exp },
            { "op": "session", "token": ODD_ID },
        ]);
        node.run(client, &server.url(), ops).await;
        let from_node = written(&mut conn, &mut rx, &keys, 4).await;
        assert_eq!(from_node, rust, "{client} wrote other bytes than Rust");
    }
    assert!(rx.try_recv().is_err(), "no other message");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_refuses_bad_arguments_and_writes_nothing() {
    let node = NodeSide::compile("bad");
    let server = RedisServer::start();
    let mut conn = raw(&server).await;
    let mut rx = messages(&server).await;
    let bad = |call: &str, args: Value| json!({ "op": "error", "call": call, "args": args });
    let ops = json!([
        bad("user", json!([""])),
        bad("user", json!([null])),
        bad("user", json!(["u", { "at": 1.5 }])),
        bad("user", json!(["u", { "maxAge": -1 }])),
        bad("token", json!(["j", "1767000000"])),
        bad("token", json!(["", 1_767_000_000])),
        bad("session", json!([""])),
    ]);
    for client in CLIENTS {
        let results = node.run(client, &server.url(), ops.clone()).await;
        let errors: Vec<&str> = results
            .iter()
            .map(|r| r["error"].as_str().unwrap_or("none"))
            .collect();
        assert_eq!(
            errors,
            [
                "TypeError: revoke.ts: userId must be a non-empty string, not empty",
                "TypeError: revoke.ts: userId must be a non-empty string, not object",
                "RangeError: revoke.ts: at must be whole unix seconds, not 1.5",
                "RangeError: revoke.ts: maxAge must not be negative, not -1",
                "RangeError: revoke.ts: exp must be whole unix seconds, not string",
                "TypeError: revoke.ts: jti must be a non-empty string, not empty",
                "TypeError: revoke.ts: sessionToken must be a non-empty string, not empty",
            ],
            "{client}"
        );
    }
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(keys.is_empty(), "{keys:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(rx.try_recv().is_err(), "nothing was published");
}
