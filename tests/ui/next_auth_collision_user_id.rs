use authgen::AuthUser;

#[derive(AuthUser)]
struct User {
    id: i64,
    email: Option<String>,
}

fn main() {}
