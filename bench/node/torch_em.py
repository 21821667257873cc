"""PyTorch yardstick for EM on MNIST (issue 4); never imported by the app.

Reproduces the issue's reference: a cnn-s surrogate; each round 10 batches of surrogate SGD on
clip(x + delta), then 20 signed descent steps of eps/10 on delta (projected to the L-inf ball
that survives byte quantisation, and per sample to [0, 1]); stop when the surrogate's loss on the
quantised poisoned set is < 0.01 after >= 10 rounds (cap 60). Victims: cnn-s / vgg-s laid out as
src/ml/models/zoo.ts, PyTorch default init, SGD lr 0.05 momentum 0.9 wd 5e-4 batch 32.
Per epoch it prints test accuracy (clean test set) and training accuracy on the poisoned set
(eval pass after the epoch), so a working shortcut (train ~1.0) is told from a breakdown (~0.1).

  /usr/bin/python3 bench/node/torch_em.py SUBSET_DIR [options]

SUBSET_DIR holds train-/test-images-idx3-ubyte and -labels-idx1-ubyte, written by
bench/node/em-export-subset.ts (the app's own 2,000 / 1,000 stratified subsets).
  --poisons clean,em-class:0.1,em-class:0.2,em:0.3   what to make and train on
  --idx NAME=DIR      also train on a poisoned training set saved by `salscape poison --out DIR`
  --models cnn-s,vgg-s   --epochs 6   --seeds 1   --lr 0.05   --cw sum|huang
  --victim-seeds 1,2,3   seeds of the victims' init and batch order (default: the poison's)
  --save DIR          write each generated poisoned set as IDX (DIR/<name>/train-*-ubyte)
One JSON line per run on stdout; progress on stderr.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic == 0x803:
        n, h, w = struct.unpack(">III", data[4:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, 1, h, w)
    n = struct.unpack(">I", data[4:8])[0]
    return np.frombuffer(data, np.uint8, offset=8)


def write_idx(dir_, images_u8, labels):
    os.makedirs(dir_, exist_ok=True)
    n, _, h, w = images_u8.shape
    with open(os.path.join(dir_, "train-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, h, w) + images_u8.astype(np.uint8).tobytes())
    with open(os.path.join(dir_, "train-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + labels.astype(np.uint8).tobytes())


def load_pair(dir_, split):
    x = read_idx(os.path.join(dir_, f"{split}-images-idx3-ubyte"))
    y = read_idx(os.path.join(dir_, f"{split}-labels-idx1-ubyte"))
    return torch.tensor(x, dtype=torch.float32) / 255, torch.tensor(y, dtype=torch.long)


class CnnS(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.d = nn.Conv2d(1, 8, 3), nn.Conv2d(8, 16, 3), nn.Linear(400, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.d(x.flatten(1))


class VggS(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 16, 3), nn.Conv2d(16, 16, 3)
        self.c3, self.c4 = nn.Conv2d(16, 32, 3), nn.Conv2d(32, 32, 3)
        self.d1, self.d2 = nn.Linear(32 * 4 * 4, 64), nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c2(F.relu(self.c1(x)))), 2)
        x = F.max_pool2d(F.relu(self.c4(F.relu(self.c3(x)))), 2)
        return self.d2(F.relu(self.d1(x.flatten(1))))


MODELS = {"cnn-s": CnnS, "vgg-s": VggS}


def sgd(model, lr):
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)


def quantise(x):
    return torch.round(x.clamp(0, 1) * 255) / 255


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    logits = torch.cat([model(x[i : i + 500]) for i in range(0, len(x), 500)])
    model.train()
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def input_grad(model, x, y):
    x = x.clone().requires_grad_(True)
    # Sum, not mean: the sign is the same, and per-class sums need unscaled per-sample grads.
    loss = F.cross_entropy(model(x), y, reduction="sum")
    (g,) = torch.autograd.grad(loss, x)
    return g


def em_noise(x, y, eps, class_wise, seed, cw_mode, lr, log):
    """Returns the poisoned training images (quantised, float) and the stop report."""
    torch.manual_seed(seed)
    eps_q = np.floor(eps * 255 + 1e-9) / 255
    alpha = eps / 10
    k = int(y.max()) + 1
    sur = CnnS()
    opt = sgd(sur, lr)
    rows = k if class_wise else len(x)
    delta = (torch.rand(rows, *x.shape[1:]) * 2 - 1) * eps_q
    if not class_wise:
        delta = (x + delta).clamp(0, 1) - x
    full = lambda: delta[y] if class_wise else delta  # noqa: E731
    gen = torch.Generator().manual_seed(seed + 1)
    perm, cursor, history = torch.randperm(len(x), generator=gen), 0, []
    for rnd in range(1, 61):
        sur.train()
        for _ in range(10):
            if cursor + 32 > len(x):
                perm, cursor = torch.randperm(len(x), generator=gen), 0
            idx = perm[cursor : cursor + 32]
            cursor += 32
            xin = (x[idx] + full()[idx]).clamp(0, 1)
            opt.zero_grad()
            F.cross_entropy(sur(xin), y[idx]).backward()
            opt.step()
        sur.eval()
        for p in sur.parameters():
            p.requires_grad_(False)
        if class_wise and cw_mode == "huang":
            # Huang et al.'s code: per batch, PGD on per-sample copies of the class noise, then
            # the class noise becomes the last sample's delta of that class.
            for start in range(0, len(x), 512):
                xb, yb = x[start : start + 512], y[start : start + 512]
                d = delta[yb].clone()
                for _ in range(20):
                    g = input_grad(sur, (xb + d).clamp(0, 1), yb)
                    d = (d - alpha * g.sign()).clamp(-eps_q, eps_q)
                    d = (xb + d).clamp(0, 1) - xb
                for i in range(len(yb)):
                    delta[yb[i]] = d[i]
        else:
            for _ in range(20):
                g = input_grad(sur, (x + full()).clamp(0, 1), y)
                if class_wise:
                    g = torch.zeros(k, *x.shape[1:]).index_add_(0, y, g)
                    delta = (delta - alpha * g.sign()).clamp(-eps_q, eps_q)
                else:
                    delta = (delta - alpha * g.sign()).clamp(-eps_q, eps_q)
                    delta = (x + delta).clamp(0, 1) - x
        for p in sur.parameters():
            p.requires_grad_(True)
        loss, acc = evaluate(sur, quantise(x + full()), y)
        history.append(loss)
        log(f"  round {rnd}: surrogate loss {loss:.4f} acc {acc:.3f}")
        if rnd >= 10 and loss < 0.01:
            break
    poisoned = quantise(x + full())
    return poisoned, {"rounds": rnd, "finalLoss": history[-1], "linf": (poisoned - x).abs().max().item()}


def train_victim(model_id, xtr, ytr, xte, yte, epochs, seed, lr, log):
    torch.manual_seed(seed)
    model = MODELS[model_id]()
    opt = sgd(model, lr)
    gen = torch.Generator().manual_seed(seed)
    per_epoch = []
    for ep in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), 32):
            idx = perm[i : i + 32]
            opt.zero_grad()
            F.cross_entropy(model(xtr[idx]), ytr[idx]).backward()
            opt.step()
        tr_loss, tr_acc = evaluate(model, xtr, ytr)
        te_loss, te_acc = evaluate(model, xte, yte)
        per_epoch.append({"epoch": ep, "trainLoss": tr_loss, "trainAcc": tr_acc, "testAcc": te_acc})
        log(f"    {model_id} epoch {ep}: train acc {tr_acc:.3f} (loss {tr_loss:.3f}) test acc {te_acc:.3f}")
    return per_epoch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("subset")
    ap.add_argument("--poisons", default="clean,em-class:0.1,em-class:0.2,em:0.3")
    ap.add_argument("--idx", action="append", default=[])
    ap.add_argument("--models", default="cnn-s,vgg-s")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--cw", default="sum", choices=["sum", "huang"])
    ap.add_argument("--save", default="")
    ap.add_argument("--victim-seeds", default="", help="train seeds (default: the poison's seed)")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    xtr, ytr = load_pair(a.subset, "train")
    xte, yte = load_pair(a.subset, "test")
    sets = []
    for p in [s for s in a.poisons.split(",") if s]:
        for seed in [int(s) for s in a.seeds.split(",")]:
            if p == "clean":
                sets.append(("clean", seed, xtr, {}))
                continue
            method, eps = p.split(":")
            t = time.time()
            log(f"{method} eps {eps} seed {seed} ({a.cw})")
            xp, rep = em_noise(xtr, ytr, float(eps), method == "em-class", seed, a.cw, a.lr, log)
            rep["seconds"] = time.time() - t
            name = f"{method}:{eps}"
            if a.save:
                write_idx(os.path.join(a.save, f"{method}-{eps}-s{seed}"), (xp * 255).round().numpy(), ytr.numpy())
            sets.append((name, seed, xp, rep))
    for spec in a.idx:
        name, dir_ = spec.split("=", 1)
        xp, yp = load_pair(dir_, "train")
        assert torch.equal(yp, ytr), "the saved set must be the same subset in the same order"
        sets.append((name, 1, xp, {"linf": (xp - xtr).abs().max().item(), "from": dir_}))
    for name, seed, xp, rep in sets:
        vseeds = [int(v) for v in a.victim_seeds.split(",")] if a.victim_seeds else [seed]
        for m in a.models.split(","):
            for vs in vseeds:
                log(f"  train {m} on {name} (poison seed {seed}, victim seed {vs})")
                ep = train_victim(m, xp, ytr, xte, yte, a.epochs, vs, a.lr, log)
                print(json.dumps({"poison": name, "seed": seed, "victimSeed": vs, "model": m,
                                  "cw": a.cw, "report": rep, "final": ep[-1], "epochs": ep}), flush=True)


if __name__ == "__main__":
    main()
