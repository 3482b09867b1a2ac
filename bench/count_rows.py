#!/usr/bin/env python3
"""Prints the number of data rows (CSV records after the header) of each FILE, one per line.

Counts records with the csv module, so quoted newlines inside a field (the notes column has them)
count once. A file that is not UTF-8 (BOM allowed) or whose records do not all have the header's
number of fields is an error.
"""
import csv
import sys

csv.field_size_limit(1 << 30)


def count(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            return 0
        n = 0
        for rec in reader:
            if not rec:  # a blank line, e.g. a trailing one
                continue
            if len(rec) != len(header):
                sys.exit(f"{path}: record {n + 1} has {len(rec)} fields, header has {len(header)}")
            n += 1
        return n


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(count(p))
