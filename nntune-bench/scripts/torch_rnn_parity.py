#!/usr/bin/env python3
"""Reference values for nntune-nn's recurrent parity test (org.nntune.nn.model.TorchRecurrentParityTest).

Runs torch.nn.Embedding, LSTM and GRU (single, stacked, bidirectional) over batches of mixed
lengths (pack_padded_sequence, right-padded with id 0 / zero vectors) and writes the inputs, the
lengths, the seeded weights, the readout (last states, every step's states, the mean or the max
over the real steps), and the gradient of every weight for the objective sum(r * readout), r a
fixed random tensor, to nntune-nn/src/test/resources/parity/torch_rnn_parity.txt.

Format as torch_parity.py: one array per line, `name count v1 ... vcount`. Layouts: weight_ih and
weight_hh transposed (inputs x gates*hidden, hidden x gates*hidden), as nntune stores them.

Run from the repository root:  /usr/bin/python3 nntune-bench/scripts/torch_rnn_parity.py
"""
import os

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float32)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nntune-nn", "src", "test", "resources",
                   "parity", "torch_rnn_parity.txt")
lines = ["# written by nntune-bench/scripts/torch_rnn_parity.py with torch " + torch.__version__ + "; do not edit"]


def put(name, t):
    v = t.detach().reshape(-1).tolist()
    lines.append(name + " " + str(len(v)) + " " + " ".join(repr(float(x)) for x in v))


def rnn_params(rnn):
    """nntune's order and layout: per layer and direction weight_ih^T, weight_hh^T, bias_ih, bias_hh."""
    out = []
    for layer in range(rnn.num_layers):
        for suffix in ([""] + (["_reverse"] if rnn.bidirectional else [])):
            s = "_l%d%s" % (layer, suffix)
            out += [(getattr(rnn, "weight_ih" + s), True), (getattr(rnn, "weight_hh" + s), True),
                    (getattr(rnn, "bias_ih" + s), False), (getattr(rnn, "bias_hh" + s), False)]
    return out


def layout(p, transposed):
    return p.t().contiguous() if transposed else p


def case(name, cell, features, hidden, layers, bidirectional, readout, lengths, time, vocab=None, seed=0):
    torch.manual_seed(seed)
    n = len(lengths)
    lens = torch.tensor(lengths)
    emb = None
    if vocab is not None:
        emb = nn.Embedding(vocab, features, padding_idx=0)
        ids = torch.zeros(n, time, dtype=torch.long)
        for b, length in enumerate(lengths):
            ids[b, :length] = torch.randint(1, vocab, (length,))
        put(name + ".x", ids.float())
        x = emb(ids)
    else:
        x = torch.randn(n, time, features)
        for b, length in enumerate(lengths):
            x[b, length:] = 0
        put(name + ".x", x)
    put(name + ".len", lens.float())
    rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(features, hidden, num_layers=layers, bidirectional=bidirectional,
                                                   batch_first=True)
    params = ([(emb.weight, False)] if emb is not None else []) + rnn_params(rnn)
    for i, (p, t) in enumerate(params):
        put("%s.param.%d" % (name, i), layout(p, t))
    packed = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
    seq, state = rnn(packed)
    seq, _ = nn.utils.rnn.pad_packed_sequence(seq, batch_first=True, total_length=time)
    h = state[0] if cell == "lstm" else state
    mask = (torch.arange(time)[None, :] < lens[:, None]).float()[:, :, None]
    if readout == "last":
        y = torch.cat([h[-2], h[-1]], dim=1) if bidirectional else h[-1]
    elif readout == "sequence":
        y = seq
    elif readout == "mean":
        y = (seq * mask).sum(1) / lens[:, None].float()
    else:  # max over the real steps
        y = seq.masked_fill(mask == 0, float("-inf")).max(1).values
    r = torch.randn(y.shape)
    put(name + ".r", r)
    put(name + ".out", y)
    (r * y).sum().backward()
    for i, (p, t) in enumerate(params):
        put("%s.grad.%d" % (name, i), layout(p.grad, t))


case("emb_lstm_last", "lstm", 4, 3, 1, False, "last", [5, 2, 6], 7, vocab=10, seed=1)
case("emb_gru_last", "gru", 4, 3, 1, False, "last", [3, 6, 1], 6, vocab=9, seed=2)
case("lstm_stacked_bi_last", "lstm", 3, 4, 2, True, "last", [4, 6, 2, 5], 6, seed=3)
case("gru_stacked_bi_sequence", "gru", 3, 4, 2, True, "sequence", [4, 6, 2, 5], 7, seed=4)
case("lstm_bi_mean", "lstm", 3, 3, 1, True, "mean", [3, 5, 1], 5, seed=5)
case("emb_gru_bi_max", "gru", 5, 3, 2, True, "max", [6, 3, 4], 8, vocab=12, seed=6)

with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", os.path.normpath(OUT), len(lines) - 1, "arrays")
