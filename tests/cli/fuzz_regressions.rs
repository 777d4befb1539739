//! Replays the inputs kept from fuzzing the stage edit (`tests/fuzz-regressions/edit/`:
//! crashes that were fixed and a minimised corpus of interesting files) through the fuzz
//! target's own property, so `cargo test` keeps them fixed without running the fuzzer.

mod check {
    include!("../../fuzz/edit_check.rs");
}

#[test]
fn edit_fuzz_regressions_still_hold() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions/edit");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the kept corpus, found {}",
        files.len()
    );
    for path in files {
        let data = std::fs::read(&path).unwrap();
        if std::panic::catch_unwind(|| check::check_edit(&data)).is_err() {
            panic!("fuzz regression {} fails again", path.display());
        }
    }
}
