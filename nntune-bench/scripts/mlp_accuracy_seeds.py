#!/usr/bin/python3
"""Test accuracy of the 784-128-10 MLP (Adam 1e-3, 3 epochs) over several seeds, PyTorch and nntune.

The speed compare (torch_mlp_best_of_settings.py against org.nntune.bench.MlpEngineTraining) trains
one seed, so its accuracy figure is one draw of each side's initialisation and shuffling. This
script trains the same protocol at seeds 0..N-1 on both sides (torch_mlp_epoch.py --seed S with
OPENBLAS_NUM_THREADS=1 --threads 2, and MlpEngineTraining --seed S; accuracy does not depend on the
thread setting) and prints, per batch size, every seed's test accuracy and the medians, as one JSON
line. Accuracy, not time: runs may share the machine. Run from the repository root after
`./mvnw -q package -DskipTests`:

    /usr/bin/python3 nntune-bench/scripts/mlp_accuracy_seeds.py [--seeds 10] [--batches 32,100,256] [--java java]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def last_json(cmd, env=None):
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, cwd=ROOT).stdout
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        sys.exit(f"no JSON line from {' '.join(cmd)}")
    return json.loads(lines[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--batches", default="32,100,256")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--java", default="java")
    args = p.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    flags_file = os.path.join(ROOT, "nntune-bench/target/classes/nntune-jvm.flags")
    jar = os.path.join(ROOT, "nntune-bench/target/benchmarks.jar")
    if not os.path.exists(flags_file) or not os.path.exists(jar):
        sys.exit(f"{jar} or {flags_file} missing: build first (./mvnw -q package -DskipTests)")
    with open(flags_file) as f:
        flags = f.read().split()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    acc = {b: {"torch": [], "nntune": []} for b in batches}
    for seed in range(args.seeds):
        t = last_json(["/usr/bin/python3", os.path.join(HERE, "torch_mlp_epoch.py"), "--batches", args.batches,
                       "--epochs", str(args.epochs), "--cnn-steps", "0", "--threads", "2", "--seed", str(seed)], env)
        for row in t["mlp_784_128_10_adam_1e-3"]:
            acc[row["batch"]]["torch"].append(row[f"test_acc_after_{args.epochs}_epochs"])
        n = last_json([args.java, *flags, "-Xmx1g", "-cp", jar, "org.nntune.bench.MlpEngineTraining",
                       "--batches", args.batches, "--epochs", str(args.epochs), "--seed", str(seed)])
        for b in batches:
            acc[b]["nntune"].append(n[f"b{b}"]["test_acc"])
        print(f"seed {seed}: " + ", ".join(f"b{b} torch {acc[b]['torch'][-1]:.4f} nntune {acc[b]['nntune'][-1]:.4f}"
                                           for b in batches), file=sys.stderr)
    result = {}
    for b in batches:
        row = dict(acc[b])
        row["torch_median"] = statistics.median(row["torch"])
        row["nntune_median"] = statistics.median(row["nntune"])
        row["nntune_minus_torch"] = round(row["nntune_median"] - row["torch_median"], 5)
        result[f"b{b}"] = row
    print(json.dumps({"seeds": args.seeds, "epochs": args.epochs, "accuracy": result}))


if __name__ == "__main__":
    main()
