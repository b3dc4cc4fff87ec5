#!/usr/bin/env bash
# Measures the llama.cpp held-out data on this machine (docs/benchmarks.md, "llama.cpp held-out data").
# usage: tools/measure-llama-cpp.sh FIRST COUNT UNTIL [REPEAT_UNTIL]   (times for `date -d`, e.g. 19:52)
# Main pass: candidates FIRST .. FIRST+COUNT-1 of `tools/llama-candidates.py` (seed 17), appended to
# data/llama-cpp-x86-1thread.jsonl as they are measured, stopped at UNTIL (a stopped pass leaves a
# usable file). With REPEAT_UNTIL, then a repeat pass: every 5th of the first 150 candidates again,
# in a fresh process, as <id>-repeat, appended to data/llama-cpp-x86-1thread-repeat.jsonl, stopped
# at REPEAT_UNTIL. The load (`uptime`) is logged every minute to data/llama-cpp-x86-1thread.load.
# LLAMA_DATA=data/NAME writes NAME.jsonl, NAME-repeat.jsonl and NAME.load instead; LLAMA_PROTOCOL
# replaces the adaptive protocol's caps (default: --max-warmups 9 --max-runs 15).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${LLAMA_DATA:-data/llama-cpp-x86-1thread}
caps=${LLAMA_PROTOCOL:---max-warmups 9 --max-runs 15}
first=$1 count=$2
main_until=$(date -d "$3" +%s)
work=$(mktemp -d)
python3 tools/llama-candidates.py $((first + count)) 17 | tail -n +$((first + 1)) > "$work/candidates.jsonl"
python3 tools/llama-candidates.py 150 17 | python3 -c '
import json, sys
for i, line in enumerate(sys.stdin):
    if i % 5 == 0:
        j = json.loads(line); j["candidateId"] += "-repeat"; print(json.dumps(j))
' > "$work/repeat.jsonl"
(while true; do uptime; sleep 60; done) >> "$data.load" &
loadlog=$!
trap 'kill $loadlog' EXIT
measure() { # candidates, output, seconds left
  timeout --signal=TERM "$3" ./hilnas agent --once --candidates "$1" --runner llama.cpp \
    --threads 1 --protocol adaptive $caps --hardware x86-1thread --json \
    >> "$2" 2> >(grep --line-buffered -E '^\[|failed|rror' >&2) || echo "stopped: exit $?" >&2
}
date -u
measure "$work/candidates.jsonl" "$data.jsonl" $((main_until - $(date +%s)))
date -u
if [[ $# -ge 4 ]]; then
  measure "$work/repeat.jsonl" "$data-repeat.jsonl" $(($(date -d "$4" +%s) - $(date +%s)))
  date -u
fi
