#!/usr/bin/env python3
"""Scores identifier spans found by any tool against the gold of scripts/notes.py.

    python3 bench/scrub/evaluate.py notes.jsonl --tool deid-kit=out/deid.jsonl \\
        [--tool presidio=out/presidio.jsonl] [--speed deid-kit=NOTES_PER_S,CHARS_PER_S] [--out RESULTS.md]

A spans file has one line per note: {"id", "spans": [{"start", "end", "tag"}]} in char indices.
The metrics are those of tests/support/scrub_metrics.rs (change both together):
- recall per gold tag: a gold span is found when every one of its chars is covered by some
  predicted span, of any tag;
- precision per predicted tag: a predicted span is correct when it overlaps some gold span;
- identifiers left: gold spans not wholly covered;
- kept text: share of the chars outside every gold span that no prediction covers;
- clinical kept: share of clinical mentions (disease, drug, lab, value, dose, time, duration) of
  which no char is covered.
Prints a markdown table with one column per tool (and writes it to --out).
"""
import argparse
import json
import sys

TAGS = ["name", "phone", "address", "postal", "date", "age", "facility", "id", "email", "url"]


def ratio(part, whole):
    return 1.0 if whole == 0 else part / whole


class Score:
    def __init__(self):
        self.notes = self.chars = 0
        self.tags = {t: {"gold": 0, "found": 0, "predicted": 0, "correct": 0} for t in TAGS}
        self.plain_chars = self.plain_kept = 0
        self.clinical = self.clinical_kept = 0
        self.terms = {}
        self.missed = []
        self.overscrubbed = []

    def add(self, note, predicted, keep_examples=0):
        text = note["text"]
        n = len(text)
        covered = bytearray(n)
        for s in predicted:
            for i in range(max(0, s["start"]), min(s["end"], n)):
                covered[i] = 1
        gold = bytearray(n)
        for s in note["spans"]:
            for i in range(s["start"], min(s["end"], n)):
                gold[i] = 1
        self.notes += 1
        self.chars += n
        for s in note["spans"]:
            t = self.tags.setdefault(s["tag"], {"gold": 0, "found": 0, "predicted": 0, "correct": 0})
            t["gold"] += 1
            end = min(s["end"], n)
            if end > s["start"] and all(covered[s["start"]:end]):
                t["found"] += 1
            elif len(self.missed) < keep_examples:
                self.missed.append(f"{note['id']} {s['tag']}: {text[s['start']:s['end']]!r}")
        for s in predicted:
            t = self.tags.setdefault(s["tag"], {"gold": 0, "found": 0, "predicted": 0, "correct": 0})
            t["predicted"] += 1
            if any(s["start"] < g["end"] and g["start"] < s["end"] for g in note["spans"]):
                t["correct"] += 1
            elif len(self.overscrubbed) < keep_examples:
                self.overscrubbed.append(f"{note['id']} {s['tag']}: {text[s['start']:s['end']]!r}")
        for g, c in zip(gold, covered):
            if not g:
                self.plain_chars += 1
                self.plain_kept += not c
        for m in note["clinical"]:
            kept = not any(covered[min(m["start"], n):min(m["end"], n)])
            self.clinical += 1
            self.clinical_kept += kept
            all_, k = self.terms.get(m["term"], (0, 0))
            self.terms[m["term"]] = (all_ + 1, k + kept)

    def recall(self, tag):
        t = self.tags.get(tag, {})
        return ratio(t.get("found", 0), t.get("gold", 0))

    def precision(self, tag):
        t = self.tags.get(tag, {})
        return ratio(t.get("correct", 0), t.get("predicted", 0))

    def left(self):
        return sum(t["gold"] - t["found"] for t in self.tags.values())

    def all_recall(self):
        return ratio(sum(t["found"] for t in self.tags.values()), sum(t["gold"] for t in self.tags.values()))

    def all_precision(self):
        return ratio(sum(t["correct"] for t in self.tags.values()), sum(t["predicted"] for t in self.tags.values()))

    def kept_text(self):
        return ratio(self.plain_kept, self.plain_chars)

    def clinical_kept_share(self):
        return ratio(self.clinical_kept, self.clinical)


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score_tool(notes, spans_path, keep_examples=0):
    found = {row["id"]: row["spans"] for row in load_jsonl(spans_path)}
    missing = [n["id"] for n in notes if n["id"] not in found]
    if missing:
        print(f"evaluate: {spans_path} has no line for {len(missing)} notes (first {missing[0]}); scored as nothing found",
              file=sys.stderr)
    score = Score()
    for note in notes:
        score.add(note, found.get(note["id"], []), keep_examples)
    return score


