#!/usr/bin/env bash
# The scrubber's cost inside a real run: the same notes export (scripts/notes.py --csv, N notes)
# through the CLI (native) and the nodejs package (wasm in Node), once with 医師所見 scrubbed and
# once with it kept; the difference is the scrubbing. Prints chars/s of note text for each.
#   bench/scrub/pipeline.sh [NOTES]      (default 20000; needs target/release/deid-kit and pkg-node/)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/notes.py --n "$n" --seed 11 --out "$work/notes.jsonl" --csv "$work/notes.csv"
chars=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text']) for l in open(sys.argv[1], encoding='utf-8')))" "$work/notes.jsonl")
policy() {
  cat > "$work/$1.json" <<JSON
{"version": 1, "patient_id": "患者ID", "columns": {"患者ID": {"action": "pseudonymize"},
 "病名": {"action": "keep"}, "医師所見": {"action": "$1"}}}
JSON
}
policy keep
policy scrub_text
cli=${DEID_KIT_CLI:-target/release/deid-kit}
native() { local s; s=$(date +%s.%N); "$cli" apply --policy "$work/$1.json" --key tests/data/test.key --in "$work/notes.csv" --out "$work/out-$1.csv" >/dev/null; echo "$(date +%s.%N) - $s" | bc; }
wasm() { node bench/wasm_node.mjs "$work/$1.json" tests/data/test.key "$work/notes.csv" "$work/wasm-$1.csv" | python3 -c "import json,sys; print(json.load(sys.stdin)['seconds'])"; }
best() { local b=999999 t; for _ in 1 2 3; do t=$("$@"); b=$(echo "if ($t < $b) $t else $b" | bc); done; echo "$b"; }
nk=$(best native keep); ns=$(best native scrub_text)
wk=$(best wasm keep); ws=$(best wasm scrub_text)
cmp "$work/out-scrub_text.csv" "$work/wasm-scrub_text.csv" && echo "native and wasm outputs identical"
python3 - "$n" "$chars" "$nk" "$ns" "$wk" "$ws" <<'PY'
import sys
n, chars = int(sys.argv[1]), int(sys.argv[2])
nk, ns, wk, ws = map(float, sys.argv[3:])
print(f"{n} notes, {chars:,} chars of note text")
for name, keep, scrub in (("native CLI", nk, ns), ("wasm (Node)", wk, ws)):
    extra = max(scrub - keep, 1e-9)
    print(f"{name:12} keep {keep:.2f} s, scrub_text {scrub:.2f} s: scrubbing {chars/extra:,.0f} chars/s, {n/extra:,.0f} notes/s; whole run {n/scrub:,.0f} rows/s")
PY
