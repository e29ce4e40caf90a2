use authgen::AuthRole;

#[derive(AuthRole, Clone, Copy, Debug, PartialEq, Eq)]
enum Role {}

fn main() {}
