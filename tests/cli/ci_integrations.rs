//! CI without a build (PRODUCT.md section 10): the GitHub Action (`action.yml`) and the
//! pre-commit hooks (`.pre-commit-hooks.yaml`) are parsed, and the `flags` commands they name
//! are run — the action's validate step as the very bash script it holds, the hooks' entries
//! with their arguments — against `examples/acme` and against a broken repository.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::{BIN, TestRepo};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn yaml(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{ROOT}/{name}")).expect("read");
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name} is not YAML: {e}"))
}

/// A folder holding only a `flags` that runs the binary under test, for `PATH`.
fn flags_on_path() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let link = dir.path().join("flags");
    #[cfg(unix)]
    std::os::unix::fs::symlink(BIN, &link).expect("link flags");
    #[cfg(not(unix))]
    std::fs::copy(BIN, &link).expect("copy flags");
    dir
}

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The action's step with this `id`.
fn step<'a>(action: &'a Value, id: &str) -> &'a Value {
    action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step `{id}` in action.yml"))
}

/// Runs the action's `validate` step as GitHub would: its `run` script with bash, its `env`
/// with `${{ inputs.NAME }}` replaced by `inputs` (or the input's default), `flags` on PATH.
fn run_validate_step(action: &Value, inputs: &[(&str, &str)], cwd: &Path) -> (i32, String) {
    let step = step(action, "validate");
    assert_eq!(step["shell"], "bash");
    let script = step["run"].as_str().expect("run");
    let given: BTreeMap<&str, &str> = inputs.iter().copied().collect();
    let mut cmd = Command::new("bash");
    cmd.args(["-eo", "pipefail", "-c", script]).current_dir(cwd);
    for (name, value) in step["env"].as_object().expect("env") {
        let expr = value.as_str().expect("env value");
        let input = expr
            .strip_prefix("${{ inputs.")
            .and_then(|e| e.strip_suffix(" }}"))
            .unwrap_or_else(|| panic!("`{name}` is not an input: {expr}"));
        let default = action["inputs"][input]["default"].as_str().unwrap_or("");
        cmd.env(name, given.get(input).copied().unwrap_or(default));
    }
    let bin = flags_on_path();
    cmd.env("PATH", path_with(bin.path()))
        .env("FLAGS_TODAY", "2026-11-25")
        .env("NO_COLOR", "1");
    let out = cmd.output().expect("bash");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), stdout)
}

fn broken_repo() -> TestRepo {
    let r = TestRepo::new();
    r.write(
        "flags/bad.yaml",
        "description: d\nowner: team-a\ntype: release\nenvironments:\n  production: partnrs\n",
    );
    r
}

#[test]
fn action_is_a_composite_that_installs_once_per_version_and_validates() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    assert_eq!(action["inputs"]["root"]["default"], ".");
    assert_eq!(action["inputs"]["against"]["default"], "");
    // Installed once per version: a cache keyed on the version, a build only on a miss.
    let cache = step(&action, "cache");
    assert_eq!(cache["uses"], "actions/cache@v4");
    let key = cache["with"]["key"].as_str().unwrap();
    assert!(key.contains("steps.version.outputs.version"), "{key}");
    let install = step(&action, "install");
    assert_eq!(install["if"], "steps.cache.outputs.cache-hit != 'true'");
    let run = install["run"].as_str().unwrap();
    assert!(run.starts_with("cargo install --locked --path"), "{run}");
    // The commands the validate step names.
    let script = step(&action, "validate")["run"].as_str().unwrap();
    assert!(
        script.contains("validate --format github") && script.contains("--against"),
        "{script}"
    );
}

#[test]
fn action_validate_step_passes_on_the_example_and_annotates_a_broken_repository() {
    let action = yaml("action.yml");
    let (code, out) = run_validate_step(&action, &[("root", "examples/acme")], Path::new(ROOT));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "");
    // --against: the example compared with the commit checked out.
    let (code, out) = run_validate_step(
        &action,
        &[("root", "examples/acme"), ("against", "HEAD")],
        Path::new(ROOT),
    );
    assert_eq!(code, 0, "{out}");
    // A broken repository: exit 1 and a GitHub annotation on the file and line.
    let r = broken_repo();
    let (code, out) = run_validate_step(&action, &[], r.path());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("::error file=flags/bad.yaml,line=5,"),
        "{out}"
    );
    assert!(out.contains("partnrs"), "{out}");
}

