"""Notebook 04, backpropagation and the digit recognizer: figures, widgets and exercise checks.

    from dltutor.lessons import backprop as bp
    bp.computation_graph_figure(forward, backward)    # the slides' network as a graph, both passes
    bp.check_sigmoid_backward(fn), bp.check_dense_backward(fn), bp.check_layer_gradient(fn)
    bp.sigmoid_backward_reference, bp.dense_backward_reference     # the fallbacks for .use(...)
    bp.gradient_spread_figure(full, batch_grads, ...)  # mini-batch gradients around the full one
    bp.confusion_figure(y_true, y_pred), bp.digit_picker_widget(net, X, y)
"""
import re
import traceback

import numpy as np

from .. import cost, nn, plot
from .. import widgets as _widgets
from ..exercises import Case, Exercise, Mistake, NotDone
from .gradient_descent import order_of_magnitude, output_bars  # noqa: F401  (used by notebook 04)


# ---------------------------------------------------------------------------------------------
# The computation graph of the slides' network
# ---------------------------------------------------------------------------------------------

def computation_graph_figure(forward, backward, title="The slides' network as a computation graph"):
    """Nodes x -> z1 -> a1 -> z2 -> a2 -> z3 -> y -> C, with W^l, b^l feeding each z^l.

    forward: {node name: value (array)} printed above each node (the forward pass, left to right);
    backward: {node name: dC/d(node)} printed below (the backward pass, right to left).
    Node names: "x", "z1", "a1", "z2", "a2", "z3", "y", "C", "W1", "W2", "W3".
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    chain = ["x", "z1", "a1", "z2", "a2", "z3", "y", "C"]
    labels = {"x": "$x$", "z1": "$z^1$", "a1": "$a^1$", "z2": "$z^2$", "a2": "$a^2$", "z3": "$z^3$",
              "y": "$y$", "C": "$C$", "W1": "$W^1, b^1$", "W2": "$W^2, b^2$", "W3": "$W^3, b^3$"}
    ops = {("x", "z1"): "$W^1x+b^1$", ("z1", "a1"): "$\\sigma$", ("a1", "z2"): "$W^2a^1+b^2$",
           ("z2", "a2"): "$\\sigma$", ("a2", "z3"): "$W^3a^2+b^3$", ("z3", "y"): "$\\sigma$",
           ("y", "C"): "$\\sum(y-t)^2$"}
    pos = {name: (1.6 * i, 0.0) for i, name in enumerate(chain)}
    for l, z in ((1, "z1"), (2, "z2"), (3, "z3")):
        pos[f"W{l}"] = (pos[z][0] - 0.8, 1.3)
    fig, ax = plt.subplots(figsize=(13, 4.6), layout="constrained")
    forward_color, backward_color = plot.COLORS[0], plot.COLORS[3]

    def fmt(v):
        v = np.atleast_1d(np.asarray(v, dtype=np.float64))
        if v.ndim == 2:
            return "[" + "; ".join(" ".join(f"{x:.3g}" for x in row) for row in v) + "]"
        return "(" + ", ".join(f"{x:.3g}" if abs(x) < 0.01 and x != 0 else f"{x:.2f}" for x in v) + ")"

    for name, (x0, y0) in pos.items():
        is_param = name.startswith("W")
        box = FancyBboxPatch((x0 - 0.42, y0 - 0.22), 0.84, 0.44, boxstyle="round,pad=0.04",
                             facecolor="#FFF3D6" if is_param else "#E8F1FA", edgecolor="black", linewidth=1)
        ax.add_patch(box)
        ax.text(x0, y0, labels[name], ha="center", va="center", fontsize=11)
        if name in forward:
            ax.text(x0, y0 + 0.33, fmt(forward[name]), ha="center", va="bottom", fontsize=8, color=forward_color)
        if name in backward:
            node = labels[name].split(",")[0].strip("$")
            text = f"$\\partial C/\\partial {node}$\n{fmt(backward[name])}"
            if is_param:  # above the parameter's box, out of the way of the arrow below it
                ax.text(x0, y0 + 0.33, text, ha="center", va="bottom", fontsize=8, color=backward_color)
            else:
                ax.text(x0, y0 - 0.33, text, ha="center", va="top", fontsize=8, color=backward_color)
    for a, b in zip(chain, chain[1:]):
        (xa, ya), (xb, yb) = pos[a], pos[b]
        ax.add_patch(FancyArrowPatch((xa + 0.46, ya + 0.06), (xb - 0.46, yb + 0.06), arrowstyle="-|>",
                                     mutation_scale=12, color=forward_color, linewidth=1.4))
        ax.add_patch(FancyArrowPatch((xb - 0.46, yb - 0.08), (xa + 0.46, ya - 0.08), arrowstyle="-|>",
                                     mutation_scale=12, color=backward_color, linewidth=1.4, linestyle="--"))
        ax.text((xa + xb) / 2, ya + 0.12, ops[(a, b)], ha="center", va="bottom", fontsize=7.5)
    for l, z in ((1, "z1"), (2, "z2"), (3, "z3")):
        (xw, yw), (xz, yz) = pos[f"W{l}"], pos[z]
        ax.add_patch(FancyArrowPatch((xw + 0.3, yw - 0.26), (xz - 0.4, yz + 0.26), arrowstyle="-|>",
                                     mutation_scale=10, color=forward_color, linewidth=1))
    ax.plot([], [], color=forward_color, linewidth=1.4, label="forward pass: values (blue, above)")
    ax.plot([], [], color=backward_color, linewidth=1.4, linestyle="--",
            label="backward pass: $\\partial C/\\partial$ node (red)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.02), ncols=2, fontsize=9, frameon=False)
    ax.set(xlim=(-0.9, 1.6 * (len(chain) - 1) + 0.9), ylim=(-1.45, 2.25), title=title)
    ax.set_xlabel("the forward pass runs left to right, the backward pass right to left")
    ax.set_xticks([]), ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


# ---------------------------------------------------------------------------------------------
# Exercises: the backward pass of a sigmoid layer and of a dense layer
# ---------------------------------------------------------------------------------------------

class _Raised:
    """The learner's code raised: the exception and the line of their code where it happened."""

    def __init__(self, exc):
        self.exc = exc
        frames = traceback.extract_tb(exc.__traceback__)
        self.line = (frames[-1].line or "").strip() if frames else ""

    def __repr__(self):
        where = f" in the line `{self.line}`" if self.line else ""
        message = str(self.exc)
        if "matmul" in message or "not aligned" in message:  # numpy's words for it are long
            message = "the shapes of a matrix product do not fit"
        return f"raised {type(self.exc).__name__} ({message}){where}"


