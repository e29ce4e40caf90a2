use authgen::{AuthJwt, AuthRole};

#[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
enum Role { User, Admin }

#[derive(AuthJwt)]
struct Claims {
    #[auth(role)]
    primary: Role,
    #[auth(role)]
    secondary: Role,
}

fn main() {}
