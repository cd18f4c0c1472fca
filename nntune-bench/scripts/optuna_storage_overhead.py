#!/usr/bin/python3
"""Optuna's storage overhead, the reference of org.nntune.bench.storage.StorageOverhead.

Runs optuna_overhead.py's configurations random_mem, random_sqlite and random_pg (random sampler,
seed 0, 5-d Rosenbrock + a categorical) for each N in --ns, and prints optuna_overhead.py's JSON
plus scalar figures compare.sh can read:
  ms_per_trial.<config>_<N>           wall ms per trial over the whole run
  last_block_ms_per_trial.<config>_<N> ms per trial in the last block of 100 trials (the cost at trial N)
  overhead_ms.<storage>_<N>           storage overhead per trial: random_<storage> - random_mem (whole run)
  last_block_overhead_ms.<storage>_<N> the same in the last block of 100
Usage: /usr/bin/python3 optuna_storage_overhead.py [--ns 100,1000] [--storages sqlite,pg]
       [--db-path /tmp/x.db] [--pg-url postgresql://postgres@127.0.0.1:5432/test]
"""
import argparse
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optuna  # noqa: E402
import optuna_overhead as ref  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ns", default="100,1000")
    ap.add_argument("--storages", default="sqlite,pg")
    ap.add_argument("--db-path", default="/tmp/optuna-storage-overhead.db")
    ap.add_argument("--pg-url", default=ref.PG_URL)
    args = ap.parse_args()
    ref.DB_PATH = args.db_path
    ref.PG_URL = args.pg_url
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

    configs = ["random_mem"] + ["random_" + s for s in args.storages.split(",")]
    meter = ref.LoadMeter()
    runs = []
    for n in (int(v) for v in args.ns.split(",")):
        for config in configs:
            m = ref.LoadMeter()
            r = ref.run_one(config, n, 0)
            r["foreign_cpu_s"] = m.stop()["foreign_cpu_s"]
            runs.append(r)
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(args.db_path + suffix):
            os.remove(args.db_path + suffix)
    print(json.dumps(figures("optuna_storage_overhead.py", optuna.__version__, runs, meter.stop())))


def figures(script, version, runs, load):
    """The output layout shared with the Java side."""
    out = {"script": script, "version": version, "summary": {}, "ms_per_trial": {}, "last_block_ms_per_trial": {},
           "overhead_ms": {}, "last_block_overhead_ms": {}, "runs": runs, "load": load}
    by = {}
    for r in runs:
        key = "%s_%d" % (r["config"], r["n"])
        by[key] = r
        out["summary"]["%s@%d" % (r["config"], r["n"])] = {"s_per_100": [r["s_per_100"]],
                                                            "best_value": [round(r["best_value"], 4)]}
        out["ms_per_trial"][key] = round(r["wall_s"] / r["n"] * 1000, 3)
        out["last_block_ms_per_trial"][key] = round(r["block100_s"][-1] * 10, 3)
    for key, r in by.items():
        if r["config"] == "random_mem":
            continue
        mem = by["random_mem_%d" % r["n"]]
        storage = r["config"][len("random_"):]
        out["overhead_ms"]["%s_%d" % (storage, r["n"])] = round(
            out["ms_per_trial"][key] - out["ms_per_trial"]["random_mem_%d" % r["n"]], 3)
        out["last_block_overhead_ms"]["%s_%d" % (storage, r["n"])] = round(
            (r["block100_s"][-1] - mem["block100_s"][-1]) * 10, 3)
    return out


if __name__ == "__main__":
    main()
