//! A session whose user carries no role or permissions compiles: the session's delegating impls
//! simply do not apply.
use authgen::{AuthSession, AuthSessionUser};

#[derive(AuthSessionUser)]
pub struct SessionUser {
    pub id: String,
}

#[derive(AuthSession)]
pub struct Session {
    pub user: SessionUser,
    pub expires: String,
}

fn main() {
    let s = Session { user: SessionUser { id: "1".into() }, expires: String::new() };
    let _ = (s.user.id, s.expires);
}
