//! A bounded in-process cache of looked-up sessions, keyed by the SHA-256 of the token.
//!
//! An entry is served while `now < min(cached_at + ttl, expires)`; the oldest entry is evicted
//! first when the cache is full.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

pub(crate) type Key = [u8; 32];

pub(crate) fn key(token: &str) -> Key {
    Sha256::digest(token.as_bytes()).into()
}

struct Entry<U> {
    user: U,
    expires: SystemTime,
    until: SystemTime,
    generation: u64,
}

struct Inner<U> {
    map: HashMap<Key, Entry<U>>,
    /// Insertion order, with the generation each key had when inserted (stale pairs are
    /// skipped on eviction and dropped on compaction).
    order: VecDeque<(Key, u64)>,
    generation: u64,
}

pub(crate) struct Cache<U> {
    capacity: usize,
    ttl: Duration,
    inner: Mutex<Inner<U>>,
}

impl<U: Clone> Cache<U> {
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Cache<U> {
        Cache {
            capacity: capacity.max(1),
            ttl,
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                order: VecDeque::new(),
                generation: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<U>> {
        // A panic while holding the lock cannot leave the map inconsistent in a way that matters
        // (at worst an entry is missing from `order`): keep serving.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn get(&self, key: &Key, now: SystemTime) -> Option<(U, SystemTime)> {
        let mut inner = self.lock();
        let entry = inner.map.get(key)?;
        if now < entry.until && now < entry.expires {
            return Some((entry.user.clone(), entry.expires));
        }
        inner.map.remove(key);
        None
    }

    pub(crate) fn insert(&self, key: Key, user: U, expires: SystemTime, now: SystemTime) {
        let until = now.checked_add(self.ttl).unwrap_or(expires);
        if now >= expires || now >= until {
            return;
        }
        let mut inner = self.lock();
        inner.generation += 1;
        let generation = inner.generation;
        if !inner.map.contains_key(&key) {
            while inner.map.len() >= self.capacity {
                let Some((old, g)) = inner.order.pop_front() else {
                    break;
                };
                if inner.map.get(&old).is_some_and(|e| e.generation == g) {
                    inner.map.remove(&old);
                }
            }
        }
        inner.map.insert(
            key,
            Entry {
                user,
                expires,
                until,
                generation,
            },
        );
        inner.order.push_back((key, generation));
        if inner.order.len() > 2 * self.capacity {
            let Inner { map, order, .. } = &mut *inner;
            order.retain(|(k, g)| map.get(k).is_some_and(|e| e.generation == *g));
        }
    }

    pub(crate) fn remove(&self, key: &Key) {
        self.lock().map.remove(key);
    }

    pub(crate) fn clear(&self) {
        let mut inner = self.lock();
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

    fn t(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn serves_within_ttl_and_expiry_only() {
        let c = Cache::new(10, Duration::from_secs(30));
        c.insert(key("a"), 1, t(1_000), t(100));
        assert_eq!(c.get(&key("a"), t(129)), Some((1, t(1_000))));
        assert_eq!(c.get(&key("a"), t(130)), None, "past the TTL");
        c.insert(key("b"), 2, t(110), t(100));
        assert_eq!(c.get(&key("b"), t(109)).map(|e| e.0), Some(2));
        assert_eq!(c.get(&key("b"), t(110)), None, "past the session's expiry");
        c.insert(key("c"), 3, t(100), t(100));
        assert_eq!(
            c.get(&key("c"), t(100)),
            None,
            "an expired session is never cached"
        );
    }

    #[test]
    fn bounded_oldest_first() {
        let c = Cache::new(3, Duration::from_secs(30));
        for (i, k) in ["a", "b", "c", "d"].iter().enumerate() {
            c.insert(key(k), i, t(1_000), t(100));
        }
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(&key("a"), t(101)), None);
        assert!(c.get(&key("d"), t(101)).is_some());
        // Re-inserting one key many times keeps the order queue bounded.
        for _ in 0..100 {
            c.insert(key("d"), 9, t(1_000), t(100));
        }
        assert!(c.lock().order.len() <= 6);
        assert_eq!(c.len(), 3);
        c.remove(&key("d"));
        assert_eq!(c.len(), 2);
        c.clear();
        assert_eq!(c.len(), 0);
    }
}
