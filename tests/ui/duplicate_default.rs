use authgen::AuthUser;

#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(default = 1)]
    #[auth(default_sql = "2")]
    logins: i32,
}

fn main() {}
