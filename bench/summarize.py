#!/usr/bin/env python3
"""Turns bench/run.sh's measurements into a markdown table (stdout) and bench/out/results.json.

    python3 bench/summarize.py OUTDIR

Reads OUTDIR/results.tsv (tool, rows, wall seconds, peak KB — from /usr/bin/time), the wasm
harness's JSON line (OUTDIR/log-wasm-N.txt) and a few facts about the machine.
"""
import csv
import json
import os
import platform
import subprocess
import sys
import time

TOOLS = {
    "native": "deid-kit CLI (native)",
    "wasm": "deid-kit wasm in Node",
    "papaparse": "papaparse + WebCrypto (Node)",
    "pandas": "pandas (chunked) + hmac",
}
TARGETS = {"papaparse/wasm": 10.0, "pandas/native": 20.0}

csv.field_size_limit(1 << 30)


def cmd(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def disagreements(native_csv, other_csv):
    """{column: rows whose value differs} between the kit's output and another tool's, over the
    columns both have (informational: the peers' offsets for 受診日 are their own, and their
    address regex is only reasonable). None if either file cannot be read."""
    try:
        with open(native_csv, encoding="utf-8-sig", newline="") as a, \
                open(other_csv, encoding="utf-8-sig", newline="") as b:
            ra, rb = csv.reader(a), csv.reader(b)
            ha, hb = next(ra), next(rb)
            common = [(c, ha.index(c), hb.index(c)) for c in ha if c in hb]
            diff = {c: 0 for c, _, _ in common}
            for x, y in zip(ra, rb):
                if not x or not y:
                    continue
                for c, i, j in common:
                    if x[i] != y[j]:
                        diff[c] += 1
            extra = sorted(set(ha) ^ set(hb))
            out = {c: n for c, n in diff.items() if n}
            if extra:
                out["(columns in only one output)"] = extra
            return out
    except (OSError, ValueError, StopIteration, IndexError, UnicodeDecodeError):
        return None


def main():
    out = sys.argv[1]
    runs = []
    with open(os.path.join(out, "results.tsv")) as f:
        for line in f:
            tool, rows, secs, kb = line.split()
            rows, secs, kb = int(rows), float(secs), int(kb)
            runs.append({"tool": tool, "label": TOOLS.get(tool, tool), "rows": rows, "seconds": secs,
                         "rows_per_s": round(rows / secs) if secs > 0 else None,
                         "peak_mb": round(kb / 1024, 1)})
    for r in runs:
        if r["tool"] == "wasm":
            try:
                with open(os.path.join(out, f"log-wasm-{r['rows']}.txt")) as f:
                    r["harness"] = json.loads([l for l in f.read().splitlines() if l.startswith("{")][-1])
            except (OSError, IndexError, ValueError):
                pass
        if r["tool"] == "native":
            try:
                with open(os.path.join(out, f"report-native-{r['rows']}.json")) as f:
                    r["report"] = json.load(f)
            except (OSError, ValueError):
                pass

    by = {(r["tool"], r["rows"]): r for r in runs}
    sizes = sorted({r["rows"] for r in runs})
    ratios = []
    for n in sizes:
        entry = {"rows": n}
        for name, (slow, fast) in {"papaparse/wasm": ("papaparse", "wasm"),
                                   "pandas/native": ("pandas", "native")}.items():
            if (slow, n) in by and (fast, n) in by and by[(fast, n)]["seconds"] > 0:
                entry[name] = round(by[(slow, n)]["seconds"] / by[(fast, n)]["seconds"], 2)
        path = {t: os.path.join(out, f"out-{t}-{n}.csv") for t in TOOLS}
        if os.path.exists(path["papaparse"]) and os.path.exists(path["pandas"]):
            entry["peers_identical"] = subprocess.run(["cmp", "-s", path["papaparse"], path["pandas"]]).returncode == 0
        if os.path.exists(path["native"]):
            entry["differs_from_native"] = {t: disagreements(path["native"], path[t])
                                            for t in ("wasm", "papaparse", "pandas") if os.path.exists(path[t])}
        ratios.append(entry)

    fixtures = {n: os.path.getsize(os.path.join(out, f"fixture-{n}.csv"))
                for n in sizes if os.path.exists(os.path.join(out, f"fixture-{n}.csv"))}
    py = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".venv", "bin", "python")
    machine = {
        "cpus": os.cpu_count(),
        "cpu": cpu_model(),
        "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "loadavg_at_end": os.getloadavg(),
        "node": cmd("node", "--version"),
        "python": cmd(py, "-c", "import sys, pandas; print(sys.version.split()[0], 'pandas', pandas.__version__)"),
        "rustc": cmd("rustc", "--version"),
        "commit": cmd("git", "rev-parse", "--short", "HEAD"),
    }
    result = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine,
              "fixture_bytes": fixtures, "runs": runs, "ratios": ratios, "targets": TARGETS}
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(result, f, ensure_ascii=False, indent=2)

    print(f"{machine['cpus']} CPUs ({machine['cpu']}), node {machine['node']}, python {machine['python']}")
    print()
    print("| tool | rows | seconds | rows/s | peak MB |")
    print("|---|---:|---:|---:|---:|")
    for r in sorted(runs, key=lambda r: (r["rows"], list(TOOLS).index(r["tool"]) if r["tool"] in TOOLS else 9)):
        print(f"| {r['label']} | {r['rows']:,} | {r['seconds']:.2f} | {r['rows_per_s']:,} | {r['peak_mb']:.0f} |")
    print()
    print("| rows | papaparse / wasm (target ≥10×) | pandas / native (target ≥20×) | peers' outputs identical |")
    print("|---:|---:|---:|---|")
    for e in ratios:
        cells = []
        for name in ("papaparse/wasm", "pandas/native"):
            v = e.get(name)
            cells.append("–" if v is None else f"{v:.1f}× {'✓' if v >= TARGETS[name] else '✗'}")
        ident = {True: "yes", False: "NO", None: "–"}[e.get("peers_identical")]
        print(f"| {e['rows']:,} | {cells[0]} | {cells[1]} | {ident} |")
    print()
    for e in ratios:
        for tool, d in e.get("differs_from_native", {}).items():
            what = ("same values in every column" if d == {} else "could not compare" if d is None else
                    "; ".join(f"{c}: {v if isinstance(v, int) else ', '.join(v)}" for c, v in d.items()))
            print(f"- {e['rows']:,} rows, {TOOLS[tool]} vs native: {what}")
    print()
    print("Seconds and peak MB are /usr/bin/time's wall-clock time and maximum resident set size of the")
    print("whole process (start-up included). Every output was checked to carry the input's row count;")
    print("the list above counts, per column, the rows whose value differs from the native CLI's output.")

if __name__ == "__main__":
    main()
