use authgen::AuthJwt;

#[derive(AuthJwt)]
struct Claims(String, u64);

fn main() {}
