"""Time a candidate's prefill and decode in a Python loop and post the measurements to hilnas.

    python3 examples/time_loop.py --url http://localhost:8080 --token hil_... \\
        --hardware pixel8-cpu --runtime executorch-xnnpack --candidate ../../examples/candidate.json

Runs without torch: the "model" here is a stand-in whose work grows with the candidate's shape
(pure Python arithmetic), so the plumbing can be tried anywhere. Replace prefill() and decode()
with your own calls — see the comments there for where a PyTorch or ExecuTorch model goes. The
target (hardware/runtime[/precision]) must be one the device's token was registered for
(`hilnas device add --id ID --target HARDWARE/RUNTIME`), and should name what really ran: each
target gets its own latency model.
"""

import argparse
import dataclasses
import json
import os
import pathlib
import platform
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import hilnas_client as hil  # noqa: E402


def build(candidate):
    """Load or build the candidate's model once, outside the timed loop.

    With PyTorch: `model = MyDecoder(**candidate).eval()` (random weights are fine: latency does
    not depend on them). With ExecuTorch: export that model once (torch.export, to_edge,
    to_executorch) and load the .pte with `executorch.runtime.Runtime.get().load_program(path)`,
    then `program.load_method("forward")`.
    """
    return candidate


def prefill(model, tokens):
    """One prompt of `tokens` tokens through the model.

    With PyTorch: `with torch.inference_mode(): model(torch.randint(vocab, (1, tokens)))`.
    With ExecuTorch: `method.execute([input_ids])`.
    """
    work = model["layers"] * tokens * model["dModel"] // 8
    return sum(i * i for i in range(work))


def decode(model, context):
    """One new token against a KV cache of `context` tokens.

    With PyTorch: `model(next_token, past_key_values=cache)` with a cache of that length.
    """
    work = model["layers"] * (model["dModel"] + context // 4) * 4
    return sum(i * i for i in range(work))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default=os.environ.get("HILNAS_URL", "http://localhost:8080"))
    p.add_argument("--token", default=os.environ.get("HILNAS_TOKEN"), help="the device token")
    p.add_argument("--hardware", required=True)
    p.add_argument("--runtime", required=True)
    p.add_argument("--precision")
    p.add_argument("--candidate", required=True, help="a candidate JSON file")
    p.add_argument("--objectives", default="PREFILL@128,DECODE@512")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--dry-run", action="store_true", help="print the lines, post nothing")
    args = p.parse_args(argv)

    candidate = json.loads(pathlib.Path(args.candidate).read_text())
    model = build(candidate)
    lines = []
    for objective in args.objectives.split(","):
        phase, _, tokens = objective.strip().upper().partition("@")
        step = prefill if phase == "PREFILL" else decode
        samples = hil.time_ms(lambda: step(model, int(tokens)), args.warmup, args.runs)
        lines.append(
            hil.measurement(
                candidate=candidate,
                hardware=args.hardware,
                runtime=args.runtime,
                precision=args.precision,
                phase=phase,
                context_length=int(tokens),
                samples_ms=samples,
                candidate_id=pathlib.Path(args.candidate).stem,
                threads=1,
                environment={"python": platform.python_version(), "os": platform.platform()},
            )
        )
        print("%s: %.3f ms median of %d" % (objective, lines[-1]["latencyMs"], args.runs), file=sys.stderr)
    if args.dry_run:
        for line in lines:
            print(json.dumps(line))
        return 0
    result = hil.Client(args.url, token=args.token).post_measurements(lines)
    print(json.dumps(dataclasses.asdict(result)))
    return 0 if result.invalid == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except hil.HilnasError as e:
        print("error: %s" % e, file=sys.stderr)
        sys.exit(2)
