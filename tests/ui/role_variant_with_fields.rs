use authgen::AuthRole;

#[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    User,
    Admin { level: u8 },
}

fn main() {}
