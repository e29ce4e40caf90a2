//! `authgen decode` and `authgen encode`: verify and mint next-auth session tokens.
//!
//! Secrets come from `--secret`, else from the environment as next-auth reads it (see
//! [`env_secrets`]). Neither secrets nor tokens are ever printed in an error.

use std::io::Write;

use authgen_runtime::{ConfigError, NextAuthVersion, TokenErrorKind, Verifier};
use serde_json::Value;

use crate::{Exit, Io};

fn parse_version(s: &str) -> Result<NextAuthVersion, String> {
    s.parse()
}

/// What both commands need to know about the token: the next-auth version, the cookie (its name
/// is the v5 key-derivation salt), and whether a short secret is allowed.
#[derive(Debug, clap::Args)]
pub struct TokenTarget {
    /// The next-auth major version that writes and reads the token (default v5).
    #[arg(long = "next-auth", value_name = "v4|v5", value_parser = parse_version)]
    pub next_auth: Option<NextAuthVersion>,
    /// The session cookie's name (in v5 also the key-derivation salt).
    #[arg(long = "cookie-name", value_name = "NAME", conflicts_with = "secure")]
    pub cookie_name: Option<String>,
    /// Use the `__Secure-` cookie name (sites served over https).
    #[arg(long)]
    pub secure: bool,
    /// Accept secrets shorter than 32 bytes.
    #[arg(long)]
    pub allow_weak_secret: bool,
}

impl TokenTarget {
    /// The version, v5 by default.
    pub fn version(&self) -> NextAuthVersion {
        self.next_auth.unwrap_or(NextAuthVersion::V5)
    }
}

/// Arguments of `authgen decode`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// Version, cookie and secret strength.
    #[command(flatten)]
    pub target: TokenTarget,
    /// A secret (repeat for rotation, newest first); default from the environment.
    #[arg(long = "secret", value_name = "S")]
    pub secrets: Vec<String>,
    /// The token, or `-` (the default) to read one token per line from standard input.
    #[arg(value_name = "TOKEN | -")]
    pub token: Option<String>,
}

/// Arguments of `authgen encode`.
#[derive(Debug, clap::Args)]
pub struct EncodeArgs {
    /// Version, cookie and secret strength.
    #[command(flatten)]
    pub target: TokenTarget,
    /// The secret to encrypt with; default from the environment (the first one next-auth reads).
    #[arg(long = "secret", value_name = "S")]
    pub secret: Option<String>,
    /// Lifetime in seconds: `exp = now + max age` (default 30 days).
    #[arg(long = "max-age", value_name = "SECONDS")]
    pub max_age: Option<u64>,
    /// The claims as a JSON object, or `-` (the default) to read them from standard input.
    #[arg(value_name = "CLAIMS_JSON | -")]
    pub claims: Option<String>,
}

