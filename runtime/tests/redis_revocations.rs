//! Revocations across instances on a real Redis (a private `redis-server` per test): two
//! `Revocations` on separate connections and a raw writer standing in for the TypeScript side.
//! A revocation made on one side is refused on the other through pub/sub, well before the
//! cache TTL (60 s here) could explain it; revocations are in Redis, so a new instance sees them.

mod redis_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authgen_runtime::db::{SessionError, SessionSchema, SessionStore, ValueKind};
use authgen_runtime::revoke::{
    token_key, user_key, FailurePolicy, RevocationError, Revocations, TokenRef, CHANNEL,
};
use redis_support::{builder, listening, raw, raw_cmd, unix_now, within, RedisServer};
use sha2::{Digest, Sha256};

const LONG_TTL: Duration = Duration::from_secs(60);
/// The goal is 100 ms on loopback; the assertion leaves a wide margin for a loaded machine.
const BOUND: Duration = Duration::from_secs(2);

fn token<'a>(user: &'a str, iat: i64, jti: &'a str) -> TokenRef<'a> {
    TokenRef {
        user_id: Some(user),
        iat: Some(iat),
        jti: Some(jti),
    }
}

async fn two_instances(server: &RedisServer) -> (Revocations, Revocations) {
    let a = builder(server, FailurePolicy::Refuse)
        .cache(1_000, LONG_TTL)
        .build()
        .unwrap();
    let b = builder(server, FailurePolicy::Refuse)
        .cache(1_000, LONG_TTL)
        .build()
        .unwrap();
    listening(&a).await;
    listening(&b).await;
    (a, b)
}

