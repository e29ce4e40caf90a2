//! The example service in database mode on the machine's PostgreSQL, under faults (issue #13).
//!
//! The real binary migrates a fresh database with the seed's committed PostgreSQL migrations
//! (`fixtures/seed/generated/migrations/postgres`, naming `pg-adapter`), one ADMIN user and one
//! session are seeded, and 32 keep-alive clients call `GET /api/me` without pause while the test
//!
//! 1. terminates every backend of the database (`pg_terminate_backend`) again and again: every
//!    answer is 200 or 503 with `Retry-After`, no connection fails, and once the kills stop the
//!    service answers 200 again by itself;
//! 2. holds `LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE` in an open transaction: requests answer
//!    503 with `Retry-After` within `DB_TIMEOUT_MS` + 1 s, and 200 again after `COMMIT`;
//! 3. finds the process alive with no "panicked" on its stderr.
//!
//! What was measured is printed (`cargo test … -- --nocapture` shows it).

mod common;

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use authgen_testkit::db::{Server, TempDb};
use common::{Service, COOKIE};
use serde_json::json;
use sqlx::{Connection, PgConnection};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const SECRET: &str = "svc-faults-secret-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
/// `DB_TIMEOUT_MS` of the service under test.
const TIMEOUT: Duration = Duration::from_millis(1000);
/// What the brief allows on top of the timeout.
const MARGIN: Duration = Duration::from_secs(1);
/// How long the service may take to answer 200 again once a fault ends.
const RECOVERY: Duration = Duration::from_secs(5);
const CLIENTS: usize = 32;

/// The phases of the run; each request records the phase it started and ended in.
const WARMUP: u8 = 0;
const KILLS: u8 = 1;
const AFTER_KILLS: u8 = 2;
const LOCKED: u8 = 3;
const AFTER_LOCK: u8 = 4;
const PHASES: [&str; 5] = ["warm-up", "kills", "after kills", "locked", "after lock"];

/// One answer seen by a load client.
#[derive(Debug, Clone, Copy)]
struct Record {
    start_phase: u8,
    end_phase: u8,
    /// Since the start of the load.
    started: Duration,
    elapsed: Duration,
    status: u16,
    retry_after: bool,
}

impl Record {
    fn ended(&self) -> Duration {
        self.started + self.elapsed
    }

    fn acceptable(&self) -> bool {
        self.status == 200 || (self.status == 503 && self.retry_after)
    }
}

/// What the load clients share with the conductor.
struct Load {
    port: u16,
    token: String,
    t0: Instant,
    phase: AtomicU8,
    stop: AtomicBool,
}

/// The answers of one client and the connection errors it met.
#[derive(Default)]
struct ClientLog {
    records: Vec<Record>,
    errors: Vec<String>,
}

