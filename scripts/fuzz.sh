#!/usr/bin/env bash
# Fuzzes the core with cargo-fuzz (libFuzzer, nightly Rust), one target after another.
#   scripts/fuzz.sh [MINUTES] [TARGET...]     default: 2 minutes each, every target
# Targets (fuzz/fuzz_targets/, checks in fuzz/src/lib.rs, dictionaries in fuzz/dict/):
#   csv_pipeline  CSV bytes through Session::push_into in random chunk sizes, encodings, policies
#   policy        Policy::from_json, settings, compile, JSON round trip
#   wareki        ja::wareki::parse, and format → parse round trip
#   scrub         scrub::Scrubber::find / scrub_into on any text and identity
# Not part of scripts/test.sh (CI time budget): run it by hand. Seeds: fuzz/seeds/<target>/ (kept
# in git); the corpus grows in fuzz/corpus/<target>/, crashes land in fuzz/artifacts/<target>/
# (both ignored by git). Turn every crash into a test in tests/fuzz_regressions.rs.
# Prints per target: minutes run, executions, crashes found. Exits 1 if this run found any.
# Environment: FUZZ_JOBS (libFuzzer -jobs, default unset = one process in the foreground),
# FUZZ_ARGS (more libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(csv_pipeline policy wareki scrub)
MINUTES=${1:-2}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")
case "$MINUTES" in "" | *[!0-9]* | 0) echo "usage: $0 [MINUTES>=1] [TARGET...]" >&2; exit 2 ;; esac
for t in "${TARGETS[@]}"; do
  [ -f "fuzz/fuzz_targets/$t.rs" ] || { echo "no such target: $t (${ALL_TARGETS[*]})" >&2; exit 2; }
done

max_len() {
  case "$1" in
    csv_pipeline) echo 65536 ;;
    policy) echo 16384 ;;
    wareki) echo 256 ;;
    *) echo 4096 ;;
  esac
}

t() { local s=$SECONDS; "$@"; echo "[fuzz] $((SECONDS - s))s: $*"; }

# Set-up, idempotent: a nightly toolchain (cargo-fuzz needs -Zsanitizer) and cargo-fuzz.
rustup toolchain list | grep -q '^nightly' || t rustup toolchain install nightly --profile minimal
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  t cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# -a: debug assertions (integer overflow panics); address sanitizer is cargo-fuzz's default.
t cargo +nightly fuzz build -O -a

# Findings of one target: crash-*, oom-*, timeout-*, leak-* files, one per line.
findings() { find "fuzz/artifacts/$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'oom-*' \
  -o -name 'timeout-*' -o -name 'leak-*' \) 2>/dev/null | sort; }

summary=()
found=0
mkdir -p fuzz/target/logs
for target in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
  log="fuzz/target/logs/$target.log"
  findings "$target" >"fuzz/target/logs/$target.before"
  echo "== $target: $MINUTES min (log: $log)"
  start=$SECONDS
  extra=()
  [ ! -f "fuzz/dict/$target.dict" ] || extra+=("-dict=fuzz/dict/$target.dict")
  [ -z "${FUZZ_JOBS:-}" ] || extra+=("-jobs=$FUZZ_JOBS" "-workers=$FUZZ_JOBS")
  # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
  cargo +nightly fuzz run -O -a "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time=$((MINUTES * 60)) -rss_limit_mb=4096 -max_len="$(max_len "$target")" \
    -timeout=60 -print_final_stats=1 ${extra[@]+"${extra[@]}"} ${FUZZ_ARGS:-} >"$log" 2>&1 || true
  if [ -n "${FUZZ_JOBS:-}" ]; then # -jobs writes each job's output to ./fuzz-N.log
    cat fuzz-[0-9]*.log >>"$log" 2>/dev/null || true
    rm -f fuzz-[0-9]*.log
  fi
  elapsed=$((SECONDS - start))
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
  new=$(findings "$target" | comm -13 "fuzz/target/logs/$target.before" -)
  crashes=$(printf '%s' "$new" | grep -c '/crash-' || true)
  other=$(printf '%s' "$new" | grep -c -v '/crash-' || true)
  corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
  line=$(awk -v t="$target" -v e="$elapsed" -v x="$execs" -v c="$crashes" -v o="$other" -v n="$corpus" \
    'BEGIN { printf "%-13s %5.1f min %11d execs  %d crashes  %d oom/timeout/leak  corpus %d", t, e / 60, x, c, o, n }')
  echo "$line"
  if [ -n "$new" ]; then
    found=1
    grep -m1 -A2 "panicked at\|ERROR: libFuzzer\|ERROR: AddressSanitizer" "$log" | sed 's/^/    /' || true
    printf '%s\n' "$new" | sed 's/^/    artifact: /'
    echo "    minimize: cargo +nightly fuzz tmin -O -a $target <artifact>"
  fi
  summary+=("$line")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
if [ "$found" = 1 ]; then
  echo "Crashes found: add each to tests/fuzz_regressions.rs." >&2
  exit 1
fi
echo "No crashes."
