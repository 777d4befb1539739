#!/usr/bin/env bash
# Benchmark (not a test): `flags promote` against `sed -i` + `git commit -- FILE` in a
# repository of 10,000 flags and 20,000 commits. Usage: bench/promote.sh [FLAGS_BIN]
# Needs git, python3 and hyperfine. Prints hyperfine's summary.
set -euo pipefail
BIN=${1:-$(cd "$(dirname "$0")/.." && pwd)/target/release/flags}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cd "$DIR"
git init -q repo && cd repo
git config user.name Bench && git config user.email bench@example.com
python3 - <<'PY' | git fast-import --quiet
import sys
w = sys.stdout.write
N, COMMITS = 10_000, 20_000
def flag(i, stage):
    return (f"description: Flag {i}\nowner: team-{i % 50}\ntype: release\nenvironments:\n"
            f"  development: {stage}  # dev\n  staging: internal\n  production: internal\n")
def blob(path, text):
    data = text.encode()
    w(f"M 100644 inline {path}\ndata {len(data)}\n"); sys.stdout.flush()
    sys.stdout.buffer.write(data); w("\n")
t = 1_700_000_000
def commit(n, msg):
    w(f"commit refs/heads/main\ncommitter Bench <bench@example.com> {t + n * 60} +0000\n")
    m = msg.encode(); w(f"data {len(m)}\n"); sys.stdout.flush(); sys.stdout.buffer.write(m); w("\n")
commit(0, "init")
blob("flags.yaml", "pipeline:\n  - stage: internal\n    segments: [internal]\n  - stage: partners\n    segments: [partners]\n  - stage: everyone\n    rollout: 100\n")
blob("environments/development.yaml", "description: Dev\n")
blob("environments/staging.yaml", "after: development\n")
blob("environments/production.yaml", "after: staging\n")
blob("segments/internal.yaml", "users: [a]\n")
blob("segments/partners.yaml", "users: [b]\n")
for i in range(N):
    blob(f"flags/team-{i % 50}/flag-{i}.yaml", flag(i, "internal"))
for n in range(1, COMMITS):
    i = 5_000 + n % 5_000  # history touches the upper half; the benchmark uses the lower half
    commit(n, f"edit flag-{i}")
    blob(f"flags/team-{i % 50}/flag-{i}.yaml", flag(i, "partners" if n % 2 else "internal"))
PY
git checkout -q main
echo "repository: $(git ls-files | wc -l) files, $(git rev-list --count HEAD) commits"
export FLAGS_TODAY=2026-11-25
echo 0 > "$DIR/a"; echo 2500 > "$DIR/b"   # each run takes a fresh flag from its own half
hyperfine --warmup 3 --runs 30 --export-markdown "$DIR/result.md" \
  -n "flags promote" \
  "i=\$(cat '$DIR/a'); echo \$((i+1)) > '$DIR/a'; '$BIN' promote flag-\$i --env development --yes >/dev/null 2>&1" \
  -n "sed -i + git commit -- file" \
  "i=\$(cat '$DIR/b'); echo \$((i+1)) > '$DIR/b'; f=flags/team-\$((i % 50))/flag-\$i.yaml; sed -i 's/development: internal/development: partners/' \$f && git commit -q -m promote -- \$f"
test "$(git status --porcelain | wc -l)" = 0 || { echo "work tree not clean after the runs" >&2; exit 1; }
cat "$DIR/result.md"
