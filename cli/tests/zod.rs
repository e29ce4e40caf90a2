//! `schemas.ts` (`[typescript] zod = true`), proven with the real packages in
//! `fixtures/ts/zod-v{4,5}` (next-auth 4.24.15 / 5.0.0-beta.32, zod 4.6.7 as `zod`, zod 3.25.76
//! as `zod3`, TypeScript 5.9.3).
//!
//! - Types: for every fixture model and next-auth version, tsc checks exact assertions: `z.infer`
//!   of `SessionSchema` and `JwtSchema` and the augmented `Session` and `JWT` are assignable both
//!   ways, `z.infer<typeof UserSchema>` is assignable to `User` (not back: `User` also admits the
//!   adapter's `Date`s), enum schemas infer exactly the declared unions and `AuthType` structs
//!   both ways. Once with `exactOptionalPropertyTypes` and `zod_exact_optional = true` (zod 4),
//!   once without it for zod 4 and zod 3.25.
//! - Run time: JSON that serde writes for the fixtures' real Rust types parses with every schema
//!   (zod 4 and 3.25, v4 and v5 schemas), and every invalid payload below is refused by serde and
//!   by zod, in one Node process.

#[path = "../../fixtures/blog/model.rs"]
#[allow(dead_code)]
mod blog;
#[path = "../../fixtures/seed/model.rs"]
#[allow(dead_code)]
mod seed;
#[path = "../../fixtures/workspace/model.rs"]
#[allow(dead_code)]
mod workspace;

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use authgen_codegen::config::{Config, NextAuth};
use authgen_codegen::emit::Emitter;
use authgen_codegen::frontend::check::Checked;
use authgen_codegen::frontend::source::{parse_sources, Source};
use authgen_codegen::model::{Def, ItemKind};
use authgen_codegen::ts::{Dts, Zod};
use chrono::{TimeZone, Utc};
use common::{checked, root, tsc_project as tsc};
use serde_json::{json, Value};

fn project(v: NextAuth) -> PathBuf {
    let dir = root()
        .join("fixtures/ts")
        .join(format!("zod-{}", v.as_str()));
    authgen_testkit::npm::ensure_installed(&dir)
}

/// Writes `next-auth.d.ts` and `schemas.ts` for `fixture` into `dir`; returns the schemas.
fn write_outputs(fixture: &str, v: NextAuth, exact: bool, dir: &Path) -> String {
    let schemas = write_model_outputs(&checked(fixture), v, exact, dir);
    if fixture == "workspace" {
        use ts_rs::TS;
        workspace::Address::export_all_to(dir.join("bindings")).expect("ts-rs export");
    }
    schemas
}

/// Writes `next-auth.d.ts` and `schemas.ts` for `model` into `dir`; returns the schemas.
fn write_model_outputs(model: &Checked, v: NextAuth, exact: bool, dir: &Path) -> String {
    let mut config = Config {
        next_auth: v,
        ..Config::default()
    };
    config.typescript.out_dir = PathBuf::new();
    config.typescript.zod = true;
    config.typescript.zod_exact_optional = exact;
    std::fs::create_dir_all(dir).unwrap();
    let mut schemas = String::new();
    for f in Dts.emit(model, &config).unwrap() {
        std::fs::write(dir.join(&f.path), &f.contents).unwrap();
    }
    for f in Zod.emit(model, &config).unwrap() {
        std::fs::write(dir.join(&f.path), &f.contents).unwrap();
        schemas = f.contents;
    }
    schemas
}

/// The same file on zod 3.25, installed as `zod3`.
fn for_zod3(schemas: &str) -> String {
    assert!(schemas.contains("from \"zod/v4\";"));
    schemas.replace("from \"zod/v4\";", "from \"zod3/v4\";")
}

