//! Load a repository whose files are arbitrary (the input split on NUL bytes into flags.yaml,
//! one environment, one segment and one flag) and validate it: no panic on any content.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(_) => return,
    };
    let mut parts = data.splitn(4, |&b| b == 0);
    let files = ["flags.yaml", "environments/production.yaml", "segments/internal.yaml", "flags/a.yaml"];
    for rel in files {
        let path = dir.path().join(rel);
        let _ = std::fs::create_dir_all(path.parent().unwrap());
        let _ = std::fs::write(path, parts.next().unwrap_or_default());
    }
    let repo = flags::repo::Repo::load(dir.path());
    let _ = flags::validate::validate(&repo, flags::date::Date::today());
});
