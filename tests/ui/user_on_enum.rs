use authgen::AuthUser;

#[derive(AuthUser)]
enum User {
    Anonymous,
}

fn main() {}
