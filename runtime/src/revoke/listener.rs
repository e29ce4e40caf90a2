//! The pub/sub listener: one task per [`Revocations`](super::Revocations), subscribed to
//! [`CHANNEL`](super::CHANNEL), reconnecting by itself after `retry_delay`.
//!
//! Messages sent while it was disconnected are lost, so on every (re)subscription it empties
//! the revocation cache: what it held is fetched again from Redis, where revocations are stored.
//!
//! A connection whose peer is gone without closing it (a half-open connection: the host
//! vanished, a firewall dropped the state, the server is frozen) delivers no message and no
//! error. So the listener sends `PING` on the subscribed connection every `ping_interval`; when
//! no answer comes within `timeout`, it counts the connection as lost: `is_listening()` turns
//! false and it reconnects, which empties the cache again.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::Instant;

use super::cache::Key;
use super::message::parse_digest;
use super::store::Inner;
use super::{RevocationMessage, CHANNEL};

/// What the listener reads from [`Inner`] on each connection attempt.
struct Settings {
    client: redis::Client,
    timeout: Duration,
    retry: Duration,
    ping: Option<Duration>,
}

impl Settings {
    fn of(inner: &Inner) -> Settings {
        Settings {
            client: inner.conn.client.clone(),
            timeout: inner.conn.timeout,
            retry: inner.conn.retry_delay,
            ping: inner.conn.ping_interval,
        }
    }
}

pub(crate) async fn run(inner: Weak<Inner>) {
    loop {
        let Some(settings) = inner.upgrade().map(|i| Settings::of(&i)) else {
            return;
        };
        let client = &settings.client;
        let subscribed = tokio::time::timeout(settings.timeout, async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(CHANNEL).await?;
            Ok::<_, redis::RedisError>(pubsub)
        })
        .await;
        if let Ok(Ok(pubsub)) = subscribed {
            if !listen(&inner, pubsub, &settings).await {
                return;
            }
        }
        tokio::time::sleep(settings.retry).await;
    }
}

/// Reads messages until the connection drops or stops answering `PING`; `false` when the
/// `Revocations` is gone.
async fn listen(weak: &Weak<Inner>, pubsub: redis::aio::PubSub, settings: &Settings) -> bool {
    match weak.upgrade() {
        Some(inner) => {
            inner.cache.clear();
            inner.listening.store(true, Ordering::SeqCst);
        }
        None => return false,
    }
    let (mut sink, mut stream) = pubsub.split();
    // With pinging off, the deadline is never reached (a century away).
    let period = settings
        .ping
        .unwrap_or(Duration::from_secs(100 * 365 * 86_400));
    let mut next_ping = Instant::now() + period;
    loop {
        match tokio::time::timeout_at(next_ping, stream.next()).await {
            Ok(Some(msg)) => {
                let Some(inner) = weak.upgrade() else {
                    return false;
                };
                if let Ok(payload) = msg.get_payload::<String>() {
                    handle(&inner, &payload);
                }
            }
            // The connection closed (or its reader failed).
            Ok(None) => break,
            Err(_) => {
                let pong = tokio::time::timeout(settings.timeout, sink.ping::<redis::Value>());
                if !matches!(pong.await, Ok(Ok(_))) {
                    break;
                }
                next_ping = Instant::now() + period;
            }
        }
    }
    match weak.upgrade() {
        Some(inner) => {
            inner.listening.store(false, Ordering::SeqCst);
            true
        }
        None => false,
    }
}

pub(crate) fn handle(inner: &Arc<Inner>, payload: &str) {
    inner.received.fetch_add(1, Ordering::Relaxed);
    match RevocationMessage::parse(payload) {
        Some(RevocationMessage::User { id, .. }) => inner.cache.remove(&Key::User(id)),
        Some(RevocationMessage::Token { jti, .. }) => inner.cache.remove(&Key::Jti(jti)),
        Some(RevocationMessage::Session { sha256 }) => {
            if let Some(digest) = parse_digest(&sha256) {
                for callback in &inner.on_session {
                    callback(&digest);
                }
            }
        }
        None => {}
    }
}
