//! Float defaults work as the README documents (`default = 1.5`), for `f64` and `f32`, and the
//! model the derives describe accepts them too.
use authgen::{AuthUser, Describe};

#[derive(AuthUser)]
pub struct User {
    pub id: String,
    #[auth(default = 1.5)]
    pub ratio: f64,
    #[auth(default = -0.25)]
    pub weight: f32,
}

fn main() {
    let model = authgen::model_of(vec![User::describe()]).unwrap();
    let user = model.user().unwrap();
    assert_eq!(user.fields()[1].default, Some(authgen::model::DefaultValue::Value(serde_json::json!(1.5))));
    let _ = User { id: String::new(), ratio: 0.0, weight: 0.0 };
}
