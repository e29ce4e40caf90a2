//! [`Revocations`]: checks and revocations.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::builder::{FailureHook, SessionHook};
use super::cache::{Cache, Key, State};
use super::conn::Conn;
use super::{
    token_key, user_key, FailurePolicy, RevocationClaims, RevocationError, RevocationMessage,
    TokenRef, CHANNEL, TOKEN_KEY_GRACE,
};

/// The state shared by the clones of a [`Revocations`] and its listener task.
pub(crate) struct Inner {
    pub(crate) conn: Conn,
    pub(crate) cache: Cache,
    pub(crate) policy: FailurePolicy,
    pub(crate) user_key_ttl: Duration,
    pub(crate) failures: AtomicU64,
    pub(crate) on_failure: Option<FailureHook>,
    pub(crate) on_session: Vec<SessionHook>,
    pub(crate) listening: AtomicBool,
    pub(crate) received: AtomicU64,
    pub(crate) task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let task = self.task.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(task) = task.take() {
            task.abort();
        }
    }
}

/// The revocation list in Redis, with a bounded in-process cache and a pub/sub listener that
/// drops cached entries when any instance revokes. Cheap to clone (one shared state).
///
/// See the [module documentation](super) for the key layout and the staleness bound.
///
/// ```no_run
/// # async fn run() -> Result<(), authgen_runtime::revoke::RevocationError> {
/// use authgen_runtime::revoke::{FailurePolicy, Revocations, TokenRef};
/// let revocations = Revocations::builder("redis://127.0.0.1", FailurePolicy::Refuse).build()?;
/// revocations.revoke_user("42", 1_764_500_000).await?;
/// let token = TokenRef { user_id: Some("42"), iat: Some(1_764_499_000), jti: None };
/// assert!(revocations.check(token).await.is_err());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Revocations {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Revocations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Revocations")
            .field("policy", &self.inner.policy)
            .field("listening", &self.is_listening())
            .field("cached", &self.cached())
            .field("failures", &self.failures())
            .finish()
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

async fn query<T: redis::FromRedisValue>(
    cmd: &redis::Cmd,
    mut conn: redis::aio::MultiplexedConnection,
) -> redis::RedisResult<T> {
    cmd.query_async(&mut conn).await
}

/// Reads a user key's value: unix seconds (an integer, or a number with a fraction). A value
/// that is not a number revokes every token of the user (fail closed).
fn parse_cutoff(value: &str) -> i64 {
    let value = value.trim();
    value
        .parse::<i64>()
        .ok()
        .or_else(|| value.parse::<f64>().ok().map(|f| f.floor() as i64))
        .unwrap_or(i64::MAX)
}

impl Revocations {
    /// `Ok` unless the token is revoked: its user was revoked with a cutoff after its `iat`
    /// (a token without `iat` counts as issued before any cutoff), or its `jti` was revoked.
    /// Served from the cache when both answers are there; else one round trip (`MGET`).
    /// When Redis fails: [`FailurePolicy::Refuse`] returns
    /// [`RevocationError::Unavailable`], [`FailurePolicy::Allow`] returns `Ok`; both count
    /// the failure and call the `on_failure` hook.
    ///
    /// ```no_run
    /// # async fn run(revocations: authgen_runtime::revoke::Revocations) {
    /// use authgen_runtime::revoke::TokenRef;
    /// let token = TokenRef { user_id: Some("42"), iat: Some(1_764_500_000), jti: Some("a-jti") };
    /// match revocations.check(token).await {
    ///     Ok(()) => println!("valid"),
    ///     Err(e) => println!("{} ({})", e.public_message(), e.status()),
    /// }
    /// # }
    /// ```
    pub async fn check(&self, token: TokenRef<'_>) -> Result<(), RevocationError> {
        let keys: Vec<Key> = [
            token.user_id.map(|id| Key::User(id.to_owned())),
            token.jti.map(|jti| Key::Jti(jti.to_owned())),
        ]
        .into_iter()
        .flatten()
        .collect();
        let now = Instant::now();
        let mut states: Vec<Option<State>> =
            keys.iter().map(|k| self.inner.cache.get(k, now)).collect();
        if states.iter().any(Option::is_none) {
            match self.fetch(&keys, &states, now).await {
                Ok(fetched) => states = fetched,
                Err(e) => return self.failure(e),
            }
        }
        for (key, state) in keys.iter().zip(states) {
            let revoked = match (key, state.flatten()) {
                (Key::User(_), Some(cutoff)) => token.iat.is_none_or(|iat| iat < cutoff),
                (Key::Jti(_), Some(_)) => true,
                (_, None) => false,
            };
            if revoked {
                return Err(RevocationError::Revoked);
            }
        }
        Ok(())
    }

