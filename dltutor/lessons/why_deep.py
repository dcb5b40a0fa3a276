"""Notebook 05, why deep: the experiments, figures, widgets and exercise checks of Part II.

    from dltutor.lessons import why_deep as wd
    wd.wer_rows(), wd.plot_wer(ax)                      # the slides' table, with parameter counts
    wd.step_network(f, n), wd.relu_network(f, n)        # one hidden layer built to fit f (universality)
    wd.universality_widget()                            # a slider for the number of hidden neurons
    wd.deep_vs_fat_mnist(...), wd.deep_vs_fat_sawtooth(...)   # same parameters, deep against fat
    wd.sawtooth_network(k)                              # k layers of 2 ReLUs: a sawtooth of 2**k pieces
    wd.modularization(...)                              # the rare class "boys with long hair"
    wd.oversample(X, y), wd.attribute_scores(pg, ph)     # the control, and the modular model's AND
    wd.two_level_parity(n), wd.deep_parity(n), wd.threshold_parity(n), wd.parity_training(...)
    wd.check_count_params(fn), wd.check_bump(fn), wd.check_xor(fn), wd.check_tent(fn)   # hint=2, hint=3

The fuller versions of the experiments (more seeds, more epochs) run from the command line and
write their results, with the seeds and settings, to dltutor/datafiles/results/why_deep_full.json (about 33
minutes with one BLAS thread on a busy 2-core machine; the notebook reads that file):

    OPENBLAS_NUM_THREADS=1 python -m dltutor.lessons.why_deep --full
    OPENBLAS_NUM_THREADS=1 python -m dltutor.lessons.why_deep --full --only mnist,modularization

(--only reruns the named experiments and keeps the others' saved results.) Deep against fat on
digits runs over resampled train/validation/test splits, the number of epochs chosen on the
validation split (`three_way_split`, `fit_early_stopped`, `standard_error`, `paired_gaps`).
Modularization chooses each model's learning rate and number of epochs on a balanced validation set
drawn with a seed of its own (`modular_outputs`, `choose_on_validation`) and reports a separate test set.
"""
import argparse
import os
import pathlib
import platform
import sys
import time

import numpy as np

from . import saved
from .. import data, exercises, nn, optim, plot, slides, train
from .. import widgets as _widgets

# =============================================================================================
# 1. The slides' table: word error rate against depth and width (Seide, Li and Yu, 2011)
# =============================================================================================

# The paper's network: 11 frames of 39 PLP features in, one output per tied triphone state
# (senone) out. With these sizes the fat widths 3772 and 4634 come out exactly as the widths
# that match 5 x 2k and 7 x 2k in parameters, which is how the slides' table was built.
SEIDE_INPUTS = 11 * 39
SEIDE_OUTPUTS = 9304


