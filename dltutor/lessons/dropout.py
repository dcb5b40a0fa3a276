"""Notebook 08, dropout (Part III of the tutorial): drawings of thinned networks, the test-time
network, the exact ensemble average over every mask, the overfitting experiment, the widgets and
the exercise checkers.

    from dltutor.lessons import dropout
"""
import numpy as np

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
    net.forward(np.zeros((1, net.n_in)), train=True)  # learn each Dropout's width
    return drops, [d.mask.shape[1] for d in drops]


def thinned_outputs(net, X, max_units=14):
    """Every thinned network's output for every row of X, and each mask's probability.

    Returns (prob (K,), Y (n, K, n_out)) for the K = 2^units masks of all the Dropout layers.
    Uses the package's own Dropout layers with their masks set (frozen) to every combination,
    so that all the thinned networks run in one batch.
    """
    X = np.asarray(X, dtype=np.float64)
    drops, widths = _dropout_widths(net)
    n = sum(widths)
    if n > max_units:
        raise ValueError(f"{n} droppable units would be 2^{n} masks; keep it to {max_units} or fewer")
    M = all_masks(n)
    prob = np.ones(len(M))
    cuts = np.cumsum([0] + widths)
    try:
        for d, a, b in zip(drops, cuts[:-1], cuts[1:]):
            prob *= mask_probabilities(M[:, a:b], d.p)
            scale = 1.0 / (1.0 - d.p) if d.scaling == "inverted" else 1.0
            d.mask = np.tile(M[:, a:b] * scale, (len(X), 1))
            d.frozen = True
        Y = net.forward(np.repeat(X, len(M), axis=0), train=True)
    finally:
        for d in drops:
            d.frozen, d.mask = False, None
    return prob, Y.reshape(len(X), len(M), -1)


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


def overfitting_net(p, hidden=EXPERIMENT["hidden"], seed=0):
    """784-hidden-hidden-10 with ReLU, Dropout(p) after each hidden layer (none when p = 0)."""
    rng = np.random.default_rng(seed)  # one Generator: the weights and then every dropout mask
    layers = []
    for n_in, n_out in ((784, hidden), (hidden, hidden)):
        layers += [nn.Dense(n_in, n_out, rng=rng), nn.ReLU()]
        if p > 0:
            layers.append(nn.Dropout(p, rng=rng))
    layers += [nn.Dense(hidden, 10, rng=rng), nn.Softmax()]
    return nn.Sequential(*layers).astype(np.float32)


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
    drop = nn.Dropout(p)
    drop.mask, drop.frozen = np.asarray(mask, float), True
    return drop.forward(np.asarray(A, float), train=train)


def check_dropout_forward(fn):
    """fn(A, mask, p, train) -> the slides' dropout: A * mask in training, A * (1 - p) at test."""
    rng = np.random.default_rng(7)
    A = rng.uniform(0.1, 1.0, (3, 5))
    p = 0.4
    mask = (rng.random((3, 5)) >= p).astype(float)
    problems = []
    for train_mode in (True, False):
        what = f"dropout_forward(A, mask, p=0.4, train={train_mode})"
        want = _reference_forward(A, mask, p, train_mode)
        got, err = exercises.call(what, fn, A.copy(), mask.copy(), p, train_mode)
        if err:
            problems.append(err)
            continue
        problem = exercises.expect_close(what, got, want)
        if problem and got is not None and np.shape(got) == A.shape:
            got = np.asarray(got, float)
            if train_mode and np.allclose(got, A):
                problem = f"{what} returned A unchanged: in training the dropped units (mask 0) must become 0"
            elif train_mode and np.allclose(got, A * mask / (1 - p)):
                problem = (f"{what} divides by (1 - p): that is the inverted form; the slides' form keeps "
                           "A * mask in training and scales at test instead")
            elif not train_mode and np.allclose(got, A):
                problem = f"{what} returned A unchanged: at test the slides multiply by (1 - p)"
            elif not train_mode and np.allclose(got, A * p):
                problem = f"{what} multiplied by p: at test multiply by the keep probability (1 - p)"
            elif not train_mode and np.allclose(got, A * mask * (1 - p)):
                problem = f"{what} still applies the mask: at test there is no dropout, every unit is kept"
        problems.append(problem)
    return exercises.feedback(problems, hint="training: A * mask (the mask is 0 for a dropped unit); "
                                             "testing: no mask, A * (1 - p)")


