use authgen::{AuthRole, AuthUser};

#[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
enum Role { User, Admin }

#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(uniqe)]
    email: Option<String>,
    role: Role,
}

fn main() {}
