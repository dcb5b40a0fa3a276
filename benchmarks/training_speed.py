"""How fast does dltutor train a network, and how close is that to what this machine can do?

    python benchmarks/training_speed.py                 # float32 and float64, sigmoid and ReLU
    python benchmarks/training_speed.py --repeats 9     # more timed epochs, steadier medians
    python benchmarks/training_speed.py --profile       # where dltutor's step spends its time

The same network, 784-500-500-10 (sigmoid or ReLU hidden layers, softmax output with cross
entropy), trained on the course's MNIST subset (`dltutor.data.load_mnist()`, 5,000 images) by
plain SGD (learning rate 0.1, no momentum, no weight decay) on mini-batches of 100, by:

  dltutor            train.fit(..., epochs=1, evaluate_train=False, verbose=False), one call an epoch
  scikit-learn       MLPClassifier(solver="sgd", momentum=0, ...).partial_fit: one epoch a call
  PyTorch            the usual loop (Linear, CrossEntropyLoss, optim.SGD) on the CPU, if installed
  per-example loop   backpropagation one example at a time, in the style of Nielsen's network.py
                     (a few mini-batches a round are enough for its rate)
  numpy by hand      the same step written out in one function with every trick plain numpy
                     allows (arrays made once, all in place): how fast numpy itself goes here
  GEMMs alone        only the step's matrix products, at the same shapes, into arrays made once:
                     Z = A W^T for the 3 layers, dC/dW = dZ^T A for the 3 layers, dC/dA = dZ W for
                     the 2 upper layers. No implementation of the step can beat this on this machine.

Each is warmed up by one epoch, then timed for --repeats rounds, taking turns within a round (the
order rotates from round to round) so that a change in the machine's load hits all of them alike.
Reported: the median samples per second; dltutor's speed over each, as the median of the per-round
ratios; dltutor's fraction of the GEMM ceiling; and each one's training accuracy at the end, so that
a broken step cannot pass for a fast one. This is a measurement, not a test: nothing passes or fails.
PyTorch is optional and never a dependency of the course.
"""
import argparse
import gc
import importlib
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import dltutor
from dltutor import data, nn, optim, train

SIZES = (784, 500, 500, 10)
BATCH = 100
LR = 0.1


class Dltutor:
    """train.fit, one call an epoch. package: another copy of dltutor to time beside this one
    (--compare), with its name."""
    name = "dltutor"

    def __init__(self, X, y, dtype, activation, seed, package=None, name=None):
        nn_, optim_, self.train = (package.nn, package.optim, package.train) if package else (nn, optim, train)
        self.name = name or self.name
        rng = np.random.default_rng(seed)
        act = {"sigmoid": nn_.Sigmoid, "relu": nn_.ReLU}[activation]
        self.net = nn_.Sequential(
            nn_.Dense(784, 500, rng=rng, dtype=dtype), act(),
            nn_.Dense(500, 500, rng=rng, dtype=dtype), act(),
            nn_.Dense(500, 10, rng=rng, dtype=dtype), nn_.Softmax())
        self.opt = optim_.SGD(self.net, lr=LR)
        self.X, self.y, self.epochs = X, y, 0

    def start_from(self, init):
        """Start from the weights [(W, b), ...] every other contender starts from."""
        dense = [layer for layer in self.net.layers if hasattr(layer, "W")]
        for layer, (W, b) in zip(dense, init):
            layer.W[...], layer.b[...] = W, b
        return self

    def weights(self):
        """[(W, b), ...] of the Dense layers, W: (n_out, n_in): every other starts from these."""
        return [(layer.W.copy(), layer.b.copy()) for layer in self.net.layers if isinstance(layer, nn.Dense)]

    def epoch(self):
        self.epochs += 1
        self.train.fit(self.net, self.X, self.y, optimizer=self.opt, epochs=1, batch_size=BATCH,
                  seed=self.epochs, verbose=False, evaluate_train=False)
        return len(self.X)

    def accuracy(self):
        return float(np.mean(self.net.predict(self.X) == self.y))

    def dtype(self):
        return self.net.dtype.name


