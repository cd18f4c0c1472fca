#!/usr/bin/python3
"""A copy of /work/shared/bench/torch_lstm_text.py that can train and test on nntune's split
(--split FILE, written by `org.nntune.bench.TextRnnTraining --write-split FILE`: the training row
indices on the first line, the test row indices on the second), and can time only the first
batches of each epoch (--max-batches N, for a loaded machine); without them it is the original.

Reference: PyTorch LSTM/GRU text classifier on the SpamAssassin corpus (../data/spam.csv.gz).

  tokens   lowercase, re.findall(r"[a-z0-9']+"), first --max-len tokens of each message
  vocab    the --vocab most frequent training tokens seen at least twice; id 0 = padding, 1 = unknown
  split    stratified, 20 % test, random_state 42 (sklearn train_test_split)
  model    Embedding(V, --embed, padding_idx=0) -> LSTM or GRU(--hidden, batch_first) over the real
           length of each message (pack_padded_sequence) -> last hidden state -> Linear(2)
  training Adam --lr, batch --batch, --epochs epochs, shuffled with torch.manual_seed(--seed)

Prints per-epoch samples/s on stderr and one JSON line at the end: samples_per_s_epoch1,
samples_per_s_best, test_acc, setting.  --best-of-settings runs the four thread settings
{no variable, OPENBLAS_NUM_THREADS=1} x {--threads 1, --threads 2} and keeps the fastest epoch-1 run.
  /usr/bin/python3 torch_lstm_text.py [--cell lstm|gru] [--epochs 3] [--best-of-settings]"""
import argparse, collections, csv, gzip, json, os, re, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))

def load(path, max_len, vocab_size, split=None):
    import numpy as np
    from sklearn.model_selection import train_test_split
    texts, labels = [], []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            texts.append(re.findall(r"[a-z0-9']+", row["text"].lower())[:max_len])
            labels.append(1 if row["label"] == "spam" else 0)
    idx = np.arange(len(texts))
    if split:
        with open(split) as fh:
            tr, te = (np.array([int(v) for v in fh.readline().split()]) for _ in range(2))
    else:
        tr, te = train_test_split(idx, test_size=0.2, random_state=42, stratify=labels)
    counts = collections.Counter(t for i in tr for t in texts[i])
    words = [w for w, c in counts.most_common() if c >= 2][:vocab_size]
    ids = {w: k + 2 for k, w in enumerate(words)}
    def encode(rows):
        x = np.zeros((len(rows), max_len), dtype=np.int64)
        n = np.zeros(len(rows), dtype=np.int64)
        for r, i in enumerate(rows):
            seq = [ids.get(t, 1) for t in texts[i]] or [1]
            x[r, :len(seq)] = seq
            n[r] = len(seq)
        return x, n, np.array([labels[i] for i in rows])
    return encode(tr), encode(te), len(words) + 2

def train(args):
    import numpy as np, torch, torch.nn as nn
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    (xtr, ntr, ytr), (xte, nte, yte), V = load(args.data, args.max_len, args.vocab, args.split)
    rnn = nn.LSTM if args.cell == "lstm" else nn.GRU
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(V, args.embed, padding_idx=0)
            self.rnn = rnn(args.embed, args.hidden, batch_first=True)
            self.out = nn.Linear(args.hidden, 2)
        def forward(self, x, n):
            p = nn.utils.rnn.pack_padded_sequence(self.emb(x), n, batch_first=True, enforce_sorted=False)
            _, h = self.rnn(p)
            h = h[0] if isinstance(h, tuple) else h
            return self.out(h[-1])
    net = Net(); opt = torch.optim.Adam(net.parameters(), lr=args.lr); lossf = nn.CrossEntropyLoss()
    Xtr, Ntr, Ytr = torch.from_numpy(xtr), torch.from_numpy(ntr), torch.from_numpy(ytr)
    rates = []
    for ep in range(args.epochs):
        perm = torch.randperm(len(Ytr)); t = time.perf_counter(); net.train()
        seen = 0
        for s in range(0, len(perm), args.batch):
            if args.max_batches and s // args.batch == args.max_batches:
                break
            b = perm[s:s + args.batch]
            opt.zero_grad(); loss = lossf(net(Xtr[b], Ntr[b]), Ytr[b]); loss.backward(); opt.step()
            seen += len(b)
        rates.append(seen / (time.perf_counter() - t))
        print(f"epoch {ep + 1}: {rates[-1]:.0f} samples/s", file=sys.stderr, flush=True)
    net.eval()
    with torch.no_grad():
        pred = net(torch.from_numpy(xte), torch.from_numpy(nte)).argmax(1).numpy()
    return {"cell": args.cell, "samples_per_s_epoch1": round(rates[0], 1), "samples_per_s_best": round(max(rates), 1),
            "test_acc": round(float((pred == yte).mean()), 4), "vocab": V, "train_rows": len(Ytr), "test_rows": len(yte),
            "threads": args.threads, "openblas": os.environ.get("OPENBLAS_NUM_THREADS", "-")}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join("/work/shared/data/spam.csv.gz"))
    ap.add_argument("--max-batches", type=int, default=0, help="time only the first N batches of each epoch (0: all)")
    ap.add_argument("--split", default=None, help="nntune's split: train indices line, test indices line")
    ap.add_argument("--cell", default="lstm", choices=["lstm", "gru"])
    ap.add_argument("--embed", type=int, default=64); ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--max-len", type=int, default=200); ap.add_argument("--vocab", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=32); ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=1e-3); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2); ap.add_argument("--best-of-settings", action="store_true")
    args = ap.parse_args()
    if not args.best_of_settings:
        print(json.dumps(train(args))); return
    runs = []
    for env_var in (None, "1"):
        for th in (1, 2):
            env = dict(os.environ); env.pop("OPENBLAS_NUM_THREADS", None)
            if env_var: env["OPENBLAS_NUM_THREADS"] = env_var
            cmd = [sys.executable, __file__] + [a for a in sys.argv[1:] if a != "--best-of-settings"] + ["--threads", str(th)]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
            runs.append(json.loads(out))
    best = max(runs, key=lambda r: r["samples_per_s_epoch1"])
    best = dict(best); best["settings"] = runs
    print(json.dumps(best))

if __name__ == "__main__":
    main()
