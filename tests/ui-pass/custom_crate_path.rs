//! `#[auth(crate = "...")]` points the generated code at a renamed or re-exported authgen.
mod reexport {
    pub use authgen as inner;
}

#[derive(authgen::AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
#[auth(crate = "crate::reexport::inner")]
enum Role { Reader, Writer }

fn main() {
    use authgen::HasRole;
    assert!(Role::Writer.has_role(Role::Reader));
    assert!(RoleExt::is_writer(&Role::Writer));
}
