use authgen::AuthUser;

// A free-form role is one string: a list of strings is refused (use a role enum for several).
#[derive(AuthUser)]
struct User {
    id: String,
    role: Vec<String>,
}

fn main() {}