    /// [`Revocations::check`] on the claims of a verified token.
    ///
    /// ```no_run
    /// # async fn run(revocations: authgen_runtime::revoke::Revocations, verifier: authgen_runtime::Verifier, token: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// let claims: serde_json::Value = verifier.decode(token)?;
    /// revocations.check_claims(&claims).await?;
    /// # Ok(()) }
    /// ```
    pub async fn check_claims<C: RevocationClaims + ?Sized>(
        &self,
        claims: &C,
    ) -> Result<(), RevocationError> {
        self.check(claims.token_ref()).await
    }

    /// Fetches the keys missing from the cache in one `MGET`, and caches the answers.
    async fn fetch(
        &self,
        keys: &[Key],
        cached: &[Option<State>],
        now: Instant,
    ) -> Result<Vec<Option<State>>, RevocationError> {
        let missing: Vec<usize> = (0..keys.len()).filter(|&i| cached[i].is_none()).collect();
        let names: Vec<String> = missing
            .iter()
            .map(|&i| match &keys[i] {
                Key::User(id) => user_key(id),
                Key::Jti(jti) => token_key(jti),
            })
            .collect();
        let epoch = self.inner.cache.epoch();
        let mut mget = redis::cmd("MGET");
        mget.arg(&names);
        let values: Vec<Option<String>> = self.inner.conn.run(|c| query(&mget, c)).await?;
        let mut states = cached.to_vec();
        for (&i, value) in missing.iter().zip(values) {
            let state = value.map(|v| parse_cutoff(&v));
            self.inner.cache.insert(keys[i].clone(), state, now, epoch);
            states[i] = Some(state);
        }
        Ok(states)
    }

    /// Counts a Redis failure and passes it to the `on_failure` hook.
    fn report(&self, e: &RevocationError) {
        self.inner.failures.fetch_add(1, Ordering::Relaxed);
        if let Some(hook) = &self.inner.on_failure {
            hook(e);
        }
    }

    /// A check met a Redis failure: reported, then decided by the policy.
    fn failure(&self, e: RevocationError) -> Result<(), RevocationError> {
        self.report(&e);
        match self.inner.policy {
            FailurePolicy::Refuse => Err(e),
            FailurePolicy::Allow => Ok(()),
        }
    }

    /// Stores `SET key value EXAT expire_at` and publishes `message`, in one pipeline.
    async fn store(
        &self,
        key: String,
        value: i64,
        expire_at: i64,
        message: RevocationMessage,
    ) -> Result<(), RevocationError> {
        let mut pipe = redis::pipe();
        pipe.cmd("SET")
            .arg(&key)
            .arg(value)
            .arg("EXAT")
            .arg(expire_at)
            .ignore()
            .cmd("PUBLISH")
            .arg(CHANNEL)
            .arg(message.to_json())
            .ignore();
        let result = self.inner.conn.run(|mut conn| {
            let pipe = &pipe;
            async move { pipe.query_async::<()>(&mut conn).await }
        });
        let result = result.await;
        if let Err(e) = &result {
            self.report(e);
        }
        result
    }
}

