"""Notebook 06, ReLU and maxout: widgets, experiment helpers and exercise checkers.

Part III of the tutorial: the recipe of deep learning, "New Activation Function", ReLU (and its
four reasons), a ReLU network as a thinner linear network, and maxout.
"""
import numpy as np

from .. import data, exercises, nn, optim, train

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
    box("left", 1.75, 6.6, 3.3, 1.6, "Modify the network\nnew activation: ReLU,\nmaxout (05); adaptive\n"
        "learning rate (06)")
    box("d2", 6, 3.6, 4.2, 2.0, "Good results on\nTESTING data?", diamond=True)
    box("right", 10.25, 3.6, 3.3, 1.6, "Overfitting!\nprevent it: dropout (07),\nmore training data")
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

def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def softplus(z):
    """ln(1 + e^z), computed without overflow."""
    return np.logaddexp(0.0, z)


def sum_of_sigmoids(z, n):
    """sigma(z - 0.5) + sigma(z - 1.5) + ... + sigma(z - n + 0.5): n sigmoids, biases -0.5, -1.5, ..."""
    z = np.asarray(z, dtype=np.float64)
    shifts = np.arange(1, n + 1) - 0.5
    return sigmoid(z[..., None] - shifts).sum(axis=-1)


def sigmoids_widget():
    """The sum of n shifted sigmoids next to softplus and ReLU: more sigmoids, closer to ReLU."""
    from .. import plot, widgets

    z = np.linspace(-4, 8, 241)

    def draw(fig, n):
        ax = fig.subplots()
        for i in range(min(n, 3)):
            ax.plot(z, sigmoid(z - i - 0.5), color="#999999", linewidth=1,
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


def count_pieces(x, w, b):
    """How many linear pieces max_j (w_j x + b_j) has along the sorted points x."""
    winner = np.argmax(np.outer(x, w) + b, axis=1)
    # Two elements with the same line count as one piece.
    line = np.round(np.stack([np.asarray(w)[winner], np.asarray(b)[winner]], axis=1), 12)
    return int(1 + np.sum(np.any(line[1:] != line[:-1], axis=1)))


def random_maxout_unit(k, seed=0):
    """Weights and biases (w, b), each (k,), of a maxout unit with one input."""
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, k), rng.normal(0, 1, k)


def maxout_pieces_widget():
    """A random maxout unit of one input: k elements give a convex function of up to k pieces."""
    from .. import plot, widgets

    x = np.linspace(-3, 3, 601)

    def draw(fig, k, seed):
        ax = fig.subplots()
        w, b = random_maxout_unit(k, seed)
        Z = np.outer(x, w) + b
        for j in range(k):
            st = plot.style(j)
            ax.plot(x, Z[:, j], color=st["color"], linestyle=st["linestyle"], linewidth=1,
                    label=f"$z_{j + 1} = {w[j]:.2f}x {b[j]:+.2f}$" if k <= 6 else None)
        ax.plot(x, Z.max(axis=1), color="black", linewidth=3.5, alpha=0.6, label="maxout: max of the $z_j$")
        pieces = count_pieces(x, w, b)
        top = Z.max(axis=1)
        ax.set(title=f"maxout unit with k = {k} elements in the group: {pieces} linear pieces",
               xlabel="input x", ylabel="z (thin lines), a = max z (thick line)",
               ylim=(top.min() - 1.5, top.max() + 0.5))
        ax.legend(loc="upper center", fontsize=8, ncol=2)
        return (f"k = {k}: {pieces} pieces on [-3, 3] (never more than k = {k}); "
                f"convex: {bool(np.all(np.diff(top, 2) >= -1e-9))}")

    return widgets.Interactive(
        draw,
        k=widgets.slider("elements in a group k", 1, 8, 3, integer=True),
        seed=widgets.slider("random unit (seed)", 0, 20, 0, integer=True))