def count_params(sizes):
    """Weights and biases of a fully connected network with these layer sizes (inputs first)."""
    sizes = [int(s) for s in sizes]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def matched_width(n_params, n_in, n_out):
    """The widest ONE hidden layer with at most n_params parameters: (n_in + 1 + n_out) h + n_out <= n_params."""
    return int((n_params - n_out) // (n_in + 1 + n_out))


def wer_rows(n_in=SEIDE_INPUTS, n_out=SEIDE_OUTPUTS):
    """The slides' table as rows: kind, name, hidden sizes, parameters, word error rate (%)."""
    rows = []
    for layers, width, wer in slides.WER_DEEP:
        hidden = [width] * layers
        rows.append({"kind": "deep", "name": f"{layers} x {width // 1024}k", "hidden": hidden,
                     "params": count_params([n_in, *hidden, n_out]), "wer": wer, "matches": None})
    for layers, width, wer, matches in slides.WER_FAT:
        hidden = [width] * layers
        name = f"1 x {width // 1024}k" if width % 1024 == 0 else f"1 x {width}"
        rows.append({"kind": "fat", "name": name, "hidden": hidden,
                     "params": count_params([n_in, *hidden, n_out]), "wer": wer, "matches": matches})
    return rows


def print_wer_table(rows):
    """The two columns of the slides, side by side, with parameter counts in millions."""
    deep = [r for r in rows if r["kind"] == "deep"]
    fat = {r["matches"]: r for r in rows if r["kind"] == "fat"}
    fat_names = {"5 x 2k": "5 x 2k", "7 x 2k": "7 x 2k"}
    print(f"{'deep':>8} {'params':>8} {'WER %':>6}   | {'fat':>9} {'params':>8} {'WER %':>6}")
    for r in deep:
        line = f"{r['name']:>8} {r['params'] / 1e6:7.1f}M {r['wer']:6.1f}   |"
        f = fat.get(fat_names[r["name"]]) if r["name"] in fat_names else None
        if f:
            line += f" {f['name']:>9} {f['params'] / 1e6:7.1f}M {f['wer']:6.1f}"
        print(line)
    for f in (r for r in rows if r["kind"] == "fat" and r["matches"] is None):
        print(f"{'':>8} {'':>8} {'':>6}   | {f['name']:>9} {f['params'] / 1e6:7.1f}M {f['wer']:6.1f}")


def plot_wer(ax, rows):
    """Word error rate against the number of parameters, deep and fat networks."""
    deep = [r for r in rows if r["kind"] == "deep"]
    fat = [r for r in rows if r["kind"] == "fat"]
    ax.plot([r["params"] / 1e6 for r in deep], [r["wer"] for r in deep], label="deep: layers x 2k",
            **{**plot.style(0), "markevery": 1})
    ax.plot([r["params"] / 1e6 for r in fat], [r["wer"] for r in fat], label="fat: 1 hidden layer",
            color=plot.COLORS[3], linestyle="none", marker="s", markersize=8)
    for r in deep:
        ax.annotate(r["name"], (r["params"] / 1e6, r["wer"]), textcoords="offset points", xytext=(4, 4),
                    fontsize=8)
    for r in fat:
        ax.annotate(r["name"], (r["params"] / 1e6, r["wer"]), textcoords="offset points", xytext=(4, -12),
                    fontsize=8, color=plot.COLORS[3])
    ax.set_xscale("log")
    # plain numbers on the log axis (matplotlib would write some of them as 2x10^1)
    ticks = [20, 30, 50, 100, 160]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xticks([], minor=True)
    ax.set(xlabel=f"parameters (millions; assumes {SEIDE_INPUTS} inputs, {SEIDE_OUTPUTS} outputs)",
           ylabel="word error rate (%)", title="Seide et al. (2011): deep beats fat at equal size")
    ax.legend()
    return ax


# =============================================================================================
# 2. Universality: one hidden layer, enough neurons
# =============================================================================================

def target(x):
    """The function of the universality demonstration (the one in Nielsen's chapter 4)."""
    x = np.asarray(x, dtype=np.float64)
    return 0.2 + 0.4 * x ** 2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


def step_weights(f, n, steepness=None):
    """One hidden layer of n sigmoid 'steps' that builds a staircase close to f on [0, 1].

    The interval is cut into n + 1 pieces; the output bias is f at the middle of the first piece,
    and hidden neuron i (i = 1..n) switches on at x = i / (n + 1) and adds the jump from the
    previous piece's middle value to the next one's. Returns W1 (n, 1), b1 (n,), W2 (1, n), b2 (1,).
    """
    n = int(n)
    edges = np.arange(1, n + 1) / (n + 1)
    mids = (np.arange(n + 1) + 0.5) / (n + 1)
    levels = f(mids)
    w = 12.0 * (n + 1) if steepness is None else float(steepness)  # the rise takes ~1/3 of a piece
    W1 = np.full((n, 1), w)
    b1 = -w * edges
    W2 = np.diff(levels)[None, :]
    b2 = levels[:1].copy()
    return W1, b1, W2, b2


def relu_weights(f, n):
    """One hidden layer of n ReLUs whose sum joins the dots (i / n, f(i / n)), i = 0..n.

    Neuron i starts at x = i / n and adds the change of slope there. Returns W1, b1, W2, b2.
    """
    n = int(n)
    knots = np.arange(n + 1) / n
    slopes = np.diff(f(knots)) * n
    W1 = np.ones((n, 1))
    b1 = -knots[:-1]
    W2 = np.diff(slopes, prepend=0.0)[None, :]
    b2 = f(knots[:1])
    return W1, b1, W2, b2


def step_network(f, n, steepness=None):
    """step_weights as a dltutor network: Dense, Sigmoid, Dense."""
    W1, b1, W2, b2 = step_weights(f, n, steepness)
    return nn.Sequential(nn.Dense.from_weights(W1, b1), nn.Sigmoid(), nn.Dense.from_weights(W2, b2))


def relu_network(f, n):
    """relu_weights as a dltutor network: Dense, ReLU, Dense."""
    W1, b1, W2, b2 = relu_weights(f, n)
    return nn.Sequential(nn.Dense.from_weights(W1, b1), nn.ReLU(), nn.Dense.from_weights(W2, b2))


def contributions(kind, f, n, x):
    """Each hidden neuron's scaled output w2_i a_i(x): (len(x), n), and the output bias."""
    W1, b1, W2, b2 = (step_weights if kind == "sigmoid" else relu_weights)(f, n)
    Z = np.asarray(x, dtype=np.float64).reshape(-1, 1) @ W1.T + b1
    A = nn.sigmoid(Z) if kind == "sigmoid" else np.maximum(Z, 0)
    return A * W2[0], float(b2[0])


GRID = np.linspace(0, 1, 1001)


def approximation_error(kind, f, n, x=GRID):
    """Largest and root-mean-square |network(x) - f(x)| over x in [0, 1]."""
    net = step_network(f, n) if kind == "sigmoid" else relu_network(f, n)
    err = net.forward(x[:, None])[:, 0] - f(x)
    return float(np.max(np.abs(err))), float(np.sqrt(np.mean(err ** 2)))


def trained_one_layer(f, widths, steps=1500, lr=0.01, seed=0, n=200):
    """RMS error of one-hidden-layer ReLU networks trained by Adam (full batch) on n points of f.

    The first layer's biases are set so that every neuron's kink falls inside [0, 1] (with b = 0
    they would all sit at x = 0 and the network would start as a straight line).
    """
    X, Y = data.function_1d(f, n=n, low=0.0, high=1.0, seed=seed)
    errors = []
    for width in widths:
        rng = np.random.default_rng(seed)
        net = mlp(1, [width], 1, rng, output="linear")
        spread_kinks(net.layers[0], rng)
        train.fit(net, X, Y, optimizer=optim.Adam(net, lr), epochs=steps, batch_size=n, seed=seed,
                  verbose=False, evaluate_train=False)
        err = net.forward(GRID[:, None])[:, 0] - f(GRID)
        errors.append(float(np.sqrt(np.mean(err ** 2))))
    return errors


def universality_widget(f=target):
    """A slider for the number of hidden neurons: each neuron's scaled output, their sum and f."""
    ns = np.unique(np.round(np.geomspace(1, 100, 25)).astype(int))
    curves = {kind: np.array([approximation_error(kind, f, n)[1] for n in ns]) for kind in ("sigmoid", "relu")}

    def draw(fig, n, kind):
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
        parts, bias = contributions(kind, f, n, GRID)
        for i in range(parts.shape[1]):
            left.plot(GRID, parts[:, i], color=plot.COLORS[5], linestyle="-", linewidth=0.8, alpha=0.7,
                      label="one neuron: $w_i\\,a_i(x)$" if i == 0 else None)
        total = parts.sum(axis=1) + bias
        left.plot(GRID, f(GRID), color="black", linestyle="--", linewidth=1.5, label="target f(x)")
        left.plot(GRID, total, color=plot.COLORS[3], linestyle="-", linewidth=2.2, label="sum = network output")
        unit = "sigmoid steps" if kind == "sigmoid" else "ReLU ramps"
        left.set(title=f"{n} hidden neurons ({unit}) add up", xlabel="x", ylabel="value",
                 ylim=(-0.5, 1.2) if kind == "sigmoid" else None)
        left.legend(loc="upper left", fontsize=8)
        max_err, rms = approximation_error(kind, f, n)
        for j, (name, c) in enumerate(curves.items()):
            right.loglog(ns, c, label=f"{name}", **{**plot.style(j), "markevery": 1, "markersize": 3})
        right.plot([n], [rms], marker="o", markersize=10, color="black", fillstyle="none", linestyle="none",
                   label="this network")
        right.set(title="Error falls as neurons are added", xlabel="hidden neurons",
                  ylabel="RMS error on [0, 1]")
        right.legend(fontsize=8)
        return f"{n} neurons ({unit}): largest error {max_err:.4f}, RMS error {rms:.4f}"

    return _widgets.Interactive(
        draw, figsize=(9.0, 3.8),
        n=_widgets.slider("hidden neurons", 1, 60, 5, 1, integer=True),
        kind=_widgets.W.Dropdown(options=[("sigmoid steps", "sigmoid"), ("ReLU ramps", "relu")],
                                 value="sigmoid", description="neuron type",
                                 style={"description_width": "initial"}))


# =============================================================================================
# 3. Deep versus fat at the same number of parameters
# =============================================================================================

def mlp(n_in, hidden, n_out, rng, activation="relu", output="softmax", dtype=np.float64):
    """Dense layers of the given hidden widths with an activation after each; softmax or linear out."""
    act = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid}[activation]
    layers, prev = [], n_in
    for h in hidden:
        layers += [nn.Dense(prev, h, rng=rng, dtype=dtype), act()]
        prev = h
    layers.append(nn.Dense(prev, n_out, rng=rng, dtype=dtype))
    if output == "softmax":
        layers.append(nn.Softmax())
    return nn.Sequential(*layers)


