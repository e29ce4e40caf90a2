use authgen::AuthJwt;

#[derive(AuthJwt, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Claims {
    user_id: String,
    #[serde(rename = "userId")]
    legacy_user_id: String,
}

fn main() {}
