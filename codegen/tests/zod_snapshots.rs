//! insta snapshots of `schemas.ts` (`[typescript] zod = true`) for every fixture model and
//! next-auth version.

mod common;

use authgen_codegen::config::{Config, NextAuth};
use authgen_codegen::emit::Emitter;
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::ts::Zod;
use common::{fixture_model, next_auth_config, rendered_paths, single_ts_file};

fn config(v: NextAuth, exact: bool) -> Config {
    let mut config = next_auth_config(v);
    config.typescript.zod = true;
    config.typescript.zod_exact_optional = exact;
    config
}

fn render(name: &str, v: NextAuth, exact: bool) -> String {
    let files = Zod
        .emit(&fixture_model(name), &config(v, exact))
        .unwrap_or_else(|e| panic!("{name} {v:?}: {e:?}"));
    single_ts_file(files, "types/schemas.ts")
}

fn snapshot(name: &str) {
    for v in [NextAuth::V4, NextAuth::V5] {
        let text = render(name, v, false);
        insta::assert_snapshot!(format!("{name}_{}_schemas_ts", v.as_str()), text);
    }
}

#[test]
fn seed() {
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
    snapshot("kitchen-sink");
}

#[test]
fn exact_optional_changes_only_the_optional_keys() {
    let plain = render("seed", NextAuth::V5, false);
    let exact = render("seed", NextAuth::V5, true);
    assert!(plain.contains(".optional()") && !plain.contains(".exactOptional()"));
    assert_eq!(exact.replace(".exactOptional()", ".optional()"), plain);
}

#[test]
fn rendering_is_deterministic() {
    let a = render("blog", NextAuth::V5, false);
    let b = render("blog", NextAuth::V5, false);
    assert_eq!(a, b);
}

#[test]
fn render_all_writes_schemas_ts_only_when_asked() {
    let model = fixture_model("seed");
    let names = |c: &Config| rendered_paths(&model, c);
    assert!(!names(&Config::default())
        .iter()
        .any(|n| n.ends_with("schemas.ts")));
    let on = names(&config(NextAuth::V5, false));
    assert_eq!(on.iter().filter(|n| *n == "types/schemas.ts").count(), 1);
}

#[test]
fn config_keys_parse_and_default_off() {
    let c = Config::parse(
        "[typescript]\nzod = true\nzod_exact_optional = true\n",
        "authgen.toml",
    )
    .unwrap();
    assert!(c.typescript.zod && c.typescript.zod_exact_optional);
    let d = Config::parse("", "authgen.toml").unwrap();
    assert!(!d.typescript.zod && !d.typescript.zod_exact_optional);
    assert!(Config::parse("[typescript]\nzod = \"yes\"\n", "authgen.toml").is_err());
}

#[test]
fn an_auth_type_cannot_take_a_fixed_schema_name() {
    let text = r#"
#[derive(AuthRole, Serialize, Deserialize)]
pub enum Role { User, Admin }
#[derive(AuthType, Serialize, Deserialize)]
pub struct Jwt { pub kid: String }
#[derive(AuthJwt, Serialize, Deserialize)]
pub struct Claims { pub role: Role, pub key: Jwt }
"#;
    let model = parse_sources(&[Source {
        name: "model.rs".into(),
        text: text.into(),
    }])
    .unwrap();
    let errors = Zod
        .emit(&model, &config(NextAuth::V5, false))
        .expect_err("JwtSchema twice");
    assert_eq!(errors.len(), 1);
    let shown = format!("{:?}", errors[0]);
    assert!(
        shown.contains("`Jwt` would be the zod schema `JwtSchema`"),
        "{shown}"
    );
    assert!(shown.contains("line: 5"), "{shown}");
}
