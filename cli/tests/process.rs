//! The `authgen` binary as a process: exit codes, and colour only on a terminal and never with
//! `NO_COLOR` (a pseudo-terminal from util-linux `script` stands in for a user's terminal).

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_authgen");

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn exit_codes_and_plain_errors_when_piped() {
    let ok = Command::new(BIN)
        .args(["schema", "--input", "fixtures/seed/model.rs"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let model: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(model["items"][0]["name"], "Role");

    let bad = Command::new(BIN)
        .args(["schema", "--input", "no/such/file.rs"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "no/such/file.rs:1:1: error: no such file\n"
    );

    let usage = Command::new(BIN).arg("--bogus").output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&usage.stderr).contains('\x1b'));
}

fn on_terminal(no_color: Option<&str>) -> String {
    let cmd = format!("{BIN} schema --input no/such/file.rs");
    let mut c = Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"])
        .current_dir(root())
        .env_remove("NO_COLOR");
    if let Some(v) = no_color {
        c.env("NO_COLOR", v);
    }
    let out = c
        .output()
        .expect("util-linux `script` gives the binary a pseudo-terminal");
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let coloured = on_terminal(None);
    assert!(coloured.contains("\x1b[1;31merror"), "{coloured:?}");
    let plain = on_terminal(Some("1"));
    assert!(
        plain.contains("no/such/file.rs:1:1: error: no such file"),
        "{plain:?}"
    );
    assert!(!plain.contains('\x1b'), "{plain:?}");
}
