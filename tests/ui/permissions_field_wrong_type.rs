use authgen::{AuthRole, AuthJwt};

#[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
enum Role { User, Admin }

#[derive(AuthJwt)]
struct Claims {
    permissions: Vec<Role>,
}

fn main() {}
