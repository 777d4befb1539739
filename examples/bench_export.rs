//! Benchmark (not a test): `flags export` of 10,000 flags against a one-thread read + parse
//! of the same files. The target is export ≤ 1.5 × read+parse.
//!
//! ```text
//! cargo run --release --example bench_export [-- FLAGS [ROUNDS]]
//! ```
//!
//! It writes a repository of FLAGS flags (default 10,000) in a temporary directory, then times,
//! best of ROUNDS (default 5):
//! - **read+parse**: one thread reads every file and parses it into the typed model;
//! - **export (library)**: `Repo::load` + validation + `export::flagd` + rendering + atomic write;
//! - **export (binary)**: the `flags export --env production -o FILE` process, end to end
//!   (when `target/release/flags` exists).

use std::path::Path;
use std::time::{Duration, Instant};

use flags::repo::{EnvironmentDef, Repo, SegmentDef, Settings};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir()?;
    generate(dir.path(), count)?;
    if let Some(keep) = std::env::var_os("BENCH_GENERATE_ONLY") {
        // Leave a copy for timing the binary by hand: `BENCH_GENERATE_ONLY=DIR`.
        generate(Path::new(&keep), count)?;
        return Ok(());
    }
    let out = dir.path().join("out.json");

    let parse = best(rounds, || read_and_parse(dir.path()));
    let export = best(rounds, || {
        let repo = Repo::load(dir.path());
        let errors = flags::validate::validate(&repo, flags::date::Date::today());
        assert!(errors.iter().all(|p| !p.is_error()), "{:?}", errors.first());
        let doc = flags::export::flagd(&repo, "production").expect("export");
        write(&out, flags::export::to_pretty(&doc).as_bytes());
    });
    if std::env::var_os("BENCH_PHASES").is_some() {
        let (t, c) = (Instant::now(), cpu_time());
        let repo = Repo::load(dir.path());
        let load = t.elapsed();
        let load_cpu = cpu_time().saturating_sub(c);
        let t = Instant::now();
        let _ = flags::validate::validate(&repo, flags::date::Date::today());
        let validate = t.elapsed();
        let t = Instant::now();
        let doc = flags::export::flagd(&repo, "production").expect("export");
        let compile = t.elapsed();
        let t = Instant::now();
        let text = flags::export::to_pretty(&doc);
        let render = t.elapsed();
        let t = Instant::now();
        write(&out, text.as_bytes());
        let written = t.elapsed();
        let t = Instant::now();
        drop((repo, doc, text));
        let dropped = t.elapsed();
        println!(
            "phases: load {:.1} ms ({:.0} ms CPU), validate {:.1} ms, compile {:.1} ms, render {:.1} ms, write {:.1} ms, drop {:.1} ms",
            ms(load),
            ms(load_cpu),
            ms(validate),
            ms(compile),
            ms(render),
            ms(written),
            ms(dropped)
        );
    }
    println!("{count} flags, best of {rounds} (wall time; CPU time of all threads in brackets)");
    println!(
        "read+parse, one thread: {:>8.1} ms  [{:>6.0} ms CPU]",
        ms(parse.0),
        ms(parse.1)
    );
    println!(
        "export (library):       {:>8.1} ms  [{:>6.0} ms CPU]  ({:.2}x wall, {:.2}x CPU)",
        ms(export.0),
        ms(export.1),
        ratio(export.0, parse.0),
        ratio(export.1, parse.1)
    );
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/flags");
    if bin.exists() {
        let process = best(rounds, || {
            let status = std::process::Command::new(&bin)
                .args(["export", "--env", "production", "-o"])
                .arg(&out)
                .current_dir(dir.path())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("running flags");
            assert!(status.success());
        });
        println!(
            "export (binary):        {:>8.1} ms                 ({:.2}x wall)",
            ms(process.0),
            ratio(process.0, parse.0)
        );
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) {
    // The library keeps `fsutil` private; the binary path above uses the real atomic write.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

/// The baseline: every file read and parsed, one after the other, on one thread.
fn read_and_parse(root: &Path) {
    let settings = std::fs::read_to_string(root.join("flags.yaml")).expect("read");
    let _: Settings = serde_saphyr::from_str(&settings).expect("parse");
    for (sub, kind) in [("environments", 0), ("segments", 1), ("flags", 2)] {
        for file in files(&root.join(sub)) {
            let text = std::fs::read_to_string(&file).expect("read");
            match kind {
                0 => drop(serde_saphyr::from_str::<EnvironmentDef>(&text).expect("parse")),
                1 => drop(serde_saphyr::from_str::<SegmentDef>(&text).expect("parse")),
                _ => drop(flags::repo::parse_flag(&text).expect("parse")),
            }
        }
    }
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// A repository like a big team's: the acme pipeline, rule-based segments, and flags spread
/// over 50 team folders at every stage, some with extra segments.
fn generate(root: &Path, count: usize) -> anyhow::Result<()> {
    let w = |rel: &str, text: &str| -> anyhow::Result<()> {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent"))?;
        std::fs::write(p, text)?;
        Ok(())
    };
    w(
        "flags.yaml",
        "pipeline:\n  - stage: internal\n    segments: [internal]\n  - stage: partners\n    segments: [partners]\n  - stage: canary\n    rollout: 10\n  - stage: half\n    rollout: 50\n  - stage: everyone\n    rollout: 100\n",
    )?;
    w("environments/development.yaml", "description: Dev\n")?;
    w("environments/staging.yaml", "after: development\n")?;
    w("environments/production.yaml", "after: staging\n")?;
    w(
        "segments/internal.yaml",
        "users: [ops-bot]\nrules:\n  - attribute: email\n    op: ends_with\n    values: [\"@acme.io\"]\nsegments: [contractors]\nexclude: [intern-42]\n",
    )?;
    w(
        "segments/contractors.yaml",
        "rules:\n  - attribute: email\n    op: ends_with\n    values: [\"@contractors.io\"]\n",
    )?;
    w(
        "segments/partners.yaml",
        "users: [globex, initech]\nrules:\n  - attribute: org\n    op: in\n    values: [umbrella, soylent]\n",
    )?;
    w(
        "segments/beta.yaml",
        "rules:\n  - attribute: seats\n    op: gte\n    values: [500]\n",
    )?;
    let stages = ["internal", "partners", "canary", "half", "everyone"];
    for i in 0..count {
        // Gates hold: development >= staging >= production.
        let p = i % 5;
        let s = p.max((i / 5) % 5);
        let d = s.max((i / 25) % 5);
        let prod = if i % 7 == 0 {
            format!(
                "  production:\n    stage: {}\n    since: 2026-01-15\n    segments: [beta]\n",
                stages[p]
            )
        } else {
            format!("  production: {}\n", stages[p])
        };
        w(
            &format!("flags/team-{}/flag-{i}.yaml", i % 50),
            &format!(
                "description: Generated flag {i}\nowner: team-{}\ntype: release\ncreated: 2026-01-01\nenvironments:\n  development: {}\n  staging: {}\n{prod}",
                i % 50,
                stages[d],
                stages[s]
            ),
        )?;
    }
    Ok(())
}

/// The best wall time and the mean CPU time (all threads of this process) over `rounds` runs.
fn best(rounds: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let rounds = rounds.max(1);
    let cpu_start = cpu_time();
    let wall = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default();
    let cpu = cpu_time().saturating_sub(cpu_start) / rounds as u32;
    (wall, cpu)
}

/// User + system CPU time of this process, from `/proc/self/stat` (Linux; zero elsewhere).
/// Under a loaded machine CPU time is steadier than wall time.
fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the `(comm)`: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
    let Some(rest) = stat.rsplit_once(") ").map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}
