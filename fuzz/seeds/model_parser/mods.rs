#![allow(x)]
mod a { #[cfg(test)] mod t { } pub mod b { #[derive(AuthPermission)] #[serde(rename_all = "kebab-case")] pub enum P { ReadAll, #[serde(rename = "w")] Write } } }
#[derive(AuthRole)] enum Role { User }
fn f<const N: usize>() -> Foo<{ N }> { |a, b| a < b }
