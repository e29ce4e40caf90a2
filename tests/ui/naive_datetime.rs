use authgen::AuthUser;

#[derive(AuthUser)]
struct User {
    id: String,
    created_at: chrono::NaiveDateTime,
}

fn main() {}
