//! A free-form string role (`role: String` / `Option<String>`) and `#[auth(role = false)]`: the
//! checks that accept and refuse them, and a snapshot of every output for the `custom-role`
//! fixture (a nullable string `role` and a `phone`, as Auth.js's adapter suite writes its custom
//! user model). No server needed.

mod common;

use authgen_codegen::config::{Config, Dialect, NextAuth};
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::model::{FieldRole, Type};
use authgen_codegen::prisma::{PrismaConfig, Provider};
use authgen_codegen::Checked;
use common::fixture_model;

const FILE: &str = "m.rs";

fn parse(src: &str) -> Result<Checked, Vec<authgen_codegen::diag::Diagnostic>> {
    parse_sources(&[Source {
        name: FILE.into(),
        text: src.into(),
    }])
}

/// Every diagnostic of `src`, rendered as the CLI prints them.
fn diagnostics(src: &str) -> String {
    match parse(src) {
        Ok(_) => panic!("expected errors"),
        Err(errors) => errors.iter().map(|d| d.render_plain(Some(src))).collect(),
    }
}

fn user_role(model: &Checked) -> Option<&authgen_codegen::model::Field> {
    model.user().unwrap().field_with_role(FieldRole::Role)
}

fn schema(model: &Checked, d: Dialect) -> String {
    let mut config = Config::default();
    config.sql.dialects = vec![d];
    let files = authgen_codegen::sql::render_schemas(model, &config).unwrap();
    files[0].contents.clone()
}

#[test]
fn a_string_or_optional_string_role_is_free_form() {
    for ty in ["String", "Option<String>"] {
        let src = format!("#[derive(AuthUser)] struct User {{ id: String, role: {ty} }}");
        let model = parse(&src).unwrap_or_else(|e| panic!("{ty}: {e:?}"));
        let role = user_role(&model).expect("the role field");
        assert_eq!(role.ty, Type::String);
        assert!(role.is_free_form_role());
        assert_eq!(role.presence.is_nullable(), ty.starts_with("Option"));
        assert!(model.has_free_form_role());
    }
}

#[test]
fn an_explicit_role_marker_makes_any_string_field_the_free_form_role() {
    let src = r#"
#[derive(AuthJwt)]
struct Claims {
    #[auth(role)]
    level: Option<String>,
    role: Option<i32>,
}
"#;
    let model = parse(src).unwrap();
    let jwt = model.jwt().unwrap();
    assert_eq!(
        jwt.field_with_role(FieldRole::Role)
            .map(|f| f.name.as_str()),
        Some("level")
    );
    assert!(jwt
        .field_with_role(FieldRole::Role)
        .unwrap()
        .is_free_form_role());
}

#[test]
fn role_false_makes_a_field_named_role_an_ordinary_field_of_any_type() {
    for ty in ["Vec<String>", "i32", "Option<String>", "Role"] {
        let src = format!(
            "#[derive(AuthRole)] enum Role {{ User }}\n#[derive(AuthUser)] struct User {{ id: String, #[auth(role = false)] role: {ty} }}"
        );
        let model = parse(&src).unwrap_or_else(|e| panic!("{ty}: {e:?}"));
        assert_eq!(user_role(&model), None, "{ty}");
        assert!(!model.has_free_form_role());
        let field = &model.user().unwrap().fields()[1];
        assert_eq!(field.name, "role");
        assert!(field.targets.db && field.targets.wire);
    }
}

#[test]
fn role_true_is_the_role_marker() {
    let src = "#[derive(AuthUser)] struct User { id: String, #[auth(role = true)] kind: String }";
    let model = parse(src).unwrap();
    assert_eq!(user_role(&model).map(|f| f.name.as_str()), Some("kind"));
}

#[test]
fn a_free_form_role_is_a_text_column_with_a_string_default_and_an_index() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(default = "member", index)]
    role: String,
    phone: Option<String>,
}
"#;
    let model = parse(src).unwrap();
    let sqlite = schema(&model, Dialect::Sqlite);
    assert!(
        sqlite.contains("\"role\" TEXT NOT NULL DEFAULT 'member'"),
        "{sqlite}"
    );
    assert!(sqlite.contains("\"phone\" TEXT,"), "{sqlite}");
    assert!(sqlite.contains("CREATE INDEX"), "{sqlite}");
    let pg = schema(&model, Dialect::Postgres);
    assert!(
        pg.contains("\"role\" TEXT NOT NULL DEFAULT 'member'"),
        "{pg}"
    );
    assert!(!pg.contains("CREATE TYPE"), "no enum type: {pg}");
}