class _LayerExercise(Exercise):
    """An Exercise that keeps a learner's exception (and the line it came from) as the result, so
    that a product with shapes that do not fit can be recognised and named as a mistake."""

    def _run(self, answer, case):
        if not callable(answer):
            return None, f"should be a function, got {type(answer).__name__}"
        args = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case.args]
        try:
            with np.errstate(all="ignore"):
                got = answer(*args)
        except (NotDone, NotImplementedError):
            return None, "not done"
        except Exception as exc:  # the learner's code: kept, so that a mistake can name it
            return _Raised(exc), None
        if got is Ellipsis:
            return None, "not done"
        return got, None

    def compare(self, got, want):
        if isinstance(got, _Raised):
            return repr(got)
        if isinstance(want, tuple) and isinstance(got, (tuple, list)):
            if any(isinstance(g, _Raised) for g in got):
                return repr(next(g for g in got if isinstance(g, _Raised)))
        return super().compare(got, want)


def _raised_at(pattern):
    """A test for Mistake(when=...): the learner's code raised in a line matching `pattern`."""
    regex = re.compile(pattern)
    return lambda got, case: isinstance(got, _Raised) and bool(regex.search(got.line.replace(" ", "")))


def _shapes_raised(got, case):
    return isinstance(got, _Raised) and isinstance(got.exc, ValueError)


def _sigmoid_case(seed, R, n):
    rng = np.random.default_rng(seed)
    A = nn.sigmoid(rng.normal(size=(R, n)) * 2)
    dA = rng.normal(size=(R, n))
    return A, dA


def sigmoid_backward_reference(A, dA):
    """dC/dZ from dC/dA for A = sigma(Z): dZ = dA * a (1 - a)."""
    A, dA = np.asarray(A, dtype=np.float64), np.asarray(dA, dtype=np.float64)
    return dA * A * (1.0 - A)


