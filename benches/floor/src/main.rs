//! `flags-bench-floor DIR`: read every `.yaml` file under DIR on one thread and parse it into
//! `serde_yaml::Value`. The time this takes is the floor `flags validate` is measured against.

use std::path::Path;

fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, files);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            files.push(p);
        }
    }
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut files = Vec::new();
    for sub in ["flags.yaml", "environments", "segments", "flags"] {
        let p = Path::new(&dir).join(sub);
        if p.is_file() {
            files.push(p);
        } else {
            walk(&p, &mut files);
        }
    }
    let mut ok = 0usize;
    for f in &files {
        if let Ok(text) = std::fs::read_to_string(f)
            && serde_yaml::from_str::<serde_yaml::Value>(&text).is_ok()
        {
            ok += 1;
        }
    }
    println!("parsed {ok} of {} files", files.len());
}