/// A `.ts` file of type assertions about `./<schemas>` (which imports `zod`).
fn assertions(model: &Checked, zod: &str, schemas: &str) -> String {
    let mut names = Vec::new();
    let mut body = String::new();
    for item in model.items.iter().filter(|i| i.kind.is_nestable()) {
        let s = match item.kind {
            ItemKind::Role => "RoleSchema".to_string(),
            ItemKind::Permission => "PermissionSchema".to_string(),
            _ => format!("{}Schema", item.name),
        };
        names.push(item.name.clone());
        let check = match item.def {
            Def::Enum { .. } => "Equal",
            Def::Struct { .. } => "Both",
        };
        let _ = writeln!(
            body,
            "expect<{check}<z.infer<typeof S.{s}>, {}>>();",
            item.name
        );
    }
    let _ = writeln!(
        body,
        "expect<Both<z.infer<typeof S.SessionSchema>, Session>>();\n\
         expect<Both<z.infer<typeof S.JwtSchema>, JWT>>();\n\
         expect<Equal<Fits<z.infer<typeof S.UserSchema>, User>, true>>();\n\
         // `User` also admits the adapter's `Date`s and keys the wire always has.\n\
         expect<Equal<Fits<User, z.infer<typeof S.UserSchema>>, false>>();\n\
         // @ts-expect-error: not a role\n\
         export const notARole: z.infer<typeof S.RoleSchema> = \"not-a-role\";\n\
         export function session(json: unknown): Session {{\n  return S.SessionSchema.parse(json);\n}}"
    );
    format!(
        "// Written by cli/tests/zod.rs.\n\
         import type {{ Session, User }} from \"next-auth\";\n\
         import type {{ JWT }} from \"next-auth/jwt\";\n\
         import type * as z from \"{zod}\";\n\
         import type {{ {} }} from \"./next-auth\";\n\
         import * as S from \"./{schemas}\";\n\n\
         type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;\n\
         type Fits<A, B> = [A] extends [B] ? true : false;\n\
         type Both<A, B> = Equal<[Fits<A, B>, Fits<B, A>], [true, true]>;\n\
         function expect<T extends true>(_?: T): void {{}}\n\n{body}",
        names.join(", ")
    )
}

/// Both tsc programs for `fixture` on next-auth `v`.
fn types_hold(fixture: &str, v: NextAuth) {
    let dir = project(v);
    let model = checked(fixture);
    let gen = dir.join("generated").join(fixture);
    // With exactOptionalPropertyTypes: `.exactOptional()`, zod 4.
    let exact = gen.join("exact");
    write_outputs(fixture, v, true, &exact);
    std::fs::write(
        exact.join("assert.ts"),
        assertions(&model, "zod/v4", "schemas"),
    )
    .unwrap();
    // Without it: `.optional()`, zod 4 and zod 3.25.
    let plain = gen.join("plain");
    let schemas = write_outputs(fixture, v, false, &plain);
    std::fs::write(plain.join("schemas3.ts"), for_zod3(&schemas)).unwrap();
    std::fs::write(
        plain.join("assert.ts"),
        assertions(&model, "zod/v4", "schemas"),
    )
    .unwrap();
    std::fs::write(
        plain.join("assert3.ts"),
        assertions(&model, "zod3/v4", "schemas3"),
    )
    .unwrap();
    for (sub, eopt) in [(&exact, true), (&plain, false)] {
        let tsconfig = sub.join("tsconfig.json");
        std::fs::write(
            &tsconfig,
            format!(
                r#"{{ "extends": "../../../tsconfig.base.json", "compilerOptions": {{ "exactOptionalPropertyTypes": {eopt} }}, "include": ["*.ts", "bindings/*.ts"] }}"#
            ),
        )
        .unwrap();
        let (ok, text) = tsc(&dir, &tsconfig);
        assert!(
            ok,
            "tsc on {fixture} {} (exactOptionalPropertyTypes: {eopt}):\n{text}",
            v.as_str()
        );
    }
}

#[test]
fn seed_v4_types() {
    types_hold("seed", NextAuth::V4);
}

#[test]
fn seed_v5_types() {
    types_hold("seed", NextAuth::V5);
}

#[test]
fn blog_v4_types() {
    types_hold("blog", NextAuth::V4);
}

