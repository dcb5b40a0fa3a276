"""Training steps per second of small networks, where Python's overhead and not the BLAS sets the pace.

    OMP_NUM_THREADS=1 python benchmarks/small_networks.py              # every network, ~1 minute
    OMP_NUM_THREADS=1 python benchmarks/small_networks.py --rounds 15  # steadier medians

The live widgets, the playground and the experiments over many seeds train networks like these:

  2-8-8-2, batch 16      the playground's network (ReLU, Adam, the circles data set)
  2-8-8-2, batch 16      the same with plain SGD
  64-32-10, batch 32     8x8 digits (data.load_digits()), sigmoid, plain SGD

each trained, from the same weights on the same data, by:

  dltutor fit        train.fit(net, X, y, optimizer=..., epochs=1, evaluate_train=False,
                     verbose=False): one call an epoch, as the notebooks' experiments train
  dltutor step       the playground's step: net.forward, cost_and_gradient, net.backward,
                     optimizer.step, one call each a mini-batch, as the live widgets train
  PyTorch            the usual loop (Linear, CrossEntropyLoss, torch.optim) on one thread, float64
  numpy by hand      the same step written out in plain numpy in one function, no checks

Each is warmed up, then timed for --rounds rounds of about --seconds each, taking turns within a
round (the order rotates), so that a change in the machine's load hits all of them alike. Reported:
the median steps per second and dltutor's speed over each as the median of the per-round ratios,
and each one's training accuracy at the end, so that a broken step cannot pass for a fast one. A
measurement, not a test; PyTorch is optional and never a dependency of the course.
"""
import argparse
import gc
import os
import statistics
import time

import numpy as np

from dltutor import data, nn, optim, playground, train
from dltutor.cost import CrossEntropy, one_hot

NETWORKS = (  # name, sizes, batch, activation, optimizer, learning rate, data
    ("2-8-8-2 playground (ReLU, Adam)", (2, 8, 8, 2), 16, "relu", "adam", 0.03, "circles"),
    ("2-8-8-2 (ReLU, SGD)", (2, 8, 8, 2), 16, "relu", "sgd", 0.1, "circles"),
    ("64-32-10 (sigmoid, SGD)", (64, 32, 10), 32, "sigmoid", "sgd", 0.5, "digits"),
)


def load(kind):
    """(X, y) in float64: 800 points of the playground's circles, or the 1,797 8x8 digits."""
    if kind == "circles":
        return playground.make_data("circles", 800, 0.1, seed=0)
    X, y = data.load_digits()
    return X.astype(np.float64), y


