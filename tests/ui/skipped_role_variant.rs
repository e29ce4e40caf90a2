use authgen::AuthRole;

#[derive(AuthRole, serde::Serialize, Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    User,
    #[serde(skip)]
    Hidden,
    Admin,
}

fn main() {}