/// The secrets next-auth reads from the environment, in its order (the first one encodes).
///
/// - v4: `NEXTAUTH_SECRET`, else `AUTH_SECRET`.
/// - v5, as next-auth 5 does it (`next-auth/lib/env.js`, then `@auth/core`'s
///   `setEnvDefaults`): `AUTH_SECRET ?? NEXTAUTH_SECRET` alone when that is non-empty; otherwise
///   `@auth/core`'s rotation list `AUTH_SECRET_3`, `AUTH_SECRET_2`, `AUTH_SECRET_1`. So a next-auth
///   5 app with `AUTH_SECRET` set ignores the numbered secrets, and so does this.
///
/// ```
/// use authgen_cli::token::env_secrets;
/// use authgen_runtime::NextAuthVersion;
/// let env = |k: &str| match k {
///     "AUTH_SECRET" => Some("main".to_owned()),
///     "AUTH_SECRET_1" => Some("older".to_owned()),
///     _ => None,
/// };
/// assert_eq!(env_secrets(NextAuthVersion::V5, &env), ["main"]);
/// let rotation = |k: &str| matches!(k, "AUTH_SECRET_1" | "AUTH_SECRET_2").then(|| k.to_owned());
/// assert_eq!(env_secrets(NextAuthVersion::V5, &rotation), ["AUTH_SECRET_2", "AUTH_SECRET_1"]);
/// ```
pub fn env_secrets(version: NextAuthVersion, env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    match version {
        NextAuthVersion::V4 => set("NEXTAUTH_SECRET")
            .or_else(|| set("AUTH_SECRET"))
            .into_iter()
            .collect(),
        // `??` keeps an empty AUTH_SECRET (only undefined falls through to NEXTAUTH_SECRET);
        // an empty result then leaves the choice to @auth/core's list.
        NextAuthVersion::V5 => match env("AUTH_SECRET").or_else(|| env("NEXTAUTH_SECRET")) {
            Some(secret) if !secret.is_empty() => vec![secret],
            _ => ["AUTH_SECRET_3", "AUTH_SECRET_2", "AUTH_SECRET_1"]
                .iter()
                .filter_map(|k| set(k))
                .collect(),
        },
    }
}

fn build(
    target: &TokenTarget,
    secrets: Vec<String>,
    max_age: Option<u64>,
) -> Result<Verifier, ConfigError> {
    let mut b = Verifier::builder(target.version())
        .secrets(secrets)
        .secure(target.secure)
        .allow_weak_secret(target.allow_weak_secret);
    if let Some(name) = target.cookie_name.as_deref() {
        b = b.cookie_name(name);
    }
    if let Some(secs) = max_age {
        b = b.max_age(std::time::Duration::from_secs(secs));
    }
    b.build()
}

fn config_error(cmd: &str, e: &ConfigError, io: &mut Io<'_>) -> Exit {
    let hint = match e {
        ConfigError::WeakSecret { .. } => " (pass --allow-weak-secret to accept it)",
        _ => "",
    };
    let _ = writeln!(io.stderr, "authgen {cmd}: {e}{hint}");
    Exit::Usage
}

/// Runs `authgen decode`.
pub fn decode(args: &DecodeArgs, io: &mut Io<'_>) -> Exit {
    let version = args.target.version();
    let secrets = if args.secrets.is_empty() {
        env_secrets(version, io.env)
    } else {
        args.secrets.clone()
    };
    let verifier = match build(&args.target, secrets, None) {
        Ok(v) => v,
        Err(e) => return config_error("decode", &e, io),
    };
    match args.token.as_deref() {
        Some(token) if token != "-" => match verifier.decode_map(token.trim()) {
            Ok(claims) => {
                let text = serde_json::to_string_pretty(&Value::Object(claims)).unwrap_or_default();
                let _ = writeln!(io.stdout, "{text}");
                Exit::Ok
            }
            Err(e) => {
                let _ = writeln!(io.stderr, "authgen decode: {e}");
                Exit::Failed
            }
        },
        _ => decode_lines(&verifier, io),
    }
}

