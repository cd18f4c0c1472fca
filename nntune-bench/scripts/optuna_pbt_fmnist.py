#!/usr/bin/python3
"""The Optuna + PyTorch side of org.nntune.bench.search.PbtFmnist: Optuna's TPE (seeded) with its
MedianPruner tuning the same 784-128-10 MLP (ReLU, Adam, pixels in [0, 1]) on Fashion-MNIST at
the same epoch budget as PBT (population x epochs, 8 x 8 = 64 by default): trials of up to
--epochs epochs, the validation accuracy reported after every epoch, until the epochs trained
reach the budget.

Space as PbtFmnist's: lr log [1e-4, 1e-1], weight_decay (torch's L2) log [1e-6, 1e-2], dropout
[0, 0.5] after the hidden ReLU, batch size {32, 64, 128, 256}. Train on the first 50k training
images, validate on the last 10k; the test accuracy is that of the trained model of the trial
with the best final validation accuracy among those that trained every epoch (as PbtFmnist's
TPE + ASHA arm). Prints one JSON line with the medians over the seeds and every run. Usage:
  /usr/bin/python3 optuna_pbt_fmnist.py [--seeds 0,1,2] [--epochs 8] [--budget 64] [--threads 1]
"""
import argparse
import json
import os
import statistics
import sys
import time

import optuna
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optuna_fmnist import LoadMeter, accuracy, load_fmnist, make_model, train_epoch  # noqa: E402


class BudgetSpent(Exception):
    pass


def run(seed, epochs, budget, xall, yall, xte, yte):
    xtr, ytr = xall[:50000], yall[:50000]
    xva, yva = xall[50000:], yall[50000:]
    used = [0]
    best = {"val": -1.0, "state": None, "params": None}

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        wd = trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True)
        dropout = trial.suggest_float("dropout", 0.0, 0.5)
        bs = trial.suggest_categorical("batch_size", [32, 64, 128, 256])
        torch.manual_seed(seed * 1000 + trial.number)
        gen = torch.Generator().manual_seed(seed * 1000 + trial.number)
        model = make_model(128, dropout)
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=wd)
        acc = float("nan")
        for ep in range(epochs):
            train_epoch(model, opt, xtr, ytr, bs, gen)
            used[0] += 1
            acc = accuracy(model, xva, yva)
            if used[0] >= budget:
                trial.study.stop()
            trial.report(acc, ep)
            if trial.should_prune():
                raise optuna.TrialPruned()
        if acc > best["val"]:
            best.update(val=acc, state={k: v.clone() for k, v in model.state_dict().items()}, params=dict(trial.params))
        return acc

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed),
                                pruner=optuna.pruners.MedianPruner())
    meter = LoadMeter()
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=10_000)
    wall = time.perf_counter() - t0
    model = make_model(128, best["params"]["dropout"])
    model.load_state_dict(best["state"])
    states = [t.state for t in study.trials]
    return {"seed": seed, "test_acc": round(accuracy(model, xte, yte), 4), "val_acc": round(best["val"], 4),
            "wall_s": round(wall, 1), "epochs": used[0], "trials": len(study.trials),
            "pruned": states.count(optuna.trial.TrialState.PRUNED), "load": meter.stop(),
            "loadavg_1m": os.getloadavg()[0],
            "best_params": {k: (round(v, 6) if isinstance(v, float) else v) for k, v in best["params"].items()}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--budget", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    xall, yall, xte, yte = load_fmnist()
    runs = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        r = run(seed, args.epochs, args.budget, xall, yall, xte, yte)
        print(json.dumps(r), file=sys.stderr, flush=True)
        runs.append(r)
    print(json.dumps({"script": "optuna_pbt_fmnist.py", "torch": torch.__version__, "optuna": optuna.__version__,
                      "threads": torch.get_num_threads(), "epoch_budget": args.budget,
                      "test_acc": statistics.median(r["test_acc"] for r in runs),
                      "wall_s": statistics.median(r["wall_s"] for r in runs), "runs": runs}))


if __name__ == "__main__":
    main()
