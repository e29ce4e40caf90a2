//! What was parsed from one derive input: the model item plus the tokens the derive needs to
//! generate code (identifiers and types with their spans).

use crate::model::{FieldRole, Item, ItemKind};

/// One parsed item.
///
/// ```
/// use authgen_codegen::frontend::parse_derive;
/// use authgen_codegen::model::{FieldRole, ItemKind};
/// let input: syn::DeriveInput = syn::parse_quote! { struct Claims { sub: String, role: Option<Role> } };
/// let (c, _) = parse_derive(&input, ItemKind::Jwt);
/// let c = c.unwrap();
/// assert_eq!(c.fields[1].role, Some(FieldRole::Role));
/// assert!(c.fields[1].optional);
/// ```
pub struct Container {
    /// The Rust identifier.
    pub ident: syn::Ident,
    /// Its visibility (the generated extension trait of a role enum gets the same).
    pub vis: syn::Visibility,
    /// What it was derived as.
    pub kind: ItemKind,
    /// `#[auth(crate = "...")]`, else `::authgen`.
    pub krate: syn::Path,
    /// The model item.
    pub item: Item,
    /// Struct fields in the model, with their tokens.
    pub fields: Vec<Field>,
    /// Enum variant identifiers, in order, parallel to the model's variants.
    pub variants: Vec<syn::Ident>,
    /// `#[auth(ext = "...")]` for roles: the extension trait's name.
    pub ext_trait: Option<syn::Ident>,
}

/// One field that made it into the model (see [`Container`] for an example).
pub struct Field {
    /// The Rust member.
    pub member: syn::Ident,
    /// The declared type.
    pub ty: syn::Type,
    /// Its special meaning, if any.
    pub role: Option<FieldRole>,
    /// Whether the declared type is `Option<...>`.
    pub optional: bool,
    /// Whether the field's value is a list (`Vec<...>`).
    pub is_list: bool,
    /// The named leaf types (other authgen items), unless a `ts_type` makes them opaque.
    pub named: Vec<syn::Type>,
}
