use authgen::AuthUser;

#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(default = some::path())]
    logins: i32,
    #[auth(default)]
    name: Option<String>,
}

fn main() {}
