#!/usr/bin/env python3
"""NatureCNN forward + backward in PyTorch on one thread: the baseline of vecrl.bench.NatureCnnTiming.

84x84x4 images (PyTorch's NCHW), convolutions 32-8-4, 64-4-2, 64-3-1 and a 512-unit linear layer, all
with ReLU, loss = mean of the features, no gradient for the input. Prints the median and best
milliseconds per step over ROUNDS steps after 3 s of warm-up.

    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX python3 scripts/naturecnn_torch.py BATCH ROUNDS
"""
import sys
import time

import torch
import torch.nn as nn

batch = int(sys.argv[1]) if len(sys.argv) > 1 else 32
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
torch.set_num_threads(1)
torch.manual_seed(1)
net = nn.Sequential(
    nn.Conv2d(4, 32, 8, 4), nn.ReLU(),
    nn.Conv2d(32, 64, 4, 2), nn.ReLU(),
    nn.Conv2d(64, 64, 3, 1), nn.ReLU(),
    nn.Flatten(), nn.Linear(7 * 7 * 64, 512), nn.ReLU())
x = torch.rand(batch, 4, 84, 84)


def step():
    net.zero_grad()
    net(x).mean().backward()


end = time.perf_counter() + 3.0
while time.perf_counter() < end:
    step()
ms = []
for _ in range(rounds):
    t0 = time.perf_counter()
    step()
    ms.append((time.perf_counter() - t0) * 1e3)
ms.sort()
print("torch batch %d: median %.2f ms, best %.2f ms per forward+backward (%d rounds, torch %s, mkldnn %s)"
      % (batch, ms[rounds // 2], ms[0], rounds, torch.__version__, torch.backends.mkldnn.is_available()))
