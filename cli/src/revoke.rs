//! `authgen revoke`: revoke a user's tokens, one token, or a database session, for operators.
//!
//! It writes through the runtime's own [`Revocations`] (policy
//! [`FailurePolicy::Refuse`]), so the keys, their expiry and the pub/sub message are exactly
//! those every service instance reads (see `authgen_runtime::revoke`). The Redis URL comes
//! from `--redis`, else `REDIS_URL`, else [`DEFAULT_REDIS_URL`]. Error messages name the Redis
//! by host and port only, never with its password; a session token is read from standard input
//! only (never from the command line, where `ps` and shell history would keep it) and never
//! printed.

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use authgen_runtime::revoke::{
    FailurePolicy, RevocationError, Revocations, DEFAULT_USER_KEY_TTL, TOKEN_KEY_GRACE,
};

use crate::{Exit, Io};

/// The Redis used when neither `--redis` nor `REDIS_URL` is given.
///
/// ```
/// assert_eq!(authgen_cli::revoke::DEFAULT_REDIS_URL, "redis://127.0.0.1:6379");
/// ```
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// How long one connection attempt or command may take.
const TIMEOUT: Duration = Duration::from_secs(3);

/// The longest session token read from standard input.
const SESSION_LIMIT: u64 = 64 * 1024;

/// Arguments of `authgen revoke`.
#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The services' Redis, redis://[:PASSWORD@]HOST[:PORT][/DB] [default: $REDIS_URL, else
    /// redis://127.0.0.1:6379]
    #[arg(long = "redis", value_name = "URL", global = true)]
    pub redis: Option<String>,
    /// What to revoke.
    #[command(subcommand)]
    pub what: RevokeWhat,
}

/// What `authgen revoke` revokes.
#[derive(Debug, clap::Subcommand)]
pub enum RevokeWhat {
    /// Refuse every token of a user issued before a time ("sign out everywhere", a ban).
    User(UserArgs),
    /// Refuse one token, by its `jti` claim, until it expires.
    Token(TokenArgs),
    /// Publish a database session's sign-out: every instance drops it from its cache.
    ///
    /// The session token (the sessionToken cookie's value) is read from standard input, one
    /// line, never from the command line. Only its SHA-256 is published; delete the session
    /// row yourself.
    Session,
}

/// Arguments of `authgen revoke user`.
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    /// The user id (the token's `sub`), verbatim.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Tokens issued before this time are refused: unix seconds, or `now` (every token issued
    /// up to and including the current second).
    #[arg(long = "at", value_name = "UNIX_SECS|now", value_parser = parse_at, default_value = "now")]
    pub at: At,
    /// The app's session maxAge in seconds: the revocation is kept this long after its cutoff
    /// (default 30 days, next-auth's default).
    #[arg(long = "max-age", value_name = "SECONDS", value_parser = parse_max_age)]
    pub max_age: Option<u64>,
}

/// Arguments of `authgen revoke token`.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The token id (the token's `jti`), verbatim.
    #[arg(value_name = "JTI")]
    pub jti: String,
    /// The token's `exp` (unix seconds): the revocation is kept until 60 s after it.
    #[arg(long = "exp", value_name = "UNIX_SECS", value_parser = parse_secs, required = true)]
    pub exp: i64,
}

/// The cutoff of `authgen revoke user --at`.
///
/// ```
/// use authgen_cli::revoke::{parse_at, At};
/// assert_eq!(parse_at("1764500000"), Ok(At::Secs(1_764_500_000)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The current second (stored as now + 1, so a token issued this second is refused too).
    Now,
    /// This unix time.
    Secs(i64),
}

/// Parses unix seconds: a non-negative decimal integer.
///
/// ```
/// use authgen_cli::revoke::parse_secs;
/// assert_eq!(parse_secs("1764500000"), Ok(1_764_500_000));
/// assert!(parse_secs("soon").unwrap_err().contains("`soon`"));
/// ```
pub fn parse_secs(s: &str) -> Result<i64, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        _ => Err(format!(
            "`{s}` is not a time in unix seconds (a whole number, 0 or more)"
        )),
    }
}

/// Parses `--at`: `now` or unix seconds.
///
/// ```
/// use authgen_cli::revoke::{parse_at, At};
/// assert_eq!(parse_at("now"), Ok(At::Now));
/// assert_eq!(parse_at("12"), Ok(At::Secs(12)));
/// assert!(parse_at("-1").is_err());
/// ```
pub fn parse_at(s: &str) -> Result<At, String> {
    if s.trim() == "now" {
        return Ok(At::Now);
    }
    parse_secs(s)
        .map(At::Secs)
        .map_err(|e| format!("{e}, or `now`"))
}

fn parse_max_age(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n > 0 && n <= i64::MAX as u64 / 2 => Ok(n),
        _ => Err(format!("`{s}` is not a number of seconds (1 or more)")),
    }
}