/// Reads one HTTP/1.1 response head and its `Content-Length` body: the status and whether a
/// `Retry-After` with a positive number of seconds came with it.
async fn read_response(reader: &mut BufReader<TcpStream>) -> Result<(u16, bool), String> {
    let mut line = String::new();
    let read = |e: std::io::Error| format!("read: {e}");
    if reader.read_line(&mut line).await.map_err(read)? == 0 {
        return Err("the service closed the connection".into());
    }
    let status = line
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP status line: {line:?}"))?;
    let (mut length, mut retry_after) = (0usize, false);
    loop {
        line.clear();
        reader.read_line(&mut line).await.map_err(read)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((k, v)) = header.split_once(':') else {
            return Err(format!("not a header: {header:?}"));
        };
        if k.eq_ignore_ascii_case("content-length") {
            length = v.trim().parse().map_err(|_| format!("bad length {v:?}"))?;
        } else if k.eq_ignore_ascii_case("retry-after") {
            retry_after = v.trim().parse::<u32>().is_ok_and(|s| s > 0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.map_err(read)?;
    Ok((status, retry_after))
}

/// One keep-alive client calling `GET /api/me` until told to stop; a failed connection is
/// logged and replaced.
async fn client(load: Arc<Load>) -> ClientLog {
    let mut log = ClientLog::default();
    let request = format!(
        "GET /api/me HTTP/1.1\r\nHost: localhost\r\nCookie: {COOKIE}={}\r\n\r\n",
        load.token
    );
    let mut conn: Option<BufReader<TcpStream>> = None;
    while !load.stop.load(Ordering::Relaxed) {
        if conn.is_none() {
            match TcpStream::connect(("127.0.0.1", load.port)).await {
                Ok(s) => conn = Some(BufReader::new(s)),
                Err(e) => {
                    log.errors.push(format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            }
        }
        let reader = conn.as_mut().expect("connected above");
        let start_phase = load.phase.load(Ordering::SeqCst);
        let started = load.t0.elapsed();
        let exchange = async {
            let stream = reader.get_mut();
            stream
                .write_all(request.as_bytes())
                .await
                .map_err(|e| format!("write: {e}"))?;
            read_response(reader).await
        };
        let answer = tokio::time::timeout(Duration::from_secs(10), exchange).await;
        let elapsed = load.t0.elapsed() - started;
        match answer {
            Ok(Ok((status, retry_after))) => log.records.push(Record {
                start_phase,
                end_phase: load.phase.load(Ordering::SeqCst),
                started,
                elapsed,
                status,
                retry_after,
            }),
            Ok(Err(e)) => {
                log.errors.push(e);
                conn = None;
            }
            Err(_) => {
                log.errors
                    .push(format!("no answer in 10 s (started at {started:?})"));
                conn = None;
            }
        }
    }
    log
}

/// Terminates every other backend of `db`; how many were terminated.
async fn kill_backends(killer: &mut PgConnection, db: &str) -> usize {
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(db)
    .fetch_all(killer)
    .await
    .unwrap_or_else(|e| panic!("pg_terminate_backend on {db}: {e}"));
    killed.into_iter().filter(|k| *k).count()
}

/// When each phase started (since the start of the load), and how many backends were killed.
struct Timeline {
    starts: [Duration; 5],
    end: Duration,
    killed: usize,
    kill_rounds: usize,
}

/// Drives the phases: warm-up, kills every 150 ms for 4 s, a pause, the held lock for three
/// timeouts, and a tail after `COMMIT`.
async fn conduct(load: &Load, db: &TempDb) -> Timeline {
    let connect = || async {
        PgConnection::connect(db.url())
            .await
            .unwrap_or_else(|e| panic!("connect to {}: {e}", db.name()))
    };
    let mut starts = [Duration::ZERO; 5];
    let mut enter = |phase: u8| {
        starts[phase as usize] = load.t0.elapsed();
        load.phase.store(phase, Ordering::SeqCst);
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut killer = connect().await;
    enter(KILLS);
    let (mut killed, mut kill_rounds) = (0, 0);
    let kills_end = Instant::now() + Duration::from_secs(4);
    while Instant::now() < kills_end {
        killed += kill_backends(&mut killer, db.name()).await;
        kill_rounds += 1;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    enter(AFTER_KILLS);
    tokio::time::sleep(RECOVERY).await;
    let mut locker = connect().await;
    sqlx::raw_sql("BEGIN; LOCK TABLE \"sessions\" IN ACCESS EXCLUSIVE MODE")
        .execute(&mut locker)
        .await
        .unwrap_or_else(|e| panic!("LOCK TABLE sessions: {e}"));
    enter(LOCKED);
    tokio::time::sleep(TIMEOUT * 3).await;
    // The phase changes before `COMMIT` is sent: a request the commit unblocks may answer 200
    // before `COMMIT`'s own reply reaches this task, and it must not count as "under the lock".
    enter(AFTER_LOCK);
    sqlx::raw_sql("COMMIT")
        .execute(&mut locker)
        .await
        .unwrap_or_else(|e| panic!("COMMIT: {e}"));
    tokio::time::sleep(RECOVERY).await;
    let _ = locker.close().await;
    let _ = killer.close().await;
    Timeline {
        starts,
        end: load.t0.elapsed(),
        killed,
        kill_rounds,
    }
}

/// Seeds an ADMIN user and a session of one day: the user's id (the `SERIAL` as text) and the
/// session token.
async fn seed(db: &TempDb) -> (String, String) {
    let mut c = PgConnection::connect(db.url())
        .await
        .unwrap_or_else(|e| panic!("connect to {}: {e}", db.name()));
    let id: i32 = sqlx::query_scalar(
        "INSERT INTO users (name, email, role, permissions) \
         VALUES ('Ada Admin', 'admin@example.com', 'ADMIN', ARRAY['posts:read', 'posts:write']) \
         RETURNING id",
    )
    .fetch_one(&mut c)
    .await
    .expect("insert the user");
    let token = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO sessions (\"sessionToken\", \"userId\", expires) \
         VALUES ($1, $2, now() + interval '1 day')",
    )
    .bind(&token)
    .bind(id)
    .execute(&mut c)
    .await
    .expect("insert the session");
    let _ = c.close().await;
    (id.to_string(), token)
}

fn start_service(db: &TempDb) -> Service {
    let migrations =
        authgen_testkit::workspace_root().join("fixtures/seed/generated/migrations/postgres");
    let timeout_ms = TIMEOUT.as_millis().to_string();
    Service::start(&[
        ("AUTH_SECRET", SECRET),
        ("AUTH_STRATEGY", "database"),
        ("DATABASE_URL", db.url()),
        ("MIGRATIONS_DIR", migrations.to_str().expect("a UTF-8 path")),
        ("DB_NAMING", "pg-adapter"),
        ("DB_TIMEOUT_MS", &timeout_ms),
    ])
}

/// Per phase: how many answers of each status came in it (503 counted only with `Retry-After`).
fn summary(records: &[Record]) -> String {
    let mut out = String::new();
    for (phase, name) in PHASES.iter().enumerate() {
        let of: Vec<&Record> = records
            .iter()
            .filter(|r| r.end_phase as usize == phase)
            .collect();
        let ok = of.iter().filter(|r| r.status == 200).count();
        let unavailable = of
            .iter()
            .filter(|r| r.status == 503 && r.retry_after)
            .count();
        let max = of.iter().map(|r| r.elapsed).max().unwrap_or_default();
        out += &format!(
            "  {name:<12} {:>7} answers: {ok:>7} × 200, {unavailable:>6} × 503+Retry-After, \
             {:>3} other; slowest {max:?}\n",
            of.len(),
            of.len() - ok - unavailable
        );
    }
    out
}

/// How the service came back after a fault that ended at `from`, from the requests started at
/// or after it and answered before `until`: when the first 200 came and when the last failure
/// did (`None`: there was none). Asserts that some came and that the last second before
/// [`RECOVERY`] ends holds only 200s, and at least one per client.
fn recovery(records: &[Record], from: Duration, until: Duration) -> (Duration, Option<Duration>) {
    let after: Vec<&Record> = records
        .iter()
        .filter(|r| r.started >= from && r.ended() < until)
        .collect();
    let first_ok = after
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| r.ended() - from)
        .min()
        .unwrap_or_else(|| panic!("no 200 after {from:?}"));
    let last_bad = after
        .iter()
        .filter(|r| r.status != 200)
        .map(|r| r.ended() - from)
        .max();
    let settled = RECOVERY - Duration::from_secs(1);
    assert!(
        last_bad.is_none_or(|d| d < settled),
        "still failing {last_bad:?} after the fault ended at {from:?} (bound {settled:?})"
    );
    let tail = after.iter().filter(|r| r.started >= from + settled).count();
    assert!(
        tail >= CLIENTS,
        "only {tail} answers in the last second after {from:?}"
    );
    (first_ok, last_bad)
}

/// No connection error; every answer 200 or 503 with `Retry-After`, within the timeout +
/// [`MARGIN`]; only 200s before the faults.
fn assert_every_answer_acceptable(records: &[Record], errors: &[String]) {
    assert!(
        errors.is_empty(),
        "{} connection errors, e.g. {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    let slow: Vec<&Record> = records
        .iter()
        .filter(|r| r.elapsed >= TIMEOUT + MARGIN)
        .collect();
    assert!(
        slow.is_empty(),
        "{} answers took the timeout + {MARGIN:?} or more, e.g. {:?}",
        slow.len(),
        &slow[..slow.len().min(5)]
    );
    let warm = || records.iter().filter(|r| r.end_phase == WARMUP);
    assert!(
        warm().count() >= CLIENTS,
        "too little load before the faults"
    );
    assert!(
        warm().all(|r| r.status == 200),
        "not all 200 before the faults"
    );
    let bad: Vec<&Record> = records.iter().filter(|r| !r.acceptable()).collect();
    assert!(
        bad.is_empty(),
        "{} answers neither 200 nor 503 with Retry-After, e.g. {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
}

/// The kills happened, reached requests in flight (503s), and the service recovered.
fn assert_kills(records: &[Record], t: &Timeline) -> (Duration, Option<Duration>) {
    assert!(
        t.killed > 0,
        "pg_terminate_backend terminated no backend in {} rounds",
        t.kill_rounds
    );
    let unavailable = records
        .iter()
        .filter(|r| r.end_phase == KILLS && r.status == 503)
        .count();
    assert!(unavailable > 0, "no request met a killed connection");
    recovery(
        records,
        t.starts[AFTER_KILLS as usize],
        t.starts[LOCKED as usize],
    )
}

/// Under the lock: only 503s with `Retry-After`, each within the timeout + [`MARGIN`]; then the
/// service recovered. Returns the recovery and the slowest 503.
fn assert_lock(records: &[Record], t: &Timeline) -> ((Duration, Option<Duration>), Duration) {
    let locked: Vec<&Record> = records
        .iter()
        .filter(|r| r.start_phase == LOCKED && r.end_phase == LOCKED)
        .collect();
    assert!(
        locked.len() >= CLIENTS,
        "only {} answers under the lock",
        locked.len()
    );
    for r in &locked {
        assert!(
            r.status == 503 && r.retry_after,
            "under the lock: {r:?} (want 503 with Retry-After)"
        );
        assert!(
            r.elapsed < TIMEOUT + MARGIN,
            "under the lock a request took {:?} (bound {:?})",
            r.elapsed,
            TIMEOUT + MARGIN
        );
    }
    let back = recovery(records, t.starts[AFTER_LOCK as usize], t.end);
    let slowest = locked.iter().map(|r| r.elapsed).max().unwrap_or_default();
    (back, slowest)
}

fn shown(d: Option<Duration>) -> String {
    d.map_or("none".into(), |d| format!("{d:?}"))
}

/// Each distinct line of `text` with its count, most frequent first.
fn tally(text: &str) -> String {
    let mut counts: Vec<(usize, &str)> = Vec::new();
    for line in text.lines() {
        match counts.iter_mut().find(|(_, l)| *l == line) {
            Some((n, _)) => *n += 1,
            None => counts.push((1, line)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.0));
    counts
        .iter()
        .map(|(n, l)| format!("  {n:>5} × {l}\n"))
        .collect()
}

#[test]
fn postgres_faults_answer_503_with_retry_after_and_recover_without_restart() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let db = rt.block_on(TempDb::new(Server::Postgres, "svc_faults"));
    let mut service = start_service(&db);
    let (user_id, token) = rt.block_on(seed(&db));
    let me = service.get("/api/me", Some(&token));
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(
        me.json(),
        json!({"id": user_id, "name": "Ada Admin", "email": "admin@example.com", "role": "ADMIN",
               "permissions": ["posts:read", "posts:write"], "strategy": "database"})
    );

    let load = Arc::new(Load {
        port: service.port,
        token: token.clone(),
        t0: Instant::now(),
        phase: AtomicU8::new(WARMUP),
        stop: AtomicBool::new(false),
    });
    let (timeline, logs) = rt.block_on(async {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| tokio::spawn(client(Arc::clone(&load))))
            .collect();
        let timeline = conduct(&load, &db).await;
        load.stop.store(true, Ordering::SeqCst);
        let mut logs = Vec::new();
        for c in clients {
            logs.push(c.await.expect("a load client panicked"));
        }
        (timeline, logs)
    });
    let records: Vec<Record> = logs
        .iter()
        .flat_map(|l| l.records.iter().copied())
        .collect();
    let errors: Vec<String> = logs.into_iter().flat_map(|l| l.errors).collect();
    println!(
        "{CLIENTS} clients, DB_TIMEOUT_MS={}, {} backends killed in {} rounds, {} answers in {:?}:\n{}",
        TIMEOUT.as_millis(),
        timeline.killed,
        timeline.kill_rounds,
        records.len(),
        timeline.end,
        summary(&records)
    );

    assert_every_answer_acceptable(&records, &errors);
    let (kills_ok, kills_last_bad) = assert_kills(&records, &timeline);
    let ((lock_ok, lock_last_bad), lock_slowest) = assert_lock(&records, &timeline);
    println!(
        "after the kills: first 200 after {kills_ok:?}, last failure after {}\n\
         under the lock: slowest 503 {lock_slowest:?}\n\
         after COMMIT: first 200 after {lock_ok:?}, last failure after {}",
        shown(kills_last_bad),
        shown(lock_last_bad)
    );

    assert!(service.alive(), "the service exited");
    assert_eq!(service.get("/api/me", Some(&token)).status, 200);
    let stderr = service.stderr();
    println!("the service's stderr, by line:\n{}", tally(&stderr));
    assert!(
        !stderr.contains("panicked"),
        "the service panicked:\n{stderr}"
    );
    assert!(!stderr.contains(&token), "the session token reached stderr");
    assert!(!stderr.contains(SECRET), "the secret reached stderr");
}

/// A database server that accepts connections and never answers (a hung host), and one that
/// refuses them: each request answers 503 with `Retry-After` within the timeout + [`MARGIN`], and
/// the process stays up.
#[test]
fn a_silent_or_refusing_postgres_is_503_within_the_timeout() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a silent listener");
    let refusing = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let closed_port = refusing.local_addr().unwrap().port();
    drop(refusing);
    let timeout_ms = TIMEOUT.as_millis().to_string();
    for port in [silent.local_addr().unwrap().port(), closed_port] {
        let url = format!("postgres://root@127.0.0.1:{port}/app");
        let mut service = Service::start(&[
            ("AUTH_SECRET", SECRET),
            ("AUTH_STRATEGY", "database"),
            ("DATABASE_URL", &url),
            ("DB_NAMING", "pg-adapter"),
            ("DB_TIMEOUT_MS", &timeout_ms),
        ]);
        for _ in 0..3 {
            let started = Instant::now();
            let a = service.get("/api/me", Some("0b7c2c52-5d0e-4b8e-9d7c-1f2e3d4c5b6a"));
            let elapsed = started.elapsed();
            assert_eq!(
                (a.status, a.json()),
                (503, json!({"error": "unavailable"})),
                "{url}"
            );
            assert!(a.header("retry-after").is_some(), "{url}: no Retry-After");
            assert!(
                elapsed < TIMEOUT + MARGIN,
                "{url}: answered after {elapsed:?}"
            );
            println!("{url}: 503 after {elapsed:?}");
        }
        assert!(service.alive(), "{url}: the service exited");
        assert!(!service.stderr().contains("panicked"), "{url}: a panic");
    }
}
