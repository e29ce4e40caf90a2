//! Building the model from the derives and writing the same files the CLI writes, from an
//! application's own test or build step (the way ts-rs users export bindings).

pub use authgen_codegen::config::{Config, Dialect, NextAuth};
pub use authgen_codegen::model;
pub use authgen_codegen::output::OutputFile;

use authgen_codegen::diag::Diagnostic;

/// A type with an authgen derive, which can describe itself as a model item.
///
/// ```
/// use authgen::{AuthRole, Describe};
/// #[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
/// enum Role { Reader, Writer }
/// assert_eq!(Role::describe().variants()[1].wire, "Writer");
/// ```
pub trait Describe {
    /// The model item the derive parsed, identical to what the CLI parses from the source.
    fn describe() -> model::Item;
}

/// The model of the given items, in the order given, checked across items.
///
/// ```
/// use authgen::{model_of, AuthRole, AuthUser, Describe};
/// #[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
/// enum Role { Reader, Writer }
/// #[derive(AuthUser)]
/// struct User { id: String, role: Role }
/// let model = model_of(vec![Role::describe(), User::describe()]).unwrap();
/// assert_eq!(model.user().unwrap().name, "User");
/// ```
pub fn model_of(items: Vec<model::Item>) -> Result<model::Model, Vec<Diagnostic>> {
    authgen_codegen::frontend::check::assemble(items)
}

/// Builds a model from types with authgen derives: `authgen::model![Role, Permission, User]`.
/// Panics with every error when the items do not form a valid model (use [`model_of`] to handle
/// them).
#[macro_export]
macro_rules! model {
    ($($ty:ty),* $(,)?) => {
        match $crate::model_of(::std::vec![$(<$ty as $crate::Describe>::describe()),*]) {
            ::core::result::Result::Ok(m) => m,
            ::core::result::Result::Err(errors) => {
                let msgs: ::std::vec::Vec<::std::string::String> = errors.iter().map(|e| e.to_string()).collect();
                ::core::panic!("invalid authgen model:\n{}", msgs.join("\n"))
            }
        }
    };
}

/// Every generated file for `model` under `config`, rendered in memory: byte-identical to what
/// `authgen generate` writes for the same model and configuration.
pub fn render(model: &model::Model, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    authgen_codegen::output::render_all(model, config)
}
