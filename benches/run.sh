#!/usr/bin/env bash
# Benchmarks (not timed tests) for the cleanup commands, on a generated repository:
#   flags stale  vs  git log --format=%ct --name-only -- <flags dir>   (target: ratio <= 1.5)
#   flags refs   vs  rg -F -c -f keys.txt                               (target: ratio <= 1.5)
# Uses hyperfine when installed (apt-get install -y hyperfine ripgrep), else a timing loop.
# Environment: REPO (default target/bench-repo, generated once), RUNS (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=${REPO:-$PWD/target/bench-repo}
RUNS=${RUNS:-10}
cargo build --release --quiet --bin flags --example gen-repo
FLAGS=$PWD/target/release/flags
if [ ! -d "$REPO" ]; then
  target/release/examples/gen-repo --flags 10000 --segments 200 --commits 20000 --sources 20000 "$REPO"
fi
command -v rg >/dev/null || { echo "ripgrep (rg) is needed: apt-get install -y ripgrep" >&2; exit 2; }
cd "$REPO"
export FLAGS_TODAY=2026-11-25
EMPTY=$(mktemp -d)
trap 'rm -rf "$EMPTY"' EXIT

# "MEDIAN_WALL CPU" seconds of running "$@" (stdout and stderr discarded); CPU is the mean
# user+system time, which says more than wall time on a busy machine (CPU is "-" without
# hyperfine).
median() {
  if command -v hyperfine >/dev/null; then
    local json
    json=$(mktemp)
    hyperfine --style none --warmup 2 --runs "$RUNS" --export-json "$json" "$*" >/dev/null 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f %.3f" % (r["median"], r["user"]+r["system"]))' "$json"
    rm -f "$json"
  else
    "$@" >/dev/null 2>&1; "$@" >/dev/null 2>&1 # warm-up
    local times=()
    for _ in $(seq "$RUNS"); do
      local t0 t1
      t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
      times+=("$(echo "$t1 - $t0" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f -\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
  fi
}

row() { # name "ours" "baseline" (each "wall cpu")
  python3 - "$@" <<'PY'
import sys
name, (aw, ac), (bw, bc) = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
cpu = f"   cpu {float(ac):6.3f} s vs {float(bc):6.3f} s, ratio {float(ac)/float(bc):4.2f}" if ac != "-" else ""
print(f"{name:<32} {float(aw):6.3f} s vs {float(bw):6.3f} s, ratio {float(aw)/float(bw):4.2f}{cpu}")
PY
}
echo "median wall time (ours vs baseline, ratio) and mean CPU time (user + system)"


echo "repository: $REPO ($(git rev-list --count HEAD) commits, $(find platform/flags/flags -name '*.yaml' | wc -l) flags, $(git ls-files services | wc -l) source files); runs: $RUNS; $(nproc) cores"
git_log=$(median git log --format=%ct --name-only -- platform/flags)
stale=$(median "$FLAGS" -C platform/flags stale)
stale_norefs=$(median "$FLAGS" -C platform/flags stale --refs "$EMPTY")
rg=$(median rg -F -c -f .git/keys.txt)
refs=$(median "$FLAGS" -C platform/flags refs)
row "flags stale (history + refs)" "$stale" "$git_log"
row "flags stale --refs <empty dir>" "$stale_norefs" "$git_log"
row "flags refs (10k keys)" "$refs" "$rg"
