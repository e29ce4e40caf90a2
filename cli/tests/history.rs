//! The verified migration history: files edited, deleted or added by hand, unpaired, badly named
//! or sharing a version; snapshots that contradict themselves; version overflow; snapshots of an
//! earlier authgen without checksums. Run in-process.

use std::path::Path;

use authgen_cli::{run_captured, Captured, Exit};

fn seed() -> String {
    authgen_testkit::workspace_root()
        .join("fixtures/seed/model.rs")
        .display()
        .to_string()
}

/// `authgen migrate <sub> [name]` on the seed model, SQLite, directory `db`.
fn migrate(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Captured {
    let seed = seed();
    let mut argv = vec!["migrate"];
    argv.extend_from_slice(args);
    argv.extend(["--input", &seed, "--dialect", "sqlite", "--dir", "db"]);
    run_captured(&argv, cwd, env, b"")
}

fn whole(out: &Captured) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.exit, out.stdout, out.stderr
    )
}

fn init(label: &str, version: &str) -> std::path::PathBuf {
    let cwd = authgen_testkit::scratch_dir(label);
    let out = migrate(
        &cwd,
        &["new", "init"],
        &[("AUTHGEN_MIGRATION_VERSION", version)],
    );
    assert_eq!(out.exit, Exit::Ok, "{}", whole(&out));
    cwd
}

#[test]
fn files_edited_deleted_or_added_by_hand_are_named() {
    let cwd = init("history_hand", "1");
    let up = cwd.join("db/1_init.up.sql");
    let original = std::fs::read(&up).unwrap();
    std::fs::write(&up, [original.as_slice(), b"-- tweak\n"].concat()).unwrap();
    let out = migrate(&cwd, &["check"], &[]);
    assert_eq!(out.exit, Exit::Failed);
    insta::assert_snapshot!("edited_check", whole(&out));
    let out = migrate(&cwd, &["new", "more"], &[]);
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("edited_new_refused", whole(&out));
    std::fs::write(&up, &original).unwrap();

    std::fs::write(
        cwd.join("db/2_mine.sql"),
        "UPDATE \"User\" SET name = 'x';\n",
    )
    .unwrap();
    let out = migrate(&cwd, &["check"], &[]);
    assert_eq!(out.exit, Exit::Failed);
    insta::assert_snapshot!("added_check", whole(&out));
    std::fs::remove_file(cwd.join("db/2_mine.sql")).unwrap();

    std::fs::remove_file(cwd.join("db/1_init.down.sql")).unwrap();
    let out = migrate(&cwd, &["check"], &[]);
    assert_eq!(out.exit, Exit::Failed);
    insta::assert_snapshot!("unpaired_check", whole(&out));
    std::fs::remove_file(&up).unwrap();
    let out = migrate(&cwd, &["check"], &[]);
    assert_eq!(out.exit, Exit::Failed);
    insta::assert_snapshot!("deleted_check", whole(&out));
}

#[test]
fn bad_and_duplicate_versions_are_errors() {
    let cwd = init("history_versions", "1");
    std::fs::write(cwd.join("db/v2_x.sql"), "SELECT 1;\n").unwrap();
    std::fs::write(cwd.join("db/-9223372036854775808_x.up.sql"), "SELECT 1;\n").unwrap();
    std::fs::write(cwd.join("db/1_other.sql"), "SELECT 1;\n").unwrap();
    let out = migrate(&cwd, &["new", "more"], &[]);
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("bad_versions_new", whole(&out));

    let out = migrate(
        &authgen_testkit::scratch_dir("history_negative"),
        &["new", "init"],
        &[("AUTHGEN_MIGRATION_VERSION", "-3")],
    );
    assert_eq!(out.exit, Exit::Usage);
    assert_eq!(
        out.stderr,
        "error: version -3 is negative: a migration version is a non-negative integer\n"
    );
}

