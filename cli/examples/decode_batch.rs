//! The library side of `scripts/bench-decode-batch.sh`.
//!
//! - `decode_batch mint N SECRET`: prints N v5 session tokens (one per line) with claims like
//!   the seed model's (name, email, picture, sub, role, permissions; iat, exp, jti).
//! - `decode_batch lib SECRET < tokens`: reads the tokens, then times `Verifier::decode_map` of
//!   each (the library decode, in one process, no output) over 5 rounds and prints two numbers:
//!   the nanoseconds per token of the best round in wall time and in CPU time (this thread's,
//!   from `/proc/thread-self/schedstat`; 0 where that file is missing).

use std::io::{BufRead, Write};
use std::time::Instant;

use authgen_runtime::{NextAuthVersion, Verifier};

fn verifier(secret: &str) -> Verifier {
    Verifier::builder(NextAuthVersion::V5)
        .secret(secret)
        .build()
        .unwrap_or_else(|e| panic!("the secret: {e}"))
}

fn mint(n: usize, v: &Verifier) {
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for i in 0..n {
        let role = ["USER", "MODERATOR", "ADMIN"][i % 3];
        let claims = serde_json::json!({
            "name": format!("User {i}"),
            "email": format!("user{i}@example.com"),
            "picture": format!("https://example.com/avatars/{i}.png"),
            "sub": format!("user-{i:08}"),
            "role": role,
            "permissions": ["posts:read", "posts:write"],
        });
        let token = v.encode(&claims).expect("encode");
        writeln!(out, "{token}").expect("write");
    }
    out.flush().expect("flush");
}

fn lib(v: &Verifier) {
    let tokens: Vec<String> = std::io::stdin()
        .lock()
        .lines()
        .map(|l| l.expect("read").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    assert!(!tokens.is_empty(), "no tokens on standard input");
    let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        let (start, cpu_start) = (Instant::now(), cpu_ns());
        for t in &tokens {
            std::hint::black_box(v.decode_map(std::hint::black_box(t)).expect("verifies"));
        }
        let n = tokens.len() as f64;
        wall = wall.min(start.elapsed().as_nanos() as f64 / n);
        cpu = cpu.min(cpu_ns().saturating_sub(cpu_start) as f64 / n);
    }
    println!("{wall:.0} {cpu:.0}");
}

/// This thread's CPU time so far, in nanoseconds (0 without `/proc/thread-self/schedstat`).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["mint", n, secret] => mint(n.parse().expect("N: a number of tokens"), &verifier(secret)),
        ["lib", secret] => lib(&verifier(secret)),
        _ => {
            eprintln!("usage: decode_batch mint N SECRET | decode_batch lib SECRET < tokens");
            std::process::exit(2);
        }
    }
}
