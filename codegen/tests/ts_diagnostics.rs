//! The TypeScript emitters refuse models whose declarations would be broken, naming the field and
//! the next-auth interface; and they render the type mapping as documented.

use authgen_codegen::config::{Config, NextAuth};
use authgen_codegen::diag::Diagnostic;
use authgen_codegen::model::Model;
use authgen_codegen::output::OutputFile;
use serde_json::{json, Value};

fn field(name: &str, ty: Value, presence: &str) -> Value {
    json!({
        "name": name, "wire": name, "ty": ty, "presence": presence,
        "targets": { "wire": true, "db": true }
    })
}

fn with(mut f: Value, key: &str, value: Value) -> Value {
    f[key] = value;
    f
}

fn item(name: &str, kind: &str, fields: Vec<Value>) -> Value {
    json!({ "name": name, "kind": kind, "def": { "struct": { "fields": fields } } })
}

fn roles() -> Value {
    json!({ "name": "Role", "kind": "role", "def": { "enum": { "variants": [
        { "name": "User", "wire": "USER" }, { "name": "Admin", "wire": "ADMIN" }
    ] } } })
}

fn s() -> Value {
    json!({ "type": "string" })
}

fn model(items: Vec<Value>) -> Model {
    serde_json::from_value(json!({ "items": items })).expect("valid model JSON")
}

fn render(m: &Model, v: NextAuth) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let c = Config {
        next_auth: v,
        ..Config::default()
    };
    // The checks run first, as in every front end: a rule has one wording, wherever it is broken.
    let checked = authgen_codegen::frontend::check::check(m.clone())?;
    authgen_codegen::ts::render(&checked, &c)
}

fn dts(m: &Model, v: NextAuth) -> String {
    match render(m, v) {
        Ok(files) => files[0].contents.clone(),
        Err(e) => panic!("unexpected errors: {e:#?}"),
    }
}

fn errors(m: &Model, v: NextAuth) -> Vec<String> {
    match render(m, v) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.into_iter().map(|d| d.message).collect(),
    }
}

#[test]
fn numeric_user_id_conflicts_with_next_auth_user() {
    let m = model(vec![item(
        "User",
        "user",
        vec![field(
            "id",
            json!({"type": "int", "signed": true, "bits": 64}),
            "required",
        )],
    )]);
    for v in [NextAuth::V4, NextAuth::V5] {
        let e = errors(&m, v);
        assert!(
            e.iter().any(|m| m.contains("`User.id`")
                && m.contains(": number`")
                && m.contains("DefaultUser")),
            "{e:?}"
        );
    }
}

#[test]
fn numeric_expires_conflicts_with_default_session() {
    let m = model(vec![item(
        "Session",
        "session",
        vec![field(
            "expires",
            json!({"type": "date_time", "format": "unix_seconds"}),
            "required",
        )],
    )]);
    let e = errors(&m, NextAuth::V4);
    assert!(
        e.iter()
            .any(|m| m.contains("`Session.expires`") && m.contains("DefaultSession")),
        "{e:?}"
    );
}

#[test]
fn adapter_user_members_must_be_identical_but_nullable_email_keeps_next_auths() {
    // A nullable email column: next-auth's `AdapterUser.email: string` stays, with a comment.
    let m = model(vec![item(
        "User",
        "user",
        vec![field("email", s(), "nullable")],
    )]);
    let d = dts(&m, NextAuth::V4);
    assert!(d.contains("// `email`: next-auth's `AdapterUser` declares `email: string`; kept"));
    assert!(!d.contains("    email: string | null;\n  }\n}\n\ndeclare module \"next-auth/jwt\""));
    // A numeric emailVerified cannot be kept: it is an error naming AdapterUser.
    let m = model(vec![item(
        "User",
        "user",
        vec![field(
            "emailVerified",
            json!({"type": "int", "signed": true, "bits": 64}),
            "required",
        )],
    )]);
    let e = errors(&m, NextAuth::V5);
    assert!(
        e.iter()
            .any(|m| m.contains("emailVerified") && m.contains("AdapterUser")),
        "{e:?}"
    );
}

