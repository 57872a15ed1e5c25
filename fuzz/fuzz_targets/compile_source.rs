//! Fuzzes the whole front end: any text must compile or give diagnostics that render.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match pnn::Compiler::default().compile_source("fuzz.pnn", text) {
        Ok(compilation) => {
            let _ = compilation.render_warnings(false);
        }
        Err(failure) => {
            assert!(!failure.diagnostics.is_empty());
            let _ = failure.render(false);
        }
    }
});
