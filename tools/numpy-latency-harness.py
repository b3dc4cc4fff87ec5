#!/usr/bin/env python3
"""Times Llama-style candidates with numpy on this machine and writes Measurement JSONL
(docs/contracts.md): a second runtime beside the built-in Java one. It produced data/'s training
and validation data for the latency model, and measures its own noise floor.

usage: tools/numpy-latency-harness.py --candidates 300 --seed 1 --out data/x86.jsonl
Every candidate is timed at 2 PREFILL and 2 DECODE contexts (median of --runs after a warm-up);
every 10th candidate is timed again later (candidateId suffix "-repeat") so the noise floor can
be computed from the file, and a fixed calibration candidate is timed before every candidate
(environment.calibrationMs, timed in the same phase: PREFILL@64 or DECODE@512) so drift can be
seen and normalised.
"""
import argparse, json, os, random, sys, time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

PREFILL_CONTEXTS = [32, 64, 128, 256, 512]
DECODE_CONTEXTS = [128, 256, 512, 1024, 2048]


def random_candidate(rng):
    head_dim = rng.choice([32, 64, 64, 64, 128])
    d_model = rng.choice([d for d in range(128, 769, 64) if d % head_dim == 0])
    n_kv = rng.choice([1, 1, 2, 2, 4])
    group = rng.choice([1, 2, 3, 4, 6, 8])
    n_heads = n_kv * group
    if n_heads * head_dim > 2 * d_model:
        n_heads = n_kv * max(1, (2 * d_model // head_dim) // n_kv)
    layers = rng.randint(2, 12)
    attention = "".join(rng.choice("GGGLLS") for _ in range(layers))
    if "G" not in attention and "L" not in attention:
        attention = "G" + attention[1:]
    return {"layers": layers, "dModel": d_model, "nHeads": n_heads, "nKvHeads": n_kv,
            "headDim": head_dim, "ffnDim": rng.choice(range(256, 4 * d_model + 1, 128)),
            "vocabSize": rng.choice([4000, 8000, 16000, 32000]), "attention": attention,
            "window": rng.choice([32, 64, 128, 256])}


class Model:
    def __init__(self, c, seed=0):
        r = np.random.default_rng(seed)
        d, hd, f = c["dModel"], c["headDim"], c["ffnDim"]
        self.c = c
        self.emb = r.standard_normal((c["vocabSize"], d), dtype=np.float32) * 0.02
        self.layers = []
        for kind in c["attention"]:
            w = {"kind": kind,
                 "up": r.standard_normal((d, 2 * f), dtype=np.float32) * 0.02,
                 "down": r.standard_normal((f, d), dtype=np.float32) * 0.02}
            if kind != "S":
                w["qkv"] = r.standard_normal((d, (c["nHeads"] + 2 * c["nKvHeads"]) * hd), dtype=np.float32) * 0.02
                w["o"] = r.standard_normal((c["nHeads"] * hd, d), dtype=np.float32) * 0.02
            self.layers.append(w)

    @staticmethod
    def norm(x):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6)

    def attend(self, q, k, v, kind, start):
        # q: (T, H, hd); k, v: (S, KV, hd); query i sits at absolute position start + i
        c = self.c
        T, H, hd = q.shape
        S, KV, _ = k.shape
        g = H // KV
        q = q.reshape(T, KV, g, hd).transpose(1, 2, 0, 3)  # KV, g, T, hd
        kt = k.transpose(1, 2, 0)[:, None]  # KV, 1, hd, S
        vt = v.transpose(1, 0, 2)[:, None]  # KV, 1, S, hd
        w = c["window"] if kind == "L" else S
        out = np.empty((KV, g, T, hd), dtype=np.float32)
        block = max(1, min(T, w))
        for b0 in range(0, T, block):
            b1 = min(T, b0 + block)
            lo = max(0, start + b0 + 1 - w)
            hi = start + b1
            s = (q[:, :, b0:b1] @ kt[..., lo:hi]) / np.sqrt(hd)
            pos = np.arange(start + b0, start + b1)[:, None]
            key = np.arange(lo, hi)[None, :]
            s = np.where((key <= pos) & (key > pos - w), s, -np.inf)
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            out[:, :, b0:b1] = s @ vt[:, :, lo:hi]
        return out.transpose(2, 0, 1, 3).reshape(T, H * hd)

    def forward(self, tokens, cache=None):
        c = self.c
        H, KV, hd = c["nHeads"], c["nKvHeads"], c["headDim"]
        x = self.emb[tokens]
        T = len(tokens)
        for i, w in enumerate(self.layers):
            if w["kind"] != "S":
                h = self.norm(x) @ w["qkv"]
                q = h[:, :H * hd].reshape(T, H, hd)
                k = h[:, H * hd:(H + KV) * hd].reshape(T, KV, hd)
                v = h[:, (H + KV) * hd:].reshape(T, KV, hd)
                q = q * 0.5 + q[..., ::-1] * 0.5  # stands in for RoPE: same memory traffic
                k = k * 0.5 + k[..., ::-1] * 0.5
                if cache is not None:
                    ck, cv = cache[i]
                    k = np.concatenate([ck, k])
                    v = np.concatenate([cv, v])
                    start = len(ck)
                else:
                    start = 0
                x = x + self.attend(q, k, v, w["kind"], start) @ w["o"]
            hu = self.norm(x) @ w["up"]
            f = c["ffnDim"]
            gate = hu[:, :f]
            x = x + ((gate / (1 + np.exp(-gate))) * hu[:, f:]) @ w["down"]
        return self.norm(x) @ self.emb.T

    def cache(self, n, seed=1):
        r = np.random.default_rng(seed)
        KV, hd = self.c["nKvHeads"], self.c["headDim"]
        return [(r.standard_normal((n, KV, hd), dtype=np.float32),
                 r.standard_normal((n, KV, hd), dtype=np.float32)) if w["kind"] != "S" else None
                for w in self.layers]


def time_ms(fn, runs):
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return sorted(samples)[len(samples) // 2], samples


CALIBRATION = {"layers": 4, "dModel": 256, "nHeads": 4, "nKvHeads": 2, "headDim": 64,
               "ffnDim": 768, "vocabSize": 8000, "attention": "GGGG", "window": 64}


def measure(model, cid, contexts, args, calibration):
    # the same fixed candidate timed right before: drift (thermal, neighbours) shows up in it too
    tokens = np.arange(64)
    calibration_ms, _ = time_ms(lambda: calibration.forward(tokens), args.runs)
    cache = calibration.cache(512)
    calibration_decode_ms, _ = time_ms(lambda: calibration.forward(np.array([1]), cache), args.runs)
    lines = []
    for phase, ctx in contexts:
        if phase == "PREFILL":
            tokens = np.arange(ctx) % model.c["vocabSize"]
            fn = lambda: model.forward(tokens)
        else:
            cache = model.cache(ctx)
            fn = lambda: model.forward(np.array([1]), cache)
        median, samples = time_ms(fn, args.runs)
        lines.append({"candidateId": cid, "candidate": model.c, "hardware": args.hardware,
                      "runtime": args.runtime, "phase": phase, "contextLength": ctx,
                      "latencyMs": round(median, 4), "samplesMs": [round(s, 4) for s in samples],
                      "threads": 1, "environment": {
                          "calibrationMs": "%.4f" % (calibration_ms if phase == "PREFILL" else calibration_decode_ms),
                          "calibration": "PREFILL@64" if phase == "PREFILL" else "DECODE@512"}})
    return lines


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--candidates", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--hardware", default="x86-1thread")
    p.add_argument("--runtime", default="numpy-openblas-fp32")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    rng = random.Random(args.seed)
    pending_repeats = []
    calibration = Model(CALIBRATION)
    with open(args.out, "w") as out:
        for n in range(args.candidates):
            c = random_candidate(rng)
            contexts = [("PREFILL", x) for x in rng.sample(PREFILL_CONTEXTS, 2)] + \
                       [("DECODE", x) for x in rng.sample(DECODE_CONTEXTS, 2)]
            model = Model(c)
            cid = "h%d-%04d" % (args.seed, n)
            for line in measure(model, cid, contexts, args, calibration):
                out.write(json.dumps(line) + "\n")
            if n % 10 == 0:
                pending_repeats.append((c, cid, contexts))
            if n % 10 == 5 and pending_repeats:  # repeat later, not back to back
                rc, rcid, rctx = pending_repeats.pop(0)
                for line in measure(Model(rc), rcid + "-repeat", rctx, args, calibration):
                    out.write(json.dumps(line) + "\n")
            out.flush()
            print("\r%d/%d candidates" % (n + 1, args.candidates), end="", file=sys.stderr)
    print(file=sys.stderr)


if __name__ == "__main__":
    main()
