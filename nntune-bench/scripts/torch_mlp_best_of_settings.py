"""PyTorch's MLP training throughput at its fastest thread setting: the reference side of the
kernel-level MLP comparison (org.nntune.bench.MlpKernelsTraining).

Runs torch_mlp_epoch.py (a copy of ../shared/bench/torch_mlp_epoch.py, beside this file) with
--cnn-steps 0 in the four thread settings {no variable, OPENBLAS_NUM_THREADS=1} x {--threads 1,
--threads 2} -- OpenBLAS reads the variable at start-up, hence one process each -- and prints one
JSON line with, per batch size, the fastest setting's figures:
  {"b100": {"samples_per_s_epoch1": ..., "samples_per_s_best": ..., "test_acc": ..., "setting": "..."}, ...}

  /usr/bin/python3 torch_mlp_best_of_settings.py [--batches 100,32,256] [--epochs 3]
"""
import argparse
import json
import os
import subprocess
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batches", default="100,32,256")
    p.add_argument("--epochs", type=int, default=3)
    args = p.parse_args()
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_mlp_epoch.py")
    best = {}
    for blas in (None, "1"):
        for threads in (1, 2):
            env = dict(os.environ)
            env.pop("OPENBLAS_NUM_THREADS", None)
            if blas is not None:
                env["OPENBLAS_NUM_THREADS"] = blas
            setting = f"OPENBLAS_NUM_THREADS={blas or 'unset'} --threads {threads}"
            res = subprocess.run([sys.executable, script, "--batches", args.batches, "--epochs", str(args.epochs),
                                  "--threads", str(threads), "--cnn-steps", "0"],
                                 env=env, stdout=subprocess.PIPE, check=True, text=True)
            out = json.loads(res.stdout.strip().splitlines()[-1])
            for run in out["mlp_784_128_10_adam_1e-3"]:
                key = f"b{run['batch']}"
                row = {
                    "samples_per_s_epoch1": run["train_samples_per_s_epoch1"],
                    "samples_per_s_best": max(run["train_samples_per_s_each_epoch"]),
                    "test_acc": run[f"test_acc_after_{args.epochs}_epochs"],
                    "setting": setting,
                }
                print(f"{setting} batch {run['batch']}: {row['samples_per_s_epoch1']:.0f} samples/s (epoch 1),"
                      f" load {run['load']}", file=sys.stderr)
                if key not in best or row["samples_per_s_epoch1"] > best[key]["samples_per_s_epoch1"]:
                    best[key] = row
    print(json.dumps(best))


if __name__ == "__main__":
    main()
