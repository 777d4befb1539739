#!/usr/bin/env bash
# The benchmark suite (not a test): `flags` against the floors, side by side, in one run.
#
#   bash benches/run.sh
#
# Builds the release binaries (and the floor in benches/floor), generates the benchmark
# repository once (cached under target/bench-repo/, keyed by its parameters), installs what is
# missing when it can (hyperfine, ripgrep, time via apt-get as root; check-jsonschema via pip),
# then prints one table: medians, ratios, the target and PASS/FAIL per row.
#
# Environment: RUNS (default 10), FLAGS_N/SEGMENTS_N/COMMITS_N/SOURCES_N (the generated
# repository: 10000/200/20000/20000), SCHEMA_FLAGS (flags in the check-jsonschema row: 1000),
# FLAGS_BIN (another `flags` binary to measure, e.g. an older build, instead of this one).
# Exit status: 0 when every row passes, 1 when some row fails, 2 when the script could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-10}
FLAGS_N=${FLAGS_N:-10000}
SEGMENTS_N=${SEGMENTS_N:-200}
COMMITS_N=${COMMITS_N:-20000}
SOURCES_N=${SOURCES_N:-20000}
SCHEMA_FLAGS=${SCHEMA_FLAGS:-1000}
export FLAGS_TODAY=2026-11-25 NO_COLOR=1

say() { printf '%s\n' "$*" >&2; }

# --- tools ------------------------------------------------------------------------------------
apt_install() { # PACKAGE...: best effort, only as root
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 0
  say "installing $* (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; } ||
    say "warning: could not install $*"
}
command -v hyperfine >/dev/null || apt_install hyperfine
command -v rg >/dev/null || apt_install ripgrep
[ -x /usr/bin/time ] || apt_install time
if ! command -v check-jsonschema >/dev/null; then
  say "installing check-jsonschema (pip)"
  { pip install -q check-jsonschema || pip3 install -q check-jsonschema ||
    python3 -m pip install -q check-jsonschema; } >/dev/null 2>&1 ||
    say "warning: could not install check-jsonschema"
  hash -r
fi
for tool in git python3; do
  command -v $tool >/dev/null || { say "error: $tool is needed"; exit 2; }
done

# --- binaries and repository ------------------------------------------------------------------
say "building release binaries"
cargo build --release --quiet --bin flags
cargo build --release --quiet --manifest-path benches/floor/Cargo.toml
# The generator uses only std: compiled on its own, it does not pull in (and optimise) every
# dev-dependency the way `cargo build --example` does.
mkdir -p target/bench-tools
if [ ! target/bench-tools/gen-repo -nt examples/gen-repo.rs ]; then
  rustc --edition 2024 -O -o target/bench-tools/gen-repo examples/gen-repo.rs
fi
FLAGS=${FLAGS_BIN:-$ROOT/target/release/flags}
FLOOR=$ROOT/benches/floor/target/release/flags-bench-floor

KEY=f$FLAGS_N-s$SEGMENTS_N-c$COMMITS_N-r$SOURCES_N
REPO=$ROOT/target/bench-repo/$KEY
if [ ! -d "$REPO/.git" ]; then
  say "generating $REPO (once)"
  rm -rf "$REPO.tmp"
  mkdir -p "$(dirname "$REPO")"
  target/bench-tools/gen-repo --flags "$FLAGS_N" --segments "$SEGMENTS_N" \
    --commits "$COMMITS_N" --sources "$SOURCES_N" "$REPO.tmp"
  git -C "$REPO.tmp" config gc.auto 0
  git -C "$REPO.tmp" config user.name Bench
  git -C "$REPO.tmp" config user.email bench@example.com
  mv "$REPO.tmp" "$REPO"
