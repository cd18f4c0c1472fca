#!/usr/bin/python3
"""Anchor 3: pure sampler/storage overhead of Optuna on a cheap analytic objective.

Objective (minimize): 5-d Rosenbrock over x0..x4 in [-5, 5] (suggest_float) plus an
offset from one categorical c in {"a": 0.0, "b": 0.5, "c": 1.0}; optimum 0 at x=1, c="a".
Configurations, each a fresh study per N (N in --ns, default 100,500,1000), all seed 0:
  tpe_mem      TPESampler(seed=0), in-memory storage
  random_mem   RandomSampler(seed=0), in-memory storage
  tpe_sqlite   TPESampler(seed=0), RDB storage sqlite:////tmp/x.db (file deleted before each run)
  cmaes_mem    CmaEsSampler(seed=0), in-memory (needs the numpy-only `cmaes` package;
               the categorical is sampled independently by its fallback RandomSampler)
  random_sqlite, tpe_pg, random_pg   the same samplers on SQLite / PostgreSQL storage; storage
               overhead per trial = (random_<storage> - random_mem) / N.  PostgreSQL needs
               Debian's python3-psycopg2 and --pg-url (default postgresql://postgres@127.0.0.1:5432/test);
               each run uses a fresh study name.
Reported per (config, N): wall seconds of study.optimize, seconds per 100 trials
(= wall / N * 100), and the marginal wall seconds of each block of 100 trials (from
per-trial callback timestamps) so the growth of per-trial cost with N is visible;
best value found.  --repeats R repeats everything R times (fresh studies, same seeds).
Optuna logging is set to ERROR.  Prints one JSON line at the end.
nntune copy (nntune-bench/scripts): the same, plus a "figures" object of scalars for compare.sh,
per config@N: s_per_100, ms_per_trial_last100 (wall of the last block of 100 trials, in ms per
trial), ms_per_trial_median100 (the median block) and cpu_ms_per_trial_last100 (process CPU time of
the last block, less sensitive to other jobs on the machine), medians over repeats; TunerOverhead
(the nntune side) prints the same keys.  Usage:
  /usr/bin/python3 optuna_overhead.py [--ns 100,500,1000] [--configs ...] [--repeats 1]
                                      [--db-path /tmp/x.db]
"""
import argparse
import json
import os
import time
import warnings

import optuna

DB_PATH = "/tmp/x.db"  # --db-path overrides
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"  # --pg-url overrides
OFFSET = {"a": 0.0, "b": 0.5, "c": 1.0}


class LoadMeter:
    """Wall time, own CPU time and whole-machine busy CPU time (from /proc/stat) over a
    span; foreign_cpu_s = machine busy - own, i.e. roughly what other processes used."""

    def __init__(self):
        self.t0, self.own0, self.busy0 = time.perf_counter(), self._own(), self._busy()

    @staticmethod
    def _own():
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    @staticmethod
    def _busy():
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:9]]
            return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return float("nan")

    def stop(self):
        wall = time.perf_counter() - self.t0
        own = self._own() - self.own0
        busy = self._busy() - self.busy0
        return {"wall_s": round(wall, 2), "own_cpu_s": round(own, 2),
                "foreign_cpu_s": round(busy - own, 2)}


def objective(trial):
    xs = [trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(5)]
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    r = sum(100.0 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1.0 - xs[i]) ** 2 for i in range(4))
    return r + OFFSET[c]


def make_study(config, seed):
    storage = None
    if config.startswith("tpe"):
        sampler = optuna.samplers.TPESampler(seed=seed)
    elif config.startswith("random"):
        sampler = optuna.samplers.RandomSampler(seed=seed)
    elif config == "cmaes_mem":
        sampler = optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    else:
        raise ValueError(config)
    if config.endswith("_sqlite"):
        for suffix in ("", "-journal", "-wal", "-shm"):
            if os.path.exists(DB_PATH + suffix):
                os.remove(DB_PATH + suffix)
        storage = "sqlite:///" + DB_PATH
    name = None
    if config.endswith("_pg"):
        storage = PG_URL
        name = "overhead-%s-%d" % (config, time.time_ns())
    return optuna.create_study(direction="minimize", sampler=sampler, storage=storage, study_name=name)


