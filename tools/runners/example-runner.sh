#!/usr/bin/env sh
# An example external runner for `hilnas agent --runner cmd --command tools/runners/example-runner.sh`.
# A real one wraps a device benchmark, as llama-bench.py here does for llama.cpp's llama-bench.
# This one needs no device: it "measures" a latency
# proportional to the layers and the context, so the agent's plumbing can be tried and tested.
#
# Protocol (see CommandRunner): the candidate JSON is on stdin and in $HILNAS_CANDIDATE_FILE;
# $HILNAS_OBJECTIVES lists PHASE@TOKENS; print {"latencyMs": {"PHASE@TOKENS": [samples...] | number}}.
set -eu
layers=$(sed -n 's/.*"layers"[^0-9]*\([0-9][0-9]*\).*/\1/p' "$HILNAS_CANDIDATE_FILE")
reps=${HILNAS_REPETITIONS:-3}
printf '{"latencyMs":{'
first=1
for objective in $(printf '%s' "$HILNAS_OBJECTIVES" | tr ',' ' '); do
  context=${objective#*@}
  case "$objective" in PREFILL@*) per=0.01 ;; *) per=0.001 ;; esac
  [ $first = 1 ] || printf ','
  first=0
  printf '"%s":[' "$objective"
  i=0
  while [ $i -lt "$reps" ]; do
    [ $i = 0 ] || printf ','
    awk -v l="$layers" -v c="$context" -v p="$per" -v i="$i" 'BEGIN { printf "%.4f", l * c * p * (1 + 0.01 * i) }'
    i=$((i + 1))
  done
  printf ']'
done
printf '}}\n'
