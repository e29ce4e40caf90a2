//! One multiplexed Redis connection, made on first use and again after a failure, no sooner
//! than `retry_delay` after it (so an outage costs a check no connection attempt most of the time).

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, RedisResult};

use super::RevocationError;

struct State {
    conn: Option<MultiplexedConnection>,
    retry_at: Option<Instant>,
}

pub(crate) struct Conn {
    pub(crate) client: Client,
    pub(crate) timeout: Duration,
    pub(crate) retry_delay: Duration,
    /// How often the pub/sub listener pings its connection (`None`: never).
    pub(crate) ping_interval: Option<Duration>,
    state: Mutex<State>,
}

impl Conn {
    pub(crate) fn new(
        client: Client,
        timeout: Duration,
        retry_delay: Duration,
        ping_interval: Option<Duration>,
    ) -> Conn {
        Conn {
            client,
            timeout,
            retry_delay,
            ping_interval,
            state: Mutex::new(State {
                conn: None,
                retry_at: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn unavailable(&self, message: impl Into<String>) -> RevocationError {
        RevocationError::unavailable(message, self.retry_delay)
    }

    fn failed(&self) {
        let mut state = self.lock();
        state.conn = None;
        state.retry_at = Some(Instant::now() + self.retry_delay);
    }

    /// The connection, and whether it was made just now.
    async fn get(&self) -> Result<(MultiplexedConnection, bool), RevocationError> {
        {
            let state = self.lock();
            if let Some(conn) = &state.conn {
                return Ok((conn.clone(), false));
            }
            if state.retry_at.is_some_and(|at| Instant::now() < at) {
                return Err(self.unavailable("Redis is unreachable (waiting before reconnecting)"));
            }
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        let connect = self
            .client
            .get_multiplexed_async_connection_with_config(&config);
        match tokio::time::timeout(self.timeout, connect).await {
            Ok(Ok(conn)) => {
                let mut state = self.lock();
                state.conn = Some(conn.clone());
                state.retry_at = None;
                Ok((conn, true))
            }
            Ok(Err(e)) => {
                self.failed();
                Err(self.unavailable(e.to_string()))
            }
            Err(_) => {
                self.failed();
                Err(self.unavailable("connecting to Redis timed out"))
            }
        }
    }

    /// Runs `f` on the connection within the timeout; any failure drops the connection. A
    /// connection that was already open and fails at once (Redis restarted since: the socket
    /// is closed) is replaced and `f` tried once more, so a restart costs no failed check.
    pub(crate) async fn run<T, F, Fut>(&self, f: F) -> Result<T, RevocationError>
    where
        F: Fn(MultiplexedConnection) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let (conn, fresh) = self.get().await?;
        match tokio::time::timeout(self.timeout, f(conn)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) if !fresh && (e.is_io_error() || e.is_unrecoverable_error()) => {
                self.lock().conn = None;
                let (conn, _) = self.get().await?;
                self.finish(tokio::time::timeout(self.timeout, f(conn)).await)
            }
            result => self.finish(result),
        }
    }

    fn finish<T>(
        &self,
        result: Result<RedisResult<T>, tokio::time::error::Elapsed>,
    ) -> Result<T, RevocationError> {
        match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                self.failed();
                Err(self.unavailable(e.to_string()))
            }
            Err(_) => {
                self.failed();
                Err(self.unavailable("Redis did not answer in time"))
            }
        }
    }
}
