use authgen::AuthJwt;

#[derive(AuthJwt)]
struct Claims {
    #[auth(unique, column = "x")]
    sub: String,
}

fn main() {}
