#!/usr/bin/env bash
# End-to-end benchmark: deid-kit native CLI and wasm-in-Node against papaparse + WebCrypto and
# pandas + hmac, on the same synthetic file, same job (bench/policy.json).
#
#   bench/run.sh                 # 100,000 and 1,000,000 rows
#   bench/run.sh 10000 100000    # other sizes
#   BENCH_TOOLS="papaparse pandas" bench/run.sh 100000   # a subset of native wasm papaparse pandas
#
# Prints a markdown table (tool, rows, seconds, rows/s, peak MB, and the ratios papaparse/wasm and
# pandas/native) and writes bench/out/results.json. Fails if any output's row count differs from
# the input's. Everything it makes goes to bench/out/ (git-ignored); fixtures are cached there.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 100000 1000000
for n in "$@"; do [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench: not a row count: $n" >&2; exit 2; }; done

OUT=bench/out
PY=bench/.venv/bin/python
TSV=$OUT/results.tsv
TOOLS=" ${BENCH_TOOLS:-native wasm papaparse pandas} "
want() { [[ $TOOLS == *" $1 "* ]]; }
t() { local s=$SECONDS; "$@"; echo "[bench] $((SECONDS - s))s: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
mkdir -p "$OUT"

# ---- set-up (idempotent) ------------------------------------------------------------------------
scripts/setup.sh                  # wasm target, wasm-pack, wasm-bindgen, npm dev deps (papaparse)
source scripts/env.sh             # npm's wasm-opt first on PATH
if [ ! -x /usr/bin/time ]; then
  t as_root apt-get update -qq
  t as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
if ! "$PY" -c 'import pandas' 2>/dev/null; then
  t python3 -m venv bench/.venv
  t "$PY" -m pip install -q --disable-pip-version-check pandas
fi
t cargo build --release --bin deid-kit      # also makes the key below
if want wasm; then
  t wasm-pack --log-level warn build --release --mode no-install --target nodejs --out-dir pkg-node
fi

for n in "$@"; do
  f=$OUT/fixture-$n.csv
  if [ ! -s "$f" ]; then
    t python3 scripts/synth.py --rows "$n" --encoding utf-8 --newline lf --seed 7 --out "$f.tmp"
    mv "$f.tmp" "$f"
  fi
done

KEY=$OUT/bench.key
target/release/deid-kit keygen --out "$KEY" --force >/dev/null
KEYHEX=$(sed -n 's/^key: \([0-9a-fA-F]\{64\}\)$/\1/p' "$KEY")   # a throw-away benchmark key
[ ${#KEYHEX} = 64 ] || { echo "bench: no 'key: <64 hex>' line in $KEY" >&2; exit 1; }

# ---- measurements ---------------------------------------------------------------------------------
# run TOOL ROWS OUTPUT CMD...: times CMD with /usr/bin/time (wall s, peak KB), checks that OUTPUT has
# ROWS data rows, appends "TOOL ROWS SECONDS KB" to results.tsv.
run() {
  local tool=$1 n=$2 out=$3; shift 3
  local log=$OUT/log-$tool-$n.txt tf=$OUT/time-$tool-$n.txt
  echo "[bench] $tool, $n rows ..." >&2
  rm -f "$out"
  if ! /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$log" 2>&1; then
    echo "bench: FAILED: $tool on $n rows; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  local secs kb got
  read -r secs kb < <(tail -n 1 "$tf")
  got=$("$PY" bench/count_rows.py "$out") || { echo "bench: FAILED: $tool's output $out is not valid CSV" >&2; exit 1; }
  if grep -q $'\xef\xbf\xbd' "$out"; then   # U+FFFD: a multibyte character split and mangled
    echo "bench: FAILED: $tool's output $out contains U+FFFD replacement characters" >&2
    exit 1
  fi
  if [ "$got" != "$n" ]; then
    echo "bench: FAILED: $tool wrote $got data rows for $n input rows ($out)" >&2
    exit 1
  fi
  printf '%s\t%s\t%s\t%s\n' "$tool" "$n" "$secs" "$kb" >> "$TSV"
  echo "[bench] $tool, $n rows: ${secs}s, $((kb / 1024)) MB peak, $got rows out" >&2
}

: > "$TSV"
read -r load _ < /proc/loadavg
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "[bench] warning: load average $load before measuring; wall-clock numbers will be noisy" >&2
fi
for n in "$@"; do
  f=$OUT/fixture-$n.csv
  if want native; then run native "$n" "$OUT/out-native-$n.csv" \
    target/release/deid-kit apply --policy bench/policy.json --key "$KEY" --in "$f" \
      --out "$OUT/out-native-$n.csv" --report "$OUT/report-native-$n.json"; fi
  if want wasm; then run wasm "$n" "$OUT/out-wasm-$n.csv" \
    node bench/wasm_node.mjs bench/policy.json "$KEY" "$f" "$OUT/out-wasm-$n.csv"; fi
  if want papaparse; then run papaparse "$n" "$OUT/out-papaparse-$n.csv" \
    node bench/peers/papaparse_webcrypto.mjs "$f" "$OUT/out-papaparse-$n.csv" "$KEYHEX"; fi
  if want pandas; then run pandas "$n" "$OUT/out-pandas-$n.csv" \
    "$PY" bench/peers/pandas_hmac.py "$f" "$OUT/out-pandas-$n.csv" "$KEYHEX"; fi
done

echo
"$PY" bench/summarize.py "$OUT" | tee "$OUT/results.md"
echo
echo "wrote $OUT/results.json and $OUT/results.md"
