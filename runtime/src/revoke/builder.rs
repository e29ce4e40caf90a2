//! [`RevocationsBuilder`]: the options of [`Revocations`] and their defaults.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::cache::Cache;
use super::conn::Conn;
use super::store::Inner;
use super::{FailurePolicy, RevocationError, Revocations, DEFAULT_USER_KEY_TTL};

pub(super) type FailureHook = Box<dyn Fn(&RevocationError) + Send + Sync>;
pub(super) type SessionHook = Box<dyn Fn(&[u8; 32]) + Send + Sync>;

/// The default cache capacity (entries: one per user id and one per token id seen).
///
/// ```
/// assert_eq!(authgen_runtime::revoke::DEFAULT_CACHE_CAPACITY, 100_000);
/// ```
pub const DEFAULT_CACHE_CAPACITY: usize = 100_000;
/// The default cache TTL: the staleness bound while the pub/sub listener is disconnected.
///
/// ```
/// assert_eq!(authgen_runtime::revoke::DEFAULT_CACHE_TTL.as_secs(), 5);
/// ```
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(5);
/// The default timeout of one Redis connection attempt or round trip.
///
/// ```
/// assert_eq!(authgen_runtime::revoke::DEFAULT_TIMEOUT.as_millis(), 500);
/// ```
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);
/// The default wait after a Redis failure before the next connection attempt.
///
/// ```
/// assert_eq!(authgen_runtime::revoke::DEFAULT_RETRY_DELAY.as_secs(), 1);
/// ```
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_secs(1);
/// The default interval of the pub/sub listener's `PING` ([`RevocationsBuilder::ping_interval`]):
/// a half-open connection is found out within this plus the timeout.
///
/// ```
/// assert_eq!(authgen_runtime::revoke::DEFAULT_PING_INTERVAL.as_secs(), 10);
/// ```
pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(10);

/// Builds [`Revocations`]: [`Revocations::builder`].
///
/// ```no_run
/// # async fn run() -> Result<(), authgen_runtime::revoke::RevocationError> {
/// use std::time::Duration;
/// use authgen_runtime::revoke::{FailurePolicy, Revocations};
/// let revocations = Revocations::builder("redis://127.0.0.1:6379", FailurePolicy::Refuse)
///     .cache(50_000, Duration::from_secs(10))
///     .timeout(Duration::from_millis(200))
///     .build()?;
/// # Ok(()) }
/// ```
pub struct RevocationsBuilder {
    url: String,
    policy: FailurePolicy,
    capacity: usize,
    ttl: Duration,
    timeout: Duration,
    retry_delay: Duration,
    ping_interval: Duration,
    user_key_ttl: Duration,
    on_failure: Option<FailureHook>,
    on_session: Vec<SessionHook>,
}

impl fmt::Debug for RevocationsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevocationsBuilder")
            .field("policy", &self.policy)
            .field("capacity", &self.capacity)
            .field("ttl", &self.ttl)
            .field("timeout", &self.timeout)
            .field("ping_interval", &self.ping_interval)
            .finish_non_exhaustive()
    }
}

impl RevocationsBuilder {
    /// The in-process cache: at most `capacity` entries, each served for `ttl` (default
    /// [`DEFAULT_CACHE_CAPACITY`], [`DEFAULT_CACHE_TTL`]). `ttl` bounds the staleness while the
    /// pub/sub listener is disconnected; a zero capacity or TTL disables the cache.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use authgen_runtime::revoke::{FailurePolicy, Revocations};
    /// let b = Revocations::builder("redis://127.0.0.1", FailurePolicy::Allow).cache(1_000, Duration::from_secs(2));
    /// # let _ = b;
    /// ```
    pub fn cache(mut self, capacity: usize, ttl: Duration) -> Self {
        self.capacity = capacity;
        self.ttl = ttl;
        self
    }

