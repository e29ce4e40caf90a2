//! Random evolutions (proptest), per dialect on the real databases: a random chain of 2 to 4
//! models over a pool of custom columns (integers that widen and narrow, text, a role enum whose
//! values come and go, a permission list, timestamps, booleans, JSON, UUIDs, floats that widen and
//! narrow; nullability, defaults,
//! indexes, unique indexes, renames through `renamed_from`, WebAuthn on and off, every naming
//! preset). For each chain:
//! - every incremental migration applies with sqlx's migrator, and the introspected schema equals
//!   a fresh initial migration of the same model;
//! - rows inserted at v1 are unchanged by every step without destructive changes;
//! - the downs back to v1 restore v1's schema.
//!
//! `AUTHGEN_PROPTEST_CASES` sets the number of cases per dialect (default 100, split over the
//! dialect's shards; a long run:
//! `AUTHGEN_PROPTEST_CASES=2000 cargo test -p authgen-codegen --test db_proptest --release`).
//! Each run shares one server database per dialect: PostgreSQL cases use schemas in it, MariaDB
//! cases databases named after it (dropped after each case, and on panic).

mod common;

use authgen_codegen::config::Dialect;
use authgen_codegen::model::Model;
use authgen_codegen::sql::plan::plan;
use authgen_codegen::sql::schema::Schema;
use authgen_testkit::db::{Server, TempDb};
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, TestCaseError, TestRunner};
use serde_json::{json, Value};

/// One custom column's state: `None` when absent.
#[derive(Debug, Clone)]
struct Col {
    /// Which of the family's two names (a change of name is a rename or a drop and add).
    alt: bool,
    /// Family-specific variant (integer width).
    kind: u8,
    nullable: bool,
    /// Index into the family's defaults; 0 = none.
    default: u8,
    /// 0 none, 1 index, 2 unique.
    index: u8,
}

#[derive(Debug, Clone)]
struct State {
    preset: &'static str,
    webauthn: bool,
    /// Role values besides "A", from B, C, D.
    role_values: [bool; 3],
    cols: [Option<Col>; FAMILIES],
    /// Whether a changed name is a rename (`renamed_from`) rather than a drop and add.
    rename: [bool; FAMILIES],
}

const FAMILIES: usize = 9;
const NAMES: [[&str; 2]; FAMILIES] = [
    ["n_a", "n_b"],
    ["t_a", "t_b"],
    ["r_a", "r_b"],
    ["p_a", "p_b"],
    ["d_a", "d_b"],
    ["b_a", "b_b"],
    ["j_a", "j_b"],
    ["u_a", "u_b"],
    ["f_a", "f_b"],
];
const INDEXABLE: [bool; FAMILIES] = [true, true, true, false, true, true, false, true, true];

fn col_strategy() -> impl Strategy<Value = Option<Col>> {
    prop::option::weighted(
        0.7,
        (any::<bool>(), 0u8..3, any::<bool>(), 0u8..3, 0u8..3).prop_map(
            |(alt, kind, nullable, default, index)| Col {
                alt,
                kind,
                nullable,
                default,
                index,
            },
        ),
    )
}

fn state_strategy(preset: &'static str) -> impl Strategy<Value = State> {
    (
        any::<bool>(),
        any::<[bool; 3]>(),
        [
            col_strategy(),
            col_strategy(),
            col_strategy(),
            col_strategy(),
            col_strategy(),
            col_strategy(),
            col_strategy(),
            col_strategy(),
            col_strategy(),
        ],
        any::<[bool; FAMILIES]>(),
    )
        .prop_map(move |(webauthn, role_values, cols, rename)| State {
            preset,
            webauthn,
            role_values,
            cols,
            rename,
        })
}

fn chain_strategy() -> impl Strategy<Value = Vec<State>> {
    prop_oneof![
        Just("pg-adapter"),
        Just("prisma"),
        Just("drizzle"),
        Just("kysely")
    ]
    .prop_flat_map(|preset| prop::collection::vec(state_strategy(preset), 2..=4))
}

fn field(name: &str, ty: Value, nullable: bool, default: Option<Value>, index: u8) -> Value {
    let mut f = json!({
        "name": name,
        "wire": name,
        "ty": ty,
        "presence": if nullable { "nullable" } else { "required" },
        "targets": {"wire": true, "db": true},
    });
    if let Some(d) = default {
        f["default"] = d;
    }
    match index {
        1 => f["index"] = json!(true),
        2 => f["unique"] = json!(true),
        _ => {}
    }
    f
}