def train_maxout_1d(f=None, n_units=4, k=3, epochs=200, seed=0):
    """A 1 -> n_units maxout (groups of k) -> 1 network fitted to f on [-2, 2] with noise.

    Returns (net, X, Y, history)."""
    f = (lambda x: np.sin(2 * x)) if f is None else f
    X, Y = data.function_1d(f, n=200, low=-2, high=2, noise=0.05, seed=seed)
    rng = np.random.default_rng(seed)
    net = nn.Sequential(nn.Dense(1, n_units * k, rng=rng), nn.Maxout(k), nn.Dense(n_units, 1, rng=rng))
    history = train.fit(net, X, Y, optimizer=optim.Adam(net, lr=0.03), epochs=epochs, batch_size=50,
                        seed=seed, verbose=False)
    return net, X, Y, history


def maxout_unit_outputs(net, x):
    """The first maxout layer's outputs a_j(x) for inputs x: (n, n_units)."""
    A = np.atleast_2d(np.asarray(x, dtype=np.float64))
    if A.shape[0] == 1 and net.n_in == 1:
        A = A.T
    for layer in net.layers:
        A = layer.forward(A)
        if isinstance(layer, nn.Maxout):
            return A
    raise ValueError("the network has no Maxout layer")


# --------------------------------------------------------------------------------------------
# Exercises: reference answers and checkers

def _relu_reference(z):
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def _relu_grad_reference(z):
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)


def _maxout_reference(Z, k):
    Z = np.asarray(Z, dtype=np.float64)
    return Z.reshape(Z.shape[0], -1, k).max(axis=2)


def check_relu(relu, relu_grad):
    """Exercise: relu(z) = max(0, z) and its derivative, elementwise, for arrays of any shape."""
    problems = []
    cases = [np.array([-2.0, -0.5, 0.5, 3.0]), np.array([[1.5, -1.0, 0.25], [-3.0, 2.0, -0.1]])]
    for z in cases:
        z_in = z.copy()
        got, err = exercises.call(f"relu({z.tolist()})", relu, z_in)
        problems.append(err or exercises.expect_close(f"relu({z.tolist()})", got, _relu_reference(z)))
        if err is None and not np.array_equal(z_in, z):
            problems.append("relu changed its input array in place; compute a new array instead "
                            "(np.maximum(z, 0) does)")
        got, err = exercises.call(f"relu_grad({z.tolist()})", relu_grad, z.copy())
        problems.append(err or exercises.expect_close(f"relu_grad({z.tolist()})", got, _relu_grad_reference(z)))
    got, err = exercises.call("relu_grad(0.0)", relu_grad, np.array([0.0]))
    if err is None and got is not None:
        try:
            v = float(np.asarray(got, dtype=np.float64).ravel()[0])
            if v not in (0.0, 1.0):
                problems.append(f"relu_grad(0) is {v}; at z = 0 take 0 (or 1): it must be one of the two slopes")
        except (TypeError, ValueError, IndexError):
            pass
    problems = list(dict.fromkeys(p for p in problems if p))
    return exercises.feedback(
        problems,
        hint="ReLU keeps z where z > 0 and gives 0 elsewhere: np.maximum(z, 0). Its slope is 1 where "
             "z > 0 and 0 where z < 0: (z > 0).astype(float).",
        success="Correct: ReLU passes z (slope 1) where it is positive and 0 (slope 0) elsewhere")


def check_maxout(maxout):
    """Exercise: maxout(Z, k) takes the maximum of each group of k consecutive columns of Z."""
    problems = []
    Z = np.array([[1.0, -2.0, 3.0, 0.5, -1.0, -4.0],
                  [-1.0, 2.0, 0.0, -3.0, 5.0, 6.0],
                  [7.0, 1.0, -2.0, 8.0, 0.0, -5.0]])
    for k in (2, 3, 1):
        want = _maxout_reference(Z, k)
        got, err = exercises.call(f"maxout(Z, k={k})", maxout, Z.copy(), k)
        if err:
            problems.append(err)
            continue
        problem = exercises.expect_close(f"maxout(Z, k={k})", got, want)
        if problem and k > 1 and got is not None:
            strided = Z.reshape(Z.shape[0], k, -1).max(axis=1)
            try:
                if np.allclose(np.asarray(got, dtype=np.float64), strided):
                    problem = (f"maxout(Z, k={k}) grouped elements {Z.shape[1] // k} apart; a group is "
                               f"k CONSECUTIVE elements (z1, z2 | z3, z4 | ... for k = 2)")
            except (TypeError, ValueError):
                pass
        problems.append(problem)
    return exercises.feedback(
        problems,
        hint="Z has shape (batch, n * k): Z.reshape(len(Z), -1, k) puts each group of k consecutive "
             "elements on the last axis; then take .max(axis=2).",
        success="Correct: each group of k elements gives one output, its maximum")