#[test]
fn blog_v5_types() {
    types_hold("blog", NextAuth::V5);
}

#[test]
fn workspace_v4_types() {
    types_hold("workspace", NextAuth::V4);
}

#[test]
fn workspace_v5_types() {
    types_hold("workspace", NextAuth::V5);
}

#[test]
fn kitchen_sink_v4_types() {
    types_hold("kitchen-sink", NextAuth::V4);
}

#[test]
fn kitchen_sink_v5_types() {
    types_hold("kitchen-sink", NextAuth::V5);
}

#[test]
fn the_assertions_can_fail() {
    // A schema that drops a member breaks `Both`: the check is not vacuous.
    let dir = project(NextAuth::V5);
    let gen = dir.join("generated").join("seed").join("broken");
    let schemas = write_outputs("seed", NextAuth::V5, false, &gen);
    let broken = schemas.replace("  role: RoleSchema,\n", "");
    assert_ne!(broken, schemas);
    std::fs::write(gen.join("schemas.ts"), broken).unwrap();
    std::fs::write(
        gen.join("assert.ts"),
        assertions(&checked("seed"), "zod/v4", "schemas"),
    )
    .unwrap();
    let tsconfig = gen.join("tsconfig.json");
    std::fs::write(
        &tsconfig,
        r#"{ "extends": "../../../tsconfig.base.json", "compilerOptions": { "exactOptionalPropertyTypes": false }, "include": ["*.ts"] }"#,
    )
    .unwrap();
    let (ok, text) = tsc(&dir, &tsconfig);
    assert!(!ok, "tsc accepted a schema without `role`");
    assert!(
        text.contains("assert.ts") && text.contains("TS2344"),
        "{text}"
    );
}

#[test]
fn exact_optional_property_types_needs_zod_exact_optional() {
    // `.optional()` infers `error?: string | null | undefined`, which the augmented `Session`
    // refuses under exactOptionalPropertyTypes: the option is what makes the exact program pass.
    let dir = project(NextAuth::V5);
    let gen = dir.join("generated").join("seed").join("inexact");
    write_outputs("seed", NextAuth::V5, false, &gen);
    std::fs::write(
        gen.join("assert.ts"),
        assertions(&checked("seed"), "zod/v4", "schemas"),
    )
    .unwrap();
    let tsconfig = gen.join("tsconfig.json");
    std::fs::write(
        &tsconfig,
        r#"{ "extends": "../../../tsconfig.base.json", "compilerOptions": { "exactOptionalPropertyTypes": true }, "include": ["*.ts"] }"#,
    )
    .unwrap();
    let (ok, text) = tsc(&dir, &tsconfig);
    assert!(!ok, "`.optional()` passed under exactOptionalPropertyTypes");
    assert!(text.contains("TS2344") || text.contains("TS2375"), "{text}");
}

/// A model with recursive `AuthType`s (a tree, and two types that refer to each other).
const RECURSIVE: &str = r#"
#[derive(AuthRole, Serialize, Deserialize)]
pub enum Role { User, Admin }
#[derive(AuthType, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node { pub name: String, pub children: Vec<Node>, pub first_child: Option<Box<Node>> }
#[derive(AuthType, Serialize, Deserialize)]
pub struct Team { pub lead: Option<Member> }
#[derive(AuthType, Serialize, Deserialize)]
pub struct Member { pub teams: Vec<Team> }
#[derive(AuthSessionUser, Serialize, Deserialize)]
pub struct SessionUser { pub id: String, pub role: Role, pub tree: Node, pub team: Team }
#[derive(AuthSession, Serialize, Deserialize)]
pub struct Session { pub user: SessionUser, pub expires: String }
"#;

