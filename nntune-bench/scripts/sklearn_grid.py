#!/usr/bin/python3
"""scikit-learn's GridSearchCV(MLPClassifier) documentation example on iris and digits, on the
rows nntune uses: adapted from ../shared/bench/sklearn_grid.py to read the canonical split and
the 5 folds of each seed from the JSON files that nntune writes
(org.nntune.bench.search.SklearnGrid --write-indices DIR), so both sides train and score on the
same rows.

For each data set and seed s:
  GridSearchCV(MLPClassifier(max_iter=1000, random_state=s), param_grid={
      'hidden_layer_sizes': [(50,), (100,), (150,)], 'activation': ['tanh', 'relu'],
      'alpha': [1e-4, 1e-3, 1e-2], 'learning_rate': ['constant', 'adaptive']},
      cv=<nntune's folds of seed s>, scoring='accuracy', n_jobs=-1).fit(X_train, y_train)
timed (grid.fit includes the refit), then the best estimator's test accuracy.  No input scaling
(as in the example).  Prints one JSON line with the medians over the seeds: iris_wall_s,
iris_test_accuracy, iris_best_score, digits_... and the runs.  Usage:
  /usr/bin/python3 sklearn_grid.py --indices DIR [--seeds 0,1,2,3,4] [--datasets iris,digits] [--seed-counter FILE]
With --seed-counter, one seed per run in turn (run r uses seeds[r mod 5]): compare.sh's pair p runs
seed p-1 on both sides, so the medians over 5 pairs are medians over seeds 0-4.
"""
import os

os.environ["PYTHONWARNINGS"] = "ignore"  # loky workers inherit it: ConvergenceWarnings are not printed

import argparse
import json
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits, load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier

PARAM_GRID = {
    "hidden_layer_sizes": [(50,), (100,), (150,)],
    "activation": ["tanh", "relu"],
    "alpha": [1e-4, 1e-3, 1e-2],
    "learning_rate": ["constant", "adaptive"],
}


def run(name, seed, indices):
    X, y = {"iris": load_iris, "digits": load_digits}[name](return_X_y=True)
    with open(os.path.join(indices, f"{name}_seed{seed}.json")) as f:
        spec = json.load(f)
    if not np.array_equal(np.asarray(spec["labels"]), y):
        sys.exit(f"{name}: nntune's labels differ from scikit-learn's: the data sets are not in the same order")
    train, test = np.asarray(spec["train"]), np.asarray(spec["test"])
    X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]
    folds = [(np.asarray(fo["train"]), np.asarray(fo["test"])) for fo in spec["folds"]]
    grid = GridSearchCV(MLPClassifier(max_iter=1000, random_state=seed), param_grid=PARAM_GRID,
                        cv=folds, scoring="accuracy", n_jobs=-1)
    t0 = time.perf_counter()
    grid.fit(X_train, y_train)
    wall = time.perf_counter() - t0
    acc = grid.best_estimator_.score(X_test, y_test)
    print(f"{name} seed {seed}: {wall:.2f} s, test accuracy {acc:.4f}, best {grid.best_params_} "
          f"(CV {grid.best_score_:.4f})", file=sys.stderr)
    return {"dataset": name, "seed": seed, "wall_s": round(wall, 3), "test_accuracy": round(float(acc), 4),
            "best_score": round(float(grid.best_score_), 4),
            "best_params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in grid.best_params_.items()},
            "refit_n_iter": int(grid.best_estimator_.n_iter_)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--indices", required=True)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--datasets", default="iris,digits")
    ap.add_argument("--seed-counter", default=None,
                    help="one seed per run, in turn: run r (counted in this file) uses seeds[r %% len(seeds)]")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.seed_counter:
        r = int(open(args.seed_counter).read().strip()) if os.path.exists(args.seed_counter) else 0
        with open(args.seed_counter, "w") as f:
            f.write(str(r + 1))
        seeds = [seeds[r % len(seeds)]]
    out = {"script": "sklearn_grid.py (nntune folds)", "sklearn": sklearn.__version__, "cpu_count": os.cpu_count(),
           "n_jobs": -1}
    runs = []
    for name in args.datasets.split(","):
        rs = [run(name, s, args.indices) for s in seeds]
        runs += rs
        for key in ("wall_s", "test_accuracy", "best_score"):
            out[f"{name}_{key}"] = statistics.median(r[key] for r in rs)
    out["runs"] = runs
    print(json.dumps(out))


if __name__ == "__main__":
    main()