def check_next_step(next_step):
    """Exercise: next_step(train_acc, test_acc, target) returns the recipe's next step."""
    cases = [(0.60, 0.55, 0.9), (0.98, 0.70, 0.9), (0.97, 0.95, 0.9), (0.50, 0.95, 0.9),
             (0.90, 0.90, 0.9), (0.85, 0.80, 0.8), (0.95, 0.60, 0.99)]
    why = {MODIFY: "the network is not good on the training data yet, so overfitting is not the problem",
           OVERFIT: "good on training but not on testing data: that is overfitting",
           DONE: "good on both training and testing data"}
    problems = []
    for train_acc, test_acc, target in cases:
        what = f"next_step({train_acc}, {test_acc}, target={target})"
        got, err = exercises.call(what, next_step, train_acc, test_acc, target)
        want = recipe_next_step(train_acc, test_acc, target)
        if err:
            problems.append(err)
        elif not isinstance(got, str) or got.strip().lower() not in STEPS:
            problems.append(f"{what} returned {got!r}; return one of {list(STEPS)}")
        elif got.strip().lower() != want:
            problems.append(f"{what} returned {got!r}, expected {want!r}: {why[want]}")
    return exercises.feedback(
        problems,
        hint="Check the training accuracy FIRST (below target: modify the network); only when it is "
             "good look at the test accuracy (below target: prevent overfitting); else done. "
             "'Good' means at least the target.",
        success="Correct: training data first, then testing data, and only then blame overfitting")


def gradient_trend(rms, factor=10.0):
    """'last' if the last layer's gradient is over `factor` times the first's, 'first' if the
    reverse, else 'same'."""
    ratio = rms[-1] / rms[0]
    return "last" if ratio > factor else ("first" if ratio < 1 / factor else "same")


def check_gradient_prediction(prediction, X, y, depth=7, width=32, seed=0):
    """Exercise: predict, for sigmoid and for ReLU networks of `depth` hidden layers, which layer
    has the bigger gradient: 'first', 'last' or 'same' (within a factor of 10)."""
    options = ("first", "last", "same")
    if not isinstance(prediction, dict) or set(prediction) != {"sigmoid", "relu"}:
        return exercises.feedback(
            [f"prediction must be a dict with keys 'sigmoid' and 'relu', got {prediction!r}"],
            hint="prediction = {'sigmoid': 'first' or 'last' or 'same', 'relu': ...}")
    problems, measured = [], {}
    for activation in ("sigmoid", "relu"):
        rms = layer_gradients(make_net(depth, activation, width=width, seed=seed), X, y)
        measured[activation] = (gradient_trend(rms), rms[-1] / rms[0])
        answer = prediction[activation]
        if not isinstance(answer, str) or answer.strip().lower() not in options:
            problems.append(f"prediction[{activation!r}] is {answer!r}; choose one of {list(options)}")
        elif answer.strip().lower() != measured[activation][0]:
            trend, ratio = measured[activation]
            problems.append(f"{activation}: you predicted {answer!r}, the measurement says {trend!r} "
                            f"(last layer / first layer = {ratio:.1e})")
    lines = ", ".join(f"{a}: last / first = {r:.1e}" for a, (_, r) in measured.items())
    return exercises.feedback(
        problems,
        hint="Backpropagation multiplies by sigma'(z) <= 1/4 at every sigmoid layer it passes; ReLU's "
             "slope is 1 on every active unit.",
        success=f"Correct ({lines})")
