"""PyTorch sgemm GFLOP/s at n = 256..2048, the reference side of the GEMM comparison.

Adapted from ../shared/bench/torch_gemm.py: the thread count is an argument, each size is timed
exactly as nntune's side (org.nntune.bench.GemmGflops) times it -- warm up for at least 0.5 s and 3
products, then as many products as fit in at least 1 s (at least 5) -- and the figures are printed
as one JSON line: {"gflops_256": ..., ...}.

  /usr/bin/python3 torch_gemm.py [--threads N] [--sizes 256,512,1024,2048]
  /usr/bin/python3 torch_gemm.py --best-of-settings   # runs the 4 thread settings, keeps the best per size

--best-of-settings runs this script in the four thread settings {no variable, OPENBLAS_NUM_THREADS=1}
x {--threads 1, --threads 2} (OpenBLAS reads the variable at start-up, hence one process each) and
prints, per size, the fastest setting's figure, and every setting's figures under s1..s4.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def measure(threads, sizes):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    for n in sizes:
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        start = time.perf_counter()
        warm = 0
        while warm < 3 or time.perf_counter() - start < 0.5:
            c = a @ b
            warm += 1
        reps = 0
        start = time.perf_counter()
        while True:
            c = a @ b
            reps += 1
            elapsed = time.perf_counter() - start
            if reps >= 5 and elapsed >= 1.0:
                break
        out[f"gflops_{n}"] = round(2 * n ** 3 / (elapsed / reps) / 1e9, 2)
        print(f"sgemm n={n}: {out[f'gflops_{n}']:.1f} GFLOP/s threads={torch.get_num_threads()}"
              f" OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '-')}", file=sys.stderr)
    return out


def best_of_settings(sizes):
    settings = [(None, 1), (None, 2), ("1", 1), ("1", 2)]
    best, each = {}, {}
    for i, (blas, threads) in enumerate(settings, 1):
        env = dict(os.environ)
        env.pop("OPENBLAS_NUM_THREADS", None)
        if blas is not None:
            env["OPENBLAS_NUM_THREADS"] = blas
        cmd = [sys.executable, os.path.abspath(__file__), "--threads", str(threads),
               "--sizes", ",".join(map(str, sizes))]
        res = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, check=True, text=True)
        figures = json.loads(res.stdout.strip().splitlines()[-1])
        each[f"s{i}"] = dict(figures, openblas_num_threads=blas or "unset", threads=threads)
        for k, v in figures.items():
            best[k] = max(best.get(k, 0.0), v)
    return dict(best, **each)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sizes", default="256,512,1024,2048")
    p.add_argument("--best-of-settings", action="store_true")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    result = best_of_settings(sizes) if args.best_of_settings else measure(args.threads, sizes)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
