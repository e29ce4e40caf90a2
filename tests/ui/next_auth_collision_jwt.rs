use authgen::AuthJwt;

#[derive(AuthJwt)]
struct Claims {
    sub: u64,
    exp: String,
    picture: Option<bool>,
}

fn main() {}
