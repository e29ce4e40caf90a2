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
