#!/usr/bin/env python3
"""A `cmd` runner around llama.cpp's llama-bench: times a GGUF model and prints the latencies.

    hilnas agent --runner cmd --runtime llama.cpp --precision q4_0 --hardware pixel8-cpu \\
        --command 'tools/runners/llama-bench.py --model /models/candidate.gguf -- -t 4'

llama-bench measures a model file, not a hilnas candidate, so the GGUF must have the candidate's
shape. Name it with --model PATH (or $HILNAS_GGUF), or give --model-command 'SHELL COMMAND' (or
$HILNAS_GGUF_COMMAND): it runs once per candidate with the candidate JSON in
$HILNAS_CANDIDATE_FILE (as for this runner) and must print the GGUF's path as its last line —
that is where a converter that builds or picks the candidate's GGUF goes.

Per objective in $HILNAS_OBJECTIVES it runs llama-bench once, with -o json and
-r $HILNAS_REPETITIONS:
  PREFILL@N  `-p N -n 0`: the time to process an N-token prompt; each sample is one repetition's
             samples_ns, in ms.
  DECODE@C   `-p 0 -n G -d C`: G tokens generated after a context of C tokens (llama-bench's -d,
             n_depth; builds from mid-2025 on have it); each sample is that repetition's time
             divided by G, in ms per token. G is --decode-tokens, default 16; the cache grows from C
             to C+G-1 during the run, so keep G small next to C.
llama-bench runs one untimed warm-up of its own; $HILNAS_WARMUPS=0 passes --no-warmup instead.
Anything after `--` goes to every llama-bench call (-t 4, -ngl 99, -fa 1, ...).

Output (docs/contracts.md, "The cmd runner"): {"latencyMs": {"PREFILL@N": [ms, ...], ...}} on
stdout; llama-bench's own output and errors go to stderr. Exit status 1 with a message on stderr
when llama-bench fails, or its JSON is not for the test asked (an older llama-bench without -d
reports no n_depth). Python 3.8+, standard library only.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys


class Failure(Exception):
    """A reason this candidate cannot be timed; the agent reports it."""


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="llama-bench.py",
        description="hilnas cmd runner around llama-bench -o json (see the file's docstring).",
    )
    p.add_argument("--model", default=os.environ.get("HILNAS_GGUF"), help="the GGUF to time")
    p.add_argument(
        "--model-command",
        default=os.environ.get("HILNAS_GGUF_COMMAND"),
        help="a shell command that prints the candidate's GGUF path as its last line",
    )
    p.add_argument(
        "--llama-bench",
        default=os.environ.get("LLAMA_BENCH", "llama-bench"),
        help="the llama-bench executable (default: $LLAMA_BENCH, else llama-bench on the PATH)",
    )
    p.add_argument("--decode-tokens", type=int, default=16, help="tokens generated per DECODE run")
    p.add_argument("extra", nargs="*", help="after --: arguments for every llama-bench call")
    return p.parse_args(argv)


def objectives():
    raw = os.environ.get("HILNAS_OBJECTIVES", "")
    out = []
    for item in filter(None, (s.strip() for s in raw.split(","))):
        phase, _, tokens = item.upper().partition("@")
        if phase not in ("PREFILL", "DECODE") or not tokens.isdigit() or int(tokens) < 1:
            raise Failure("HILNAS_OBJECTIVES: %r is not PHASE@TOKENS" % item)
        out.append((phase, int(tokens)))
    if not out:
        raise Failure("HILNAS_OBJECTIVES is empty: run me from `hilnas agent --runner cmd`")
    return out


def model_path(args):
    if args.model:
        path = args.model
    elif args.model_command:
        done = subprocess.run(
            args.model_command, shell=True, stdout=subprocess.PIPE, stderr=sys.stderr, text=True
        )
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise Failure("--model-command exited %d without a path" % done.returncode)
        path = lines[-1].strip()
    else:
        raise Failure("no GGUF: give --model PATH, $HILNAS_GGUF, or --model-command")
    if not os.path.isfile(path):
        raise Failure("no GGUF at %s" % path)
    return path


def bench(args, gguf, phase, tokens, repetitions, warmups):
    """One llama-bench run for one objective; its samples in ms (per token for DECODE)."""
    exe = shutil.which(args.llama_bench) or args.llama_bench
    if phase == "PREFILL":
        test = ["-p", str(tokens), "-n", "0"]
        want = {"n_prompt": tokens, "n_gen": 0}
    else:
        test = ["-p", "0", "-n", str(args.decode_tokens), "-d", str(tokens)]
        want = {"n_prompt": 0, "n_gen": args.decode_tokens, "n_depth": tokens}
    command = [exe, "-m", gguf, "-o", "json", "-r", str(repetitions)] + test + args.extra
    if warmups == 0:
        command.append("--no-warmup")
    print("llama-bench.py: " + " ".join(map(shlex.quote, command)), file=sys.stderr)
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
    except OSError as e:
        raise Failure("cannot run %s: %s (install llama.cpp or set --llama-bench)" % (exe, e))
    if done.returncode != 0:
        raise Failure("llama-bench exited %d for %s@%d" % (done.returncode, phase, tokens))
    try:
        results = json.loads(done.stdout)
    except ValueError:
        raise Failure("llama-bench printed no JSON array for %s@%d" % (phase, tokens))
    if not isinstance(results, list):
        raise Failure("llama-bench printed no JSON array for %s@%d" % (phase, tokens))
    for r in results:
        if all(r.get(k) == v for k, v in want.items()):
            return [ns / 1e6 / max(1, r["n_gen"]) for ns in samples_ns(r)]
    shapes = [{k: r.get(k) for k in ("n_prompt", "n_gen", "n_depth")} for r in results]
    raise Failure(
        "llama-bench reported no test with %s for %s@%d (got %s; a llama-bench without -d has no"
        " n_depth)" % (want, phase, tokens, shapes)
    )


def samples_ns(result):
    samples = result.get("samples_ns")
    if isinstance(samples, list) and samples:
        return samples
    if result.get("avg_ns"):
        return [result["avg_ns"]]
    raise Failure("llama-bench reported neither samples_ns nor avg_ns")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        goals = objectives()
        repetitions = int(os.environ.get("HILNAS_REPETITIONS", "5"))
        warmups = int(os.environ.get("HILNAS_WARMUPS", "2"))
        gguf = model_path(args)
        latencies = {
            "%s@%d" % (phase, tokens): [
                round(ms, 6) for ms in bench(args, gguf, phase, tokens, repetitions, warmups)
            ]
            for phase, tokens in goals
        }
    except Failure as e:
        print("llama-bench.py: %s" % e, file=sys.stderr)
        return 1
    print(json.dumps({"latencyMs": latencies}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
