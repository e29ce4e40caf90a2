//! The one statement of a lookup: the session joined with its user, the user as JSON objects
//! keyed by serde name, the expiry as epoch milliseconds.

use super::schema::{Dialect, SessionSchema, UserColumn, ValueKind};
use crate::naming::columns as c;

/// Key/value pairs per JSON object: PostgreSQL functions take at most 100 arguments, SQLite's
/// default limit is 127. Wider users are split over several columns and merged in Rust.
pub(crate) const PAIRS_PER_OBJECT: usize = 50;

fn ident(d: Dialect, name: &str) -> String {
    d.quote(name)
}

fn value(d: Dialect, col: &UserColumn) -> String {
    let x = format!("u.{}", ident(d, &col.column));
    match (d, col.kind) {
        (_, ValueKind::Number | ValueKind::Bool | ValueKind::Raw) => x,
        (Dialect::Postgres, ValueKind::Json) => x,
        (Dialect::Postgres, ValueKind::Text) => format!("{x}::text"),
        (Dialect::Postgres, ValueKind::Timestamp) => {
            format!("to_char({x} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        }
        (Dialect::Mysql, ValueKind::Text) => format!("CAST({x} AS CHAR)"),
        (Dialect::Mysql, ValueKind::Timestamp) => {
            format!("DATE_FORMAT({x}, '%Y-%m-%dT%H:%i:%s.%fZ')")
        }
        (Dialect::Mysql, ValueKind::Json) => format!("JSON_EXTRACT({x}, '$')"),
        (Dialect::Sqlite, ValueKind::Text) => format!("CAST({x} AS TEXT)"),
        (Dialect::Sqlite, ValueKind::Timestamp) => format!(
            "CASE WHEN typeof({x}) IN ('integer', 'real') THEN strftime('%Y-%m-%dT%H:%M:%fZ', {x} / 1000.0, 'unixepoch') ELSE strftime('%Y-%m-%dT%H:%M:%fZ', {x}) END"
        ),
        (Dialect::Sqlite, ValueKind::Json) => format!("json({x})"),
    }
}

fn object(d: Dialect, cols: &[UserColumn]) -> String {
    let pairs: Vec<String> = cols
        .iter()
        .map(|col| format!("'{}', {}", col.wire, value(d, col)))
        .collect();
    let pairs = pairs.join(", ");
    match d {
        Dialect::Postgres => format!("json_build_object({pairs})::text"),
        Dialect::Mysql => format!("CAST(JSON_OBJECT({pairs}) AS CHAR)"),
        Dialect::Sqlite => format!("json_object({pairs})"),
    }
}

fn expires_ms(d: Dialect) -> String {
    let x = format!("s.{}", ident(d, c::EXPIRES));
    match d {
        Dialect::Postgres => format!("CAST(FLOOR(EXTRACT(EPOCH FROM {x}) * 1000) AS BIGINT)"),
        Dialect::Mysql => {
            format!("CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', {x}) DIV 1000 AS SIGNED)")
        }
        Dialect::Sqlite => format!(
            "CASE WHEN typeof({x}) IN ('integer', 'real') THEN CAST({x} AS INTEGER) ELSE CAST(ROUND((julianday({x}) - 2440587.5) * 86400000.0) AS INTEGER) END"
        ),
    }
}

/// How many times the token is bound (`?` parameters are positional in MySQL).
pub(crate) fn token_binds(d: Dialect) -> usize {
    match d {
        Dialect::Mysql => 2,
        Dialect::Postgres | Dialect::Sqlite => 1,
    }
}

/// The statement for `schema` in `d` (the schema must be valid): the session token bound
/// [`token_binds`] times; columns: `ceil(n / 50)` JSON objects of the user, then `expires` in epoch
/// milliseconds.
pub(crate) fn lookup_sql(d: Dialect, schema: &SessionSchema) -> String {
    let objects: Vec<String> = schema
        .user_columns
        .chunks(PAIRS_PER_OBJECT)
        .enumerate()
        .map(|(i, cols)| format!("{} AS {}", object(d, cols), ident(d, &format!("user{i}"))))
        .collect();
    let token = ident(d, c::SESSION_TOKEN);
    let filter = match d {
        Dialect::Postgres => format!("s.{token} = $1"),
        // The column's collation is usually case- and trailing-space-insensitive
        // (`utf8mb4_unicode_ci`, `utf8mb4_0900_ai_ci`): the indexed comparison finds the row, the
        // binary one makes the match exact.
        Dialect::Mysql => {
            format!("s.{token} = ? AND CAST(s.{token} AS BINARY) = CAST(? AS BINARY)")
        }
        Dialect::Sqlite => format!("s.{token} = ?1"),
    };
    format!(
        "SELECT {objects}, {expires} AS {expires_alias} FROM {session} AS s JOIN {user} AS u ON u.{id} = s.{user_id} WHERE {filter}",
        objects = objects.join(", "),
        expires = expires_ms(d),
        expires_alias = ident(d, c::EXPIRES),
        session = ident(d, &schema.session_table),
        user = ident(d, &schema.user_table),
        id = ident(d, c::ID),
        user_id = ident(d, c::USER_ID),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::Preset;

    #[test]
    fn one_statement_per_dialect() {
        let s =
            SessionSchema::preset(Preset::Prisma).column("perm`s", "permissions", ValueKind::Json);
        let pg = lookup_sql(Dialect::Postgres, &s);
        assert!(
            pg.starts_with("SELECT json_build_object('id', u.\"id\"::text, "),
            "{pg}"
        );
        assert!(pg.ends_with("FROM \"Session\" AS s JOIN \"User\" AS u ON u.\"id\" = s.\"userId\" WHERE s.\"sessionToken\" = $1"), "{pg}");
        let my = lookup_sql(Dialect::Mysql, &s);
        assert!(my.contains("JSON_EXTRACT(u.`perm``s`, '$')"), "{my}");
        assert!(my.ends_with("WHERE s.`sessionToken` = ? AND CAST(s.`sessionToken` AS BINARY) = CAST(? AS BINARY)"), "{my}");
        let lite = lookup_sql(Dialect::Sqlite, &s);
        assert!(
            lite.contains("'emailVerified', CASE WHEN typeof(u.\"emailVerified\")"),
            "{lite}"
        );
        assert!(lite.ends_with("= ?1"), "{lite}");
    }

    #[test]
    fn wide_users_are_split_over_several_objects() {
        let mut s = SessionSchema::preset(Preset::Prisma);
        for i in 0..120 {
            s = s.column(format!("c{i}"), format!("c{i}"), ValueKind::Number);
        }
        let sql = lookup_sql(Dialect::Postgres, &s);
        assert_eq!(sql.matches("json_build_object(").count(), 3);
        assert!(sql.contains("AS \"user2\""));
    }
}
