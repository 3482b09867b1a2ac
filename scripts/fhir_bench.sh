#!/usr/bin/env bash
# FHIR benchmark: resources/s and peak memory of `deid-kit apply --preset kamei` (two passes) on a
# synthetic JP Core NDJSON export of about SIZE bytes (default 1 GB), generated at bench time by
# scripts/fhir_synth.py into a temporary directory and deleted afterwards.
#   scripts/fhir_bench.sh [SIZE]
set -euo pipefail
size=${1:-1000000000}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release --bin deid-kit --manifest-path "$root/Cargo.toml" >&2
bin=${CARGO_TARGET_DIR:-$root/target}/release/deid-kit
python3 "$root/scripts/fhir_synth.py" --target-bytes "$size" --out "$dir/in.ndjson" >&2
"$bin" keygen --out "$dir/site.key" >/dev/null
bytes=$(stat -c %s "$dir/in.ndjson")
resources=$(wc -l < "$dir/in.ndjson")
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$dir/rss" "$bin" apply --preset kamei --reference-date 2024-04-01 \
  --key "$dir/site.key" --in "$dir/in.ndjson" --out "$dir/out.ndjson" --report "$dir/report.json" 2>&1 >&2
end=$(date +%s.%N)
python3 - "$dir" "$bytes" "$resources" "$start" "$end" <<'PY'
import json, sys
d, size, n, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
r = json.load(open(f"{d}/report.json"))
rss = int(open(f"{d}/rss").read().split()[-1])
s = t1 - t0
print(json.dumps({
    "input_bytes": size, "resources": n, "seconds_two_passes": round(s, 2),
    "resources_per_s": round(n / s), "mb_per_s": round(size / s / 1e6, 1),
    "peak_rss_mib": round(rss / 1024, 1), "patients": r["fhir"]["patients"],
    "index_bytes": r["fhir"]["index_bytes"],
    "index_bytes_per_patient": round(r["fhir"]["index_bytes"] / max(1, r["fhir"]["patients"])),
    "rows": r["rows"],
}, indent=2))
PY
