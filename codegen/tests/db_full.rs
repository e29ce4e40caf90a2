//! The whole schema per dialect and naming preset, applied with sqlx's migrator to the real
//! PostgreSQL, MariaDB and SQLite, reverted, and applied again.

mod common;

use authgen_codegen::config::Dialect;
use common::*;

async fn full_cycle(d: Dialect, preset: &str, webauthn: bool) {
    let label = format!("full_{}_{}", d.as_str(), preset.replace('-', ""));
    let schema = build(&model("custom/model.json"), &config(d, preset, webauthn));
    let dir = authgen_testkit::scratch_dir(&label);
    let m = step(d, &dir, None, &schema, 20260101000000, false).expect("initial migration");
    assert_eq!(m.files.len(), 2);
    assert!(m.files[0].file_name.ends_with("_step.up.sql"));

    let db = Db::new(d, &label).await;
    let mut c = Conn::open(d, db.url()).await;
    let empty = c.introspect().await;
    c.migrate(&dir)
        .await
        .unwrap_or_else(|e| panic!("{d:?} {preset}: {e}"));
    let applied = c.introspect().await;
    for t in &schema.tables {
        assert!(
            applied.contains(&t.name),
            "{d:?} {preset}: table {} missing from\n{applied}",
            t.name
        );
    }
    assert_eq!(
        applied.contains("authenticator") || applied.contains("Authenticator"),
        webauthn
    );
    // Custom columns are there with their defaults.
    assert!(applied.contains("createdAt"), "{applied}");
    assert!(applied.contains("permissions"), "{applied}");

    c.undo(&dir, 0)
        .await
        .unwrap_or_else(|e| panic!("{d:?} {preset} down: {e}"));
    assert_eq!(
        c.introspect().await,
        empty,
        "{d:?} {preset}: the down migration leaves tables"
    );
    c.migrate(&dir)
        .await
        .unwrap_or_else(|e| panic!("{d:?} {preset} again: {e}"));
    assert_eq!(c.introspect().await, applied);
}

macro_rules! cycle_tests {
    ($($name:ident: $d:expr, $preset:expr, $webauthn:expr;)*) => {$(
        #[test]
        fn $name() {
            runtime().block_on(full_cycle($d, $preset, $webauthn));
        }
    )*};
}

cycle_tests! {
    postgres_pg_adapter: Dialect::Postgres, "pg-adapter", false;
    postgres_prisma_webauthn: Dialect::Postgres, "prisma", true;
    postgres_drizzle: Dialect::Postgres, "drizzle", true;
    mysql_pg_adapter: Dialect::Mysql, "pg-adapter", false;
    mysql_prisma_webauthn: Dialect::Mysql, "prisma", true;
    mysql_drizzle: Dialect::Mysql, "drizzle", true;
    sqlite_pg_adapter: Dialect::Sqlite, "pg-adapter", false;
    sqlite_prisma_webauthn: Dialect::Sqlite, "prisma", true;
    sqlite_drizzle: Dialect::Sqlite, "drizzle", true;
    postgres_kysely: Dialect::Postgres, "kysely", true;
    mysql_kysely: Dialect::Mysql, "kysely", true;
    sqlite_kysely: Dialect::Sqlite, "kysely", false;
}

/// The drizzle preset on SQLite stores timestamps as Drizzle's `timestamp_ms` columns do:
/// integer epoch milliseconds, with `now` defaults in milliseconds too; the other presets keep
/// ISO-8601 text (what the Kysely adapter writes).
#[test]
fn drizzle_sqlite_timestamps_are_epoch_millis() {
    runtime().block_on(async {
        for (preset, expect_type) in [("drizzle", "integer"), ("prisma", "text")] {
            let label = format!("ms_{preset}");
            let schema = build(&model("custom/model.json"), &config(Dialect::Sqlite, preset, false));
            let dir = authgen_testkit::scratch_dir(&label);
            step(Dialect::Sqlite, &dir, None, &schema, 20260101000000, false).expect("initial migration");
            let db = Db::new(Dialect::Sqlite, &label).await;
            let mut c = Conn::open(Dialect::Sqlite, db.url()).await;
            c.migrate(&dir).await.unwrap();
            let user = &schema.table("user").unwrap().name;
            let session = &schema.table("session").unwrap().name;
            c.exec(&format!("INSERT INTO \"{user}\" (\"id\", \"email\") VALUES ('u1', 'a@b.c')")).await;
            let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
            let rows = c.rows(&format!("SELECT typeof(\"createdAt\"), CAST(\"createdAt\" AS TEXT) FROM \"{user}\"")).await;
            assert_eq!(rows.len(), 1, "{preset}: {rows:?}");
            assert!(rows[0].starts_with(expect_type), "{preset}: {rows:?}");
            if preset == "drizzle" {
                let ms: i64 = rows[0].split(" | ").nth(1).unwrap().parse().unwrap();
                assert!((ms - before).abs() < 60_000, "{preset}: createdAt {ms} is not now ({before}) in milliseconds");
                let expires = before + 86_400_000;
                c.exec(&format!(
                    "INSERT INTO \"{session}\" (\"sessionToken\", \"userId\", \"expires\") VALUES ('t', 'u1', {expires})"
                ))
                .await;
                let rows = c.rows(&format!("SELECT typeof(\"expires\") FROM \"{session}\"")).await;
                assert!(rows[0].starts_with("integer"), "{rows:?}");
            }
        }
    });
}
