#!/usr/bin/env python3
"""Stands in for llama-bench in tests: answers `-o json` runs from the recorded output next to it.

It prints the entries of llama-bench-q4_0.json (or $FAKE_LLAMA_BENCH_SAMPLE) whose n_prompt, n_gen
and n_depth are the -p, -n and -d asked for, and appends its arguments to $FAKE_LLAMA_BENCH_LOG.
It fails, as a real run cannot answer from a recording, when no entry matches, when -r is not the
recorded number of samples, or without -m and -o json.
"""
import json
import os
import pathlib
import sys

args = sys.argv[1:]
if os.environ.get("FAKE_LLAMA_BENCH_LOG"):
    with open(os.environ["FAKE_LLAMA_BENCH_LOG"], "a") as log:
        log.write(" ".join(args) + "\n")


def value(flag, default):
    return args[args.index(flag) + 1] if flag in args else default


if value("-o", "md") != "json" or "-m" not in args:
    sys.exit("fake llama-bench: only -m MODEL -o json runs are recorded")
sample = os.environ.get("FAKE_LLAMA_BENCH_SAMPLE") or pathlib.Path(__file__).resolve().with_name(
    "llama-bench-q4_0.json"
)
recorded = json.loads(pathlib.Path(sample).read_text())
want = (int(value("-p", "512")), int(value("-n", "128")), int(value("-d", "0")))
found = [r for r in recorded if (r["n_prompt"], r["n_gen"], r["n_depth"]) == want]
if not found:
    sys.exit("fake llama-bench: nothing recorded for -p %d -n %d -d %d" % want)
if any(len(r["samples_ns"]) != int(value("-r", "5")) for r in found):
    sys.exit("fake llama-bench: the recording has another number of repetitions than -r")
print(json.dumps(found, indent=2))
