//! `auth.prisma` (`[prisma]`), proven with the real Prisma schema engine in `fixtures/prisma`
//! (`@prisma/prisma-schema-wasm` of Prisma 7.10.0 and of Prisma 6.19.3, pinned by the lock file):
//!
//! - for every naming preset Prisma can serve (`prisma`, `drizzle`, `kysely`, and `prisma` with a
//!   renamed users table) × provider × Prisma version, the generated file validates together with the
//!   integration patterns' app models (`Profile`, `Post`, `Comment`, `Membership` in a second
//!   file, relating to `User` through `[prisma] user_relations`), and `prisma format` leaves the
//!   generated file byte for byte as it is; all cases run in one Node process;
//! - without the back-relations the engine refuses the app models (the proof can fail);
//! - `authgen generate` writes the file and `authgen check` fails when it is stale.

mod common;

use authgen_cli::Exit;
use authgen_codegen::config::Config;
use authgen_codegen::emit::Emitter;
use authgen_codegen::frontend::check::Checked;
use authgen_codegen::prisma::{PrismaConfig, PrismaSchema, Provider};
use common::{checked, checked_text, cli, root};
use serde_json::{json, Value};

fn seed() -> Checked {
    checked("seed")
}

const RELATIONS: [&str; 4] = [
    "profile Profile?",
    "posts Post[]",
    "comments Comment[]",
    "memberships Membership[]",
];

const PROVIDERS: [Provider; 3] = [Provider::Postgresql, Provider::Mysql, Provider::Sqlite];

/// The app models for `provider` and `version` (see `fixtures/prisma/app.prisma`).
fn app_models(provider: Provider, version: u8) -> String {
    let text = std::fs::read_to_string(root().join("fixtures/prisma/app.prisma")).unwrap();
    let id = match provider {
        Provider::Postgresql => " @db.Uuid",
        Provider::Mysql => " @db.Char(36)",
        Provider::Sqlite => "",
    };
    let generator = if version == 6 {
        "generator client {\n  provider = \"prisma-client-js\"\n}"
    } else {
        "generator client {\n  provider = \"prisma-client\"\n  output   = \"../generated\"\n}"
    };
    text.replace(" @db.ID", id)
        .replace("\nGENERATOR\n", &format!("\n{generator}\n"))
}

struct Case {
    name: String,
    version: u8,
    generated: String,
    app: String,
}

fn case(preset: &str, provider: Provider, version: u8, relations: &[&str]) -> Case {
    let mut config = Config::default();
    config.sql.naming = preset.into();
    config.sql.webauthn = true;
    if preset == "prisma-renamed" {
        config.sql.naming = "prisma".into();
        config.sql.tables.insert("user".into(), "app_users".into());
        config
            .sql
            .tables
            .insert("session".into(), "auth_sessions".into());
    }
    config.prisma = Some(PrismaConfig {
        provider: Some(provider),
        version,
        user_relations: relations.iter().map(|r| r.to_string()).collect(),
        ..PrismaConfig::default()
    });
    let files = PrismaSchema.emit(&seed(), &config).unwrap();
    Case {
        name: format!("{preset} {} v{version}", provider.as_str()),
        version,
        generated: files[0].contents.clone(),
        app: app_models(provider, version),
    }
}

/// Runs `fixtures/prisma/validate.mjs` on every case in one process.
fn validate(cases: &[Case]) -> Vec<Value> {
    let dir = authgen_testkit::npm::ensure_installed(&root().join("fixtures/prisma"));
    let input: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "version": c.version,
                "files": [["auth.prisma", c.generated], ["app.prisma", c.app]],
            })
        })
        .collect();
    let out = authgen_testkit::npm::node_ok(
        &dir,
        "validate.mjs",
        &[],
        serde_json::to_string(&input).unwrap().as_bytes(),
        &[],
    );
    let results: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(results.len(), cases.len());
    results
}