class ScikitLearn:
    name = "scikit-learn"

    def __init__(self, X, y, dtype, activation, seed, init):
        from sklearn.neural_network import MLPClassifier
        self.clf = MLPClassifier(
            hidden_layer_sizes=SIZES[1:-1], activation={"sigmoid": "logistic", "relu": "relu"}[activation],
            solver="sgd", batch_size=BATCH, learning_rate="constant", learning_rate_init=LR,
            momentum=0.0, nesterovs_momentum=False, alpha=0.0, shuffle=True, random_state=seed)
        self.X, self.y = X, y
        # partial_fit makes the weights on its first call (one mini-batch here); then they are set,
        # in place, to the common starting point. coefs_ are (n_in, n_out): W transposed.
        self.clf.partial_fit(X[:BATCH], y[:BATCH], classes=np.arange(10))
        for coef, intercept, (W, b) in zip(self.clf.coefs_, self.clf.intercepts_, init):
            coef[...] = W.T
            intercept[...] = b

    def epoch(self):
        self.clf.partial_fit(self.X, self.y, classes=np.arange(10))
        return len(self.X)

    def accuracy(self):
        return float(self.clf.score(self.X, self.y))

    def dtype(self):
        return self.clf.coefs_[0].dtype.name


class PyTorch:
    name = "PyTorch"

    def __init__(self, X, y, dtype, activation, seed, init):
        import torch
        torch.manual_seed(seed)
        act = {"sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU}[activation]
        self.model = torch.nn.Sequential(
            torch.nn.Linear(784, 500), act(), torch.nn.Linear(500, 500), act(),
            torch.nn.Linear(500, 10)).to({np.float32: torch.float32, np.float64: torch.float64}[dtype])
        with torch.no_grad():
            for linear, (W, b) in zip(self.model[::2], init):
                linear.weight.copy_(torch.from_numpy(W))
                linear.bias.copy_(torch.from_numpy(b))
        self.loss = torch.nn.CrossEntropyLoss()  # softmax and cross entropy, from the logits
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LR, momentum=0.0)
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y)
        self.gen = torch.Generator().manual_seed(seed)
        self.torch = torch

    def epoch(self):
        n = len(self.X)
        order = self.torch.randperm(n, generator=self.gen)
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            self.opt.zero_grad()
            self.loss(self.model(self.X[idx]), self.y[idx]).backward()
            self.opt.step()
        return n

    def accuracy(self):
        with self.torch.no_grad():
            return float((self.model(self.X).argmax(1) == self.y).double().mean())

    def dtype(self):
        return str(next(self.model.parameters()).dtype).replace("torch.", "")


