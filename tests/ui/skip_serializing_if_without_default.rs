use authgen::AuthJwt;

#[derive(AuthJwt, serde::Serialize, serde::Deserialize)]
struct Claims {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scopes: Vec<String>,
}

fn main() {}
