"""Notebook 06, ReLU and maxout: figures, widgets, measurements and exercise checkers.

Part III of the tutorial: the recipe of deep learning, "New Activation Function", ReLU (and its
four reasons), a ReLU network as a thinner linear network, and maxout. The notebook trains its
networks itself (its `train.fit` calls are in its cells); this module measures and draws.

The fuller version of section 2's experiment (sigmoid and ReLU networks of 1 to 7 hidden layers,
5 seeds, 30 epochs) runs from the command line and writes its results, with the seeds and
settings, to dltutor/datafiles/results/relu_maxout_full.json (about a minute with one BLAS thread; the notebook
reads that file):

    OPENBLAS_NUM_THREADS=1 python -m dltutor.lessons.relu_maxout --full
"""
import os
import pathlib
import platform
import sys
import time

import numpy as np

from . import saved
from .. import data, exercises, nn

# --------------------------------------------------------------------------------------------
# The recipe: good results on the training data first, then on the testing data.

MODIFY = "modify the network"
OVERFIT = "prevent overfitting"
DONE = "done"
STEPS = (MODIFY, OVERFIT, DONE)

ADVICE = {
    MODIFY: ("Not good on the TRAINING data yet. Do not blame overfitting: change how the network "
             "is built or trained, e.g. a new activation function (ReLU, maxout: this notebook) "
             "or an adaptive learning rate (notebook 07). Then train again."),
    OVERFIT: ("Good on the training data but not on the TESTING data: this is overfitting. "
              "Prevent it, e.g. with dropout (notebook 08) or more training data, "
              "then go back and check the training data again."),
    DONE: "Good on the training data and on the testing data: done.",
}


def recipe_next_step(train_acc, test_acc, target=0.9):
    """The recipe's next step for a network's training and test accuracy (fractions in [0, 1])."""
    if train_acc < target:
        return MODIFY
    if test_acc < target:
        return OVERFIT
    return DONE


def draw_recipe(ax, step=None):
    """The recipe as a flow chart on `ax`; with `step` (one of STEPS) its path is highlighted."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon
    from .. import plot

    on_edges = {None: set(),
                MODIFY: {"start-d1", "d1-left", "left-start"},
                OVERFIT: {"start-d1", "d1-d2", "d2-right", "right-start"},
                DONE: {"start-d1", "d1-d2", "d2-done"}}[step]
    on_nodes = {None: set(), MODIFY: {"start", "d1", "left"},
                OVERFIT: {"start", "d1", "d2", "right"}, DONE: {"start", "d1", "d2", "done"}}[step]
    highlight, dim = plot.COLORS[1], "#BBBBBB"

    def box(name, x, y, w, h, text, diamond=False):
        on = name in on_nodes
        face = highlight if on else "white"
        kw = dict(facecolor=face, edgecolor="black" if on or step is None else "#777777",
                  linewidth=2.5 if on else 1.2, alpha=0.9 if on else 1.0, zorder=2)
        if diamond:
            ax.add_patch(Polygon([(x - w / 2, y), (x, y + h / 2), (x + w / 2, y), (x, y - h / 2)], **kw))
        else:
            ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.08", **kw))
        ax.text(x, y, text, ha="center", va="center", fontsize=9, zorder=3,
                fontweight="bold" if on else "normal")

    def arrow(name, points, label=None, label_at=None):
        on = name in on_edges
        color = "black" if on or step is None else dim
        lw = 3.0 if on else 1.2
        style = "-" if on or step is None else "--"
        for (x0, y0), (x1, y1) in zip(points[:-2], points[1:-1]):  # the bends, without heads
            ax.plot([x0, x1], [y0, y1], color=color, linewidth=lw, linestyle=style, zorder=1)
        ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>", mutation_scale=16,
                                     color=color, linewidth=lw, linestyle=style, zorder=1))
        if label:
            ax.text(*label_at, label, ha="center", va="center", fontsize=9, fontweight="bold",
                    color=color, zorder=3,
                    bbox=dict(facecolor="white", edgecolor="none", pad=1))

    box("start", 6, 9.1, 3.6, 1.0, "Neural network\n(choose it, train it)")
    box("d1", 6, 6.6, 4.2, 2.0, "Good results on\nTRAINING data?", diamond=True)
    box("left", 1.75, 6.6, 3.3, 1.6, "Modify the network\nnew activation: ReLU,\nmaxout (06); adaptive\n"
        "learning rate (07)")
    box("d2", 6, 3.6, 4.2, 2.0, "Good results on\nTESTING data?", diamond=True)
    box("right", 10.25, 3.6, 3.3, 1.6, "Overfitting!\nprevent it: dropout (08),\nmore training data")
    box("done", 6, 1.0, 2.4, 0.9, "Done")

    arrow("start-d1", [(6, 8.5), (6, 7.62)])
    arrow("d1-left", [(3.9, 6.6), (3.5, 6.6)], "NO", (3.7, 6.95))
    arrow("left-start", [(1.75, 7.5), (1.75, 9.1), (4.1, 9.1)])
    arrow("d1-d2", [(6, 5.6), (6, 4.62)], "YES", (6.45, 5.1))
    arrow("d2-right", [(8.1, 3.6), (8.5, 3.6)], "NO", (8.3, 3.95))
    arrow("right-start", [(10.25, 4.5), (10.25, 9.1), (7.9, 9.1)])
    arrow("d2-done", [(6, 2.6), (6, 1.5)], "YES", (6.45, 2.05))

    ax.set(xlim=(-0.1, 12.1), ylim=(0.3, 9.9))
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def recipe_widget():
    """Sliders for a network's training and test accuracy; the flow chart shows the next step."""
    from .. import widgets

    def draw(fig, train_acc, test_acc, target):
        step = recipe_next_step(train_acc / 100, test_acc / 100, target / 100)
        ax = fig.subplots()
        draw_recipe(ax, step)
        ax.set_title(f"training {train_acc}%, testing {test_acc}%, good enough = {target}%: "
                     f"next step: {step}")
        return ADVICE[step]

    return widgets.Interactive(
        draw, figsize=(7.2, 5.6),
        train_acc=widgets.slider("accuracy on the training data (%)", 0, 100, 70, integer=True),
        test_acc=widgets.slider("accuracy on the testing data (%)", 0, 100, 65, integer=True),
        target=widgets.slider("good enough from (%)", 50, 100, 90, integer=True))


