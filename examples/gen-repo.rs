//! Writes a realistic application repository for benchmarks (see `benches/run.sh`).
//!
//! ```text
//! cargo run --release --example gen-repo -- --flags 10000 --segments 200 --commits 20000 --sources 20000 OUT
//! ```
//!
//! Layout: the flags root is `platform/flags/` (three gated environments, SEGMENTS segments,
//! flags in 20 team sub-folders); application code is under `services/svc-NN/src/`, and about
//! half of the source files mention a flag key. History: the first commit holds the
//! application, the settings and half of the flags; after it, every fourth commit adds a flag
//! and promotes another one in one environment (the CLI's way: some with a `since` date), and
//! the other commits edit application code. Commits are one every ~50 minutes up to
//! 2026-11-25. The history is written with `git fast-import`, then checked out. One flag in
//! ten is a string split, one a number, one an object with a prerequisite (section 8).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const ENVS: [&str; 3] = ["development", "staging", "production"];
const STAGES: [&str; 4] = ["off", "internal", "partners", "everyone"];
const TEAMS: usize = 20;
const END: i64 = 1_795_608_000; // 2026-11-25 12:00 UTC

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, no dependency.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

struct Flag {
    key: String,
    team: usize,
    kind: &'static str,
    stages: [usize; 3],
    since: [Option<String>; 3],
    created: Option<String>,
    /// Typed flags (one in ten of each kind): 0 a string split, 1 a number, 2 an object
    /// requiring the boolean flag three keys before it; anything else boolean.
    typed: usize,
    requires: Option<String>,
}

impl Flag {
    fn path(&self) -> String {
        format!(
            "platform/flags/flags/team-{:02}/{}.yaml",
            self.team, self.key
        )
    }

    fn yaml(&self) -> String {
        let mut s = format!(
            "# {}\ndescription: Gate for {} in the {} area\nowner: team-{:02}\ntype: {}\n",
            self.key,
            self.key.replace('-', " "),
            self.team,
            self.team,
            self.kind
        );
        if let Some(c) = &self.created {
            let _ = writeln!(s, "created: {c}");
        }
        match self.typed {
            0 => s.push_str("variants:\n  classic: \"Classic\"\n  fresh: \"Fresh\"\n  bold: \"Bold\"\ndefault: classic\nserve: {fresh: 50, bold: 50}\n"),
            1 => s.push_str("variants:\n  low: 100\n  high: 1000\ndefault: low\nserve: high\n"),
            2 => {
                s.push_str("variants:\n  small: {rows: 10, dense: false}\n  large: {rows: 50, dense: true}\ndefault: small\nserve: large\n");
                if let Some(r) = &self.requires {
                    let _ = writeln!(s, "requires:\n  {r}: on");
                }
            }
            _ => {}
        }
        s.push_str("environments:\n");
        for (i, env) in ENVS.iter().enumerate() {
            match &self.since[i] {
                Some(d) => {
                    let _ = write!(
                        s,
                        "  {env}:\n    stage: {}\n    since: {d}\n",
                        STAGES[self.stages[i]]
                    );
                }
                None => {
                    let _ = writeln!(s, "  {env}: {}", STAGES[self.stages[i]]);
                }
            }
        }
        s
    }
}

