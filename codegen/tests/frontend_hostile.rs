//! The front end survives hostile input: inputs that used to overflow the stack, be refused while
//! valid, or take quadratic time, kept as regression cases (no server needed).

use authgen_codegen::diag::Diagnostic;
use authgen_codegen::frontend::source::{parse_sources, Source, MAX_DEPTH};
use authgen_codegen::Checked;

const ROLE: &str = "\n#[derive(AuthRole)] enum Role { User }\n";

fn parse(text: &str) -> Result<Checked, Vec<Diagnostic>> {
    parse_sources(&[Source {
        name: "m.rs".into(),
        text: text.into(),
    }])
}

/// The errors as `file:line:col: message` lines.
fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(_) => panic!("accepted"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn accepted(text: &str) -> Checked {
    parse(text).unwrap_or_else(|e| panic!("{}", e[0]))
}

/// The error for a chain starting right after `prefix` on `line` (the bound counts the tokens of
/// `prefix` after its attributes: `enum`, the name, the body's brace, the field or variant name
/// and `:` or `=`, so the chain's token number `MAX_DEPTH - 4` is the first past the limit).
fn too_deep_after(line: usize, prefix: &str) -> String {
    let column = prefix.len() + MAX_DEPTH - 4;
    format!("m.rs:{line}:{column}: nested too deeply for authgen to read: more than {MAX_DEPTH} levels of brackets, generics or operators")
}

/// Deep items that cannot hold the model are skipped: they cannot overflow anything.
#[test]
fn deep_items_outside_the_model_are_skipped() {
    let n = 100_000;
    for item in [
        format!("type G = {}str;", "&".repeat(n)),
        format!("type F = {}i32;", "fn() -> ".repeat(n / 8)),
        format!("const X: i32 = {}1;", "!".repeat(n)),
        format!("const X: i32 = {}1;", "- ".repeat(n)),
        format!("type O = {}u8{};", "Option<".repeat(n), ">".repeat(n)),
        format!("fn f() {{ let x = {}1{}; }}", "(".repeat(n), ")".repeat(n)),
        format!(
            "const C: char = '\"';\nconst X: i32 = {}1{};",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!("impl X {{ fn f() -> i32 {{ {}1 }} }}", "!".repeat(n)),
    ] {
        let model = accepted(&format!("{item}{ROLE}"));
        assert_eq!(model.items.len(), 1, "{}", &item[..20]);
    }
}

/// Deep items that derive an authgen trait, or that are not items, are refused where the bound is
/// first exceeded.
#[test]
fn deep_model_items_are_refused_with_a_location() {
    let n = 100_000;
    let role = "#[derive(AuthRole)] enum Role { User }\n";
    let field = format!("#[derive(AuthType)] struct A {{ x: {}u8 }}", "&".repeat(n));
    let prefix = "#[derive(AuthType)] struct A { x: ";
    assert_eq!(
        errors(&format!("{role}{field}")),
        [too_deep_after(2, prefix)]
    );
    let option = format!(
        "#[derive(AuthType)] struct A {{ x: {}u8{} }}",
        "Option<".repeat(n),
        ">".repeat(n)
    );
    let e = errors(&format!("{role}{option}"));
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("m.rs:2:") && e[0].ends_with("generics or operators"),
        "{e:?}"
    );
    let unary = format!("#[derive(AuthType)] enum E {{ A = {}1 }}", "!".repeat(n));
    let prefix = "#[derive(AuthType)] enum E { A = ";
    assert_eq!(
        errors(&format!("{role}{unary}")),
        [too_deep_after(2, prefix)]
    );
    let unary = format!("#[derive(AuthRole)] enum Role {{ A = {}1 }}", "-".repeat(n));
    let prefix = "#[derive(AuthRole)] enum Role { A = ";
    assert_eq!(errors(&unary), [too_deep_after(1, prefix)]);
    let fns = format!(
        "#[derive(AuthType)] struct A {{ x: {}u8 }}",
        "fn() -> ".repeat(n)
    );
    assert_eq!(errors(&format!("{role}{fns}")).len(), 1);
    let nested = format!(
        "{role}mod a {{ {}{field}{} }}",
        "mod a { ".repeat(n),
        " }".repeat(n)
    );
    assert_eq!(errors(&nested).len(), 1);
    let stray = format!("{role}let x = {}1{};", "(".repeat(n), ")".repeat(n));
    assert_eq!(
        errors(&stray),
        ["m.rs:2:1: not valid Rust: expected an item (such as `struct`, `enum`, `fn` or `mod`)"]
    );
}

/// Deep but unmarked structs are skipped, like other items.
#[test]
fn deep_structs_without_an_authgen_derive_are_skipped() {
    let n = 100_000;
    let src = format!(
        "#[derive(Debug)] struct A {{ x: {}u8 }}{ROLE}",
        "&".repeat(n)
    );
    assert_eq!(accepted(&src).items.len(), 1);
}

/// Inputs just under the bound parse on the parser thread, in debug builds too: the bound is safe.
#[test]
fn inputs_at_the_bound_parse() {
    let n = MAX_DEPTH - 20;
    let cases = [
        format!("x: {}u8", "&".repeat(n)),
        format!("x: {}u8{}", "Option<".repeat(n / 2), ">".repeat(n / 2)),
        format!("x: {}u8", "fn() -> ".repeat(n / 4)),
        format!("x: [u8; {}1{}]", "(".repeat(n), ")".repeat(n)),
        format!("x: [u8; {}1]", "!".repeat(n)),
        format!("x: [u8; {}1]", "|| ".repeat(n / 2)),
        format!("#[auth(default = {}1)] x: u8", "-".repeat(n)),
        format!("#[doc = {}1] x: u8", "!".repeat(n)),
    ];
    for case in cases {
        let src = format!("#[derive(AuthType)] struct A {{ {case} }}{ROLE}");
        // Each is refused by authgen's own checks, or accepted: never a crash.
        let _ = parse(&src);
    }
}

/// A block comment nests in Rust: brackets inside it are not brackets.
#[test]
fn nested_block_comments_are_accepted() {
    let src = format!("/* /* */ {} */\n{ROLE}", "(".repeat(300));
    assert_eq!(accepted(&src).items.len(), 1);
    let src = format!("const S: &str = \"{}\";\n{ROLE}", "(".repeat(300));
    assert_eq!(accepted(&src).items.len(), 1);
    let src = format!("const S: &str = r#\"\"{}\"#;\n{ROLE}", "(".repeat(300));
    assert_eq!(accepted(&src).items.len(), 1);
}

#[test]
fn unbalanced_or_unterminated_text_is_located() {
    for (text, at) in [
        ("this is { not rust", "m.rs:1:9"),
        ("fn f() {}\n/* open", "m.rs:2:1"),
        ("fn f() {}\nconst S: &str = \"open;", "m.rs:2:17"),
        ("fn f() {}\n)", "m.rs:2:1"),
    ] {
        let e = errors(text);
        assert_eq!(e.len(), 1, "{text}");
        assert!(
            e[0].starts_with(&format!("{at}: not valid Rust: the text does not tokenize")),
            "{text}: {e:?}"
        );
    }
    let e = errors("fn x() {}\nlet y = 1;\n");
    assert!(
        e[0].starts_with("m.rs:2:1: not valid Rust: expected"),
        "{e:?}"
    );
    let e = errors("#[derive(AuthRole)] enum Role { User, }\n#[derive(AuthType)] struct A");
    assert!(e[0].starts_with("m.rs:2:28: not valid Rust: "), "{e:?}");
}

/// 100k variants: linear time (the duplicate check is a map), every variant kept in order.
#[test]
fn a_hundred_thousand_variants() {
    let variants: String = (0..100_000).map(|i| format!("    V{i},\n")).collect();
    let src = format!("#[derive(AuthRole)]\n#[serde(rename_all = \"snake_case\")]\npub enum Role {{\n{variants}}}\n");
    let model = accepted(&src);
    let v = model.items[0].variants();
    assert_eq!(v.len(), 100_000);
    assert_eq!(
        (v[99_999].name.as_str(), v[99_999].wire.as_str()),
        ("V99999", "v99999")
    );
}

/// 20k bad attributes on one line: each reported, each at its own column.
#[test]
fn twenty_thousand_bad_attributes() {
    let attr = "#[auth(bogus)] ";
    let src = format!(
        "#[derive(AuthRole)] enum Role {{ {}User }}",
        attr.repeat(20_000)
    );
    let e = errors(&src);
    assert_eq!(e.len(), 20_000);
    let first = "#[derive(AuthRole)] enum Role { #[auth(".len() + 1;
    assert!(e[0].starts_with(&format!("m.rs:1:{first}: ")), "{}", e[0]);
    let last = first + attr.len() * 19_999;
    assert!(
        e[19_999].starts_with(&format!("m.rs:1:{last}: ")),
        "{}",
        e[19_999]
    );
}

#[test]
fn a_file_without_authgen_items_is_located_at_the_file() {
    let e = errors("struct A;\nfn main() {}\n");
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("m.rs:1:1: no authgen items in m.rs: derive AuthRole"),
        "{e:?}"
    );
    let two = parse_sources(&[
        Source {
            name: "a.rs".into(),
            text: "".into(),
        },
        Source {
            name: "b.rs".into(),
            text: "// nothing".into(),
        },
    ])
    .unwrap_err();
    let located: Vec<String> = two.iter().map(|d| d.to_string()[..9].to_string()).collect();
    assert_eq!(located, ["a.rs:1:1:", "b.rs:1:1:"]);
}

