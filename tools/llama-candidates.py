#!/usr/bin/env python3
"""Seeded candidates for the llama.cpp held-out data (data/llama-cpp-x86-1thread.jsonl).

usage: tools/llama-candidates.py [COUNT] [SEED] > candidates.jsonl
One line per candidate: {"candidateId", "candidate", "objectives"} for `hilnas agent --once
--candidates`. Layers 2-10, dModel 128-768 in steps of 64 (heads of 64), GQA kv heads, ffn 2-4x
dModel, vocab 8,000-32,000, global (G) and skipped (S) attention layers. Shapes are kept small
enough for one thread: the width is drawn first, then the layers among those whose estimated prefill
of 512 tokens is within BUDGET (a width whose 2 layers are not is drawn again); PREFILL@2048 is timed
only where its estimate is within BUDGET_2048. Objectives go longest context first, so the runner
loads each candidate once.
"""
import json, random, sys

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 300
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 17
BUDGET = 9e9  # estimated FLOPs of one timed prefill of 512 tokens: 640-704 wide fit 2 layers
BUDGET_2048 = 12e9  # PREFILL@2048 (its runs take long on a shared machine): a few small ones
ALL = ["DECODE@2048", "PREFILL@2048", "DECODE@512", "PREFILL@512", "DECODE@128", "PREFILL@128"]


def prefill_flops(c, n):
    d, kv = c["dModel"], c["nKvHeads"] * c["headDim"]
    attn = c["attention"].count("G")
    per_layer = 2 * d * d + 2 * d * kv + 3 * d * c["ffnDim"]
    return 2 * c["layers"] * per_layer * n + 2 * attn * n * n * d  # weights + causal attention


def draw(rng):
    d = 64 * rng.randint(2, 12)
    heads = d // 64
    kv = rng.choice([k for k in range(1, heads + 1) if heads % k == 0])
    ffn = 64 * round(d * rng.uniform(2, 4) / 64)
    vocab = 1000 * rng.randint(8, 32)
    shape = lambda layers: {"layers": layers, "dModel": d, "nHeads": heads, "nKvHeads": kv,
                            "headDim": 64, "ffnDim": ffn, "vocabSize": vocab, "attention": "G" * layers}
    fits = [n for n in range(2, 11) if prefill_flops(shape(n), 512) <= BUDGET]
    if not fits:
        return None
    c = shape(rng.choice(fits))
    attention = "".join(rng.choice("GGGS") for _ in range(c["layers"]))
    c["attention"] = attention if "G" in attention else "G" + attention[1:]
    return c


rng = random.Random(SEED)
i = 0
while i < COUNT:
    c = draw(rng)
    if c is None:
        continue
    objectives = [o for o in ALL if o != "PREFILL@2048" or prefill_flops(c, 2048) <= BUDGET_2048]
    print(json.dumps({"candidateId": "ll-%04d" % i, "candidate": c, "objectives": objectives}))
    i += 1
