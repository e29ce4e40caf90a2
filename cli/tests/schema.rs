//! `authgen schema` and `authgen init`, and the CLI's conventions for bad input: every error at
//! once with file, line and column; one clear line for a file that cannot be read.

use std::path::{Path, PathBuf};

use authgen_cli::{run_captured, Exit};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scratch(label: &str) -> PathBuf {
    let dir = root()
        .join("target")
        .join("authgen-scratch")
        .join(format!("cli-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn schema_of_every_fixture_is_a_snapshot() {
    let fixtures = root().join("fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("model.rs").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.contains(&"seed".to_string()),
        "fixtures/seed/model.rs exists"
    );
    for name in names {
        let out = run_captured(
            &["schema", "--input", &format!("fixtures/{name}/model.rs")],
            &root(),
            &[],
            b"",
        );
        assert_eq!(out.exit, Exit::Ok, "{name}: {}", out.stderr);
        assert!(out.stderr.is_empty());
        insta::assert_snapshot!(format!("schema_{name}"), out.stdout);
    }
}

#[test]
fn schema_reads_inputs_from_authgen_toml_found_above() {
    let dir = scratch("toml");
    std::fs::write(dir.join("authgen.toml"), "input = [\"model.rs\"]\n").unwrap();
    std::fs::copy(root().join("fixtures/seed/model.rs"), dir.join("model.rs")).unwrap();
    let nested = dir.join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let out = run_captured(&["schema"], &nested, &[], b"");
    assert_eq!(out.exit, Exit::Ok, "{}", out.stderr);
    let model: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(model["items"][0]["name"], "Role");
}

#[test]
fn bad_config_names_file_line_and_column() {
    let dir = scratch("badtoml");
    std::fs::write(
        dir.join("authgen.toml"),
        "input = [\"model.rs\"]\nnext_auth = \"v6\"\n",
    )
    .unwrap();
    let out = run_captured(&["schema"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    assert!(
        out.stderr
            .starts_with("authgen.toml:2:13: error: invalid authgen.toml"),
        "{}",
        out.stderr
    );
    let dir = scratch("unknownkey");
    std::fs::write(dir.join("authgen.toml"), "inputs = [\"model.rs\"]\n").unwrap();
    let out = run_captured(&["schema"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    assert!(
        out.stderr
            .contains("authgen.toml:1:1: error: invalid authgen.toml: unknown field `inputs`"),
        "{}",
        out.stderr
    );
}

#[test]
fn several_errors_are_all_reported_with_line_and_column() {
    let dir = scratch("errors");
    let src = r#"use authgen::*;

#[derive(AuthRole)]
enum Role { User, Admin }

#[derive(AuthUser)]
#[serde(rename_all = "camelcase")]
struct User {
    id: String,
    #[auth(uniqe)]
    email: Option<String>,
    count: (u8, u8),
    #[auth(index, index)]
    role: Role,
}
"#;
    std::fs::write(dir.join("model.rs"), src).unwrap();
    let out = run_captured(&["schema", "--input", "model.rs"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    assert!(out.stdout.is_empty());
    let e = &out.stderr;
    assert!(
        e.contains(
            "model.rs:7:22: error: unknown rename rule `camelcase` (did you mean `camelCase`?)"
        ),
        "{e}"
    );
    assert!(e.contains("model.rs:10:12: error: unknown authgen attribute `uniqe` on a field; did you mean `unique`?"), "{e}");
    assert!(
        e.contains("model.rs:12:12: error: unsupported field type"),
        "{e}"
    );
    assert!(
        e.contains("model.rs:13:19: error: duplicate `index` attribute"),
        "{e}"
    );
    assert!(e.contains("4 errors"), "{e}");
    // The source line and a caret are shown.
    assert!(
        e.contains("10 |     #[auth(uniqe)]\n   |            ^"),
        "{e}"
    );
    // No colour without a terminal.
    assert!(!e.contains('\x1b'));
}

#[test]
fn cross_item_errors_have_locations_too() {
    let dir = scratch("cross");
    let src = "#[derive(AuthPermission)]\nenum Permission { Read }\n\nstruct Address { city: String }\n\n#[derive(AuthUser)]\nstruct User {\n    id: String,\n    role: Permission,\n    home: Address,\n    other: Missing,\n}\n";
    std::fs::write(dir.join("model.rs"), src).unwrap();
    let out = run_captured(&["schema", "--input", "model.rs"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    let e = &out.stderr;
    assert!(e.contains("model.rs:9:11: error: the role field `User.role` has type `Permission`, which is a permission enum (AuthPermission), not a role enum"), "{e}");
    assert!(
        e.contains("model.rs:10:11: error: unknown type `Address` in field `User.home`"),
        "{e}"
    );
    assert!(e.contains("`Address` is defined in the input but derives no authgen type: add #[derive(AuthType)]"), "{e}");
    assert!(
        e.contains("model.rs:11:12: error: unknown type `Missing`"),
        "{e}"
    );
}

#[test]
fn unreadable_inputs_get_one_clear_line() {
    let dir = scratch("unreadable");
    std::fs::create_dir_all(dir.join("somedir.rs")).unwrap();
    std::fs::write(dir.join("junk.rs"), [0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]).unwrap();
    std::fs::write(dir.join("latin1.rs"), [b'a', 0xe9, b'b']).unwrap();
    std::fs::write(dir.join("data.json"), "{\"a\": 1}").unwrap();
    for (input, expected) in [
        (
            "somedir.rs",
            "error: somedir.rs: is a directory, not a file\n",
        ),
        ("missing.rs", "error: missing.rs: no such file\n"),
        (
            "junk.rs",
            "error: junk.rs: not a text file (it contains NUL bytes)\n",
        ),
        (
            "latin1.rs",
            "error: latin1.rs: not UTF-8 text (invalid byte at offset 1)\n",
        ),
        (
            "data.json",
            "error: data.json: not a Rust source file (expected a .rs file)\n",
        ),
    ] {
        let out = run_captured(&["schema", "--input", input], &dir, &[], b"");
        assert_eq!(out.exit, Exit::Usage, "{input}");
        assert_eq!(out.stderr, expected, "{input}");
    }
    std::fs::write(dir.join("notrust.rs"), "this is { not rust").unwrap();
    let out = run_captured(&["schema", "--input", "notrust.rs"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    assert!(
        out.stderr
            .starts_with("notrust.rs:1:9: error: not valid Rust: the text does not tokenize"),
        "{}",
        out.stderr
    );
    std::fs::write(dir.join("notrust2.rs"), "fn x() {}\nlet y = 1;\n").unwrap();
    let out = run_captured(&["schema", "--input", "notrust2.rs"], &dir, &[], b"");
    assert!(
        out.stderr
            .starts_with("notrust2.rs:2:1: error: not valid Rust: expected"),
        "{}",
        out.stderr
    );
    std::fs::write(dir.join("empty.rs"), "fn main() {}\n").unwrap();
    let out = run_captured(&["schema", "--input", "empty.rs"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    assert!(
        out.stderr.contains("no authgen items in empty.rs"),
        "{}",
        out.stderr
    );
    let out = run_captured(&["schema"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    assert!(out.stderr.contains("no input files"), "{}", out.stderr);
}

#[test]
fn bad_usage_exits_2() {
    let out = run_captured(&["schema", "--no-such-flag"], &root(), &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    assert!(out.stderr.contains("--no-such-flag"));
    let out = run_captured(&["frobnicate"], &root(), &[], b"");
    assert_eq!(out.exit, Exit::Usage);
}

#[test]
fn init_writes_a_model_that_schema_reads() {
    let dir = scratch("init");
    let out = run_captured(&["init"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Ok, "{}", out.stderr);
    assert!(dir.join("authgen.toml").is_file());
    assert!(dir.join("src/auth.rs").is_file());
    let out = run_captured(&["schema"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Ok, "{}", out.stderr);
    // A second init refuses to overwrite.
    let out = run_captured(&["init"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
}

fn schema_of(label: &str, src: &str) -> authgen_cli::Captured {
    let dir = scratch(label);
    std::fs::write(dir.join("m.rs"), src).unwrap();
    run_captured(&["schema", "--input", "m.rs"], &dir, &[], b"")
}

fn field<'a>(model: &'a serde_json::Value, item: &str, name: &str) -> &'a serde_json::Value {
    let item = model["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == item)
        .unwrap();
    item["def"]["struct"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap()
}

/// Inputs that used to panic or overflow the stack get a clear error and exit 2.
#[test]
fn hostile_inputs_never_crash() {
    let out = schema_of("qself", "#[derive(AuthType)] struct A { x: <B as T>::C }\n");
    assert_eq!(out.exit, Exit::Usage);
    assert!(
        out.stderr.contains("m.rs:1:35: error: qualified paths"),
        "{}",
        out.stderr
    );
    // Nested past authgen's own limit on types (16), well under the parser's bound.
    let deep = format!(
        "#[derive(AuthType)] struct A {{ x: {}u8{} }}\n",
        "Vec<".repeat(300),
        ">".repeat(300)
    );
    let out = schema_of("deepgenerics", &deep);
    assert_eq!(out.exit, Exit::Usage);
    assert!(
        out.stderr.contains("type nested too deeply"),
        "{}",
        out.stderr
    );
    // Past the parser's bound: refused where the bound is first exceeded.
    let deep = format!(
        "#[derive(AuthType)] struct A {{ x: {}u8{} }}\n",
        "Vec<".repeat(3000),
        ">".repeat(3000)
    );
    let out = schema_of("deepergenerics", &deep);
    assert_eq!(out.exit, Exit::Usage);
    assert!(
        out.stderr
            .contains("m.rs:1:2695: error: nested too deeply for authgen to read"),
        "{}",
        out.stderr
    );
    // A deep item that cannot hold the model is skipped, not parsed.
    let parens = format!(
        "fn f() {{ let x = {}1{}; }}\n#[derive(AuthRole)] enum Role {{ User }}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let out = schema_of("deepparens", &parens);
    assert_eq!(out.exit, Exit::Ok, "{}", out.stderr);
    let out = schema_of(
        "selfref",
        "#[derive(AuthType)] struct A { next: Option<Box<Self>> }\n",
    );
    assert!(
        out.stderr.contains("recursive types are not supported"),
        "{}",
        out.stderr
    );
}

/// The model says what serde_json writes, also for the less common serde attributes.
#[test]
fn serde_corners() {
    let src = r#"
#[derive(AuthType)]
struct Extra {
    #[serde(skip_deserializing)]
    computed: String,
    #[serde(skip_serializing)]
    write_only: Option<String>,
    meta: serde_json::Map<String, serde_json::Value>,
    own: crate::Value,
    counts: std::collections::HashMap<String, u32, std::collections::hash_map::RandomState>,
}
#[derive(AuthType)]
struct Value { v: u8 }
"#;
    let out = schema_of("corners", src);
    assert_eq!(out.exit, Exit::Ok, "{}", out.stderr);
    let m: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(field(&m, "Extra", "computed")["presence"], "optional");
    assert_eq!(
        field(&m, "Extra", "write_only")["presence"],
        "optional_nullable"
    );
    assert_eq!(
        field(&m, "Extra", "meta")["ty"],
        serde_json::json!({"type": "map", "of": {"type": "json"}})
    );
    assert_eq!(
        field(&m, "Extra", "own")["ty"],
        serde_json::json!({"type": "named", "name": "Value"})
    );
    assert_eq!(field(&m, "Extra", "counts")["ty"]["type"], "map");
}

/// Wire formats authgen cannot model, and TypeScript that Rust could not read back, are errors.
#[test]
fn refused_shapes() {
    let src = r#"
#[derive(AuthRole)] enum Role { User, Admin }
#[derive(AuthType)] #[serde(tag = "kind")] struct Tagged { x: String }
#[derive(AuthType)] enum Status { Active, #[serde(skip)] Internal }
#[derive(AuthType)] struct Inner { role: String, name: i32 }
#[derive(AuthJwt)]
struct Jwt {
    role: Role,
    #[serde(flatten)]
    inner: Inner,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scopes: Vec<String>,
    #[cfg(feature = "x")]
    maybe: String,
}
#[derive(AuthSessionUser)] struct SessionUser { id: String, role: Box<Role>, permissions: std::collections::HashSet<String> }
#[cfg_attr(feature = "x", derive(AuthType))] struct Conditional { x: u8 }
#[cfg(test)]
mod tests {
    #[derive(AuthRole)] enum Role { Only }
}
"#;
    let out = schema_of("refused", src);
    assert_eq!(out.exit, Exit::Usage);
    let e = &out.stderr;
    assert!(
        e.contains("m.rs:3:29: error: `#[serde(tag)]` changes the wire format"),
        "{e}"
    );
    assert!(
        e.contains("m.rs:4:51: error: an AuthType variant cannot be skipped"),
        "{e}"
    );
    assert!(
        e.contains("`scopes` has `skip_serializing_if` but no `#[serde(default)]`"),
        "{e}"
    );
    assert!(e.contains("m.rs:13:5: error: authgen reads the model without compiling it and cannot evaluate `cfg` here"), "{e}");
    assert!(
        e.contains("the role field must be `R`, `Option<R>`, `Vec<R>` or `Option<Vec<R>>`"),
        "{e}"
    );
    assert!(
        e.contains("the permissions field must be `Vec<P>` or `Option<Vec<P>>`"),
        "{e}"
    );
    assert!(
        e.contains("`Conditional` derives an authgen type under `cfg_attr`"),
        "{e}"
    );
    // The #[cfg(test)] module is not read: no "derives AuthRole but `Role` already does".
    assert!(!e.contains("already does"), "{e}");
}

#[test]
fn flattened_keys_are_checked() {
    let src = r#"
#[derive(AuthRole)] enum Role { User, Admin }
#[derive(AuthType)] struct Inner { role: String, name: i32 }
#[derive(AuthJwt)]
struct Jwt {
    role: Role,
    #[serde(flatten)]
    inner: Inner,
}
"#;
    let out = schema_of("flatten", src);
    assert_eq!(out.exit, Exit::Usage);
    let e = &out.stderr;
    assert!(
        e.contains("m.rs:8:5: error: `Jwt.inner` flattens a `role` key that `role` also writes"),
        "{e}"
    );
    assert!(e.contains("`Jwt.inner` flattens field `name`, which collides with next-auth's `JWT.name?: string | null`"), "{e}");
}

#[test]
fn defaults_fit_their_columns() {
    let src = r#"
#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(default = 1000)]
    small: u8,
    #[auth(default = "yesterday")]
    at: chrono::DateTime<chrono::Utc>,
    #[auth(default = now)]
    label: String,
    #[auth(default = -9223372036854775808)]
    lowest: i64,
    #[auth(default = null)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nickname: Option<String>,
}
"#;
    let out = schema_of("defaults", src);
    assert_eq!(out.exit, Exit::Usage);
    let e = &out.stderr;
    assert!(
        e.contains("m.rs:5:12: error: bad default for `small`: 1000 is out of range for u8"),
        "{e}"
    );
    assert!(
        e.contains("bad default for `at`: a timestamp default is `now`"),
        "{e}"
    );
    assert!(
        e.contains("bad default for `label`: `now` needs a timestamp field"),
        "{e}"
    );
    assert!(!e.contains("lowest"), "{e}");
    assert!(!e.contains("nickname"), "{e}");
    assert!(e.contains("3 errors"), "{e}");
}
