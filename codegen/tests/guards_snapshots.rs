//! insta snapshots of `guards.ts` (`[typescript] next = true`) for the seed, next-auth 4 and 5.

mod common;

use authgen_codegen::config::{Config, NextAuth};
use authgen_codegen::emit::Emitter;
use authgen_codegen::frontend::check::Checked;
use authgen_codegen::ts::Guards;
use common::{fixture_model, next_auth_config, rendered_paths, single_ts_file};

fn seed() -> Checked {
    fixture_model("seed")
}

fn config(v: NextAuth) -> Config {
    let mut config = next_auth_config(v);
    config.typescript.next = true;
    config
}

fn render(v: NextAuth) -> String {
    let files = Guards.emit(&seed(), &config(v)).unwrap();
    single_ts_file(files, "types/guards.ts")
}

#[test]
fn seed_v4() {
    insta::assert_snapshot!("seed_v4_guards_ts", render(NextAuth::V4));
}

#[test]
fn seed_v5() {
    insta::assert_snapshot!("seed_v5_guards_ts", render(NextAuth::V5));
}

#[test]
fn only_the_middleware_helper_differs_between_majors() {
    let (v4, v5) = (render(NextAuth::V4), render(NextAuth::V5));
    let common = v5
        .find("\n/**\n * next-auth v5 middleware")
        .expect("v5 helper");
    assert_eq!(v4[..common], v5[..common]);
    assert!(v4[common..].contains("withAuth(...routeGuard(rules))"));
    assert!(v4.contains("import { forbidden, redirect, unauthorized } from \"next/navigation\";"));
}

#[test]
fn render_all_writes_guards_ts_only_when_asked() {
    let model = seed();
    let names = |c: &Config| rendered_paths(&model, c);
    assert!(!names(&Config::default())
        .iter()
        .any(|n| n.ends_with("guards.ts")));
    let on = names(&config(NextAuth::V5));
    assert_eq!(on.iter().filter(|n| *n == "types/guards.ts").count(), 1);
}

#[test]
fn config_key_parses_and_defaults_off() {
    let c = Config::parse("[typescript]\nnext = true\n", "authgen.toml").unwrap();
    assert!(c.typescript.next);
    assert!(!Config::parse("", "authgen.toml").unwrap().typescript.next);
    assert!(Config::parse("[typescript]\nnext = \"15\"\n", "authgen.toml").is_err());
}
