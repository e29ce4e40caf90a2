use authgen::AuthUser;

#[derive(AuthUser)]
struct User {
    id: String,
    created_at: time::OffsetDateTime,
}

fn main() {}
