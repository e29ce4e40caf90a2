//! Snapshots of what each derive generates for the fixtures, formatted with prettyplease: what a
//! user's crate gets, for review.

use authgen_codegen::model::ItemKind;
use syn::punctuated::Punctuated;

fn expand_fixture(name: &str) -> Vec<(String, String)> {
    let path = format!("{}/../fixtures/{name}/model.rs", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let file = syn::parse_file(&text).unwrap();
    let mut out = Vec::new();
    for item in file.items {
        let (attrs, input) = match item {
            syn::Item::Struct(s) => (s.attrs.clone(), syn::DeriveInput::from(s)),
            syn::Item::Enum(e) => (e.attrs.clone(), syn::DeriveInput::from(e)),
            _ => continue,
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let paths = attr
                .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .unwrap();
            for p in paths {
                let Some(kind) =
                    ItemKind::from_derive_name(&p.segments.last().unwrap().ident.to_string())
                else {
                    continue;
                };
                let tokens = crate::expand::expand(&input, kind);
                let file: syn::File = syn::parse2(tokens).unwrap();
                out.push((input.ident.to_string(), prettyplease::unparse(&file)));
            }
        }
    }
    out
}

#[test]
fn seed_expansions() {
    let all = expand_fixture("seed");
    assert_eq!(all.len(), 6);
    for (name, code) in all {
        insta::assert_snapshot!(format!("seed_{name}"), code);
    }
}

#[test]
fn kitchen_sink_expansions() {
    let all = expand_fixture("kitchen-sink");
    assert_eq!(all.len(), 8);
    for (name, code) in all {
        insta::assert_snapshot!(format!("kitchen_sink_{name}"), code);
    }
}

#[test]
fn errors_still_emit_stub_impls() {
    let input: syn::DeriveInput = syn::parse_quote! {
        #[auth(nope)]
        enum Role { User, Admin }
    };
    let code = crate::expand::expand(&input, ItemKind::Role).to_string();
    assert!(code.contains("compile_error"), "{code}");
    assert!(code.contains("impl :: authgen :: Role for Role"), "{code}");
}

#[test]
fn custom_role_expansions() {
    let all = expand_fixture("custom-role");
    assert_eq!(all.len(), 4);
    for (name, code) in all {
        assert!(!code.contains("compile_error"), "{name}: {code}");
        insta::assert_snapshot!(format!("custom_role_{name}"), code);
    }
}
