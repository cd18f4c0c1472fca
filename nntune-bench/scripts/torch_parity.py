#!/usr/bin/env python3
"""Reference values for nntune-nn's PyTorch parity test (org.nntune.nn.model.TorchParityTest).

Builds an MLP and a small CNN with seeded weights and one batch, and writes the logits, the
loss, every gradient, the batch-norm running statistics, two steps of each optimiser (SGD with
momentum and L2, SGD Nesterov, Adam with gradient clipping, AdamW, RMSprop, Adagrad) and the
value and gradient of every loss, in nntune's layouts, to
nntune-nn/src/test/resources/parity/torch_parity.txt.

Format: one array per line, `name count v1 v2 ... vcount`; lines starting with # are comments.
Layouts: dense weights in x in × out (torch's weight transposed), conv kernels filters ×
(channels·kh·kw), images N × C × H × W.

Run from the repository root:  /usr/bin/python3 nntune-bench/scripts/torch_parity.py
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float32)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nntune-nn", "src", "test", "resources",
                   "parity", "torch_parity.txt")
lines = []


def put(name, t):
    v = t.detach().reshape(-1).tolist() if isinstance(t, torch.Tensor) else [float(t)]
    lines.append(name + " " + str(len(v)) + " " + " ".join(repr(float(x)) for x in v))


def java_layout(p, module):
    """A parameter (or its gradient) in nntune's layout."""
    if isinstance(module, nn.Linear) and p.dim() == 2:
        return p.t().contiguous()
    return p


def params_of(model):
    """(module, parameter, decays) in nntune's order: per layer weight then bias (gamma, beta for batch norm)."""
    out = []
    for m in model:
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            out += [(m, m.weight, True), (m, m.bias, False)]
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            out += [(m, m.weight, False), (m, m.bias, False)]
    return out


def buffers_of(model):
    out = []
    for m in model:
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            out += [m.running_mean, m.running_var]
    return out


def mlp():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 7), nn.GELU(), nn.Linear(7, 6), nn.Tanh(),
                         nn.Linear(6, 4))


def cnn():
    torch.manual_seed(2)
    model = nn.Sequential(nn.Conv2d(2, 3, 3, stride=1, padding=1), nn.ReLU(), nn.BatchNorm2d(3), nn.MaxPool2d(2),
                          nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.ELU(), nn.AvgPool2d(2), nn.Flatten(),
                          nn.Linear(4, 3))
    # batch norm after the ReLU, not right after the convolution: there the convolution's bias would
    # cancel out, its gradient would be rounding noise, and Adagrad/Adam would amplify the noise
    with torch.no_grad():  # batch norm's affine parameters away from their (1, 0) start
        model[2].weight.copy_(torch.tensor([1.2, 0.8, -0.5]))
        model[2].bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
    return model


OPTIMISERS = {
    # name: (factory(param_groups), clip norm)
    "sgd_momentum_l2": (lambda g: torch.optim.SGD(g(0.01), lr=0.1, momentum=0.9), 0.0),
    "sgd_nesterov": (lambda g: torch.optim.SGD(g(0.0), lr=0.1, momentum=0.9, nesterov=True), 0.0),
    "adam_clip": (lambda g: torch.optim.Adam(g(0.0), lr=0.01), 0.5),
    "adamw": (lambda g: torch.optim.AdamW(g(0.1), lr=0.01), 0.0),
    "rmsprop": (lambda g: torch.optim.RMSprop(g(0.0), lr=0.01), 0.0),
    "adagrad": (lambda g: torch.optim.Adagrad(g(0.0), lr=0.1), 0.0),
}


def record(name, make, x, y):
    model = make()
    model.train()
    ps = params_of(model)
    put(name + ".x", x)
    put(name + ".y", torch.tensor(y, dtype=torch.float32))
    for i, (m, p, _) in enumerate(ps):
        put("%s.param.%d" % (name, i), java_layout(p, m))
    logits = model(x)
    loss = F.cross_entropy(logits, torch.tensor(y))
    loss.backward()
    put(name + ".logits", logits)
    put(name + ".loss", loss.item())
    for i, (m, p, _) in enumerate(ps):
        put("%s.grad.%d" % (name, i), java_layout(p.grad, m))
    for i, b in enumerate(buffers_of(model)):
        put("%s.buffer.%d" % (name, i), b)

    for opt_name, (factory, clip) in OPTIMISERS.items():
        model = make()
        model.train()
        ps = params_of(model)

        def groups(wd):
            return [{"params": [p for _, p, d in ps if d], "weight_decay": wd},
                    {"params": [p for _, p, d in ps if not d], "weight_decay": 0.0}]

        opt = factory(groups)
        for _ in range(2):
            opt.zero_grad()
            F.cross_entropy(model(x), torch.tensor(y)).backward()
            if clip > 0:
                torch.nn.utils.clip_grad_norm_([p for _, p, _ in ps], clip)
            opt.step()
        for i, (m, p, _) in enumerate(ps):
            put("%s.%s.param.%d" % (name, opt_name, i), java_layout(p, m))


def losses():
    torch.manual_seed(3)
    z = torch.randn(5, 4, requires_grad=True)
    labels = torch.tensor([0, 3, 1, 1, 2])
    targets = torch.randn(5, 4)
    bits = (torch.rand(5, 4) > 0.5).float()
    put("loss.z", z)
    put("loss.labels", labels.float())
    put("loss.targets", targets)
    put("loss.bits", bits)
    weights = torch.tensor([1.0, 2.0, 0.5, 1.5])
    put("loss.class_weights", weights)
    cases = {
        "weighted_ce": lambda: F.cross_entropy(z, labels, weight=weights),
        "bce": lambda: F.binary_cross_entropy_with_logits(z, bits),
        "mse": lambda: F.mse_loss(z, targets),
        "mae": lambda: F.l1_loss(z, targets),
        "huber": lambda: F.huber_loss(z, targets, delta=0.5),
    }
    for n, f in cases.items():
        z.grad = None
        v = f()
        v.backward()
        put("loss.%s.value" % n, v.item())
        put("loss.%s.grad" % n, z.grad)


def main():
    torch.manual_seed(10)
    record("mlp", mlp, torch.randn(5, 6), [0, 3, 1, 1, 2])
    torch.manual_seed(11)
    record("cnn", cnn, torch.randn(3, 2, 6, 6), [2, 0, 1])
    losses()
    with open(OUT, "w") as f:
        f.write("# written by nntune-bench/scripts/torch_parity.py with torch %s; do not edit\n" % torch.__version__)
        f.write("\n".join(lines) + "\n")
    print("wrote %d arrays to %s" % (len(lines), os.path.normpath(OUT)))


if __name__ == "__main__":
    sys.exit(main())
