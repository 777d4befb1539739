//! Every file kind's reader on arbitrary bytes: errors are fine, panics and hangs are not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The loader's whole reading of one file, as each kind: parse, then decode.
    for rel in ["flags.yaml", "environments/e.yaml", "segments/s.yaml", "flags/f.yaml"] {
        let _ = flags::repo::decode_file(rel, text);
    }
    let _ = flags::repo::parse_flag(text);
});
