//! insta snapshots of `trpc.ts` (`[typescript] trpc = true`) for every fixture model. The file
//! does not depend on the next-auth version (both import `Session` from `next-auth`).

mod common;

use authgen_codegen::config::{Config, NextAuth};
use authgen_codegen::emit::Emitter;
use authgen_codegen::ts::Trpc;
use common::{fixture_model, next_auth_config, single_ts_file};

fn render(name: &str, v: NextAuth) -> String {
    let mut config = next_auth_config(v);
    config.typescript.trpc = true;
    let files = Trpc
        .emit(&fixture_model(name), &config)
        .unwrap_or_else(|e| panic!("{name} {v:?}: {e:?}"));
    single_ts_file(files, "types/trpc.ts")
}

fn snapshot(name: &str) {
    let text = render(name, NextAuth::V5);
    assert_eq!(render(name, NextAuth::V4), text, "the same for v4 and v5");
    insta::assert_snapshot!(format!("{name}_trpc_ts"), text);
}

#[test]
fn seed() {
    let text = render("seed", NextAuth::V5);
    // The narrowing types are permissions.ts's own.
    assert!(text.contains("export type SignedInSession = SignedIn<Session>;\n"));
    assert!(text.contains("export type SessionWithRole<R extends Role> = WithRole<Session, R>;\n"));
    assert!(text.contains("  type SignedIn,\n  type WithRole,\n} from \"./permissions\";\n"));
    assert!(text.contains("[\"user\"];\n"));
    snapshot("seed");
}

#[test]
fn blog() {
    snapshot("blog");
}

#[test]
fn workspace() {
    snapshot("workspace");
}

#[test]
fn kitchen_sink() {
    // `session.account`: signed in means that key holds an object.
    let text = render("kitchen-sink", NextAuth::V5);
    assert!(text.contains("(session as unknown as Readonly<Record<string, unknown>>)[\"account\"]"));
    snapshot("kitchen-sink");
}

#[test]
fn only_the_session_key_depends_on_the_model() {
    let model = authgen_codegen::frontend::check::check(Default::default()).unwrap();
    let empty = Trpc
        .emit(&model, &Config::default())
        .unwrap()
        .remove(0)
        .contents;
    assert_eq!(empty, render("seed", NextAuth::V5));
    assert_eq!(
        empty.replace("[\"user\"]", "[\"account\"]"),
        render("kitchen-sink", NextAuth::V5)
    );
}
