"""PyTorch CPU yardstick for `npm run bench:engine` (never a dependency of the app).

Same models (cnn-s, lenet5), same batch (64), same grid-point work (256 images per point, the
weights set to centre + a*d1 + b*d2 before each point) as bench/measure/engine-measure.ts.
Prints one JSON object on stdout. Rates per second of wall time, and (`...PerCpuSec`) per
second of this process's CPU time, which stays comparable on a shared machine. An optional third
argument sets torch's thread count (default: torch's own choice).
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class CnnS(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3)
        self.c2 = nn.Conv2d(8, 16, 3)
        self.d = nn.Linear(400, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.d(x.flatten(1))


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c2 = nn.Conv2d(6, 16, 5)
        self.d1 = nn.Linear(400, 120)
        self.d2 = nn.Linear(120, 84)
        self.d3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.relu(self.d1(x.flatten(1)))
        return self.d3(F.relu(self.d2(x)))


def bench(model, steps, points):
    torch.manual_seed(0)
    xb, yb = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(3):
        step()
    t, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    train = steps * 64 / (time.perf_counter() - t)
    train_cpu = steps * 64 / (time.process_time() - c0)

    model.eval()
    x, y = torch.rand(256, 1, 28, 28), torch.randint(0, 10, (256,))
    centre = [p.detach().clone() for p in model.parameters()]
    d1 = [torch.randn_like(p) * 0.01 for p in centre]
    d2 = [torch.randn_like(p) * 0.01 for p in centre]
    with torch.no_grad():
        t, c0 = time.perf_counter(), time.process_time()
        for k in range(points):
            a, b = ((2 * k * 7919) % 21) / 10 - 1, ((2 * k + 1) * 7919 % 21) / 10 - 1
            for p, c, u, v in zip(model.parameters(), centre, d1, d2):
                p.copy_(c + a * u + b * v)
            logits = model(x)
            F.cross_entropy(logits, y).item()
            (logits.argmax(1) == y).sum().item()
        grid = points * 256 / (time.perf_counter() - t)
        grid_cpu = points * 256 / (time.process_time() - c0)
    return {
        "trainExPerSec": train,
        "gridImgPerSec": grid,
        "trainExPerCpuSec": train_cpu,
        "gridImgPerCpuSec": grid_cpu,
    }


if __name__ == "__main__":
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    points = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    if len(sys.argv) > 3:
        torch.set_num_threads(int(sys.argv[3]))
    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "models": {"cnn-s": bench(CnnS(), steps, points), "lenet5": bench(LeNet5(), steps, points)},
    }
    print(json.dumps(out))