impl Revocations {
    /// Revokes the tokens of `user_id` issued before `at` (unix seconds; "sign out
    /// everywhere", a ban): stores [`user_key`] = `at` (expiring [`user_key_ttl`] after `at`)
    /// and publishes the message. Pass `now + 1` to refuse a token issued in the current
    /// second too. A later call replaces the cutoff.
    ///
    /// [`user_key_ttl`]: super::RevocationsBuilder::user_key_ttl
    ///
    /// ```no_run
    /// # async fn run(revocations: authgen_runtime::revoke::Revocations) -> Result<(), authgen_runtime::revoke::RevocationError> {
    /// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    /// revocations.revoke_user("42", now + 1).await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke_user(&self, user_id: &str, at: i64) -> Result<(), RevocationError> {
        let ttl = i64::try_from(self.inner.user_key_ttl.as_secs()).unwrap_or(i64::MAX);
        let expire_at = at.saturating_add(ttl).max(unix_now() + 1);
        let message = RevocationMessage::User {
            id: user_id.to_owned(),
            at,
        };
        self.store(user_key(user_id), at, expire_at, message)
            .await?;
        self.inner.cache.remove(&Key::User(user_id.to_owned()));
        Ok(())
    }

    /// Revokes the token with id `jti` (its `jti` claim) until its `exp` (unix seconds): the
    /// key [`token_key`] expires [`TOKEN_KEY_GRACE`] after `exp`. A token already expired
    /// beyond the grace is not stored.
    ///
    /// ```no_run
    /// # async fn run(revocations: authgen_runtime::revoke::Revocations) -> Result<(), authgen_runtime::revoke::RevocationError> {
    /// revocations.revoke_token("0b6c…", 1_767_000_000).await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke_token(&self, jti: &str, exp: i64) -> Result<(), RevocationError> {
        let expire_at = exp.saturating_add(TOKEN_KEY_GRACE.as_secs() as i64);
        if expire_at <= unix_now() {
            return Ok(());
        }
        let message = RevocationMessage::Token {
            jti: jti.to_owned(),
            exp,
        };
        self.store(token_key(jti), exp, expire_at, message).await?;
        self.inner.cache.remove(&Key::Jti(jti.to_owned()));
        Ok(())
    }

    /// Publishes the sign-out of the database session `token` (its SHA-256 only): every
    /// instance, this one included, calls its `on_session_revoked` hooks. Nothing is stored:
    /// the app deletes the session row itself.
    ///
    /// ```no_run
    /// # async fn run(revocations: authgen_runtime::revoke::Revocations) -> Result<(), authgen_runtime::revoke::RevocationError> {
    /// revocations.revoke_session("the sessionToken cookie's value").await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke_session(&self, token: &str) -> Result<(), RevocationError> {
        let json = RevocationMessage::session(token).to_json();
        let mut publish = redis::cmd("PUBLISH");
        publish.arg(CHANNEL).arg(json);
        let result: Result<i64, _> = self.inner.conn.run(|c| query(&publish, c)).await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                self.report(&e);
                Err(e)
            }
        }
    }

    /// The policy chosen at build time.
    ///
    /// ```no_run
    /// # fn run(revocations: authgen_runtime::revoke::Revocations) {
    /// use authgen_runtime::revoke::FailurePolicy;
    /// assert_eq!(revocations.policy(), FailurePolicy::Refuse);
    /// # }
    /// ```
    pub fn policy(&self) -> FailurePolicy {
        self.inner.policy
    }

    /// How many Redis failures checks and revocations met since the build (the metric).
    ///
    /// ```no_run
    /// # fn run(revocations: authgen_runtime::revoke::Revocations) {
    /// println!("redis failures: {}", revocations.failures());
    /// # }
    /// ```
    pub fn failures(&self) -> u64 {
        self.inner.failures.load(Ordering::Relaxed)
    }

    /// Whether the pub/sub listener is subscribed now: then the staleness bound is the pub/sub
    /// latency, else the cache TTL.
    ///
    /// ```no_run
    /// # fn run(revocations: authgen_runtime::revoke::Revocations) {
    /// if !revocations.is_listening() { eprintln!("revocations may be stale for the cache TTL"); }
    /// # }
    /// ```
    pub fn is_listening(&self) -> bool {
        self.inner.listening.load(Ordering::SeqCst)
    }

    /// How many messages the listener received (parsed or not) since the build.
    ///
    /// ```no_run
    /// # fn run(revocations: authgen_runtime::revoke::Revocations) {
    /// println!("{} revocation messages", revocations.messages_received());
    /// # }
    /// ```
    pub fn messages_received(&self) -> u64 {
        self.inner.received.load(Ordering::Relaxed)
    }

    /// How many answers the cache holds.
    ///
    /// ```no_run
    /// # fn run(revocations: authgen_runtime::revoke::Revocations) {
    /// println!("{} cached", revocations.cached());
    /// # }
    /// ```
    pub fn cached(&self) -> usize {
        self.inner.cache.len()
    }

    /// Empties the cache (the next checks ask Redis).
    ///
    /// ```no_run
    /// # fn run(revocations: authgen_runtime::revoke::Revocations) {
    /// revocations.clear_cache();
    /// assert_eq!(revocations.cached(), 0);
    /// # }
    /// ```
    pub fn clear_cache(&self) {
        self.inner.cache.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::parse_cutoff;

    #[test]
    fn cutoffs_parse_or_fail_closed() {
        assert_eq!(parse_cutoff("1764500000"), 1_764_500_000);
        assert_eq!(parse_cutoff(" 1764500000.7 "), 1_764_500_000);
        assert_eq!(parse_cutoff("yesterday"), i64::MAX);
    }
}
