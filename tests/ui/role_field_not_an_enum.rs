use authgen::AuthUser;

#[derive(AuthUser)]
struct User {
    id: String,
    role: u32,
}

fn main() {}
