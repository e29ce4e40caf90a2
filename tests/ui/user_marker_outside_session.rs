use authgen::{AuthSessionUser, AuthUser};

#[derive(AuthSessionUser)]
struct SessionUser {
    id: String,
}

#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(user)]
    profile: SessionUser,
}

fn main() {}