class PerExampleLoop:
    """Backpropagation one example at a time, as in Nielsen's network.py (update_mini_batch and
    backprop, line for line, with a softmax and cross-entropy output and the benchmark's dtype):
    each example a column vector, its gradient added to the mini-batch's sum, one step a batch."""
    name = "per-example loop"

    def __init__(self, X, y, dtype, activation, seed, init, batches=3):
        self.rng = np.random.default_rng(seed)
        self.weights = [W.copy() for W, b in init]
        self.biases = [b.reshape(-1, 1).copy() for W, b in init]
        eye = np.eye(10, dtype=dtype)
        self.training_data = [(x.reshape(-1, 1), eye[label].reshape(-1, 1)) for x, label in zip(X, y)]
        self.activation = activation
        self.batches = batches
        self.X, self.y = X, y

    def f(self, z):
        return 1.0 / (1.0 + np.exp(-z)) if self.activation == "sigmoid" else np.maximum(z, 0)

    def f_prime(self, z):
        if self.activation == "sigmoid":
            s = self.f(z)
            return s * (1 - s)
        return (z > 0).astype(z.dtype)

    def epoch(self):
        order = self.rng.permutation(len(self.training_data))
        with np.errstate(over="ignore"):  # exp(-z) overflows to inf for very negative z: sigma = 0
            for k in range(self.batches):
                mini_batch = [self.training_data[i] for i in order[k * BATCH:(k + 1) * BATCH]]
                self.update_mini_batch(mini_batch, LR)
        return self.batches * BATCH

    def update_mini_batch(self, mini_batch, eta):
        nabla_b = [np.zeros_like(b) for b in self.biases]
        nabla_w = [np.zeros_like(w) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        nabla_b = [np.zeros_like(b) for b in self.biases]  # as network.py has it
        nabla_w = [np.zeros_like(w) for w in self.weights]
        activation, activations, zs = x, [x], []
        for b, w in zip(self.biases[:-1], self.weights[:-1]):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = self.f(z)
            activations.append(activation)
        z = np.dot(self.weights[-1], activation) + self.biases[-1]
        zs.append(z)
        e = np.exp(z - z.max())
        activations.append(e / e.sum())  # softmax
        delta = activations[-1] - y  # with cross entropy: dC/dz = y - t
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for layer in range(2, len(SIZES)):
            delta = np.dot(self.weights[-layer + 1].transpose(), delta) * self.f_prime(zs[-layer])
            nabla_b[-layer] = delta
            nabla_w[-layer] = np.dot(delta, activations[-layer - 1].transpose())
        return nabla_b, nabla_w

    def accuracy(self):
        A = self.X.T
        for b, w in zip(self.biases[:-1], self.weights[:-1]):
            A = self.f(w @ A + b)
        return float(np.mean((self.weights[-1] @ A + self.biases[-1]).argmax(0) == self.y))

    def dtype(self):
        return self.weights[0].dtype.name


class NumpyByHand:
    """The same step written out in one function, with every trick plain numpy allows: arrays made
    once and reused, everything in place, eta folded into dC/dz (w -= step, one pass), db as a
    matrix-vector product. Not a layer library: a reference for how fast numpy itself goes here."""
    name = "numpy by hand"

    def __init__(self, X, y, dtype, activation, seed, init):
        self.X, self.y, self.activation = X, y, activation
        self.rng = np.random.default_rng(seed)
        self.W = [W.copy() for W, b in init]
        self.b = [b.copy() for W, b in init]
        self.dW = [np.empty_like(W) for W in self.W]
        self.db = [np.empty_like(b) for b in self.b]
        self.Z = [np.empty((BATCH, W.shape[0]), dtype) for W in self.W]  # Z, then a = f(z), in place
        self.dA = [np.empty((BATCH, W.shape[1]), dtype) for W in self.W]
        self.rows, self.ones = np.arange(BATCH), np.ones(BATCH, dtype)

    def epoch(self):
        X, y = self.X, self.y
        order = self.rng.permutation(len(X))
        with np.errstate(over="ignore"):  # exp(-z) overflows to inf for very negative z: sigma = 0
            for start in range(0, len(X) - BATCH + 1, BATCH):
                idx = order[start:start + BATCH]
                A = [X[idx]]
                for i, (W, b, Z) in enumerate(zip(self.W, self.b, self.Z)):
                    np.matmul(A[-1], W.T, out=Z)
                    Z += b
                    if i < len(self.W) - 1:
                        if self.activation == "sigmoid":
                            np.negative(Z, out=Z)
                            np.exp(Z, out=Z)
                            Z += 1
                            np.reciprocal(Z, out=Z)
                        else:
                            np.maximum(Z, 0, out=Z)
                    A.append(Z)
                Y = A.pop()  # softmax in place, then dC/dz * eta = eta (y - t) / batch
                Y -= Y.max(axis=1, keepdims=True)
                np.exp(Y, out=Y)
                Y /= Y.sum(axis=1, keepdims=True)
                Y[self.rows, y[idx]] -= 1
                Y *= LR / BATCH
                delta = Y
                for i in reversed(range(len(self.W))):
                    np.matmul(delta.T, A[i], out=self.dW[i])
                    np.matmul(self.ones, delta, out=self.db[i])
                    if i > 0:
                        dA = np.matmul(delta, self.W[i], out=self.dA[i])
                        if self.activation == "sigmoid":
                            dA *= A[i]
                            np.subtract(1, A[i], out=A[i])
                            dA *= A[i]
                        else:
                            dA *= A[i] > 0
                        delta = dA
                for W, dW, b, db in zip(self.W, self.dW, self.b, self.db):
                    W -= dW
                    b -= db
        return len(X) // BATCH * BATCH

    def accuracy(self):
        A = self.X
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            A = A @ W.T + b
            if i < len(self.W) - 1:
                A = nn.Sigmoid().forward(A) if self.activation == "sigmoid" else np.maximum(A, 0)
        return float(np.mean(A.argmax(1) == self.y))

    def dtype(self):
        return self.W[0].dtype.name


class GemmCeiling:
    """The step's matrix products alone, at the same shapes and layout as dltutor's, nothing else."""
    name = "GEMMs alone"

    def __init__(self, X, y, dtype, activation, seed, init):
        rng = np.random.default_rng(seed)
        self.W = [W.copy() for W, b in init]
        self.A = [rng.random((BATCH, m)).astype(dtype) for m in SIZES[:-1]]    # each layer's input
        self.dZ = [np.empty((BATCH, n), dtype) for n in SIZES[1:]]           # Z, then dC/dZ
        self.dW = [np.empty_like(W) for W in self.W]
        self.dA = [np.empty((BATCH, m), dtype) for m in SIZES[:-1]]
        self.steps = len(X) // BATCH

    def epoch(self):
        for _ in range(self.steps):
            for A, W, Z in zip(self.A, self.W, self.dZ):
                np.matmul(A, W.T, out=Z)                               # forward
            for i in reversed(range(len(self.W))):
                np.matmul(self.dZ[i].T, self.A[i], out=self.dW[i])     # dC/dW
                if i > 0:
                    np.matmul(self.dZ[i], self.W[i], out=self.dA[i])   # dC/dA of the layer below
        return self.steps * BATCH

    def accuracy(self):
        return None

    def dtype(self):
        return self.W[0].dtype.name


def profile_dltutor(X, y, dtype, activation, epochs=3, seed=0):
    """dltutor's training step phase by phase (the same calls fit makes), against the GEMM ceiling:
    {phase: median milliseconds an epoch}."""
    X = X.astype(dtype)
    mine = Dltutor(X, y, dtype, activation, seed)
    net, opt, cost = mine.net, mine.opt, train.default_cost(mine.net)
    ceiling = GemmCeiling(X, y, dtype, activation, seed, mine.weights())
    clock = time.perf_counter

    def one_epoch(epoch):
        phases = {}

        def lap(name, since):
            now = clock()
            phases[name] = phases.get(name, 0.0) + now - since
            return now

        order = np.random.default_rng(epoch).permutation(len(X))
        t = clock()
        for start in range(0, len(X), BATCH):
            idx = order[start:start + BATCH]
            A, labels = X[idx], y[idx]
            t = lap("mini-batch X[idx]", t)
            for layer in net.layers:
                A = layer.forward(A, train=True)
                t = lap(f"forward {type(layer).__name__}", t)
            _, delta, _ = train.cost_and_gradient(net, cost, A, labels)
            t = lap("cost and dC/dz", t)
            dense = [i for i, layer in enumerate(net.layers) if isinstance(layer, nn.Dense)]
            for i in range(len(net.layers) - 2, -1, -1):
                layer = net.layers[i]
                delta = layer.backward(delta, input_grad=False) if i == dense[0] else layer.backward(delta)
                t = lap(f"backward {type(layer).__name__}", t)
            opt.step()
            t = lap("SGD step", t)
        return phases

    one_epoch(0)
    ceiling.epoch()
    runs, gemm = [], []
    for epoch in range(1, epochs + 1):
        gc.collect()
        start = clock()
        ceiling.epoch()
        gemm.append(clock() - start)
        gc.collect()
        runs.append(one_epoch(epoch))
    result = {name: 1e3 * statistics.median(run[name] for run in runs) for name in runs[0]}
    result["(GEMMs alone)"] = 1e3 * statistics.median(gemm)
    return result


def loop_agrees_with_dltutor(X, y, activation, n=20):
    """Largest relative difference between the per-example loop's mean gradient and dltutor's
    backpropagation on the same weights and examples (float64): ~1e-15 when the loop is right."""
    X, y = X[:n], y[:n]
    net = Dltutor(X, y, np.float64, activation, seed=0).net
    loop = PerExampleLoop(X, y, np.float64, activation, 0, Dltutor(X, y, np.float64, activation, 0).weights())
    Y = net.forward(X, train=True)
    _, delta, through_softmax = train.cost_and_gradient(net, train.default_cost(net), Y, y)
    net.backward(delta, skip_last=through_softmax)
    sums = [np.zeros_like(w) for w in loop.weights]
    for x, t in loop.training_data:
        sums = [s + g for s, g in zip(sums, loop.backprop(x, t)[1])]
    mine = [layer.grads["W"] for layer in net.layers if isinstance(layer, nn.Dense)]
    return max(np.abs(s / n - g).max() / np.abs(g).max() for s, g in zip(sums, mine))


def torch_available():
    try:
        import torch  # noqa: F401
        return True
    except ImportError:
        return False


def time_epoch(contender):
    """One epoch (or, for the per-example loop, a few mini-batches): samples per second."""
    gc.collect()
    start = time.perf_counter()
    samples = contender.epoch()
    seconds = time.perf_counter() - start
    contender.samples = getattr(contender, "samples", 0) + samples
    return samples / seconds


def run(X, y, dtype, activation, repeats, use_torch, loop_batches, pause, seed=0, compare=None):
    X = X.astype(dtype)
    mine = Dltutor(X, y, dtype, activation, seed)
    init = mine.weights()  # all start from the same weights, so that they learn alike
    contenders = [mine, ScikitLearn(X, y, dtype, activation, seed, init)]
    if compare is not None:
        contenders.append(Dltutor(X, y, dtype, activation, seed, *compare).start_from(init))
    if use_torch:
        contenders.append(PyTorch(X, y, dtype, activation, seed, init))
    contenders += [PerExampleLoop(X, y, dtype, activation, seed, init, loop_batches),
                   NumpyByHand(X, y, dtype, activation, seed, init),
                   GemmCeiling(X, y, dtype, activation, seed, init)]
    start_accuracy = mine.accuracy()
    for c in contenders:  # warm-up epoch (not counted)
        time_epoch(c)
    rates = {c.name: [] for c in contenders}
    for r in range(repeats):
        turn = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
        for c in turn:
            time.sleep(pause)  # lets the thread pools of the one before go idle
            rates[c.name].append(time_epoch(c))
    rows = []
    for c in contenders:
        ratios = [m / o for m, o in zip(rates["dltutor"], rates[c.name])]
        ratio = statistics.median(ratios)
        # The middle half of the per-round ratios: how far one run's ratio can be trusted.
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratio] * 3
        of_ceiling = statistics.median(m / o for m, o in zip(rates[c.name], rates[GemmCeiling.name]))
        rows.append({"name": c.name, "rate": statistics.median(rates[c.name]), "ratio": ratio,
                     "ratio_quartiles": (quartiles[0], quartiles[2]),
                     "of_ceiling": of_ceiling,
                     "spread": (min(rates[c.name]), max(rates[c.name])),
                     "accuracy": c.accuracy(), "dtype": c.dtype(), "samples": c.samples})
    return rows, start_accuracy