#[test]
fn the_largest_version_is_an_error_not_an_overflow() {
    let cwd = init("history_overflow", "9223372036854775807");
    assert!(cwd.join("db/9223372036854775807_init.up.sql").exists());
    let out = migrate(&cwd, &["new", "more"], &[]);
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("overflow_new", whole(&out));
    let names: Vec<String> = std::fs::read_dir(cwd.join("db"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn a_snapshot_that_contradicts_itself_is_refused() {
    let cwd = init("history_snapshot", "1");
    let path = cwd.join("db/authgen.snapshot.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let tables = json["schema"]["tables"].as_array_mut().unwrap();
    let users = tables.remove(0);
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    let out = migrate(&cwd, &["new", "again"], &[]);
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("snapshot_without_users", whole(&out));

    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let columns = json["schema"]["tables"][0]["columns"]
        .as_array_mut()
        .unwrap();
    columns.push(columns[0].clone());
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    let out = migrate(&cwd, &["check"], &[]);
    assert_eq!(out.exit, Exit::Usage);
    insta::assert_snapshot!("snapshot_duplicate_column", whole(&out));

    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["schema"]["tables"].as_array_mut().unwrap().push(users);
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    let out = migrate(&cwd, &["check"], &[]);
    assert_eq!(out.exit, Exit::Usage);
    assert!(
        out.stderr.contains("the `user` table appears twice"),
        "{}",
        out.stderr
    );
}

/// A snapshot an earlier authgen wrote (format 1, no checksums) still loads: `check` says the
/// history is unverified, and the next `migrate new` records the checksums.
#[test]
fn snapshots_without_checksums_still_load_and_get_them() {
    let cwd = init("history_legacy", "1");
    let path = cwd.join("db/authgen.snapshot.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    json["authgen_snapshot"] = 1.into();
    json.as_object_mut().unwrap().remove("migrations");
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap() + "\n").unwrap();
    let out = migrate(&cwd, &["check"], &[]);
    assert_eq!(out.exit, Exit::Ok);
    insta::assert_snapshot!("legacy_check", whole(&out));
    let out = migrate(&cwd, &["new", "again"], &[]);
    assert_eq!(out.exit, Exit::Ok);
    insta::assert_snapshot!("legacy_new_records", whole(&out));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(json["authgen_snapshot"], 2);
    assert_eq!(json["migrations"].as_object().unwrap().len(), 2);
    let out = migrate(&cwd, &["check"], &[]);
    assert_eq!(out.exit, Exit::Ok);
    assert_eq!(out.stdout, "sqlite: up to date\n");
}

/// PostgreSQL takes two versions for an enum value addition and SQLite one; the next migration
/// still gets one version, greater than every dialect's newest.
#[test]
fn one_version_for_every_dialect() {
    let cwd = authgen_testkit::scratch_dir("history_one_version");
    let v1 = "use authgen::{AuthRole, AuthUser};\n#[derive(AuthRole)]\n#[serde(rename_all = \"SCREAMING_SNAKE_CASE\")]\npub enum Role { User, Admin }\n#[derive(AuthUser)]\npub struct User {\n    pub id: String,\n    pub email: Option<String>,\n    #[auth(default = \"USER\")]\n    pub role: Role,\n}\n";
    // An enum value and a column: PostgreSQL takes versions 2 and 3, SQLite 2.
    let v2 = v1.replace("User, Admin", "User, Moderator, Admin").replace(
        "    pub role: Role,\n",
        "    pub role: Role,\n    pub nickname: Option<String>,\n",
    );
    let v3 = v2.replace(
        "    pub role: Role,\n",
        "    pub role: Role,\n    pub bio: Option<String>,\n",
    );
    let run = |model: &str, name: &str| {
        std::fs::write(cwd.join("model.rs"), model).unwrap();
        let args = [
            "migrate",
            "new",
            name,
            "--input",
            "model.rs",
            "--dialect",
            "postgres",
            "--dialect",
            "sqlite",
            "--dir",
            "m",
        ];
        let out = run_captured(&args, &cwd, &[("AUTHGEN_MIGRATION_VERSION", "1")], b"");
        assert_eq!(out.exit, Exit::Ok, "{}", whole(&out));
    };
    run(v1, "init");
    run(&v2, "moderator");
    run(&v3, "bio");
    let listing = |d: &str| {
        let mut v: Vec<String> = std::fs::read_dir(cwd.join("m").join(d))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".up.sql"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        listing("postgres"),
        [
            "1_init.up.sql",
            "2_moderator_enum_values.up.sql",
            "3_moderator.up.sql",
            "4_bio.up.sql"
        ]
    );
    assert_eq!(
        listing("sqlite"),
        ["1_init.up.sql", "2_moderator.up.sql", "4_bio.up.sql"]
    );
}
