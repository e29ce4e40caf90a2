//! The pub/sub listener: one task per [`Revocations`](super::Revocations), subscribed to
//! [`CHANNEL`](super::CHANNEL), reconnecting by itself after `retry_delay`.
//!
//! Messages sent while it was disconnected are lost, so on every (re)subscription it empties
//! the revocation cache: what it held is fetched again from Redis, where revocations are stored.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use futures_util::StreamExt;

use super::cache::Key;
use super::message::parse_digest;
use super::store::Inner;
use super::{RevocationMessage, CHANNEL};

pub(crate) async fn run(inner: Weak<Inner>) {
    loop {
        let Some((client, timeout, retry)) = inner
            .upgrade()
            .map(|i| (i.conn.client.clone(), i.conn.timeout, i.conn.retry_delay))
        else {
            return;
        };
        let subscribed = tokio::time::timeout(timeout, async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(CHANNEL).await?;
            Ok::<_, redis::RedisError>(pubsub)
        })
        .await;
        if let Ok(Ok(pubsub)) = subscribed {
            if !listen(&inner, pubsub).await {
                return;
            }
        }
        tokio::time::sleep(retry).await;
    }
}

/// Reads messages until the connection drops; `false` when the `Revocations` is gone.
async fn listen(weak: &Weak<Inner>, pubsub: redis::aio::PubSub) -> bool {
    match weak.upgrade() {
        Some(inner) => {
            inner.cache.clear();
            inner.listening.store(true, Ordering::SeqCst);
        }
        None => return false,
    }
    let mut stream = pubsub.into_on_message();
    while let Some(msg) = stream.next().await {
        let Some(inner) = weak.upgrade() else {
            return false;
        };
        if let Ok(payload) = msg.get_payload::<String>() {
            handle(&inner, &payload);
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