check_sigmoid_backward = _LayerExercise(
    "sigmoid_backward(A, dA)",
    reference=sigmoid_backward_reference,
    cases=[Case("a batch of 4 rows of 3", *_sigmoid_case(0, 4, 3)), Case("one row of 5", *_sigmoid_case(1, 1, 5)),
           Case("a batch of 6 rows of 2", *_sigmoid_case(2, 6, 2))],
    mistakes=[
        Mistake("dA passed back unchanged: the sigmoid's derivative is missing", like=lambda A, dA: dA,
                nudge="the chain rule multiplies by the derivative of the step the value went through"),
        Mistake("dA times a: only half of sigma'(z)", like=lambda A, dA: dA * A,
                nudge="write sigma'(z) in terms of a = sigma(z): how does it vanish at both ends?"),
        Mistake("dA times (1 - a): only half of sigma'(z)", like=lambda A, dA: dA * (1 - A),
                nudge="write sigma'(z) in terms of a = sigma(z): how does it vanish at both ends?"),
        Mistake("the sigmoid applied to a again: A is already sigma(z), not z",
                like=lambda A, dA: dA * nn.sigmoid(A) * (1 - nn.sigmoid(A)),
                nudge="the layer keeps its output a = sigma(z); use it as it is"),
        Mistake("the wrong sign", like=lambda A, dA: -dA * A * (1 - A),
                nudge="sigma is increasing, so dC/dz has the sign of dC/da"),
        Mistake("a matrix product: here the chain rule multiplies elementwise, each z by its own a",
                when=lambda got, case: _raised_at(r"@|dot\(|matmul\(")(got, case) or
                np.shape(got) == (len(case.args[0]), len(case.args[0])) != np.shape(case.args[0]),
                nudge="a sigmoid acts on each number alone: dZ has the shape of A, and * multiplies elementwise"),
        Mistake("dA left out: sigma'(z) alone, without the dC/da that comes from above",
                like=lambda A, dA: A * (1 - A),
                nudge="the chain rule multiplies what comes from above by the local derivative"),
        Mistake("the derivative of tanh, 1 - a^2, not of the sigmoid", like=lambda A, dA: dA * (1 - A ** 2),
                nudge="write sigma'(z) in terms of a = sigma(z): how does it vanish at both ends?"),
        Mistake("divided by the batch size: dA already holds the 1/R of the mean cost",
                like=lambda A, dA: dA * A * (1 - A) / len(A),
                nudge="the sigmoid's backward pass only multiplies by the local derivative"),
    ],
    nudge="dC/dz = dC/da times da/dz, elementwise, and da/dz can be written with a alone",
    formula="dZ = dA * sigma'(z), with sigma'(z) = a (1 - a)",
    solution="def sigmoid_backward(A, dA):\n    return dA * A * (1 - A)",
    success="Correct: that is the backward pass of nn.Sigmoid.")


def _dense_case(seed, R, n_in, n_out):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(R, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=(R, n_out)) / R


def dense_backward_reference(X, W, dZ):
    """(dW, db, dX) of Z = X W^T + b for dZ = dC/dZ: dW = dZ^T X, db = dZ summed over the rows, dX = dZ W."""
    X, W, dZ = (np.asarray(a, dtype=np.float64) for a in (X, W, dZ))
    return dZ.T @ X, dZ.sum(axis=0), dZ @ W


def _dense_wrong(dW=None, db=None, dX=None):
    """A wrong dense_backward: the reference with one of its parts replaced."""
    def wrong(X, W, dZ):
        right = dense_backward_reference(X, W, dZ)
        return tuple(f(X, W, dZ) if f is not None else r for f, r in zip((dW, db, dX), right))
    return wrong


