"""PyTorch's training throughput at its fastest thread setting: the reference side of the MLP
comparisons (org.nntune.bench.MlpKernelsTraining, MlpEngineTraining) and of the small CNN
(org.nntune.bench.CnnEngineTraining).

Runs torch_mlp_epoch.py (a copy of ../shared/bench/torch_mlp_epoch.py, beside this file) in the
four thread settings {no variable, OPENBLAS_NUM_THREADS=1} x {--threads 1, --threads 2} --
OpenBLAS reads the variable at start-up, hence one process each -- and prints one JSON line with
torch at its fastest per figure.

MLP (default; --cnn-steps 0): per batch size, the figures of the setting fastest in epoch 1:
  {"b100": {"samples_per_s_epoch1": ..., "samples_per_s_best": ..., "test_acc": ..., "setting": "..."}, ...}

CNN (--cnn-steps N, with --batches "" to skip the MLP): the script's 10 warm-up steps, then
--cnn-windows timed windows of N steps; each figure is the maximum over the four settings (so
different figures may come from different settings, each named):
  {"cnn": {"samples_per_s_window1": ..., "samples_per_s_window2": ..., "samples_per_s_best": ...,
           "ms_per_step_best": ..., "setting_window1": "...", ..., "setting_best": "..."}}

  /usr/bin/python3 torch_mlp_best_of_settings.py [--batches 100,32,256] [--epochs 3]
  /usr/bin/python3 torch_mlp_best_of_settings.py --batches "" --cnn-steps 200 [--cnn-windows 2]
"""
import argparse
import json
import os
import subprocess
import sys

SETTINGS = [(blas, threads) for blas in (None, "1") for threads in (1, 2)]


def run_setting(script, blas, threads, args):
    """One process of torch_mlp_epoch.py in one thread setting; returns (setting name, its JSON)."""
    env = dict(os.environ)
    env.pop("OPENBLAS_NUM_THREADS", None)
    if blas is not None:
        env["OPENBLAS_NUM_THREADS"] = blas
    setting = f"OPENBLAS_NUM_THREADS={blas or 'unset'} --threads {threads}"
    res = subprocess.run([sys.executable, script, "--batches", args.batches, "--epochs", str(args.epochs),
                          "--threads", str(threads), "--cnn-steps", str(args.cnn_steps),
                          "--cnn-windows", str(args.cnn_windows)],
                         env=env, stdout=subprocess.PIPE, check=True, text=True)
    return setting, json.loads(res.stdout.strip().splitlines()[-1])


def best_mlp(best, setting, out, epochs):
    for run in out["mlp_784_128_10_adam_1e-3"]:
        key = f"b{run['batch']}"
        row = {
            "samples_per_s_epoch1": run["train_samples_per_s_epoch1"],
            "samples_per_s_best": max(run["train_samples_per_s_each_epoch"]),
            "test_acc": run[f"test_acc_after_{epochs}_epochs"],
            "setting": setting,
        }
        print(f"{setting} batch {run['batch']}: {row['samples_per_s_epoch1']:.0f} samples/s (epoch 1),"
              f" load {run['load']}", file=sys.stderr)
        if key not in best or row["samples_per_s_epoch1"] > best[key]["samples_per_s_epoch1"]:
            best[key] = row


def best_cnn(best, setting, cnn):
    sps = cnn["train_samples_per_s_each_window"]
    print(f"{setting} CNN: {sps} samples/s per window, load {cnn['load']}", file=sys.stderr)
    figures = {f"samples_per_s_window{i + 1}": v for i, v in enumerate(sps)}
    figures["samples_per_s_best"] = max(sps)
    row = best.setdefault("cnn", {})
    for name, value in figures.items():
        if name not in row or value > row[name]:
            row[name] = value
            row["setting_" + name[len("samples_per_s_"):]] = setting
    row["ms_per_step_best"] = round(1000 * cnn["batch"] / row["samples_per_s_best"], 3)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batches", default="100,32,256")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--cnn-steps", type=int, default=0)
    p.add_argument("--cnn-windows", type=int, default=2)
    args = p.parse_args()
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_mlp_epoch.py")
    best = {}
    for blas, threads in SETTINGS:
        setting, out = run_setting(script, blas, threads, args)
        best_mlp(best, setting, out, args.epochs)
        if out["cnn_batch64"] is not None:
            best_cnn(best, setting, out["cnn_batch64"])
    print(json.dumps(best))


if __name__ == "__main__":
    main()