def run_one(config, n, seed):
    stamps = []
    cpu_stamps = []
    cb = lambda study, trial: (stamps.append(time.perf_counter()), cpu_stamps.append(time.process_time()))
    t_create = time.perf_counter()
    study = make_study(config, seed)
    create_s = time.perf_counter() - t_create
    t0 = time.perf_counter()
    c0 = time.process_time()
    study.optimize(objective, n_trials=n, callbacks=[cb])
    wall = time.perf_counter() - t0
    blocks, prev = [], t0
    cpu_blocks, cprev = [], c0
    for k in range(100, n + 1, 100):
        blocks.append(round(stamps[k - 1] - prev, 3))
        prev = stamps[k - 1]
        cpu_blocks.append(round(cpu_stamps[k - 1] - cprev, 4))
        cprev = cpu_stamps[k - 1]
    return {
        "config": config, "n": n,
        "wall_s": round(wall, 3),
        "s_per_100": round(wall / n * 100, 3),
        "block100_s": blocks,          # wall seconds of trials 1-100, 101-200, ...
        "cpu_block100_s": cpu_blocks,  # nntune copy: process CPU seconds of the same blocks
        "create_study_s": round(create_s, 3),
        "best_value": study.best_value,
        "best_c": study.best_params["c"],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ns", default="100,500,1000")
    ap.add_argument("--configs", default="tpe_mem,random_mem,tpe_sqlite,cmaes_mem")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--db-path", default=DB_PATH, help="SQLite file for *_sqlite")
    ap.add_argument("--pg-url", default=PG_URL, help="PostgreSQL URL for *_pg")
    args = ap.parse_args()
    globals()["DB_PATH"] = args.db_path
    globals()["PG_URL"] = args.pg_url

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    try:
        import cmaes
        cmaes_version = cmaes.__version__
    except Exception as e:
        cmaes_version = repr(e)

    meter = LoadMeter()
    results = []
    for rep in range(args.repeats):
        for config in args.configs.split(","):
            for n in (int(v) for v in args.ns.split(",")):
                try:
                    m = LoadMeter()
                    r = run_one(config, n, args.seed)
                    r["foreign_cpu_s"] = m.stop()["foreign_cpu_s"]
                except Exception as e:  # e.g. CMA-ES unavailable
                    r = {"config": config, "n": n, "error": repr(e)}
                r["repeat"] = rep
                results.append(r)
    if os.path.exists(DB_PATH):
        os.remove(DB_PATH)

    summary = {}
    for r in results:
        if "error" in r:
            continue
        key = f"{r['config']}@{r['n']}"
        summary.setdefault(key, {"s_per_100": [], "best_value": []})
        summary[key]["s_per_100"].append(r["s_per_100"])
        summary[key]["best_value"].append(round(r["best_value"], 4))

    figures = {}
    for r in results:
        if "error" in r:
            continue
        key = f"{r['config']}@{r['n']}"
        f = figures.setdefault(key, {"s_per_100": [], "ms_per_trial_last100": [],
                                     "ms_per_trial_median100": [], "cpu_ms_per_trial_last100": []})
        f["s_per_100"].append(r["s_per_100"])
        f["ms_per_trial_last100"].append(r["block100_s"][-1] * 10.0)
        f["ms_per_trial_median100"].append(sorted(r["block100_s"])[len(r["block100_s"]) // 2] * 10.0)
        f["cpu_ms_per_trial_last100"].append(r["cpu_block100_s"][-1] * 10.0)
    for f in figures.values():
        for k in list(f):
            f[k] = sorted(f[k])[len(f[k]) // 2]

    print(json.dumps({
        "script": "optuna_overhead.py",
        "figures": figures,
        "optuna": optuna.__version__, "cmaes": cmaes_version, "db_path": DB_PATH,
        "summary": summary,
        "runs": results,
        "load": meter.stop(),
    }))


if __name__ == "__main__":
    main()
