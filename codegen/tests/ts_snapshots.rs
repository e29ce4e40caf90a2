//! insta snapshots of every generated TypeScript file, for every fixture and next-auth version.

mod common;

use authgen_codegen::config::{Config, NextAuth};
use common::{fixture_model, next_auth_config};

fn config(v: NextAuth, augment_core: bool) -> Config {
    let mut config = next_auth_config(v);
    config.typescript.augment_core = augment_core;
    config
}

fn snapshot(name: &str, v: NextAuth, augment_core: bool) {
    let model = fixture_model(name);
    let files = authgen_codegen::ts::render(&model, &config(v, augment_core))
        .unwrap_or_else(|e| panic!("{name} {v:?}: {e:?}"));
    assert_eq!(files.len(), 2);
    for f in files {
        assert!(f
            .contents
            .lines()
            .next()
            .unwrap()
            .contains(authgen_codegen::output::GENERATED_MARK));
        assert!(!f.contents.contains('\r'));
        assert!(f.contents.ends_with('\n'));
        let file = f
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('.', "_");
        let core = if augment_core { "_core" } else { "" };
        insta::assert_snapshot!(format!("{name}_{}{core}_{file}", v.as_str()), f.contents);
    }
}

#[test]
fn seed() {
    snapshot("seed", NextAuth::V4, false);
    snapshot("seed", NextAuth::V5, false);
    snapshot("seed", NextAuth::V5, true);
}

#[test]
fn blog() {
    snapshot("blog", NextAuth::V4, false);
    snapshot("blog", NextAuth::V5, false);
}

#[test]
fn workspace() {
    snapshot("workspace", NextAuth::V4, false);
    snapshot("workspace", NextAuth::V5, false);
}

#[test]
fn rendering_is_deterministic() {
    let model = fixture_model("blog");
    let a = authgen_codegen::ts::render(&model, &config(NextAuth::V5, true)).unwrap();
    let b = authgen_codegen::ts::render(&model.clone(), &config(NextAuth::V5, true)).unwrap();
    assert_eq!(a, b);
}
