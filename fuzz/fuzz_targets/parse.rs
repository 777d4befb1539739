//! Every file kind's parser on arbitrary bytes: errors are fine, panics and hangs are not.
#![no_main]

use flags::repo::{EnvironmentDef, FlagDef, SegmentDef, Settings, parse_yaml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_yaml::<Settings>(text);
    let _ = parse_yaml::<EnvironmentDef>(text);
    let _ = parse_yaml::<SegmentDef>(text);
    let _ = flags::repo::parse_flag(text);
    let _ = parse_yaml::<FlagDef>(text);
});
