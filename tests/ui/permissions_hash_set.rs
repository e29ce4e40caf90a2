use authgen::AuthJwt;

#[derive(AuthJwt)]
struct Claims {
    permissions: std::collections::HashSet<String>,
}

fn main() {}
