//! A migration that the data makes fail, on SQLite where it rebuilds a table outside sqlx's
//! transaction (`-- no-transaction`, foreign keys off around its own `BEGIN` / `COMMIT`): sqlx
//! reports the failure, records nothing, and once the failed connection is closed the database
//! is exactly as it was; with the data fixed, the same migration goes through.

mod common;

use authgen_codegen::config::Dialect;
use authgen_codegen::model::Model;
use common::*;

/// `evolution/v1.json` with one more user column, `nickname`, of the given presence; made
/// `required` (NOT NULL without a default) it is a destructive change that SQLite can only make
/// by rebuilding the users table.
fn with_nickname(presence: &str) -> Model {
    let path = fixture("evolution/v1.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let user = v["items"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i["kind"] == "user")
        .expect("a user item");
    user["def"]["struct"]["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "name": "nickname", "wire": "nickname", "ty": { "type": "string" },
            "presence": presence, "targets": { "wire": true, "db": true },
        }));
    serde_json::from_value(v).unwrap()
}

#[test]
fn sqlite_rebuild_failing_on_the_data_leaves_the_database_as_it_was() {
    runtime().block_on(async {
        let d = Dialect::Sqlite;
        let label = "failure_sqlite_rebuild";
        let dir = authgen_testkit::scratch_dir(label);
        let db = Db::new(d, label).await;
        let v1 = build(&with_nickname("nullable"), &config(d, "prisma", false));
        let v2 = build(&with_nickname("required"), &config(d, "prisma", false));
        let users = &v1.table("user").expect("a users table").name;

        step(d, &dir, None, &v1, 20260101000000, false).expect("the initial migration");
        let mut c = Conn::open(d, db.url()).await;
        c.migrate(&dir)
            .await
            .expect("the initial migration applies");
        insert_rows(&mut c, d, &v1, false).await;
        c.exec(&format!("UPDATE \"{users}\" SET nickname = NULL"))
            .await;
        let schema_before = c.introspect().await;
        let rows_before = dump_all(&mut c, d, &v1).await;
        assert!(
            rows_before.iter().any(|r| r.contains(".nickname=NULL")),
            "{rows_before:?}"
        );

        let m = step(d, &dir, Some(&v1), &v2, 20260102000000, true).expect("a migration");
        let up = &m.files[0].contents;
        assert!(
            up.starts_with("-- no-transaction\n") && up.contains("_authgen_new_"),
            "not a table rebuild:\n{up}"
        );
        let err = c
            .migrate(&dir)
            .await
            .expect_err("NULL names cannot be copied into a NOT NULL column");
        assert!(
            err.contains("20260102000000") && err.contains("NOT NULL"),
            "the error names neither the migration nor the cause: {err}"
        );

        // Nothing after the failing statement ran: the failed connection still has foreign
        // keys off and the migration's transaction open (what docs/sql.md tells users: close
        // it, or the pool it came from). Closing it rolls the transaction back.
        assert_eq!(
            c.rows("SELECT CAST(foreign_keys AS TEXT) FROM pragma_foreign_keys")
                .await,
            vec!["0".to_string()]
        );
        assert_eq!(
            c.rows("SELECT name FROM sqlite_master WHERE name LIKE '_authgen_new_%'")
                .await,
            vec!["_authgen_new_User".to_string()],
            "the half-done rebuild is visible inside the open transaction"
        );
        drop(c);
        let mut c = Conn::open(d, db.url()).await;
        assert_eq!(c.introspect().await, schema_before);
        assert_eq!(dump_all(&mut c, d, &v1).await, rows_before);
        assert_eq!(
            c.rows("SELECT CAST(version AS TEXT) FROM _sqlx_migrations ORDER BY version")
                .await,
            vec!["20260101000000".to_string()],
            "a failed migration must not be recorded as applied"
        );
        assert_eq!(
            c.rows("SELECT name FROM sqlite_master WHERE name LIKE '_authgen_new_%'")
                .await,
            Vec::<String>::new()
        );

        // With the data fixed, the same migration file applies.
        c.exec(&format!("UPDATE \"{users}\" SET nickname = 'someone'"))
            .await;
        c.migrate(&dir)
            .await
            .unwrap_or_else(|e| panic!("after fixing the data: {e}"));
        let fresh = fresh_introspection(d, &v2, label).await;
        assert_eq!(c.introspect().await, fresh);
    });
}