class Dltutor:
    """dltutor's network; epoch() is either one train.fit call or the playground's steps."""

    def __init__(self, X, y, spec, how, seed=0):
        _, sizes, self.batch, activation, opt, lr, _ = spec
        rng = np.random.default_rng(seed)
        act = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU}[activation]
        layers = []
        for n_in, n_out in zip(sizes, sizes[1:]):
            layers += [nn.Dense(n_in, n_out, rng=rng), act()]
        self.net = nn.Sequential(*layers[:-1], nn.Softmax())
        self.opt = optim.Adam(self.net, lr=lr) if opt == "adam" else optim.SGD(self.net, lr=lr)
        self.name, self.how, self.X, self.y, self.epochs = f"dltutor {how}", how, X, y, 0
        self.rng, self.cost = np.random.default_rng(seed), CrossEntropy()

    def weights(self):
        """[(W, b), ...] of the Dense layers, W: (n_out, n_in): every other starts from these."""
        return [(layer.W.copy(), layer.b.copy()) for layer in self.net.layers if isinstance(layer, nn.Dense)]

    def start_from(self, init):
        for layer, (W, b) in zip([lay for lay in self.net.layers if isinstance(lay, nn.Dense)], init):
            layer.W[...], layer.b[...] = W, b
        return self

    def epoch(self):
        """One pass over the data; returns the steps taken."""
        self.epochs += 1
        if self.how == "fit":
            train.fit(self.net, self.X, self.y, optimizer=self.opt, epochs=1, batch_size=self.batch,
                      seed=self.epochs, verbose=False, evaluate_train=False)
        else:
            order = self.rng.permutation(len(self.X))
            for start in range(0, len(self.X), self.batch):
                batch = order[start:start + self.batch]
                Y = self.net.forward(self.X[batch], train=True)
                _, dC, skip_last = train.cost_and_gradient(self.net, self.cost, Y, self.y[batch])
                self.net.backward(dC, skip_last=skip_last, input_grad=False)
                self.opt.step()
        return -(-len(self.X) // self.batch)

    def accuracy(self):
        return float(np.mean(self.net.predict(self.X) == self.y))


class PyTorch:
    name = "PyTorch"

    def __init__(self, X, y, spec, init, seed=0):
        import torch
        _, sizes, self.batch, activation, opt, lr, _ = spec
        act = {"sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU}[activation]
        layers = []
        for n_in, n_out in zip(sizes, sizes[1:]):
            layers += [torch.nn.Linear(n_in, n_out), act()]
        self.model = torch.nn.Sequential(*layers[:-1]).double()
        with torch.no_grad():
            for linear, (W, b) in zip(self.model[::2], init):
                linear.weight.copy_(torch.from_numpy(W))
                linear.bias.copy_(torch.from_numpy(b))
        self.loss = torch.nn.CrossEntropyLoss()
        self.opt = (torch.optim.Adam(self.model.parameters(), lr=lr) if opt == "adam"
                    else torch.optim.SGD(self.model.parameters(), lr=lr))
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y)
        self.gen = torch.Generator().manual_seed(seed)
        self.torch = torch

    def epoch(self):
        order = self.torch.randperm(len(self.X), generator=self.gen)
        for start in range(0, len(self.X), self.batch):
            idx = order[start:start + self.batch]
            self.opt.zero_grad()
            self.loss(self.model(self.X[idx]), self.y[idx]).backward()
            self.opt.step()
        return -(-len(self.X) // self.batch)

    def accuracy(self):
        with self.torch.no_grad():
            return float((self.model(self.X).argmax(1) == self.y).double().mean())


class NumpyByHand:
    """The step written out: forward, softmax with cross entropy, backward, SGD or Adam."""
    name = "numpy by hand"

    def __init__(self, X, y, spec, init, seed=0):
        _, _, self.batch, self.activation, self.opt, self.lr, _ = spec
        self.X, self.y, self.T = X, y, one_hot(y, int(y.max()) + 1)
        self.P = [p.copy() for W, b in init for p in (W.T, b)]   # W as (n_in, n_out): A @ W
        self.m = [np.zeros_like(p) for p in self.P]
        self.v = [np.zeros_like(p) for p in self.P]
        self.t, self.rng = 0, np.random.default_rng(seed)

    def f(self, Z):
        return np.maximum(Z, 0) if self.activation == "relu" else 1 / (1 + np.exp(-Z))

    def f_prime(self, A):  # from the activation's output
        return A > 0 if self.activation == "relu" else A * (1 - A)

    def step(self, idx):
        P, As = self.P, [self.X[idx]]
        for i in range(0, len(P), 2):
            Z = As[-1] @ P[i] + P[i + 1]
            As.append(self.f(Z) if i < len(P) - 2 else Z)
        Z = As.pop()
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        delta = (E / E.sum(axis=1, keepdims=True) - self.T[idx]) / len(idx)
        grads = []
        for i in reversed(range(0, len(P), 2)):
            grads[:0] = [As[i // 2].T @ delta, delta.sum(axis=0)]
            if i > 0:
                delta = (delta @ P[i].T) * self.f_prime(As[i // 2])
        self.t += 1
        for k, g in enumerate(grads):
            if self.opt == "sgd":
                P[k] -= self.lr * g
                continue
            self.m[k] = 0.9 * self.m[k] + 0.1 * g
            self.v[k] = 0.999 * self.v[k] + 0.001 * g * g
            P[k] -= self.lr * (self.m[k] / (1 - 0.9 ** self.t)) / (
                np.sqrt(self.v[k] / (1 - 0.999 ** self.t)) + 1e-8)

    def epoch(self):
        order = self.rng.permutation(len(self.X))
        for start in range(0, len(self.X), self.batch):
            self.step(order[start:start + self.batch])
        return -(-len(self.X) // self.batch)

    def accuracy(self):
        A = self.X
        for i in range(0, len(self.P), 2):
            A = A @ self.P[i] + self.P[i + 1]
            A = self.f(A) if i < len(self.P) - 2 else A
        return float(np.mean(A.argmax(axis=1) == self.y))


def steps_per_second(contender, seconds):
    """Whole epochs for about `seconds`: steps per second."""
    gc.collect()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        steps += contender.epoch()
    return steps / (time.perf_counter() - start)


def run(spec, rounds, seconds, use_torch):
    X, y = load(spec[-1])
    fit = Dltutor(X, y, spec, "fit")
    init = fit.weights()
    contenders = [fit, Dltutor(X, y, spec, "step").start_from(init), NumpyByHand(X, y, spec, init)]
    if use_torch:
        contenders.append(PyTorch(X, y, spec, init))
    for c in contenders:
        steps_per_second(c, seconds / 2)  # warm-up
    rates = {c.name: [] for c in contenders}
    for r in range(rounds):
        for c in contenders[r % len(contenders):] + contenders[:r % len(contenders)]:
            rates[c.name].append(steps_per_second(c, seconds))
    rows = []
    for c in contenders:
        over = {mine: statistics.median(m / o for m, o in zip(rates[mine], rates[c.name]))
                for mine in ("dltutor fit", "dltutor step")}
        rows.append((c.name, statistics.median(rates[c.name]), min(rates[c.name]), max(rates[c.name]),
                     over, c.accuracy()))
    return rows


def playground_frame_ms(frames=10):
    """The playground's own frame: steps_per_frame steps, then the costs, the surface and unit
    pictures. Returns (median ms a whole frame, median ms of its drawing alone, steps, frames/s)."""
    p = playground.Playground(hidden=(8, 8))
    p.draw_seconds.clear()
    whole = []
    for _ in range(frames):
        start = time.perf_counter()
        p.step(p.steps_per_frame)
        whole.append(time.perf_counter() - start)
    return (1e3 * float(np.median(whole)), 1e3 * float(np.median(p.draw_seconds)), p.steps_per_frame,
            p.frames_per_second)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--seconds", type=float, default=0.5, help="seconds each contender trains a round")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    args = parser.parse_args(argv)
    use_torch = False
    if not args.no_torch:
        try:
            import torch
            torch.set_num_threads(1)
            use_torch = True
        except ImportError:
            pass
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}; load average {os.getloadavg()[0]:.2f}; "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    table = ["| network | batch | dltutor fit | dltutor step | numpy by hand | PyTorch |",
             "|---|---:|---:|---:|---:|---:|"]
    for spec in NETWORKS:
        rows = run(spec, args.rounds, args.seconds, use_torch)
        print(f"\n{spec[0]}, batch {spec[2]}, {spec[-1]}:")
        for name, rate, lo, hi, over, accuracy in rows:
            print(f"  {name:<14} {rate:>8,.0f} steps/s (range {lo:,.0f}-{hi:,.0f}); dltutor fit x"
                  f"{over['dltutor fit']:.2f}, dltutor step x{over['dltutor step']:.2f}; "
                  f"training accuracy {100 * accuracy:.1f}%", flush=True)
        cells = {name: f"{rate:,.0f}" for name, rate, *_ in rows}
        for name, rate, lo, hi, over, _ in rows[2:]:
            cells[name] += f" (fit x{over['dltutor fit']:.2f}, step x{over['dltutor step']:.2f})"
        table.append(f"| {spec[0]} | {spec[2]} | " + " | ".join(
            cells.get(n, "-") for n in ("dltutor fit", "dltutor step", "numpy by hand", "PyTorch")) + " |")
    ms, draw_ms, steps, fps = playground_frame_ms()
    print(f"\nplayground frame ({steps} steps, then costs, decision surface, unit pictures): median {ms:.0f} ms, "
          f"of which drawing {draw_ms:.0f} ms "
          f"(it plays at {fps} frames a second: {1000 / fps:.0f} ms a frame)")
    print("\nsteps per second (median); in brackets dltutor's speed over each (median of per-round ratios):\n")
    print("\n".join(table))


if __name__ == "__main__":
    main()
