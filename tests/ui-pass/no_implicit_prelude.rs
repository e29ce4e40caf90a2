//! The generated code names everything by path: it compiles in a module without the prelude,
//! in a crate that denies missing docs.
#![deny(missing_docs)]

#[no_implicit_prelude]
mod m {
    /// Roles.
    #[derive(::authgen::AuthRole, ::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq)]
    pub enum Role {
        /// Lowest.
        User,
        /// Highest.
        Admin,
    }

    /// Claims.
    #[derive(::authgen::AuthJwt)]
    pub struct Jwt {
        /// Roles.
        pub role: ::std::option::Option<::std::vec::Vec<Role>>,
        /// Scopes.
        pub permissions: ::std::vec::Vec<::std::string::String>,
    }
}

fn main() {
    use authgen::prelude::*;
    use m::RoleExt;
    let j = m::Jwt { role: Some(vec![m::Role::User, m::Role::Admin]), permissions: vec!["a".into()] };
    assert!(j.is_admin());
    assert!(j.has_permission("a"));
}
