//! Any text given as `authgen.toml`: a config or one diagnostic, never a panic.
#![no_main]

use authgen_codegen::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Config::parse(text, "authgen.toml");
    }
});
