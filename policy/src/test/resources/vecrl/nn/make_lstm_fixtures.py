#!/usr/bin/env python3
"""Writes lstm_fixtures.txt: reference values from PyTorch for vecrl's layer-normalised LSTM cell and
stacked recurrent layers (LstmLayerNormTest reads them).

Three cases, each B=2 sequences of T=4 steps of IN=3 inputs into layers of H=5, from non-zero initial
states, seeded parameters drawn wider than the default init (so that the gates leave their linear
range), and layer-norm gains and shifts away from 1 and 0 (so that using them is checked):

  ln1    one layer-normalised LSTM (Stable-Baselines' lstm(..., layer_norm=True), with its single bias
         b written as b_ih + b_hh), written out below with torch.nn.functional.layer_norm
  lstm2  torch.nn.LSTM(IN, H, num_layers=2, batch_first=True): two stacked plain layers
  ln2    two stacked layer-normalised layers (the loop below, layer by layer)

For each case the file holds the parameters (vecrl's names), the inputs x [B*T, IN] (sequence-major
rows, as RecurrentCell.unroll), the initial packed state [B, stateSize] ([h0 | c0 | h1 | c1]), the
weights r [B*T, H] of the loss sum(outputs * r), and what PyTorch computes: the outputs [B*T, H], the
packed final state, the loss, and its gradient with respect to x, the initial state and every
parameter (autograd, float64).

One line per tensor, flattened row-major: "case name count values...", values in Python's repr of float64.

Run with Debian's python3-torch: /usr/bin/python3 make_lstm_fixtures.py (in this folder).
Made with torch 1.13.0a0.
"""
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
B, T, IN, H = 2, 4, 3, 5
EPS = 1e-5
out = []


def emit(case, name, t):
    t = t.detach().reshape(-1)
    out.append(case + " " + name + " " + str(t.numel()) + " " + " ".join(repr(float(v)) for v in t))


def uniform(*shape, lo=-0.8, hi=0.8):
    return (torch.rand(*shape) * (hi - lo) + lo).requires_grad_(True)


def ln_layer(prefix, inputs):
    """The parameters of one layer-normalised LSTM layer, in vecrl's order."""
    return {
        prefix + ".ih.weight": uniform(4 * H, inputs), prefix + ".ih.bias": uniform(4 * H),
        prefix + ".hh.weight": uniform(4 * H, H), prefix + ".hh.bias": uniform(4 * H),
        prefix + ".ln_ih.weight": uniform(4 * H, lo=0.5, hi=1.5), prefix + ".ln_ih.bias": uniform(4 * H, lo=-0.3, hi=0.3),
        prefix + ".ln_hh.weight": uniform(4 * H, lo=0.5, hi=1.5), prefix + ".ln_hh.bias": uniform(4 * H, lo=-0.3, hi=0.3),
        prefix + ".ln_c.weight": uniform(H, lo=0.5, hi=1.5), prefix + ".ln_c.bias": uniform(H, lo=-0.3, hi=0.3),
    }


def ln_step(p, prefix, x, h, c):
    w = lambda n: p[prefix + "." + n]
    z = (F.layer_norm(x @ w("ih.weight").T, (4 * H,), w("ln_ih.weight"), w("ln_ih.bias"), EPS) + w("ih.bias")
         + F.layer_norm(h @ w("hh.weight").T, (4 * H,), w("ln_hh.weight"), w("ln_hh.bias"), EPS) + w("hh.bias"))
    i, f, g, o = z.split(H, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h = torch.sigmoid(o) * torch.tanh(F.layer_norm(c, (H,), w("ln_c.weight"), w("ln_c.bias"), EPS))
    return h, c


def ln_stack(p, prefixes, x, state):
    """x [B, T, IN]; state [B, 2H * layers]; returns outputs [B, T, H] and the packed final state."""
    finals = []
    seq = x
    for k, prefix in enumerate(prefixes):
        h, c = state[:, 2 * H * k:2 * H * k + H], state[:, 2 * H * k + H:2 * H * (k + 1)]
        hs = []
        for t in range(T):
            h, c = ln_step(p, prefix, seq[:, t, :], h, c)
            hs.append(h)
        seq = torch.stack(hs, dim=1)
        finals += [h, c]
    return seq, torch.cat(finals, dim=1)


def write(case, params, x, state, r, outputs, final):
    loss = (outputs.reshape(B * T, H) * r).sum()
    grads = torch.autograd.grad(loss, [x, state] + list(params.values()))
    for n, v in params.items():
        emit(case, "param:" + n, v)
    emit(case, "x", x.reshape(B * T, IN))
    emit(case, "state", state)
    emit(case, "r", r)
    emit(case, "outputs", outputs.reshape(B * T, H))
    emit(case, "final", final)
    emit(case, "loss", loss)
    emit(case, "grad:x", grads[0].reshape(B * T, IN))
    emit(case, "grad:state", grads[1])
    for (n, _), g in zip(params.items(), grads[2:]):
        emit(case, "grad:" + n, g)


torch.manual_seed(21)

# ln1: one layer-normalised layer
p = ln_layer("cell", IN)
x = uniform(B, T, IN, lo=-1.5, hi=1.5)
state = uniform(B, 2 * H, lo=-0.9, hi=0.9)
r = torch.rand(B * T, H) * 2 - 1
outputs, final = ln_stack(p, ["cell"], x, state)
write("ln1", p, x, state, r, outputs, final)

# lstm2: torch.nn.LSTM with two layers
lstm = torch.nn.LSTM(IN, H, num_layers=2, batch_first=True)
with torch.no_grad():
    for prm in lstm.parameters():
        prm.uniform_(-0.8, 0.8)
p = {}
for k in range(2):
    p["cell.l%d.ih.weight" % k] = getattr(lstm, "weight_ih_l%d" % k)
    p["cell.l%d.ih.bias" % k] = getattr(lstm, "bias_ih_l%d" % k)
    p["cell.l%d.hh.weight" % k] = getattr(lstm, "weight_hh_l%d" % k)
    p["cell.l%d.hh.bias" % k] = getattr(lstm, "bias_hh_l%d" % k)
x = uniform(B, T, IN, lo=-1.5, hi=1.5)
state = uniform(B, 4 * H, lo=-0.9, hi=0.9)
h0 = torch.stack([state[:, 0:H], state[:, 2 * H:3 * H]])
c0 = torch.stack([state[:, H:2 * H], state[:, 3 * H:4 * H]])
r = torch.rand(B * T, H) * 2 - 1
outputs, (hn, cn) = lstm(x, (h0, c0))
final = torch.cat([hn[0], cn[0], hn[1], cn[1]], dim=1)
write("lstm2", p, x, state, r, outputs, final)

# ln2: two stacked layer-normalised layers
p = dict(ln_layer("cell.l0", IN))
p.update(ln_layer("cell.l1", H))
x = uniform(B, T, IN, lo=-1.5, hi=1.5)
state = uniform(B, 4 * H, lo=-0.9, hi=0.9)
r = torch.rand(B * T, H) * 2 - 1
outputs, final = ln_stack(p, ["cell.l0", "cell.l1"], x, state)
write("ln2", p, x, state, r, outputs, final)

with open("lstm_fixtures.txt", "w") as f:
    f.write("# written by make_lstm_fixtures.py (torch " + torch.__version__ + "); case name count values\n")
    f.write("\n".join(out) + "\n")
