use authgen::AuthJwt;

#[derive(AuthJwt, serde::Serialize, serde::Deserialize)]
struct Claims {
    #[serde(rename(serialize = "org", deserialize = "organisation"))]
    organisation: String,
}

fn main() {}