check_dense_backward = _LayerExercise(
    "dense_backward(X, W, dZ)",
    reference=dense_backward_reference,
    outputs=["dW", "db", "dX"],
    cases=[Case("a batch of 5, n_in = 4, n_out = 3", *_dense_case(0, 5, 4, 3)),
           Case("one example, n_in = 2, n_out = 3", *_dense_case(1, 1, 2, 3)),
           Case("a batch of 8, n_in = 3, n_out = 2", *_dense_case(2, 8, 3, 2))],
    mistakes=[
        Mistake("dW transposed: X^T dZ has the shape (n_in, n_out), W has (n_out, n_in)",
                like=_dense_wrong(dW=lambda X, W, dZ: X.T @ dZ),
                nudge="dW must have W's shape; which of dZ and X gives the rows?"),
        Mistake("db not summed over the batch: one row for each example",
                like=_dense_wrong(db=lambda X, W, dZ: dZ),
                nudge="b is shared by every example of the batch: add up what each example asks of it"),
        Mistake("db averaged over the batch: dZ already holds the 1/R of the mean cost",
                like=_dense_wrong(db=lambda X, W, dZ: dZ.mean(axis=0)),
                nudge="dZ already includes the 1/R of the mean cost: do not divide again"),
        Mistake("dW divided by the batch size again: dZ already holds the 1/R of the mean cost",
                like=_dense_wrong(dW=lambda X, W, dZ: dZ.T @ X / len(X)),
                nudge="dZ already includes the 1/R of the mean cost: do not divide again"),
        Mistake("dX multiplied by W^T: with W of shape (n_out, n_in) and dZ of shape (batch, n_out), "
                "dZ W^T does not fit", when=_raised_at(r"dZ@W\.T|dZ\.dot\(W\.T\)|np\.dot\(dZ,W\.T\)|matmul\(dZ,W\.T\)"),
                nudge="write the shapes under each factor: dX must come out (batch, n_in)"),
        Mistake("db kept the batch axis (keepdims=True): b has the shape (n_out,)",
                like=_dense_wrong(db=lambda X, W, dZ: dZ.sum(axis=0, keepdims=True)),
                nudge="db must have b's shape"),
        Mistake("db summed over the wrong axis: one number for each example, not for each neuron",
                like=_dense_wrong(db=lambda X, W, dZ: dZ.sum(axis=1)),
                nudge="db must have b's shape, one number per neuron: add up over the examples"),
        Mistake("the three in another order: return dW, db, dX",
                when=lambda got, case: isinstance(got, (tuple, list)) and len(got) == 3 and
                sorted(map(np.shape, got)) == sorted(map(np.shape, dense_backward_reference(*case.args))) and
                list(map(np.shape, got)) != list(map(np.shape, dense_backward_reference(*case.args))),
                nudge="the gradients of W, b and X, in that order"),
        Mistake("dX divided by the batch size: dZ already holds the 1/R of the mean cost",
                like=_dense_wrong(dX=lambda X, W, dZ: dZ @ W / len(X)),
                nudge="dZ already includes the 1/R of the mean cost: do not divide again"),
        Mistake("a product whose shapes do not fit", when=_shapes_raised,
                nudge="write the shapes under each factor: dZ (batch, n_out), X (batch, n_in), W (n_out, n_in)"),
    ],
    nudge="dW has W's shape and collects, over the batch, dC/dz times the input; b is shared by all examples; "
          "dX sends dC/dz back through W",
    formula="dW = dZ^T X (n_out, n_in);  db = sum of dZ over the rows (n_out,);  dX = dZ W (batch, n_in)",
    solution="def dense_backward(X, W, dZ):\n    return dZ.T @ X, dZ.sum(axis=0), dZ @ W",
    success="Correct: that is the backward pass of nn.Dense.")


def _layer_case(seed, R, n_in=4, n_out=3):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(R, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out),
            rng.uniform(0, 1, size=(R, n_out)))


def layer_gradient_reference(X, W, b, T):
    """dC/dW for A = sigma(X W^T + b) and C = mean over the batch of sum_k (a_k - t_k)^2,
    with the package's layers: Dense, Sigmoid, SquaredError, then backward."""
    layer, act, sq = nn.Dense.from_weights(W, b), nn.Sigmoid(), cost.SquaredError()
    A = act.forward(layer.forward(X, train=True))
    layer.backward(act.backward(sq.gradient(A, T)))
    return layer.grads["W"].copy()


def _layer_parts(X, W, b, T):
    A = nn.sigmoid(X @ W.T + b)
    dA = 2 * (A - T) / len(X)
    return A, dA, dA * A * (1 - A)


def _layer_through(X, W, b, T, derivative):
    """dC/dW with another (wrong) sigma'(z): derivative(Z, A)."""
    Z = X @ W.T + b
    A = nn.sigmoid(Z)
    return (2 * (A - T) / len(X) * derivative(Z, A)).T @ X


