#!/usr/bin/python3
"""One simulated Optuna worker against Optuna's RDB storage: the reference of
org.nntune.bench.storage.StorageCeiling, which starts several of these at once.

The objective costs nothing (a sum of squares of four floats and a categorical), the sampler is
TPE (Optuna's defaults, seeded per worker), so what a trial costs is the storage and the sampler's
reads. The worker loads the study, prints "ready", waits for a line on standard input (so that all
workers start together, their imports done), runs --trials trials with ask/tell and prints one JSON
line: start and end (epoch seconds), the ask (ask + suggestions) and tell latencies in ms, errors.

  /usr/bin/python3 optuna_ceiling.py --url postgresql://postgres@127.0.0.1:5432/nntune_ceiling \
      --study S --create                      # once: create the study (and Optuna's tables)
  /usr/bin/python3 optuna_ceiling.py --url ... --study S --trials 128 --seed 3
"""
import argparse
import json
import sys
import time
import traceback
import warnings

import optuna


def objective_value(trial):
    xs = [trial.suggest_float("x%d" % i, -5.0, 5.0) for i in range(4)]
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    return sum(x * x for x in xs) + (0.0 if c == "b" else 1.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--study", required=True)
    ap.add_argument("--create", action="store_true")
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore")
    if args.create:
        optuna.create_study(study_name=args.study, storage=args.url, direction="minimize")
        print(json.dumps({"created": args.study}))
        return
    sampler = optuna.samplers.TPESampler(seed=args.seed)
    study = optuna.load_study(study_name=args.study, storage=args.url, sampler=sampler)
    print("ready", flush=True)
    sys.stdin.readline()
    ask_ms, tell_ms, errors, first_error = [], [], 0, None
    start = time.time()
    for _ in range(args.trials):
        try:
            a = time.perf_counter()
            trial = study.ask()
            value = objective_value(trial)
            b = time.perf_counter()
            study.tell(trial, value)
            c = time.perf_counter()
            ask_ms.append((b - a) * 1000.0)
            tell_ms.append((c - b) * 1000.0)
        except Exception:  # counted: the benchmark's target is none
            errors += 1
            if first_error is None:
                first_error = traceback.format_exc(limit=3)
    end = time.time()
    print(json.dumps({"start": start, "end": end, "ask_ms": ask_ms, "tell_ms": tell_ms, "errors": errors,
                      "first_error": first_error, "optuna": optuna.__version__}), flush=True)


if __name__ == "__main__":
    main()