    /// The timeout of one connection attempt or round trip (default [`DEFAULT_TIMEOUT`]).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use authgen_runtime::revoke::{FailurePolicy, Revocations};
    /// let b = Revocations::builder("redis://127.0.0.1", FailurePolicy::Refuse).timeout(Duration::from_millis(100));
    /// # let _ = b;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long after a failure the next connection attempt is made (default
    /// [`DEFAULT_RETRY_DELAY`]); checks in between fail at once, with this `Retry-After`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use authgen_runtime::revoke::{FailurePolicy, Revocations};
    /// let b = Revocations::builder("redis://127.0.0.1", FailurePolicy::Refuse).retry_delay(Duration::from_millis(250));
    /// # let _ = b;
    /// ```
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = delay;
        self
    }

    /// How often the pub/sub listener sends `PING` on its subscribed connection (default 10 s;
    /// `Duration::ZERO` turns it off). A connection whose peer vanished without closing it
    /// (half-open) or a frozen server is found out within `interval` + [`timeout`]: the
    /// listener counts as disconnected ([`Revocations::is_listening`] is false, so the
    /// staleness bound is the cache TTL), then reconnects and empties the cache as on every
    /// resubscription.
    ///
    /// [`timeout`]: Self::timeout
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use authgen_runtime::revoke::{FailurePolicy, Revocations};
    /// let b = Revocations::builder("redis://127.0.0.1", FailurePolicy::Refuse).ping_interval(Duration::from_secs(2));
    /// # let _ = b;
    /// ```
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.ping_interval = interval;
        self
    }

    /// How long a user revocation key lives after its cutoff (default
    /// [`DEFAULT_USER_KEY_TTL`]): set it to the app's session `maxAge`.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use authgen_runtime::revoke::{FailurePolicy, Revocations};
    /// let b = Revocations::builder("redis://127.0.0.1", FailurePolicy::Refuse).user_key_ttl(Duration::from_secs(86_400));
    /// # let _ = b;
    /// ```
    pub fn user_key_ttl(mut self, ttl: Duration) -> Self {
        self.user_key_ttl = ttl;
        self
    }

    /// Called with every Redis failure a check or a revocation meets (the log line / metric
    /// hook; [`Revocations::failures`] counts them too).
    ///
    /// ```
    /// # use authgen_runtime::revoke::{FailurePolicy, Revocations};
    /// let b = Revocations::builder("redis://127.0.0.1", FailurePolicy::Allow)
    ///     .on_failure(|e| eprintln!("revocations: {e}"));
    /// # let _ = b;
    /// ```
    pub fn on_failure(mut self, f: impl Fn(&RevocationError) + Send + Sync + 'static) -> Self {
        self.on_failure = Some(Box::new(f));
        self
    }

    /// Called with the SHA-256 of a database session token when any instance publishes its
    /// sign-out ([`Revocations::revoke_session`]): pass it to
    /// `SessionStore::invalidate_sha256` (feature `db`) to drop the cached session everywhere.
    ///
    /// ```no_run
    /// # #[cfg(feature = "sqlite")]
    /// # async fn run(store: authgen_runtime::db::SessionStore<serde_json::Value>) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// use authgen_runtime::revoke::{FailurePolicy, Revocations};
    /// let store = Arc::new(store);
    /// let sessions = Arc::clone(&store);
    /// let revocations = Revocations::builder("redis://127.0.0.1", FailurePolicy::Refuse)
    ///     .on_session_revoked(move |digest| sessions.invalidate_sha256(digest))
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn on_session_revoked(mut self, f: impl Fn(&[u8; 32]) + Send + Sync + 'static) -> Self {
        self.on_session.push(Box::new(f));
        self
    }

    /// Opens no connection (the first check does) and starts the pub/sub listener: call it
    /// inside a Tokio runtime. Fails on an invalid URL or outside a runtime.
    ///
    /// ```no_run
    /// # async fn run() {
    /// # use authgen_runtime::revoke::{FailurePolicy, Revocations};
    /// let r = Revocations::builder("redis://127.0.0.1:6379/0", FailurePolicy::Refuse).build();
    /// assert!(r.is_ok());
    /// # }
    /// ```
    pub fn build(self) -> Result<Revocations, RevocationError> {
        let config = |message: String| RevocationError::Config { message };
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| config("build `Revocations` inside a Tokio runtime".into()))?;
        let client = redis::Client::open(self.url.as_str())
            .map_err(|e| config(format!("invalid Redis URL: {e}")))?;
        let inner = Arc::new(Inner {
            conn: Conn::new(
                client,
                self.timeout,
                self.retry_delay,
                Some(self.ping_interval).filter(|d| !d.is_zero()),
            ),
            cache: Cache::new(self.capacity, self.ttl),
            policy: self.policy,
            user_key_ttl: self.user_key_ttl,
            failures: AtomicU64::new(0),
            on_failure: self.on_failure,
            on_session: self.on_session,
            listening: AtomicBool::new(false),
            received: AtomicU64::new(0),
            task: Mutex::new(None),
        });
        let task = runtime.spawn(super::listener::run(Arc::downgrade(&inner)));
        *inner.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
        Ok(Revocations { inner })
    }
}

impl Revocations {
    /// A builder for the Redis at `url` (`redis://[:password@]host[:port][/db]`, no TLS); the
    /// behaviour when Redis is unreachable is the caller's explicit choice.
    ///
    /// ```
    /// use authgen_runtime::revoke::{FailurePolicy, Revocations};
    /// let builder = Revocations::builder("redis://127.0.0.1:6379", FailurePolicy::Refuse);
    /// # let _ = builder;
    /// ```
    pub fn builder(url: impl Into<String>, policy: FailurePolicy) -> RevocationsBuilder {
        RevocationsBuilder {
            url: url.into(),
            policy,
            capacity: DEFAULT_CACHE_CAPACITY,
            ttl: DEFAULT_CACHE_TTL,
            timeout: DEFAULT_TIMEOUT,
            retry_delay: DEFAULT_RETRY_DELAY,
            ping_interval: DEFAULT_PING_INTERVAL,
            user_key_ttl: DEFAULT_USER_KEY_TTL,
            on_failure: None,
            on_session: Vec::new(),
        }
    }
}