/// `YYYY-MM-DD` of a Unix time (UTC). Only std, so `benches/run.sh` can compile this file on
/// its own (civil-from-days, after Howard Hinnant's algorithm).
fn date(ts: i64) -> String {
    let z = ts.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn source(rng: &mut Rng, svc: usize, n: usize, keys: &[String], rev: usize) -> String {
    let mut s = format!("//! Service {svc}, module {n} (revision {rev}).\n\nuse crate::flags;\n\n");
    for f in 0..(8 + rng.below(12)) {
        let _ = writeln!(s, "pub fn handler_{n}_{f}(req: &Request) -> Response {{");
        if rng.below(10) == 0 && !keys.is_empty() {
            let key = &keys[rng.below(keys.len())];
            let _ = writeln!(
                s,
                "    if flags::enabled(\"{key}\", req.user()) {{\n        return render_v2(req);\n    }}"
            );
        }
        let _ = writeln!(
            s,
            "    let total = req.items().iter().map(|i| i.price * {f}).sum::<u64>();"
        );
        let _ = writeln!(
            s,
            "    Response::ok(format!(\"{{}} items, total {{}}\", req.items().len(), total))\n}}\n"
        );
    }
    s
}

fn data(out: &mut impl std::io::Write, bytes: &[u8]) -> std::io::Result<()> {
    writeln!(out, "data {}", bytes.len())?;
    out.write_all(bytes)?;
    writeln!(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut n_flags, mut n_segments, mut n_commits, mut n_sources, mut out) =
        (10_000, 200, 20_000, 20_000, None);
    while let Some(a) = args.next() {
        let mut num = || -> Result<usize, Box<dyn std::error::Error>> {
            Ok(args.next().ok_or("missing value")?.parse()?)
        };
        match a.as_str() {
            "--flags" => n_flags = num()?,
            "--segments" => n_segments = num()?,
            "--commits" => n_commits = num()?,
            "--sources" => n_sources = num()?,
            _ => out = Some(PathBuf::from(a)),
        }
    }
    let out =
        out.ok_or("usage: gen-repo [--flags N] [--segments N] [--commits N] [--sources N] OUT")?;
    if out.exists() {
        return Err(format!("`{}` exists; remove it first", out.display()).into());
    }
    std::fs::create_dir_all(&out)?;
    let git = |args: &[&str]| -> Result<(), Box<dyn std::error::Error>> {
        let st = Command::new("git").current_dir(&out).args(args).status()?;
        if !st.success() {
            return Err(format!("git {args:?} failed").into());
        }
        Ok(())
    };
    git(&["init", "-q", "-b", "main"])?;

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let words = [
        "checkout",
        "dashboard",
        "search",
        "billing",
        "onboarding",
        "export",
        "profile",
        "inbox",
        "reports",
        "sync",
    ];
    let keys: Vec<String> = (0..n_flags)
        .map(|i| {
            format!(
                "{}-{}-{i}",
                words[i % words.len()],
                ["v2", "beta", "redesign", "fast-path"][i / words.len() % 4]
            )
        })
        .collect();
    let flag_commits = n_commits.saturating_sub(1) / 4;
    let initial = n_flags.saturating_sub(flag_commits).max(n_flags / 2);
    let start = END - 730 * 86_400;
    let interval = (END - start) / n_commits.max(1) as i64;

    let mut child = Command::new("git")
        .current_dir(&out)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()?;
    let stdin = child.stdin.take().ok_or("no stdin")?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, stdin);
    let authors = [
        "Ada Lovelace <ada@example.com>",
        "Grace Hopper <grace@example.com>",
        "Alan Turing <alan@example.com>",
        "Release Bot <bot@example.com>",
    ];

    let mut flags: Vec<Flag> = Vec::new();
    let mut source_rev = vec![0usize; n_sources];
    for c in 0..n_commits {
        let ts = start + c as i64 * interval;
        let today = date(ts);
        let mut files: Vec<(String, String)> = Vec::new();
        let msg;
        if c == 0 {
            msg = "Initial import".to_string();
            files.push((
                "platform/flags/flags.yaml".into(),
                "pipeline:\n  - stage: internal\n    segments: [seg-000]\n  - stage: partners\n    segments: [seg-001]\n  - stage: everyone\n    rollout: 100\ncleanup:\n  after_days: 30\n  stalled_days: 90\n".into(),
            ));
            files.push((
                "platform/flags/environments/development.yaml".into(),
                "description: Developers' cluster\n".into(),
            ));
            files.push((
                "platform/flags/environments/staging.yaml".into(),
                "description: Pre-production\nafter: development\n".into(),
            ));
            files.push((
                "platform/flags/environments/production.yaml".into(),
                "description: Customers\nafter: staging\n".into(),
            ));
            for s in 0..n_segments {
                files.push((
                    format!("platform/flags/segments/seg-{s:03}.yaml"),
                    format!("description: Segment {s}\nusers: [user-{s}]\nrules:\n  - attribute: email\n    op: ends_with\n    values: [\"@customer{s}.example\"]\n"),
                ));
            }
            for (i, key) in keys.iter().enumerate().take(initial) {
                let dev = 1 + rng.below(3);
                let staging = dev.min(1 + rng.below(3));
                let prod = staging.min(1 + rng.below(3));
                let f = Flag {
                    key: key.clone(),
                    team: i % TEAMS,
                    kind: [
                        "release",
                        "release",
                        "release",
                        "experiment",
                        "operational",
                        "kill-switch",
                        "permission",
                    ][rng.below(7)],
                    stages: [dev, staging, prod],
                    since: [None, None, None],
                    created: None,
                    typed: i % 10,
                    requires: (i >= 3).then(|| keys[i - 3].clone()),
                };
                files.push((f.path(), f.yaml()));
                flags.push(f);
            }
            for (n, rev) in source_rev.iter().enumerate() {
                files.push((
                    format!("services/svc-{:02}/src/mod_{n:05}.rs", n % 40),
                    source(&mut rng, n % 40, n, &keys, *rev),
                ));
            }
            files.push(("README.md".into(), "# Shop\n".into()));
        } else if c % 4 == 0 {
            let mut parts = Vec::new();
            if flags.len() < n_flags {
                let i = flags.len();
                let with_dates = rng.below(3) == 0; // written by `flags new`
                let f = Flag {
                    key: keys[i].clone(),
                    team: i % TEAMS,
                    kind: ["release", "release", "experiment", "operational"][rng.below(4)],
                    stages: [1, 1, 1],
                    since: if with_dates {
                        [
                            Some(today.clone()),
                            Some(today.clone()),
                            Some(today.clone()),
                        ]
                    } else {
                        [None, None, None]
                    },
                    created: with_dates.then(|| today.clone()),
                    typed: i % 10,
                    requires: (i >= 3).then(|| keys[i - 3].clone()),
                };
                files.push((f.path(), f.yaml()));
                parts.push(format!("new {}", f.key));
                flags.push(f);
            }
            // Promote one flag in the first environment that may move (gates hold).
            for _ in 0..8 {
                let i = rng.below(flags.len());
                let f = &mut flags[i];
                let Some(e) =
                    (0..3).find(|&e| f.stages[e] < 3 && (e == 0 || f.stages[e] < f.stages[e - 1]))
                else {
                    continue;
                };
                f.stages[e] += 1;
                f.since[e] = (rng.below(2) == 0).then(|| today.clone());
                files.push((f.path(), f.yaml()));
                parts.push(format!(
                    "promote {} to {} in {}",
                    f.key, STAGES[f.stages[e]], ENVS[e]
                ));
                break;
            }
            msg = format!("flags: {}", parts.join(", "));
        } else {
            let k = 1 + rng.below(3);
            for _ in 0..k {
                let n = rng.below(n_sources.max(1));
                if n < n_sources {
                    source_rev[n] += 1;
                    files.push((
                        format!("services/svc-{:02}/src/mod_{n:05}.rs", n % 40),
                        source(&mut rng, n % 40, n, &keys[..flags.len()], source_rev[n]),
                    ));
                }
            }
            msg = format!("svc: change {} module(s)", k);
        }
        let who = authors[rng.below(authors.len())];
        writeln!(w, "commit refs/heads/main\nmark :{}", c + 1)?;
        writeln!(w, "author {who} {ts} +0000\ncommitter {who} {ts} +0000")?;
        data(&mut w, msg.as_bytes())?;
        if c > 0 {
            writeln!(w, "from :{c}")?;
        }
        for (path, content) in files {
            writeln!(w, "M 100644 inline {path}")?;
            data(&mut w, content.as_bytes())?;
        }
        writeln!(w)?;
    }
    w.flush()?;
    drop(w);
    if !child.wait()?.success() {
        return Err("git fast-import failed".into());
    }
    git(&["reset", "-q", "--hard", "main"])?;
    let keys_txt: String = flags.iter().map(|f| format!("{}\n", f.key)).collect();
    std::fs::write(out.join(".git/keys.txt"), keys_txt)?;
    let _ = writeln!(
        std::io::stderr(),
        "wrote {}: {} flags, {} segments, {} commits, {} source files (keys in .git/keys.txt)",
        out.display(),
        flags.len(),
        n_segments,
        n_commits,
        n_sources
    );
    Ok(())
}