def load_copy(folder):
    """Import DIR/dltutor under another name (dltutor_compared), beside the installed dltutor: it
    imports its own modules relatively, so a copy of the folder under a new name is a package."""
    source = pathlib.Path(folder, "dltutor")
    if not (source / "__init__.py").is_file():
        raise SystemExit(f"--compare {folder}: no dltutor package in it (expected {source}/__init__.py)")
    home = pathlib.Path(tempfile.mkdtemp(prefix="dltutor-compared-"))
    shutil.copytree(source, home / "dltutor_compared", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(home))
    package = importlib.import_module("dltutor_compared")
    for module in ("nn", "optim", "train"):
        importlib.import_module(f"dltutor_compared.{module}")
    return package


def import_time(runs=5):
    """Median seconds for `import dltutor` in a fresh interpreter (numpy's import included)."""
    code = "import time; t = time.perf_counter(); import dltutor; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def machine():
    model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model or platform.machine()}, {os.cpu_count()} cores, {platform.system()}"


def versions():
    import sklearn
    parts = [f"Python {platform.python_version()}", f"numpy {np.__version__}",
             f"scikit-learn {sklearn.__version__}", f"dltutor {dltutor.__version__}"]
    if torch_available():
        import torch
        parts.append(f"PyTorch {torch.__version__}")
    return ", ".join(parts)


