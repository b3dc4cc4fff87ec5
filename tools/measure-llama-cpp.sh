#!/usr/bin/env bash
# Measures the llama.cpp held-out data on this machine (docs/benchmarks.md, "llama.cpp held-out data").
# usage: tools/measure-llama-cpp.sh MAIN_UNTIL REPEAT_UNTIL   (times for `date -d`, e.g. 19:52 20:05)
# Main pass: the seeded candidates of tools/llama-candidates.py into data/llama-cpp-x86-1thread.jsonl,
# stopped at MAIN_UNTIL (lines are written as they are measured, so a stopped pass is usable). Then
# a repeat pass: every 5th of the first 150 candidates again, in a fresh process, as <id>-repeat into
# data/llama-cpp-x86-1thread-repeat.jsonl, stopped at REPEAT_UNTIL. The load (`uptime`) is logged
# every minute to data/llama-cpp-x86-1thread.load.
set -euo pipefail
cd "$(dirname "$0")/.."
main_until=$(date -d "$1" +%s)
repeat_until=$(date -d "$2" +%s)
work=$(mktemp -d)
python3 tools/llama-candidates.py 300 17 > "$work/candidates.jsonl"
python3 - "$work/candidates.jsonl" > "$work/repeat.jsonl" <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[1])):
    if i < 150 and i % 5 == 0:
        j = json.loads(line); j["candidateId"] += "-repeat"; print(json.dumps(j))
PY
(while true; do uptime; sleep 60; done) > data/llama-cpp-x86-1thread.load &
loadlog=$!
trap 'kill $loadlog' EXIT
measure() { # candidates, output, seconds left
  timeout --signal=TERM "$3" ./hilnas agent --once --candidates "$1" --runner llama.cpp \
    --threads 1 --protocol adaptive --max-warmups 9 --max-runs 15 --hardware x86-1thread --json > "$2" \
    2> >(grep --line-buffered -E '^\[|failed|rror' >&2) || echo "stopped: exit $?" >&2
}
date -u
measure "$work/candidates.jsonl" data/llama-cpp-x86-1thread.jsonl $((main_until - $(date +%s)))
date -u
measure "$work/repeat.jsonl" data/llama-cpp-x86-1thread-repeat.jsonl $((repeat_until - $(date +%s)))
date -u
