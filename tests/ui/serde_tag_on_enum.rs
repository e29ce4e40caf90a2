use authgen::AuthType;

#[derive(AuthType, serde::Serialize)]
#[serde(tag = "kind")]
enum Plan {
    Free,
    Pro,
}

fn main() {}
