use authgen::AuthUser;

#[derive(AuthUser)]
struct User {
    id: String,
    role: String,
}

fn main() {}