#[test]
fn recursive_types_type_check_on_zod_3_and_4() {
    let model = parse_sources(&[Source {
        name: "recursive.rs".into(),
        text: RECURSIVE.into(),
    }])
    .unwrap();
    let dir = project(NextAuth::V5);
    let gen = dir.join("generated").join("recursive");
    let schemas = write_model_outputs(&model, NextAuth::V5, false, &gen);
    assert!(schemas.contains("export const NodeSchema: z.ZodType<Node> = z.object({"));
    std::fs::write(gen.join("schemas3.ts"), for_zod3(&schemas)).unwrap();
    for (file, zod, schemas) in [
        ("assert.ts", "zod/v4", "schemas"),
        ("assert3.ts", "zod3/v4", "schemas3"),
    ] {
        let text = format!(
            "import type * as z from \"{zod}\";\n\
             import type {{ Session }} from \"next-auth\";\n\
             import type {{ Node, Team, Member }} from \"./next-auth\";\n\
             import * as S from \"./{schemas}\";\n\
             type Fits<A, B> = [A] extends [B] ? true : false;\n\
             function expect<T extends true>(_?: T): void {{}}\n\
             expect<Fits<z.infer<typeof S.NodeSchema>, Node>>();\n\
             expect<Fits<Node, z.infer<typeof S.NodeSchema>>>();\n\
             expect<Fits<z.infer<typeof S.TeamSchema>, Team>>();\n\
             expect<Fits<Member, z.infer<typeof S.MemberSchema>>>();\n\
             expect<Fits<z.infer<typeof S.SessionSchema>, Session>>();\n\
             expect<Fits<Session, z.infer<typeof S.SessionSchema>>>();\n"
        );
        std::fs::write(gen.join(file), text).unwrap();
    }
    let tsconfig = gen.join("tsconfig.json");
    std::fs::write(
        &tsconfig,
        r#"{ "extends": "../../tsconfig.base.json", "compilerOptions": { "exactOptionalPropertyTypes": false }, "include": ["*.ts"] }"#,
    )
    .unwrap();
    let (ok, text) = tsc(&dir, &tsconfig);
    assert!(ok, "recursive types:\n{text}\n{schemas}");
}

// ---------------------------------------------------------------------------------------------
// Run time.

fn t(secs: i64) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).unwrap()
}

/// Values serde writes, per fixture and schema.
fn samples() -> Vec<(&'static str, &'static str, Value)> {
    let mut out = Vec::new();
    let mut add = |f, s, v: Value| out.push((f, s, v));
    {
        use seed::*;
        let su = SessionUser {
            id: "u1".into(),
            name: Some("Ada".into()),
            email: None,
            image: None,
            role: Role::Moderator,
            permissions: vec![Permission::PostsRead, Permission::PostsWrite],
        };
        let session = |error: Option<&str>| Session {
            user: su.clone(),
            expires: t(1_900_000_000),
            error: error.map(Into::into),
        };
        add(
            "seed",
            "SessionSchema",
            to(session(Some("RefreshAccessTokenError"))),
        );
        add("seed", "SessionSchema", to(session(None)));
        add("seed", "JwtSchema", to(seed_jwt(Some(1_700_000_000))));
        add("seed", "JwtSchema", to(seed_jwt(None)));
        add("seed", "UserSchema", to(seed_user()));
        add("seed", "RoleSchema", to(Role::Admin));
        add("seed", "PermissionSchema", to(Permission::UsersManage));
    }
    {
        use blog::*;
        let (session, jwt, user) = blog_values();
        add("blog", "SessionSchema", to(session.clone()));
        add(
            "blog",
            "SessionSchema",
            to(Session {
                impersonated_by: None,
                ..session
            }),
        );
        add("blog", "JwtSchema", to(jwt));
        add("blog", "UserSchema", to(user));
        add("blog", "ThemeSchema", to(Theme::System));
    }
    {
        let (session, jwt, user) = workspace_values();
        add("workspace", "SessionSchema", to(session));
        add("workspace", "JwtSchema", to(jwt));
        add("workspace", "UserSchema", to(user));
    }
    out
}