#[test]
fn jwt_claims_that_conflict_are_errors() {
    let m = model(vec![item(
        "Jwt",
        "jwt",
        vec![field("exp", s(), "required"), field("sub", s(), "required")],
    )]);
    // v4's DefaultJWT has no `exp`: any type is fine there.
    assert!(dts(&m, NextAuth::V4).contains("    exp: string;\n"));
    let e = errors(&m, NextAuth::V5);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("`Jwt.exp`") && e[0].contains("DefaultJWT"));
}

#[test]
fn session_user_that_conflicts_with_v5_user_is_an_error() {
    let su = item(
        "SessionUser",
        "session_user",
        vec![field("level", s(), "required")],
    );
    let session = item(
        "Session",
        "session",
        vec![with(
            field(
                "user",
                json!({"type": "named", "name": "SessionUser"}),
                "required",
            ),
            "role",
            json!("user"),
        )],
    );
    let user = item(
        "User",
        "user",
        vec![field(
            "level",
            json!({"type": "int", "signed": false, "bits": 8}),
            "required",
        )],
    );
    let m = model(vec![user, session, su]);
    // v4 types session.user on its own: fine.
    let d = dts(&m, NextAuth::V4);
    assert!(d.contains("    user: {\n      level: string;\n    } & DefaultSession[\"user\"];"));
    let e = errors(&m, NextAuth::V5);
    assert!(
        e.iter()
            .any(|m| m.contains("SessionUser.level") && m.contains("User")),
        "{e:?}"
    );
}

#[test]
fn unknown_named_type_needs_ts_type() {
    let m = model(vec![item(
        "User",
        "user",
        vec![field(
            "address",
            json!({"type": "named", "name": "Address"}),
            "nullable",
        )],
    )]);
    let e = errors(&m, NextAuth::V4);
    // One wording, the check's, whatever the output.
    assert_eq!(e, ["unknown type `Address` in field `User.address`"]);
    // The same field with ts_type and ts_import renders with an import.
    let m = model(vec![item(
        "User",
        "user",
        vec![with(
            with(
                field(
                    "address",
                    json!({"type": "named", "name": "Address"}),
                    "nullable",
                ),
                "ts_type",
                json!("Address"),
            ),
            "ts_import",
            json!("../bindings/Address"),
        )],
    )]);
    let d = dts(&m, NextAuth::V4);
    assert!(d.contains("import type { Address } from \"../bindings/Address\";\n"));
    assert!(d.contains("    address: Address | null;\n"));
}

#[test]
fn type_mapping_follows_the_wire_and_the_database() {
    let m = model(vec![item(
        "User",
        "user",
        vec![
            field(
                "at",
                json!({"type": "date_time", "format": "rfc3339"}),
                "required",
            ),
            field(
                "seen",
                json!({"type": "date_time", "format": "unix_millis"}),
                "optional",
            ),
            field("meta", json!({"type": "json"}), "optional_nullable"),
            field(
                "scores",
                json!({"type": "map", "of": {"type": "list", "of": {"type": "nullable", "of": {"type": "float", "bits": 64}}}}),
                "required",
            ),
            field("uid", json!({"type": "uuid"}), "required"),
            field("user-name", s(), "required"),
        ],
    )]);
    let d = dts(&m, NextAuth::V4);
    for line in [
        "    at: string | Date;\n",
        "    seen?: number | Date;\n",
        "    meta?: unknown | null;\n",
        "    scores: Record<string, (number | null)[]>;\n",
        "    uid: string;\n",
        "    \"user-name\": string;\n",
        // The adapter user has the database's types.
        "    at: Date;\n",
        "    seen?: Date;\n",
    ] {
        assert!(d.contains(line), "missing {line:?} in\n{d}");
    }
}

#[test]
fn v5_user_fields_the_session_does_not_carry_are_optional() {
    let su = item(
        "SessionUser",
        "session_user",
        vec![field(
            "role",
            json!({"type": "named", "name": "Role"}),
            "required",
        )],
    );
    let session = item(
        "Session",
        "session",
        vec![with(
            field(
                "user",
                json!({"type": "named", "name": "SessionUser"}),
                "required",
            ),
            "role",
            json!("user"),
        )],
    );
    let user = item(
        "User",
        "user",
        vec![
            field("role", json!({"type": "named", "name": "Role"}), "required"),
            field("plan", s(), "required"),
        ],
    );
    let m = model(vec![roles(), user, session, su]);
    let v5 = dts(&m, NextAuth::V5);
    assert!(v5.contains("    role: Role;\n    plan?: string;\n"), "{v5}");
    let v4 = dts(&m, NextAuth::V4);
    assert!(v4.contains("    role: Role;\n    plan: string;\n"), "{v4}");
}

