#!/usr/bin/env python3
"""Microsoft Presidio with GiNZA (ja_ginza) on the notes of scripts/notes.py: the peer of deid-kit's scrubber.

    /opt/presidio-venv/bin/python bench/scrub/presidio.py notes.jsonl spans.jsonl [--procs 2]

Writes one line per note, {"id", "spans": [{"start", "end", "tag"}]} in char indices with notes.py's
tags, and prints the speed of the analysis alone (model loading excluded) on --procs processes.

Set-up, as a Japanese team would configure Presidio for Japanese:
- NLP engine: spaCy with ja_ginza; GiNZA's NER labels (Extended Named Entity hierarchy) mapped to
  Presidio entities in ner_model_configuration (LABELS below); the rest ignored;
- Presidio's generic recognizers that work on Japanese text, registered for "ja": EmailRecognizer,
  UrlRecognizer, PhoneRecognizer (region JP, Japanese context words) and DateRecognizer.
Presidio sees the note only; it has no use for the patient's record (deid-kit does). No custom
patterns are added (no postal code, My Number or ID recognizer): that would be writing a scrubber.
"""
import argparse
import json
import multiprocessing
import sys
import time

# GiNZA label -> Presidio entity. Labels not listed are ignored.
LABELS = {
    "Person": "PERSON",
    "Province": "LOCATION", "City": "LOCATION", "County": "LOCATION", "GPE_Other": "LOCATION",
    "Domestic_Region": "LOCATION", "Location_Other": "LOCATION", "Postal_Address": "LOCATION",
    "Phone_Number": "PHONE_NUMBER", "Email": "EMAIL_ADDRESS", "URL": "URL",
    # Presidio's default spaCy configuration maps both DATE and TIME to DATE_TIME; so does this one.
    "Date": "DATE_TIME", "Era": "DATE_TIME", "Time": "DATE_TIME",
    "Age": "AGE", "ID_Number": "ID",
    "Facility_Other": "FACILITY", "Public_Institution": "FACILITY", "Organization_Other": "FACILITY",
    "Research_Institute": "FACILITY", "School": "FACILITY", "Company": "FACILITY",
}
# Presidio entity -> notes.py tag.
TAGS = {
    "PERSON": "name", "LOCATION": "address", "PHONE_NUMBER": "phone", "EMAIL_ADDRESS": "email", "URL": "url",
    "DATE_TIME": "date", "AGE": "age", "ID": "id", "FACILITY": "facility",
}
PHONE_CONTEXT = ["電話", "TEL", "携帯", "連絡先", "自宅", "tel", "phone"]

_analyzer = None


def offline_tldextract():
    # EmailRecognizer calls tldextract.extract, which fetches the Public Suffix List on first use;
    # the package's bundled snapshot gives the same answers here without network.
    import tldextract
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())


def build_analyzer():
    offline_tldextract()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (DateRecognizer, EmailRecognizer, PhoneRecognizer,
                                                          SpacyRecognizer, UrlRecognizer)

    configuration = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "ja", "model_name": "ja_ginza"}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": LABELS,
            "low_confidence_score_multiplier": 0.4,
            "low_score_entity_names": [],
            "labels_to_ignore": [],
        },
    }
    nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    registry = RecognizerRegistry(supported_languages=["ja"])
    registry.add_recognizer(SpacyRecognizer(supported_language="ja", supported_entities=sorted(set(LABELS.values()))))
    registry.add_recognizer(EmailRecognizer(supported_language="ja"))
    registry.add_recognizer(UrlRecognizer(supported_language="ja"))
    registry.add_recognizer(PhoneRecognizer(supported_language="ja", supported_regions=("JP",), context=PHONE_CONTEXT))
    registry.add_recognizer(DateRecognizer(supported_language="ja"))
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["ja"])


def init_worker():
    global _analyzer
    _analyzer = build_analyzer()
    _analyzer.analyze(text="田中太郎様、令和6年3月14日受診。", language="ja")


def warm(_):
    # Holds each worker for a moment so that every worker gets one, i.e. is initialised before timing.
    time.sleep(1.0)
    return True


def analyze(item):
    note_id, text = item
    started = time.perf_counter()
    results = _analyzer.analyze(text=text, language="ja")
    spans = sorted(({"start": r.start, "end": r.end, "tag": TAGS.get(r.entity_type, r.entity_type.lower())}
                    for r in results if r.end > r.start), key=lambda s: (s["start"], s["end"]))
    return note_id, spans, time.perf_counter() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notes")
    ap.add_argument("spans")
    ap.add_argument("--procs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--speed-json", help="also write {notes_per_s, chars_per_s, ...} to this file")
    args = ap.parse_args()
    with open(args.notes, encoding="utf-8") as f:
        notes = [json.loads(line) for line in f if line.strip()]
    items = [(n["id"], n["text"]) for n in notes]
    chars = sum(len(n["text"]) for n in notes)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.procs, initializer=init_worker) as pool:
        pool.map(warm, range(args.procs), chunksize=1)
        started = time.perf_counter()
        out = pool.map(analyze, items, chunksize=16)
        wall = time.perf_counter() - started
    with open(args.spans, "w", encoding="utf-8") as f:
        for note_id, spans, _ in out:
            f.write(json.dumps({"id": note_id, "spans": spans}, ensure_ascii=False) + "\n")
    busy = sum(t for _, _, t in out)
    speed = {"tool": "presidio+ginza", "procs": args.procs, "notes": len(notes), "chars": chars, "seconds": wall,
             "notes_per_s": len(notes) / wall, "chars_per_s": chars / wall, "notes_per_s_per_proc": len(notes) / busy}
    print(f"presidio+ja_ginza: {len(notes)} notes, {chars} chars in {wall:.1f} s on {args.procs} processes: "
          f"{speed['notes_per_s']:.1f} notes/s, {speed['chars_per_s']:.0f} chars/s "
          f"({speed['notes_per_s_per_proc']:.1f} notes/s per process)", file=sys.stderr)
    if args.speed_json:
        with open(args.speed_json, "w") as f:
            json.dump(speed, f)


if __name__ == "__main__":
    main()