def spread_kinks(layer, rng, low=0.0, high=1.0):
    """For a 1-input ReLU layer: slopes of size 1..3 either way, each kink placed uniformly in [low, high]."""
    n = layer.n_out
    layer.W[:, 0] = rng.choice([-1.0, 1.0], n) * rng.uniform(1.0, 3.0, n)
    layer.b[:] = -layer.W[:, 0] * rng.uniform(low, high, n)


def mnist_14x14():
    """The MNIST subset with every 2x2 block of pixels averaged: X (5000, 196) in [0, 1], y."""
    X, y = data.load_mnist()
    return X.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(-1, 196), y


def deep_vs_fat_configs(n_in, n_out, width, depths):
    """For each depth L: the deep net L x width and the one-hidden-layer net of matched size."""
    configs = []
    for L in depths:
        deep = [width] * L
        P = count_params([n_in, *deep, n_out])
        configs.append(("deep", deep, P))
        if L > 1:
            fat = [matched_width(P, n_in, n_out)]
            configs.append(("fat", fat, count_params([n_in, *fat, n_out])))
    return configs


def three_way_split(X, y, seed, n_val=1000, n_test=1000):
    """A resampled split: n_test digits for testing, n_val for validation, the rest for training.

    Stratified; `seed` draws which digits go where, so each seed is another split of the data.
    Returns X_train, y_train, X_val, y_val, X_test, y_test.
    """
    Xrest, Xte, yrest, yte = data.split(X, y, test_size=n_test, seed=seed)
    Xtr, Xva, ytr, yva = data.split(Xrest, yrest, test_size=n_val, seed=seed + 1000)
    return Xtr, ytr, Xva, yva, Xte, yte


def standard_error(p, n):
    """The standard error of an accuracy (or error rate) p measured on n independent test examples."""
    return float(np.sqrt(p * (1 - p) / n))


def fit_early_stopped(net, Xtr, ytr, Xva, yva, Xte, yte, epochs, lr, seed, batch_size=100):
    """Adam for `epochs` epochs; the number of epochs is chosen on the validation split.

    Returns (test error % at the epoch with the lowest validation error, that epoch, training error % at
    the end). The test split plays no part in the choice.
    """
    test_err = []

    def measure(epoch, history):
        test_err.append(100 * (1 - train.evaluate(net, Xte, yte)["accuracy"]))

    history = train.fit(net, Xtr, ytr, optimizer=optim.Adam(net, lr), epochs=epochs, batch_size=batch_size,
                        seed=seed, validation=(Xva, yva), verbose=False, evaluate_train=False,
                        callback=measure)
    best = int(np.argmax(history["val_accuracy"]))
    return test_err[best], best + 1, 100 * (1 - train.evaluate(net, Xtr, ytr)["accuracy"])


def deep_vs_fat_mnist(width=128, depths=(1, 2, 3), epochs=8, seeds=(0,), lr=2e-3, dtype=np.float32,
                      pooled=True, n_val=1000, n_test=1000):
    """L x width against matched one-layer ReLU networks on the MNIST subset, over resampled splits.

    For each seed s: a new split (data.split with seed s: n_test test digits, n_val validation
    digits, the rest for training), new initial weights and mini-batches (seed s); the number of
    epochs (up to `epochs`) is chosen on the validation split, the error reported on the test split.
    Returns rows: kind, hidden, params, test_error (mean), errors (each split), epochs (chosen),
    train_error (mean), n_test.
    """
    X, y = mnist_14x14() if pooled else data.load_mnist()
    splits = {s: [a.astype(dtype) if a.ndim == 2 else a for a in three_way_split(X, y, s, n_val, n_test)]
              for s in seeds}
    rows = []
    for kind, hidden, P in deep_vs_fat_configs(X.shape[1], 10, width, depths):
        errs, chosen, tr_errs = [], [], []
        for s in seeds:
            net = mlp(X.shape[1], hidden, 10, np.random.default_rng(s), dtype=dtype)
            e, ep, tr = fit_early_stopped(net, *splits[s], epochs=epochs, lr=lr, seed=s)
            errs.append(float(e))
            chosen.append(ep)
            tr_errs.append(float(tr))
        rows.append({"kind": kind, "hidden": hidden, "params": P, "test_error": float(np.mean(errs)),
                     "errors": errs, "epochs": chosen, "train_error": float(np.mean(tr_errs)),
                     "n_test": n_test})
    return rows


def paired_gaps(rows, errors_key="errors"):
    """For each fat row: (deep name, fat name, gaps fat - deep on each split/seed, in the rows' units)."""
    out = []
    for i, r in enumerate(rows):
        if r["kind"] == "fat":
            d = rows[i - 1]
            gaps = [f - g for f, g in zip(r[errors_key], d[errors_key])]
            out.append((f"{len(d['hidden'])} x {d['hidden'][0]}", f"1 x {r['hidden'][0]}", gaps))
    return out


def sawtooth_network(k):
    """k hidden layers of 2 ReLUs computing the tent map k times exactly on [0, 1].

    T(x) = 2 relu(x) - 4 relu(x - 1/2) on [0, 1]; each layer's two units read the previous T.
    """
    k = int(k)
    layers = [nn.Dense.from_weights([[1.0], [1.0]], [0.0, -0.5]), nn.ReLU()]
    for _ in range(k - 1):
        layers += [nn.Dense.from_weights([[2.0, -4.0], [2.0, -4.0]], [0.0, -0.5]), nn.ReLU()]
    layers.append(nn.Dense.from_weights([[2.0, -4.0]], [0.0]))
    return nn.Sequential(*layers)


def sawtooth_sizes(ks):
    """Exact representations of the k-fold tent map: deep (k x 2 ReLUs) against one hidden layer.

    One hidden layer of ReLUs on one input is piecewise linear with at most (neurons + 1) pieces, and
    T^k has 2**k pieces, so it needs at least 2**k - 1 neurons.
    """
    rows = []
    for k in ks:
        shallow_units = 2 ** k - 1
        rows.append({"k": k, "pieces": 2 ** k, "deep_units": 2 * k, "deep_params": count_params([1] + [2] * k + [1]),
                     "shallow_units": shallow_units, "shallow_params": count_params([1, shallow_units, 1])})
    return rows


def deep_vs_fat_sawtooth(k=3, width=4, depths=(1, 2, 3), steps=1500, lr=0.01, seeds=(0,), n=257):
    """Train L x width and matched one-layer ReLU networks on the k-fold tent map; RMS error.

    Full-batch Adam on n evenly spaced points; the error is measured on 1001 points of [0, 1].
    """
    X, Y = data.sawtooth(k, n)
    Xt, Yt = data.sawtooth(k, 1001)
    rows = []
    for kind, hidden, P in deep_vs_fat_configs(1, 1, width, depths):
        errs = []
        for s in seeds:
            rng = np.random.default_rng(s)
            net = mlp(1, hidden, 1, rng, output="linear")
            spread_kinks(net.layers[0], rng)
            train.fit(net, X, Y, optimizer=optim.Adam(net, lr), epochs=steps, batch_size=n, seed=s,
                      verbose=False, evaluate_train=False)
            errs.append(float(np.sqrt(np.mean((net.forward(Xt) - Yt) ** 2))))
        rows.append({"kind": kind, "hidden": hidden, "params": P, "rms": float(np.mean(errs)),
                     "errors": errs})
    return rows


