//! A bounded in-process cache of what Redis said about a user or a token id, with a TTL.
//!
//! The cache has an *epoch*, bumped by every invalidation: a fetch records the epoch before it
//! asks Redis and stores its answer only if no invalidation happened meanwhile, so an answer
//! read just before a revocation message cannot outlive that message.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A revocation key: a user id or a token id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    User(String),
    Jti(String),
}

/// What Redis holds for a key: for a user, the cutoff in unix seconds; for a token id, `Some`
/// when it is revoked. `None`: no revocation.
pub(crate) type State = Option<i64>;

struct Entry {
    state: State,
    until: Instant,
    seq: u64,
}

struct Inner {
    map: HashMap<Key, Entry>,
    /// Insertion order with the sequence number of each insert (stale pairs are skipped).
    order: VecDeque<(Key, u64)>,
    seq: u64,
    epoch: u64,
}

pub(crate) struct Cache {
    capacity: usize,
    ttl: Duration,
    inner: Mutex<Inner>,
}

impl Cache {
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Cache {
        Cache {
            capacity,
            ttl,
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                order: VecDeque::new(),
                seq: 0,
                epoch: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn get(&self, key: &Key, now: Instant) -> Option<State> {
        let mut inner = self.lock();
        let entry = inner.map.get(key)?;
        if now < entry.until {
            return Some(entry.state);
        }
        inner.map.remove(key);
        None
    }

    /// The epoch to pass to [`Cache::insert`] after a fetch.
    pub(crate) fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    /// Stores `state` unless the cache was invalidated since `epoch` was read.
    pub(crate) fn insert(&self, key: Key, state: State, now: Instant, epoch: u64) {
        if self.capacity == 0 || self.ttl.is_zero() {
            return;
        }
        let mut inner = self.lock();
        if inner.epoch != epoch {
            return;
        }
        if !inner.map.contains_key(&key) {
            while inner.map.len() >= self.capacity {
                let Some((old, seq)) = inner.order.pop_front() else {
                    break;
                };
                if inner.map.get(&old).is_some_and(|e| e.seq == seq) {
                    inner.map.remove(&old);
                }
            }
        }
        inner.seq += 1;
        let seq = inner.seq;
        let until = now + self.ttl;
        inner.order.push_back((key.clone(), seq));
        inner.map.insert(key, Entry { state, until, seq });
        if inner.order.len() > 2 * self.capacity {
            let Inner { map, order, .. } = &mut *inner;
            order.retain(|(k, s)| map.get(k).is_some_and(|e| e.seq == *s));
        }
    }

    pub(crate) fn remove(&self, key: &Key) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.map.remove(key);
    }

    pub(crate) fn clear(&self) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.map.clear();
        inner.order.clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> Key {
        Key::User(id.into())
    }

    #[test]
    fn serves_within_the_ttl_only() {
        let c = Cache::new(10, Duration::from_secs(5));
        let t0 = Instant::now();
        c.insert(user("a"), Some(7), t0, c.epoch());
        c.insert(Key::Jti("a".into()), None, t0, c.epoch());
        assert_eq!(
            c.get(&user("a"), t0 + Duration::from_secs(4)),
            Some(Some(7))
        );
        assert_eq!(c.get(&Key::Jti("a".into()), t0), Some(None));
        assert_eq!(c.get(&user("a"), t0 + Duration::from_secs(5)), None);
        assert_eq!(c.len(), 1, "the expired entry was dropped");
    }

    #[test]
    fn an_invalidation_during_a_fetch_wins() {
        let c = Cache::new(10, Duration::from_secs(5));
        let t0 = Instant::now();
        let epoch = c.epoch();
        c.remove(&user("a"));
        c.insert(user("a"), None, t0, epoch);
        assert_eq!(
            c.get(&user("a"), t0),
            None,
            "the stale answer was not stored"
        );
        let epoch = c.epoch();
        c.insert(user("a"), None, t0, epoch);
        c.clear();
        assert_eq!(c.len(), 0);
        c.insert(user("b"), None, t0, epoch);
        assert_eq!(c.len(), 0, "clear bumps the epoch too");
    }

    #[test]
    fn bounded_oldest_first_and_disabled_at_zero() {
        let c = Cache::new(3, Duration::from_secs(5));
        let t0 = Instant::now();
        for id in ["a", "b", "c", "d"] {
            c.insert(user(id), None, t0, c.epoch());
        }
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(&user("a"), t0), None);
        assert!(c.get(&user("d"), t0).is_some());
        for _ in 0..100 {
            c.insert(user("d"), Some(1), t0, c.epoch());
        }
        assert!(c.lock().order.len() <= 6);
        let off = Cache::new(0, Duration::from_secs(5));
        off.insert(user("a"), None, t0, off.epoch());
        assert_eq!(off.len(), 0);
    }
}