fn to<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn seed_jwt(iat: Option<i64>) -> seed::Jwt {
    seed::Jwt {
        id: "u1".into(),
        role: seed::Role::Admin,
        permissions: vec![],
        name: Some("Ada".into()),
        email: None,
        picture: None,
        sub: Some("u1".into()),
        iat,
        exp: iat.map(|i| i + 3600),
        jti: iat.map(|_| "0b0e6f2c".into()),
    }
}

fn seed_user() -> seed::User {
    seed::User {
        id: "u1".into(),
        name: None,
        email: Some("ada@example.com".into()),
        email_verified: Some(t(1_700_000_000)),
        image: None,
        role: seed::Role::User,
        permissions: vec![seed::Permission::UsersManage],
        created_at: t(1_600_000_000),
        password_hash: Some("$2b$10$never.on.the.wire".into()),
    }
}

fn blog_values() -> (blog::Session, blog::Jwt, blog::User) {
    use blog::*;
    let prefs = Preferences {
        theme: Theme::Dark,
        email_digest: true,
        locale: Some("de-CH".into()),
    };
    let session = Session {
        user: SessionUser {
            id: "7c1f".into(),
            name: None,
            email: "ed@example.com".into(),
            role: Role::SuperAdmin,
            permissions: vec![Permission::BillingView],
            preferences: prefs.clone(),
        },
        expires: t(1_900_000_000),
        impersonated_by: Some(uuid::Uuid::from_u128(0x1234)),
    };
    let jwt = Jwt {
        user_id: uuid::Uuid::from_u128(0xabc),
        role: Role::Editor,
        permissions: vec![Permission::PostCreate],
        role_granted_at: t(1_700_000_000),
        theme: Theme::Light,
    };
    let user = User {
        id: "7c1f".into(),
        name: Some("Ed".into()),
        email: "ed@example.com".into(),
        email_verified: None,
        image: None,
        role: Role::Reader,
        permissions: vec![],
        preferences: Preferences {
            locale: None,
            ..prefs
        },
        created_at: t(1_600_000_000),
        password_hash: Some("never on the wire".into()),
    };
    (session, jwt, user)
}

fn workspace_values() -> (workspace::Session, workspace::Jwt, workspace::User) {
    use workspace::*;
    let address = Address {
        street: "Main St 1".into(),
        city: "Bern".into(),
        postal_code: None,
    };
    let session = Session {
        user: SessionUser {
            id: "m1".into(),
            display_name: "Grace".into(),
            role: None,
            permissions: vec!["billing:read".into()],
            address: Some(address.clone()),
        },
        expires: t(1_900_000_000),
    };
    let jwt = Jwt {
        sub: "m1".into(),
        role: Some(Role::Owner),
        permissions: vec![],
        display_name: "Grace".into(),
        team_ids: vec![uuid::Uuid::from_u128(1)],
        auth_time: t(1_700_000_000),
    };
    let user = User {
        id: "m1".into(),
        email: "grace@example.com".into(),
        email_verified: Some(t(1_700_000_000)),
        display_name: "Grace".into(),
        role: Some(Role::Editor),
        permissions: vec!["export:csv".into()],
        address: Some(address),
        last_login_at: Some(Utc.timestamp_millis_opt(1_700_000_000_123).unwrap()),
        login_count: 3,
        tags: [("team".to_string(), "core".to_string())].into(),
        password_hash: None,
    };
    (session, jwt, user)
}

/// Whether serde reads `value` as the Rust type behind `schema` of `fixture`.
fn serde_accepts(fixture: &str, schema: &str, value: &Value) -> bool {
    fn ok<T: serde::de::DeserializeOwned>(v: &Value) -> bool {
        serde_json::from_value::<T>(v.clone()).is_ok()
    }
    match (fixture, schema) {
        ("seed", "SessionSchema") => ok::<seed::Session>(value),
        ("seed", "JwtSchema") => ok::<seed::Jwt>(value),
        ("seed", "UserSchema") => ok::<seed::User>(value),
        ("seed", "RoleSchema") => ok::<seed::Role>(value),
        ("seed", "PermissionSchema") => ok::<seed::Permission>(value),
        ("blog", "SessionSchema") => ok::<blog::Session>(value),
        ("blog", "JwtSchema") => ok::<blog::Jwt>(value),
        ("blog", "UserSchema") => ok::<blog::User>(value),
        ("blog", "ThemeSchema") => ok::<blog::Theme>(value),
        ("workspace", "SessionSchema") => ok::<workspace::Session>(value),
        ("workspace", "JwtSchema") => ok::<workspace::Jwt>(value),
        ("workspace", "UserSchema") => ok::<workspace::User>(value),
        other => panic!("no Rust type for {other:?}"),
    }
}

