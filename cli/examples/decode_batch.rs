//! The library side of `scripts/bench-decode-batch.sh`.
//!
//! - `decode_batch mint N SECRET`: prints N v5 session tokens (one per line) with claims like
//!   the seed model's (name, email, picture, sub, role, permissions; iat, exp, jti).
//! - `decode_batch lib SECRET < tokens`: reads the tokens, then times `Verifier::decode_map` of
//!   each (the library decode `authgen decode` calls, in one process, no output) and prints the
//!   nanoseconds per token of the best of 5 rounds.

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
        let claims = serde_json::json!({
            "name": format!("User {i}"),
            "email": format!("user{i}@example.com"),
            "picture": format!("https://example.com/avatars/{i}.png"),
            "sub": format!("user-{i:08}"),
            "role": ["USER", "MODERATOR", "ADMIN"][i % 3],
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
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        for t in &tokens {
            std::hint::black_box(v.decode_map(std::hint::black_box(t)).expect("verifies"));
        }
        let per = start.elapsed().as_nanos() as f64 / tokens.len() as f64;
        best = best.min(per);
    }
    println!("{best:.0}");
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