/// The model of `state`; `prev` gives the names renamed from.
fn model_of(state: &State, prev: Option<&State>) -> Model {
    let mut fields = vec![
        json!({"name": "id", "wire": "id", "ty": {"type": "string"}, "presence": "required", "targets": {"wire": true, "db": true}}),
    ];
    for (fam, col) in state.cols.iter().enumerate() {
        let Some(col) = col else { continue };
        let name = NAMES[fam][usize::from(col.alt)];
        let bits = [16, 32, 64][usize::from(col.kind % 3)];
        let float_bits = [32, 64][usize::from(col.kind % 2)];
        let (ty, defaults): (Value, [Option<Value>; 3]) = match fam {
            0 => (
                json!({"type": "int", "signed": true, "bits": bits}),
                [None, Some(json!({"value": 0})), Some(json!({"value": 7}))],
            ),
            1 => (
                json!({"type": "string"}),
                [
                    None,
                    Some(json!({"value": ""})),
                    Some(json!({"value": "x'y"})),
                ],
            ),
            2 => (
                json!({"type": "named", "name": "Role"}),
                [
                    None,
                    Some(json!({"value": "A"})),
                    Some(json!({"value": "A"})),
                ],
            ),
            3 => (
                json!({"type": "list", "of": {"type": "named", "name": "Permission"}}),
                [
                    None,
                    Some(json!({"value": []})),
                    Some(json!({"value": ["posts:read"]})),
                ],
            ),
            4 => (
                json!({"type": "date_time", "format": "rfc3339"}),
                [None, Some(json!("now")), Some(json!("now"))],
            ),
            5 => (
                json!({"type": "bool"}),
                [
                    None,
                    Some(json!({"value": true})),
                    Some(json!({"value": false})),
                ],
            ),
            7 => (
                json!({"type": "uuid"}),
                [None, Some(json!("uuid")), Some(json!("uuid"))],
            ),
            8 => (
                json!({"type": "float", "bits": float_bits}),
                [None, Some(json!({"value": 0})), Some(json!({"value": 1.5}))],
            ),
            _ => (
                json!({"type": "json"}),
                [
                    None,
                    Some(json!({"value": {"k": [1, "two"]}})),
                    Some(json!({"value": []})),
                ],
            ),
        };
        let default = defaults[usize::from(col.default)].clone();
        // NOT NULL only with a default: rows exist when columns are added.
        let nullable = col.nullable || default.is_none();
        let index = if INDEXABLE[fam] { col.index } else { 0 };
        let mut f = field(name, ty, nullable, default, index);
        if let Some(prev) = prev {
            if let Some(pc) = &prev.cols[fam] {
                let old = NAMES[fam][usize::from(pc.alt)];
                if old != name && state.rename[fam] {
                    f["renamed_from"] = json!([old]);
                }
            }
        }
        fields.push(f);
    }
    let mut roles = vec![json!({"name": "A", "wire": "A"})];
    for (i, v) in ["B", "C", "D"].iter().enumerate() {
        if state.role_values[i] {
            roles.push(json!({"name": v, "wire": v}));
        }
    }
    serde_json::from_value(json!({"items": [
        {"name": "Role", "kind": "role", "def": {"enum": {"variants": roles}}},
        {"name": "Permission", "kind": "permission", "def": {"enum": {"variants": [
            {"name": "PostsRead", "wire": "posts:read"}, {"name": "PostsWrite", "wire": "posts:write"}]}}},
        {"name": "User", "kind": "user", "def": {"struct": {"fields": fields}}},
    ]}))
    .expect("a valid model")
}

/// Where one case's databases live.
enum Space {
    /// A database shared by the run; cases use schemas in it.
    Pg(TempDb),
    /// A database shared by the run (kept for its name and cleanup); cases use databases of their
    /// own next to it.
    My(TempDb),
    Lite,
}

/// A database (PostgreSQL schema, MariaDB database, SQLite file) for one case, dropped with it.
struct CaseDb {
    d: Dialect,
    url: String,
    /// PostgreSQL schema or MariaDB database name.
    name: Option<String>,
}

impl CaseDb {
    async fn new(space: &Space, label: &str) -> CaseDb {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match space {
            Space::Pg(db) => {
                let name = format!("case_{label}_{n}");
                let mut c = Conn::open(Dialect::Postgres, db.url()).await;
                c.exec(&format!("CREATE SCHEMA \"{name}\"")).await;
                CaseDb {
                    d: Dialect::Postgres,
                    url: db.url().to_owned(),
                    name: Some(name),
                }
            }
            Space::My(db) => {
                let name = format!("{}_{label}_{n}", db.name());
                let mut c = Conn::open(Dialect::Mysql, db.url()).await;
                c.exec(&format!("CREATE DATABASE `{name}`")).await;
                let url = db
                    .url()
                    .rsplit_once('/')
                    .map(|(base, _)| format!("{base}/{name}"))
                    .expect("a MySQL URL with a database");
                CaseDb {
                    d: Dialect::Mysql,
                    url,
                    name: Some(name),
                }
            }
            Space::Lite => {
                let (_, url) = authgen_testkit::db::sqlite_file(&format!("prop_{label}"));
                CaseDb {
                    d: Dialect::Sqlite,
                    url,
                    name: None,
                }
            }
        }
    }

    async fn conn(&self) -> Conn {
        let mut c = Conn::open(self.d, &self.url).await;
        if let (Dialect::Postgres, Some(name)) = (self.d, &self.name) {
            c.exec(&format!("SET search_path TO \"{name}\"")).await;
        }
        c
    }
}

