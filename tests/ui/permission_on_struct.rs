use authgen::AuthPermission;

#[derive(AuthPermission)]
struct Permission(String);

fn main() {}