check_layer_gradient = _LayerExercise(
    "layer_gradient(X, W, b, T)",
    reference=layer_gradient_reference,
    cases=[Case("a batch of 5", *_layer_case(0, 5)), Case("one example", *_layer_case(1, 1)),
           Case("a batch of 8", *_layer_case(2, 8))],
    mistakes=[
        Mistake("X @ W in the forward pass: W is (n_out, n_in) and a batch is rows, so Z = X @ W.T + b",
                when=_raised_at(r"X@W(?!\.T)|X\.dot\(W\)|np\.dot\(X,W\)|matmul\(X,W\)"),
                nudge="write the shapes under each factor: X is (batch, n_in), W is (n_out, n_in)"),
        Mistake("the sum over the batch, not the mean: R times too large",
                when=lambda got, case: len(case.args[0]) > 1 and np.allclose(
                    got, (_layer_parts(*case.args)[2]).T @ case.args[0] * len(case.args[0])),
                nudge="the cost is the mean over the batch: where does 1/R enter dC/dA?"),
        Mistake("half the right size: the derivative of (a - t)^2 is 2 (a - t)",
                like=lambda X, W, b, T: _layer_parts(X, W, b, T)[2].T @ X / 2,
                nudge="differentiate (a - t)^2 again"),
        Mistake("sigma'(z) = a (1 - a) left out: the chain rule goes through the sigmoid",
                like=lambda X, W, b, T: _layer_parts(X, W, b, T)[1].T @ X,
                nudge="between dC/dA and dC/dZ there is the sigmoid"),
        Mistake("the wrong sign: dC/da = 2 (a - t) / R",
                like=lambda X, W, b, T: -(_layer_parts(X, W, b, T)[2].T @ X),
                nudge="the cost grows when a moves away from t"),
        Mistake("dC/dW transposed: it must have W's shape (n_out, n_in)",
                like=lambda X, W, b, T: X.T @ _layer_parts(X, W, b, T)[2],
                nudge="dW has W's shape; which of dZ and X gives the rows?"),
        Mistake("dC/dA divided by R x n_out (as np.mean would): the cost is a mean over the examples only, "
                "summed over the outputs",
                like=lambda X, W, b, T: _layer_parts(X, W, b, T)[2].T @ X / T.shape[1],
                nudge="C = (1/R) sum_r sum_k (a_k - t_k)^2: where does 1/R enter dC/dA, and is there another?"),
        Mistake("sigma'(z) written with z where your turn 1 used the layer's output a",
                like=lambda X, W, b, T: _layer_through(X, W, b, T, lambda Z, A: Z * (1 - Z)),
                nudge="sigma'(z) is written with a = sigma(z), as in your turn 1"),
        Mistake("the sigmoid applied to a again: A is already sigma(z), not z",
                like=lambda X, W, b, T: _layer_through(X, W, b, T, lambda Z, A: nn.sigmoid(A) * (1 - nn.sigmoid(A))),
                nudge="the layer's output a is already sigma(z)"),
        Mistake("the bias left out of the forward pass", like=lambda X, W, b, T: layer_gradient_reference(X, W, 0 * b, T),
                nudge="Z = X W^T + b: the bias changes A, and so the gradient"),
        Mistake("a product whose shapes do not fit", when=_shapes_raised,
                nudge="write the shapes under each factor: X (batch, n_in), W (n_out, n_in), T (batch, n_out)"),
    ],
    nudge="forward (Z, then A), then back: dC/dA of the mean squared error, through the sigmoid, then the Dense rule",
    formula="A = sigma(X W^T + b); dA = 2 (A - T) / R; dZ = dA * A (1 - A); dW = dZ^T X",
    solution=("def layer_gradient(X, W, b, T):\n"
              "    A = nn.sigmoid(X @ W.T + b)      # forward: (R, n_out)\n"
              "    dA = 2 * (A - T) / len(X)        # dC/dA of the mean squared error\n"
              "    dZ = dA * A * (1 - A)            # through the sigmoid\n"
              "    return dZ.T @ X                  # dC/dW: (n_out, n_in)"),
    success="Correct: that is backpropagation through one sigmoid layer.")


# ---------------------------------------------------------------------------------------------
# Mini-batches: how far a mini-batch's gradient is from the full one
# ---------------------------------------------------------------------------------------------

def flat_gradient(net):
    """Every gradient of the network, one long vector (after a backward pass)."""
    return np.concatenate([g.ravel() for g in net.grads.values()])


def entry_name(net, index):
    """Which parameter entry of the network the flat_gradient position `index` is, e.g. "2.b[7]"."""
    start = 0
    for key, g in net.grads.items():
        if index < start + g.size:
            where = np.unravel_index(index - start, g.shape)
            return f"{key}[{', '.join(str(int(i)) for i in where)}]"
        start += g.size
    raise IndexError(f"the network has {start} parameters, no entry {index}")


