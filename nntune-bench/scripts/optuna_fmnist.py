#!/usr/bin/python3
"""Copy of ../shared/bench/optuna_fmnist.py for nntune-bench (the reference side of
org.nntune.bench.search.OptunaFmnist); the changes: --seed-counter FILE (one seed per run, in turn, so that compare.sh's
pair p runs seed p-1 on both sides) and --seeds runs the study once per seed (data
loaded once) and prints the medians over the seeds (study_wall_s, test_acc_best_trial_model, ...)
with the per-seed results under "runs"; --space lr searches only the learning rate (see LR_ONLY).
The original's description follows.

Anchor 2: Optuna TPE (seed 0) + MedianPruner tuning of a 784-H-10 MLP on Fashion-MNIST.

Train on the first 50k of the train set, validate on the last 10k, 3 epochs per trial,
validation accuracy reported to the pruner after every epoch, 20 trials.
Search space:
  lr            log-uniform [1e-4, 1e-1]
  hidden        categorical {64, 128, 256}
  batch_size    categorical {32, 64, 128, 256}
  optimizer     categorical {sgd (momentum 0.9), adam, rmsprop}
  weight_decay  log-uniform [1e-6, 1e-2]   (torch optimizers' L2 weight_decay)
  dropout       uniform [0, 0.5]           (after the hidden ReLU)
Model: Linear(784,H) -> ReLU -> Dropout -> Linear(H,10), softmax cross-entropy.
Pixels scaled to [0,1]; minibatches by index from in-memory float32 tensors (no DataLoader);
torch.manual_seed(seed + trial.number) per trial.
Reported: total wall seconds of study.optimize, trials complete/pruned, best validation
accuracy, test accuracy (10k test set) of the best trial's own trained model, plus -- as an
extra, timed separately -- test accuracy after retraining the best params for 3 epochs on
all 60k.  Prints one JSON line at the end.  Usage:
  /usr/bin/python3 optuna_fmnist.py [--trials 20] [--epochs 3] [--seeds 0,1,2,3,4] [--threads 2]
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import sys
import time

import numpy as np
import optuna
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA_DIR = "/usr/share/datasets/fashion-mnist"
ENV_KEYS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY")


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


def load_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fmnist():
    xtr = load_idx(os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz"))
    ytr = load_idx(os.path.join(DATA_DIR, "train-labels-idx1-ubyte.gz"))
    xte = load_idx(os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz"))
    yte = load_idx(os.path.join(DATA_DIR, "t10k-labels-idx1-ubyte.gz"))
    f = lambda x: torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 255.0)
    g = lambda y: torch.from_numpy(y.astype(np.int64))
    return f(xtr), g(ytr), f(xte), g(yte)


def make_model(hidden, dropout):
    return nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(hidden, 10))


def make_opt(name, params, lr, wd):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=wd)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=wd)
    raise ValueError(name)


def train_epoch(model, opt, x, y, bs, gen):
    model.train()
    perm = torch.randperm(len(x), generator=gen)
    for i in range(0, len(x), bs):
        idx = perm[i:i + bs]
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x[idx]), y[idx]).backward()
        opt.step()


@torch.no_grad()
def accuracy(model, x, y, bs=10000):
    model.eval()
    correct = 0
    for i in range(0, len(x), bs):
        correct += (model(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum().item()
    return correct / len(x)


def threadpools():
    try:
        import threadpoolctl
        return [f"{d['internal_api']}:{d['num_threads']}" for d in threadpoolctl.threadpool_info()]
    except Exception as e:  # optional dependency
        return repr(e)


# --space lr: only the learning rate is searched, log-uniform [1e-5, 1e-1]; the rest is fixed
# (Adam, 784-128-10, batch 64, no weight decay, no dropout), the side of
# org.nntune.bench.search.HypergradientFmnist
LR_ONLY = {"hidden": 128, "batch_size": 64, "optimizer": "adam", "weight_decay": 0.0, "dropout": 0.0}


def run(args, xall, yall, xte, yte):
    np.random.seed(args.seed)
    xtr, ytr = xall[:50000], yall[:50000]
    xva, yva = xall[50000:], yall[50000:]

    models, records = {}, []

    def objective(trial):
        t0 = time.perf_counter()
        if args.space == "lr":
            lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
            hidden, bs, opt_name, wd, dropout = (LR_ONLY[k] for k in ("hidden", "batch_size", "optimizer",
                                                                       "weight_decay", "dropout"))
        else:
            lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
            hidden = trial.suggest_categorical("hidden", [64, 128, 256])
            bs = trial.suggest_categorical("batch_size", [32, 64, 128, 256])
            opt_name = trial.suggest_categorical("optimizer", ["sgd", "adam", "rmsprop"])
            wd = trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True)
            dropout = trial.suggest_float("dropout", 0.0, 0.5)

        torch.manual_seed(args.seed + trial.number)
        gen = torch.Generator().manual_seed(args.seed + trial.number)
        model = make_model(hidden, dropout)
        opt = make_opt(opt_name, model.parameters(), lr, wd)
        rec = {"n": trial.number, "val_acc": [], "train_s": 0.0}
        records.append(rec)
        try:
            for ep in range(args.epochs):
                te = time.perf_counter()
                train_epoch(model, opt, xtr, ytr, bs, gen)
                rec["train_s"] += time.perf_counter() - te
                acc = accuracy(model, xva, yva)
                rec["val_acc"].append(round(acc, 4))
                trial.report(acc, ep)
                if trial.should_prune():
                    rec["state"] = "PRUNED"
                    raise optuna.TrialPruned()
            rec["state"] = "COMPLETE"
            models[trial.number] = {k: v.clone() for k, v in model.state_dict().items()}
            return acc
        finally:
            rec["objective_s"] = round(time.perf_counter() - t0, 3)
            rec["train_s"] = round(rec["train_s"], 3)
            rec["params"] = {k: (round(v, 6) if isinstance(v, float) else v)
                             for k, v in trial.params.items()}

    sampler = optuna.samplers.TPESampler(seed=args.seed)
    pruner = optuna.pruners.MedianPruner()
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)
    meter = LoadMeter()
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=args.trials)
    study_s = time.perf_counter() - t0
    load = meter.stop()

    states = [t.state for t in study.trials]
    best = study.best_trial
    hp = dict(LR_ONLY, **best.params) if args.space == "lr" else best.params
    model = make_model(hp["hidden"], hp["dropout"])
    model.load_state_dict(models[best.number])
    test_acc_best = accuracy(model, xte, yte)

    # extra: retrain best params on all 60k for the same number of epochs
    t1 = time.perf_counter()
    torch.manual_seed(args.seed + 12345)
    gen = torch.Generator().manual_seed(args.seed + 12345)
    model2 = make_model(hp["hidden"], hp["dropout"])
    opt2 = make_opt(hp["optimizer"], model2.parameters(), hp["lr"], hp["weight_decay"])
    for _ in range(args.epochs):
        train_epoch(model2, opt2, xall, yall, hp["batch_size"], gen)
    test_acc_retrain = accuracy(model2, xte, yte)
    retrain_s = time.perf_counter() - t1

    obj_total = sum(r["objective_s"] for r in records)
    return {
        "script": "optuna_fmnist.py",
        "torch": torch.__version__, "optuna": optuna.__version__,
        "threads": torch.get_num_threads(),
        "env": {k: os.environ.get(k) for k in ENV_KEYS},
        "threadpools": threadpools(),
        "trials": args.trials, "epochs_per_trial": args.epochs,
        "study_wall_s": round(study_s, 2),
        "sum_objective_s": round(obj_total, 2),
        "optuna_overhead_s": round(study_s - obj_total, 3),
        "epochs_trained_total": sum(len(r["val_acc"]) for r in records),
        "complete": states.count(optuna.trial.TrialState.COMPLETE),
        "pruned": states.count(optuna.trial.TrialState.PRUNED),
        "failed": states.count(optuna.trial.TrialState.FAIL),
        "best_trial": best.number,
        "best_val_acc": round(best.value, 4),
        "test_acc_best_trial_model": round(test_acc_best, 4),
        "test_acc_best_params_retrained_60k": round(test_acc_retrain, 4),
        "retrain_60k_s": round(retrain_s, 2),
        "best_params": {k: (round(v, 6) if isinstance(v, float) else v) for k, v in hp.items()},
        "load": load,
        "trial_log": records,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--space", choices=["full", "lr"], default="full",
                    help="lr: search only the learning rate in [1e-5, 1e-1] (Adam, 784-128-10, batch 64)")
    ap.add_argument("--seed-counter", default=None,
                    help="one seed per run, in turn: run r (counted in this file) uses seeds[r %% len(seeds)]")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.seed_counter:
        r = int(open(args.seed_counter).read().strip()) if os.path.exists(args.seed_counter) else 0
        with open(args.seed_counter, "w") as f:
            f.write(str(r + 1))
        seeds = [seeds[r % len(seeds)]]

    torch.set_num_threads(args.threads)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    xall, yall, xte, yte = load_fmnist()
    runs = []
    for seed in seeds:
        args.seed = seed
        r = run(args, xall, yall, xte, yte)
        print(f"seed {seed}: {r['study_wall_s']} s, test {r['test_acc_best_trial_model']}, val {r['best_val_acc']}, "
              f"{r['complete']} complete, {r['pruned']} pruned, best {r['best_params']}", file=sys.stderr)
        runs.append(r)
    out = {k: runs[0][k] for k in ("script", "torch", "optuna", "threads", "env", "threadpools", "trials",
                                    "epochs_per_trial")}
    for k in ("study_wall_s", "test_acc_best_trial_model", "best_val_acc", "complete", "pruned",
              "epochs_trained_total"):
        out[k] = statistics.median(r[k] for r in runs)
    for r in runs:
        r.pop("trial_log", None)
    out["runs"] = runs
    print(json.dumps(out))


if __name__ == "__main__":
    main()
