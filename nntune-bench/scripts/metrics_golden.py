#!/usr/bin/python3
"""Golden values for nntune-nn's MetricsGoldenTest: scikit-learn's macro averages.

scikit-learn averages precision_score, recall_score and f1_score with average='macro' over the
labels present in y_true or y_pred (unique_labels), not over every class id a model could give;
these cases include class ids that occur in neither (the last, class_count - 1, always), one
that occurs only in y_pred, and the tester's two reports.

Format: one case per line, `class_count y_true y_pred macro_precision macro_recall macro_f1`,
the label lists comma-separated; lines starting with # are comments.

Run from the repository root:  /usr/bin/python3 nntune-bench/scripts/metrics_golden.py
"""
import os

import numpy as np
import sklearn
from sklearn.metrics import f1_score, precision_score, recall_score

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nntune-nn", "src", "test", "resources",
                   "golden", "macro_metrics.txt")

cases = [
    (3, [0, 0, 1, 1], [0, 0, 1, 1]),  # the tester's: sklearn 1.0, nntune gave 0.6667
    (3, [0, 0, 1, 1], [0, 0, 0, 0]),  # the tester's: sklearn 0.3333, nntune gave 0.2222
    (5, [0, 1, 2, 2], [0, 3, 2, 1]),  # class 3 only predicted, class 4 in neither
]
rng = np.random.default_rng(7)
for _ in range(6):
    k = int(rng.integers(3, 8))
    n = int(rng.integers(4, 30))
    used = int(rng.integers(2, k))  # labels drawn below k - 1: the last class never occurs
    cases.append((k, rng.integers(0, used, n).tolist(), rng.integers(0, used, n).tolist()))

lines = ["# written by nntune-bench/scripts/metrics_golden.py with scikit-learn " + sklearn.__version__ + "; do not edit"]
for k, t, p in cases:
    kw = dict(average="macro", zero_division=0)
    lines.append("%d %s %s %r %r %r" % (k, ",".join(map(str, t)), ",".join(map(str, p)),
                                        float(precision_score(t, p, **kw)), float(recall_score(t, p, **kw)),
                                        float(f1_score(t, p, **kw))))
with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
