#!/usr/bin/env python3
"""Learning curve of the latency model on one harness file (with the noise floor of repeated measurements).

usage: tools/latency-learning-curve.py data/x86-1thread-numpy.jsonl [MORE.jsonl ...]   (from the project root)
The files are read as one (e.g. a main pass and a repeat pass, whose ids end in -repeat).
Every third candidate (in file order) is held out as the test set; the model is fitted on the
first N of the others for growing N, with and without drift normalisation, and scored with
`./hilnas model evaluate`; then again with the training set dealt to five runs of different speeds,
named and not. The noise floor is the agreement of the file's repeated measurements.
"""
import json, os, subprocess, sys
L=[json.loads(l) for src in sys.argv[1:] for l in open(src) if l.strip()]
cands=[]
for j in L:
    c=j['candidateId']
    if not c.endswith('-repeat') and c not in cands: cands.append(c)
test_ids=set(c for i,c in enumerate(cands) if i%3==2)
train_ids=[c for i,c in enumerate(cands) if i%3!=2]
def write(path, lines, calib):
    with open(path,'w') as f:
        for j in lines:
            j=dict(j)
            if not calib: j.pop('environment',None)
            f.write(json.dumps(j)+'\n')
# test set: held-out candidates and their repeats (repeats give the noise floor)
write('/tmp/hilnas-curve-one-test.jsonl',[j for j in L if j['candidateId'].replace('-repeat','') in test_ids],True)
def floor(lines, calib, within=0.1):
    by={}
    for j in lines:
        v=j['latencyMs']/(float(j['environment']['calibrationMs']) if calib else 1)
        by.setdefault((j['candidateId'].replace('-repeat',''),j['phase'],j['contextLength']),[]).append(v)
    pairs=agree=0
    for vs in by.values():
        for i in range(len(vs)):
            for k in range(i+1,len(vs)):
                pairs+=1; agree+= max(vs[i],vs[k])<=(1+within)*min(vs[i],vs[k])
    return pairs, round(agree/max(pairs,1),3)
print('candidates', len(cands), 'train', len(train_ids), 'test', len(test_ids))
for w in (0.05, 0.1):
    print('noise floor within %d%%, all repeats (pairs, agreeing): raw' % round(100*w), floor(L,False,w), 'calibrated', floor(L,True,w))
sizes=[n for n in (10,20,30,50,100,200) if n<len(train_ids)]+[len(train_ids)]
for calib in (False, True):
    for n in sizes:
        keep=set(train_ids[:n])
        write('/tmp/hilnas-curve-one-tr.jsonl',[j for j in L if j['candidateId'] in keep],calib)
        out=subprocess.run(['./hilnas','model','evaluate','--train','/tmp/hilnas-curve-one-tr.jsonl','--test','/tmp/hilnas-curve-one-test.jsonl','--json']+(['--normalise-drift'] if calib else []),capture_output=True,text=True,cwd=os.getcwd()).stdout.strip().splitlines()[-1]
        j=json.loads(out)
        rows=' '.join('%s %.1f%%/%.1f%%/%.4f' % (t['phase'][:3], 100*t['within10'],100*t['mape'],t['spearman']) for t in j['targets'])
        o=j['overall']
        print('calib=%-5s n=%3d  within10 %.1f%% MAPE %.1f%% spearman %.4f | %s' % (calib,n,100*o['within10'],100*o['mape'],o['spearman'],rows))


# --- drift between runs, on the same real data: the training candidates are dealt to five runs
# whose speeds differ (0.86x to 1.16x, every latency of a run scaled alike); the test set is as
# measured (a typical run). With the run named (environment.runId) the model learns each run's
# speed as a random effect; without, the drift is only noise to it.
RUN_SPEEDS = (-0.15, -0.05, 0, 0.05, 0.15)
def in_runs(lines, named):
    out = []
    for j in lines:
        run = train_ids.index(j['candidateId']) % len(RUN_SPEEDS)
        f = 2.718281828459045 ** RUN_SPEEDS[run]
        j = dict(j, latencyMs=j['latencyMs'] * f, samplesMs=[v * f for v in j.get('samplesMs', [])])
        j['environment'] = {'runId': 'run%d' % run} if named else {}
        out.append(j)
    return out