/// Where `url` points, for messages: `host:port` (or the socket path), never the user name or
/// password.
///
/// ```
/// use authgen_cli::revoke::redis_target;
/// assert_eq!(redis_target("redis://:hunter2@cache.internal:6380/2"), "cache.internal:6380");
/// assert_eq!(redis_target("redis://127.0.0.1"), "127.0.0.1:6379");
/// assert_eq!(redis_target("redis+unix:///run/redis.sock"), "/run/redis.sock");
/// ```
pub fn redis_target(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("redis", url));
    if scheme.contains("unix") {
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        return path.to_owned();
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let has_port = match host.rfind(']') {
        Some(end) => host[end..].contains(':'),
        None => host.contains(':'),
    };
    if has_port {
        host.to_owned()
    } else {
        format!("{host}:6379")
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The URL to use: `--redis`, else `REDIS_URL` (when non-empty), else the default.
fn redis_url(args: &RevokeArgs, io: &Io<'_>) -> String {
    args.redis
        .clone()
        .or_else(|| (io.env)("REDIS_URL").filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| DEFAULT_REDIS_URL.to_owned())
}

/// Runs `authgen revoke`: exit 0 when written, 1 when Redis cannot be written, 2 on bad usage.
///
/// ```
/// use std::path::Path;
/// use authgen_cli::{run_captured, Exit};
/// let out = run_captured(&["revoke", "token", "j-1", "--exp", "soon"], Path::new("."), &[], b"");
/// assert_eq!(out.exit, Exit::Usage);
/// assert!(out.stderr.contains("`soon` is not a time in unix seconds"));
/// ```
pub fn revoke(args: &RevokeArgs, io: &mut Io<'_>) -> Exit {
    let url = redis_url(args, io);
    let target = redis_target(&url);
    let session = match &args.what {
        RevokeWhat::Session => match read_session(io) {
            Ok(token) => Some(token),
            Err(why) => {
                let _ = writeln!(io.stderr, "authgen revoke session: {why}");
                return Exit::Usage;
            }
        },
        _ => None,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(
                io.stderr,
                "authgen revoke: cannot start the I/O runtime: {e}"
            );
            return Exit::Failed;
        }
    };
    let done = runtime.block_on(write(args, &url, session.as_deref()));
    match done {
        Ok(message) => {
            let _ = writeln!(io.stdout, "{message} on {target}");
            Exit::Ok
        }
        Err(RevocationError::Config { message }) => {
            let _ = writeln!(
                io.stderr,
                "authgen revoke: Redis URL for {target}: {message}"
            );
            Exit::Usage
        }
        Err(e) => {
            let why = match &e {
                RevocationError::Unavailable { message, .. } => message.clone(),
                other => other.to_string(),
            };
            let _ = writeln!(
                io.stderr,
                "authgen revoke: cannot write to Redis at {target}: {why}"
            );
            Exit::Failed
        }
    }
}

/// Builds the `Revocations` and writes; the line to print on success.
async fn write(
    args: &RevokeArgs,
    url: &str,
    session: Option<&str>,
) -> Result<String, RevocationError> {
    let max_age = match &args.what {
        RevokeWhat::User(user) => user.max_age.map(Duration::from_secs),
        _ => None,
    };
    let revocations = Revocations::builder(url, FailurePolicy::Refuse)
        .timeout(TIMEOUT)
        .cache(0, Duration::ZERO)
        .ping_interval(Duration::ZERO)
        .user_key_ttl(max_age.unwrap_or(DEFAULT_USER_KEY_TTL))
        .build()?;
    match &args.what {
        RevokeWhat::User(user) => {
            let at = match user.at {
                At::Now => unix_now() + 1,
                At::Secs(secs) => secs,
            };
            revocations.revoke_user(&user.id, at).await?;
            Ok(format!(
                "revoked user {}: tokens issued before {at} are refused",
                user.id
            ))
        }
        RevokeWhat::Token(token) => {
            if token.exp.saturating_add(TOKEN_KEY_GRACE.as_secs() as i64) <= unix_now() {
                return Ok(format!(
                    "nothing stored: token {} expired at {} and is refused anyway",
                    token.jti, token.exp
                ));
            }
            revocations.revoke_token(&token.jti, token.exp).await?;
            Ok(format!(
                "revoked token {} until it expires at {}",
                token.jti, token.exp
            ))
        }
        RevokeWhat::Session => {
            revocations
                .revoke_session(session.unwrap_or_default())
                .await?;
            Ok("published the sign-out of the session".to_owned())
        }
    }
}

/// The session token on standard input: one non-empty line, at most 64 KiB.
fn read_session(io: &mut Io<'_>) -> Result<String, String> {
    let mut bytes = Vec::new();
    let read = (&mut io.stdin)
        .take(SESSION_LIMIT + 1)
        .read_to_end(&mut bytes);
    if let Err(e) = read {
        return Err(format!("reading standard input: {e}"));
    }
    if bytes.len() as u64 > SESSION_LIMIT {
        return Err(format!(
            "standard input is longer than {SESSION_LIMIT} bytes; expected one session token"
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "standard input is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(
            "no session token on standard input (pipe the sessionToken cookie's value in)".into(),
        );
    }
    if token.contains(['\n', '\r']) {
        return Err("expected one session token on standard input, found several lines".into());
    }
    Ok(token.to_owned())
}