# --------------------------------------------------------------------------------------------
# Networks and measurements

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU}


def mnist_subset(n_train=2000, n_test=1000, seed=0):
    """A shuffled, stratified piece of the MNIST subset: X_train, X_test, y_train, y_test."""
    X, y = data.load_mnist()
    X_train, X_test, y_train, y_test = data.split(X, y, test_size=n_test, seed=seed)
    return X_train[:n_train], X_test, y_train[:n_train], y_test


def make_net(depth, activation="sigmoid", width=32, n_in=784, n_out=10, k=2, seed=0):
    """n_in -> `depth` hidden layers of `width` units -> n_out softmax outputs.

    activation: "sigmoid", "relu" or "maxout" (groups of k: each hidden Dense layer is k times
    wider). Sigmoid and ReLU networks built with the same seed start from the same weights.
    """
    if activation not in (*ACTIVATIONS, "maxout"):
        raise ValueError(f"activation must be 'sigmoid', 'relu' or 'maxout', got {activation!r}")
    rng = np.random.default_rng(seed)
    layers, n = [], n_in
    for _ in range(depth):
        if activation == "maxout":
            layers += [nn.Dense(n, width * k, rng=rng), nn.Maxout(k)]
        else:
            layers += [nn.Dense(n, width, rng=rng), ACTIVATIONS[activation]()]
        n = width
    layers += [nn.Dense(n, n_out, rng=rng), nn.Softmax()]
    return nn.Sequential(*layers)


def dense_layers(net):
    return [layer for layer in net.layers if isinstance(layer, nn.Dense)]


def backprop(net, X, y):
    """One forward and backward pass of the cross entropy (softmax output): fills net.grads.
    Returns the mean cost of the batch."""
    ce = nn.CrossEntropy()
    net.forward(X, train=True)
    Z = net.layers[-1].Z
    net.backward(ce.gradient_from_logits(Z, y), skip_last=True)
    return ce.from_logits(Z, y)


def layer_gradients(net, X, y):
    """Root-mean-square of dC/dW for each Dense layer, from the package's backward pass."""
    backprop(net, X, y)
    return np.array([np.sqrt(np.mean(layer.grads["W"] ** 2)) for layer in dense_layers(net)])


def learning_speed(net, X, y):
    """Nielsen's speed of learning of each hidden layer: the length ||dC/db|| of the gradient of
    the cost with respect to the layer's biases, on the batch X, y (the network is not changed)."""
    backprop(net, X, y)
    return np.array([np.linalg.norm(layer.grads["b"]) for layer in dense_layers(net)[:-1]])


