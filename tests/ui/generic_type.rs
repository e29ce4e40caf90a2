use authgen::AuthUser;

#[derive(AuthUser)]
struct User<T> {
    id: String,
    extra: T,
}

fn main() {}