#[test]
fn every_preset_provider_and_version_validates_with_the_app_models_and_is_formatted() {
    let mut cases = Vec::new();
    for preset in ["prisma", "drizzle", "kysely", "prisma-renamed"] {
        for provider in PROVIDERS {
            for version in [7, 6] {
                cases.push(case(preset, provider, version, &RELATIONS));
            }
        }
    }
    let results = validate(&cases);
    let mut failures = Vec::new();
    for (case, result) in cases.iter().zip(&results) {
        if let Some(error) = result["error"].as_str() {
            failures.push(format!(
                "{}: invalid:\n{error}\n{}",
                case.name, case.generated
            ));
        }
        if result["formatted"].as_str() != Some(case.generated.as_str()) {
            failures.push(format!(
                "{}: `prisma format` changes the file:\n{}",
                case.name, result["formatted"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn without_the_back_relations_the_engine_refuses_the_app_models() {
    let cases: Vec<Case> = [7, 6]
        .into_iter()
        .map(|v| case("prisma", Provider::Postgresql, v, &[]))
        .collect();
    for result in validate(&cases) {
        let error = result["error"].as_str().unwrap_or_default();
        assert!(
            error.contains("missing an opposite relation field"),
            "{result}"
        );
    }
}

#[test]
fn generate_writes_auth_prisma_and_check_fails_when_it_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    let model = root().join("fixtures/seed/model.rs");
    std::fs::write(
        dir.path().join("authgen.toml"),
        format!(
            "input = [{:?}]\n[sql]\ndialects = [\"postgres\"]\nnaming = \"prisma\"\n[prisma]\nuser_relations = [\"posts Post[]\"]\n",
            model.to_str().unwrap()
        ),
    )
    .unwrap();
    let (exit, out, err) = cli(&["generate"], dir.path());
    assert_eq!(exit, Exit::Ok, "{out}{err}");
    let path = dir.path().join("prisma/schema/auth.prisma");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("provider = \"postgresql\""), "{text}");
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().eq(["posts", "Post[]"])),
        "{text}"
    );
    assert_eq!(cli(&["check"], dir.path()).0, Exit::Ok);

    std::fs::write(&path, text.replace("@@index([role])", "")).unwrap();
    let (exit, out, _) = cli(&["check"], dir.path());
    assert_eq!(exit, Exit::Failed);
    assert!(out.contains("+++ b/prisma/schema/auth.prisma"), "{out}");
    assert!(out.contains("+  @@index([role])"), "{out}");
}

#[test]
fn generate_refuses_the_pg_adapter_preset_for_prisma() {
    let dir = tempfile::tempdir().unwrap();
    let model = root().join("fixtures/seed/model.rs");
    std::fs::write(
        dir.path().join("authgen.toml"),
        format!(
            "input = [{:?}]\n[prisma]\nprovider = \"sqlite\"\n",
            model.to_str().unwrap()
        ),
    )
    .unwrap();
    let (exit, _, err) = cli(&["generate"], dir.path());
    assert_eq!(exit, Exit::Usage, "{err}");
    assert!(err.contains("`pg-adapter` naming preset"), "{err}");
    assert!(err.contains("naming = \"prisma\""), "{err}");
    assert!(!dir.path().join("prisma").exists());
}

/// Prisma 6.0 to 6.6 read a schema folder only with the `prismaSchemaFolder` preview feature in
/// the app's generator (GA since 6.7). With it, the `version = 6` file and the app models
/// validate with Prisma 6.19's engine, which only warns that the feature is no longer needed
/// (as Prisma 7's does): the same app file works before and after 6.7.
#[test]
fn version_6_validates_with_the_schema_folder_preview_feature_of_prisma_before_6_7() {
    let cases: Vec<Case> = PROVIDERS
        .into_iter()
        .map(|provider| {
            let mut c = case("prisma", provider, 6, &RELATIONS);
            c.app = c.app.replace(
                "provider = \"prisma-client-js\"\n}",
                "provider        = \"prisma-client-js\"\n  previewFeatures = [\"prismaSchemaFolder\"]\n}",
            );
            assert!(c.app.contains("prismaSchemaFolder"), "{}", c.app);
            c
        })
        .collect();
    for (case, result) in cases.iter().zip(validate(&cases)) {
        assert_eq!(result["error"], Value::Null, "{}: {result}", case.name);
        assert_eq!(
            result["formatted"].as_str(),
            Some(case.generated.as_str()),
            "{}",
            case.name
        );
        assert_eq!(
            result["warnings"],
            json!(["Preview feature \"prismaSchemaFolder\" is deprecated. The functionality can be used without specifying it as a preview feature."]),
            "{}",
            case.name
        );
    }
}

/// The kitchen-sink model's user (custom table name, a role whose wire names are not Prisma
/// identifiers, a text enum, a column renamed with `column = "..."`, explicit `sql_type`s, JSON
/// values): on MySQL and SQLite, with both Prisma versions, its file validates with the app
/// models and is formatted as written; the role is a `String` (its values `team-member` and
/// `owner` cannot be enum values), `Plan` a Prisma enum, `nick_name` mapped to its column. On
/// PostgreSQL, where the role column is an enum type a Prisma `String` cannot write, generation is
/// refused, naming the field and the fix (`sql_type = "TEXT"`), and with the fix it validates.
#[test]
fn the_kitchen_sink_user_validates_and_its_odd_role_is_a_string_or_refused() {
    let emit_for = |model: &Checked, provider: Provider, version: u8| {
        let mut config = Config::default();
        config.sql.naming = "prisma".into();
        config.prisma = Some(PrismaConfig {
            provider: Some(provider),
            version,
            user_relations: RELATIONS.iter().map(|r| r.to_string()).collect(),
            ..PrismaConfig::default()
        });
        PrismaSchema.emit(model, &config)
    };
    let model = checked("kitchen-sink");
    let emit = |provider, version| emit_for(&model, provider, version);
    let mut cases = Vec::new();
    for provider in [Provider::Mysql, Provider::Sqlite] {
        for version in [7, 6] {
            let generated = emit(provider, version).unwrap()[0].contents.clone();
            for field in [
                "level String @default(\"guest\")",
                "plan Plan @default(free)",
                "nickName String? @map(\"nickname\")",
                "@@map(\"app_users\")",
                "@@index([level])",
            ] {
                let words: Vec<&str> = field.split_whitespace().collect();
                assert!(
                    generated.lines().any(|l| l
                        .split_whitespace()
                        .take(words.len())
                        .eq(words.iter().copied())),
                    "{field}:\n{generated}"
                );
            }
            cases.push(Case {
                name: format!("kitchen-sink {} v{version}", provider.as_str()),
                version,
                generated,
                app: app_models(provider, version),
            });
        }
    }
    for (case, result) in cases.iter().zip(validate(&cases)) {
        assert_eq!(result["error"], Value::Null, "{}: {result}", case.name);
        assert_eq!(
            result["formatted"].as_str(),
            Some(case.generated.as_str()),
            "{}",
            case.name
        );
    }
    let errors = emit(Provider::Postgresql, 7).unwrap_err();
    let error: String = errors
        .iter()
        .map(|e| format!("{} {}\n", e.message, e.help.as_deref().unwrap_or_default()))
        .collect();
    for part in [
        "Account.level",
        "not Prisma identifiers",
        "sql_type = \"TEXT\"",
    ] {
        assert!(error.contains(part), "{part}: {error}");
    }
    let text = std::fs::read_to_string(root().join("fixtures/kitchen-sink/model.rs")).unwrap();
    let fixed = text.replacen(
        "#[auth(role, default = \"guest\", index)]",
        "#[auth(role, default = \"guest\", index, sql_type = \"TEXT\")]",
        1,
    );
    assert_ne!(fixed, text);
    let model = checked_text("kitchen-sink", fixed);
    let generated = emit_for(&model, Provider::Postgresql, 7).unwrap()[0]
        .contents
        .clone();
    assert!(
        generated.lines().any(|l| l.split_whitespace().eq([
            "level",
            "String",
            "@default(\"guest\")"
        ])),
        "{generated}"
    );
    let case = Case {
        name: "kitchen-sink postgresql, role as TEXT".into(),
        version: 7,
        generated,
        app: app_models(Provider::Postgresql, 7),
    };
    let result = &validate(std::slice::from_ref(&case))[0];
    assert_eq!(result["error"], Value::Null, "{result}");
}
