use authgen::{AuthPermission, AuthUser};

#[derive(AuthPermission, Clone, Copy, Debug, PartialEq, Eq)]
enum Permission { Read, Write }

#[derive(AuthUser)]
struct User {
    id: String,
    role: Permission,
}

fn main() {}
