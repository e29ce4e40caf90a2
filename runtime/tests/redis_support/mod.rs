//! Shared by the Redis tests: a private `redis-server` per test on a free port (killed on drop),
//! polling helpers and a raw client standing in for other writers (the TypeScript side).
#![allow(dead_code)]

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use authgen_runtime::revoke::{FailurePolicy, Revocations, RevocationsBuilder};

pub use authgen_testkit::redis::RedisServer;

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A builder with short timeouts for tests.
pub fn builder(server: &RedisServer, policy: FailurePolicy) -> RevocationsBuilder {
    Revocations::builder(server.url(), policy)
        .timeout(Duration::from_millis(300))
        .retry_delay(Duration::from_millis(100))
}

/// Polls `f` every millisecond until it is true; the time it took, or `None` after `limit`.
pub async fn within(limit: Duration, mut f: impl AsyncFnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    loop {
        if f().await {
            return Some(start.elapsed());
        }
        if start.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Waits until the listener of `r` is subscribed (panics after 10 s).
pub async fn listening(r: &Revocations) {
    let r = r.clone();
    within(Duration::from_secs(10), async || r.is_listening())
        .await
        .expect("the pub/sub listener subscribed");
}

/// A plain connection of the `redis` crate: another writer of the same keys.
pub async fn raw(server: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(server.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .expect("raw connection")
}

/// Runs `args` as one command on the raw connection.
pub async fn raw_cmd(conn: &mut redis::aio::MultiplexedConnection, args: &[&str]) -> redis::Value {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query_async(conn).await.expect("raw command")
}
