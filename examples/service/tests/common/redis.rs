//! A private `redis-server` per test (free port, no persistence, loopback, killed on drop) and
//! a raw one-command client; included with `#[path]` by the tests that need Redis.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use authgen::runtime::revoke::CHANNEL;

const REDIS_SERVER: &str = "/usr/bin/redis-server";

pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().unwrap().port()
}

/// One inline command on a fresh connection; the raw reply (`None`: no server there).
pub fn redis_cmd(port: u16, cmd: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_millis(500))).ok()?;
    s.write_all(format!("{cmd}\r\n").as_bytes()).ok()?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 256];
    // Replies here are `+PONG` or a 2-element array (`*2 $n name :count`): 4 CRLF.
    while reply.windows(2).filter(|w| w == b"\r\n").count() < 4 {
        let n = s.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
        if reply.starts_with(b"+") && reply.ends_with(b"\r\n") {
            break;
        }
    }
    Some(String::from_utf8_lossy(&reply).into_owned())
}

/// A `redis-server` of this test only: no persistence, loopback, killed on drop.
pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        let mut server = RedisServer {
            child: None,
            port: free_port(),
        };
        server.restart();
        server
    }

    /// Starts the server (again) on the same port; panics if it does not answer within 10 s.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new(REDIS_SERVER)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {REDIS_SERVER}: {e}"));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while redis_cmd(self.port, "PING").as_deref() != Some("+PONG\r\n") {
            assert!(
                Instant::now() < deadline,
                "redis-server on port {} did not answer within 10 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL (no goodbye to the clients), then waits.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Waits until `n` clients are subscribed to the revocations channel (the service's
    /// listener); panics after 10 s.
    pub fn await_subscribers(&self, n: u32) {
        let want = format!(":{n}\r\n");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let reply = redis_cmd(self.port, &format!("PUBSUB NUMSUB {CHANNEL}"));
            if reply.as_deref().is_some_and(|r| r.ends_with(&want)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no {n} subscriber(s) on {CHANNEL} within 10 s: {reply:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