def check_test_weights(fn):
    """fn(W, p) -> the test-time weights (1 - p) W."""
    problems = []
    cases = [("the slides' example test_weights([[1.0]], p=0.5)", np.array([[1.0]]), 0.5),
             ("test_weights(W, p=0.2)", np.random.default_rng(3).normal(size=(3, 4)), 0.2)]
    for what, W, p in cases:
        got, err = exercises.call(what, fn, W.copy(), p)
        if err:
            problems.append(err)
            continue
        problem = exercises.expect_close(what, got, (1 - p) * W)
        if problem and got is not None and np.shape(got) == W.shape and p != 0.5:
            got = np.asarray(got, float)
            if np.allclose(got, p * W):
                problem = f"{what} is p W: p is the rate of dropping; the weights are scaled by the keep rate (1 - p)"
            elif np.allclose(got, W / (1 - p)):
                problem = (f"{what} is W / (1 - p): that is the inverted form's training scale; at test the "
                           "slides multiply the weights by (1 - p)")
            elif np.allclose(got, W):
                problem = f"{what} returned W unchanged: at test the weights are multiplied by (1 - p)"
        problems.append(problem)
    return exercises.feedback(problems, hint="a weight w = 1 trained with a 50% dropout rate becomes 0.5: "
                                             "multiply by (1 - p)")


def exact_ensemble_reference(W1, b1, W2, b2, x, p):
    """The exact ensemble average of y = W2 (m * (W1 x + b1)) + b2 over every mask m of the
    hidden units, each weighted by its probability."""
    h = W1 @ x + b1
    M = all_masks(len(h))
    return mask_probabilities(M, p) @ ((M * h) @ W2.T) + b2


def check_ensemble_average(fn):
    """fn(W1, b1, W2, b2, x, p) -> the exact average over all 2^n masks of the hidden layer."""
    rng = np.random.default_rng(11)
    W1, b1 = rng.normal(size=(4, 3)), rng.normal(size=4)
    W2, b2 = rng.normal(size=(2, 4)), rng.normal(size=2)
    x = rng.normal(size=3)
    problems = []
    for p in (0.5, 0.3):
        what = f"ensemble_average(W1, b1, W2, b2, x, p={p})"
        want = exact_ensemble_reference(W1, b1, W2, b2, x, p)
        got, err = exercises.call(what, fn, W1, b1, W2, b2, x, p)
        if err:
            problems.append(err)
            continue
        problem = exercises.expect_close(what, got, want, atol=1e-9)
        if problem and got is not None and np.shape(got) == want.shape:
            got = np.asarray(got, float)
            M = all_masks(4)
            h = W1 @ x + b1
            if np.allclose(got, ((M * h) @ W2.T).mean(axis=0) + b2):
                problem = (f"{what} is the plain mean over the masks: weight each mask by its probability "
                           "p^(dropped) (1 - p)^(kept) (they are only equally likely when p = 0.5)")
            elif np.allclose(got, W2 @ (W1 @ x + b1) + b2):
                problem = f"{what} is the full network without dropout: the average must include the dropped units' zeros"
            elif np.allclose(got, ((1 - p) * W2) @ (W1 @ x + b1)):
                problem = f"{what} is missing the output bias b2, which no mask drops"
        problems.append(problem)
    return exercises.feedback(
        problems, hint="for every mask m in itertools.product([0, 1], repeat=4): "
                       "y_m = W2 @ (m * (W1 @ x + b1)) + b2, weight P(m) = prod((1 - p) if m_k else p); "
                       "sum P(m) y_m")
