//! Session-token verification: v4 and v5 decode, and cookie extraction + verification per
//! request. Compare with next-auth's own decode with `runtime/benches/compare.sh`.
//!
//! Tokens: `AUTHGEN_BENCH_TOKENS_V4` / `AUTHGEN_BENCH_TOKENS_V5` name files written by
//! `fixtures/ts/next-auth-v{4,5}/interop/bench.mjs` (`{ secret, salt, tokens }`, minted by the
//! real next-auth); without them, 100 tokens with the same payload shape are minted here.

use std::hint::black_box;

use authgen_runtime::{NextAuthVersion, Verifier};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
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

fn bench(c: &mut Criterion) {
    for version in [NextAuthVersion::V4, NextAuthVersion::V5] {
        let (v, tokens) = load(version);
        for t in &tokens {
            v.decode::<Claims>(t).expect("bench tokens verify");
        }
        let n = tokens.len() as u64;
        let mut g = c.benchmark_group(format!("{version}"));
        g.throughput(Throughput::Elements(n));
        g.bench_function("decode_map", |b| {
            b.iter(|| {
                for t in &tokens {
                    black_box(v.decode_map(black_box(t)).unwrap());
                }
            })
        });
        g.bench_function("decode_typed", |b| {
            b.iter(|| {
                for t in &tokens {
                    black_box(v.decode::<Claims>(black_box(t)).unwrap());
                }
            })
        });
        // Per request: a realistic Cookie header with other cookies, then verification.
        let headers: Vec<String> = tokens
            .iter()
            .map(|t| {
                format!(
                    "_ga=GA1.1.123456789.1700000000; theme=dark; {}.csrf-token=abc%7Cdef; {}={t}; locale=en",
                    if version == NextAuthVersion::V4 { "next-auth" } else { "authjs" },
                    v.cookie_name()
                )
            })
            .collect();
        g.bench_function("cookie_header_and_verify", |b| {
            b.iter(|| {
                for h in &headers {
                    black_box(
                        v.decode_cookie_header::<Claims>(black_box(h))
                            .unwrap()
                            .unwrap(),
                    );
                }
            })
        });
        let maps: Vec<http::HeaderMap> = headers
            .iter()
            .map(|h| {
                let mut m = http::HeaderMap::new();
                m.insert(http::header::COOKIE, h.parse().unwrap());
                m.insert(http::header::USER_AGENT, "Mozilla/5.0".parse().unwrap());
                m
            })
            .collect();
        g.bench_function("headermap_and_verify", |b| {
            b.iter(|| {
                for m in &maps {
                    black_box(v.decode_headers::<Claims>(black_box(m)).unwrap().unwrap());
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