#[test]
fn action_validate_step_enforces_the_pipeline_against_a_revision() {
    // A flag created past the first stage since the base commit: an error only with --against.
    let r = TestRepo::new();
    r.git_init();
    r.commit_all("base", "2026-11-01");
    r.flag("jumped", "  development: everyone\n");
    let action = yaml("action.yml");
    let (code, out) = run_validate_step(&action, &[], r.path());
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_validate_step(&action, &[("against", "HEAD")], r.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("::error file=flags/jumped.yaml"), "{out}");
}

#[test]
fn pre_commit_hooks_run_flags_validate() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["flags-validate", "flags-validate-system"]);
    let bin = flags_on_path();
    let broken = broken_repo();
    for hook in hooks {
        assert_eq!(hook["pass_filenames"], false, "{hook}");
        assert_eq!(hook["files"], "\\.ya?ml$");
        let entry: Vec<&str> = hook["entry"].as_str().unwrap().split(' ').collect();
        assert_eq!(entry, ["flags", "validate"]);
        let args: Vec<String> = hook["args"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        let run = |cwd: &Path| {
            Command::new(entry[0])
                .args(&entry[1..])
                .args(&args)
                .current_dir(cwd)
                .env("PATH", path_with(bin.path()))
                .env("FLAGS_TODAY", "2026-11-25")
                .env("NO_COLOR", "1")
                .output()
                .expect("run the hook's entry")
        };
        let ok = run(Path::new(&format!("{ROOT}/examples/acme")));
        assert_eq!(
            ok.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&ok.stdout)
        );
        let bad = run(broken.path());
        assert_eq!(bad.status.code(), Some(1));
        let text = String::from_utf8_lossy(&bad.stdout);
        assert!(text.contains("flags/bad.yaml:5"), "{text}");
    }
    let languages: Vec<&str> = hooks
        .iter()
        .map(|h| h["language"].as_str().unwrap())
        .collect();
    assert_eq!(languages, ["rust", "system"]);
}

/// Runs the action's `version` step on a copy of the sources in `action_path`: its outputs.
fn run_version_step(action: &Value, action_path: &Path) -> BTreeMap<String, String> {
    let step = step(action, "version");
    assert_eq!(step["shell"], "bash");
    let env = step["env"].as_object().expect("env");
    assert_eq!(env["ACTION_PATH"], "${{ github.action_path }}");
    assert_eq!(env["TOOL_CACHE"], "${{ runner.tool_cache }}");
    let out_dir = tempfile::tempdir().unwrap();
    let output = out_dir.path().join("output");
    let run = Command::new("bash")
        .args(["-eo", "pipefail", "-c", step["run"].as_str().unwrap()])
        .env("ACTION_PATH", action_path)
        .env("TOOL_CACHE", "/opt/hostedtoolcache")
        .env("GITHUB_OUTPUT", &output)
        .output()
        .expect("bash");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('=').expect("name=value");
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn action_version_changes_with_the_sources_and_only_with_them() {
    // GitHub unpacks an action without git history, and a moving tag must not reuse an old
    // binary: the cache key is the crate version plus a digest of what `cargo install` builds.
    let action = yaml("action.yml");
    let src = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = src.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"flags\"\nversion = \"1.2.3\"\n",
    );
    write("Cargo.lock", "# lock\n");
    write("src/main.rs", "fn main() {}\n");
    write("README.md", "docs\n");
    let first = run_version_step(&action, src.path());
    let version = &first["version"];
    let (crate_version, digest) = version.split_once('-').expect("VERSION-DIGEST");
    assert_eq!(crate_version, "1.2.3");
    assert_eq!(digest.len(), 16);
    assert!(digest.chars().all(|c| c.is_ascii_hexdigit()), "{digest}");
    assert_eq!(
        first["dir"],
        format!("/opt/hostedtoolcache/flags/{version}")
    );
    // Same sources, same version; documentation does not count; a source change does.
    assert_eq!(run_version_step(&action, src.path()), first);
    write("README.md", "other docs\n");
    assert_eq!(run_version_step(&action, src.path()), first);
    write("src/main.rs", "fn main() { println!(); }\n");
    assert_ne!(run_version_step(&action, src.path())["version"], *version);
    // This repository's own sources give a version too.
    let ours = run_version_step(&action, Path::new(ROOT));
    assert!(ours["version"].starts_with(&format!("{}-", env!("CARGO_PKG_VERSION"))));
}
