//! Misuse of the derives is a compile error spanned at the offending token, with every error of
//! an item at once. `TRYBUILD=overwrite cargo test --test ui` refreshes the expected output, to be
//! reviewed like code.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
