//! insta snapshot of `revoke.ts` (`[typescript] redis = true`), and what it shares with the
//! runtime's key layout (`authgen_naming::revoke`).

mod common;

use authgen_codegen::config::{Config, NextAuth};
use authgen_codegen::emit::Emitter;
use authgen_codegen::ts::Revoke;
use authgen_naming::revoke::{
    CHANNEL, DEFAULT_USER_KEY_TTL, TOKEN_KEY_GRACE, TOKEN_KEY_PREFIX, USER_KEY_PREFIX,
};
use common::{fixture_model, next_auth_config, rendered_paths, single_ts_file};

fn config(v: NextAuth) -> Config {
    let mut config = next_auth_config(v);
    config.typescript.redis = true;
    config
}

fn render(v: NextAuth) -> String {
    let files = Revoke.emit(&fixture_model("seed"), &config(v)).unwrap();
    single_ts_file(files, "types/revoke.ts")
}

#[test]
fn seed() {
    insta::assert_snapshot!("seed_revoke_ts", render(NextAuth::V5));
}

#[test]
fn the_same_for_both_majors_and_every_model_and_deterministic() {
    let v5 = render(NextAuth::V5);
    assert_eq!(render(NextAuth::V4), v5);
    assert_eq!(render(NextAuth::V5), v5);
    let blog = Revoke.emit(&fixture_model("blog"), &config(NextAuth::V5));
    assert_eq!(single_ts_file(blog.unwrap(), "types/revoke.ts"), v5);
}

#[test]
fn constants_come_from_the_naming_crate() {
    let ts = render(NextAuth::V5);
    for line in [
        format!("export const USER_KEY_PREFIX = \"{USER_KEY_PREFIX}\";"),
        format!("export const TOKEN_KEY_PREFIX = \"{TOKEN_KEY_PREFIX}\";"),
        format!("export const CHANNEL = \"{CHANNEL}\";"),
        format!(
            "export const DEFAULT_USER_KEY_TTL_SECONDS = {};",
            DEFAULT_USER_KEY_TTL.as_secs()
        ),
        format!(
            "export const TOKEN_KEY_GRACE_SECONDS = {};",
            TOKEN_KEY_GRACE.as_secs()
        ),
    ] {
        assert_eq!(ts.matches(&line).count(), 1, "{line}");
    }
    // The raw session token never reaches the channel: only its digest is published.
    assert!(ts.contains("const sha256 = sessionDigest("));
    assert!(!ts.contains("JSON.stringify(sessionToken"));
}

#[test]
fn render_all_writes_revoke_ts_only_when_asked() {
    let model = fixture_model("seed");
    let names = |c: &Config| rendered_paths(&model, c);
    assert!(!names(&Config::default())
        .iter()
        .any(|n| n.ends_with("revoke.ts")));
    let on = names(&config(NextAuth::V5));
    assert_eq!(on.iter().filter(|n| *n == "types/revoke.ts").count(), 1);
}