#[test]
fn reserved_names_and_duplicate_predicates_are_errors() {
    let m = model(vec![
        json!({ "name": "Session", "kind": "type", "def": { "enum": { "variants": [] } } }),
    ]);
    let e = errors(&m, NextAuth::V4);
    assert!(e[0].contains("`Session` is a name the generated declarations already use"));
    let m = model(vec![item(
        "Date",
        "type",
        vec![field("at", s(), "required")],
    )]);
    assert!(errors(&m, NextAuth::V5)[0].contains("`Date`"));
    let m = model(vec![
        json!({ "name": "Role", "kind": "role", "def": { "enum": { "variants": [
        { "name": "SuperAdmin", "wire": "A" }, { "name": "super_admin", "wire": "B" }
    ] } } }),
    ]);
    let e = errors(&m, NextAuth::V4);
    assert!(e[0].contains("isSuperAdmin"), "{e:?}");
}

#[test]
fn flatten_expands_structs_and_rejects_the_rest() {
    let inner = item("Audit", "type", vec![field("by", s(), "required")]);
    let user = item(
        "User",
        "user",
        vec![with(
            field(
                "audit",
                json!({"type": "named", "name": "Audit"}),
                "required",
            ),
            "flatten",
            json!(true),
        )],
    );
    let d = dts(&model(vec![inner, user]), NextAuth::V4);
    assert!(
        d.contains("  interface User {\n    by: string;\n  }"),
        "{d}"
    );
    let bad = item(
        "User",
        "user",
        vec![with(
            field(
                "extra",
                json!({"type": "map", "of": {"type": "string"}}),
                "required",
            ),
            "flatten",
            json!(true),
        )],
    );
    let e = errors(&model(vec![bad]), NextAuth::V4);
    assert!(e[0].contains("flatten"), "{e:?}");
}

#[test]
fn free_form_permissions_are_strings_and_no_roles_still_render() {
    let m = model(vec![item(
        "Jwt",
        "jwt",
        vec![with(
            field(
                "perms",
                json!({"type": "list", "of": {"type": "string"}}),
                "required",
            ),
            "role",
            json!("permissions"),
        )],
    )]);
    let files = render(&m, NextAuth::V4).unwrap();
    let p = &files[1].contents;
    assert!(p.contains("export type Permission = string;"));
    assert!(p.contains("export const ROLES = [] as const;"));
    assert!(p.contains("const PERMISSION_KEYS: readonly string[] = [\"perms\"];"));
}

#[test]
fn docs_become_jsdoc_and_never_close_the_comment_early() {
    let mut f = field("note", s(), "required");
    f["docs"] = json!(["Ends */ here", "", "second paragraph"]);
    let d = dts(&model(vec![item("Jwt", "jwt", vec![f])]), NextAuth::V4);
    assert!(
        d.contains("    /**\n     * Ends *\\/ here\n     *\n     * second paragraph\n     */\n    note: string;\n"),
        "{d}"
    );
}

#[test]
fn no_panic_on_odd_models() {
    // Empty names, empty enums, session without user, strange wire names: errors or output, never
    // a panic.
    let odd = vec![
        json!({ "name": "Role", "kind": "role", "def": { "enum": { "variants": [] } } }),
        json!({ "name": "Permission", "kind": "permission", "def": { "enum": { "variants": [
            { "name": "X", "wire": "quote\"and\\backslash\nnewline" }
        ] } } }),
        item("Session", "session", vec![field("", s(), "required")]),
        item(
            "Jwt",
            "jwt",
            vec![field(
                "\u{2028}",
                json!({"type": "named", "name": "Session"}),
                "required",
            )],
        ),
    ];
    for v in [NextAuth::V4, NextAuth::V5] {
        let _ = render(&model(odd.clone()), v);
    }
    let ok = render(&model(odd[..3].to_vec()), NextAuth::V4).unwrap();
    assert!(ok[1]
        .contents
        .contains("\"quote\\\"and\\\\backslash\\nnewline\""));
}