/// `value` with the member at JSON pointer `at` replaced by `new`, or removed.
fn with(mut value: Value, at: &str, new: Option<Value>) -> Value {
    let (parent, key) = at.rsplit_once('/').unwrap();
    let target = value.pointer_mut(parent).unwrap();
    match (target, new) {
        (Value::Object(o), Some(n)) => {
            o.insert(key.into(), n);
        }
        (Value::Object(o), None) => {
            assert!(o.remove(key).is_some(), "{at}: no such member");
        }
        (Value::Array(a), Some(n)) => a[key.parse::<usize>().unwrap()] = n,
        (t, n) => panic!("{at}: cannot set {n:?} in {t}"),
    }
    value
}

/// One payload: fixture, schema, what it shows, the JSON, and whether serde (and so zod) must
/// accept it.
struct Payload {
    fixture: &'static str,
    schema: &'static str,
    what: String,
    value: Value,
    valid: bool,
}

/// Adds, for each `(pointer, new value)` (`None` removes the member), `base` changed there.
fn vary(
    out: &mut Vec<Payload>,
    (fixture, schema): (&'static str, &'static str),
    base: &Value,
    valid: bool,
    changes: &[(&str, Option<Value>)],
) {
    for (at, new) in changes {
        let shown = new.as_ref().map_or("(missing)".into(), |n| n.to_string());
        out.push(Payload {
            fixture,
            schema,
            what: format!("{at} = {shown}"),
            value: with(base.clone(), at, new.clone()),
            valid,
        });
    }
}

/// Payloads serde refuses (and a few it accepts that serde never writes).
fn payloads() -> Vec<Payload> {
    let mut out = Vec::new();
    seed_payloads(&mut out);
    seed_jwt_and_user_payloads(&mut out);
    blog_payloads(&mut out);
    workspace_payloads(&mut out);
    out
}

fn seed_payloads(out: &mut Vec<Payload>) {
    let session = to(seed::Session {
        user: seed::SessionUser {
            id: "u1".into(),
            name: None,
            email: None,
            image: None,
            role: seed::Role::User,
            permissions: vec![seed::Permission::PostsRead],
        },
        expires: t(1_900_000_000),
        error: None,
    });
    let s = ("seed", "SessionSchema");
    vary(
        out,
        s,
        &session,
        false,
        &[
            ("/user", None),
            ("/expires", None),
            ("/user", Some(Value::Null)),
            ("/expires", Some(json!("tomorrow"))),
            ("/expires", Some(json!(1_900_000_000))),
            ("/expires", Some(json!("2030-03-17T17:46:40"))),
            ("/expires", Some(json!("2030-03-17T17:46Z"))),
            ("/expires", Some(json!("2030-02-30T00:00:00Z"))),
            ("/expires", Some(json!("2030-03-17 17:46:40"))),
            ("/user/id", Some(json!(1))),
            ("/user/id", None),
            ("/user/name", Some(json!(5))),
            ("/user/role", Some(json!("admin"))),
            ("/user/role", Some(json!("ROOT"))),
            ("/user/role", Some(Value::Null)),
            ("/user/permissions", Some(json!("posts:read"))),
            ("/user/permissions", Some(json!(["posts:delete"]))),
            ("/user/permissions", Some(json!([null]))),
            ("/error", Some(json!(5))),
        ],
    );
    vary(
        out,
        s,
        &session,
        true,
        &[
            ("/expires", Some(json!("2030-03-17T19:46:40+02:00"))),
            ("/expires", Some(json!("2030-03-17T17:46:40.123456789Z"))),
            ("/expires", Some(json!("2030-03-17T17:46:40.1234567891Z"))),
            ("/expires", Some(json!("2030-03-17T17:46:40-00:00"))),
            ("/unknownKey", Some(json!(true))),
            ("/error", Some(Value::Null)),
        ],
    );
}

