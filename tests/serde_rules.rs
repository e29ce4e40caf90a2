//! authgen's wire names are the keys serde_json writes: every `rename_all` rule, on fields and on
//! variants, compared against real serde output.

use authgen_codegen::frontend::source::{parse_sources, Source};
use serde::Serialize;

macro_rules! rule_case {
    ($modname:ident, $rule:literal) => {
        mod $modname {
            use serde::Serialize;
            pub const SOURCE: &str = concat!(
                "#[derive(AuthType)] #[serde(rename_all = \"", $rule, "\")] struct S { a: u8, very_tasty: u8, email_verified_at_2: u8, r#type: u8, x_y_z: u8 }\n",
                "#[derive(AuthType)] #[serde(rename_all = \"", $rule, "\")] enum E { Outcome, VeryTasty, A, Z42, HTTPServer, PostsWrite }\n"
            );
            #[derive(Serialize, Default)]
            #[serde(rename_all = $rule)]
            pub struct S { pub a: u8, pub very_tasty: u8, pub email_verified_at_2: u8, pub r#type: u8, pub x_y_z: u8 }
            #[derive(Serialize, Clone, Copy)]
            #[serde(rename_all = $rule)]
            pub enum E { Outcome, VeryTasty, A, Z42, HTTPServer, PostsWrite }
            pub const ALL: [E; 6] = [E::Outcome, E::VeryTasty, E::A, E::Z42, E::HTTPServer, E::PostsWrite];
        }
    };
}

rule_case!(lower, "lowercase");
rule_case!(upper, "UPPERCASE");
rule_case!(pascal, "PascalCase");
rule_case!(camel, "camelCase");
rule_case!(snake, "snake_case");
rule_case!(screaming, "SCREAMING_SNAKE_CASE");
rule_case!(kebab, "kebab-case");
rule_case!(screaming_kebab, "SCREAMING-KEBAB-CASE");

fn check<S: Serialize, E: Serialize + Copy>(source: &str, s: S, all: &[E]) {
    let model = parse_sources(&[Source {
        name: "rules.rs".into(),
        text: source.into(),
    }])
    .unwrap();
    let serde_keys: Vec<String> = match serde_json::to_value(s).unwrap() {
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        other => panic!("{other}"),
    };
    let ours: Vec<String> = model.items[0]
        .fields()
        .iter()
        .map(|f| f.wire.clone())
        .collect();
    let mut sorted = ours.clone();
    sorted.sort();
    let mut serde_sorted = serde_keys.clone();
    serde_sorted.sort();
    assert_eq!(sorted, serde_sorted, "fields: {source}");
    let serde_variants: Vec<String> = all
        .iter()
        .map(|v| {
            serde_json::to_value(v)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let ours: Vec<String> = model.items[1]
        .variants()
        .iter()
        .map(|v| v.wire.clone())
        .collect();
    assert_eq!(ours, serde_variants, "variants: {source}");
}

#[test]
fn every_rule_matches_serde() {
    check(lower::SOURCE, lower::S::default(), &lower::ALL);
    check(upper::SOURCE, upper::S::default(), &upper::ALL);
    check(pascal::SOURCE, pascal::S::default(), &pascal::ALL);
    check(camel::SOURCE, camel::S::default(), &camel::ALL);
    check(snake::SOURCE, snake::S::default(), &snake::ALL);
    check(screaming::SOURCE, screaming::S::default(), &screaming::ALL);
    check(kebab::SOURCE, kebab::S::default(), &kebab::ALL);
    check(
        screaming_kebab::SOURCE,
        screaming_kebab::S::default(),
        &screaming_kebab::ALL,
    );
}

#[test]
fn explicit_renames_win_over_rules() {
    #[derive(Serialize, Default)]
    #[serde(rename_all = "camelCase")]
    struct S {
        #[serde(rename = "ID")]
        user_id: u8,
        plain_field: u8,
    }
    let src = "#[derive(AuthType)] #[serde(rename_all = \"camelCase\")] struct S { #[serde(rename = \"ID\")] user_id: u8, plain_field: u8 }";
    let model = parse_sources(&[Source {
        name: "r.rs".into(),
        text: src.into(),
    }])
    .unwrap();
    let keys: Vec<String> = serde_json::to_value(S::default())
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let ours: Vec<String> = model.items[0]
        .fields()
        .iter()
        .map(|f| f.wire.clone())
        .collect();
    let mut a = keys.clone();
    a.sort();
    let mut b = ours.clone();
    b.sort();
    assert_eq!(a, b);
}