/// `-`: one token per line; one compact JSON line per token, an error line per failure (a line
/// that is not UTF-8 is one such failure; the lines after it are still read).
///
/// Built for volume: one reused line buffer and one reused output line, the claims written
/// without building a `Value` tree ([`decode_line`]), standard output buffered (flushed before
/// each error line, so the two streams stay in order on a terminal, and at the end).
fn decode_lines(verifier: &Verifier, io: &mut Io<'_>) -> Exit {
    let mut failed = false;
    let mut line = Vec::with_capacity(4096);
    let mut json = Vec::with_capacity(4096);
    let mut n = 0usize;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, &mut *io.stdout);
    loop {
        line.clear();
        match io.stdin.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = out.flush();
                let _ = writeln!(io.stderr, "authgen decode: reading standard input: {e}");
                return Exit::Usage;
            }
        }
        n += 1;
        json.clear();
        let result = match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => decode_line(verifier, text.trim(), &mut json),
            Err(e) => Err(format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            )),
        };
        let written = match result {
            Ok(()) => out.write_all(&json),
            Err(why) => {
                failed = true;
                let flushed = out.flush();
                let _ = writeln!(io.stderr, "authgen decode: line {n}: {why}");
                flushed
            }
        };
        if let Err(e) = written {
            let _ = writeln!(io.stderr, "authgen decode: writing standard output: {e}");
            return Exit::Usage;
        }
    }
    if let Err(e) = out.flush() {
        let _ = writeln!(io.stderr, "authgen decode: writing standard output: {e}");
        return Exit::Usage;
    }
    if failed {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

/// Verifies one token and appends its claims to `json` as one compact line: exactly what
/// `serde_json::to_string` of [`Verifier::decode_map`]'s object prints, and the same error.
///
/// The usual path verifies with [`Verifier::verify_with`] and writes the plaintext's JSON
/// straight out ([`compact`](crate::compact)). A payload it does not reproduce exactly, and an
/// error that depends on the payload (expired, not yet valid, claims), are left to
/// `decode_map`, so output and messages are those of `decode_map` in every case.
fn decode_line(verifier: &Verifier, token: &str, json: &mut Vec<u8>) -> Result<(), String> {
    match verifier.verify_with(token, |plain| crate::compact::write_line(plain, json)) {
        Ok(Some(())) => return Ok(()),
        Err(e) if !payload_dependent(e.kind()) => return Err(e.to_string()),
        _ => {}
    }
    let claims = verifier.decode_map(token).map_err(|e| e.to_string())?;
    serde_json::to_writer(&mut *json, &Value::Object(claims)).map_err(|e| e.to_string())?;
    json.push(b'\n');
    Ok(())
}

/// Whether an error of this kind can come from the payload (whose parse differs between
/// `verify_with` and `decode_map`), rather than from the token's envelope and keys.
fn payload_dependent(kind: TokenErrorKind) -> bool {
    !matches!(
        kind,
        TokenErrorKind::Malformed
            | TokenErrorKind::UnsupportedAlgorithm
            | TokenErrorKind::AuthenticationFailed
            | TokenErrorKind::TooLarge
    )
}

/// Runs `authgen encode`.
pub fn encode(args: &EncodeArgs, io: &mut Io<'_>) -> Exit {
    let version = args.target.version();
    let secrets = match &args.secret {
        Some(s) => vec![s.clone()],
        None => env_secrets(version, io.env).into_iter().take(1).collect(),
    };
    let max_age = match args.max_age {
        Some(secs) if secs > i64::MAX as u64 / 2 => {
            let _ = writeln!(io.stderr, "authgen encode: --max-age is too large");
            return Exit::Usage;
        }
        other => other,
    };
    let verifier = match build(&args.target, secrets, max_age) {
        Ok(v) => v,
        Err(e) => return config_error("encode", &e, io),
    };
    let text = match args.claims.as_deref() {
        Some(json) if json != "-" => json.to_owned(),
        _ => {
            let mut s = String::new();
            if let Err(e) = io.stdin.read_to_string(&mut s) {
                let _ = writeln!(io.stderr, "authgen encode: reading standard input: {e}");
                return Exit::Usage;
            }
            s
        }
    };
    let claims: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            let _ = writeln!(
                io.stderr,
                "authgen encode: the claims are not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            );
            return Exit::Usage;
        }
    };
    if !claims.is_object() {
        let _ = writeln!(
            io.stderr,
            "authgen encode: the claims must be a JSON object"
        );
        return Exit::Usage;
    }
    match verifier.encode(&claims) {
        Ok(token) => {
            let _ = writeln!(io.stdout, "{token}");
            Exit::Ok
        }
        Err(e) => {
            let _ = writeln!(io.stderr, "authgen encode: {e}");
            Exit::Failed
        }
    }
}
