use authgen::AuthSessionUser;

#[derive(AuthSessionUser)]
struct SessionUser {
    id: String,
    location: (f64, f64),
    callback: fn() -> u8,
}

fn main() {}
