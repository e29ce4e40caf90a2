use authgen::AuthSessionUser;

// A free-form role is exactly `String` or `Option<String>`.
#[derive(AuthSessionUser)]
struct SessionUser {
    id: String,
    role: Option<char>,
}

fn main() {}
