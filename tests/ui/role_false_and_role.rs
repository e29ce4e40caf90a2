use authgen::AuthUser;

// `role = false` (an ordinary field) and `role` (the role field) on one field contradict.
#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(role, role = false)]
    role: String,
}

fn main() {}
