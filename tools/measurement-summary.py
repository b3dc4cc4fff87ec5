#!/usr/bin/env python3
"""What a measurement file holds and how well it repeats, per objective.

usage: tools/measurement-summary.py MAIN.jsonl [REPEAT.jsonl]   (repeat ids end in -repeat)
Per objective: measurements, median latency [min..max], how often warm-up had not settled
(protocol.warmedUp=false) and the samples reached the cap, the median relative 95% interval
(protocol.ciWidth); with a repeat file, how many repeats lie within +-5% / +-10% of the first
measurement, raw and divided by the reference candidate's latency (calibrationMs).
"""
import json, statistics, sys

main = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
repeat = [json.loads(l) for l in open(sys.argv[2]) if l.strip()] if len(sys.argv) > 2 else []
key = lambda j: "%s@%d" % (j["phase"], j["contextLength"])
order = sorted({key(j) for j in main}, key=lambda k: (k.split("@")[0], int(k.split("@")[1])))
cap = max(len(j["samplesMs"]) for j in main)
print("candidates %d, measurements %d, sample cap %d" % (len({j["candidateId"] for j in main}), len(main), cap))
print("objective | n | median ms [min..max] | not warmed up | at cap | median CI width | repeats +-5% / +-10% (raw) | (/ reference)")
first = {(j["candidateId"], key(j)): j for j in main}
for k in order:
    js = [j for j in main if key(j) == k]
    lat = [j["latencyMs"] for j in js]
    env = [j["environment"] for j in js]
    row = "%s | %d | %.3g [%.3g..%.3g] | %d%% | %d%% | %.3f" % (
        k, len(js), statistics.median(lat), min(lat), max(lat),
        round(100 * sum(e.get("protocol.warmedUp") == "false" for e in env) / len(js)),
        round(100 * sum(len(j["samplesMs"]) >= cap for j in js) / len(js)),
        statistics.median(float(e["protocol.ciWidth"]) for e in env))
    pairs = [(first[(r["candidateId"][: -len("-repeat")], k)], r) for r in repeat
             if key(r) == k and (r["candidateId"][: -len("-repeat")], k) in first]
    if pairs:
        def agree(w, norm):
            f = (lambda j: j["latencyMs"] / float(j["environment"]["calibrationMs"])) if norm else (lambda j: j["latencyMs"])
            return sum(abs(f(r) / f(a) - 1) <= w for a, r in pairs)
        row += " | %d/%d, %d/%d | %d/%d, %d/%d" % (
            agree(0.05, False), len(pairs), agree(0.1, False), len(pairs),
            agree(0.05, True), len(pairs), agree(0.1, True), len(pairs))
    print(row)
if repeat:
    all_pairs = [(first[(r["candidateId"][: -len("-repeat")], key(r))], r) for r in repeat
                 if (r["candidateId"][: -len("-repeat")], key(r)) in first]
    for w in (0.05, 0.1):
        n = sum(abs(r["latencyMs"] / a["latencyMs"] - 1) <= w for a, r in all_pairs)
        print("all repeats within +-%d%%: %d/%d (%.0f%%)" % (round(100 * w), n, len(all_pairs), 100 * n / len(all_pairs)))
