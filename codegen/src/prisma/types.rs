//! The Prisma type, native type attribute and default of one column of the logical schema.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Provider;
use crate::model::{Model, Type};
use crate::sql::schema::{ColType, Column, Default, Table};

/// The Prisma enum of each SQL enum type that has one (every value a Prisma identifier).
pub(super) type Enums = BTreeMap<String, String>;

/// A column's type in Prisma: the scalar, enum or list type (without `?`) and its `@db.*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PrismaType {
    /// `String`, `Int`, `Role`, `String[]`...
    pub base: String,
    /// `@db.Text`, `@db.Timestamptz`...
    pub native: Option<&'static str>,
    /// Whether `base` is a Prisma enum (defaults are bare identifiers).
    pub is_enum: bool,
}

fn plain(base: &str, native: Option<&'static str>) -> PrismaType {
    PrismaType {
        base: base.into(),
        native,
        is_enum: false,
    }
}

/// Whether `s` is a Prisma identifier (model, field, enum and enum value names).
pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The Prisma type of `column` of `table`. `rust_ty` is the model field's type (for a column with
/// an explicit `sql_type`). Errors say why the column has no faithful Prisma type.
pub(super) fn of_column(
    p: Provider,
    table: &Table,
    column: &Column,
    enums: &Enums,
    model: &Model,
    rust_ty: Option<&Type>,
) -> Result<PrismaType, String> {
    use ColType::*;
    use Provider::*;
    Ok(match (&column.ty, p) {
        (Serial, _) => return Err("an integer id has no Prisma type next-auth can use".into()),
        (Text, Mysql) if table.is_indexed(&column.name) => plain("String", Some("@db.VarChar(255)")),
        (Text, Mysql) => plain("String", Some("@db.Text")),
        (Text, _) | (Varchar, Sqlite) | (Uuid, Sqlite) | (UuidText, Postgresql | Sqlite) => {
            plain("String", None)
        }
        (Varchar, _) => plain("String", Some("@db.VarChar(255)")),
        (Bool, _) => plain("Boolean", None),
        (SmallInt, Sqlite) | (Int, _) => plain("Int", None),
        (SmallInt, _) => plain("Int", Some("@db.SmallInt")),
        (BigInt, _) if is_expires_at(table, column) => plain("Int", None),
        (BigInt, _) => plain("BigInt", None),
        (Decimal, Sqlite) => plain("Decimal", None),
        (Decimal, _) => plain("Decimal", Some("@db.Decimal(39, 0)")),
        (Real, Postgresql) => plain("Float", Some("@db.Real")),
        (Real, Mysql) => plain("Float", Some("@db.Float")),
        (Real | Double, _) => plain("Float", None),
        (Timestamp | TimestampMillis, Postgresql) => plain("DateTime", Some("@db.Timestamptz")),
        (Timestamp | TimestampMillis, _) => plain("DateTime", None),
        (Uuid, Postgresql) => plain("String", Some("@db.Uuid")),
        (Uuid | UuidText, Mysql) => plain("String", Some("@db.Char(36)")),
        (Json, _) | (TextList, Mysql | Sqlite) => plain("Json", None),
        (TextList, Postgresql) => plain("String[]", None),
        (Enum { name }, _) => match enums.get(name) {
            Some(prisma) => PrismaType {
                base: prisma.clone(),
                native: None,
                is_enum: true,
            },
            None if p == Postgresql => {
                return Err(format!(
                    "the enum type `{name}` has values that are not Prisma identifiers, and a Prisma `String` cannot write a PostgreSQL enum column: give the field `#[auth(sql_type = \"TEXT\")]`"
                ))
            }
            None if p == Mysql => plain("String", Some("@db.VarChar(255)")),
            None => plain("String", None),
        },
        (Custom { .. }, _) => match rust_ty {
            Some(ty) => plain(&rust_scalar(model, ty), None),
            None => return Err("a column with an explicit sql_type has no Prisma type".into()),
        },
    })
}

/// `Account.expires_at`: `Int`, as Auth.js's own Prisma schema has it (the adapters read it as a
/// number of seconds); our column is 64-bit.
fn is_expires_at(table: &Table, column: &Column) -> bool {
    table.key == "account" && column.name == "expires_at"
}

/// The Prisma scalar of a Rust type (for columns with an explicit `sql_type`).
fn rust_scalar(model: &Model, ty: &Type) -> String {
    match ty {
        Type::String | Type::Uuid => "String",
        Type::Bool => "Boolean",
        Type::Int { signed, bits } => match (signed, bits) {
            (_, 8) | (_, 16) | (true, 32) => "Int",
            (false, 32) | (true, 64) => "BigInt",
            _ => "Decimal",
        },
        Type::Float { .. } => "Float",
        Type::DateTime { .. } => "DateTime",
        Type::Nullable { of } => return rust_scalar(model, of),
        Type::Named { name } if model.get(name).is_some_and(|i| !i.variants().is_empty()) => {
            "String"
        }
        Type::Json | Type::Map { .. } | Type::List { .. } | Type::Named { .. } => "Json",
    }
    .into()
}

/// The `@default(...)` of a column of Prisma type `ty`, if it has a default.
pub(super) fn default_attr(ty: &PrismaType, default: Option<&Default>) -> Option<String> {
    let inner = match default? {
        Default::Now => "now()".to_owned(),
        Default::Uuid => "uuid()".to_owned(),
        Default::Sql(sql) => format!("dbgenerated({})", string_lit(sql)),
        Default::Value(Value::Null) => return None,
        Default::Value(v) => value(ty, v),
    };
    Some(format!("@default({inner})"))
}

fn value(ty: &PrismaType, v: &Value) -> String {
    match (ty.base.as_str(), v) {
        ("Json", v) => string_lit(&v.to_string()),
        (_, Value::Array(items)) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| value(ty, i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (_, Value::String(s)) if ty.is_enum => s.clone(),
        (_, Value::String(s)) => string_lit(s),
        (_, other) => other.to_string(),
    }
}

/// A Prisma string literal (JSON's escapes, which Prisma reads).
pub(super) fn string_lit(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_ascii_letters_digits_and_underscores() {
        assert!(is_identifier("posts") && is_identifier("USER_2"));
        assert!(!is_identifier("posts:read") && !is_identifier("1a") && !is_identifier("_a"));
        assert!(!is_identifier(""));
    }

    #[test]
    fn defaults_are_prisma_literals() {
        let json = plain("Json", None);
        let list = plain("String[]", None);
        let role = PrismaType {
            base: "Role".into(),
            native: None,
            is_enum: true,
        };
        let v = |v: Value| Default::Value(v);
        let d = |t: &PrismaType, x: Default| default_attr(t, Some(&x)).unwrap();
        assert_eq!(
            d(&json, v(serde_json::json!(["a\"b"]))),
            r#"@default("[\"a\\\"b\"]")"#
        );
        assert_eq!(
            d(&list, v(serde_json::json!(["a", "b"]))),
            r#"@default(["a", "b"])"#
        );
        assert_eq!(d(&role, v(serde_json::json!("USER"))), "@default(USER)");
        assert_eq!(
            d(&json, Default::Sql("'x'".into())),
            r#"@default(dbgenerated("'x'"))"#
        );
        assert_eq!(default_attr(&json, Some(&v(Value::Null))), None);
    }
}