def table(notes, scores, speeds):
    names = list(scores)
    first = next(iter(scores.values()))
    rows = [("notes / chars", [f"{first.notes} / {first.chars}"] * len(names))]
    for tag in TAGS:
        gold = first.tags[tag]["gold"]
        rows.append((f"{tag} recall (gold {gold})", [f"{s.recall(tag):.3f}" for s in scores.values()]))
    rows.append(("**all recall**", [f"{s.all_recall():.3f}" for s in scores.values()]))
    for tag in TAGS:
        rows.append((f"{tag} precision", [f"{s.precision(tag):.3f} ({s.tags[tag]['predicted']})" for s in scores.values()]))
    rows.append(("**all precision**", [f"{s.all_precision():.3f}" for s in scores.values()]))
    rows.append(("identifiers left in the notes", [f"{s.left()} of {sum(t['gold'] for t in s.tags.values())}"
                                                    for s in scores.values()]))
    rows.append(("kept text", [f"{s.kept_text():.4f}" for s in scores.values()]))
    rows.append(("clinical kept", [f"{s.clinical_kept_share():.4f}" for s in scores.values()]))
    terms = sorted(first.terms)
    for term in terms:
        rows.append((f"  clinical kept: {term}", [f"{ratio(s.terms.get(term, (0, 0))[1], s.terms.get(term, (0, 0))[0]):.3f}"
                                                  for s in scores.values()]))
    rows.append(("notes/s", [speeds.get(n, {}).get("notes", "–") for n in names]))
    rows.append(("chars/s", [speeds.get(n, {}).get("chars", "–") for n in names]))
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    lines += [f"| {label} | " + " | ".join(values) + " |" for label, values in rows]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notes")
    ap.add_argument("--tool", action="append", required=True, help="NAME=SPANS.jsonl (repeatable)")
    ap.add_argument("--speed", action="append", default=[], help="NAME=NOTES_PER_S,CHARS_PER_S[,LABEL]")
    ap.add_argument("--examples", type=int, default=0, help="print the first N misses and over-scrubbings per tool")
    ap.add_argument("--out", help="also write the table here")
    args = ap.parse_args()
    notes = load_jsonl(args.notes)
    scores = {}
    for spec in args.tool:
        name, _, path = spec.partition("=")
        scores[name] = score_tool(notes, path, args.examples)
    speeds = {}
    for spec in args.speed:
        name, _, values = spec.partition("=")
        parts = values.split(",")
        # The label's part after ";" (a per-process rate in notes/s) belongs to the notes/s row only.
        label = parts[2] if len(parts) > 2 else ""
        notes_suffix = f" ({label})" if label else ""
        chars_suffix = f" ({label.split(';')[0]})" if label else ""
        speeds[name] = {"notes": f"{float(parts[0]):,.1f}{notes_suffix}", "chars": f"{float(parts[1]):,.0f}{chars_suffix}"}
    out = table(notes, scores, speeds)
    print(out)
    for name, s in scores.items():
        if args.examples:
            print(f"{name}: first misses\n  " + "\n  ".join(s.missed))
            print(f"{name}: first over-scrubbed\n  " + "\n  ".join(s.overscrubbed))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(out)


if __name__ == "__main__":
    main()