def _cell(row, key, errors_key, digits):
    values = row.get(errors_key) or [row[key]]
    if len(values) > 1:
        return f"{np.mean(values):.{digits}f} ± {np.std(values):.{digits}f}"
    return f"{row[key]:.{digits}f}"


def print_deep_vs_fat(rows, key, label, digits=2, errors_key="errors"):
    """A table shaped like the slides': deep L x size on the left, one layer of matched size on the right.

    rows as the experiments return them: each fat row follows the deep row whose size it matches.
    With several seeds a cell shows mean ± standard deviation over the seeds.
    """
    several = any(len(r.get(errors_key) or []) > 1 for r in rows)
    w = max(len(label), 2 * digits + 8 if several else 0)
    print(f"{'deep: layers x size':>19} {'params':>7} {label:>{w}}  | {'fat: 1 x size':>13} {'params':>7} {label:>{w}}")
    for i, d in enumerate(rows):
        if d["kind"] != "deep":
            continue
        name = f"{len(d['hidden'])} x {d['hidden'][0]}"
        line = f"{name:>19} {d['params']:>7,} {_cell(d, key, errors_key, digits):>{w}}  |"
        if i + 1 < len(rows) and rows[i + 1]["kind"] == "fat":
            f = rows[i + 1]
            line += f" {'1 x ' + str(f['hidden'][0]):>13} {f['params']:>7,} {_cell(f, key, errors_key, digits):>{w}}"
        print(line)


def plot_deep_vs_fat(ax, rows, key, ylabel, title, errors_key="errors", scale=1.0):
    """The metric against the number of parameters: deep networks as a line, fat ones as squares."""
    for i, kind in enumerate(("deep", "fat")):
        sel = [r for r in rows if r["kind"] == kind]
        x = [r["params"] for r in sel]
        y = [scale * np.mean(r.get(errors_key) or [r[key]]) for r in sel]
        e = [scale * np.std(r.get(errors_key) or [r[key]]) for r in sel]
        label = "deep: L x size" if kind == "deep" else "fat: 1 hidden layer, matched size"
        st = plot.style(0 if kind == "deep" else 3)
        ax.errorbar(x, y, yerr=e, label=label, color=st["color"], marker="o" if kind == "deep" else "s",
                    linestyle="-" if kind == "deep" else "none", capsize=3, markersize=6)
        if kind == "deep":
            for r, xi, yi in zip(sel, x, y):
                ax.annotate(f"{len(r['hidden'])} x {r['hidden'][0]}", (xi, yi), textcoords="offset points",
                            xytext=(5, 5), fontsize=8)
    ax.set(xlabel="parameters", ylabel=ylabel, title=title)
    ax.legend(fontsize=8)
    return ax


# =============================================================================================
# 4. Modularization: boys with long hair
# =============================================================================================

def oversample(X, y):
    """The rarest class's examples repeated until it is about as common as the most common one."""
    counts = np.bincount(y, minlength=4)
    rare = int(np.argmin(counts))
    if counts[rare] == 0:
        return None, None
    reps = int(np.ceil(counts.max() / counts[rare]))
    idx = np.concatenate([np.flatnonzero(y != rare), np.repeat(np.flatnonzero(y == rare), reps)])
    return X[idx], y[idx]


def attribute_scores(p_gender, p_hair):
    """Four class scores from the two basic classifiers' outputs (..., 2) each: class c = 2 * short + boy,
    P(c) = P(boy = c % 2) P(short = c // 2): each class is the AND of two attributes."""
    p_gender, p_hair = np.asarray(p_gender), np.asarray(p_hair)
    return p_gender[..., [0, 1, 0, 1]] * p_hair[..., [0, 0, 1, 1]]


MODELS = ("direct", "oversampled", "deeper", "modular")

VAL_SEED = 20_000     # validation pictures for training set s: data.hair_pictures(..., seed=VAL_SEED + s)
TEST_SEED = 10_000    # the test pictures: one balanced set for every seed


def outputs_by_epoch(X, y, n_out, hidden, seed, epochs, lr, probe):
    """Train one classifier (Adam, mini-batches of 50) and return its outputs on the pictures `probe`
    after every epoch: an array (epochs, len(probe), n_out)."""
    hidden = [hidden] if np.ndim(hidden) == 0 else list(hidden)
    net = mlp(X.shape[1], hidden, n_out, np.random.default_rng(seed))
    outputs = []
    train.fit(net, X, y, optimizer=optim.Adam(net, lr), epochs=epochs, batch_size=50, seed=seed,
              verbose=False, evaluate_train=False, callback=lambda epoch, h: outputs.append(net.forward(probe)))
    return np.array(outputs)


