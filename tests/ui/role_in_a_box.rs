use authgen::{AuthRole, AuthUser};

#[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
enum Role { User, Admin }

#[derive(AuthUser)]
struct User {
    id: String,
    role: Box<Role>,
}

fn main() {}