def cosine(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def gradient_spread_figure(full, batch_grads, coords, batch_size, names=None):
    """Left: two coordinates of each mini-batch gradient (dots) around the full gradient (star) and
    the mean of the mini-batch gradients (cross). Right: the cosine between each mini-batch
    gradient and the full one, as a histogram."""
    import matplotlib.pyplot as plt
    batch_grads = np.asarray(batch_grads)
    fig, (ax, ax_cos) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    i, j = coords
    ax.scatter(batch_grads[:, i], batch_grads[:, j], s=12, color=plot.COLORS[5], alpha=0.7,
               label=f"{len(batch_grads)} mini-batches of {batch_size}")
    mean = batch_grads.mean(axis=0)
    ax.plot(mean[i], mean[j], marker="X", color=plot.COLORS[3], markersize=11, linestyle="none",
            markeredgecolor="white", label="their mean")
    ax.plot(full[i], full[j], marker="*", color="black", markersize=14, linestyle="none",
            label="the full gradient (all training images)")
    ax.set(title="Two entries of the gradient, mini-batch by mini-batch",
           xlabel=f"dC/d {names[0] if names else i}", ylabel=f"dC/d {names[1] if names else j}")
    ax.legend(fontsize=8)
    cos = [cosine(g, full) for g in batch_grads]
    ax_cos.hist(cos, bins=20, color=plot.COLORS[0], edgecolor="white")
    ax_cos.set(title="How well each mini-batch gradient points the full gradient's way",
               xlabel="cosine between mini-batch gradient and full gradient", ylabel="number of mini-batches")
    return fig, np.array(cos)


# ---------------------------------------------------------------------------------------------
# The trained digit recognizer
# ---------------------------------------------------------------------------------------------

def confusion_figure(y_true, y_pred, title="Test images: where the mistakes are"):
    """The confusion matrix with the diagonal (the right answers) shown as numbers on grey and the
    errors coloured on their own scale, with a colour bar: so that a cell of 1 and a cell of 8
    differ. Returns (fig, counts)."""
    import matplotlib.pyplot as plt
    import matplotlib.ticker as ticker
    from sklearn.metrics import confusion_matrix
    counts = confusion_matrix(y_true, y_pred, labels=range(10))
    errors = np.ma.masked_where(np.eye(10, dtype=bool), counts)
    fig, ax = plt.subplots(figsize=(6.4, 5.4), layout="constrained")
    ax.imshow(np.where(np.eye(10, dtype=bool), 1.0, np.nan), cmap="Greys", vmin=0, vmax=4)
    im = ax.imshow(errors, cmap="Reds", vmin=0, vmax=max(1, errors.max()))
    bar = fig.colorbar(im, ax=ax, label="number of test images (mistakes only)")
    bar.locator = ticker.MaxNLocator(integer=True)
    bar.update_ticks()
    for t in range(10):
        for p in range(10):
            if counts[t, p]:
                dark = t != p and counts[t, p] > 0.6 * max(1, errors.max())
                ax.text(p, t, str(counts[t, p]), ha="center", va="center", fontsize=8,
                        color="white" if dark else "black", fontweight="bold" if t == p else None)
    ax.set_xticks(range(10)), ax.set_yticks(range(10))
    ax.set(title=title, xlabel="predicted digit", ylabel="true digit")
    ax.grid(False)
    return fig, counts


def digit_picker_widget(net, X, y):
    """A slider over the test images: the image and the network's ten outputs as bars."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    Y = net.forward(X)
    predicted = Y.argmax(axis=1)

    def draw(fig, index):
        ax_img, ax_bars = fig.subplots(1, 2, width_ratios=[1, 1.6])
        ax_img.imshow(X[index].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
        ax_img.set(title=f"test image {index}: a {y[index]}", xticks=[], yticks=[])
        ax_img.grid(False)
        verdict = "right" if predicted[index] == y[index] else "WRONG"
        output_bars(ax_bars, Y[index], true=int(y[index]), title=f"The network's outputs ({verdict})")
        top = np.argsort(Y[index])[::-1][:3]
        return (f"true digit {y[index]}, the network says {predicted[index]} ({verdict}). "
                "Largest outputs: " + ", ".join(f"{k}: {Y[index, k]:.3f}" for k in top))

    return _widgets.Interactive(
        draw, figsize=(7.5, 3.4),
        index=_widgets.slider("test image", 0, len(X) - 1, 0, 1, integer=True))

