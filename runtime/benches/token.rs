//! Session-token verification: v4 and v5 decode, and cookie extraction + verification per
//! request. Compare with next-auth's own decode with `runtime/benches/compare.sh`.
//!
//! Tokens: `AUTHGEN_BENCH_TOKENS_V4` / `AUTHGEN_BENCH_TOKENS_V5` name files written by
//! `fixtures/ts/next-auth-v{4,5}/interop/bench.mjs` (`{ secret, salt, tokens }`, minted by the
//! real next-auth); without them, 100 tokens with the same payload shape are minted here.

use std::hint::black_box;

use authgen_runtime::{NextAuthVersion, Verifier};
use criterion::{Criterion, Throughput};
use serde::Deserialize;

#[derive(Deserialize)]
struct TokenFile {
    secret: String,
    tokens: Vec<String>,
}

/// The app's typed claims, as an application would read them.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Claims {
    sub: String,
    name: Option<String>,
    email: Option<String>,
    picture: Option<String>,
    role: String,
    permissions: Vec<String>,
}

fn load(version: NextAuthVersion) -> (Verifier, Vec<String>) {
    let var = match version {
        NextAuthVersion::V4 => "AUTHGEN_BENCH_TOKENS_V4",
        NextAuthVersion::V5 => "AUTHGEN_BENCH_TOKENS_V5",
    };
    if let Ok(path) = std::env::var(var) {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let file: TokenFile = serde_json::from_str(&text).unwrap();
        let v = Verifier::builder(version)
            .secret(&file.secret)
            .build()
            .unwrap();
        return (v, file.tokens);
    }
    let v = Verifier::builder(version)
        .secret("bench-secret-0123456789abcdefghijklmnop")
        .build()
        .unwrap();
    let tokens = (0..100)
        .map(|i| {
            let claims = serde_json::json!({
                "name": format!("User {i}"), "email": format!("user{i}@example.com"),
                "picture": format!("https://example.com/u/{i}.png"), "sub": format!("user-{i}"),
                "role": "USER", "permissions": ["posts:read", "posts:write"],
            });
            v.encode(&claims).unwrap()
        })
        .collect();
    (v, tokens)
}

/// One benchmark case: a name and a function that runs it once over every token.
type Case<'a> = (&'static str, Box<dyn Fn() + Sync + 'a>);

fn cases<'a>(
    version: NextAuthVersion,
    v: &'a Verifier,
    tokens: &'a [String],
    headers: &'a [String],
    maps: &'a [http::HeaderMap],
) -> Vec<Case<'a>> {
    let _ = version;
    vec![
        (
            "decode_map",
            Box::new(move || {
                for t in tokens {
                    black_box(v.decode_map(black_box(t)).unwrap());
                }
            }),
        ),
        (
            "decode_typed",
            Box::new(move || {
                for t in tokens {
                    black_box(v.decode::<Claims>(black_box(t)).unwrap());
                }
            }),
        ),
        // Per request: a realistic Cookie header with other cookies, then verification.
        (
            "cookie_header_and_verify",
            Box::new(move || {
                for h in headers {
                    black_box(
                        v.decode_cookie_header::<Claims>(black_box(h))
                            .unwrap()
                            .unwrap(),
                    );
                }
            }),
        ),
        (
            "headermap_and_verify",
            Box::new(move || {
                for m in maps {
                    black_box(v.decode_headers::<Claims>(black_box(m)).unwrap().unwrap());
                }
            }),
        ),
    ]
}

struct Fixture {
    version: NextAuthVersion,
    verifier: Verifier,
    tokens: Vec<String>,
    headers: Vec<String>,
    maps: Vec<http::HeaderMap>,
}