fi
FROOT=$REPO/platform/flags
WORK=$(mktemp -d)
HEAD0=$(git -C "$REPO" rev-parse HEAD)
cleanup() {
  git -C "$REPO" reset -q --hard "$HEAD0" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
git -C "$REPO" reset -q --hard "$HEAD0"
"$FLAGS" -C "$FROOT" validate >/dev/null 2>&1 ||
  { say "error: the generated repository does not validate"; exit 2; }

# --- measuring --------------------------------------------------------------------------------
RESULTS=$WORK/results.tsv
: >"$RESULTS"

# time_pair ROW SHELL OURS BASELINE [RUNS]: median wall and mean CPU of both, side by side.
# SHELL is "none" (commands split on spaces, no shell: less overhead) or "sh".
time_pair() {
  local row=$1 shell=$2 ours=$3 base=$4 runs=${5:-$RUNS}
  local line
  if command -v hyperfine >/dev/null; then
    local json=$WORK/h.json args=(--style none --warmup 2 --runs "$runs" --export-json "$WORK/h.json")
    [ "$shell" = none ] && args+=(-N)
    if ! hyperfine "${args[@]}" "$ours" ${base:+"$base"} >/dev/null 2>"$WORK/h.err"; then
      say "error: row '$row' failed:"; cat "$WORK/h.err" >&2
      printf '%s\terror\n' "$row" >>"$RESULTS"; return
    fi
    line=$(python3 -c '
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
print("\t".join("%.6f\t%.6f" % (r["median"], r["user"] + r["system"]) for r in rs))' "$json")
  else
    local cmds=("$ours") out=()
    [ -n "$base" ] && cmds+=("$base")
    for c in "${cmds[@]}"; do
      sh -c "$c" >/dev/null 2>&1; sh -c "$c" >/dev/null 2>&1 # warm-up
      local times=() t0 t1
      for _ in $(seq "$runs"); do
        t0=$(date +%s%N); sh -c "$c" >/dev/null 2>&1; t1=$(date +%s%N)
        times+=($((t1 - t0)))
      done
      out+=("$(printf '%s\n' "${times[@]}" | sort -n |
        awk '{a[NR]=$1} END {m = NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.6f\t-", m/1e9}')")
    done
    line=$(IFS=$'\t'; echo "${out[*]}")
  fi
  printf '%s\t%s\n' "$row" "$line" >>"$RESULTS"
}

say "repository: $REPO ($(git -C "$REPO" rev-list --count HEAD) commits, $(find "$FROOT/flags" -name '*.yaml' | wc -l) flags, $(git -C "$REPO" ls-files services | wc -l) source files); $RUNS runs per command; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

say "validate / list / export vs the floor"
time_pair validate none "$FLAGS -C $FROOT validate" "$FLOOR $FROOT"
time_pair list none "$FLAGS -C $FROOT list --format json" "$FLOOR $FROOT"
time_pair export none "$FLAGS -C $FROOT export --env production" "$FLOOR $FROOT"

say "validate peak memory"
rss=()
for _ in 1 2 3; do
  if [ -x /usr/bin/time ]; then
    rss+=("$(/usr/bin/time -f '%M' "$FLAGS" -C "$FROOT" validate 2>&1 >/dev/null | tail -n 1)")
  fi
done
if [ ${#rss[@]} -gt 0 ]; then
  printf 'memory\t%s\n' "$(printf '%s\n' "${rss[@]}" | sort -n | sed -n 2p)" >>"$RESULTS"
else
  printf 'memory\terror\n' >>"$RESULTS"
fi

say "stale vs git log"
time_pair stale none "$FLAGS -C $FROOT stale" "git -C $REPO log --format=%ct --name-only -- platform/flags"

say "refs vs rg"
if command -v rg >/dev/null; then
  time_pair refs sh "cd $REPO && $FLAGS -C platform/flags refs" "cd $REPO && rg -F -c -f .git/keys.txt"
else
  printf 'refs\terror\n' >>"$RESULTS"
fi

say "promote vs sed -i + git commit"
# Each run promotes a fresh flag (development: internal -> partners); ours take the odd
# candidates, the baseline the even ones. The repository is reset afterwards.
(cd "$FROOT" && grep -rlx '  development: internal' flags | sort) >"$WORK/cands"
awk 'NR%2==1' "$WORK/cands" >"$WORK/ours"
awk 'NR%2==0' "$WORK/cands" >"$WORK/base"
echo 1 >"$WORK/i_ours"; echo 1 >"$WORK/i_base"
next_key='i=$(cat '"$WORK"'/i_WHO); echo $((i+1)) >'"$WORK"'/i_WHO; f=$(sed -n "${i}p" '"$WORK"'/WHO)'
time_pair promote sh \
  "cd $FROOT && ${next_key//WHO/ours} && k=\$(basename \$f .yaml) && $FLAGS promote \$k --env development --yes" \
  "cd $FROOT && ${next_key//WHO/base} && sed -i 's/^  development: internal\$/  development: partners/' \$f && git commit -q -m \"promote \$f\" -- \$f"
git -C "$REPO" reset -q --hard "$HEAD0"

say "validate of $SCHEMA_FLAGS flags vs check-jsonschema"
SMALL=$WORK/small
mkdir -p "$SMALL/flags"
cp -r "$FROOT/flags.yaml" "$FROOT/environments" "$FROOT/segments" "$SMALL/"
(cd "$FROOT" && find flags -name '*.yaml' | sort | awk -v n="$SCHEMA_FLAGS" 'NR<=n') >"$WORK/small-files"
(cd "$FROOT" && xargs cp --parents -t "$SMALL" <"$WORK/small-files")
"$FLAGS" schema flag >"$WORK/flag-schema.json"
if command -v check-jsonschema >/dev/null; then
  (cd "$SMALL" && xargs echo check-jsonschema --schemafile "$WORK/flag-schema.json" <"$WORK/small-files") >"$WORK/cj.sh"
  time_pair jsonschema sh "$FLAGS -C $SMALL validate" "cd $SMALL && sh $WORK/cj.sh" 3
else
  printf 'jsonschema\terror\n' >>"$RESULTS"
fi

say "--version"
time_pair version none "$FLAGS --version" "" 30

# --- the table --------------------------------------------------------------------------------
python3 - "$RESULTS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    rows[f[0]] = f[1:]

def t(s):
    s = float(s)
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"

def cpu(v):
    return None if v[1] == "-" or v[3] == "-" else float(v[1]) / float(v[3])

table = []
failed = False
def add(figure, baseline, target, kind, limit, key):
    global failed
    v = rows.get(key, ["error"])
    if v[0] == "error":
        table.append((figure, "error", "", "", "", target, "FAIL"))
        failed = True
        return
    if kind == "ratio":      # ours / baseline <= limit
        r = float(v[0]) / float(v[2])
        c = cpu(v)
        cells = (t(v[0]), f"{t(v[2])} ({baseline})", f"{r:.2f}x", "" if c is None else f"{c:.2f}x")
        ok = r <= limit
    elif kind == "speedup":  # baseline / ours >= limit
        r = float(v[2]) / float(v[0])
        c = cpu(v)
        cells = (t(v[0]), f"{t(v[2])} ({baseline})", f"{r:.1f}x faster", "" if c is None else f"{1 / c:.1f}x faster")
        ok = r >= limit
    elif kind == "mib":
        mib = int(v[0]) / 1024
        cells = (f"{mib:.0f} MiB", "", "", "")
        ok = mib <= limit
    else:                    # absolute milliseconds
        ms = float(v[0]) * 1000
        cells = (f"{ms:.1f} ms", "", "", "")
        ok = ms <= limit
    failed |= not ok
    table.append((figure, *cells, target, "PASS" if ok else "FAIL"))

add("`validate`, 10k flags + 200 segments", "floor", "<= 1.0x the floor", "ratio", 1.0, "validate")
add("`validate` peak memory (max RSS)", "", "<= 150 MiB", "mib", 150, "memory")
add("`list --format json`", "floor", "<= 1.2x the floor", "ratio", 1.2, "list")
add("`export --env production`", "floor", "<= 1.5x the floor", "ratio", 1.5, "export")
add("`stale`, 20k commits", "git log", "<= 1.5x `git log --format=%ct --name-only -- <flags dir>`", "ratio", 1.5, "stale")
add("`refs`, 10k keys, 20k files", "rg", "<= 1.5x `rg -F -c -f keys.txt`", "ratio", 1.5, "refs")
add("`promote` in the big repo", "sed + git commit", "<= 1.5x `sed -i` + `git commit -- file`", "ratio", 1.5, "promote")
add("`validate`, 1k flags", "check-jsonschema", ">= 20x faster than `check-jsonschema`", "speedup", 20, "jsonschema")
add("`flags --version`", "", "<= 5 ms", "ms", 5, "version")

head = ("figure", "flags (median)", "baseline (median)", "ratio", "CPU ratio", "target", "result")
print("| " + " | ".join(head) + " |")
print("|" + "|".join(["---"] + ["---:"] * 4 + ["---", "---"]) + "|")
for r in table:
    print("| " + " | ".join(r) + " |")
print(f"\n{sys.argv[2]} cores; load average at the end: {sys.argv[3]}; wall-time medians "
      "(hyperfine); CPU ratio = mean user+system time, for information")
sys.exit(1 if failed else 0)
PY