impl Drop for CaseDb {
    fn drop(&mut self) {
        let Some(name) = self.name.clone() else {
            return;
        };
        let (d, url) = (self.d, self.url.clone());
        let _ = std::thread::spawn(move || {
            runtime().block_on(async move {
                let mut c = Conn::open(d, &url).await;
                match d {
                    Dialect::Postgres => {
                        c.exec(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                            .await
                    }
                    _ => c.exec(&format!("DROP DATABASE IF EXISTS `{name}`")).await,
                }
            })
        })
        .join();
    }
}

async fn fresh(space: &Space, d: Dialect, schema: &Schema) -> String {
    let db = CaseDb::new(space, "fresh").await;
    let dir = authgen_testkit::scratch_dir("prop-fresh");
    step(d, &dir, None, schema, 1, false).expect("initial migration");
    let mut c = db.conn().await;
    c.migrate(&dir).await.expect("a fresh migration applies");
    let out = c.introspect().await;
    let _ = std::fs::remove_dir_all(&dir);
    out
}

async fn run_case(space: &Space, d: Dialect, states: &[State]) -> Result<(), String> {
    let db = CaseDb::new(space, "inc").await;
    let dir = authgen_testkit::scratch_dir(&format!("prop-{}", d.as_str()));
    let mut c = db.conn().await;
    let mut prev_state: Option<&State> = None;
    let mut prev: Option<Schema> = None;
    let mut version = 1_i64;
    let mut v1 = (0, String::new());
    let mut rows = Vec::new();
    for (i, state) in states.iter().enumerate() {
        let m = model_of(state, prev_state);
        let mut cfg = config(d, state.preset, state.webauthn);
        cfg.sql.dialects = vec![d];
        let schema = build(&m, &cfg);
        let planned = plan(d, prev.as_ref(), &schema, version, "step", true)
            .map_err(|e| format!("step {i}: plan failed: {e:?}"))?;
        let destructive = planned.as_ref().is_some_and(|m| !m.destructive.is_empty());
        if let Some(mig) = &planned {
            write_migration(&dir, mig, &schema);
            version = mig.last_version + 1;
        }
        c.migrate(&dir).await.map_err(|e| {
            format!(
                "step {i}: migrating: {e}\nfiles: {:#?}",
                planned.as_ref().map(|m| &m.files)
            )
        })?;
        if i == 0 {
            insert_rows(&mut c, d, &schema, true).await;
            v1 = (version - 1, c.introspect().await);
        } else if !destructive {
            let before = prev.as_ref().expect("previous");
            let now = dump_rows(&mut c, d, before, &schema).await;
            let then = dump_rows_from(&rows, before, &schema);
            if now != then {
                return Err(format!("step {i}: rows changed:\n{then:#?}\n→\n{now:#?}"));
            }
        }
        rows = dump_all(&mut c, d, &schema).await;
        let got = c.introspect().await;
        let want = fresh(space, d, &schema).await;
        if got != want {
            return Err(format!(
                "step {i}: incremental schema differs from fresh\n--- incremental\n{got}\n--- fresh\n{want}\nfiles: {:#?}",
                planned.as_ref().map(|m| &m.files)
            ));
        }
        prev = Some(schema);
        prev_state = Some(state);
    }
    c.undo(&dir, v1.0)
        .await
        .map_err(|e| format!("reverting to v1: {e}"))?;
    let back = c.introspect().await;
    if back != v1.1 {
        return Err(format!(
            "the downs do not restore v1\n--- now\n{back}\n--- v1\n{}",
            v1.1
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The cases of one shard: `AUTHGEN_PROPTEST_CASES` (default 100) per dialect, split over its
/// shards, which run on threads of their own: the databases' DDL waits on disk, not on the CPU.
fn cases(shards: u32) -> u32 {
    let total: u32 = std::env::var("AUTHGEN_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    total.div_ceil(shards)
}

fn shard(d: Dialect, cases: u32) -> Result<(), String> {
    let rt = runtime();
    let space = rt.block_on(async {
        match d {
            Dialect::Postgres => Space::Pg(TempDb::new(Server::Postgres, "prop_pg").await),
            Dialect::Mysql => Space::My(TempDb::new(Server::MySql, "prop_my").await),
            Dialect::Sqlite => Space::Lite,
        }
    });
    let mut runner = TestRunner::new(PtConfig {
        cases,
        max_shrink_iters: 64,
        failure_persistence: None,
        ..PtConfig::default()
    });
    runner
        .run(&chain_strategy(), |states| {
            rt.block_on(run_case(&space, d, &states))
                .map_err(TestCaseError::fail)
        })
        .map_err(|e| format!("{d:?}: {e}"))
}

fn property(d: Dialect, shards: u32) {
    let per_shard = cases(shards);
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..shards)
            .map(|_| s.spawn(move || shard(d, per_shard)))
            .collect();
        handles
            .into_iter()
            .filter_map(|h| match h.join() {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e),
                Err(_) => Some(format!("{d:?}: a shard panicked (see above)")),
            })
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn postgres_random_evolutions() {
    property(Dialect::Postgres, 2);
}

#[test]
fn mysql_random_evolutions() {
    property(Dialect::Mysql, 4);
}

#[test]
fn sqlite_random_evolutions() {
    property(Dialect::Sqlite, 2);
}
