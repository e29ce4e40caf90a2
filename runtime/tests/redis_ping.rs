//! A pub/sub connection whose peer stops answering without closing it (half-open: here a
//! `redis-server` frozen with SIGSTOP, whose kernel keeps the sockets open) is found out by the
//! listener's periodic `PING` within `ping_interval` + `timeout`: `is_listening()` turns false,
//! and after SIGCONT the listener is back by itself, with the cache emptied and messages
//! flowing again. Without pinging, the same freeze goes unnoticed.

mod redis_support;

use std::time::Duration;

use authgen_runtime::revoke::{FailurePolicy, RevocationError, TokenRef};
use redis_support::{builder, listening, unix_now, within, RedisServer};

/// Ping interval and answer timeout of the pinging instance.
const PING: Duration = Duration::from_millis(400);
const TIMEOUT: Duration = Duration::from_millis(300);
/// Slack for a loaded machine on top of ping + timeout.
const SLACK: Duration = Duration::from_millis(1_500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_server_is_detected_by_ping_and_the_listener_recovers() {
    let server = RedisServer::start();
    let pinged = builder(&server, FailurePolicy::Refuse)
        .timeout(TIMEOUT)
        .ping_interval(PING)
        .cache(100, Duration::from_secs(600))
        .build()
        .unwrap();
    let unpinged = builder(&server, FailurePolicy::Refuse)
        .ping_interval(Duration::ZERO)
        .build()
        .unwrap();
    listening(&pinged).await;
    listening(&unpinged).await;
    let now = unix_now();
    let t = TokenRef {
        user_id: Some("u-ping"),
        iat: Some(now - 5),
        jti: Some("j-ping"),
    };
    pinged.check(t).await.unwrap();
    assert_eq!(pinged.cached(), 2, "both answers cached");

    // Pings keep succeeding while the server answers: the listener stays subscribed.
    tokio::time::sleep(PING * 3).await;
    assert!(pinged.is_listening(), "a live connection passes its pings");

    server.freeze();
    let frozen = pinged.clone();
    let bound = PING + TIMEOUT + SLACK;
    let took = within(bound, async || !frozen.is_listening()).await;
    let still = unpinged.is_listening();
    server.thaw();
    let took = took.unwrap_or_else(|| panic!("a frozen server went unnoticed for {bound:?}"));
    println!("frozen server detected after {took:?}");
    assert!(still, "without ping the freeze goes unnoticed (control)");

    listening(&pinged).await;
    assert_eq!(pinged.cached(), 0, "the cache is emptied on resubscription");
    let received = pinged.messages_received();
    let writer = unpinged.clone();
    within(Duration::from_secs(10), async || {
        writer.revoke_user("u-ping", now).await.is_ok()
    })
    .await
    .expect("the server answers again after SIGCONT");
    let heard = pinged.clone();
    within(Duration::from_secs(10), async || {
        heard.messages_received() > received
    })
    .await
    .expect("the reconnected listener hears revocations");
    assert_eq!(pinged.check(t).await, Err(RevocationError::Revoked));
}
