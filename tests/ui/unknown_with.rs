use authgen::AuthJwt;

mod my_format {}

#[derive(AuthJwt, serde::Serialize)]
struct Claims {
    #[serde(with = "my_format")]
    refreshed: chrono::DateTime<chrono::Utc>,
}

fn main() {}