/// Items inside inline modules are read in order; `#[cfg(test)]` modules are not.
#[test]
fn inline_modules_are_read_in_order() {
    let src = "mod a { #![allow(dead_code)] #[derive(AuthRole)] enum Role { User } mod b { #[derive(AuthPermission)] enum Perm { Read } } }
               #[cfg(test)] mod t { #[derive(AuthRole)] enum Role2 { X } }
               #!/not/a/shebang/here";
    let e = errors(src);
    assert!(
        e[0].starts_with("m.rs:3:17: not valid Rust: expected square brackets"),
        "{e:?}"
    );
    let model = accepted(&src[..src.rfind('#').unwrap()]);
    let names: Vec<&str> = model.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["Role", "Perm"]);
    let shebang = format!("#!/usr/bin/env run-cargo-script\n{ROLE}");
    assert_eq!(accepted(&shebang).items.len(), 1);
}

/// 50k fields: linear time (wire names and spans are looked up in maps), every field kept, and a
/// conflict still found at the end.
#[test]
fn fifty_thousand_fields() {
    let fields: String = (0..50_000)
        .map(|i| format!("    pub f{i}: u8,\n"))
        .collect();
    let src = format!("#[derive(AuthType)]\n#[serde(rename_all = \"camelCase\")]\npub struct T {{\n{fields}}}{ROLE}");
    let model = accepted(&src);
    let t = model.items.iter().find(|i| i.name == "T").unwrap();
    assert_eq!(t.fields().len(), 50_000);
    assert_eq!(t.fields()[49_999].wire, "f49999");
    let clash = format!("#[derive(AuthType)]\npub struct T {{\n{fields}    #[serde(rename = \"f7\")]\n    pub g: u8,\n}}{ROLE}");
    assert_eq!(
        errors(&clash),
        ["m.rs:50004:9: conflicting renames: `f7` and `g` are both written as `f7`"]
    );
}
