use authgen::{AuthRole, AuthUser};

#[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
enum Role { User, Admin }

#[derive(AuthUser)]
struct User {
    id: String,
    email: Option<String>,
    #[auth(column = "email")]
    nickname: Option<String>,
    #[auth(column = "id")]
    role: Role,
    #[auth(column = "shown")]
    display: Option<String>,
    #[auth(db_only)]
    shown: Option<String>,
}

fn main() {}