fn seed_jwt_and_user_payloads(out: &mut Vec<Payload>) {
    let jwt = to(seed_jwt(Some(1_700_000_000)));
    vary(
        out,
        ("seed", "JwtSchema"),
        &jwt,
        false,
        &[
            ("/iat", Some(json!(1.5))),
            ("/iat", Some(json!("1700000000"))),
            ("/role", None),
            ("/permissions", None),
            ("/sub", Some(json!(42))),
            ("/id", Some(Value::Null)),
        ],
    );
    vary(
        out,
        ("seed", "UserSchema"),
        &to(seed_user()),
        false,
        &[
            ("/emailVerified", Some(json!("yesterday"))),
            ("/emailVerified", Some(json!(1_700_000_000))),
            ("/permissions", Some(json!({}))),
            ("/role", Some(json!(""))),
        ],
    );
}

fn blog_payloads(out: &mut Vec<Payload>) {
    let (session, jwt, user) = blog_values();
    vary(
        out,
        ("blog", "JwtSchema"),
        &to(jwt),
        false,
        &[
            ("/userId", Some(json!("not-a-uuid"))),
            ("/roleGrantedAt", Some(json!("2023-11-14T22:13:20Z"))),
            ("/roleGrantedAt", Some(json!(1.5))),
            ("/roleGrantedAt", Some(json!(10_000_000_000_000_i64))),
            ("/theme", Some(json!("LIGHT"))),
        ],
    );
    vary(
        out,
        ("blog", "SessionSchema"),
        &to(session),
        false,
        &[
            ("/user/preferences", None),
            ("/user/preferences/emailDigest", Some(json!("yes"))),
            ("/user/preferences/locale", Some(json!(7))),
            ("/impersonatedBy", Some(json!("1234"))),
            ("/user/email", Some(Value::Null)),
        ],
    );
    vary(
        out,
        ("blog", "UserSchema"),
        &to(user),
        false,
        &[
            ("/preferences/theme", Some(Value::Null)),
            ("/createdAt", None),
        ],
    );
}

fn workspace_payloads(out: &mut Vec<Payload>) {
    let (session, jwt, user) = workspace_values();
    let (session, jwt, user) = (to(session), to(jwt), to(user));
    let u = ("workspace", "UserSchema");
    vary(
        out,
        u,
        &user,
        false,
        &[
            ("/login_count", Some(json!(1.5))),
            ("/login_count", Some(json!("3"))),
            ("/tags", Some(json!({ "team": 1 }))),
            ("/last_login_at", Some(json!("2024-01-01T00:00:00Z"))),
            ("/role", Some(json!("OWNER"))),
        ],
    );
    vary(
        out,
        u,
        &user,
        true,
        &[("/tags", None), ("/last_login_at", None)],
    );
    vary(
        out,
        ("workspace", "JwtSchema"),
        &jwt,
        false,
        &[
            ("/team_ids", Some(json!(["x"]))),
            ("/sub", Some(Value::Null)),
            ("/auth_time", Some(json!(-1e20))),
        ],
    );
    let s = ("workspace", "SessionSchema");
    vary(
        out,
        s,
        &session,
        false,
        &[("/user/permissions/0", Some(json!(1)))],
    );
}

/// One run-time case: the JSON, whether serde reads it, and whether the v4 and v5 schemas
/// accept it (the same as serde except where next-auth's own declaration is kept).
struct Case {
    fixture: &'static str,
    schema: &'static str,
    what: String,
    value: Value,
    serde: bool,
    zod: [bool; 2],
}

