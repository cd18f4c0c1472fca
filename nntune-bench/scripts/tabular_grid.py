#!/usr/bin/python3
"""scikit-learn's side of the small-tabular benchmark (nntune's side: org.nntune.bench.search.TabularGrid).

For each set D (CSV files written by export_tabular.py: iris, wine, breast_cancer classification;
diabetes, boston regression) and seed s, on the rows nntune uses (the canonical split and the 5
folds of seed s, read from the JSON files TabularGrid --write-indices writes):
  GridSearchCV(Pipeline([("scale", StandardScaler()), ("mlp", MLPClassifier(random_state=s))]),  # MLPRegressor for regression
               param_grid={"mlp__hidden_layer_sizes": [(50,), (100,), (150,)], "mlp__activation": ["tanh", "relu"],
                           "mlp__alpha": [1e-4, 1e-3, 1e-2], "mlp__learning_rate": ["constant", "adaptive"]},
               cv=<nntune's folds of seed s>, scoring="accuracy" (or "r2"), n_jobs=-1).fit(X_train, y_train)
timed (grid.fit includes the refit), then the refitted best pipeline's test score. MLP defaults
otherwise (adam, lr 1e-3, batch min(200, n), max_iter 200, tol 1e-4, n_iter_no_change 10).
Prints one JSON line: D_wall_s, D_test_score, D_cv_score per set (medians over the seeds run) and the runs.
  /usr/bin/python3 tabular_grid.py --data DIR --indices DIR [--datasets iris,wine] [--seeds 0,1,2,3,4] [--seed-counter FILE]
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
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

PARAM_GRID = {
    "mlp__hidden_layer_sizes": [(50,), (100,), (150,)],
    "mlp__activation": ["tanh", "relu"],
    "mlp__alpha": [1e-4, 1e-3, 1e-2],
    "mlp__learning_rate": ["constant", "adaptive"],
}
SETS = ["iris", "wine", "breast_cancer", "diabetes", "boston"]


def run(data, indices, name, seed):
    table = np.genfromtxt(os.path.join(data, name + ".csv"), delimiter=",", skip_header=1)
    X, y = table[:, :-1], table[:, -1]
    with open(os.path.join(indices, f"{name}_seed{seed}.json")) as f:
        spec = json.load(f)
    if spec["rows"] != len(y):
        sys.exit(f"{name}: {len(y)} rows here, nntune's indices are for {spec['rows']}")
    classification = spec["task"] == "classification"
    if classification:
        y = y.astype(int)
    train, test = np.asarray(spec["train"]), np.asarray(spec["test"])
    X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]
    folds = [(np.asarray(fo["train"]), np.asarray(fo["test"])) for fo in spec["folds"]]
    mlp = MLPClassifier(random_state=seed) if classification else MLPRegressor(random_state=seed)
    grid = GridSearchCV(Pipeline([("scale", StandardScaler()), ("mlp", mlp)]), param_grid=PARAM_GRID, cv=folds,
                        scoring="accuracy" if classification else "r2", n_jobs=-1)
    t0 = time.perf_counter()
    grid.fit(X_train, y_train)
    wall = time.perf_counter() - t0
    score = grid.best_estimator_.score(X_test, y_test)
    best = {k.replace("mlp__", ""): (list(v) if isinstance(v, tuple) else v) for k, v in grid.best_params_.items()}
    print(f"{name} seed {seed}: {wall:.2f} s, test {'accuracy' if classification else 'r2'} {score:.4f}, best {best} "
          f"(CV {grid.best_score_:.4f})", file=sys.stderr)
    return {"dataset": name, "seed": seed, "wall_s": round(wall, 3), "test_score": round(float(score), 4),
            "cv_score": round(float(grid.best_score_), 4), "best_params": best,
            "refit_n_iter": int(grid.best_estimator_.named_steps["mlp"].n_iter_)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/tmp/nntune-tabular")
    ap.add_argument("--indices", required=True)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--datasets", default=",".join(SETS))
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
    out = {"script": "tabular_grid.py", "sklearn": __import__("sklearn").__version__}
    runs = []
    for name in args.datasets.split(","):
        rs = [run(args.data, args.indices, name, s) for s in seeds]
        runs += rs
        for key in ("wall_s", "test_score", "cv_score"):
            out[f"{name}_{key}"] = round(statistics.median(r[key] for r in rs), 4)
    out["runs"] = runs
    print(json.dumps(out))


if __name__ == "__main__":
    main()
