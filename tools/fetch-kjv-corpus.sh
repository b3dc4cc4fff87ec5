#!/usr/bin/env bash
# Builds the training corpus of the shipped backbone: the King James Version of the Bible
# (English, 1611; public domain), from Debian's bible-kjv-text package (text) and bible-kjv
# (the `bible` reader that decompresses it; GPL-2+, used only as a tool, not shipped).
# Output: one verse per line, verse numbers and chapter headings removed, plain ASCII.
# Usage: tools/fetch-kjv-corpus.sh [OUT]   (default data/corpus/kjv.txt; needs apt-get, dpkg-deb)
set -euo pipefail
out=${1:-data/corpus/kjv.txt}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download bible-kjv bible-kjv-text >/dev/null)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
mkdir -p "$(dirname "$out")"
"$work/root/usr/bin/bible" -p "$work/root/usr/lib" 'gen1:1-rev22:21' \
  | awk '
      /^[A-Za-z0-9 ]+ [0-9]+$/ { next }                  # chapter heading, e.g. "Genesis 1"
      /^ *[0-9]+ / { if (verse != "") print verse; sub(/^ *[0-9]+ /, ""); verse = $0; next }
      /^$/ { next }
      { verse = verse " " $0 }                             # a wrapped continuation line
      END { if (verse != "") print verse }' \
  | LC_ALL=C tr -cd '\11\12\15\40-\176' > "$out"
echo "wrote $out: $(wc -l < "$out") verses, $(wc -c < "$out") bytes, sha256 $(sha256sum "$out" | cut -c1-16)"