fn fixtures() -> Vec<Fixture> {
    [NextAuthVersion::V4, NextAuthVersion::V5]
        .into_iter()
        .map(|version| {
            let (verifier, tokens) = load(version);
            for t in &tokens {
                verifier.decode::<Claims>(t).expect("bench tokens verify");
            }
            let headers: Vec<String> = tokens
                .iter()
                .map(|t| {
                    format!(
                        "_ga=GA1.1.123456789.1700000000; theme=dark; {}.csrf-token=abc%7Cdef; {}={t}; locale=en",
                        if version == NextAuthVersion::V4 { "next-auth" } else { "authjs" },
                        verifier.cookie_name()
                    )
                })
                .collect();
            let maps = headers
                .iter()
                .map(|h| {
                    let mut m = http::HeaderMap::new();
                    m.insert(http::header::COOKIE, h.parse().unwrap());
                    m.insert(http::header::USER_AGENT, "Mozilla/5.0".parse().unwrap());
                    m
                })
                .collect();
            Fixture { version, verifier, tokens, headers, maps }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    for f in fixtures() {
        let mut g = c.benchmark_group(format!("{}", f.version));
        g.throughput(Throughput::Elements(f.tokens.len() as u64));
        for (name, run) in cases(f.version, &f.verifier, &f.tokens, &f.headers, &f.maps) {
            g.bench_function(name, |b| b.iter(&run));
        }
        g.finish();
    }
}

/// CPU time this thread has run, in nanoseconds (Linux `/proc/thread-self/schedstat`).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux) for CPU time")
}

/// Per token, for each case: the median and best wall time over 250 ms rounds, and the CPU time
/// over all rounds, written as JSON to `path` (the Node script measures its side the same way).
/// On a shared machine the best round and CPU time are far steadier than a single wall time.
fn rounds_report(path: &str) {
    let seconds: f64 = std::env::var("AUTHGEN_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let mut out = serde_json::Map::new();
    for f in fixtures() {
        let mut per_case = serde_json::Map::new();
        for (name, run) in cases(f.version, &f.verifier, &f.tokens, &f.headers, &f.maps) {
            let warm = std::time::Instant::now();
            while warm.elapsed().as_millis() < 300 {
                run();
            }
            let (start, cpu0) = (std::time::Instant::now(), thread_cpu_ns());
            let mut n = 0u64;
            let mut rounds = Vec::new();
            while start.elapsed().as_secs_f64() < seconds {
                let round = std::time::Instant::now();
                let mut k = 0u64;
                while round.elapsed().as_millis() < 250 {
                    run();
                    k += f.tokens.len() as u64;
                }
                rounds.push(round.elapsed().as_secs_f64() * 1e6 / k as f64);
                n += k;
            }
            let cpu = (thread_cpu_ns() - cpu0) as f64 / n as f64 / 1000.0;
            rounds.sort_by(f64::total_cmp);
            per_case.insert(
                name.into(),
                serde_json::json!({
                    "wall_median_us": rounds[rounds.len() / 2],
                    "wall_best_us": rounds[0],
                    "cpu_us": cpu,
                }),
            );
        }
        per_case.insert("all_cores".into(), all_cores(&f, seconds));
        out.insert(f.version.to_string(), serde_json::Value::Object(per_case));
    }
    std::fs::write(path, serde_json::to_string_pretty(&out).unwrap()).unwrap();
}

/// `decode_typed` on every core at once (one thread per core, each over all the tokens), the
/// machine's throughput, to set beside next-auth's with many decodes in flight (Node then uses
/// its main thread and the libuv threadpool, so both cores). Per token: wall time of the whole
/// machine (elapsed / tokens decoded by all threads) and CPU time (summed over the threads).
fn all_cores(f: &Fixture, seconds: f64) -> serde_json::Value {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let all = cases(f.version, &f.verifier, &f.tokens, &f.headers, &f.maps);
    let (_, run) = all
        .iter()
        .find(|(name, _)| *name == "decode_typed")
        .unwrap();
    let start = std::time::Instant::now();
    let per_thread: Vec<(u64, u64)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let cpu0 = thread_cpu_ns();
                    let mut n = 0u64;
                    while start.elapsed().as_secs_f64() < seconds {
                        run();
                        n += f.tokens.len() as u64;
                    }
                    (n, thread_cpu_ns() - cpu0)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let elapsed = start.elapsed().as_secs_f64() * 1e6;
    let n: u64 = per_thread.iter().map(|p| p.0).sum();
    let cpu: u64 = per_thread.iter().map(|p| p.1).sum();
    serde_json::json!({
        "threads": threads,
        "wall_us": elapsed / n as f64,
        "cpu_us": cpu as f64 / n as f64 / 1000.0,
    })
}

fn main() {
    // `AUTHGEN_BENCH_ROUNDS_OUT=file cargo bench --bench token`: the rounds report (wall median,
    // wall best, CPU time per token) instead of criterion, for `compare.sh`'s paired rounds.
    if let Ok(path) = std::env::var("AUTHGEN_BENCH_ROUNDS_OUT") {
        rounds_report(&path);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
