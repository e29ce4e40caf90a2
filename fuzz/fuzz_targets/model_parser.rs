//! Any text given as a model file: parsed into a model or refused with located errors, never a
//! panic, a stack overflow or a hang.
#![no_main]

use authgen_codegen::frontend::source::{parse_sources, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI refuses invalid UTF-8 before parsing; the parser only ever sees text.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source {
        name: "fuzz.rs".into(),
        text: text.to_owned(),
    };
    if let Err(errors) = parse_sources(&[source]) {
        assert!(!errors.is_empty());
        for e in &errors {
            // Every error of a file's text is located in that file.
            let loc = e.loc.as_ref().expect("a located error");
            assert!(loc.line >= 1 && loc.column >= 1, "{e}");
        }
    }
});
