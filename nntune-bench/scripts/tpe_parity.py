#!/usr/bin/python3
"""Is nntune's TPE (or CMA-ES) Optuna 3.1's, in distribution? Many seeds, per-seed values, a rank test.

Run mode: Optuna 3.1 on ../shared/bench/optuna_quality.py's functions (same objectives and
bounds), one JSON line per function with every seed's best value after 100 and 300 trials.
  --sampler tpe | tpe-proper | tpe-mv | cmaes
    tpe-proper patches Optuna 3.1's _truncnorm.logpdf to include the kernels' 1/sigma (the fix
    of Optuna 3.5, issue 5109); tpe-mv is TPESampler(multivariate=True).
  /usr/bin/python3 tpe_parity.py run --sampler tpe --first-seed 10 --seeds 40 > optuna_tpe.jsonl

Compare mode: reads those lines and the stderr of
  SearchQuality --per-seed --seeds 100 --samplers tpe,... 2> nntune.err
and prints, per (function, nntune sampler, budget), both medians, the probability that a random
nntune run ends below a random Optuna run, and the two-sided Mann-Whitney U p-value.
  /usr/bin/python3 tpe_parity.py compare optuna_tpe.jsonl[,more.jsonl] nntune.err
"""
import argparse
import json
import os
import re
import statistics
import sys


def run(a):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "bench"))
    import numpy as np
    import optuna
    import optuna_quality as oq
    from optuna.samplers._tpe import _truncnorm, parzen_estimator
    if a.sampler == "tpe-proper":
        unscaled = _truncnorm.logpdf

        def logpdf(x, lo, hi, loc=0, scale=1):
            return unscaled(x, lo, hi, loc=loc, scale=scale) - np.log(scale)
        parzen_estimator.truncnorm.logpdf = logpdf
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    import warnings
    warnings.simplefilter("ignore")
    for f in a.funcs.split(","):
        per_seed = []
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            if a.sampler == "cmaes":
                s = optuna.samplers.CmaEsSampler(seed=seed)
            else:
                s = optuna.samplers.TPESampler(seed=seed, multivariate=a.sampler == "tpe-mv")
            study = optuna.create_study(sampler=s)
            if f == "mixed":
                obj = oq.mixed
            else:
                fn, bounds = oq.CONT[f]
                obj = lambda t: fn([t.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)])
            best = {}

            def cb(st, tr):
                if tr.number + 1 in (100, 300):
                    best[tr.number + 1] = st.best_value
            study.optimize(obj, n_trials=300, callbacks=[cb])
            per_seed.append(best)
        print(json.dumps({"func": f, "sampler": a.sampler, "first_seed": a.first_seed,
                          "best@100": [b[100] for b in per_seed], "best@300": [b[300] for b in per_seed]}), flush=True)


def compare(a):
    from scipy.stats import mannwhitneyu
    ref = {}
    for path in a.optuna.split(","):  # several files (seed ranges) are pooled per function
        for line in open(path):
            d = json.loads(line)
            r = ref.setdefault(d["func"], ([], [], d["sampler"]))
            r[0].extend(d["best@100"])
            r[1].extend(d["best@300"])
    for line in open(a.nntune):
        m = re.match(r"(\S+) (\S+) \{.*\} \(.*\) @100 \[(.*)\] @300 \[(.*)\]", line)
        if not m or m[1] not in ref:
            continue
        ours = ([float(x) for x in m[3].split(",")], [float(x) for x in m[4].split(",")])
        for k, budget in enumerate((100, 300)):
            x, y = ours[k], ref[m[1]][k]
            p_below = sum((xi < yi) + 0.5 * (xi == yi) for xi in x for yi in y) / (len(x) * len(y))
            p = mannwhitneyu(x, y, alternative="two-sided").pvalue
            print(f"{m[1]:12s} nntune {m[2]:10s} vs optuna {ref[m[1]][2]:6s} @{budget}: medians "
                  f"{statistics.median(x):.6g} (n={len(x)}) vs {statistics.median(y):.6g} (n={len(y)}); "
                  f"P(nntune < optuna) = {p_below:.2f}; Mann-Whitney p = {p:.3f}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("run")
    r.add_argument("--sampler", default="tpe", choices=["tpe", "tpe-proper", "tpe-mv", "cmaes"])
    r.add_argument("--funcs", default="branin,hartmann6,rosenbrock5,mixed")
    r.add_argument("--first-seed", type=int, default=0)
    r.add_argument("--seeds", type=int, default=40)
    c = sub.add_parser("compare")
    c.add_argument("optuna", help="Optuna's run output(s), comma-separated")
    c.add_argument("nntune")
    a = ap.parse_args()
    run(a) if a.mode == "run" else compare(a)


if __name__ == "__main__":
    main()
