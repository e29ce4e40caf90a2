use authgen::AuthRole;

#[derive(AuthRole)]
struct Role {
    level: u8,
}

fn main() {}
