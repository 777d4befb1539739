//! The bad-input corpus (`tests/corpus/`): each file is dropped into a valid repository and
//! validated. The full output must equal the reviewed `.expected` file beside it, the exit code
//! must be 0 or 1 (never 2, never a panic) and the run must finish promptly (no hang).
//!
//! File names say where the input goes: `flag--*` -> `flags/x.yaml`, `segment--*` ->
//! `segments/x.yaml`, `settings--*` -> `flags.yaml`, `env--*` -> `environments/x.yaml`.
//! To accept new output after reviewing it: `FLAGS_BLESS=1 cargo test corpus`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{BIN, TestRepo};

#[test]
fn every_corpus_file_gives_its_reviewed_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 30, "corpus went missing");
    let bless = std::env::var_os("FLAGS_BLESS").is_some();
    let mut failures = Vec::new();
    for input in inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let dest = match name.split_once("--").map(|(k, _)| k) {
            Some("flag") => "flags/x.yaml",
            Some("segment") => "segments/x.yaml",
            Some("settings") => "flags.yaml",
            Some("env") => "environments/x.yaml",
            _ => panic!("corpus file {name} has no kind prefix"),
        };
        let r = TestRepo::new();
        r.write(dest, std::fs::read(&input).unwrap());
        let (code, stdout, stderr) = run_with_watchdog(&r, Duration::from_secs(10));
        assert!(code == 0 || code == 1, "{name}: exit {code}\n{stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        // Issue #12: messages are in the user's words, never serde's or the parser's types.
        for serde_words in [
            "invalid type",
            "unknown variant",
            "expected one of",
            "missing field",
            "invalid value",
            "Option<",
            "deserialize",
        ] {
            assert!(
                !stdout.contains(serde_words),
                "{name}: serde's words ({serde_words}) reached the user:\n{stdout}"
            );
        }
        let actual = format!("exit {code}\n{stdout}");
        let expected_path = input.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}--- actual\n{actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs `flags validate`, killing it (and failing) if it takes longer than `limit`.
fn run_with_watchdog(r: &TestRepo, limit: Duration) -> (i32, String, String) {
    let mut cmd = Command::new(BIN);
    r.apply_env(&mut cmd);
    let child = cmd
        .args(["-C", r.path().to_str().unwrap(), "validate"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let start = Instant::now();
    let watchdog = std::thread::spawn(move || child.wait_with_output());
    while !watchdog.is_finished() {
        if start.elapsed() > limit {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("flags validate hung for more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = watchdog.join().unwrap().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