/// Serde-written samples, the payloads above, and the known deviations: a member next-auth
/// declares and the declarations keep refuses `null`, which serde reads but never writes
/// (`skip_serializing_if`).
fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (fixture, schema, value) in samples() {
        let what = "as serde writes it".to_string();
        out.push(Case {
            fixture,
            schema,
            what,
            value,
            serde: true,
            zod: [true, true],
        });
    }
    let payloads = payloads();
    let invalid = payloads.iter().filter(|p| !p.valid).count();
    assert!(invalid >= 30, "only {invalid} invalid payloads");
    for p in payloads {
        let (serde, zod) = (p.valid, [p.valid, p.valid]);
        let (fixture, schema, what, value) = (p.fixture, p.schema, p.what, p.value);
        out.push(Case {
            fixture,
            schema,
            what,
            value,
            serde,
            zod,
        });
    }
    let jwt = to(seed_jwt(Some(1_700_000_000)));
    // v4 declares no `iat`; both declare `sub?: string`.
    for (at, zod) in [("/iat", [true, false]), ("/sub", [false, false])] {
        let what = format!("{at} = null (kept next-auth declaration)");
        let value = with(jwt.clone(), at, Some(Value::Null));
        out.push(Case {
            fixture: "seed",
            schema: "JwtSchema",
            what,
            value,
            serde: true,
            zod,
        });
    }
    for c in &out {
        let serde = serde_accepts(c.fixture, c.schema, &c.value);
        assert_eq!(
            serde, c.serde,
            "serde on {} {} {}: {}",
            c.fixture, c.schema, c.what, c.value
        );
    }
    out
}

/// Writes the v4 and v5 schemas of every fixture into the project; returns (fixture, version,
/// module id, file, zod package) for zod 4 and zod 3.25 each.
fn runtime_modules(dir: &Path) -> Vec<(&'static str, NextAuth, String, String, &'static str)> {
    let mut modules = Vec::new();
    for fixture in ["seed", "blog", "workspace"] {
        for v in [NextAuth::V4, NextAuth::V5] {
            let sub = Path::new("generated/runtime").join(format!("{fixture}-{}", v.as_str()));
            write_outputs(fixture, v, false, &dir.join(&sub));
            let file = sub.join("schemas.ts").to_str().unwrap().to_string();
            for zod in ["zod", "zod3"] {
                let id = format!("{fixture}-{}-{zod}", v.as_str());
                modules.push((fixture, v, id, file.clone(), zod));
            }
        }
    }
    modules
}

#[test]
fn serde_and_zod_agree_on_every_payload() {
    let dir = project(NextAuth::V5);
    let modules = runtime_modules(&dir);
    let cases = cases();
    let mut expected = Vec::new();
    let mut input_cases = Vec::new();
    for c in &cases {
        for (_, v, id, _, _) in modules.iter().filter(|m| m.0 == c.fixture) {
            let want = c.zod[usize::from(*v == NextAuth::V5)];
            expected.push((format!("{id} {} {}", c.schema, c.what), want));
            input_cases.push(json!({ "module": id, "schema": c.schema, "value": c.value }));
        }
    }
    let modules: Vec<Value> = modules
        .iter()
        .map(|(_, _, id, file, zod)| json!({ "id": id, "file": file, "zod": zod }))
        .collect();
    let input = json!({ "modules": modules, "cases": input_cases });
    let input = serde_json::to_vec(&input).unwrap();
    let stdout = authgen_testkit::npm::node_ok(&dir, "parity.mjs", &[], &input, &[]);
    let got: Vec<bool> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(got.len(), expected.len());
    let wrong: Vec<String> = expected
        .iter()
        .zip(&got)
        .filter(|((_, want), got)| want != *got)
        .map(|((what, want), _)| {
            format!(
                "{what}: zod should {}",
                if *want { "accept" } else { "refuse" }
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} answers differ:\n{}",
        wrong.len(),
        expected.len(),
        wrong.join("\n")
    );
    // Both answers occur: the table is not trivially all-true or all-false.
    assert!(got.iter().any(|b| *b) && got.iter().any(|b| !*b));
}
