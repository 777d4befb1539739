//! Test harness: a temp directory with (optionally) a real git repository, a builder to write
//! files and make backdated commits, and a runner returning stdout, stderr and exit code.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_flags");

/// The result of one `flags` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A temporary flags repository.
pub struct TestRepo {
    pub dir: tempfile::TempDir,
    /// Extra environment variables for every run.
    pub env: Vec<(String, String)>,
}

pub const SETTINGS: &str = "pipeline:
  - stage: internal
    segments: [internal]
  - stage: partners
    segments: [partners]
  - stage: everyone
    rollout: 100
";

impl TestRepo {
    /// An empty temp directory (no flags.yaml).
    pub fn empty() -> TestRepo {
        TestRepo {
            dir: tempfile::tempdir().expect("tempdir"),
            env: vec![("FLAGS_TODAY".into(), "2026-11-25".into())],
        }
    }

    /// A minimal valid repository: default pipeline, development/staging/production gated,
    /// segments internal and partners.
    pub fn new() -> TestRepo {
        let r = TestRepo::empty();
        r.write("flags.yaml", SETTINGS);
        r.write("environments/development.yaml", "description: Dev\n");
        r.write("environments/staging.yaml", "after: development\n");
        r.write("environments/production.yaml", "after: staging\n");
        r.write(
            "segments/internal.yaml",
            "rules:\n  - attribute: email\n    op: ends_with\n    values: [\"@example.com\"]\n",
        );
        r.write("segments/partners.yaml", "users: [globex]\n");
        r
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating parent directories).
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let p = self.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    /// Writes a flag file with the given environments block (YAML lines under `environments:`).
    pub fn flag(&self, key: &str, envs: &str) -> &Self {
        self.write(
            &format!("flags/{key}.yaml"),
            format!("description: Flag {key}\nowner: team-a\ntype: release\nenvironments:\n{envs}"),
        )
    }

    /// Runs `flags -C <dir> ARGS` with no terminal and a fixed environment.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(self.path(), args)
    }

    /// Runs `flags ARGS` with `cwd` as the working directory (no `-C`).
    pub fn run_in(&self, cwd: &Path, args: &[&str]) -> Run {
        let mut cmd = Command::new(BIN);
        cmd.current_dir(cwd).args(args);
        self.apply_env(&mut cmd);
        let out = cmd.stdin(Stdio::null()).output().expect("running flags");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn apply_env(&self, cmd: &mut Command) {
        let home = self.dir.path().join(".test-home");
        let _ = std::fs::create_dir_all(&home);
        cmd.env_remove("NO_COLOR")
            .env("HOME", &home)
            .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test Author")
            .env("GIT_AUTHOR_EMAIL", "author@example.com")
            .env("GIT_COMMITTER_NAME", "Test Author")
            .env("GIT_COMMITTER_EMAIL", "author@example.com")
            .env("COLUMNS", "200");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
    }

    // ---- git ----

    /// `git init` with a fixed identity in the repository config.
    pub fn git_init(&self) -> &Self {
        let repo = git2::Repository::init(self.path()).unwrap();
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "Test Author").unwrap();
        cfg.set_str("user.email", "author@example.com").unwrap();
        self
    }

    pub fn git(&self) -> git2::Repository {
        git2::Repository::open(self.path()).unwrap()
    }

    /// Stages everything and commits it with the given date (`YYYY-MM-DD`, noon UTC).
    pub fn commit_all(&self, message: &str, date: &str) -> git2::Oid {
        let repo = self.git();
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let secs = unix_noon(date);
        let sig = git2::Signature::new(
            "Test Author",
            "author@example.com",
            &git2::Time::new(secs, 0),
        )
        .unwrap();
        let parents: Vec<git2::Commit> = repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }

    /// `git status --porcelain` equivalent: (path, status flags) for every non-clean entry.
    pub fn status(&self) -> Vec<(String, git2::Status)> {
        let repo = self.git();
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true).recurse_untracked_dirs(true);
        let statuses = repo.statuses(Some(&mut opts)).unwrap();
        statuses
            .iter()
            .map(|s| (s.path().unwrap_or("").to_string(), s.status()))
            .collect()
    }

    /// Number of commits reachable from HEAD.
    pub fn commit_count(&self) -> usize {
        let repo = self.git();
        let mut walk = repo.revwalk().unwrap();
        if walk.push_head().is_err() {
            return 0;
        }
        walk.count()
    }
}

/// Seconds since the epoch at 12:00 UTC of a `YYYY-MM-DD` date.
pub fn unix_noon(date: &str) -> i64 {
    let d = flags::date::Date::parse(date).expect("date");
    d.days() * 86_400 + 12 * 3600
}

impl TestRepo {
    /// Starts `flags -C <dir> ARGS` without waiting (no terminal, output captured).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        let mut cmd = Command::new(BIN);
        cmd.current_dir(self.path()).args(args);
        self.apply_env(&mut cmd);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting flags")
    }
}

/// Waits for a spawned run. A watchdog, not a timing assertion: a run still going after a
/// minute is hung, so it is killed and the test fails.
pub fn finish(mut child: std::process::Child) -> Run {
    use std::io::Read;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().expect("waiting for flags") {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("flags hung for a minute and was killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut stdout);
    }
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// A small deterministic PRNG (xorshift64*): reproducible "random" choices in tests.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The text of `path` in HEAD's tree, if it is there.
pub fn head_file(repo: &git2::Repository, path: &str) -> Option<String> {
    let tree = repo.head().ok()?.peel_to_tree().ok()?;
    let entry = tree.get_path(Path::new(path)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    Some(String::from_utf8_lossy(blob.content()).into_owned())
}

impl TestRepo {
    /// Runs the `git` command-line tool in `cwd` with the test's isolated environment.
    pub fn git_cli(&self, cwd: &Path, args: &[&str]) -> Run {
        let mut cmd = Command::new("git");
        cmd.current_dir(cwd).args(args);
        self.apply_env(&mut cmd);
        let out = cmd.stdin(Stdio::null()).output().expect("running git");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}
