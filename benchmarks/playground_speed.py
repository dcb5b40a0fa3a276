"""Training steps per second of the playground's small network (2-8-8-2, ReLU, softmax, batch 16,
Adam), in dltutor, in PyTorch and in plain numpy written by hand, measured in one run.

    OMP_NUM_THREADS=1 python benchmarks/playground_speed.py [--seconds 2]

Each contender trains the same data (playground.make_data("circles")) for about --seconds;
the best of 3 repeats is reported (the least disturbed by other work on the machine).
"""
import argparse
import time

import numpy as np

from dltutor import optim, playground
from dltutor.cost import one_hot


def timed(step, seconds):
    best = 0.0
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            for _ in range(50):
                step()
            n += 50
        best = max(best, n / (time.perf_counter() - start))
    return best


def dltutor_step(X, y, batch=16):
    net = playground.build_network((8, 8), "relu")
    opt = optim.Adam(net, lr=0.01)
    rng = np.random.default_rng(0)
    T = one_hot(y, 2)

    def step():
        i = rng.integers(0, len(X), batch)
        Y = net.forward(X[i], train=True)
        net.backward((Y - T[i]) / batch, skip_last=True, input_grad=False)
        opt.step()
    return step


def numpy_step(X, y, batch=16):
    rng = np.random.default_rng(0)
    sizes = [2, 8, 8, 2]
    P = []
    for a, b in zip(sizes, sizes[1:]):
        P += [rng.normal(0, 1 / np.sqrt(a), (a, b)), np.zeros(b)]
    m = [np.zeros_like(p) for p in P]
    v = [np.zeros_like(p) for p in P]
    T = one_hot(y, 2)
    t = [0]

    def step():
        i = rng.integers(0, len(X), batch)
        A0 = X[i]
        Z1 = A0 @ P[0] + P[1]; A1 = np.maximum(Z1, 0)
        Z2 = A1 @ P[2] + P[3]; A2 = np.maximum(Z2, 0)
        Z3 = A2 @ P[4] + P[5]
        E = np.exp(Z3 - Z3.max(axis=1, keepdims=True)); Y = E / E.sum(axis=1, keepdims=True)
        d3 = (Y - T[i]) / batch
        d2 = (d3 @ P[4].T) * (Z2 > 0)
        d1 = (d2 @ P[2].T) * (Z1 > 0)
        G = [A0.T @ d1, d1.sum(0), A1.T @ d2, d2.sum(0), A2.T @ d3, d3.sum(0)]
        t[0] += 1
        for k, g in enumerate(G):
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            P[k] -= 0.01 * (m[k] / (1 - 0.9 ** t[0])) / (np.sqrt(v[k] / (1 - 0.999 ** t[0])) + 1e-8)
    return step


def torch_step(X, y, batch=16):
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 8),
                              torch.nn.ReLU(), torch.nn.Linear(8, 2)).double()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    gen = torch.Generator().manual_seed(0)
    loss = torch.nn.CrossEntropyLoss()

    def step():
        i = torch.randint(0, len(Xt), (batch,), generator=gen)
        opt.zero_grad()
        loss(net(Xt[i]), yt[i]).backward()
        opt.step()
    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    X, y = playground.make_data("circles", 200, 0.1, seed=0)
    print(f"{'implementation':<22}{'steps/s':>10}")
    for name, make in (("dltutor", dltutor_step), ("numpy by hand", numpy_step), ("PyTorch (float64)", torch_step)):
        print(f"{name:<22}{timed(make(X, y), args.seconds):>10.0f}", flush=True)
    p = playground.Playground(hidden=(8, 8))
    p.draw_seconds.clear()
    for _ in range(10):
        p.step(1)
    print(f"playground redraw (surface, curves, unit pictures): median "
          f"{np.median(p.draw_seconds) * 1e3:.0f} ms over 10 frames")


if __name__ == "__main__":
    main()