def draw_band(ax, x, runs, label, i, percent=False):
    """The mean over seeds of `runs` (seeds, len(x)) as a line, and a band from the lowest to the
    highest seed; style i of the course."""
    from .. import plot
    runs = 100 * np.asarray(runs, dtype=np.float64) if percent else np.asarray(runs, dtype=np.float64)
    st = plot.style(i)
    ax.plot(x, runs.mean(axis=0), label=label, color=st["color"], linestyle=st["linestyle"],
            marker=st["marker"], markevery=max(1, len(x) // 8), markersize=5)
    ax.fill_between(x, runs.min(axis=0), runs.max(axis=0), color=st["color"], alpha=0.18, linewidth=0)
    return ax


def spread(values, digits=1, scale=1.0):
    """'mean +- sd (lowest to highest)' of the values over seeds, as text."""
    v = scale * np.asarray(values, dtype=np.float64)
    return f"{v.mean():.{digits}f} +- {v.std(ddof=1):.{digits}f} ({v.min():.{digits}f} to {v.max():.{digits}f})"


def cost(net, X, y):
    """Mean cross entropy of a softmax network (dropout off)."""
    net.forward(X)
    return nn.CrossEntropy().from_logits(net.layers[-1].Z, y)


def most_sensitive_weight(net, X, y, layer):
    """(index, dC/dw) of the weight with the largest |dC/dw| in Dense layer `layer` (0-based)."""
    backprop(net, X, y)
    g = dense_layers(net)[layer].grads["W"]
    idx = np.unravel_index(np.argmax(np.abs(g)), g.shape)
    return tuple(int(i) for i in idx), float(g[idx])


def delta_cost(net, X, y, layer, idx, dw, c0=None):
    """C(w + dw) - C(w) for weight `idx` of Dense layer `layer` (the weight is restored).
    c0: C(w), when already known."""
    W = dense_layers(net)[layer].W
    c0 = cost(net, X, y) if c0 is None else c0
    old = W[idx]
    W[idx] = old + dw
    try:
        return cost(net, X, y) - c0
    finally:
        W[idx] = old


def perturb_widget(X, y, depth=7, width=32, seed=0):
    """Add dw to the most sensitive weight of the first layer and of the last layer; watch C."""
    from .. import plot, widgets

    grid = np.linspace(-2, 2, 9)
    nets, points = {}, {}

    def setup(activation):
        """The network, C(w), and for the first and last layer: (layer, weight index, dC/dw)."""
        if activation not in nets:
            net = make_net(depth, activation, width=width, seed=seed)
            last = len(dense_layers(net)) - 1
            weights = [(layer, *most_sensitive_weight(net, X, y, layer)) for layer in (0, last)]
            nets[activation] = (net, cost(net, X, y), weights)
        return nets[activation]

    def dC(activation, layer, idx, dw):
        key = (activation, layer, round(float(dw), 6))
        if key not in points:
            net, c0, _ = setup(activation)
            points[key] = delta_cost(net, X, y, layer, idx, dw, c0)
        return points[key]

    def draw(fig, activation, dw):
        ax = fig.subplots()
        lines = [f"{activation} network, {depth} hidden layers of {width}: add dw = {dw:+.1f} to one weight"]
        for i, (layer, idx, g) in enumerate(setup(activation)[2]):
            name = "first layer" if layer == 0 else "last layer"
            st = plot.style(i)
            ax.plot(grid, [dC(activation, layer, idx, d) for d in grid], label=f"{name}: weight {idx}",
                    color=st["color"], linestyle=st["linestyle"], marker=st["marker"], markersize=4)
            now = dC(activation, layer, idx, dw)
            ax.plot([dw], [now], marker=st["marker"], color=st["color"], markersize=11,
                    markeredgecolor="black", linestyle="none")
            ratio = "" if dw == 0 else f", dC/dw = {now / dw:+.2e}"
            lines.append(f"{name:>11}: dC = {now:+.2e}{ratio} (backprop dC/dw = {g:+.2e})")
        ax.axvline(dw, color="#777777", linewidth=1, linestyle="-")
        ax.set(title=f"{activation}: change of the cost when one weight changes",
               xlabel="change of the weight, dw", ylabel="change of the cost, dC")
        ax.legend(loc="best")
        return "\n".join(lines)

    return widgets.Interactive(
        draw,
        activation=widgets.W.Dropdown(options=[("sigmoid", "sigmoid"), ("ReLU", "relu")], value="sigmoid",
                                      description="activation"),
        dw=widgets.slider("dw added to the weight", -2, 2, 1.0, 0.1))


# --------------------------------------------------------------------------------------------
# ReLU's reasons

def softplus(z):
    """ln(1 + e^z), computed without overflow."""
    return np.logaddexp(0.0, z)


def sum_of_sigmoids(z, n):
    """sigma(z - 0.5) + sigma(z - 1.5) + ... + sigma(z - n + 0.5): n sigmoids, biases -0.5, -1.5, ..."""
    z = np.asarray(z, dtype=np.float64)
    shifts = np.arange(1, n + 1) - 0.5
    return nn.sigmoid(z[..., None] - shifts).sum(axis=-1)


def sigmoids_widget():
    """The sum of n shifted sigmoids next to softplus and ReLU: more sigmoids, closer to ReLU."""
    from .. import plot, widgets

    z = np.linspace(-4, 8, 241)

    def draw(fig, n):
        ax = fig.subplots()
        for i in range(min(n, 3)):
            ax.plot(z, nn.sigmoid(z - i - 0.5), color="#999999", linewidth=1,
                    label="the first sigmoids $\\sigma(z - i + 0.5)$" if i == 0 else None)
        total = sum_of_sigmoids(z, n)
        for i, (curve, label) in enumerate([(total, f"sum of {n} sigmoids"),
                                            (softplus(z), "softplus $\\ln(1 + e^z)$"),
                                            (np.maximum(z, 0), "ReLU $\\max(0, z)$")]):
            st = plot.style(i)
            ax.plot(z, curve, label=label, color=st["color"], linestyle=st["linestyle"],
                    marker=st["marker"], markevery=20, markersize=5)
        ax.set(title=f"ReLU as infinitely many sigmoids with different biases (n = {n})",
               xlabel="z", ylabel="a", ylim=(-0.5, 8.5))
        ax.legend(loc="upper left")
        err = np.abs(total - softplus(z)).max()
        return f"largest |sum - softplus| for z in [-4, 8]: {err:.3f}"

    return widgets.Interactive(draw, n=widgets.slider("number of sigmoids n", 1, 30, 3, integer=True))


# --------------------------------------------------------------------------------------------
# A thinner linear network

def thinner_network(seed=5):
    """The slides' shape: 2 inputs, two hidden layers of 4 ReLU units, 2 linear outputs y1, y2.
    Weights and biases rounded to one decimal so they are easy to read."""
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate([(2, 4), (4, 4), (4, 2)]):
        W = np.round(rng.uniform(-2, 2, (n_out, n_in)), 1)
        b = np.round(rng.uniform(-0.5, 0.5, n_out), 1)
        layers.append(nn.Dense.from_weights(W, b))
        if i < 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def active_units(net, x):
    """For one input x: a boolean array per ReLU layer, True where the unit's z > 0."""
    net.forward(np.atleast_2d(x))
    return [layer.Z[0] > 0 for layer in net.layers if isinstance(layer, nn.ReLU)]


def linear_map(net, x):
    """The thinner linear network for input x: (A, c) with y = A x + c for x's active units.

    Only the rows and columns of the active units are kept: A = W3[:, a2] W2[a2, a1] W1[a1, :].
    """
    masks = active_units(net, x)
    Ws = [layer.W for layer in dense_layers(net)]
    bs = [layer.b for layer in dense_layers(net)]
    keep = [np.arange(net.n_in)] + [np.flatnonzero(m) for m in masks] + [np.arange(net.n_out)]
    A, c = np.eye(net.n_in), np.zeros(net.n_in)
    for W, b, rows, cols in zip(Ws, bs, keep[1:], keep[:-1]):
        sub = W[np.ix_(rows, cols)]
        A, c = sub @ A, sub @ c + b[rows]
    return A, c


def draw_network(ax, net, x):
    """The network for input x: active ReLU units filled, inactive ones (a = 0) hollow, and the
    connections that carry nothing dropped."""
    from .. import plot

    x = np.asarray(x, dtype=np.float64)
    y = net.forward(x[None])[0]  # every ReLU layer keeps its z for the values below
    masks = [layer.Z[0] > 0 for layer in net.layers if isinstance(layer, nn.ReLU)]
    values = [x] + [np.maximum(layer.Z[0], 0) for layer in net.layers if isinstance(layer, nn.ReLU)] + [y]
    sizes = [net.n_in] + [len(m) for m in masks] + [net.n_out]
    alive = [np.ones(net.n_in, bool)] + masks + [np.ones(net.n_out, bool)]
    pos = [[(col * 3.0, (n - 1) / 2 - j) for j in range(n)] for col, n in enumerate(sizes)]
    for col in range(len(sizes) - 1):
        for i, p in enumerate(pos[col]):
            for j, q in enumerate(pos[col + 1]):
                if alive[col][i] and alive[col + 1][j]:
                    ax.plot([p[0], q[0]], [p[1], q[1]], color=plot.COLORS[0], linewidth=1.6,
                            linestyle="-", zorder=1)
                else:
                    ax.plot([p[0], q[0]], [p[1], q[1]], color="#CCCCCC", linewidth=0.8,
                            linestyle=":", zorder=1)
    names = ["x", "a", "a", "y"]
    for col, layer_pos in enumerate(pos):
        for j, (px, py) in enumerate(layer_pos):
            on = alive[col][j]
            hidden = 0 < col < len(sizes) - 1
            face = plot.COLORS[1] if (on and hidden) else ("white" if hidden else "#DDDDDD")
            ax.scatter([px], [py], s=900, facecolor=face, edgecolor="black" if on else "#999999",
                       linewidth=2 if on else 1, linestyle="-" if on else "--", zorder=2)
            v = values[col][j]
            label = f"{v:.2f}" if on else "0"
            ax.text(px, py, label, ha="center", va="center", fontsize=8, zorder=3)
            if not hidden:
                ax.text(px + (-0.75 if col == 0 else 0.75), py, f"${names[col]}_{j + 1}$",
                        ha="center", va="center", fontsize=10)
    for col, title in enumerate(["input", "hidden layer 1", "hidden layer 2", "output"]):
        ax.text(col * 3.0, 2.3, title, ha="center", fontsize=9)
    ax.set(xlim=(-1.2, 10.2), ylim=(-2.2, 2.7))
    ax.axis("off")
    return ax


def thinner_widget(net=None):
    """Move the input: the ReLU units that output 0 drop out, and what is left is linear."""
    from .. import widgets
    net = thinner_network() if net is None else net

    def draw(fig, x1, x2):
        ax = fig.subplots()
        x = np.array([x1, x2])
        draw_network(ax, net, x)
        A, c = linear_map(net, x)
        y = net.forward(x[None])[0]
        ax.set_title(f"x = ({x1:+.1f}, {x2:+.1f}): filled units are active, hollow ones output 0")
        masks = active_units(net, x)
        on = "; ".join(f"layer {i + 1}: units {[int(j) + 1 for j in np.flatnonzero(m)]}"
                       for i, m in enumerate(masks))
        with np.printoptions(precision=2, suppress=True):
            return (f"active units: {on}\n"
                    f"y = {y} = A x + c with A = {np.round(A, 2).tolist()}, "
                    f"c = {np.round(c, 2).tolist()}  (check: {np.allclose(A @ x + c, y)})")

    return widgets.Interactive(
        draw, figsize=(6.8, 3.8),
        x1=widgets.slider("input x1", -2, 2, 1.0, 0.1),
        x2=widgets.slider("input x2", -2, 2, -1.0, 0.1))


# --------------------------------------------------------------------------------------------
# Maxout

def maxout_1d(x, w, b):
    """A maxout unit of one input: max_j (w_j x + b_j); x: (n,), w, b: (k,) -> (n,)."""
    return np.max(np.outer(x, w) + b, axis=1)


def count_pieces(x, w, b, min_share=0.0):
    """How many linear pieces max_j (w_j x + b_j) has along the sorted points x.

    A piece is a run of neighbouring points where the same line is the maximum; with
    min_share > 0 only pieces that cover at least that share of the points are counted (a sliver
    a few points wide is not a piece the unit uses). Two elements with the same line count as one.
    """
    w, b = np.asarray(w, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    winner = np.argmax(np.outer(x, w) + b, axis=1)
    line = np.round(np.stack([w[winner], b[winner]], axis=1), 12)
    starts = np.flatnonzero(np.r_[True, np.any(line[1:] != line[:-1], axis=1)])
    lengths = np.diff(np.r_[starts, len(x)])
    return int(np.sum(lengths >= max(1, min_share * len(x))))


def maxout_unit_lines(unit):
    """(w, b) of a trained one-input maxout unit nn.Sequential(Dense(1, k), Maxout(k)): each (k,)."""
    dense = unit.layers[0]
    return dense.W.ravel(), dense.b.copy()


def draw_maxout_unit(ax, unit, X, Y, x, min_share=0.01):
    """A one-input maxout unit against its training points: its k lines (thin) and their maximum."""
    from .. import plot
    w, b = maxout_unit_lines(unit)
    ax.plot(X.ravel(), Y.ravel(), ".", color="#999999", markersize=3, label="training points")
    for j in range(len(w)):
        ax.plot(x, w[j] * x + b[j], color=plot.COLORS[j % len(plot.COLORS)], linewidth=0.8,
                linestyle=plot.LINESTYLES[j % len(plot.LINESTYLES)])
    ax.plot(x, maxout_1d(x, w, b), color="black", linewidth=2.5, alpha=0.7, label="maxout unit: max of its lines")
    top = maxout_1d(x, w, b)
    ax.set(ylim=(min(top.min(), Y.min()) - 0.5, max(top.max(), Y.max()) + 0.5), xlabel="input x",
           ylabel="a (thick), its k lines (thin)")
    return count_pieces(x, w, b, min_share)


def maxout_fit_widget(fit, X, Y, min_share=0.01):
    """Choose k, the seed and the start; `fit(k, seed, start)` (the notebook's function, with its
    training loop) returns (unit, mean squared error); the figure shows the unit it learned."""
    from .. import widgets
    x = np.linspace(X.min(), X.max(), 401)
    cache = {}

    def draw(fig, k, seed, start):
        if (k, seed, start) not in cache:
            cache[k, seed, start] = fit(k, seed, start)
        unit, error = cache[k, seed, start]
        ax = fig.subplots()
        pieces = draw_maxout_unit(ax, unit, X, Y, x, min_share)
        ax.set_title(f"trained maxout unit, k = {k}, start '{start}', seed {seed}: {pieces} pieces")
        ax.legend(loc="upper center", fontsize=8)
        return (f"k = {k} elements, start '{start}': {pieces} linear pieces on the data's range "
                f"(counting pieces that cover at least {100 * min_share:.0f}% of it), "
                f"mean squared error {error:.4f}")

    return widgets.Interactive(
        draw,
        k=widgets.slider("elements in a group k", 1, 8, 4, integer=True),
        seed=widgets.slider("seed", 0, 9, 0, integer=True),
        start=widgets.W.Dropdown(options=[("spread: tangents at random points", "spread"),
                                          ("package default: Glorot, b = 0", "default")],
                                 value="spread", description="start"))


# --------------------------------------------------------------------------------------------
# Exercises: each is a table of cases and named mistakes (see dltutor.exercises)

class _OneOf:
    """Several right answers for one case (e.g. ReLU's slope at z = 0 may be 0 or 1)."""

    def __init__(self, *options):
        self.options = options


class _Exercise(exercises.Exercise):
    """exercises.Exercise with what this notebook needs: answers that are words (compared after
    strip() and lower()), cases with more than one right answer, and a check that the learner's
    function leaves its input array as it was."""

    def __init__(self, *args, words=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.words = words

    def compare(self, got, want):
        if isinstance(want, _OneOf):
            problems = [self.compare(got, w) for w in want.options]
            return None if None in problems else problems[0]
        if self.words is not None:
            if got is None:
                return "returned None: did you forget `return` (print only shows a value)?"
            if not isinstance(got, str) or got.strip().lower() not in self.words:
                return f"returned {got!r}: return one of {list(self.words)}"
            return None if got.strip().lower() == want else f"returned {got!r}, expected {want!r}"
        return super().compare(got, want)

    def _run(self, answer, case):
        if not callable(answer):
            return super()._run(answer, case)
        changed = []

        def watched(*args):
            before = [a.copy() if isinstance(a, np.ndarray) else None for a in args]
            result = answer(*args)
            changed.extend(b is not None and not np.array_equal(a, b) for a, b in zip(args, before))
            return result

        got, error = super()._run(watched, case)
        if error is None and any(changed):
            return None, ("changed its input array in place: compute a new array and leave the input as "
                          "it was (the backward pass still needs it)")
        return got, error


def _test_only(train_acc, test_acc, target=0.9):
    return OVERFIT if test_acc < target else DONE


def _swapped(train_acc, test_acc, target=0.9):
    if train_acc < target:
        return OVERFIT
    return MODIFY if test_acc < target else DONE


def _strict(train_acc, test_acc, target=0.9):
    if train_acc <= target:
        return MODIFY
    return OVERFIT if test_acc <= target else DONE


def _fixed_target(train_acc, test_acc, target=0.9):
    return recipe_next_step(train_acc, test_acc, 0.9)


def _gap(train_acc, test_acc, target=0.9):
    return MODIFY if train_acc < target else (OVERFIT if test_acc < train_acc else DONE)


def _done_below_target(got, case):
    train_acc, test_acc, target = case.args
    return train_acc >= target > test_acc and isinstance(got, str) and got.strip().lower() == DONE


check_next_step = _Exercise(
    "next_step",
    reference=recipe_next_step,
    cases=[exercises.Case(f"train_acc={a}, test_acc={t}, target={g}", a, t, g) for a, t, g in
           [(0.98, 0.70, 0.9), (0.60, 0.55, 0.9), (0.50, 0.95, 0.9), (0.97, 0.95, 0.9),
            (0.90, 0.90, 0.9), (0.85, 0.80, 0.8), (0.95, 0.60, 0.99), (0.92, 0.88, 0.9)]],
    mistakes=[
        exercises.Mistake("blaming overfitting without first looking at the training data", like=_test_only,
                          nudge="the recipe's first question is about the training data: what does a "
                                "network that is bad on its own training examples need?"),
        exercises.Mistake("the two fixes swapped", like=_swapped,
                          nudge="which fix helps a network that has not learned its own training "
                                "examples, and which one a network that learned them but does badly on new ones?"),
        exercises.Mistake("'good' taken as above the target, not at least the target", like=_strict,
                          nudge="an accuracy exactly equal to the target counts as good"),
        exercises.Mistake("the target fixed at 0.9 instead of the argument `target`", like=_fixed_target,
                          nudge="use the target you are given"),
        exercises.Mistake("overfitting judged by the gap between training and testing accuracy",
                          like=_gap, nudge="what does the recipe's second question compare the testing "
                                           "result with?"),
        exercises.Mistake("'done' although the testing accuracy is below the target",
                          when=_done_below_target,
                          nudge="a small gap between training and testing does not make a result good: "
                                "is the testing accuracy at least the target?"),
    ],
    nudge="ask the recipe's two questions in the slides' order, and stop at the first answer that is no",
    formula="train_acc < target -> 'modify the network'; else test_acc < target -> "
            "'prevent overfitting'; else 'done'",
    solution="def next_step(train_acc, test_acc, target=0.9):\n"
             "    if train_acc < target:\n        return \"modify the network\"\n"
             "    if test_acc < target:\n        return \"prevent overfitting\"\n    return \"done\"",
    words=STEPS,
    success="Correct: training data first, then testing data, and only then blame overfitting")


def _relu_reference(z):
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def _relu_grad_reference(z):
    z = np.asarray(z, dtype=np.float64)
    return _OneOf((z > 0).astype(np.float64), (z >= 0).astype(np.float64))


def _wrong_at_0_only(got, case):
    """relu_grad's answer is right at every z but 0, and there neither 0 nor 1."""
    z, got = np.asarray(case.args[0], dtype=np.float64), np.asarray(got, dtype=np.float64)
    if got.shape != z.shape or not np.any(z == 0):
        return False
    return np.array_equal(got[z != 0], (z[z != 0] > 0) * 1.0) and not np.all(np.isin(got[z == 0], (0.0, 1.0)))


_Z1 = np.array([-2.0, -0.5, 0.5, 3.0])
_Z2 = np.array([[1.5, -1.0, 0.25], [-3.0, 2.0, -0.1]])
_RELU_CASES = [exercises.Case("z = [-2, -0.5, 0.5, 3]", _Z1),
               exercises.Case("z = [[1.5, -1, 0.25], [-3, 2, -0.1]] (2-D)", _Z2),
               exercises.Case("z = [-1, 0, 2] as float32", np.array([-1.0, 0.0, 2.0], dtype=np.float32))]

check_relu = _Exercise(
    "relu(z)",
    reference=_relu_reference,
    cases=_RELU_CASES,
    mistakes=[
        exercises.Mistake("a linear unit: z passed on unchanged, negative values too", like=lambda z: z,
                          nudge="what does a ReLU unit output when its z is negative?"),
        exercises.Mistake("np.max, the largest element, instead of an elementwise maximum",
                          like=lambda z: np.max(z, 0),
                          nudge="the answer has one value for every element of z; numpy has an "
                                "elementwise version of max for two arguments"),
        exercises.Mistake("|z|: negative z made positive instead of 0", like=np.abs,
                          nudge="for z < 0 the unit is off: what is its output then?"),
        exercises.Mistake("the slope (0 or 1) instead of the value", like=lambda z: (np.asarray(z) > 0) * 1.0,
                          nudge="for z > 0 ReLU passes z itself on, not 1"),
        exercises.Mistake("min instead of max", like=lambda z: np.minimum(z, 0),
                          nudge="ReLU keeps the positive values"),
        exercises.Mistake("the output capped at 1: ReLU has no upper limit", like=lambda z: np.clip(z, 0, 1),
                          nudge="what does ReLU output for z = 3?"),
    ],
    nudge="ReLU outputs z where z is positive and 0 elsewhere, element by element",
    formula="a = max(0, z), elementwise",
    solution="def relu(z):\n    return np.maximum(z, 0)            # a new array; z is not changed",
    success="Correct: ReLU passes z on where it is positive and gives 0 elsewhere")

check_relu_grad = _Exercise(
    "relu_grad(z)",
    reference=_relu_grad_reference,
    cases=[exercises.Case("z = [-2, -0.5, 0, 0.5, 3]", np.array([-2.0, -0.5, 0.0, 0.5, 3.0])),
           *_RELU_CASES[1:]],
    mistakes=[
        exercises.Mistake("a slope of 1 everywhere (the slope of a linear unit)", like=np.ones_like,
                          nudge="what is the slope of the flat part of ReLU, for z < 0?"),
        exercises.Mistake("ReLU itself, max(0, z), instead of its slope", like=lambda z: np.maximum(z, 0),
                          nudge="the slope of a straight line a = z does not depend on how big z is"),
        exercises.Mistake("np.sign(z): -1 for z < 0", like=np.sign,
                          nudge="what is the slope of the flat part of ReLU, for z < 0?"),
        exercises.Mistake("the slope reversed: 1 for z < 0 and 0 for z > 0",
                          like=lambda z: _OneOf((np.asarray(z) < 0) * 1.0, (np.asarray(z) <= 0) * 1.0),
                          nudge="which part of ReLU is flat, z < 0 or z > 0?"),
        exercises.Mistake("the sigmoid's slope", like=lambda z: nn.sigmoid(z) * (1 - nn.sigmoid(z)),
                          nudge="this is the exercise for ReLU, whose pieces are straight lines"),
        exercises.Mistake("a slope other than 0 or 1 at z = 0 (right everywhere else)", when=_wrong_at_0_only,
                          nudge="at z = 0 take the slope of one of the two pieces"),
    ],
    nudge="ReLU is made of two straight pieces: what is the slope of each?",
    formula="da/dz = 1 where z > 0, 0 where z < 0 (at z = 0: 0, or 1)",
    solution="def relu_grad(z):\n    return (z > 0).astype(float)       # 1 where the unit is on, 0 elsewhere",
    success="Correct: slope 1 where the unit is on, 0 where it is off")


def _maxout_reference(Z, k):
    Z = np.asarray(Z, dtype=np.float64)
    return Z.reshape(Z.shape[0], -1, k).max(axis=2)


_ZM = np.array([[1.0, -2.0, 3.0, 0.5, -1.0, -4.0],
                [-1.0, 2.0, 0.0, -3.0, 5.0, 6.0],
                [7.0, 1.0, -2.0, 8.0, 0.0, -5.0]])

check_maxout = _Exercise(
    "maxout(Z, k)",
    reference=_maxout_reference,
    cases=[exercises.Case("k = 2 (Z: 3 examples x 6 values, 3 groups)", _ZM, 2),
           exercises.Case("k = 3 (2 groups)", _ZM, 3),
           exercises.Case("k = 1 (every value its own group)", _ZM, 1),
           exercises.Case("k = 2, Z as float32", _ZM.astype(np.float32), 2)],
    mistakes=[
        exercises.Mistake("the first element of each group instead of the largest",
                          like=lambda Z, k: np.asarray(Z)[:, ::k],
                          nudge="every element of a group competes: which one is the group's output?"),
        exercises.Mistake("grouped elements n apart (columns j, j + n, j + 2n, ...); a group is k "
                          "CONSECUTIVE elements (z1, z2 | z3, z4 | ... for k = 2)",
                          like=lambda Z, k: np.asarray(Z).reshape(len(Z), k, -1).max(axis=1),
                          nudge="the elements of one group are neighbours: their column numbers differ by 1"),
        exercises.Mistake("the maximum of the whole row (one number per example) instead of one per group",
                          like=lambda Z, k: np.asarray(Z).max(axis=1),
                          nudge="each example has n = (number of columns) / k outputs"),
        exercises.Mistake("the groups formed across examples: the batch axis was lost",
                          like=lambda Z, k: np.asarray(Z).reshape(-1, k).max(axis=1),
                          nudge="keep one row per example: the output has shape (batch, n)"),
        exercises.Mistake("the minimum instead of the maximum",
                          like=lambda Z, k: np.asarray(Z).reshape(len(Z), -1, k).min(axis=2),
                          nudge="maxout keeps the largest element of each group"),
        exercises.Mistake("the position of the largest element (argmax) instead of its value",
                          like=lambda Z, k: np.asarray(Z).reshape(len(Z), -1, k).argmax(axis=2),
                          nudge="the output of a group is the winning value itself"),
        exercises.Mistake("the maximum over the wrong axis: across the groups, not within each group",
                          like=lambda Z, k: np.asarray(Z).reshape(len(Z), -1, k).max(axis=1),
                          nudge="after splitting a row into groups, which axis runs over the k members of a group?"),
        exercises.Mistake("k fixed at 2 instead of the argument k",
                          like=lambda Z, k: np.asarray(Z).reshape(len(Z), -1, 2).max(axis=2),
                          nudge="use the group size you are given"),
        exercises.Mistake("the last element of each group instead of the largest",
                          like=lambda Z, k: np.asarray(Z)[:, k - 1::k],
                          nudge="every element of a group competes: which one is the group's output?"),
    ],
    nudge="split each row into groups of k neighbouring values and keep one value per group",
    formula="Z of shape (batch, n k) -> (batch, n, k) groups of k consecutive values -> max over the group axis",
    solution="def maxout(Z, k):\n"
             "    return Z.reshape(len(Z), -1, k).max(axis=2)   # (batch, n, k): each group on the last axis",
    success="Correct: each group of k consecutive elements gives one output, its maximum")


# --------------------------------------------------------------------------------------------
# "Predict, then run": which layer's gradient is smallest?

def smallest_gradient(rms, factor=10.0):
    """'first' if the first layer's gradient is the smallest and over `factor` times below the
    largest, 'last' if the last layer's is, else 'same' (all within `factor` of each other)."""
    rms = np.asarray(rms, dtype=np.float64)
    if rms.max() / rms.min() <= factor:
        return "same"
    i = int(np.argmin(rms))
    return "first" if i == 0 else ("last" if i == len(rms) - 1 else f"layer {i + 1}")


def reveal_guess(guess, measured):
    """Your guess next to the measurement: guess and measured are dicts activation -> answer."""
    lines = []
    for activation, truth in measured.items():
        g = guess.get(activation) if isinstance(guess, dict) else None
        if g is Ellipsis or g is None:
            verdict = "no guess yet"
        elif isinstance(g, str) and g.strip().lower() == truth:
            verdict = "you guessed right"
        else:
            verdict = f"you guessed {g!r}"
        lines.append(f"{activation:>7}: smallest gradients: {truth} ({verdict})")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The full run of section 2, from the command line

# Inside the package (dltutor/datafiles/results/), or in DLTUTOR_DATA/results/ when that is set.
RESULTS = pathlib.Path(str(data.data_file("results/relu_maxout_full.json")))

FULL_SETTINGS = {"activations": ["sigmoid", "relu"], "depths": [1, 2, 3, 4, 5, 6, 7], "width": 32,
                 "epochs": 30, "seeds": [0, 1, 2, 3, 4], "lr": 0.2, "batch_size": 50,
                 "n_train": 2000, "n_test": 1000, "split_seed": 0, "dtype": "float32"}


def run_full(settings=FULL_SETTINGS, path=RESULTS, log=None):
    """Section 2's experiment at full size: for every activation, depth and seed, the training
    accuracy after each epoch and the test accuracy at the end (None, and an entry in
    "diverged", for a run whose cost became NaN: its list of accuracies stops there).
    Writes them to `path`."""
    from .. import optim, train
    log = log or (lambda message: print(message, flush=True))
    s = settings
    X_train, X_test, y_train, y_test = mnist_subset(s["n_train"], s["n_test"], s["split_seed"])
    dtype = np.dtype(s["dtype"]).type
    X_train, X_test = X_train.astype(dtype), X_test.astype(dtype)
    out = {"command": "python -m dltutor.lessons.relu_maxout --full", "settings": settings,
           "numpy": np.__version__, "python": platform.python_version(),
           "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS"),
           "train_accuracy": {}, "test_accuracy": {}, "diverged": []}
    start = time.perf_counter()
    for activation in s["activations"]:
        for depth in s["depths"]:
            key = f"{activation} {depth}"
            out["train_accuracy"][key], out["test_accuracy"][key] = [], []
            for seed in s["seeds"]:
                net = make_net(depth, activation, width=s["width"], seed=seed).astype(dtype)
                accuracies = []        # after each epoch; kept when a run diverges
                try:
                    train.fit(net, X_train, y_train, optimizer=optim.SGD(net, lr=s["lr"]), epochs=s["epochs"],
                              batch_size=s["batch_size"], seed=seed, verbose=False,
                              callback=lambda epoch, h: accuracies.append(round(h["accuracy"][-1], 4)))
                    test = round(train.evaluate(net, X_test, y_test)["accuracy"], 4)
                except train.Diverged:
                    out["diverged"].append({"run": key, "seed": seed, "epoch": len(accuracies) + 1})
                    test = None
                out["train_accuracy"][key].append(accuracies)
                out["test_accuracy"][key].append(test)
            finals = [a[-1] if len(a) == s["epochs"] else "diverged" for a in out["train_accuracy"][key]]
            log(f"{key}: final training accuracy {finals}")
    out["seconds"] = round(time.perf_counter() - start, 1)
    return saved.write(out, path, log)


def load_full(path=RESULTS):
    """The saved results of `python -m dltutor.lessons.relu_maxout --full`, or None if not there."""
    return saved.read(path)


def main(argv=None):
    return saved.main(argv, "python -m dltutor.lessons.relu_maxout", "Notebook 06's depth experiment, in its fuller form.",
                      "run it with depths 1-7, 5 seeds, 30 epochs", RESULTS, run_full)


if __name__ == "__main__":
    sys.exit(main())
