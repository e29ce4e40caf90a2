//! One model, two front ends: the model the derives describe (compiled) and the model the CLI
//! parses from the same file (not compiled) are identical, for every fixture with a model.

use authgen_codegen::frontend::source::{parse_sources, Source};

#[path = "../fixtures/seed/model.rs"]
#[allow(dead_code)]
mod seed;

#[path = "../fixtures/kitchen-sink/model.rs"]
#[allow(dead_code)]
mod kitchen_sink;

#[path = "../fixtures/blog/model.rs"]
#[allow(dead_code)]
mod blog;

#[path = "../fixtures/custom-role/model.rs"]
#[allow(dead_code)]
mod custom_role;

#[path = "../fixtures/workspace/model.rs"]
#[allow(dead_code)]
mod workspace;

fn cli_model(path: &str) -> String {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let model = parse_sources(&[Source {
        name: path.into(),
        text,
    }])
    .unwrap_or_else(|e| {
        panic!(
            "{path}: {}",
            e.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    model.to_json()
}

#[test]
fn seed_models_are_identical() {
    use seed::*;
    let derived = authgen::model![Role, Permission, User, Session, SessionUser, Jwt];
    assert_eq!(derived.to_json(), cli_model("fixtures/seed/model.rs"));
}

#[test]
fn kitchen_sink_models_are_identical() {
    use kitchen_sink::*;
    let derived = authgen::model![
        Staff,
        Plan,
        Address,
        Audit,
        Account,
        Session,
        SessionAccount,
        Claims
    ];
    assert_eq!(
        derived.to_json(),
        cli_model("fixtures/kitchen-sink/model.rs")
    );
}

#[test]
fn blog_models_are_identical() {
    use blog::*;
    let derived = authgen::model![
        Role,
        Permission,
        Theme,
        Preferences,
        User,
        Session,
        SessionUser,
        Jwt
    ];
    assert_eq!(derived.to_json(), cli_model("fixtures/blog/model.rs"));
}

#[test]
fn workspace_models_are_identical() {
    use workspace::*;
    let derived = authgen::model![Role, User, Session, SessionUser, Jwt];
    assert_eq!(derived.to_json(), cli_model("fixtures/workspace/model.rs"));
}

/// Every fixture directory with a model is covered above: a new fixture must be added here.
#[test]
fn every_fixture_is_covered() {
    let this = std::fs::read_to_string(file!()).unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().join("model.rs").is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                this.contains(&format!("fixtures/{name}/model.rs\"]")),
                "fixtures/{name}/model.rs is not in tests/model_parity.rs"
            );
        }
    }
}

/// The derives' helpers on the kitchen-sink model: a multi-role JWT takes its highest role, an
/// absent optional role has no access, free-form permissions compare as strings.
#[test]
fn kitchen_sink_helpers() {
    use authgen::prelude::*;
    use kitchen_sink::*;
    let now = chrono::Utc::now();
    let claims = Claims {
        sub: "1".into(),
        roles: vec![Staff::Guest, Staff::WorkspaceOwner],
        scopes: Some(vec!["billing:read".into()]),
        iat: now,
        refreshed_at: now,
        organisation: None,
    };
    assert!(claims.is_team_member());
    assert!(claims.is_workspace_owner());
    assert!(claims.has_permission("billing:read"));
    assert!(!claims.has_permission("billing:write"));
    let no_scopes = Claims {
        scopes: None,
        roles: vec![],
        ..claims.clone()
    };
    assert!(!no_scopes.is_guest());
    assert!(!no_scopes.has_any_permission(&["billing:read"]));

    let session = Session {
        account: SessionAccount {
            id: "1".into(),
            level: None,
            grants: vec![],
            plan: Plan::Pro,
        },
        expires: "2030-01-01T00:00:00.000Z".into(),
        access_token_error: None,
        impersonating: None,
    };
    assert!(!session.is_guest());
    let v = serde_json::to_value(&session).unwrap();
    assert_eq!(v["account"]["LEVEL"], serde_json::Value::Null);
    assert_eq!(v["account"]["PLAN"], "pro");
    assert_eq!(Staff::TeamMember.as_str(), "team-member");
    assert_eq!(
        serde_json::to_value(Staff::WorkspaceOwner).unwrap(),
        "owner"
    );
}

#[test]
fn custom_role_models_are_identical() {
    use custom_role::*;
    let derived = authgen::model![User, Session, SessionUser, Jwt];
    assert_eq!(
        derived.to_json(),
        cli_model("fixtures/custom-role/model.rs")
    );
}
