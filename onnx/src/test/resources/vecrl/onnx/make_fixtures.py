#!/usr/bin/env python3
"""Writes the ONNX import fixtures: two actors built in PyTorch, exported with torch.onnx, and the
outputs PyTorch computes for 100 seeded observations (one CSV per model: observation columns, then
output columns, written with repr-exact float32 values).

  cartpole_actor.onnx  CleanRL's discrete PPO actor: Linear(4,64) Tanh Linear(64,64) Tanh Linear(64,2);
                       outputs logits and probs = Softmax(logits).
  pendulum_actor.onnx  A Gaussian actor as Stable-Baselines3's MlpPolicy for SAC/PPO builds it with ReLU:
                       Linear(3,64) ReLU Linear(64,64) ReLU Linear(64,1) -> mean; log_std a free parameter
                       broadcast to the batch; outputs mean and log_std.

Run with Debian's python3-torch and python3-onnx: /usr/bin/python3 make_fixtures.py (in this folder).
Made with torch 1.13.0a0 and onnx 1.12.0, opset 13.
"""
import numpy as np
import onnx
import torch
from torch import nn

torch.manual_seed(0)


class CartPoleActor(nn.Module):
    def __init__(self):
        super().__init__()
        self.actor = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 2))

    def forward(self, obs):
        logits = self.actor(obs)
        return logits, torch.softmax(logits, dim=-1)


class PendulumActor(nn.Module):
    def __init__(self):
        super().__init__()
        self.mu = nn.Sequential(nn.Linear(3, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
        self.log_std = nn.Parameter(torch.tensor([-0.7]))

    def forward(self, obs):
        mean = self.mu(obs)
        return mean, self.log_std.expand_as(mean)


def export(model, name, obs_dim, outputs, low, high):
    model.eval()
    path = name + ".onnx"
    torch.onnx.export(model, torch.zeros(1, obs_dim), path, input_names=["obs"], output_names=outputs,
                      dynamic_axes={"obs": {0: "batch"}, **{o: {0: "batch"} for o in outputs}}, opset_version=13)
    onnx.checker.check_model(onnx.load(path))
    g = torch.Generator().manual_seed(1)
    obs = (torch.rand(100, obs_dim, generator=g) * (high - low) + low).float()
    with torch.no_grad():
        outs = model(obs)
    cols = ["obs%d" % i for i in range(obs_dim)]
    for o, t in zip(outputs, outs):
        cols += ["%s%d" % (o, i) for i in range(t.shape[1])]
    data = torch.cat([obs] + [t.detach() for t in outs], dim=1).numpy().astype(np.float32)
    with open(name + ".expected.csv", "w") as f:
        f.write(",".join(cols) + "\n")
        for row in data:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    print(path, [n.op_type for n in onnx.load(path).graph.node])


export(CartPoleActor(), "cartpole_actor", 4, ["logits", "probs"], -3.0, 3.0)
export(PendulumActor(), "pendulum_actor", 3, ["mean", "log_std"], -8.0, 8.0)