/// Polls `r.check(t)` until it is refused; prints the time since `since` (the revocation).
async fn refused_within(r: &Revocations, t: TokenRef<'_>, what: &str, since: Instant) {
    within(BOUND, async || {
        r.check(t).await == Err(RevocationError::Revoked)
    })
    .await
    .unwrap_or_else(|| panic!("{what}: still accepted after {BOUND:?}"));
    println!(
        "{what}: refused {:?} after the revocation began",
        since.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_revoked_on_one_instance_is_refused_on_the_other() {
    let server = RedisServer::start();
    let (a, b) = two_instances(&server).await;
    let now = unix_now();
    let old = token("u1", now - 10, "j-old");
    assert_eq!(b.check(old).await, Ok(()));
    assert_eq!(b.cached(), 2, "the user and the token id are cached");
    assert_eq!(b.check(old).await, Ok(()), "served from the cache");

    let since = Instant::now();
    a.revoke_user("u1", now).await.unwrap();
    refused_within(&b, old, "revoke_user", since).await;
    assert!(b.messages_received() >= 1);
    assert_eq!(a.check(old).await, Err(RevocationError::Revoked));
    let new = token("u1", now, "j-new");
    assert_eq!(b.check(new).await, Ok(()), "issued at the cutoff: accepted");
    let no_iat = TokenRef { iat: None, ..new };
    assert_eq!(b.check(no_iat).await, Err(RevocationError::Revoked));
    let other = token("u2", now - 10, "j-u2");
    assert_eq!(b.check(other).await, Ok(()), "another user");
    assert_eq!(b.failures(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_id_revoked_on_one_instance_is_refused_on_the_other() {
    let server = RedisServer::start();
    let (a, b) = two_instances(&server).await;
    let now = unix_now();
    let t = token("u1", now - 10, "jti-1");
    let sibling = token("u1", now - 10, "jti-2");
    assert_eq!(a.check(t).await, Ok(()));
    assert_eq!(a.check(sibling).await, Ok(()));
    let since = Instant::now();
    b.revoke_token("jti-1", now + 3_600).await.unwrap();
    refused_within(&a, t, "revoke_token", since).await;
    assert_eq!(a.check(sibling).await, Ok(()), "only that token id");

    let mut conn = raw(&server).await;
    let ttl = raw_cmd(&mut conn, &["TTL", &token_key("jti-1")]).await;
    let redis::Value::Int(ttl) = ttl else {
        panic!("TTL: {ttl:?}")
    };
    assert!(
        (3_600..=3_660 + 5).contains(&ttl),
        "the key expires with the token (+ grace): {ttl}"
    );
    b.revoke_token("jti-gone", now - 3_600).await.unwrap();
    let exists = raw_cmd(&mut conn, &["EXISTS", &token_key("jti-gone")]).await;
    assert_eq!(
        exists,
        redis::Value::Int(0),
        "an expired token is not stored"
    );
}

/// Another writer (the TypeScript `revoke.ts`) sets the keys and publishes the JSON by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_and_messages_written_by_another_writer_are_obeyed() {
    let server = RedisServer::start();
    let (a, b) = two_instances(&server).await;
    let now = unix_now();
    let t = token("u-ts", now - 10, "j-ts");
    let u = token("u-other", now - 10, "j-ts-2");
    for r in [&a, &b] {
        assert_eq!(r.check(t).await, Ok(()));
        assert_eq!(r.check(u).await, Ok(()));
    }
    let mut conn = raw(&server).await;
    let since = Instant::now();
    let at = now.to_string();
    raw_cmd(&mut conn, &["SET", &user_key("u-ts"), &at, "EX", "3600"]).await;
    let user = format!(r#"{{"type":"user","id":"u-ts","at":{now}}}"#);
    raw_cmd(&mut conn, &["PUBLISH", CHANNEL, &user]).await;
    raw_cmd(&mut conn, &["SET", &token_key("j-ts-2"), "1", "EX", "3600"]).await;
    let tok = format!(r#"{{"type":"token","jti":"j-ts-2","exp":{}}}"#, now + 3_600);
    raw_cmd(&mut conn, &["PUBLISH", CHANNEL, &tok]).await;
    raw_cmd(
        &mut conn,
        &["PUBLISH", CHANNEL, r#"{"type":"future-kind"}"#],
    )
    .await;
    raw_cmd(&mut conn, &["PUBLISH", CHANNEL, "not json"]).await;
    for r in [&a, &b] {
        refused_within(r, t, "raw user key", since).await;
        refused_within(r, u, "raw token key", since).await;
        let r = r.clone();
        within(BOUND, async || r.messages_received() >= 4)
            .await
            .expect("unknown messages are received and ignored");
        assert_eq!(r.check(token("u-x", now, "j-x")).await, Ok(()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocations_survive_an_instance_restart() {
    let server = RedisServer::start();
    let now = unix_now();
    {
        let first = builder(&server, FailurePolicy::Refuse).build().unwrap();
        first.revoke_user("u-r", now).await.unwrap();
        first.revoke_token("j-r", now + 600).await.unwrap();
        listening(&first).await;
        assert_eq!(subscribers(&server).await, 1);
    }
    let server_ref = &server;
    within(BOUND, async || subscribers(server_ref).await == 0)
        .await
        .expect("a dropped instance's listener unsubscribes (its task ends)");
    let second = builder(&server, FailurePolicy::Refuse).build().unwrap();
    assert_eq!(
        second.check(token("u-r", now - 1, "j-1")).await,
        Err(RevocationError::Revoked)
    );
    assert_eq!(
        second.check(token("u-s", now - 1, "j-r")).await,
        Err(RevocationError::Revoked)
    );
    assert_eq!(second.check(token("u-s", now - 1, "j-s")).await, Ok(()));
    assert_eq!(second.check(token("u-r", now + 1, "j-2")).await, Ok(()));
}

/// How many clients are subscribed to the channel (`PUBSUB NUMSUB`).
async fn subscribers(server: &RedisServer) -> i64 {
    let mut conn = raw(server).await;
    let v = raw_cmd(&mut conn, &["PUBSUB", "NUMSUB", CHANNEL]).await;
    match v {
        redis::Value::Array(items) => match items.get(1) {
            Some(redis::Value::Int(n)) => *n,
            other => panic!("NUMSUB count: {other:?}"),
        },
        other => panic!("NUMSUB: {other:?}"),
    }
}

struct Instance {
    store: Arc<SessionStore<serde_json::Value>>,
    revocations: Revocations,
    heard: Arc<Mutex<Vec<[u8; 32]>>>,
}

async fn session_instance(server: &RedisServer, pool: sqlx::SqlitePool) -> Instance {
    let schema = SessionSchema {
        user_table: "person".into(),
        session_table: "login".into(),
        user_columns: Vec::new(),
    }
    .column("id", "id", ValueKind::Text);
    let store = Arc::new(
        SessionStore::<serde_json::Value>::new(pool, &schema)
            .unwrap()
            .with_cache(100, LONG_TTL),
    );
    let heard = Arc::new(Mutex::new(Vec::new()));
    let (s, h) = (Arc::clone(&store), Arc::clone(&heard));
    let revocations = builder(server, FailurePolicy::Refuse)
        .on_session_revoked(move |digest| {
            h.lock().unwrap().push(*digest);
            s.invalidate_sha256(digest);
        })
        .build()
        .unwrap();
    listening(&revocations).await;
    Instance {
        store,
        revocations,
        heard,
    }
}

/// A database session deleted at sign-out on one instance stops being served from the other
/// instance's session cache as soon as the message arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_sign_out_drops_the_cached_session_everywhere() {
    let server = RedisServer::start();
    let (_file, url) = authgen_testkit::db::sqlite_file("redis_sessions");
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    for sql in [
        "CREATE TABLE person (id TEXT PRIMARY KEY)",
        "CREATE TABLE login (\"sessionToken\" TEXT PRIMARY KEY, \"userId\" TEXT NOT NULL, expires TEXT NOT NULL)",
        "INSERT INTO person VALUES ('u1')",
        "INSERT INTO login VALUES ('t1', 'u1', '2999-01-01T00:00:00Z')",
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
    }
    let a = session_instance(&server, pool.clone()).await;
    let b = session_instance(&server, pool.clone()).await;
    for i in [&a, &b] {
        assert_eq!(i.store.lookup("t1").await.unwrap().user["id"], "u1");
        assert_eq!(i.store.cached(), 1);
    }
    sqlx::raw_sql("DELETE FROM login")
        .execute(&pool)
        .await
        .unwrap();
    assert!(b.store.lookup("t1").await.is_ok(), "still cached on b");

    let since = Instant::now();
    a.revocations.revoke_session("t1").await.unwrap();
    within(BOUND, async || {
        matches!(b.store.lookup("t1").await, Err(SessionError::NotFound))
    })
    .await
    .expect("the other instance dropped the cached session");
    println!(
        "revoke_session: dropped on the other instance {:?} after",
        since.elapsed()
    );
    let published = Arc::clone(&a.store);
    within(BOUND, async || published.cached() == 0)
        .await
        .expect("and on the instance that published");
    let digest: [u8; 32] = Sha256::digest(b"t1").into();
    for i in [&a, &b] {
        assert_eq!(*i.heard.lock().unwrap(), vec![digest]);
    }
}
