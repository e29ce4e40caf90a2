//! Any text given as a migration snapshot: a schema or one diagnostic, never a panic.
#![no_main]

use authgen_codegen::sql::plan::read_snapshot;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = read_snapshot(text, "snapshot.json");
    }
});
