use authgen::prelude::*;
use authgen::{AuthRole, AuthUser};


// One mistake in the role enum: the derive still implements the role traits, so the user and the
// code below it report nothing else.
#[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
#[auth(extt = "RoleChecks")]
enum Role { User, Admin }

#[derive(AuthUser)]
struct User {
    id: String,
    role: Role,
}

#[derive(AuthUser)]
struct Account {
    id: String,
    #[auth(uniqe)]
    email: Option<String>,
    role: Role,
}

fn main() {
    let u = User { id: "1".into(), role: Role::Admin };
    let _ = u.has_role(Role::User);
    let _ = u.is_admin();
    let a = Account { id: "1".into(), email: None, role: Role::User };
    let _ = a.has_role(Role::User);
    let _ = Role::ALL;
}
