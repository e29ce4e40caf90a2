//! The example service's binary run by the tests: started on a free port with a given
//! environment, its stderr collected, killed when dropped; and a one-shot HTTP/1.1 client.
//! Items some test binary does not use are marked `#[allow(dead_code)]`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// The session cookie of next-auth v5 on http.
pub const COOKIE: &str = "authjs.session-token";

/// An HTTP answer.
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    #[allow(dead_code)]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    #[allow(dead_code)]
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// The running binary; killed when dropped. Its stderr after the first line is collected.
/// Runs the service with `env` until it exits (a configuration error): its exit code and stderr.
#[allow(dead_code)]
pub fn run_to_exit(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_authgen-example-service"))
        .env_clear()
        .env("ADDR", "127.0.0.1:0")
        .envs(env.iter().copied())
        .output()
        .expect("run the service");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub struct Service {
    child: Child,
    pub port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Service {
    pub fn start(env: &[(&str, &str)]) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_authgen-example-service"))
            .env_clear()
            .env("ADDR", "127.0.0.1:0")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the service");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).expect("the first stderr line");
        let port = line
            .trim_end()
            .strip_prefix("authgen-example-service listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
            panic!("the service did not start: {line}{rest}");
        };
        let collected = Arc::new(Mutex::new(line));
        let sink = Arc::clone(&collected);
        std::thread::spawn(move || {
            for l in stderr.lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(l + "\n"));
            }
        });
        Service {
            child,
            port,
            stderr: collected,
        }
    }

    #[allow(dead_code)]
    pub fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).expect("send");
        let mut resp = String::new();
        s.read_to_string(&mut resp).expect("read");
        let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
        let status = head
            .get(9..12)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {resp:?}"));
        Answer {
            status,
            head: head.to_owned(),
            body: body.to_owned(),
        }
    }

    #[allow(dead_code)]
    pub fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let cookie = token.map(|t| format!("theme=dark; {COOKIE}={t}"));
        let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("Cookie", c.as_str())).collect();
        self.send("GET", path, &headers, "")
    }

    #[allow(dead_code)]
    pub fn post(&self, token: Option<&str>, content_type: &str, body: &str) -> Answer {
        let cookie = token.map(|t| format!("{COOKIE}={t}"));
        let mut headers = vec![("Content-Type", content_type)];
        headers.extend(cookie.iter().map(|c| ("Cookie", c.as_str())));
        self.send("POST", "/api/posts", &headers, body)
    }

    /// Everything the service wrote on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Whether the process is still running (it has not exited, crashed or been killed).
    #[allow(dead_code)]
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
