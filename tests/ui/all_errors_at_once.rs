use authgen::AuthUser;

#[derive(AuthUser, serde::Serialize)]
#[serde(rename_all = "camelcase")]
struct User {
    id: String,
    #[auth(indx)]
    email: Option<String>,
    #[auth(default = whatever)]
    logins: i32,
    #[auth(user)]
    profile: String,
}

fn main() {}
