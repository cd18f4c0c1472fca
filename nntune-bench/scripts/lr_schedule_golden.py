#!/usr/bin/python3
"""Golden values for nntune-nn's ScheduleGoldenTest: PyTorch's learning-rate schedulers.

Each case is a schedule of nntune's LearningRateSchedule written as a spec, a base rate, E epochs of
B batches, and the rate PyTorch's schedulers give every batch (E*B rates):
  step:s:g              StepLR(step_size=s, gamma=g), stepped once per epoch
  exponential:g         ExponentialLR(gamma=g), stepped once per epoch
  cosine:W:m            CosineAnnealingLR(T_max=(E-W)*B, eta_min=m), stepped once per batch, after a
                        warm-up of W epochs (W = 0: none)
  warmup:W:<spec>       a warm-up of W epochs, then <spec> over the remaining E-W epochs
  constant              the base rate
The warm-up of W*B batches is LinearLR(start_factor=1/(W*B), total_iters=W*B-1) stepped per batch. With
B = 1 the warm-up and the schedule after it are chained by SequentialLR(milestones=[W]) as a PyTorch user
would write it; with B > 1 (warm-up per batch, StepLR per epoch) the two are run one after the other.

Format: one case per line, `spec base E B rate,rate,...`; lines starting with # are comments.
Run from the repository root:  /usr/bin/python3 nntune-bench/scripts/lr_schedule_golden.py
"""
import os

import torch
from torch.optim.lr_scheduler import (CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, SequentialLR,
                                      StepLR)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nntune-nn", "src", "test", "resources",
                   "golden", "lr_schedules.txt")

CASES = [
    ("constant", 0.1, 5, 1),
    ("step:3:0.1", 0.1, 10, 1),
    ("step:2:0.5", 0.05, 7, 3),
    ("exponential:0.95", 0.1, 8, 1),
    ("exponential:0.7", 1.0, 4, 2),
    ("cosine:0:0", 0.1, 6, 1),
    ("cosine:0:0.001", 0.1, 5, 4),
    ("cosine:2:0.01", 1.0, 10, 1),
    ("cosine:2:0.01", 1.0, 6, 3),
    ("warmup:2:step:3:0.1", 0.1, 11, 1),
    ("warmup:1:step:2:0.5", 0.2, 6, 3),
    ("warmup:3:exponential:0.9", 0.1, 9, 1),
    ("warmup:2:constant", 0.01, 5, 2),
]


def optimizer(base):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base)


def schedule(spec, opt, epochs, batches):
    """The scheduler of a spec without warm-up, and whether it steps per batch."""
    kind, *args = spec.split(":")
    if kind == "constant":
        return LambdaLR(opt, lambda i: 1.0), False
    if kind == "step":
        return StepLR(opt, step_size=int(args[0]), gamma=float(args[1])), False
    if kind == "exponential":
        return ExponentialLR(opt, gamma=float(args[0])), False
    if kind == "cosine":
        return CosineAnnealingLR(opt, T_max=epochs * batches, eta_min=float(args[1])), True
    raise ValueError(spec)


def plain(spec, base, epochs, batches):
    opt = optimizer(base)
    sched, per_batch = schedule(spec, opt, epochs, batches)
    rates = []
    for _ in range(epochs):
        for _ in range(batches):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            if per_batch:
                sched.step()
        if not per_batch:
            sched.step()
    return rates


def warm_then(warm, spec, base, epochs, batches):
    wb = warm * batches
    if batches == 1:
        opt = optimizer(base)
        linear = LinearLR(opt, start_factor=1.0 / wb, end_factor=1.0, total_iters=wb - 1)
        after, _ = schedule(spec, opt, epochs - warm, 1)
        sched = SequentialLR(opt, [linear, after], milestones=[wb])
        rates = []
        for _ in range(epochs):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return rates
    opt = optimizer(base)
    linear = LinearLR(opt, start_factor=1.0 / wb, end_factor=1.0, total_iters=wb - 1)
    rates = []
    for _ in range(wb):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        linear.step()
    return rates + plain(spec, base, epochs - warm, batches)


def rates(spec, base, epochs, batches):
    kind, *args = spec.split(":")
    if kind == "warmup":
        return warm_then(int(args[0]), ":".join(args[1:]), base, epochs, batches)
    if kind == "cosine" and int(args[0]) > 0:
        return warm_then(int(args[0]), "cosine:0:" + args[1], base, epochs, batches)
    return plain(spec, base, epochs, batches)


def main():
    lines = ["# written by nntune-bench/scripts/lr_schedule_golden.py with torch %s; do not edit" % torch.__version__]
    for spec, base, epochs, batches in CASES:
        r = rates(spec, base, epochs, batches)
        assert len(r) == epochs * batches
        lines.append("%s %r %d %d %s" % (spec, base, epochs, batches, ",".join(repr(float(x)) for x in r)))
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
