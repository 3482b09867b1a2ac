#!/usr/bin/env bash
# Rebuilds data/lexicon/ipadic-names.fst from IPADIC's source CSVs, as Debian's mecab-ipadic
# package ships them (Noun.name.csv: 34,202 人名; Noun.place.csv: 72,999 地域; the other CSVs only
# mark names that are also ordinary words). Needs apt (download only, nothing installed).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir=${IPADIC_DIR:-}
if [ -z "$dir" ]; then
  (cd "$work" && apt-get download mecab-ipadic >/dev/null)
  dpkg-deb -x "$work"/mecab-ipadic_*.deb "$work/root"
  dir="$work/root/usr/share/mecab/dic/ipadic"
  cp "$work/root/usr/share/doc/mecab-ipadic/copyright" "$work/copyright"
fi
cargo run --quiet --release --example build_lexicon -- "$dir" data/lexicon/ipadic-names.fst
ls -l data/lexicon/ipadic-names.fst
gzip -9 -c data/lexicon/ipadic-names.fst | wc -c | xargs echo "gzip -9 bytes:"
