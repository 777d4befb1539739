//! The span-preserving stage edit on arbitrary flag file text: when the input parses and the
//! edit succeeds, parsing the result must give exactly the intended model (the chosen
//! environment at the new stage and `since`, its segments and every other field and
//! environment unchanged). Edit errors are fine; panics and wrong output are not.
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../edit_check.rs");

fuzz_target!(|data: &[u8]| check_edit(data));
