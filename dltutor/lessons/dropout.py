"""Notebook 08, dropout (Part III of the tutorial): drawings of thinned networks, the test-time
network, the exact ensemble average over every mask, the overfitting experiment, the widgets and
the exercise checkers.

    from dltutor.lessons import dropout

The experiment where dropout helps (1,000 training digits, 5 seeds, p chosen on validation), and
the notebook's 500-digit experiment over 5 seeds, run from the command line and save their results
to dltutor/datafiles/results/dropout_full.json:

    OPENBLAS_NUM_THREADS=1 python -m dltutor.lessons.dropout --full
"""
import pathlib
import platform
import sys
import time

import numpy as np

from . import saved
from .. import data, exercises, nn, optim, train

# ----------------------------------------------------------------------------------------------
# Thinned networks: "each neuron has p% to dropout", a new thinner network for each mini-batch
# ----------------------------------------------------------------------------------------------

LAYER_NAMES = ("input", "hidden 1", "hidden 2", "hidden 3", "hidden 4")


def draw_network(ax, sizes, keep=None, title=None):
    """A fully connected network with `sizes` units a layer, on a matplotlib Axes.

    keep: one boolean array a layer (True: the unit is kept), or None for the full network. A
    dropped unit is drawn grey and dashed, crossed out, and its weights are not drawn: what is
    left is the thinned network. The last layer (the output) is never dropped.
    """
    from .. import plot
    sizes = list(sizes)
    if keep is None:
        keep = [np.ones(n, bool) for n in sizes]
    keep = [np.asarray(k, bool) for k in keep] + [np.ones(n, bool) for n in sizes[len(keep):]]
    top = max(sizes)
    ys = [np.linspace(-(n - 1) / 2, (n - 1) / 2, n) if n > 1 else np.zeros(1) for n in sizes]
    for layer in range(len(sizes) - 1):  # the weights between kept units: the thinned network
        for i in np.flatnonzero(keep[layer]):
            for j in np.flatnonzero(keep[layer + 1]):
                ax.plot([layer, layer + 1], [ys[layer][i], ys[layer + 1][j]], color="0.55",
                        linestyle="-", linewidth=0.7, zorder=1)
    for layer, n in enumerate(sizes):
        on = keep[layer]
        ax.scatter(np.full(on.sum(), layer), ys[layer][on], s=260, color=plot.COLORS[0],
                   edgecolor="black", linewidth=1.2, zorder=3)
        off = ~on
        ax.scatter(np.full(off.sum(), layer), ys[layer][off], s=260, color="0.88",
                   edgecolor="0.45", linewidth=1.2, linestyle="--", zorder=3)
        ax.scatter(np.full(off.sum(), layer), ys[layer][off], s=160, marker="x", color="0.25",
                   linewidth=1.6, zorder=4)
        name = "output" if layer == len(sizes) - 1 else LAYER_NAMES[min(layer, len(LAYER_NAMES) - 1)]
        ax.text(layer, -(top - 1) / 2 - 0.9, name, ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-(top - 1) / 2 - 1.6, (top - 1) / 2 + 0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def dropout_masks(sizes, p, n_batches, seed=0):
    """The keep masks that the package's nn.Dropout layers draw for n_batches mini-batches of one
    example, one Dropout on the inputs and one on each hidden layer (the output is never dropped).

    Returns a list (one item a mini-batch) of lists of boolean arrays (one a layer).
    """
    rng = np.random.default_rng(seed)  # one Generator shared by the layers: different masks in each
    drops = [nn.Dropout(p, rng=rng) for _ in sizes[:-1]]
    masks = []
    for _ in range(n_batches):
        masks.append([d.forward(np.ones((1, n)), train=True)[0] > 0 for d, n in zip(drops, sizes)])
    return masks


def count_weights(sizes, keep=None):
    """How many weights (not biases) a (thinned) network has."""
    if keep is None:
        return int(sum(a * b for a, b in zip(sizes[:-1], sizes[1:])))
    keep = [np.asarray(k, bool) for k in keep] + [np.ones(n, bool) for n in sizes[len(keep):]]
    return int(sum(keep[i].sum() * keep[i + 1].sum() for i in range(len(sizes) - 1)))


def thinned_network_widget(sizes=(4, 6, 6, 2), seed=0):
    """Sliders for the dropout rate p and the mini-batch number; draws that mini-batch's thinned
    network, with the masks nn.Dropout draws from the seed."""
    from .. import widgets

    def draw(fig, p, batch):
        masks = dropout_masks(sizes, p, batch, seed=seed)[-1]
        ax = fig.subplots()
        draw_network(ax, sizes, masks, title=f"mini-batch {batch}: the thinned network (p = {p:.2f})")
        units = sum(sizes[:-1])
        kept = sum(int(m.sum()) for m in masks)
        return (f"kept {kept} of {units} droppable units; this thinned network has "
                f"{count_weights(sizes, masks)} of the {count_weights(sizes)} weights.\n"
                f"There are 2^{units} = {2 ** units:,} thinned networks, all sharing the same weights.")

    return widgets.Interactive(
        draw, figsize=(5.6, 3.6),
        p=widgets.slider("dropout rate p", 0.0, 0.9, 0.5, 0.05),
        batch=widgets.slider("mini-batch", 1, 20, 1, integer=True))


# ----------------------------------------------------------------------------------------------
# Testing: no dropout, all the weights times (1 - p)
# ----------------------------------------------------------------------------------------------

def test_network(net):
    """The slides' test-time network: every Dropout layer removed and the weights W of the Dense
    layer after it multiplied by (1 - p) (biases unchanged). For a Dropout with
    scaling="inverted" the weights are kept as they are. Returns a new Sequential."""
    layers, factor = [], None
    for i, layer in enumerate(net.layers):
        if isinstance(layer, nn.Dropout):
            factor = layer.test_factor if factor is None else factor * layer.test_factor
            continue
        if factor is not None and not isinstance(layer, nn.Dense):
            raise ValueError(f"layer {i} ({type(layer).__name__}) follows a Dropout layer: only a Dense "
                             "layer after a Dropout can absorb the (1 - p) in its weights")
        if isinstance(layer, nn.Dense):
            scale = 1.0 if factor is None else factor
            layers.append(nn.Dense(layer.n_in, layer.n_out, W=scale * layer.W, b=layer.b, dtype=layer.dtype))
            factor = None
        else:
            layers.append(type(layer)(**layer.config()))
    if factor is not None:
        raise ValueError("the last layer is a Dropout: there is no next layer to absorb the (1 - p)")
    return nn.Sequential(*layers)


def z_over_masks(w, x, p, n_masks, seed=0, scaling="slides"):
    """z = sum_k w_k (m_k x_k) for n_masks masks m drawn by nn.Dropout(p): (n_masks,).

    The package draws one mask an example, so a batch of n_masks copies of x gets n_masks masks.
    """
    drop = nn.Dropout(p, rng=seed, scaling=scaling)
    A = drop.forward(np.tile(np.asarray(x, float), (n_masks, 1)), train=True)
    return A @ np.asarray(w, float)


# ----------------------------------------------------------------------------------------------
# Dropout as an ensemble: the average over every mask
# ----------------------------------------------------------------------------------------------

def all_masks(n):
    """Every keep mask of n units: (2**n, n) of 0.0 / 1.0, one mask a row."""
    n = int(n)
    return ((np.arange(2 ** n)[:, None] >> np.arange(n)[::-1]) & 1).astype(np.float64)


def mask_probabilities(masks, p):
    """The probability of each mask (rows of 0/1) when each unit is dropped with probability p:
    (1 - p)^(kept) p^(dropped). They sum to 1."""
    masks = np.asarray(masks)
    return np.prod(np.where(masks > 0, 1.0 - p, p), axis=1)


def _dropout_widths(net):
    drops = [layer for layer in net.layers if isinstance(layer, nn.Dropout)]
    if not drops:
        raise ValueError("the network has no Dropout layer: there is nothing to average over")
    widths, A = [], np.zeros((1, net.n_in))
    for layer in net.layers:  # a test-time pass: each Dropout's width, without drawing a mask
        if isinstance(layer, nn.Dropout):
            widths.append(A.shape[1])
        A = layer.forward(A)
    return drops, widths


def thinned_outputs(net, X, max_units=14):
    """Every thinned network's output for every row of X, and each mask's probability.

    Returns (prob (K,), Y (n, K, n_out)) for the K = 2^units masks of all the Dropout layers.
    The network runs layer by layer, all the thinned networks in one batch; at a Dropout layer
    each row is multiplied by its mask times the factor a kept unit gets in training. That factor
    comes from the layer's public contract: in training the expected output, (1 - p) times the
    factor, equals what testing gives, `test_factor` times the input; so the factor is
    test_factor / (1 - p) (1 in the slides' form, 1 / (1 - p) in the inverted one). The Dropout
    layers themselves are not touched.
    """
    X = np.asarray(X, dtype=np.float64)
    drops, widths = _dropout_widths(net)
    n = sum(widths)
    if n > max_units:
        raise ValueError(f"{n} droppable units would be 2^{n} masks; keep it to {max_units} or fewer")
    M = all_masks(n)
    prob = np.ones(len(M))
    cuts = np.cumsum([0] + widths)
    blocks = {}
    for d, a, b in zip(drops, cuts[:-1], cuts[1:]):
        prob *= mask_probabilities(M[:, a:b], d.p)
        blocks[id(d)] = np.tile(M[:, a:b], (len(X), 1)) * (d.test_factor / (1.0 - d.p))
    A = np.repeat(X, len(M), axis=0)
    for layer in net.layers:
        A = A * blocks[id(layer)] if id(layer) in blocks else layer.forward(A)
    return prob, A.reshape(len(X), len(M), -1)


def ensemble_average(net, X, max_units=14):
    """The exact average of the outputs of every thinned network, each weighted by the
    probability of its mask: sum_m P(m) f_m(x), for each row x of X. (n, n_out)."""
    prob, Y = thinned_outputs(net, X, max_units)
    return np.einsum("k,nko->no", prob, Y)


def small_network(activation, p, sizes=(3, 5, 5, 1), seed=0, weight_scale=1.0):
    """A small regression network with Dropout(p) after every hidden layer.

    activation: "linear" (no activation), "sigmoid" or "relu". weight_scale multiplies the
    initial weights (larger weights: a more nonlinear network)."""
    rng = np.random.default_rng(seed)
    acts = {"linear": None, "sigmoid": nn.Sigmoid, "relu": nn.ReLU}
    if activation not in acts:
        raise ValueError(f"activation must be one of {sorted(acts)}, got {activation!r}")
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        dense = nn.Dense(a, b, rng=rng)
        dense.params["W"] *= weight_scale
        dense.params["b"][...] = rng.normal(0, 0.5, b)
        layers.append(dense)
        if i < len(sizes) - 2:
            if acts[activation] is not None:
                layers.append(acts[activation]())
            layers.append(nn.Dropout(p, rng=rng))
    return nn.Sequential(*layers)


def ensemble_gap(net, X):
    """How far the one-pass scaled network is from the exact ensemble average, on the rows of X.

    Returns {"gap": mean |ensemble average - scaled network|,
             "spread": mean over x of sum_m P(m) |f_m(x) - ensemble average| (how far a single
                       thinned network is from the average: the scale to compare the gap with),
             "ensemble": the averages (n, n_out), "scaled": the scaled network's outputs}."""
    prob, Y = thinned_outputs(net, X)
    ens = np.einsum("k,nko->no", prob, Y)
    scaled = net.forward(np.asarray(X, float), train=False)
    spread = np.einsum("k,nko->no", prob, np.abs(Y - ens[:, None, :]))
    return {"gap": float(np.mean(np.abs(ens - scaled))), "spread": float(np.mean(spread)),
            "ensemble": ens, "scaled": scaled}


# ----------------------------------------------------------------------------------------------
# Overfitting a small training set, with and without dropout
# ----------------------------------------------------------------------------------------------

EXPERIMENT = {"n_train": 500, "n_test": 500, "hidden": 256, "epochs": 20, "batch_size": 25,
              "lr": 0.05, "momentum": 0.9}
RATES = (0.0, 0.2, 0.5, 0.8)  # the dropout rates the notebook trains (the slider's positions)


def small_mnist(n_train=EXPERIMENT["n_train"], n_test=EXPERIMENT["n_test"], seed=0):
    """A small stratified training set and a separate test set from the MNIST subset (float32)."""
    X, y = data.load_mnist()
    X_train, X_test, y_train, y_test = data.split(X, y, test_size=0.5, seed=seed)
    X_train, y_train = _first_stratified(X_train, y_train, n_train)
    X_test, y_test = _first_stratified(X_test, y_test, n_test)
    return X_train.astype(np.float32), X_test.astype(np.float32), y_train, y_test


def _first_stratified(X, y, n):
    """n examples, the same number of each digit (up to rounding), in a shuffled order."""
    per = n // 10
    idx = np.concatenate([np.flatnonzero(y == d)[:per + (d < n % 10)] for d in range(10)])
    idx = np.sort(idx)  # X is already shuffled: keep its order, so digits stay mixed
    return X[idx], y[idx]


def overfitting_net(p, hidden=EXPERIMENT["hidden"], seed=0, scaling="slides"):
    """784-hidden-hidden-10 with ReLU, Dropout(p) after each hidden layer (none when p = 0): the
    regularised network without the dropout on the input."""
    return regularised_net(p, input_p=0.0, hidden=hidden, seed=seed, scaling=scaling)


def match_slides_start(net):
    """Multiply, in place, the weights W of every Dense layer that follows an inverted Dropout(p) by
    (1 - p), and return net. Built with the same seed, the inverted network then computes exactly what
    the slides' form computes (the same function, the same masks): only its training differs."""
    for before, layer in zip(net.layers, net.layers[1:]):
        if isinstance(before, nn.Dropout) and before.scaling == "inverted" and isinstance(layer, nn.Dense):
            layer.W[...] *= 1 - before.p
    return net


def draw_seeds(ax, groups, ylabel, title=""):
    """groups: {label: one value per seed}. Each seed a point (spread sideways a little, so that equal
    values stay visible) and the mean ± sd as a bar beside them, one column a group."""
    from .. import plot
    labels = list(groups)
    for i, label in enumerate(labels):
        values = np.asarray(groups[label], float)
        ax.plot(i + np.linspace(-0.12, 0.12, len(values)), values, linestyle="none", marker="o",
                color=plot.COLORS[i], alpha=0.7)
        ax.errorbar(i + 0.3, values.mean(), yerr=values.std(ddof=1) if len(values) > 1 else 0,
                    color=plot.COLORS[i], marker="_", markersize=14, capsize=4)
    ax.set(xticks=range(len(labels)), xticklabels=labels, xlim=(-0.5, len(labels) - 0.3),
           ylabel=ylabel, title=title)


def overfitting_curves(ps, X_train, y_train, X_test, y_test, seed=0, **settings):
    """Train one network for each dropout rate in ps; {p: History} with training and test curves.

    settings override EXPERIMENT (hidden, epochs, batch_size, lr, momentum). The matrix products
    run on one BLAS thread: the networks are small, so a second thread hardly helps (and on a
    busy machine it slows down), and the curves are then the same whatever the thread settings.
    """
    from threadpoolctl import threadpool_limits
    s = {**EXPERIMENT, **settings}
    curves = {}
    with threadpool_limits(limits=1, user_api="blas"):
        for p in ps:
            net = overfitting_net(p, hidden=s["hidden"], seed=seed)
            opt = optim.SGD(net, lr=s["lr"], momentum=s["momentum"])
            curves[p] = train.fit(net, X_train, y_train, optimizer=opt, epochs=s["epochs"],
                                  batch_size=s["batch_size"], seed=seed, validation=(X_test, y_test),
                                  verbose=False)
    return curves


def plot_curves(ax_acc, ax_cost, history, label="", index=0):
    """Training and test accuracy on ax_acc and cost on ax_cost, against epochs."""
    from .. import plot
    epochs = np.arange(1, len(history["cost"]) + 1)
    for ax, key, name in ((ax_acc, "accuracy", "accuracy"), (ax_cost, "cost", "cost")):
        if ax is None:
            continue
        scale = 100 if key == "accuracy" else 1
        ax.plot(epochs, scale * np.asarray(history[key]), label=f"training{label}", **plot.style(2 * index))
        ax.plot(epochs, scale * np.asarray(history[f"val_{key}"]), label=f"test{label}",
                **plot.style(2 * index + 1))
        ax.set(xlabel="epoch", ylabel="accuracy (%)" if key == "accuracy" else "cross-entropy cost")


def summary(history):
    """Final training/test accuracy (%), the gap, and the final and lowest test cost."""
    tr, te = 100 * history["accuracy"][-1], 100 * history["val_accuracy"][-1]
    return {"train_acc": tr, "test_acc": te, "gap": tr - te, "test_cost": history["val_cost"][-1],
            "min_test_cost": min(history["val_cost"])}


def overfitting_widget(curves):
    """A slider over the dropout rates of precomputed curves ({p: History}); draws that p's
    training and test curves beside those of the smallest p (no dropout). Instant: nothing is
    trained when the slider moves."""
    from .. import widgets
    ps = sorted(curves)
    base = curves[ps[0]]

    def draw(fig, p):
        ax_acc, ax_cost = fig.subplots(1, 2)
        plot_curves(ax_acc, ax_cost, base, label=f" (p = {ps[0]:g})", index=0)
        if p != ps[0]:
            plot_curves(ax_acc, ax_cost, curves[p], label=f" (p = {p:g})", index=1)
        ax_acc.set_title("accuracy (higher is better)")
        ax_cost.set_title("cost (lower is better)")
        ax_acc.legend(fontsize=7, loc="lower right")
        ax_cost.legend(fontsize=7, loc="upper right")
        s0, s = summary(base), summary(curves[p])
        return (f"p = {p:g}: training {s['train_acc']:.1f}%, test {s['test_acc']:.1f}% "
                f"(gap {s['gap']:.1f} points), final test cost {s['test_cost']:.2f}\n"
                f"p = {ps[0]:g}: training {s0['train_acc']:.1f}%, test {s0['test_acc']:.1f}% "
                f"(gap {s0['gap']:.1f} points), final test cost {s0['test_cost']:.2f}")

    default = 0.5 if 0.5 in ps else ps[len(ps) // 2]
    control = widgets.W.SelectionSlider(
        options=ps, value=default, description="dropout rate p (hidden layers)",
        continuous_update=False, style={"description_width": "initial"},
        layout=widgets.W.Layout(width="420px"))
    return widgets.Interactive(draw, figsize=(8.4, 3.4), p=control)


# ----------------------------------------------------------------------------------------------
# Your turn: checkers
# ----------------------------------------------------------------------------------------------

def _reference_forward(A, mask, p, train):
    """The slides' form, written out (no Dropout layer needed): A * mask, or A * (1 - p) at test."""
    A = np.asarray(A, dtype=np.float64)
    return A * np.asarray(mask, dtype=np.float64) if train else A * (1 - p)


def _forward_cases():
    rng = np.random.default_rng(7)
    A = rng.uniform(0.1, 1.0, (3, 5))
    mask = (rng.random((3, 5)) >= 0.4).astype(float)
    mask[0, :2] = [0.0, 1.0]  # at least one dropped and one kept unit
    return [exercises.Case("training, p = 0.4", A, mask, 0.4, True),
            exercises.Case("testing, p = 0.4", A, mask, 0.4, False)]


def _forward_is(rule, mode=None):
    def test(got, case):
        A, mask, p, train_mode = case.args
        if mode is not None and train_mode != mode:
            return False
        return np.shape(got) == A.shape and np.allclose(np.asarray(got, float), rule(A, mask, p))
    return test


def _own_mask(got, case):
    """Training output that drops some units (zeros) but not the ones the given mask drops."""
    A, mask, p, train_mode = case.args
    got = np.asarray(got, float)
    if not train_mode or got.shape != A.shape:
        return False
    kept_or_zero = np.all(np.isclose(got, A) | np.isclose(got, 0) | np.isclose(got, A / (1 - p)))
    return kept_or_zero and not np.array_equal(np.isclose(got, 0), mask == 0)


# check_dropout_forward(fn, hint=1): fn(A, mask, p, train) -> the slides' dropout, A * mask in
# training and A * (1 - p) at test.
check_dropout_forward = exercises.Exercise(
    "dropout_forward",
    reference=_reference_forward,
    cases=_forward_cases(),
    mistakes=[
        exercises.Mistake("a result of another shape than A (one mask value per unit and per example: "
                          "A and mask have the same shape)",
                          when=lambda got, case: np.shape(got) != np.shape(case.args[0]),
                          nudge="multiply elementwise, A and mask as they are"),
        exercises.Mistake("no dropout in training (A came back unchanged)", when=_forward_is(lambda A, m, p: A, True),
                          nudge="in training, what does a dropped unit output?"),
        exercises.Mistake("one row of the mask used for every example (a mask of the wrong shape, broadcast)",
                          when=lambda got, case: case.args[3] and any(
                              _forward_is(lambda A, m, p, r=r: A * m[r], True)(got, case) for r in (0, -1)),
                          nudge="the mask has one row per example, like A: use all of it"),
        exercises.Mistake("the mask read the wrong way round: its 1s were dropped and its 0s kept",
                          when=_forward_is(lambda A, m, p: A * (1 - m), True),
                          nudge="in the mask, 1 means kept and 0 means dropped"),
        exercises.Mistake("training and testing swapped: the test-time scaling in training",
                          when=_forward_is(lambda A, m, p: A * (1 - p), True),
                          nudge="when `train` is True, the units of the mask are dropped"),
        exercises.Mistake("a scaling in training (the slides' form scales only at test)",
                          when=lambda got, case: any(_forward_is(lambda A, m, p, s=s: A * m * s(p), True)(got, case)
                                                     for s in (lambda p: 1 - p, lambda p: p)),
                          nudge="in training a kept unit passes its value on as it is"),
        exercises.Mistake("a new random mask instead of the mask given", when=_own_mask,
                          nudge="use the mask passed in: it says which units are dropped"),
        exercises.Mistake("the inverted form (divided by 1 - p in training)",
                          when=_forward_is(lambda A, m, p: A * m / (1 - p), True),
                          nudge="the slides' form scales at test, not in training"),
        exercises.Mistake("no scaling at test (A came back unchanged)", when=_forward_is(lambda A, m, p: A, False),
                          nudge="at test every unit is there, more than in training: what must change?"),
        exercises.Mistake("a scaling by p at test", when=_forward_is(lambda A, m, p: A * p, False),
                          nudge="p is the rate of dropping; what fraction of the units was kept?"),
        exercises.Mistake("a division by (1 - p) at test (the inverted form's scale, turned round)",
                          when=_forward_is(lambda A, m, p: A / (1 - p), False),
                          nudge="at test more units are there than in training: should their outputs grow or shrink?"),
        exercises.Mistake("the mask applied at test too", when=_forward_is(lambda A, m, p: A * m * (1 - p), False),
                          nudge="at test there is no dropout"),
    ],
    nudge="in training a dropped unit outputs 0; at test no unit is dropped, and the slides scale to make up for it",
    formula="training: A * mask;  testing: A * (1 - p)",
    solution="def dropout_forward(A, mask, p, train):\n    if train:\n        return A * mask\n    return A * (1 - p)")


def _weights_is(rule):
    def test(got, case):
        W, p = case.args
        return np.shape(got) == np.shape(W) and np.allclose(np.asarray(got, float), rule(W, p))
    return test


# check_test_weights(fn, hint=1): fn(W, p) -> the test-time weights (1 - p) W.
check_test_weights = exercises.Exercise(
    "test_weights",
    reference=lambda W, p: (1 - p) * np.asarray(W, dtype=np.float64),
    cases=[exercises.Case("the slides' example, W = [[1.0]], p = 0.5", np.array([[1.0]]), 0.5),
           exercises.Case("a 3 x 4 W, p = 0.2", np.random.default_rng(3).normal(size=(3, 4)), 0.2)],
    mistakes=[
        exercises.Mistake("the weights as trained", when=_weights_is(lambda W, p: W),
                          nudge="at test every neuron is there; in training only some were"),
        exercises.Mistake("p W (p is the rate of dropping)", when=_weights_is(lambda W, p: p * W),
                          nudge="scale by the fraction of neurons that were kept"),
        exercises.Mistake("W / (1 - p), the inverted form's training scale", when=_weights_is(lambda W, p: W / (1 - p)),
                          nudge="at test the weights get smaller, not larger"),
        exercises.Mistake("p subtracted from every weight instead of a scaling", when=_weights_is(lambda W, p: W - p),
                          nudge="the slides multiply each weight by a number"),
    ],
    nudge="the slides: a weight w = 1 trained with a 50% dropout rate becomes 0.5 for testing",
    formula="W_test = (1 - p) W",
    solution="def test_weights(W, p):\n    return (1 - p) * W")


def exact_ensemble_reference(W1, b1, W2, b2, x, p):
    """The exact ensemble average of y = sigmoid(W2 (m * (W1 x + b1)) + b2) over every mask m of
    the hidden units, each weighted by its probability."""
    h = W1 @ x + b1
    M = all_masks(len(h))
    return mask_probabilities(M, p) @ nn.sigmoid((M * h) @ W2.T + b2)


def _ensemble_cases():
    rng = np.random.default_rng(11)
    W1, b1 = 2 * rng.normal(size=(4, 3)), rng.normal(size=4)
    W2, b2 = 2 * rng.normal(size=(2, 4)), rng.normal(size=2)
    x = rng.normal(size=3)
    return [exercises.Case(f"the check's W1, b1, W2, b2, x and p = {p}", W1, b1, W2, b2, x, p) for p in (0.3, 0.5)]


def _ensemble_is(rule):
    def test(got, case):
        W1, b1, W2, b2, x, p = case.args
        want = rule(W1, b1, W2, b2, x, p, W1 @ x + b1, all_masks(len(b1)))
        return np.shape(got) == np.shape(want) and np.allclose(np.asarray(got, float), want, atol=1e-9)
    return test


ENSEMBLE_AVERAGE = exercises.Exercise(
    "ensemble_average",
    reference=exact_ensemble_reference,
    cases=_ensemble_cases(),
    atol=1e-9,
    mistakes=[
        exercises.Mistake("the scaled network sigmoid((1 - p) W2 h + b2): one network, not the average of the "
                          "16 (it is only an approximation once a sigmoid follows the mask)",
                          when=_ensemble_is(lambda W1, b1, W2, b2, x, p, h, M: nn.sigmoid((1 - p) * W2 @ h + b2)),
                          nudge="run every thinned network, one mask at a time, and average their outputs"),
        exercises.Mistake("the plain mean over the masks",
                          when=_ensemble_is(lambda W1, b1, W2, b2, x, p, h, M: nn.sigmoid((M * h) @ W2.T + b2).mean(0)),
                          nudge="the masks are not equally likely unless p = 0.5: weight each by its probability"),
        exercises.Mistake("the full network without dropout",
                          when=_ensemble_is(lambda W1, b1, W2, b2, x, p, h, M: nn.sigmoid(W2 @ h + b2)),
                          nudge="the average is over the thinned networks, with their dropped neurons"),
        exercises.Mistake("each mask weighted by p^kept (1 - p)^dropped: p and 1 - p swapped",
                          when=_ensemble_is(lambda W1, b1, W2, b2, x, p, h, M:
                                            mask_probabilities(M, 1 - p) @ nn.sigmoid((M * h) @ W2.T + b2)),
                          nudge="p is the probability that a neuron is dropped"),
        exercises.Mistake("each mask weighted by (1 - p)^kept only: the dropped neurons' p^dropped is missing",
                          when=_ensemble_is(lambda W1, b1, W2, b2, x, p, h, M:
                                            (1 - p) ** M.sum(1) @ nn.sigmoid((M * h) @ W2.T + b2)),
                          nudge="a dropped neuron is an event too: its probability is a factor of the mask's"),
        exercises.Mistake("the mask applied before b1 is added (a dropped neuron still outputs its bias)",
                          when=_ensemble_is(lambda W1, b1, W2, b2, x, p, h, M:
                                            mask_probabilities(M, p) @ nn.sigmoid((M * (W1 @ x) + b1) @ W2.T + b2)),
                          nudge="a dropped neuron outputs 0: the mask multiplies the whole W1 x + b1"),
        exercises.Mistake("an average without the output bias b2",
                          when=_ensemble_is(lambda W1, b1, W2, b2, x, p, h, M:
                                            mask_probabilities(M, p) @ nn.sigmoid((M * h) @ W2.T)),
                          nudge="no mask drops the output bias"),
    ],
    nudge="list the 16 masks, compute each thinned network's output, weight it by the mask's probability, sum",
    formula="sum over m of P(m) * sigmoid(W2 @ (m * (W1 @ x + b1)) + b2),  P(m) = prod((1 - p) if m_k else p)",
    solution=("def ensemble_average(W1, b1, W2, b2, x, p):\n    h = W1 @ x + b1\n    total = 0.0\n"
              "    for m in itertools.product([0, 1], repeat=len(h)):\n        m = np.array(m)\n"
              "        probability = np.prod(np.where(m == 1, 1 - p, p))\n"
              "        total = total + probability * nn.sigmoid(W2 @ (m * h) + b2)\n    return total"))


def check_ensemble_average(fn, hint=1):
    """fn(W1, b1, W2, b2, x, p) -> the exact average over all 2^n masks of the hidden layer of
    sigmoid(W2 (m * (W1 x + b1)) + b2)."""
    return ENSEMBLE_AVERAGE(fn, hint=hint)


# =============================================================================================
# Where dropout helps: the full version (command line)
#
#     OPENBLAS_NUM_THREADS=1 python -m dltutor.lessons.dropout --full
#
# writes dltutor/datafiles/results/dropout_full.json: for every dropout rate and seed, the validation and
# test accuracy of a 784-512-512-10 ReLU network on 1,000 training digits after 40 epochs, inverted
# dropout p after each hidden layer and 0.2 on the input (none at all when p = 0). p is chosen on
# validation.
# =============================================================================================

FULL = {"n_train": 1000, "n_val": 1000, "n_test": 1000, "hidden": 512, "epochs": 40, "batch_size": 25,
        "lr": 0.01, "momentum": 0.9, "input_p": 0.2, "rates": [0.0, 0.2, 0.5], "seeds": [0, 1, 2, 3, 4]}
# Inside the package (dltutor/datafiles/results/), or in DLTUTOR_DATA/results/ when that is set.
FULL_RESULTS = pathlib.Path(str(data.data_file("results/dropout_full.json")))


def three_splits(n_train=1000, n_val=1000, n_test=1000, seed=0):
    """Stratified training, validation and test sets from the MNIST subset (float32), disjoint."""
    X, y = data.load_mnist()
    X_rest, X_te, y_rest, y_te = data.split(X, y, test_size=0.4, seed=seed)
    X_tr, X_va, y_tr, y_va = data.split(X_rest, y_rest, test_size=1 / 3, seed=seed)
    parts = [_first_stratified(X_tr, y_tr, n_train), _first_stratified(X_va, y_va, n_val),
             _first_stratified(X_te, y_te, n_test)]
    return [(Xp.astype(np.float32), yp) for Xp, yp in parts]


def regularised_net(p, input_p=0.2, hidden=256, seed=0, scaling="inverted"):
    """784-hidden-hidden-10 ReLU with Dropout(input_p) on the input and Dropout(p) after each hidden
    layer; p = 0: no dropout at all (and none on the input)."""
    rng = np.random.default_rng(seed)  # one Generator: the weights and then every dropout mask
    layers = [nn.Dropout(input_p, rng=rng, scaling=scaling)] if p > 0 and input_p > 0 else []
    for n_in, n_out in ((784, hidden), (hidden, hidden)):
        layers += [nn.Dense(n_in, n_out, rng=rng), nn.ReLU()]
        if p > 0:
            layers.append(nn.Dropout(p, rng=rng, scaling=scaling))
    layers += [nn.Dense(hidden, 10, rng=rng), nn.Softmax()]
    return nn.Sequential(*layers).astype(np.float32)


def train_regularised(p, seed, X_train, y_train, settings=FULL):
    """One training of the full experiment: regularised_net(p) trained by momentum SGD with the
    settings' hidden, input_p, lr, momentum, epochs and batch_size. Returns the trained network."""
    s = settings
    net = regularised_net(p, s["input_p"], s["hidden"], seed=seed)
    opt = optim.SGD(net, lr=s["lr"], momentum=s["momentum"])
    train.fit(net, X_train, y_train, optimizer=opt, epochs=s["epochs"], batch_size=s["batch_size"],
              seed=seed, verbose=False, evaluate_train=False)
    return net


# The 500-digit set-up of section 6 (EXPERIMENT: the slides' form on the hidden layers, 20 epochs),
# trained for every rate with 5 seeds (seed 0 is the notebook's live run), on the same split.
SMALL = {**EXPERIMENT, "rates": list(RATES), "seeds": [0, 1, 2, 3, 4]}


def run_small(settings=SMALL, log=None):
    """Section 6's live experiment for every rate and seed of `settings`: {repr(p): {key: [one value
    a seed]}} with the final training and test accuracy (%), the final and the lowest test cost."""
    log = log or (lambda message: None)
    s = settings
    X_train, X_test, y_train, y_test = small_mnist(s["n_train"], s["n_test"])
    fit = {k: s[k] for k in ("hidden", "epochs", "batch_size", "lr", "momentum")}
    results = {repr(float(p)): {"train_acc": [], "test_acc": [], "test_cost": [], "min_test_cost": []}
               for p in s["rates"]}
    for seed in s["seeds"]:
        curves = overfitting_curves([float(p) for p in s["rates"]], X_train, y_train, X_test, y_test,
                                    seed=seed, **fit)
        for p, history in curves.items():
            row = summary(history)
            for key, values in results[repr(p)].items():
                values.append(round(float(row[key]), 6))
        log(f"500 digits, seed {seed}: done")
    return results


def run_full(settings=FULL, path=FULL_RESULTS, log=None, small=SMALL):
    """Every rate and seed of `settings`; writes validation and test accuracies to `path`, and the
    five-seed version of section 6's 500-digit experiment (`small`) under "small"."""
    from threadpoolctl import threadpool_limits
    log = log or (lambda message: print(message, flush=True))
    s = settings
    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = three_splits(s["n_train"], s["n_val"], s["n_test"])
    out = {"command": "python -m dltutor.lessons.dropout --full", "settings": s, "numpy": np.__version__,
           "python": platform.python_version(), "results": {}}
    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        for p in s["rates"]:
            rows = out["results"][repr(p)] = {"val_accuracy": [], "test_accuracy": [], "train_accuracy": []}
            for seed in s["seeds"]:
                net = train_regularised(p, seed, X_tr, y_tr, s)
                rows["train_accuracy"].append(train.evaluate(net, X_tr, y_tr)["accuracy"])
                rows["val_accuracy"].append(train.evaluate(net, X_va, y_va)["accuracy"])
                rows["test_accuracy"].append(train.evaluate(net, X_te, y_te)["accuracy"])
                log(f"p = {p}, seed {seed}: validation {rows['val_accuracy'][-1]:.3f}")
    out["chosen_p"] = float(max(out["results"], key=lambda p: np.mean(out["results"][p]["val_accuracy"])))
    if small is not None:
        out["small"] = {"settings": small, "results": run_small(small, log)}
    out["seconds"] = round(time.perf_counter() - start, 1)
    return saved.write(out, path, log)


def load_full(path=FULL_RESULTS):
    """The saved results of `python -m dltutor.lessons.dropout --full`, or None if not there."""
    return saved.read(path)


def full_gain(full):
    """The chosen p's test accuracy minus that without dropout, seed by seed, in points: (seeds,)."""
    chosen = np.array(full["results"][repr(full["chosen_p"])]["test_accuracy"])
    return 100 * (chosen - np.array(full["results"]["0.0"]["test_accuracy"]))


def plot_full(ax_acc, ax_gain, full):
    """The saved full run. ax_acc: the test accuracy of every p, each seed a point and the mean ±
    sd a bar beside them; ax_gain: the gain of the chosen p over no dropout, seed by seed."""
    from .. import plot
    rates = list(full["results"])
    for i, q in enumerate(rates):
        acc = 100 * np.array(full["results"][q]["test_accuracy"])
        ax_acc.plot(i + np.linspace(-0.1, 0.1, len(acc)), acc, linestyle="none", marker="o",
                    color=plot.COLORS[i], alpha=0.7)
        ax_acc.errorbar(i + 0.25, acc.mean(), yerr=acc.std(ddof=1), color=plot.COLORS[i], marker="_",
                        markersize=14, capsize=4)
    ax_acc.set(xticks=range(len(rates)), xticklabels=[f"p = {float(q):g}" for q in rates],
               xlim=(-0.5, len(rates) - 0.4), xlabel="dropout rate p (and 0.2 on the input when p > 0)",
               ylabel="test accuracy (%)",
               title="test accuracy: each seed (points), mean ± sd (bar)")
    gain, seeds = full_gain(full), full["settings"]["seeds"]
    ax_gain.axhline(0, color="0.4", linewidth=1)
    ax_gain.plot(seeds, gain, linestyle="none", marker="o", color=plot.COLORS[rates.index(repr(full["chosen_p"]))])
    ax_gain.errorbar(max(seeds) + 1, gain.mean(), yerr=gain.std(ddof=1), color="black", marker="_",
                     markersize=14, capsize=4)
    ax_gain.set(xticks=list(seeds) + [max(seeds) + 1], xticklabels=[str(s) for s in seeds] + ["mean"],
                xlabel="seed", ylabel="test accuracy gain (points)",
                ylim=(min(0, gain.min()) - 0.5, gain.max() + 0.5),
                title=f"p = {full['chosen_p']:g} (chosen on validation) minus no dropout")


def main(argv=None):
    return saved.main(argv, "python -m dltutor.lessons.dropout", "Notebook 08's dropout experiment, in its full form.",
                      "run every dropout rate and seed (a few minutes)", FULL_RESULTS, run_full)


if __name__ == "__main__":
    sys.exit(main())
