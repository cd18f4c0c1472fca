#!/usr/bin/python3
"""Writes the small public tabular sets that scikit-learn ships (Debian's python3-sklearn, read
offline from sklearn/datasets/data) as CSV files with a header line, the target last, for the
tabular benchmark (org.nntune.bench.search.TabularGrid and tabular_grid.py read them):

  iris.csv           150 rows,  4 features, class 0..2            (classification)
  wine.csv           178 rows, 13 features, class 0..2            (classification)
  breast_cancer.csv  569 rows, 30 features, class 0..1            (classification)
  diabetes.csv       442 rows, 10 features, disease progression   (regression, mean 152, std 77)
  boston.csv         506 rows, 12 features, median house value    (regression, in $1000s)

boston is read from the CSV file Debian still ships (scikit-learn removed its loader in 1.2); its
'B' column (a racially derived feature that scikit-learn's deprecation notice discusses) is left
out. Rows keep scikit-learn's order.  Usage: /usr/bin/python3 export_tabular.py DIR
"""
import csv
import os
import sys

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine


def write(path, names, X, y, integer_target):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(names) + ["target"])
        for row, t in zip(X, y):
            w.writerow([repr(float(v)) for v in row] + [int(t) if integer_target else repr(float(t))])


def boston():
    path = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data", "boston_house_prices.csv")
    with open(path) as f:
        lines = list(csv.reader(f))
    header = lines[1]  # line 0 is "506,13"
    data = np.array([[float(v) for v in row] for row in lines[2:] if row], dtype=np.float64)
    keep = [i for i, n in enumerate(header[:-1]) if n != "B"]
    return [header[i] for i in keep], data[:, keep], data[:, -1]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/nntune-tabular"
    os.makedirs(out, exist_ok=True)
    for name, loader in [("iris", load_iris), ("wine", load_wine), ("breast_cancer", load_breast_cancer)]:
        d = loader()
        names = [n.replace(" ", "_").replace("(", "").replace(")", "").replace("/", "_") for n in d.feature_names]
        write(os.path.join(out, name + ".csv"), names, d.data, d.target, True)
    d = load_diabetes(scaled=False)
    write(os.path.join(out, "diabetes.csv"), d.feature_names, d.data, d.target, False)
    names, X, y = boston()
    write(os.path.join(out, "boston.csv"), names, X, y, False)
    for f in sorted(os.listdir(out)):
        if f.endswith(".csv"):
            with open(os.path.join(out, f)) as fh:
                print(f, sum(1 for _ in fh) - 1, "rows", file=sys.stderr)


if __name__ == "__main__":
    main()
