use authgen::AuthUser;

#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(index, unique, index)]
    email: Option<String>,
}

fn main() {}
