//! The checks every front end runs before any output: no silent loss of a column, float defaults
//! as documented, one wording per rule. No server needed.

use authgen_codegen::config::{Config, Dialect};
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::Checked;

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

fn sqlite_schema(model: &Checked) -> String {
    let mut config = Config::default();
    config.sql.dialects = vec![Dialect::Sqlite];
    let files = authgen_codegen::sql::render_schemas(model, &config).unwrap();
    files[0].contents.clone()
}

#[test]
fn a_field_mapped_onto_next_auths_email_column_is_an_error() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    email: Option<String>,
    #[auth(column = "email")]
    nickname: Option<String>,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r#"
    m.rs:7:5: error: `User.nickname` maps to the column `email`, which is next-auth's `User.email` column: give `nickname` a column of its own with `#[auth(column = "...")]`
      |
    7 |     nickname: Option<String>,
      |     ^
    "#);
}

#[test]
fn the_role_mapped_onto_the_id_column_is_an_error() {
    let src = r#"
#[derive(AuthRole)]
enum Role { User, Admin }

#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(column = "id")]
    role: Role,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r#"
    m.rs:9:5: error: `User.role` maps to the column `id`, which is next-auth's `User.id` column: give `role` a column of its own with `#[auth(column = "...")]`
      |
    9 |     role: Role,
      |     ^
    "#);
}

#[test]
fn two_fields_mapped_onto_one_column_name_both_places() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(column = "display")]
    nickname: Option<String>,
    #[auth(db_only)]
    display: Option<String>,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r#"
    m.rs:8:5: error: `User.display` maps to the column `display`, which `User.nickname` (at m.rs:6:5) maps to as well: give `display` a column of its own with `#[auth(column = "...")]`
      |
    8 |     display: Option<String>,
      |     ^
    "#);
}

/// A model read from JSON has not been through the derives' checks: the model check finds the same
/// loss, with the help as a note.
#[test]
fn the_model_check_finds_the_clash_in_a_model_from_json() {
    let model: authgen_codegen::model::Model = serde_json::from_value(serde_json::json!({
        "items": [{ "name": "User", "kind": "user", "def": { "struct": { "fields": [
            { "name": "id", "wire": "id", "ty": {"type": "string"}, "presence": "required",
              "targets": {"wire": true, "db": true} },
            { "name": "nickname", "wire": "nickname", "ty": {"type": "string"},
              "presence": "nullable", "targets": {"wire": true, "db": true}, "column": "email" }
        ] } } }]
    }))
    .unwrap();
    let errors = authgen_codegen::frontend::check::check(model).unwrap_err();
    let rendered: String = errors.iter().map(|d| d.render_plain(None)).collect();
    insta::assert_snapshot!(rendered, @r#"
    error: `User.nickname` maps to the column `email`, which is next-auth's `User.email` column
      = give `nickname` a column of its own with `#[auth(column = "...")]`
    "#);
}

#[test]
fn next_auths_own_members_keep_their_columns() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    name: Option<String>,
    email: Option<String>,
    #[serde(rename = "emailVerified")]
    email_verified: Option<chrono::DateTime<chrono::Utc>>,
    image: Option<String>,
    #[auth(column = "nick")]
    nickname: Option<String>,
}
"#;
    let schema = sqlite_schema(&parse(src).unwrap());
    assert!(schema.contains("\"nick\" TEXT"), "{schema}");
    assert_eq!(schema.matches("\"email\" ").count(), 1, "{schema}");
}

#[test]
fn float_defaults_work_as_documented() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(default = 1.5)]
    ratio: f64,
    #[auth(default = -0.25)]
    weight: f32,
    #[auth(default = 2)]
    whole: f64,
}
"#;
    let schema = sqlite_schema(&parse(src).unwrap());
    assert!(
        schema.contains("\"ratio\" REAL NOT NULL DEFAULT 1.5"),
        "{schema}"
    );
    assert!(
        schema.contains("\"weight\" REAL NOT NULL DEFAULT -0.25"),
        "{schema}"
    );
    assert!(
        schema.contains("\"whole\" REAL NOT NULL DEFAULT 2"),
        "{schema}"
    );
}

#[test]
fn a_float_default_out_of_range_for_f32_is_an_error() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(default = 1e300)]
    weight: f32,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r"
    m.rs:5:12: error: bad default for `User.weight`: 1e+300 is out of range for f32
      |
    5 |     #[auth(default = 1e300)]
      |            ^
    ");
}

#[test]
fn the_role_shape_has_one_wording() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    role: u32,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r"
    m.rs:5:11: error: the role field `User.role` must be `R`, `Option<R>`, `Vec<R>` or `Option<Vec<R>>` of a role enum `R` (derive AuthRole), or `String` / `Option<String>` for a free-form role; if this field is not the role, mark it #[auth(role = false)] (or name the role field with #[auth(role)])
      |
    5 |     role: u32,
      |           ^
    ");
}

#[test]
fn a_struct_flattened_into_itself_is_an_error() {
    let src = r#"
#[derive(AuthType)]
struct A {
    #[serde(flatten)]
    b: B,
}

#[derive(AuthType)]
struct B {
    #[serde(flatten)]
    a: A,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r"
    m.rs:11:5: error: `B.a` flattens `A` into itself
       |
    11 |     a: A,
       |     ^
    m.rs:5:5: error: `A.b` flattens `B` into itself
      |
    5 |     b: B,
      |     ^
    ");
}

#[test]
fn session_user_must_be_the_session_user_struct() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
}

#[derive(AuthSession)]
struct Session {
    user: User,
    expires: String,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r"
    m.rs:9:11: error: `session.user` has type `User`, which is the user (AuthUser); derive AuthSessionUser on it
      |
    9 |     user: User,
      |           ^
    ");
}

#[test]
fn a_flattened_key_the_item_also_writes_is_an_error_before_or_after() {
    let src = r#"
#[derive(AuthType)]
struct Audit { by: String, at: String }

#[derive(AuthJwt)]
struct Jwt {
    at: String,
    #[serde(flatten)]
    audit: Audit,
    by: String,
}
"#;
    insta::assert_snapshot!(diagnostics(src), @r"
    m.rs:9:5: error: `Jwt.audit` flattens a `by` key that `by` also writes
      |
    9 |     audit: Audit,
      |     ^
    m.rs:9:5: error: `Jwt.audit` flattens a `at` key that `at` also writes
      |
    9 |     audit: Audit,
      |     ^
    ");
}
