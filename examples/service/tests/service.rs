//! The example service run as the Next app runs it: the real binary on a free port, against a
//! SQLite file that the binary itself migrates (`MIGRATIONS_DIR`) with the migrations authgen
//! generates for the seed model under the `prisma` naming preset. JWT cookies are minted with the
//! runtime's next-auth v5 encoder and the service's secret; database sessions are rows.

mod common;

use std::path::{Path, PathBuf};

use common::{run_to_exit, Answer, Service, COOKIE};

use authgen::runtime::naming::Preset;
use authgen::runtime::{EncodeOptions, NextAuthVersion, Verifier};
use authgen_codegen::sql::{plan::plan, schema};
use authgen_example_service::db::{authgen_config, seed_model};
use authgen_example_service::model::{Permission, Role};
use chrono::{Duration, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::{Connection, SqliteConnection};

const SECRET: &str = "svc-test-secret-6f1d2c3b4a5e6f708192a3b4c5d6e7f8";

/// A seeded user: the row's values, which the service must echo.
struct Seeded {
    id: &'static str,
    name: &'static str,
    email: &'static str,
    role: Role,
    permissions: &'static [Permission],
}

const USER: Seeded = Seeded {
    id: "u-user",
    name: "Uma User",
    email: "user@example.com",
    role: Role::User,
    permissions: &[],
};
const MODERATOR: Seeded = Seeded {
    id: "u-moderator",
    name: "Mo Moderator",
    email: "moderator@example.com",
    role: Role::Moderator,
    permissions: &[Permission::PostsRead, Permission::PostsWrite],
};
const ADMIN: Seeded = Seeded {
    id: "u-admin",
    name: "Ada Admin",
    email: "admin@example.com",
    role: Role::Admin,
    permissions: &[
        Permission::PostsRead,
        Permission::PostsWrite,
        Permission::UsersManage,
    ],
};
const SEEDED: [&Seeded; 3] = [&USER, &MODERATOR, &ADMIN];

/// The body of `/api/me`, typed with the seed's types.
#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Me {
    id: String,
    name: Option<String>,
    email: Option<String>,
    role: Role,
    permissions: Vec<Permission>,
    strategy: String,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A scratch directory holding authgen's initial SQLite migration of the seed model (naming
/// `prisma`), as `authgen migrate` writes it.
fn migrations(label: &str) -> PathBuf {
    let schema = schema::build(&seed_model(), &authgen_config())
        .unwrap_or_else(|e| panic!("schema errors: {e:?}"));
    let m = plan(
        authgen::Dialect::Sqlite,
        None,
        &schema,
        20260101000000,
        "init",
        false,
    )
    .unwrap_or_else(|e| panic!("plan: {e:?}"))
    .expect("an initial migration");
    let dir = authgen_testkit::scratch_dir(&format!("{label}_migrations"));
    for f in &m.files {
        std::fs::write(dir.join(&f.file_name), &f.contents).unwrap();
    }
    dir
}

/// The SQLite file (created and migrated by the service) and test-side access to it.
struct Db {
    url: String,
    rt: tokio::runtime::Runtime,
}

impl Db {
    fn new(label: &str) -> (Db, PathBuf) {
        let (_, url) = authgen_testkit::db::sqlite_file(label);
        (Db { url, rt: runtime() }, migrations(label))
    }

    fn exec(&self, sql: &str, binds: &[&str]) -> u64 {
        self.rt.block_on(async {
            let mut c = SqliteConnection::connect(&self.url).await.expect("connect");
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
            for b in binds {
                q = q.bind(*b);
            }
            q.execute(&mut c)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .rows_affected()
        })
    }

    fn insert_user(&self, u: &Seeded) {
        let permissions = serde_json::to_string(u.permissions).unwrap();
        let role = serde_json::to_value(u.role).unwrap();
        self.exec(
            r#"INSERT INTO "User" ("id", "name", "email", "role", "permissions") VALUES (?, ?, ?, ?, ?)"#,
            &[u.id, u.name, u.email, role.as_str().unwrap(), &permissions],
        );
    }

    /// A session row as `@auth/kysely-adapter` writes it on SQLite (ISO-8601 `expires`).
    fn insert_session(&self, user_id: &str, expires_in: Duration) -> String {
        let token = uuid::Uuid::new_v4().to_string();
        let expires = (Utc::now() + expires_in).to_rfc3339_opts(SecondsFormat::Millis, true);
        let id = uuid::Uuid::new_v4().to_string();
        self.exec(
            r#"INSERT INTO "Session" ("id", "sessionToken", "userId", "expires") VALUES (?, ?, ?, ?)"#,
            &[&id, &token, user_id, &expires],
        );
        token
    }
}

fn start(strategy: &str, db: &Db, migrations: &Path) -> Service {
    Service::start(&[
        ("AUTH_SECRET", SECRET),
        ("AUTH_STRATEGY", strategy),
        ("DATABASE_URL", &db.url),
        ("MIGRATIONS_DIR", migrations.to_str().unwrap()),
    ])
}

fn verifier() -> Verifier {
    Verifier::builder(NextAuthVersion::V5)
        .secret(SECRET)
        .build()
        .unwrap()
}

/// The claims next-auth v5 writes (`name`, `email`, `picture`, `sub`) plus what the app's `jwt`
/// callback copies from the user (`id`, `role`, `permissions`).
fn claims(u: &Seeded) -> Value {
    json!({
        "name": u.name, "email": u.email, "picture": null, "sub": u.id,
        "id": u.id, "role": u.role, "permissions": u.permissions,
    })
}

fn mint(u: &Seeded) -> String {
    verifier().encode(&claims(u)).unwrap()
}

/// The token with one character changed (in the ciphertext of a JWE: before the tag).
fn tampered(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let end = token.rfind('.').unwrap_or(token.len());
    let i = (0..end - 1)
        .rev()
        .find(|&i| bytes[i].is_ascii_alphanumeric())
        .expect("a character to change");
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

fn assert_me(service: &Service, token: &str, u: &Seeded, strategy: &str) {
    let a = service.get("/api/me", Some(token));
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let me: Me = serde_json::from_str(&a.body).unwrap();
    let want = Me {
        id: u.id.into(),
        name: Some(u.name.into()),
        email: Some(u.email.into()),
        role: u.role,
        permissions: u.permissions.to_vec(),
        strategy: strategy.into(),
    };
    assert_eq!(me, want);
}

const VALID_POST: &str = r#"{"title":"Hello from the test"}"#;
const JSON: &str = "application/json";

/// The full status table: signed out / USER / MODERATOR / ADMIN × the three routes, with the
/// bodies of the successful answers.
fn assert_matrix(service: &Service, tokens: [&str; 3], strategy: &str, users: i64) {
    for path in ["/api/me", "/api/admin/stats"] {
        let a = service.get(path, None);
        assert_eq!(
            (a.status, a.json()),
            (401, json!({"error": "unauthorized"}))
        );
    }
    let a = service.post(None, JSON, VALID_POST);
    assert_eq!(
        (a.status, a.json()),
        (401, json!({"error": "unauthorized"}))
    );
    for (u, token) in SEEDED.iter().zip(tokens) {
        assert_me(service, token, u, strategy);
        let stats = service.get("/api/admin/stats", Some(token));
        let post = service.post(Some(token), JSON, VALID_POST);
        match u.role {
            Role::Admin => {
                assert_eq!(stats.status, 200, "{}", stats.body);
                assert_eq!(stats.json(), json!({ "viewer": u.id, "users": users }));
            }
            _ => assert_eq!(
                (stats.status, stats.json()),
                (403, json!({"error": "forbidden"}))
            ),
        }
        if u.permissions.contains(&Permission::PostsWrite) {
            assert_eq!(post.status, 201, "{}", post.body);
            let body = post.json();
            assert_eq!(
                (&body["title"], &body["authorId"]),
                (&json!("Hello from the test"), &json!(u.id))
            );
            uuid::Uuid::parse_str(body["id"].as_str().unwrap()).expect("a UUID id");
        } else {
            assert_eq!(
                (post.status, post.json()),
                (403, json!({"error": "forbidden"}))
            );
        }
    }
}

/// Bad bodies: 400 for a caller with `posts:write`, but 401 / 403 first for the others.
fn assert_bad_posts(service: &Service, tokens: [&str; 3]) {
    let bad = [
        (JSON, "{}"),
        (JSON, r#"{"title":""}"#),
        (JSON, r#"{"title":"   "}"#),
        (JSON, r#"{"title":5}"#),
        (JSON, "not json"),
        ("text/plain", VALID_POST),
    ];
    for (ct, body) in bad {
        assert_eq!(service.post(None, ct, body).status, 401, "{body}");
        assert_eq!(
            service.post(Some(tokens[0]), ct, body).status,
            403,
            "{body}"
        );
        let a = service.post(Some(tokens[1]), ct, body);
        assert_eq!(
            (a.status, &a.json()["error"]),
            (400, &json!("bad_request")),
            "{body}"
        );
    }
}

fn assert_health(service: &Service, strategy: &str) {
    let a = service.get("/api/health", None);
    assert_eq!(
        (a.status, a.json()),
        (200, json!({"ok": true, "strategy": strategy}))
    );
}

fn assert_unavailable(a: &Answer) {
    assert_eq!(
        (a.status, a.json()),
        (503, json!({"error": "unavailable"})),
        "{}",
        a.body
    );
    let after: u32 = a
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(after > 0);
}

/// Tokens that are not a valid session of the seed's `Jwt`: 401 on every route.
fn assert_refused_jwts(service: &Service, admin_token: &str) {
    let refused = [
        tampered(admin_token),
        "not-a-token".to_owned(),
        // Another app's secret.
        Verifier::builder(NextAuthVersion::V5)
            .secret("another-secret-0123456789abcdefghijklmn")
            .build()
            .unwrap()
            .encode(&claims(&ADMIN))
            .unwrap(),
        // Expired: issued 31 days ago with next-auth's 30-day max age.
        verifier()
            .encode_with(
                &claims(&ADMIN),
                EncodeOptions {
                    now: Some(Utc::now().timestamp() - 31 * 86_400),
                    ..EncodeOptions::default()
                },
            )
            .unwrap(),
        // next-auth's default claims only (no `jwt` callback): not the seed's `Jwt`.
        verifier()
            .encode(&json!({"sub": "u-admin", "name": "Ada"}))
            .unwrap(),
        // A role the model does not have.
        verifier()
            .encode(&json!({"id": "x", "role": "ROOT", "permissions": []}))
            .unwrap(),
    ];
    for t in &refused {
        for path in ["/api/me", "/api/admin/stats"] {
            let a = service.get(path, Some(t));
            assert_eq!(
                (a.status, a.json()),
                (401, json!({"error": "unauthorized"})),
                "{path}"
            );
        }
        assert_eq!(service.post(Some(t), JSON, VALID_POST).status, 401);
    }
}

#[test]
fn jwt_sessions() {
    let (db, dir) = Db::new("svc_jwt");
    let service = start("jwt", &db, &dir);
    assert_health(&service, "jwt");
    for u in SEEDED {
        db.insert_user(u);
    }
    let tokens = SEEDED.map(mint);
    let tokens = [tokens[0].as_str(), tokens[1].as_str(), tokens[2].as_str()];
    assert_matrix(&service, tokens, "jwt", 3);
    assert_bad_posts(&service, tokens);

    // The count is the table's: one more row, one more user.
    db.exec(r#"INSERT INTO "User" ("id") VALUES ('u-extra')"#, &[]);
    assert_eq!(
        service.get("/api/admin/stats", Some(tokens[2])).json()["users"],
        4
    );

    // Permissions, not roles, open POST /api/posts.
    let mut plain_writer = claims(&USER);
    plain_writer["permissions"] = json!(["posts:write"]);
    let t = verifier().encode(&plain_writer).unwrap();
    assert_eq!(service.post(Some(&t), JSON, VALID_POST).status, 201);
    let mut bare_admin = claims(&ADMIN);
    bare_admin["permissions"] = json!([]);
    let t = verifier().encode(&bare_admin).unwrap();
    assert_eq!(service.post(Some(&t), JSON, VALID_POST).status, 403);
    assert_eq!(service.get("/api/admin/stats", Some(&t)).status, 200);

    assert_refused_jwts(&service, tokens[2]);
    // The `__Secure-` cookie is another cookie (and another key): not read on http.
    let secure = format!("__Secure-{COOKIE}={}", tokens[2]);
    assert_eq!(
        service
            .send("GET", "/api/me", &[("Cookie", &secure)], "")
            .status,
        401
    );
    // `Authorization: Bearer` is read too (as next-auth's `getToken`).
    let bearer = format!("Bearer {}", tokens[0]);
    assert_eq!(
        service
            .send("GET", "/api/me", &[("Authorization", &bearer)], "")
            .status,
        200
    );

    // The database gone: 503 with Retry-After, and back to 200 when it returns.
    db.exec(r#"ALTER TABLE "User" RENAME TO "User_away""#, &[]);
    assert_unavailable(&service.get("/api/admin/stats", Some(tokens[2])));
    assert_eq!(service.get("/api/me", Some(tokens[2])).status, 200);
    db.exec(r#"ALTER TABLE "User_away" RENAME TO "User""#, &[]);
    assert_eq!(service.get("/api/admin/stats", Some(tokens[2])).status, 200);

    let stderr = service.stderr();
    assert!(
        !stderr.contains(SECRET),
        "the secret leaked into stderr:\n{stderr}"
    );
    for t in tokens {
        assert!(!stderr.contains(t), "a token leaked into stderr:\n{stderr}");
    }
}

#[test]
fn database_sessions() {
    let (db, dir) = Db::new("svc_database");
    let service = start("database", &db, &dir);
    assert_health(&service, "database");
    for u in SEEDED {
        db.insert_user(u);
    }
    let tokens = SEEDED.map(|u| db.insert_session(u.id, Duration::days(30)));
    let tokens = [tokens[0].as_str(), tokens[1].as_str(), tokens[2].as_str()];
    assert_matrix(&service, tokens, "database", 3);
    assert_bad_posts(&service, tokens);

    // A JWT is not a session token here; nor is a token one character off.
    for t in [mint(&ADMIN), tampered(tokens[2]), format!("{}x", tokens[2])] {
        assert_eq!(service.get("/api/me", Some(&t)).status, 401);
    }

    // An expired session row.
    let expired = db.insert_session(ADMIN.id, -Duration::minutes(1));
    for path in ["/api/me", "/api/admin/stats"] {
        let a = service.get(path, Some(&expired));
        assert_eq!(
            (a.status, a.json()),
            (401, json!({"error": "unauthorized"}))
        );
    }

    // Sign-out deletes the row: the very next request is refused.
    let signed_out = db.insert_session(MODERATOR.id, Duration::days(1));
    assert_eq!(service.get("/api/me", Some(&signed_out)).status, 200);
    let deleted = db.exec(
        r#"DELETE FROM "Session" WHERE "sessionToken" = ?"#,
        &[&signed_out],
    );
    assert_eq!(deleted, 1);
    assert_eq!(service.get("/api/me", Some(&signed_out)).status, 401);
    assert_eq!(
        service.post(Some(&signed_out), JSON, VALID_POST).status,
        401
    );

    // A role changed in the database is seen by the next request.
    assert_eq!(service.get("/api/admin/stats", Some(tokens[0])).status, 403);
    db.exec(
        r#"UPDATE "User" SET "role" = 'ADMIN', "permissions" = '["posts:write"]' WHERE "id" = ?"#,
        &[USER.id],
    );
    let me: Me = serde_json::from_str(&service.get("/api/me", Some(tokens[0])).body).unwrap();
    assert_eq!(
        (me.role, me.permissions),
        (Role::Admin, vec![Permission::PostsWrite])
    );
    assert_eq!(service.get("/api/admin/stats", Some(tokens[0])).status, 200);
    assert_eq!(service.post(Some(tokens[0]), JSON, VALID_POST).status, 201);

    // The session table gone: 503 with Retry-After (never 500), then back.
    db.exec(r#"ALTER TABLE "Session" RENAME TO "Session_away""#, &[]);
    assert_unavailable(&service.get("/api/me", Some(tokens[1])));
    assert_unavailable(&service.post(Some(tokens[1]), JSON, VALID_POST));
    db.exec(r#"ALTER TABLE "Session_away" RENAME TO "Session""#, &[]);
    assert_me(&service, tokens[1], &MODERATOR, "database");

    let stderr = service.stderr();
    assert!(
        !stderr.contains(SECRET),
        "the secret leaked into stderr:\n{stderr}"
    );
    for t in tokens {
        assert!(!stderr.contains(t), "a token leaked into stderr:\n{stderr}");
    }
}

#[test]
fn configuration_errors_name_the_variable_and_never_the_secret() {
    let (code, stderr) = run_to_exit(&[]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("AUTH_SECRET"), "{stderr}");

    let short = "short-secret-value";
    let (code, stderr) = run_to_exit(&[("AUTH_SECRET", short)]);
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("AUTH_SECRET") && !stderr.contains(short),
        "{stderr}"
    );

    let (code, stderr) = run_to_exit(&[("AUTH_SECRET", SECRET), ("AUTH_STRATEGY", "database")]);
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("DATABASE_URL") && !stderr.contains(SECRET),
        "{stderr}"
    );

    let (code, stderr) = run_to_exit(&[("AUTH_SECRET", SECRET), ("AUTH_STRATEGY", "cookies")]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("AUTH_STRATEGY"), "{stderr}");

    for (var, value) in [
        ("DB_TIMEOUT_MS", "soon"),
        ("DB_TIMEOUT_MS", "0"),
        ("DB_NAMING", "camel"),
    ] {
        let (code, stderr) = run_to_exit(&[("AUTH_SECRET", SECRET), (var, value)]);
        assert_ne!(code, Some(0));
        assert!(stderr.contains(var) && stderr.contains(value), "{stderr}");
    }
    let url = "mysql://root:hunter2@127.0.0.1/app";
    let (code, stderr) = run_to_exit(&[("AUTH_SECRET", SECRET), ("DATABASE_URL", url)]);
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("DATABASE_URL") && !stderr.contains("hunter2"),
        "{stderr}"
    );

    // The seed's PostgreSQL migrations are named `pg-adapter`: without DB_NAMING the service
    // refuses them before connecting (port 1: nothing listens there).
    let seed_pg =
        authgen_testkit::workspace_root().join("fixtures/seed/generated/migrations/postgres");
    let (code, stderr) = run_to_exit(&[
        ("AUTH_SECRET", SECRET),
        ("AUTH_STRATEGY", "database"),
        ("DATABASE_URL", "postgres://root@127.0.0.1:1/none"),
        ("MIGRATIONS_DIR", seed_pg.to_str().unwrap()),
    ]);
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("DB_NAMING=pg-adapter") && stderr.contains("authgen.snapshot.json"),
        "{stderr}"
    );
}

#[test]
fn jwt_without_a_database_counts_no_users_and_secure_cookies_switch_the_name() {
    let service = Service::start(&[("AUTH_SECRET", SECRET)]);
    let admin = mint(&ADMIN);
    let a = service.get("/api/admin/stats", Some(&admin));
    assert_eq!(
        (a.status, a.json()),
        (200, json!({"viewer": ADMIN.id, "users": null}))
    );
    drop(service);

    // AUTH_SECURE=1: only `__Secure-authjs.session-token`, encrypted with its own salt.
    let service = Service::start(&[("AUTH_SECRET", SECRET), ("AUTH_SECURE", "1")]);
    let secure = Verifier::builder(NextAuthVersion::V5)
        .secret(SECRET)
        .secure(true)
        .build()
        .unwrap();
    let token = secure.encode(&claims(&USER)).unwrap();
    let cookie = format!("__Secure-{COOKIE}={token}");
    let a = service.send("GET", "/api/me", &[("Cookie", &cookie)], "");
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(service.get("/api/me", Some(&token)).status, 401);
    assert_eq!(service.get("/api/me", Some(&admin)).status, 401);
}

/// The lookup reads every user column serde reads, and nothing else (a `#[serde(skip)]` column,
/// such as a password hash, stays in the database).
#[test]
fn the_session_lookup_reads_exactly_the_serde_fields() {
    let all = authgen::session_schema(&seed_model(), &authgen_config()).unwrap();
    let read = authgen_example_service::db::session_schema(Preset::Prisma);
    let keys = authgen_example_service::db::serde_keys().expect("the sample user");
    let mut wires: Vec<&str> = read.user_columns.iter().map(|c| c.wire.as_str()).collect();
    let mut want: Vec<&str> = keys.iter().map(String::as_str).collect();
    wires.sort_unstable();
    want.sort_unstable();
    assert_eq!(wires, want);
    for c in &all.user_columns {
        assert_eq!(
            read.user_columns.contains(c),
            keys.contains(&c.wire),
            "{c:?}"
        );
    }
}

/// A database that is not there: the service starts, answers 401 without a cookie, and 503 with
/// `Retry-After` (never 500) for a session it cannot look up or a count it cannot make.
#[test]
fn a_missing_database_file_is_503_not_a_crash() {
    let (path, url) = authgen_testkit::db::sqlite_file("svc_missing");
    let url = url.replace("?mode=rwc", "");
    let service = Service::start(&[
        ("AUTH_SECRET", SECRET),
        ("AUTH_STRATEGY", "database"),
        ("DATABASE_URL", &url),
    ]);
    assert_health(&service, "database");
    assert_eq!(service.get("/api/me", None).status, 401);
    assert_unavailable(&service.get("/api/me", Some("a-session-token")));
    assert!(!path.exists(), "the service created {}", path.display());
    drop(service);

    let service = Service::start(&[("AUTH_SECRET", SECRET), ("DATABASE_URL", &url)]);
    assert_me(&service, &mint(&ADMIN), &ADMIN, "jwt");
    assert_unavailable(&service.get("/api/admin/stats", Some(&mint(&ADMIN))));
    assert_eq!(
        service.get("/api/admin/stats", Some(&mint(&USER))).status,
        403
    );
}