def modular_outputs(X, y, hidden, seed, epochs, lr, probe):
    """The four models' class scores on `probe` after each epoch: {name: (epochs, len(probe), 4)}.

    direct:       one network, pictures -> `hidden` ReLUs -> 4 classes.
    oversampled:  the same, with the rare class's pictures repeated until it is as common as the others
                  (a control: is the direct model's trouble only the imbalance?); left out when there is
                  no rare picture to repeat.
    deeper:       a direct network one layer deeper, pictures -> hidden -> hidden -> 4 classes
                  (depth alone, no attribute labels).
    modular:      two basic classifiers, pictures -> boy or girl, and pictures -> long or short hair
                  (hidden // 2 neurons each, so about the direct model's number of parameters), each
                  trained on ALL the pictures with the attribute read off the class; its scores after
                  epoch e are the products of the two classifiers' outputs after epoch e.
    """
    out = {"direct": outputs_by_epoch(X, y, 4, hidden, seed, epochs, lr, probe)}
    Xo, yo = oversample(X, y)
    if Xo is not None:
        out["oversampled"] = outputs_by_epoch(Xo, yo, 4, hidden, seed, epochs, lr, probe)
    out["deeper"] = outputs_by_epoch(X, y, 4, [hidden, hidden], seed, epochs, lr, probe)
    gender = outputs_by_epoch(X, y % 2, 2, hidden // 2, seed + 1, epochs, lr, probe)    # 0 girl, 1 boy
    hair = outputs_by_epoch(X, y // 2, 2, hidden // 2, seed + 2, epochs, lr, probe)     # 0 long, 1 short
    out["modular"] = attribute_scores(gender, hair)
    return out


def choose_on_validation(scores, y_val):
    """scores: {lr: (epochs, n_val + n_test, 4)}, the validation pictures first. Picks the learning rate
    and the number of epochs with the highest validation accuracy (ties: the smaller lr, then fewer
    epochs). Returns (lr, epochs, validation accuracy, predictions on the test pictures)."""
    n_val = len(y_val)
    best = None
    for lr, s in scores.items():
        acc = np.mean(s[:, :n_val].argmax(axis=2) == y_val, axis=1)
        e = int(np.argmax(acc))
        if best is None or acc[e] > best[2]:
            best = (lr, e + 1, float(acc[e]), s[e, n_val:].argmax(axis=1))
    return best


def _validated_scores(X, y, s, hidden, epochs, lrs, probe):
    """{model: {lr: scores by epoch}} for training set s."""
    by_lr = {lr: modular_outputs(X, y, hidden, s, epochs, lr, probe) for lr in lrs}
    return {name: {lr: by_lr[lr][name] for lr in lrs} for name in MODELS if name in by_lr[lrs[0]]}


def modularization(rare_counts=(0, 1, 3, 10, 30), common=200, seeds=(0,), hidden=16, epochs=30, lrs=(3e-3,),
                   n_val=50, n_test=200):
    """Test accuracy on the rare class (boys with long hair) and on all classes, as its training examples
    shrink, with each model's learning rate and number of epochs chosen on validation pictures.

    For seed s the training set has `common` pictures of each of the other three classes and rare_count
    of boys with long hair (data.hair_pictures, seed s), and the initial weights and mini-batches come
    from seed s. The validation set is balanced, n_val pictures a class drawn with seed VAL_SEED + s (so
    it shares no picture with training or test); every model is trained for up to `epochs` epochs with
    each lr in `lrs`, and the lr and epoch with the highest validation accuracy over the four classes
    are kept. The test set is balanced (n_test a class, seed TEST_SEED) and plays no part in the choice.
    Returns {model: {"rare": [...], "all": [...], "rare_each": [[...]], "all_each": [[...]],
    "lr_each": [[...]], "epochs_each": [[...]]}}: the mean over seeds per rare count, and each seed's value.
    """
    Xte, yte = data.hair_pictures([n_test] * 4, seed=TEST_SEED)
    keys = ("rare_each", "all_each", "lr_each", "epochs_each")
    result = {name: {"rare": [], "all": [], **{k: [] for k in keys}} for name in MODELS}
    for rare in rare_counts:
        got = {}
        for s in seeds:
            X, y = data.hair_pictures([common, rare, common, common], seed=s)
            Xva, yva = data.hair_pictures([n_val] * 4, seed=VAL_SEED + s)
            scores = _validated_scores(X, y, s, hidden, epochs, tuple(lrs), np.vstack([Xva, Xte]))
            for name, by_lr in scores.items():
                lr, ep, _, p = choose_on_validation(by_lr, yva)
                got.setdefault(name, []).append((float(np.mean(p[yte == 1] == 1)), float(np.mean(p == yte)),
                                                 lr, ep))
        for name in MODELS:
            g = got.get(name)
            for i, k in enumerate(keys):
                result[name][k].append([v[i] for v in g] if g else None)
            result[name]["rare"].append(float(np.mean([v[0] for v in g])) if g else None)
            result[name]["all"].append(float(np.mean([v[1] for v in g])) if g else None)
    return result


def gap_summary(gaps):
    """Paired gaps (one per seed): mean, sd (ddof=1), standard error of the mean, the verdict at 2
    standard errors, and on how many seeds the gap is positive and negative."""
    g = np.asarray(gaps, dtype=float)
    sd = float(g.std(ddof=1))
    se = sd / np.sqrt(len(g))
    verdict = "more than 2 standard errors" if abs(g.mean()) > 2 * se else "within 2 standard errors"
    return {"mean": float(g.mean()), "sd": sd, "se": se, "verdict": verdict,
            "better": int(np.sum(g > 0)), "worse": int(np.sum(g < 0)), "n": len(g)}


def print_rare_gaps(result, rare_counts, pairs=(("modular", "deeper"), ("deeper", "direct"), ("oversampled", "direct"))):
    """For each pair (a, b) and rare count: a minus b on the same training sets, in points of accuracy on
    the rare class, summarized by gap_summary (as section 3 judges the deep-fat gaps)."""
    print("gap = a minus b on the same training set (positive: a better), points of accuracy on the rare class")
    for a, b in pairs:
        print(f"{a} minus {b}:")
        for c, ea, eb in zip(rare_counts, result[a]["rare_each"], result[b]["rare_each"]):
            head = f"  {c:>3} {'example: ' if c == 1 else 'examples:'}"
            if ea is None or eb is None:
                print(f"{head} - (no rare pictures to repeat)")
                continue
            g = gap_summary(100 * (np.array(ea) - np.array(eb)))
            if g["sd"] == 0 and g["mean"] == 0:
                print(f"{head} the same on all {g['n']} seeds")
                continue
            print(f"{head} mean gap {g['mean']:+5.1f}, sd {g['sd']:4.1f}, standard error {g['se']:3.1f}: "
                  f"{g['verdict']}; {a} better on {g['better']}, worse on {g['worse']} of {g['n']}")


MODEL_LABELS = {"direct": "direct: picture -> 16 -> 4", "oversampled": "direct, rare class repeated",
                "deeper": "deeper direct: picture -> 16 -> 16 -> 4",
                "modular": "modular: (boy or girl) x (long or short)"}


def plot_modularization(ax, rare_counts, result, title="Accuracy on the rare class", models=MODELS):
    """Accuracy on the rare class against its training examples; with several seeds, the mean with
    bars of +- one standard deviation over the seeds (the points are nudged sideways not to overlap)."""
    x = np.arange(len(rare_counts))
    for i, name in enumerate(models):
        if name not in result:
            continue
        each = result[name].get("rare_each") or [[v] if v is not None else None for v in result[name]["rare"]]
        keep = [(xi, e) for xi, e in zip(x, each) if e is not None]
        xs = np.array([xi for xi, _ in keep]) + 0.06 * (i - 1.5)
        mean = [100 * np.mean(e) for _, e in keep]
        sd = [100 * np.std(e) for _, e in keep]
        st = plot.style(i)
        several = any(len(e) > 1 for _, e in keep)
        ax.errorbar(xs, mean, yerr=sd if several else None, label=MODEL_LABELS[name], color=st["color"],
                    marker=st.get("marker", "o"), linestyle=st.get("linestyle", "-"), capsize=3, markersize=5)
    ax.set_xticks(x, [str(c) for c in rare_counts])
    ax.set(xlabel="boys with long hair in training (others: 200)",
           ylabel="test accuracy on boys with long hair (%)", title=title, ylim=(-3, 103))
    ax.legend(loc="upper left", fontsize=7)
    return ax


# =============================================================================================
# 5. Logic circuits: parity with two levels of gates, and with many
# =============================================================================================
# Each unit is a threshold unit written as a steep sigmoid: sigma(s * (w . x + b)) with weights
# chosen so that w . x + b is at least 1/2 away from 0 on 0/1 inputs; s = 20 makes it 0 or 1 to
# within 5e-5, and the errors do not grow from layer to layer.

STEEP = 20.0


def _threshold_layer(W, b, steep=STEEP):
    return [nn.Dense.from_weights(steep * np.asarray(W, float), steep * np.asarray(b, float)), nn.Sigmoid()]


def two_level_parity(n, steep=STEEP):
    """Two levels of gates: one AND unit per odd-weight input pattern (2**(n-1)), then an OR."""
    patterns, odd = data.parity(n)
    P = patterns[odd == 1]
    # Unit p fires only on x = p: sum over bits of (+1 where p has a 1, -1 where it has a 0) x_i
    # equals |p| on x = p and at most |p| - 1 elsewhere.
    W1 = 2 * P - 1
    b1 = -(P.sum(axis=1) - 0.5)
    W2 = np.ones((1, len(P)))
    b2 = np.array([-0.5])
    return nn.Sequential(*_threshold_layer(W1, b1, steep), *_threshold_layer(W2, b2, steep))


# XOR(a, b) = AND(OR(a, b), NAND(a, b)): two units, then one.
XOR_HIDDEN_W = np.array([[1.0, 1.0], [-1.0, -1.0]])   # OR, NAND
XOR_HIDDEN_B = np.array([-0.5, 1.5])
XOR_OUT_W = np.array([[1.0, 1.0]])                     # AND
XOR_OUT_B = np.array([-1.5])


def deep_parity(n, steep=STEEP):
    """Many levels: a tree of XOR modules (each OR and NAND, then AND), pairing signals until one is left.

    A signal without a partner at some level is copied forward by a unit that fires when it is 1.
    """
    layers = []
    m = int(n)
    while m > 1:
        pairs, odd = divmod(m, 2)
        W = np.zeros((2 * pairs + odd, m))
        b = np.zeros(2 * pairs + odd)
        for p in range(pairs):
            W[2 * p:2 * p + 2, 2 * p:2 * p + 2] = XOR_HIDDEN_W
            b[2 * p:2 * p + 2] = XOR_HIDDEN_B
        if odd:
            W[-1, -1], b[-1] = 1.0, -0.5
        layers += _threshold_layer(W, b, steep)
        W2 = np.zeros((pairs + odd, 2 * pairs + odd))
        b2 = np.zeros(pairs + odd)
        for p in range(pairs):
            W2[p, 2 * p:2 * p + 2] = XOR_OUT_W[0]
            b2[p] = XOR_OUT_B[0]
        if odd:
            W2[-1, -1], b2[-1] = 1.0, -0.5
        layers += _threshold_layer(W2, b2, steep)
        m = pairs + odd
    if not layers:  # n = 1: parity is the bit itself
        layers = _threshold_layer([[1.0]], [-0.5], steep)
    return nn.Sequential(*layers)


def threshold_parity(n, steep=STEEP):
    """One hidden layer of n threshold units suffices: unit k fires when at least k bits are 1, and
    the output adds them with alternating signs +1 -1 +1 ... (a sum of inputs is not a logic gate)."""
    n = int(n)
    W1 = np.ones((n, n))
    b1 = -(np.arange(1, n + 1) - 0.5)
    W2 = ((-1.0) ** np.arange(n))[None, :]
    b2 = np.array([-0.5])
    return nn.Sequential(*_threshold_layer(W1, b1, steep), *_threshold_layer(W2, b2, steep))


def units(net):
    """Neurons in a network: the outputs of its Dense layers, output layer included."""
    return sum(layer.n_out for layer in net.layers if isinstance(layer, nn.Dense))


def levels(net):
    return sum(isinstance(layer, nn.Dense) for layer in net.layers)


def parity_count_rows(ns):
    """Units, levels and parameters of the three hand-set parity networks for each n."""
    rows = []
    for n in ns:
        row = {"n": n}
        for name, build in (("two_level", two_level_parity), ("deep", deep_parity), ("threshold", threshold_parity)):
            net = build(n)
            row[name] = {"units": units(net), "levels": levels(net), "params": net.n_params}
        rows.append(row)
    return rows


def parity_training(n=8, configs=((8, 8), (8, 8, 8)), epochs=200, lr=0.01, seeds=(0, 1),
                    activation="relu"):
    """Train deep networks and one-hidden-layer networks of the same number of parameters on all 2**n
    parity patterns; report the fraction each fits (training accuracy: can it even be learned?)."""
    X, y = data.parity(n)
    rows = []
    for hidden in configs:
        P = count_params([n, *hidden, 2])
        fat = [matched_width(P, n, 2)]
        for kind, h in (("deep", list(hidden)), ("fat", fat)):
            accs = []
            for s in seeds:
                net = mlp(n, h, 2, np.random.default_rng(s), activation=activation)
                train.fit(net, X, y, optimizer=optim.Adam(net, lr), epochs=epochs, batch_size=32, seed=s,
                          verbose=False, evaluate_train=False)
                accs.append(100 * train.evaluate(net, X, y)["accuracy"])
            rows.append({"kind": kind, "hidden": h, "params": count_params([n, *h, 2]),
                         "units": sum(h) + 2, "accuracy": float(np.mean(accs)), "accuracies": accs})
    return rows


# =============================================================================================
# Exercise checks
# =============================================================================================

Case, Mistake = exercises.Case, exercises.Mistake


def _pairs(sizes):
    sizes = [int(v) for v in sizes]
    return list(zip(sizes[:-1], sizes[1:]))


check_count_params = exercises.Exercise(
    "count_params",
    reference=count_params,
    cases=[Case("sizes = [2, 4, 3]", [2, 4, 3]), Case("sizes = [784, 100, 10]", [784, 100, 10]),
           Case("sizes = [1, 5, 5, 5, 1]", [1, 5, 5, 5, 1]), Case("sizes = [429, 2048, 9304]", [429, 2048, 9304])],
    mistakes=[
        Mistake("you counted the weights only", like=lambda s: sum(a * b for a, b in _pairs(s)),
                nudge="every neuron that computes has one more number besides its weights"),
        Mistake("you gave the inputs biases too",
                like=lambda s: sum(a * b for a, b in _pairs(s)) + sum(int(v) for v in s),
                nudge="the inputs are given, not computed: which layers have a bias?"),
        Mistake("you gave each layer one bias per INPUT instead of one per neuron",
                like=lambda s: sum((a * b + a) for a, b in _pairs(s)),
                nudge="a bias belongs to a neuron: how many neurons does a layer with b outputs have?"),
        Mistake("you left out the last layer (the outputs)",
                like=lambda s: sum((a + 1) * b for a, b in _pairs(s)[:-1]),
                nudge="the output layer has weights and biases like any other"),
        Mistake("you left out the first layer (from the inputs to the first hidden layer)",
                like=lambda s: sum((a + 1) * b for a, b in _pairs(s)[1:]),
                nudge="the first pair of sizes is a layer too: the first hidden layer's weights and biases"),
        Mistake("you gave each layer one bias, not one per neuron",
                like=lambda s: sum(a * b + 1 for a, b in _pairs(s)),
                nudge="every neuron that computes has its own bias"),
        Mistake("you returned one count per layer instead of their total",
                like=lambda s: [(a + 1) * b for a, b in _pairs(s)],
                nudge="the network's count is one number: what do you do with the layers' counts?"),
    ],
    nudge="go through the layers one pair of consecutive sizes (a inputs, b neurons) at a time",
    formula="a layer with a inputs and b neurons has a * b weights and b biases: (a + 1) * b; add over the layers",
    solution="def count_params(sizes):\n    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))",
    success="Correct: your count agrees with the package's networks (net.n_params).")


BUMP_X = np.linspace(0, 1, 201)


def _bump(x, left, right, height, w=200.0):
    x = np.asarray(x, dtype=np.float64)
    return height * (nn.sigmoid(w * (x - left)) - nn.sigmoid(w * (x - right)))


check_bump = exercises.Exercise(
    "bump",
    reference=_bump,
    cases=[Case("x = linspace(0, 1, 201), left = 0.2, right = 0.4, height = 1", BUMP_X, 0.2, 0.4, 1.0),
           Case("x = linspace(0, 1, 201), left = 0.5, right = 0.9, height = -0.3", BUMP_X, 0.5, 0.9, -0.3),
           Case("x = linspace(0, 1, 201), left = 0.1, right = 0.15, height = 2", BUMP_X, 0.1, 0.15, 2.0)],
    mistakes=[
        Mistake("one step only: it goes up at `left` and never comes down",
                like=lambda x, l, r, h: h * nn.sigmoid(200 * (np.asarray(x) - l)),
                nudge="a bump goes up and then down again: what does a second neuron have to do?"),
        Mistake("the two steps are the wrong way round (a dip, not a bump)",
                like=lambda x, l, r, h: -_bump(x, l, r, h),
                nudge="at x between left and right the bump should be +height"),
        Mistake("the bump ignores `height` (it is always 1 high)",
                like=lambda x, l, r, h: _bump(x, l, r, 1.0),
                nudge="both steps are `height` high"),
        Mistake("the steps are not steep (a steepness below the exercise's w = 200)",
                when=lambda got, case: any(np.allclose(np.asarray(got, dtype=np.float64), _bump(*case.args, w=w),
                                                       atol=1e-6) for w in (1, 2, 5, 10, 20, 50, 100)),
                nudge="a sigmoid is a step only when its weight is large: the exercise says w = 200"),
        Mistake("both steps sit at the wrong places: sigma(200 x - left) steps at x = left / 200, not at left",
                like=lambda x, l, r, h: h * (nn.sigmoid(200 * np.asarray(x) - l) - nn.sigmoid(200 * np.asarray(x) - r)),
                nudge="a sigmoid steps where its input is 0: at which x is that for your steps?"),
        Mistake("only the first step is `height` high: the second one is 1 high",
                like=lambda x, l, r, h: h * nn.sigmoid(200 * (np.asarray(x) - l))
                - nn.sigmoid(200 * (np.asarray(x) - r)),
                nudge="the second neuron takes away exactly what the first one added"),
        Mistake("both steps go up (a staircase, not a bump)",
                like=lambda x, l, r, h: h * (nn.sigmoid(200 * (np.asarray(x) - l)) + nn.sigmoid(200 * (np.asarray(x) - r))),
                nudge="the second neuron has to take the first one's step away again"),
    ],
    nudge="one neuron steps up by `height` at x = left; a second one must undo it at x = right",
    formula="bump(x) = height * sigma(200 (x - left)) - height * sigma(200 (x - right))",
    solution="def bump(x, left, right, height):\n"
             "    return height * (nn.sigmoid(200 * (x - left)) - nn.sigmoid(200 * (x - right)))",
    rtol=1e-6, atol=1e-6,
    success="Correct: two neurons make a bump, and bumps side by side can follow any continuous curve.")


XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)


def step(z):
    return (np.asarray(z) > 0).astype(np.float64)


def _weights(answer, shapes):
    """The learner's tuple of arrays, checked for count and shape (a NotAnAnswer says what is wrong)."""
    got = answer()
    if got is Ellipsis:
        raise exercises.NotDone
    names = list(shapes)
    if got is None:
        raise exercises.NotAnAnswer(f"returned None: did you forget `return {', '.join(names)}`?")
    if not isinstance(got, (tuple, list)) or len(got) != len(shapes):
        got_what = f"{len(got)} things" if isinstance(got, (tuple, list)) else type(got).__name__
        raise exercises.NotAnAnswer(f"should return {len(shapes)} arrays ({', '.join(names)}), got {got_what}")
    arrays = []
    for name, value in zip(names, got):
        arr = exercises.numbers(value)
        if arr is None:
            raise exercises.NotAnAnswer(f"{name} should be numbers, got {type(value).__name__} {value!r:.60}")
        if arr.shape != shapes[name]:
            rows = " (a W is (n_out, n_in))" if name.startswith("W") else ""
            raise exercises.NotAnAnswer(f"{name} has shape {arr.shape}, expected {shapes[name]}{rows}")
        arrays.append(arr)
    return arrays


def xor_outputs(answer):
    """What the learner's threshold network (from xor_weights) outputs on the four inputs."""
    W1, b1, W2, b2 = _weights(answer, {"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)})
    return step(step(XOR_INPUTS @ W1.T + b1) @ W2.T + b2)[:, 0]


class _NetworkExercise(exercises.Exercise):
    """An exercise whose answer is a function returning weights: checked by what the network computes."""

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network

    def __call__(self, answer, hint=1):
        if not callable(answer):
            return super().__call__(answer, hint)

        def run(*case_args):
            return self.network(answer, *case_args)
        return super().__call__(run, hint)


check_xor = _NetworkExercise(
    "your XOR network",
    reference=lambda X: np.logical_xor(X[:, 0], X[:, 1]).astype(float),
    cases=[Case("the inputs (0, 0), (0, 1), (1, 0), (1, 1)", XOR_INPUTS)],
    network=lambda answer, X: xor_outputs(answer),
    mistakes=[
        Mistake("your network computes OR: it fires on (1, 1) too",
                like=lambda X: np.logical_or(X[:, 0], X[:, 1]).astype(float),
                nudge="OR is right on three inputs; which hidden unit could veto (1, 1)?"),
        Mistake("your network computes AND", like=lambda X: np.logical_and(X[:, 0], X[:, 1]).astype(float),
                nudge="XOR fires when exactly one input is 1"),
        Mistake("your network computes NOT XOR: the output is inverted",
                like=lambda X: 1.0 - np.logical_xor(X[:, 0], X[:, 1]),
                nudge="flip the sign of the output unit's weights and bias, and think about where its threshold is"),
        Mistake("your output unit fires for every input (or for none)",
                when=lambda got, case: np.ptp(np.asarray(got, dtype=float)) == 0,
                nudge="work out the hidden units' outputs h for each of the four inputs (does each unit fire "
                      "where you meant it to?), then W2 . h + b2 > 0 for the output unit"),
    ],
    nudge="XOR is true when at least one input is 1 AND not both are",
    formula="XOR(a, b) = AND(OR(a, b), NAND(a, b)); a unit fires when w . x + b > 0, e.g. OR: a + b - 0.5 > 0",
    solution="def xor_weights():\n"
             "    W1 = np.array([[1.0, 1.0], [-1.0, -1.0]])   # OR, NAND\n"
             "    b1 = np.array([-0.5, 1.5])\n"
             "    W2 = np.array([[1.0, 1.0]])                  # AND\n"
             "    b2 = np.array([-1.5])\n"
             "    return W1, b1, W2, b2",
    success="Correct: three units compute XOR; a tree of n - 1 of them computes the parity of n bits.")


TENT_X = np.linspace(0, 1, 11)


def tent_outputs(answer, x):
    """v . relu(W x + b) for the learner's tent_weights, at the points x."""
    W, b, v = _weights(answer, {"W": (2, 1), "b": (2,), "v": (2,)})
    return np.maximum(np.asarray(x, dtype=np.float64)[:, None] @ W.T + b, 0) @ v


check_tent = _NetworkExercise(
    "your two ReLUs",
    reference=lambda x: data.tent(x),
    cases=[Case("x = 0, 0.1, ..., 1", TENT_X)],
    network=tent_outputs,
    mistakes=[
        Mistake("the way up has slope 1 (T rises from 0 to 1 by x = 1/2: slope 2) and then it stays flat",
                like=lambda x: np.minimum(x, 0.5),
                nudge="compare T(0.5) with your value there: how steep must the first ramp be?"),
        Mistake("after x = 1/2 the output stays flat: the second ramp only cancels the first",
                like=lambda x: 2 * np.minimum(x, 0.5),
                nudge="after x = 1/2 the tent goes DOWN with slope -2; the second ramp changes the slope from +2 to that"),
        Mistake("the output keeps rising: only one ramp does anything", like=lambda x: 2 * np.asarray(x),
                nudge="the second ramp must bend the line down at x = 1/2"),
        Mistake("your tent is upside down", like=lambda x: -data.tent(x),
                nudge="T(1/2) is +1"),
    ],
    nudge="T goes up with slope 2 to x = 1/2, then down with slope -2: one ramp per change of slope",
    formula="T(x) = 2 relu(x) - 4 relu(x - 1/2) on [0, 1]",
    solution="def tent_weights():\n"
             "    W = np.array([[1.0], [1.0]])\n"
             "    b = np.array([0.0, -0.5])\n"
             "    v = np.array([2.0, -4.0])     # slope +2 up to 1/2, then 2 - 4 = -2\n"
             "    return W, b, v",
    rtol=1e-9, atol=1e-9,
    success="Correct: each layer of two ReLUs doubles the number of teeth, k layers give 2**k pieces.")


# =============================================================================================
# The full version (command line)
# =============================================================================================

# Inside the package (dltutor/datafiles/results/), or in DLTUTOR_DATA/results/ when that is set.
RESULTS = pathlib.Path(str(data.data_file("results/why_deep_full.json")))

FULL_SETTINGS = {
    "mnist": {"width": 128, "depths": [1, 2, 3, 4], "epochs": 25, "seeds": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "lr": 2e-3,
              "n_val": 1000, "n_test": 1000, "pooled": True, "dtype": "float32"},
    "mnist_784": {"width": 128, "depths": [1, 2, 3], "epochs": 20, "seeds": [0, 1, 2, 3, 4], "lr": 2e-3,
                  "n_val": 1000, "n_test": 1000, "pooled": False, "dtype": "float32"},
    "sawtooth": {"k": 3, "width": 4, "depths": [1, 2, 3, 4], "steps": 3000, "lr": 0.01,
                 "seeds": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "n": 257},
    "parity": {"n": 8, "configs": [[8, 8], [8, 8, 8], [16, 16], [8, 8, 8, 8]], "epochs": 300, "lr": 0.01,
               "seeds": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]},
    "modularization": {"rare_counts": [0, 1, 2, 3, 5, 10, 20, 30, 100], "common": 200,
                       "seeds": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "hidden": 16, "epochs": 40,
                       "lrs": [0.003, 0.01, 0.03], "n_val": 50, "n_test": 200},
}


def run_full(settings=FULL_SETTINGS, path=RESULTS, log=None, only=None):
    """Every experiment with more seeds and epochs; writes the results with their settings to `path`.

    only: names of the experiments to run; the others keep their results from the file at `path`.
    """
    log = log or (lambda message: print(message, flush=True))
    out = {"command": "python -m dltutor.lessons.why_deep --full", "settings": {},
           "numpy": np.__version__, "python": platform.python_version(),
           "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS"),
           "results": {}, "seconds": {}}
    if only:
        unknown = set(only) - set(settings)
        if unknown:
            raise ValueError(f"no experiment named {sorted(unknown)}; the names are {sorted(settings)}")
        old = load_full(path) or {}
        for key in ("settings", "results", "seconds"):
            out[key].update({k: v for k, v in old.get(key, {}).items() if k in settings and k not in only})
    out["settings"].update({k: v for k, v in settings.items() if not only or k in only})

    def mnist(s):
        return deep_vs_fat_mnist(s["width"], tuple(s["depths"]), s["epochs"], tuple(s["seeds"]), s["lr"],
                                 np.dtype(s["dtype"]).type, s["pooled"], s["n_val"], s["n_test"])

    for name, job in (
        ("mnist", lambda: mnist(settings["mnist"])),
        ("mnist_784", lambda: mnist(settings["mnist_784"])),
        ("sawtooth", lambda: deep_vs_fat_sawtooth(**{**settings["sawtooth"],
                                                      "depths": tuple(settings["sawtooth"]["depths"]),
                                                      "seeds": tuple(settings["sawtooth"]["seeds"])})),
        ("parity", lambda: parity_training(settings["parity"]["n"],
                                           [tuple(c) for c in settings["parity"]["configs"]],
                                           settings["parity"]["epochs"], settings["parity"]["lr"],
                                           tuple(settings["parity"]["seeds"]))),
        ("modularization", lambda: modularization(**{**settings["modularization"],
                                                     "seeds": tuple(settings["modularization"]["seeds"])})),
    ):
        if only and name not in only:
            continue
        start = time.perf_counter()
        out["results"][name] = job()
        out["seconds"][name] = round(time.perf_counter() - start, 1)
        log(f"{name}: done in {out['seconds'][name]} s")
    return saved.write(out, path, log)


def load_full(path=RESULTS):
    """The saved results of `python -m dltutor.lessons.why_deep --full`, or None if not there."""
    return saved.read(path)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dltutor.lessons.why_deep",
                                     description="Notebook 05's experiments, in their fuller form.")
    parser.add_argument("--full", action="store_true", help="run every experiment with more seeds and epochs")
    parser.add_argument("--out", default=str(RESULTS), help=f"where to write the results (default {RESULTS})")
    parser.add_argument("--only", default="", help="comma-separated experiments to rerun (the others are kept "
                                                     f"from the file): {', '.join(FULL_SETTINGS)}")
    args = parser.parse_args(argv)
    if not args.full:
        parser.print_help()
        return 0
    run_full(path=args.out, only=[n for n in args.only.split(",") if n] or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
