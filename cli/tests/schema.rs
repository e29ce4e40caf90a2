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

/// Everything a run printed and how it ended, for a snapshot.
fn whole(out: &authgen_cli::Captured) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.exit, out.stdout, out.stderr
    )
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
    insta::assert_snapshot!("config_bad_value", whole(&out));
    let dir = scratch("unknownkey");
    std::fs::write(dir.join("authgen.toml"), "inputs = [\"model.rs\"]\n").unwrap();
    let out = run_captured(&["schema"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("config_unknown_key", whole(&out));
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
    insta::assert_snapshot!("several_errors", whole(&out));
    // No colour without a terminal.
    assert!(!out.stderr.contains('\x1b'));
}

#[test]
fn cross_item_errors_have_locations_too() {
    let dir = scratch("cross");
    let src = "#[derive(AuthPermission)]\nenum Permission { Read }\n\nstruct Address { city: String }\n\n#[derive(AuthUser)]\nstruct User {\n    id: String,\n    role: Permission,\n    home: Address,\n    other: Missing,\n}\n";
    std::fs::write(dir.join("model.rs"), src).unwrap();
    let out = run_captured(&["schema", "--input", "model.rs"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("cross_item_errors", whole(&out));
}

#[test]
fn unreadable_inputs_get_one_located_error() {
    let dir = scratch("unreadable");
    std::fs::create_dir_all(dir.join("somedir.rs")).unwrap();
    std::fs::write(dir.join("junk.rs"), [0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]).unwrap();
    std::fs::write(dir.join("latin1.rs"), [b'a', 0xe9, b'b']).unwrap();
    std::fs::write(dir.join("data.json"), "{\"a\": 1}").unwrap();
    std::fs::write(dir.join("notrust.rs"), "this is { not rust").unwrap();
    std::fs::write(dir.join("notrust2.rs"), "fn x() {}\nlet y = 1;\n").unwrap();
    std::fs::write(dir.join("empty.rs"), "fn main() {}\n").unwrap();
    for (label, input) in [
        ("directory", "somedir.rs"),
        ("missing", "missing.rs"),
        ("binary", "junk.rs"),
        ("latin1", "latin1.rs"),
        ("not_rs", "data.json"),
        ("no_tokens", "notrust.rs"),
        ("not_rust", "notrust2.rs"),
        ("no_items", "empty.rs"),
    ] {
        let out = run_captured(&["schema", "--input", input], &dir, &[], b"");
        assert_eq!(out.exit, Exit::Usage, "{input}");
        insta::assert_snapshot!(format!("unreadable_{label}"), whole(&out));
    }
    // Every read error at once.
    let args = ["schema", "--input", "missing.rs", "--input", "latin1.rs"];
    let out = run_captured(&args, &dir, &[], b"");
    insta::assert_snapshot!("unreadable_several", whole(&out));
    let out = run_captured(&["schema"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("no_input_files", whole(&out));
}

/// Invalid UTF-8 and NUL bytes are located at the first bad byte, with the line up to it.
#[test]
fn bad_bytes_are_located_at_the_first_one() {
    let dir = scratch("badbytes");
    let seed = std::fs::read_to_string(root().join("fixtures/seed/model.rs")).unwrap();
    let mut lines: Vec<&str> = seed.lines().collect();
    let line12 = format!("{}\u{e9}x", &lines[11]);
    lines[11] = &line12;
    let mut bytes = lines.join("\n").into_bytes();
    let bad = bytes.iter().position(|&b| b == 0xc3).unwrap();
    bytes[bad] = 0xe9;
    std::fs::write(dir.join("latin1.rs"), &bytes).unwrap();
    bytes[bad] = 0;
    std::fs::write(dir.join("nul.rs"), &bytes).unwrap();
    std::fs::write(dir.join("cut.rs"), [b'/', b'/', 0xe2, 0x82]).unwrap();
    for (label, input) in [
        ("latin1", "latin1.rs"),
        ("nul", "nul.rs"),
        ("cut", "cut.rs"),
    ] {
        let out = run_captured(&["schema", "--input", input], &dir, &[], b"");
        assert_eq!(out.exit, Exit::Usage, "{input}");
        insta::assert_snapshot!(format!("bad_bytes_{label}"), whole(&out));
    }
}

/// `--input` and `--config` take regular files under the size limit, refused before reading.
#[test]
fn special_and_oversized_files_are_refused_at_once() {
    let dir = scratch("special");
    let fifo = dir.join("pipe.rs");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let big = std::fs::File::create(dir.join("big.rs")).unwrap();
    big.set_len(authgen_cli::read::MODEL_LIMIT + 1).unwrap();
    let toml = std::fs::File::create(dir.join("big.toml")).unwrap();
    toml.set_len(authgen_cli::read::CONFIG_LIMIT + 1).unwrap();
    std::fs::create_dir_all(dir.join("conf.toml")).unwrap();
    let exactly = "// padding\n".repeat(1 << 10);
    let at_limit = format!("#[derive(AuthRole)] enum Role {{ A }}\n{exactly}");
    std::fs::write(dir.join("small.rs"), &at_limit).unwrap();
    let pipe = fifo.display().to_string();
    for (label, args) in [
        ("fifo", vec!["schema", "--input", pipe.as_str()]),
        ("dev_zero", vec!["schema", "--input", "/dev/zero"]),
        ("too_large", vec!["schema", "--input", "big.rs"]),
        ("config_fifo", vec!["schema", "--config", pipe.as_str()]),
        ("config_dev_zero", vec!["generate", "--config", "/dev/zero"]),
        ("config_too_large", vec!["check", "--config", "big.toml"]),
        (
            "config_directory",
            vec!["migrate", "check", "--config", "conf.toml"],
        ),
    ] {
        let start = std::time::Instant::now();
        let out = run_captured(&args, &dir, &[], b"");
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{label}"
        );
        assert_eq!(out.exit, Exit::Usage, "{label}");
        insta::assert_snapshot!(
            format!("special_{label}"),
            whole(&out).replace(&pipe, "[dir]/pipe.rs")
        );
    }
    let out = run_captured(&["schema", "--input", "small.rs"], &dir, &[], b"");
    assert_eq!(out.exit, Exit::Ok, "{}", out.stderr);
}

#[test]
fn bad_usage_exits_2() {
    let out = run_captured(&["schema", "--no-such-flag"], &root(), &[], b"");
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("unknown_flag", whole(&out));
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
    insta::assert_snapshot!("init_refuses_to_overwrite", whole(&out));
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
    insta::assert_snapshot!("hostile_qself", whole(&out));
    // Nested past authgen's own limit on types (16), well under the parser's bound.
    let deep = format!(
        "#[derive(AuthType)] struct A {{ x: {}u8{} }}\n",
        "Vec<".repeat(300),
        ">".repeat(300)
    );
    let out = schema_of("deepgenerics", &deep);
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("hostile_deep_generics", whole(&out));
    // Past the parser's bound: refused where the bound is first exceeded.
    let deep = format!(
        "#[derive(AuthType)] struct A {{ x: {}u8{} }}\n",
        "Vec<".repeat(3000),
        ">".repeat(3000)
    );
    let out = schema_of("deepergenerics", &deep);
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("hostile_deeper_generics", whole(&out));
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
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("hostile_self_reference", whole(&out));
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
    insta::assert_snapshot!("refused_shapes", whole(&out));
    // The #[cfg(test)] module is not read: no "derives AuthRole but `Role` already does".
    assert!(!out.stderr.contains("already does"), "{}", out.stderr);
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
    insta::assert_snapshot!("flattened_keys", whole(&out));
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
    insta::assert_snapshot!("defaults_fit_their_columns", whole(&out));
    assert!(!out.stderr.contains("lowest"), "{}", out.stderr);
    assert!(!out.stderr.contains("nickname"), "{}", out.stderr);
}