#[test]
fn a_list_of_strings_as_the_role_is_refused_at_its_type() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    role: Vec<String>,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r#"
    m.rs:5:11: error: the role field `User.role` is a list of strings: a free-form role is one `String` or `Option<String>`, compared exactly; for several roles use `Vec<R>` of a role enum `R` (derive AuthRole); if this field is not the role, mark it #[auth(role = false)] (or name the role field with #[auth(role)])
      |
    5 |     role: Vec<String>,
      |           ^
    "#);
}

#[test]
fn a_role_that_is_a_string_but_not_a_string_type_is_refused() {
    let src = r#"
#[derive(AuthSessionUser)]
struct SessionUser {
    role: Box<str>,
}

#[derive(AuthJwt)]
struct Jwt {
    role: Option<char>,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r#"
    m.rs:4:11: error: the role field `SessionUser.role` must be `R`, `Option<R>`, `Vec<R>` or `Option<Vec<R>>` of a role enum `R` (derive AuthRole), or `String` / `Option<String>` for a free-form role; if this field is not the role, mark it #[auth(role = false)] (or name the role field with #[auth(role)])
      |
    4 |     role: Box<str>,
      |           ^
    m.rs:9:11: error: the role field `Jwt.role` must be `R`, `Option<R>`, `Vec<R>` or `Option<Vec<R>>` of a role enum `R` (derive AuthRole), or `String` / `Option<String>` for a free-form role; if this field is not the role, mark it #[auth(role = false)] (or name the role field with #[auth(role)])
      |
    9 |     role: Option<char>,
      |           ^
    "#);
}

#[test]
fn a_free_form_role_next_to_a_role_enum_is_refused() {
    let src = r#"
#[derive(AuthRole)]
enum Role { User, Admin }

#[derive(AuthUser)]
struct User {
    id: String,
    role: Role,
}

#[derive(AuthJwt)]
struct Jwt {
    role: Option<String>,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r#"
    m.rs:13:11: error: the role field `Jwt.role` is a free-form string, but the model has the role enum `Role`: a model's roles are the enum's or free-form strings, not both
       |
    13 |     role: Option<String>,
       |           ^
      = type the field `Role` (or `Option<Role>`), or mark it #[auth(role = false)] to make it an ordinary field
    "#);
}

#[test]
fn role_and_role_false_on_one_field_contradict() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(role, role = false)]
    role: String,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r#"
    m.rs:5:18: error: `role = false` contradicts `role` on the same field: keep one
      |
    5 |     #[auth(role, role = false)]
      |                  ^
    "#);
}

#[test]
fn role_takes_only_a_boolean() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(role = "admin")]
    role: String,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r#"
    m.rs:5:19: error: `role` takes no value, or `true` / `false`: `#[auth(role = false)]` makes a field named `role` an ordinary field
      |
    5 |     #[auth(role = "admin")]
      |                   ^
    "#);
}

/// Every output on: TypeScript (with zod, tRPC and the Next.js guards), SQL for every dialect,
/// and Prisma.
fn everything(v: NextAuth) -> Config {
    let mut config = Config {
        next_auth: v,
        ..Config::default()
    };
    config.typescript.zod = true;
    config.typescript.trpc = true;
    config.typescript.next = true;
    config.sql.dialects = Dialect::ALL.to_vec();
    config.sql.naming = "prisma".into();
    config.prisma = Some(PrismaConfig {
        provider: Some(Provider::Postgresql),
        ..PrismaConfig::default()
    });
    config
}

#[test]
fn every_output_of_the_custom_role_fixture() {
    let model = fixture_model("custom-role");
    let v5 = authgen_codegen::output::render_all(&model, &everything(NextAuth::V5)).unwrap();
    let v4 = authgen_codegen::output::render_all(&model, &everything(NextAuth::V4)).unwrap();
    assert_eq!(v4.len(), v5.len());
    for (f4, f5) in v4.iter().zip(&v5) {
        assert_eq!(f4.path, f5.path);
        let name = f5.path.to_string_lossy().replace(['/', '.'], "_");
        insta::assert_snapshot!(format!("custom_role__v5__{name}"), f5.contents);
        if f4.contents != f5.contents {
            insta::assert_snapshot!(format!("custom_role__v4__{name}"), f4.contents);
        }
    }
}

#[test]
fn every_sql_preset_of_the_custom_role_fixture() {
    let model = fixture_model("custom-role");
    for preset in ["pg-adapter", "drizzle", "kysely"] {
        for d in Dialect::ALL {
            let mut config = Config::default();
            config.sql.dialects = vec![d];
            config.sql.naming = preset.into();
            let files = authgen_codegen::sql::render_schemas(&model, &config).unwrap();
            let sql = &files[0].contents;
            assert!(sql.contains("role"), "{sql}");
            insta::assert_snapshot!(format!("custom_role__{preset}__{}", d.as_str()), sql);
        }
    }
}