def blas_description():
    lines = []
    for info in threadpool_info():
        lines.append(f"{info['internal_api']} {info.get('version') or ''} ({info['user_api']}, "
                     f"{info['num_threads']} threads, {os.path.basename(info['filepath'])})")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed epochs of each (default 5)")
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"], choices=["float32", "float64"])
    parser.add_argument("--activations", nargs="+", default=["sigmoid", "relu"], choices=["sigmoid", "relu"])
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS (and PyTorch) threads; default: what the libraries chose")
    parser.add_argument("--loop-batches", type=int, default=3,
                        help="mini-batches the per-example loop trains a round (default 3)")
    parser.add_argument("--pause", type=float, default=0.1,
                        help="seconds between two timed epochs, for idle thread pools (default 0.1)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    parser.add_argument("--compare", metavar="DIR",
                        help="time another copy of the package too (DIR holds its dltutor/ folder, e.g. a "
                             "checkout of an older version), as the contender 'dltutor DIR'")
    parser.add_argument("--profile", action="store_true",
                        help="instead: where dltutor's step spends its time, phase by phase")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    use_torch = not args.no_torch and torch_available()
    import sklearn.neural_network  # noqa: F401  (loads scipy's BLAS too, before the limits are set)
    limits = threadpool_limits(args.threads) if args.threads else None
    if use_torch:
        import torch
        blas_threads = max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        torch.set_num_threads(args.threads or blas_threads)
    compare = (load_copy(args.compare), f"dltutor {args.compare}") if args.compare else None
    X, y = data.load_mnist()
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {machine()}")
    print(f"versions: {versions()}")
    for line in blas_description():
        print(f"thread pool: {line}")
    if use_torch:
        print(f"PyTorch threads: {torch.get_num_threads()}")
    load_before = os.getloadavg()
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print(f"data: load_mnist() {X.shape}, {args.repeats} timed epochs after a warm-up epoch; "
          f"the per-example loop {args.loop_batches} mini-batches a round", flush=True)
    if args.profile:
        for dtype_name in args.dtypes:
            for activation in args.activations:
                phases = profile_dltutor(X, y, np.dtype(dtype_name).type, activation, args.repeats)
                gemm = phases.pop("(GEMMs alone)")
                total = sum(phases.values())
                print(f"\n{dtype_name}, {activation}: an epoch {total:.0f} ms, its GEMMs alone {gemm:.0f} ms "
                      f"({gemm / total:.0%}); by phase (forward and backward Dense include their GEMMs):")
                for name, ms in sorted(phases.items(), key=lambda item: -item[1]):
                    print(f"  {name:<20} {ms:7.1f} ms  {ms / total:6.1%}")
        if limits is not None:
            limits.restore_original_limits()
        return
    for activation in args.activations:
        print(f"per-example loop, {activation}: its gradient differs from dltutor's by "
              f"{loop_agrees_with_dltutor(X, y, activation):.1e} (relative, float64)")
    started = time.perf_counter()
    results = []
    for dtype_name in args.dtypes:
        for activation in args.activations:
            rows, start_accuracy = run(X, y, np.dtype(dtype_name).type, activation, args.repeats,
                                       use_torch, args.loop_batches, args.pause, compare=compare)
            results.append((dtype_name, activation, rows, start_accuracy))
            print(f"\n{dtype_name}, {activation} (accuracy at the start {100 * start_accuracy:.1f}%):")
            for row in rows:
                lo, hi = row["spread"]
                line = (f"  {row['name']:<17} {row['rate']:>9,.0f} samples/s (range {lo:,.0f}-{hi:,.0f}), "
                        f"dltutor x{row['ratio']:.2f}, {row['of_ceiling']:.0%} of the GEMM ceiling, {row['dtype']}")
                if row["name"] != Dltutor.name:
                    q1, q3 = row["ratio_quartiles"]
                    line += f" (dltutor's ratio in the middle half of the rounds: x{q1:.2f}-x{q3:.2f})"
                if row["accuracy"] is not None:
                    line += f", accuracy {100 * row['accuracy']:.1f}% after {row['samples']:,} samples"
                print(line, flush=True)
    load_after = os.getloadavg()
    seconds = time.perf_counter() - started
    if limits is not None:
        limits.restore_original_limits()
    print(f"\nload average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; "
          f"measured in {seconds:.0f} s")
    print(f"import dltutor: {import_time():.3f} s (median of 5 fresh interpreters, numpy's import included)")

    names = [row["name"] for row in results[0][2]]
    print("\nsamples per second (median), and dltutor's speed over each (median of the per-round ratios):\n")
    print("| dtype | hidden | " + " | ".join(names) + " | dltutor / GEMM ceiling | numpy by hand / GEMM ceiling |")
    print("|---|---|" + "---:|" * (len(names) + 2))
    for dtype_name, activation, rows, _ in results:
        cells = [f"{rows[0]['rate']:,.0f}"]
        cells += [f"{row['rate']:,.0f} (x{row['ratio']:.2f})" for row in rows[1:]]
        by_hand = next(row for row in rows if row["name"] == NumpyByHand.name)
        cells += [f"{rows[0]['of_ceiling']:.0%}", f"{by_hand['of_ceiling']:.0%}"]
        print(f"| {dtype_name} | {activation} | " + " | ".join(cells) + " |")

    # A broken step can look fast: each must have learned something from where it started.
    stalled = [f"{d} {a} {row['name']}" for d, a, rows, start_accuracy in results for row in rows
               if row["accuracy"] is not None and row["name"] != PerExampleLoop.name
               and row["accuracy"] < start_accuracy + 0.2]
    if stalled:
        print("\nWARNING: no better than 20 points over their start, so their speed means little: "
              + ", ".join(stalled))


if __name__ == "__main__":
    main()