for named in (True, False):
    for n in (10, 20, 50, len(train_ids)):
        keep = set(train_ids[:n])
        with open('/tmp/hilnas-curve-one-tr.jsonl', 'w') as f:
            for j in in_runs([j for j in L if j['candidateId'] in keep], named):
                f.write(json.dumps(j) + '\n')
        out = subprocess.run(['./hilnas', 'model', 'evaluate', '--train', '/tmp/hilnas-curve-one-tr.jsonl', '--test', '/tmp/hilnas-curve-one-test.jsonl', '--json'], capture_output=True, text=True, cwd=os.getcwd()).stdout.strip().splitlines()[-1]
        j = json.loads(out)
        o = j['overall']
        spread = ' '.join('%s %.3f' % (t['phase'][:3], t.get('runSpread', 0)) for t in j['targets'])
        print('5 runs, runId=%-5s n=%3d  within10 %.1f%% MAPE %.1f%% spearman %.4f in interval %.1f%% | run spread %s' % (named, n, 100 * o['within10'], 100 * o['mape'], o['spearman'], 100 * o['coverage'], spread))


# --- baseline measured in the same run: a Gaussian process on architecture knobs (the
# MobileLLM-Flash latency model), log latency, RBF kernel, hyperparameters by marginal likelihood
import numpy as np


def knobs(j):
    c = j['candidate']
    a = c.get('attention') or 'G' * c['layers']
    return [c['layers'], c['dModel'], c['nHeads'], c['nKvHeads'], c['headDim'], c['ffnDim'],
            np.log(c['vocabSize']), a.count('L'), a.count('S'), np.log(c.get('window') or 1),
            np.log(j['contextLength'])]


def gp_predict(train_lines, test_lines):
    X = np.array([knobs(j) for j in train_lines], float)
    y = np.log([j['latencyMs'] for j in train_lines])
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Xs, Ts = (X - mu) / sd, (np.array([knobs(j) for j in test_lines], float) - mu) / sd
    ym = y.mean()
    best = None
    for ell in (0.5, 1, 2, 4, 8):
        for noise in (1e-3, 1e-2, 1e-1):
            K = np.exp(-0.5 * ((Xs[:, None] - Xs[None]) ** 2).sum(-1) / ell ** 2) + noise * np.eye(len(Xs))
            try:
                L = np.linalg.cholesky(K)
            except np.linalg.LinAlgError:
                continue
            alpha = np.linalg.solve(L.T, np.linalg.solve(L, y - ym))
            lml = -0.5 * (y - ym) @ alpha - np.log(np.diag(L)).sum()
            if best is None or lml > best[0]:
                best = (lml, ell, alpha)
    _, ell, alpha = best
    Ks = np.exp(-0.5 * ((Ts[:, None] - Xs[None]) ** 2).sum(-1) / ell ** 2)
    return np.exp(ym + Ks @ alpha)


test = [j for j in L if j['candidateId'].replace('-repeat', '') in test_ids]
print('baseline GP (per phase, same split):')
for n in sizes:
    keep = set(train_ids[:n])
    within = ape = total = 0
    for phase in ('PREFILL', 'DECODE'):
        tr = [j for j in L if j['candidateId'] in keep and j['phase'] == phase]
        te = [j for j in test if j['phase'] == phase]
        pred = gp_predict(tr, te)
        meas = np.array([j['latencyMs'] for j in te])
        rel = np.abs(pred - meas) / meas
        within += (rel <= 0.1).sum(); ape += rel.sum(); total += len(te)
    print('GP          n=%3d  within10 %.1f%% MAPE %.1f%%' % (n, 100 * within / total, 100 * ape / total))
