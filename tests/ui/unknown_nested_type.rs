use authgen::AuthUser;

struct Address {
    city: String,
}

#[derive(AuthUser)]
struct User {
    id: String,
    address: Option<Address>,
}

fn main() {}
