//! Database-session lookups on the real PostgreSQL (pg-adapter preset, rows written by
//! `@auth/pg-adapter`): the Rust [`SessionStore`] against `@auth/pg-adapter`'s
//! `getSessionAndUser` (`fixtures/adapters/bench-sessions.mjs`) at the same concurrency, side by
//! side in one run.
//!
//! ```sh
//! cargo bench -p authgen-runtime --features postgres --bench db
//! ```
//!
//! Criterion measures the time per lookup (sequential, 16 concurrent tasks, cache hit); then a
//! fixed-duration run of each side at concurrency 1 and 16 prints lookups per second and the
//! ratio. Environment: `AUTHGEN_BENCH_SECONDS` (default 3) and `AUTHGEN_BENCH_ROUNDS`
//! (default 3) for the side-by-side runs, which alternate between the sides.

#[path = "../tests/db_support/mod.rs"]
mod db_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use authgen_runtime::db::{Dialect, Pool, SessionStore};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use db_support::*;
use sqlx::postgres::PgPoolOptions;

const CONCURRENCY: [usize; 2] = [1, 16];

struct Setup {
    rt: tokio::runtime::Runtime,
    _db: Migrated,
    url: String,
    token: String,
}

fn setup() -> Setup {
    let rt = runtime();
    let db = rt.block_on(Migrated::new(Dialect::Postgres, "pg-adapter", "bench_db"));
    let written = write_sessions("pg", &db);
    Setup {
        url: db.url.clone(),
        token: written.sessions.admin.token,
        _db: db,
        rt,
    }
}

fn store(s: &Setup, connections: u32) -> Arc<SessionStore<User>> {
    let pool = s.rt.block_on(async {
        PgPoolOptions::new()
            .max_connections(connections)
            .min_connections(connections)
            .connect(&s.url)
            .await
            .expect("pool")
    });
    let schema = &s._db.session_schema;
    Arc::new(SessionStore::new(Pool::from(pool), schema).expect("store"))
}

/// `n` lookups spread over `c` tasks; the elapsed time.
async fn concurrent(store: &Arc<SessionStore<User>>, token: &str, c: usize, n: u64) -> Duration {
    let start = Instant::now();
    let per = n.div_ceil(c as u64);
    let tasks: Vec<_> = (0..c)
        .map(|_| {
            let store = store.clone();
            let token = token.to_owned();
            tokio::spawn(async move {
                for _ in 0..per {
                    let s = store.lookup(&token).await.expect("lookup");
                    std::hint::black_box(s);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let s = setup();
    let mut g = c.benchmark_group("db_session_lookup_postgres");
    g.throughput(Throughput::Elements(1));
    g.measurement_time(Duration::from_secs(5));
    for conc in CONCURRENCY {
        let st = store(&s, conc as u32);
        g.bench_function(format!("rust_concurrency_{conc}"), |b| {
            b.iter_custom(|iters| s.rt.block_on(concurrent(&st, &s.token, conc, iters)))
        });
    }
    let cached = Arc::new(
        SessionStore::<User>::new(store(&s, 1).pool().clone(), &s._db.session_schema)
            .expect("store")
            .with_cache(10_000, Duration::from_secs(60)),
    );
    g.bench_function("rust_cache_hit", |b| {
        b.iter(|| s.rt.block_on(cached.lookup(&s.token)).expect("lookup"))
    });
    g.finish();

    side_by_side(&s);
}

/// Lookups per second of the Rust store over `seconds` with `conc` tasks.
fn rust_rate(s: &Setup, st: &Arc<SessionStore<User>>, conc: usize, seconds: u64) -> f64 {
    let (n, elapsed) = s.rt.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let start = Instant::now();
        let tasks: Vec<_> = (0..conc)
            .map(|_| {
                let st = st.clone();
                let token = s.token.clone();
                tokio::spawn(async move {
                    let mut n = 0u64;
                    while Instant::now() < deadline {
                        std::hint::black_box(st.lookup(&token).await.expect("lookup"));
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        let mut total = 0;
        for t in tasks {
            total += t.await.expect("task");
        }
        (total, start.elapsed())
    });
    n as f64 / elapsed.as_secs_f64()
}

/// Lookups per second of `@auth/pg-adapter` over `seconds` with `conc` workers, and the
/// queries it sent per lookup.
fn node_rate(s: &Setup, conc: usize, seconds: u64) -> (f64, f64) {
    let out = authgen_testkit::npm::node_ok(
        &node_dir(),
        "bench-sessions.mjs",
        &[&s.url, &s.token, &conc.to_string(), &seconds.to_string()],
        b"",
        &[],
    );
    let node: serde_json::Value = serde_json::from_str(out.trim()).expect("node json");
    (
        node["perSecond"].as_f64().expect("perSecond"),
        node["queriesPerLookup"].as_f64().expect("queriesPerLookup"),
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Lookups per second of each side at each concurrency, rounds alternating between the sides
/// (the machine's load changes), medians and their ratio.
fn side_by_side(s: &Setup) {
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let seconds = env("AUTHGEN_BENCH_SECONDS", 3);
    let rounds = env("AUTHGEN_BENCH_ROUNDS", 3).max(1);
    println!(
        "\nside by side on the same PostgreSQL, pool size = concurrency, {rounds} alternating rounds of {seconds} s per side:"
    );
    println!("| concurrency | Rust `SessionStore::lookup` lookups/s (median, rounds) | `@auth/pg-adapter` `getSessionAndUser` lookups/s (median, rounds) | ratio of medians | queries per lookup (Rust / adapter) |");
    println!("|---|---|---|---|---|");
    for conc in CONCURRENCY {
        let st = store(s, conc as u32);
        // Warm-up: every connection prepares the statement once.
        s.rt.block_on(concurrent(&st, &s.token, conc, 200));
        let (mut ours, mut theirs, mut queries) = (Vec::new(), Vec::new(), 0.0);
        for _ in 0..rounds {
            ours.push(rust_rate(s, &st, conc, seconds));
            let (t, q) = node_rate(s, conc, seconds);
            theirs.push(t);
            queries = q;
        }
        let fmt = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (o, t) = (median(ours.clone()), median(theirs.clone()));
        println!(
            "| {conc} | {o:.0} ({}) | {t:.0} ({}) | {:.2}× | 1 / {queries:.2} |",
            fmt(&ours),
            fmt(&theirs),
            o / t
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
