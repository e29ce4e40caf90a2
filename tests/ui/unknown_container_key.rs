use authgen::AuthUser;

#[derive(AuthUser)]
#[auth(tabel = "accounts")]
struct User {
    id: String,
}

fn main() {}
