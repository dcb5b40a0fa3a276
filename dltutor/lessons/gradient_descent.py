"""Notebook 03, cost and gradient descent: error surfaces, figures, widgets and exercise checks.

    from dltutor.lessons import gradient_descent as gd
    gd.neuron_surface(), gd.valleys_surface()   # two error surfaces C(w1, w2) with their gradients
    gd.descend(surface, start, lr, steps)       # gradient descent with optim.SGD on an optim.Point
    gd.cost_widget(), gd.gradient_descent_widget()
    gd.learning_rate_figure(...), gd.local_minima_figure(...), gd.output_bars(ax, y, ...)
    gd.output_gradient(kind, z, label), gd.slow_start_figure(...)   # squared error against cross entropy
    gd.check_total_cost(fn), gd.check_gradient_descent(fn), gd.check_learning_rate(eta)
"""
import matplotlib.ticker as ticker
import numpy as np

from .. import cost, data, nn, optim, plot
from .. import widgets as _widgets
from ..exercises import Case, Exercise, Mistake


def order_of_magnitude(x):
    """A relative error as a power of ten that bounds it, robust to the last digits.

    Below 1e-8 (a correct float64 gradient): '< 1e-08'. Up to 1e-3: the power of ten just above,
    e.g. 3.2e-6 -> '< 1e-05'. Larger (a wrong gradient): two decimals, e.g. '0.43'.
    Gradient-check errors vary in their last digits from machine to machine; these strings do not.
    """
    x = float(x)
    if x < 1e-8:
        return "< 1e-08"
    if x < 1e-3:
        return f"< 1e{int(np.floor(np.log10(x))) + 1:03d}"
    return f"{x:.2f}"


# ---------------------------------------------------------------------------------------------
# Error surfaces: C(w1, w2) over a grid, and its gradient at one point
# ---------------------------------------------------------------------------------------------

class Surface:
    """An error surface C(w1, w2) with its gradient.

    cost(w1, w2): the cost at each point of two arrays of the same shape.
    gradient(w): the gradient (dC/dw1, dC/dw2) at one point w = (w1, w2).
    """

    def __init__(self, name, cost, gradient, w1_range=(-3.0, 3.0), w2_range=(-3.0, 3.0),
                 minima=(), levels=30, log_levels=False, description=""):
        self.name = name
        self.cost = cost
        self.gradient = gradient
        self.w1_range, self.w2_range = w1_range, w2_range
        self.minima = [np.asarray(m, dtype=np.float64) for m in minima]
        self.levels = levels
        self.log_levels = log_levels
        self.description = description

    def __call__(self, w):
        w = np.asarray(w, dtype=np.float64)
        return float(self.cost(w[0], w[1]))

    def contour_levels(self):
        if not self.log_levels:
            return self.levels
        lo = min(self(m) for m in self.minima)
        w1, w2 = np.meshgrid(np.linspace(*self.w1_range, 50), np.linspace(*self.w2_range, 50))
        hi = float(np.max(self.cost(w1, w2)))
        return np.geomspace(lo * 0.98, hi * 1.02, self.levels)

    def __repr__(self):
        return f"Surface({self.name!r})"


NEURON_TRUE = (1.5, -1.0)  # the line the data are drawn from: y = 1.5 x - 1, plus noise


def neuron_data():
    """The small data set of the one-neuron model: 20 points (x, y), x in [0, 2], y = 1.5 x - 1 + noise."""
    X, Y = data.function_1d(lambda x: NEURON_TRUE[0] * x + NEURON_TRUE[1], n=20, low=0.0, high=2.0,
                            noise=0.3, seed=0)
    return X[:, 0], Y[:, 0]


def neuron_surface():
    """The cost of a one-neuron model y_hat = w1 x + w2 (weight w1, bias w2) on `neuron_data()`:
    C(w1, w2) = mean over the 20 examples of (w1 x_r + w2 - y_r)^2, the package's squared error.

    It is a quadratic in (w1, w2): a bowl with exactly one minimum, longer in one direction
    than in the other.
    """
    x, y = neuron_data()

    def cost_fn(w1, w2):
        w1, w2 = np.asarray(w1, dtype=np.float64), np.asarray(w2, dtype=np.float64)
        err = w1[..., None] * x + w2[..., None] - y
        return np.mean(err ** 2, axis=-1)

    def gradient(w):
        err = w[0] * x + w[1] - y
        return np.array([np.mean(2 * err * x), np.mean(2 * err)])

    A = np.column_stack([x, np.ones_like(x)])
    best = np.linalg.lstsq(A, y, rcond=None)[0]
    surface = Surface("one neuron, squared error (one valley)", cost_fn, gradient, minima=[best],
                      log_levels=True, levels=20,
                      description="C(w1, w2) = mean_r (w1 x_r + w2 - y_r)^2 on 20 points")
    surface.x, surface.y = x, y
    return surface


# Three Gaussian valleys of different depths on a gentle bowl: (centre w1, centre w2, depth, width).
VALLEYS = [(1.6, 1.4, 1.0, 0.8), (-1.6, -1.2, 1.5, 0.9), (1.4, -1.8, 0.8, 0.6)]
VALLEYS_OFFSET = 1.3  # added so that the made-up cost stays positive, like a real one


def valleys_surface():
    """A made-up surface with three valleys (three local minima, one of them global):
    C(w1, w2) = 1.3 + 0.08 (w1^2 + w2^2) - sum_i d_i exp(-|w - c_i|^2 / (2 s_i^2)).
    """
    def cost_fn(w1, w2):
        w1, w2 = np.asarray(w1, dtype=np.float64), np.asarray(w2, dtype=np.float64)
        v = VALLEYS_OFFSET + 0.08 * (w1 ** 2 + w2 ** 2)
        for a, b, d, s in VALLEYS:
            v = v - d * np.exp(-((w1 - a) ** 2 + (w2 - b) ** 2) / (2 * s * s))
        return v

    def gradient(w):
        w = np.asarray(w, dtype=np.float64)
        g = 0.16 * w
        for a, b, d, s in VALLEYS:
            diff = w - np.array([a, b])
            g = g + d * np.exp(-np.sum(diff ** 2) / (2 * s * s)) * diff / (s * s)
        return g

    surface = Surface("made-up surface with three valleys", cost_fn, gradient, levels=25,
                      description="1.3 + 0.08 |w|^2 minus three Gaussian valleys")
    surface.minima = [_settle(surface, np.array(v[:2])) for v in VALLEYS]
    return surface


def _settle(surface, w, lr=0.2, steps=2000):
    """Plain gradient descent run long enough to sit at the bottom of the valley it starts in."""
    w = np.array(w, dtype=np.float64)
    for _ in range(steps):
        w = w - lr * surface.gradient(w)
    return w


SURFACES = {"one neuron, squared error (one valley)": neuron_surface,
            "made-up surface with three valleys": valleys_surface}

_CACHE = {}


def surface_named(name):
    """One Surface per name, built once."""
    if name not in _CACHE:
        _CACHE[name] = SURFACES[name]()
    return _CACHE[name]


# ---------------------------------------------------------------------------------------------
# Gradient descent with the package's optimizer
# ---------------------------------------------------------------------------------------------

def descend(surface, start, lr, steps, limit=1e3):
    """theta^{t+1} = theta^t - eta grad C(theta^t), `steps` times, with optim.SGD on an optim.Point.

    Returns the path, an array (steps + 1, 2) starting at `start`; shorter when the parameters
    run away (|w| > limit: the learning rate is too large and the steps grow without end).
    """
    point = optim.Point(w=np.array(start, dtype=np.float64))
    sgd = optim.SGD(point, lr=lr)
    path = [point.params["w"].copy()]
    for _ in range(steps):
        point.grads["w"][...] = surface.gradient(point.params["w"])
        sgd.step()
        path.append(point.params["w"].copy())
        if not np.all(np.abs(point.params["w"]) < limit):
            break
    return np.array(path)


def path_costs(surface, path):
    """C(theta^t) for every point of a path."""
    path = np.asarray(path)
    return surface.cost(path[:, 0], path[:, 1])


def draw_cost_curves(ax, surface, paths, labels, title="Cost at each step"):
    """C(theta^t) against t for several paths, on a log scale, with the lowest cost dotted."""
    for i, (path, label) in enumerate(zip(paths, labels)):
        c = path_costs(surface, path)
        st = plot.style(i + 1)
        ax.plot(np.arange(len(c)), c, label=label, color=st["color"], linestyle=st["linestyle"],
                marker=st["marker"], markevery=max(1, len(c) // 8), markersize=5)
    best = min(surface(m) for m in surface.minima)
    ax.axhline(best, color="black", linestyle=":", linewidth=1, label=f"lowest cost {best:.3f}")
    ax.set_yscale("log")
    # ticks at 1, 2, 5 times powers of ten, written as plain numbers; no minor ticks (fast to draw)
    ax.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=12))
    ax.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    ax.yaxis.set_minor_locator(ticker.NullLocator())
    ax.set(title=title, xlabel="step t", ylabel="cost C($\\theta^t$) (log scale)")
    ax.legend(fontsize=8)
    return ax


def remembered_cost(surface, memo):
    """surface.cost, remembering in `memo` (a dict a widget keeps) the last grid it costed for each
    surface: every redraw of a widget contours the same 200 x 200 grid."""
    def cost_on(w1, w2):
        last = memo.get(surface.name)
        if last is None or not (np.array_equal(last[0], w1) and np.array_equal(last[1], w2)):
            memo[surface.name] = last = (w1, w2, surface.cost(w1, w2))
        return last[2]
    return cost_on


def draw_surface(ax, surface, paths=(), labels=None, title=None, memo=None):
    """The surface's contours with paths on them (start: circle, end: cross). memo: a dict kept
    between a widget's redraws, so that the cost of the grid is computed once per surface."""
    cost = surface.cost if memo is None else remembered_cost(surface, memo)
    plot.contour_path(cost, surface.w1_range, surface.w2_range, paths, ax=ax,
                      levels=surface.contour_levels(), labels=labels,
                      title=title or f"Error surface: {surface.name}")
    return ax


def draw_neuron_fit(ax, surface, w, title=None):
    """The one-neuron model's data and the line y_hat = w1 x + w2 for the current parameters."""
    x, y = surface.x, surface.y
    ax.plot(x, y, linestyle="none", marker=plot.MARKERS[0], color=plot.COLORS[0], label="training data")
    xs = np.linspace(-0.1, 2.1, 50)
    st = plot.style(3)
    ax.plot(xs, w[0] * xs + w[1], color=st["color"], linestyle="--",
            label=f"$\\hat y$ = {w[0]:.2f} x + {w[1]:.2f}")
    ax.set(title=title or "The model with the current parameters", xlabel="input x", ylabel="output y",
           ylim=(-3, 4))
    ax.legend(fontsize=8, loc="upper left")
    return ax


def gradient_descent_widget():
    """Sliders for the learning rate, the start (w1, w2) and the number of steps; a dropdown for
    the surface. Draws the path on the contours and the cost at each step."""
    import ipywidgets as W
    memo = {}  # each surface's cost on the contour grid

    def draw(fig, surface, lr, w1, w2, steps):
        s = surface_named(surface)
        path = descend(s, (w1, w2), lr, steps)
        if hasattr(s, "x"):
            ax_surface, ax_cost, ax_fit = fig.subplots(1, 3, width_ratios=[1.25, 1, 1])
        else:
            ax_surface, ax_cost = fig.subplots(1, 2, width_ratios=[1.25, 1])
            ax_fit = None
        draw_surface(ax_surface, s, [path], labels=[f"eta = {lr:g}"],
                     title=f"{len(path) - 1} steps of gradient descent", memo=memo)
        draw_cost_curves(ax_cost, s, [path], [f"eta = {lr:g}"])
        end = path[-1]
        if ax_fit is not None:
            draw_neuron_fit(ax_fit, s, end, title=f"The neuron after step {len(path) - 1}")
        if len(path) - 1 < steps:
            return (f"Diverged after {len(path) - 1} steps: each step overshoots more than the last. "
                    f"The learning rate eta = {lr:g} is too large for this surface; make it smaller.")
        costs = path_costs(s, path)
        nearest = min(s.minima, key=lambda m: np.linalg.norm(m - end))
        best = min(s(m) for m in s.minima)
        kind = "the global minimum" if np.isclose(s(nearest), best) else "a local minimum (not the lowest)"
        return (f"start theta^0 = ({w1:.2f}, {w2:.2f}), C = {costs[0]:.4f}\n"
                f"after {steps} steps theta = ({end[0]:.2f}, {end[1]:.2f}), C = {costs[-1]:.4f}\n"
                f"nearest minimum: ({nearest[0]:.2f}, {nearest[1]:.2f}), {kind}, C = {s(nearest):.4f}")

    surfaces = list(SURFACES)
    return _widgets.Interactive(
        draw, figsize=(12.5, 3.9),
        surface=W.Dropdown(options=surfaces, value=surfaces[0], description="error surface",
                           style={"description_width": "initial"}, layout=W.Layout(width="420px")),
        lr=_widgets.slider("learning rate eta", 0.01, 0.6, 0.1, 0.01),
        w1=_widgets.slider("start w1", -3.0, 3.0, -2.0, 0.1),
        w2=_widgets.slider("start w2", -3.0, 3.0, 2.0, 0.1),
        steps=_widgets.slider("number of steps", 1, 100, 20, 1, integer=True))


def _frame(surface, path, margin=0.05):
    """Axis limits (w1, w2) that hold the surface's usual frame and every point of the path."""
    path = np.asarray(path)
    limits = []
    for (lo, hi), column in zip((surface.w1_range, surface.w2_range), path.T):
        pad = margin * (max(hi, column.max()) - min(lo, column.min()))
        limits.append((min(lo, column.min() - pad), max(hi, column.max() + pad)))
    return limits


def _levels_for(surface, w1_range, w2_range):
    """Contour levels that cover the cost everywhere in this frame (log-spaced for a log surface)."""
    if (tuple(w1_range), tuple(w2_range)) == (surface.w1_range, surface.w2_range) or not surface.log_levels:
        return surface.contour_levels()
    lo = min(surface(m) for m in surface.minima)
    w1, w2 = np.meshgrid(np.linspace(*w1_range, 50), np.linspace(*w2_range, 50))
    hi = float(np.max(surface.cost(w1, w2)))
    return np.geomspace(lo * 0.98, hi * 1.02, surface.levels)


def learning_rate_figure(surface, start, rates, steps, names=("too small", "good", "too large")):
    """Three panels side by side (one learning rate each, the path on the contours) and, below,
    the cost at each step for all three. A panel's frame grows to hold every point of its path.
    Returns (fig, paths)."""
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(13, 7.2), layout="constrained")
    grid = fig.add_gridspec(2, len(rates), height_ratios=[1.15, 1])
    paths = [descend(surface, start, lr, steps) for lr in rates]
    labels = [f"{name}: eta = {lr:g}" for name, lr in zip(names, rates)]
    fig.path_axes = []  # the panel of each path, in order (to check that every point is in its frame)
    for i, (path, label) in enumerate(zip(paths, labels)):
        ax = fig.add_subplot(grid[0, i])
        fig.path_axes.append(ax)
        w1_range, w2_range = _frame(surface, path)
        # one path a panel, drawn in the colour and line style it has in the cost plot below
        plot.contour_path(surface.cost, w1_range, w2_range, [], ax=ax,
                          levels=_levels_for(surface, w1_range, w2_range), title=label)
        st = plot.style(i + 1)
        ax.plot(path[:, 0], path[:, 1], color=st["color"], linestyle=st["linestyle"], marker=".")
        ax.plot(*path[0], marker="o", color=st["color"], markeredgecolor="white", markersize=8)
        ax.plot(*path[-1], marker="X", color=st["color"], markeredgecolor="white", markersize=10)
    ax_cost = fig.add_subplot(grid[1, :])
    draw_cost_curves(ax_cost, surface, paths, labels, title=f"Cost after each of {steps} steps")
    return fig, paths


def points_inside(ax, path):
    """How many points of the path lie inside the axes' frame (for checking a figure)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    path = np.asarray(path)
    return int(np.sum((path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1)))


def local_minima_figure(surface, starts, lr, steps):
    """Paths from several starts on a surface with several minima. Returns (fig, ends)."""
    import matplotlib.pyplot as plt
    fig, (ax, ax_cost) = plt.subplots(1, 2, figsize=(12, 4.6), width_ratios=[1.2, 1], layout="constrained")
    paths = [descend(surface, s, lr, steps) for s in starts]
    labels = [f"start ({s[0]:g}, {s[1]:g})" for s in starts]
    draw_surface(ax, surface, paths, labels=labels, title=f"{len(starts)} starts, eta = {lr:g}, {steps} steps")
    ax.legend(loc="upper left", fontsize=7)
    draw_cost_curves(ax_cost, surface, paths, labels, title="Cost at each step, from each start")
    return fig, [p[-1] for p in paths]


# ---------------------------------------------------------------------------------------------
# The cost of one example
# ---------------------------------------------------------------------------------------------

def outputs_for(p, correct=1, spread="evenly"):
    """Ten outputs with p for the correct digit and the rest (1 - p) on the other nine digits,
    either spread evenly or all on one wrong digit."""
    y = np.zeros(10)
    if spread == "evenly":
        y[:] = (1 - p) / 9
    else:
        y[(correct + 6) % 10] = 1 - p
    y[correct] = p
    return y


def output_bars(ax, y, true=None, title=None, ylim=(0, 1.3)):
    """The ten outputs of a digit network as bars. The true digit's bar is hatched, the largest
    output (the network's answer) is marked with a star and named in the x label."""
    y = np.asarray(y, dtype=np.float64)
    bars = ax.bar(range(10), y, color=plot.COLORS[5], edgecolor="black", linewidth=0.7)
    if true is not None:
        bars[true].set_color(plot.COLORS[1])
        bars[true].set_edgecolor("black")
        bars[true].set_hatch("//")
        if hasattr(bars[true], "set_hatchcolor"):  # matplotlib >= 3.10; older versions use the edge colour
            bars[true].set_hatchcolor("black")
    best = int(np.argmax(y))
    star, = ax.plot(best, min(y[best] + 0.05, ylim[1] - 0.02), marker="*", color="black", markersize=11,
                    linestyle="none", label="the largest output")
    ax.set_xticks(range(10))
    ax.set(ylim=ylim, xlabel=f"digit k   (answer: {best})", ylabel="output $y_k$")
    if ylim[1] > 1:
        ax.set_yticks(np.linspace(0, 1, 6))  # the space above 1 is for the legend
    if title:
        ax.set_title(title)
    ax.grid(axis="x", visible=False)
    if true is not None:
        ax.legend([bars[true], star], ["the true digit", "the largest output"], fontsize=8, loc="upper center",
                  ncols=2)
    else:
        ax.legend([bars, star], ["output $y_k$", "the largest output"], fontsize=8, loc="upper center", ncols=2)
    return ax


def cost_widget():
    """How the squared error and the cross entropy of one example change as the output for the
    correct digit moves from 0 to 1 (target: digit 1)."""
    import ipywidgets as W
    sq, ce = cost.SquaredError(), cost.CrossEntropy()
    spreads = {"spread evenly over the other nine digits": "evenly", "all on one wrong digit (7)": "one"}

    def draw(fig, p, rest):
        spread = spreads[rest]
        ax_curve, ax_bars = fig.subplots(1, 2, width_ratios=[1.3, 1])
        ps = np.linspace(0.01, 1.0, 100)
        Y = np.array([outputs_for(q, 1, spread) for q in ps])
        labels = np.ones(len(ps), dtype=int)
        for i, (name, fn) in enumerate([("cross entropy  $-\\ln y_1$", ce), ("squared error  $\\sum_k (y_k - t_k)^2$", sq)]):
            st = plot.style(i)
            ax_curve.plot(ps, fn.per_example(Y, labels), label=name, color=st["color"],
                          linestyle=st["linestyle"], marker=st["marker"], markevery=0.1)
        y = outputs_for(p, 1, spread)
        L_ce, L_sq = ce.per_example(y[None], [1])[0], sq.per_example(y[None], [1])[0]
        ax_curve.plot([p, p], [L_ce, L_sq], linestyle="none", marker="o", color="black", markersize=7,
                      label="the example on the right")
        ax_curve.axvline(p, color="grey", linewidth=0.8, linestyle=":")
        ax_curve.set(title="Cost of one image of a 1 (target t = digit 1)", ylim=(0, 4.8),
                     xlabel="output for the correct digit, $y_1$", ylabel="cost L")
        ax_curve.legend(fontsize=8)
        output_bars(ax_bars, y, true=1, title="The network's ten outputs")
        return (f"y_1 = {p:.2f}: cross entropy L = {L_ce:.4f}, squared error L = {L_sq:.4f}\n"
                "Both costs are 0 only when y_1 = 1. Near y_1 = 0 the cross entropy grows without limit "
                "(-ln 0 = infinity),\nwhile the squared error never exceeds 2.")

    return _widgets.Interactive(
        draw, figsize=(10, 3.8),
        p=_widgets.slider("output for the correct digit y_1", 0.01, 1.0, 0.3, 0.01),
        rest=W.Dropdown(options=list(spreads), value=list(spreads)[0], description="the rest of the output",
                        style={"description_width": "initial"}, layout=W.Layout(width="420px")))


# ---------------------------------------------------------------------------------------------
# Why the classifier uses cross entropy: dC/dz at a confidently wrong output
# ---------------------------------------------------------------------------------------------

def confidently_wrong_logits(s, n=10, wrong=7):
    """Logits z with z_wrong = s and every other z_k = 0: the larger s, the surer the wrong answer."""
    z = np.zeros(n)
    z[wrong] = s
    return z


def output_gradient(kind, z, label):
    """dC/dz of one example's cost through the softmax, for logits z (n,) and the true class.

    kind "cross entropy": C = -ln y_label, dC/dz = y - t.
    kind "squared error": C = sum_k (y_k - t_k)^2, dC/dy = 2 (y - t) and, through the softmax,
    dC/dz_i = y_i (dC/dy_i - sum_j y_j dC/dy_j).
    """
    y = nn.softmax(np.asarray(z, dtype=np.float64)[None])[0]
    t = np.zeros_like(y)
    t[label] = 1.0
    if kind == "cross entropy":
        return y - t
    if kind == "squared error":
        g = 2.0 * (y - t)
        return y * (g - np.dot(g, y))
    raise ValueError(f"kind must be 'cross entropy' or 'squared error', got {kind!r}")


def output_cost(kind, z, label):
    """One example's cost from logits z: the function output_gradient differentiates."""
    y = nn.softmax(np.asarray(z, dtype=np.float64)[None])
    return (cost.CrossEntropy() if kind == "cross entropy" else cost.SquaredError())(y, [label])


def descend_logits(kind, z0, label, eta, steps):
    """Gradient descent on the logits themselves, z <- z - eta dC/dz: the outputs (steps + 1, n)."""
    z = np.array(z0, dtype=np.float64)
    ys = [nn.softmax(z[None])[0]]
    for _ in range(steps):
        z = z - eta * output_gradient(kind, z, label)
        ys.append(nn.softmax(z[None])[0])
    return np.array(ys)


COSTS = ("cross entropy", "squared error")


def slow_start_figure(confidences, z0, label, eta, steps):
    """Left: |dC/dz| against how sure the wrong answer is, for both costs (log scale). Right: the
    output for the true class during gradient descent on z from z0, for both costs. Returns
    (fig, {cost: outputs (steps + 1, n)})."""
    import matplotlib.pyplot as plt
    fig, (ax_grad, ax_run) = plt.subplots(1, 2, figsize=(11.5, 4), layout="constrained")
    y_wrong = [nn.softmax(confidently_wrong_logits(s)[None])[0, 7] for s in confidences]
    runs = {}
    for i, kind in enumerate(COSTS):
        st = plot.style(i)
        norms = [np.linalg.norm(output_gradient(kind, confidently_wrong_logits(s), label)) for s in confidences]
        ax_grad.plot(y_wrong, norms, label=kind, color=st["color"], linestyle=st["linestyle"],
                     marker=st["marker"], markevery=0.1)
        runs[kind] = descend_logits(kind, z0, label, eta, steps)
        ax_run.plot(np.arange(steps + 1), runs[kind][:, label], label=kind, color=st["color"],
                    linestyle=st["linestyle"], marker=st["marker"], markevery=0.1)
    ax_grad.set_yscale("log")
    ax_grad.set(title="Size of dC/dz when the network is wrong", xlabel="output for the wrong digit, $y_7$",
                ylabel="$|\\partial C / \\partial z|$ (log scale)")
    ax_grad.legend()
    ax_run.set(title=f"Gradient descent on z from $y_7$ = {runs[COSTS[0]][0, 7]:.3f} (eta = {eta:g})",
               xlabel="step", ylabel=f"output for the true digit, $y_{label}$", ylim=(-0.02, 1.02))
    ax_run.legend()
    return fig, runs


# ---------------------------------------------------------------------------------------------
# Exercise checks
# ---------------------------------------------------------------------------------------------

def _total_cost_case(seed, R=6):
    rng = np.random.default_rng(seed)
    Y = nn.softmax(rng.normal(size=(R, 10)) * 1.5)
    labels = rng.integers(0, 10, size=R)
    return Y, cost.one_hot(labels, 10)


def total_cost_reference(Y, T):
    """C = sum_r L^r with L^r = -sum_k t_k ln y_k."""
    return float(-np.sum(np.asarray(T) * np.log(np.asarray(Y))))


check_total_cost = Exercise(
    "total_cost(Y, T)",
    reference=total_cost_reference,
    cases=[Case("6 examples", *_total_cost_case(0)), Case("1 example", *_total_cost_case(1, R=1)),
           Case("40 examples", *_total_cost_case(2, R=40))],
    mistakes=[
        Mistake("the mean C / R, not the sum", like=lambda Y, T: total_cost_reference(Y, T) / len(Y),
                nudge="the slides' total cost adds the examples' costs up; it does not divide by R"),
        Mistake("the minus sign is missing (your cost is negative)", like=lambda Y, T: -total_cost_reference(Y, T),
                nudge="ln y <= 0 for a probability, and a cost should be >= 0"),
        Mistake("-ln y summed over every output, not only the target's",
                like=lambda Y, T: float(-np.sum(np.log(Y))),
                nudge="only the correct digit's output counts: the one-hot T says which it is"),
        Mistake("the costs of the examples, one a row, not their total",
                like=lambda Y, T: -np.sum(T * np.log(Y), axis=1),
                nudge="the total cost is one number for the whole training set"),
        Mistake("the total squared error", like=lambda Y, T: float(np.sum((Y - T) ** 2)),
                nudge="this exercise asks for the cross entropy of each example"),
        Mistake("log base 10", like=lambda Y, T: float(-np.sum(T * np.log10(Y))),
                nudge="the cross entropy uses the natural logarithm"),
        Mistake("the mean over all R x 10 entries of the table (np.mean), not the sum",
                like=lambda Y, T: total_cost_reference(Y, T) / np.size(Y),
                nudge="the slides' total cost adds the examples' costs up; it does not divide"),
        Mistake("one number per digit (a sum down the columns, axis=0), not one total",
                like=lambda Y, T: -np.sum(T * np.log(Y), axis=0),
                nudge="the total cost is one number for the whole training set"),
        Mistake("the binary cross entropy: the (1 - t) ln(1 - y) terms are not in the slides' cost",
                like=lambda Y, T: float(-np.sum(T * np.log(Y) + (1 - T) * np.log(1 - Y))),
                nudge="only the correct digit's output counts: the one-hot T says which it is"),
        Mistake("Y and T swapped: ln of a one-hot target is ln 0 = -inf",
                like=lambda Y, T: float(-np.sum(Y * np.log(T))),
                nudge="the logarithm is of the network's outputs; the targets pick which ones count"),
        Mistake("-ln(1 - y): 1 - y is the probability of every other digit",
                like=lambda Y, T: float(-np.sum(T * np.log(1 - Y))),
                nudge="the cost is small when the correct digit's output is near 1"),
    ],
    nudge="each example's cost is -ln of the output for its correct digit; add them over all examples",
    formula="C = sum_r L^r, L^r = -sum_k t^r_k ln y^r_k",
    solution="def total_cost(Y, T):\n    return -np.sum(T * np.log(Y))",
    rtol=1e-4,  # ln(y + eps) with an eps up to 1e-6 is fine
    success="Correct: C(theta) = sum_r L^r, one number for the whole training set.")


def _quadratic_grad():
    """The gradient A w - b of a tilted quadratic C(w) = 1/2 w^T A w - b^T w."""
    A = np.array([[3.0, 1.0], [1.0, 1.0]])
    b = np.array([1.0, -1.0])
    return lambda w: A @ np.asarray(w, dtype=np.float64) - b


QUADRATIC_GRAD = _quadratic_grad()


def gradient_descent_reference(grad, theta0, eta, steps):
    """The path theta^0, ..., theta^steps of theta^{t+1} = theta^t - eta grad(theta^t): (steps + 1, 2)."""
    theta = np.array(theta0, dtype=np.float64)
    path = [theta]
    for _ in range(steps):
        theta = theta - eta * grad(theta)
        path.append(theta)
    return np.array(path)


def _in_place(grad, theta0, eta, steps):
    """The mistake of theta -= ...: every row of the path is the same (last) array."""
    theta = np.array(theta0, dtype=np.float64)
    path = [theta]
    for _ in range(steps):
        theta -= eta * grad(theta)
        path.append(theta)
    return np.array(path)


def _gradient_at_the_start(grad, theta0, eta, steps):
    """The mistake of computing grad(theta0) once, before the loop."""
    g = grad(theta0)
    return np.array([np.asarray(theta0, dtype=np.float64) - t * eta * g for t in range(steps + 1)])


check_gradient_descent = Exercise(
    "gradient_descent(grad, theta0, eta, steps)",
    reference=gradient_descent_reference,
    cases=[Case("theta0 = (2, -1.5), eta = 0.1, 5 steps", QUADRATIC_GRAD, np.array([2.0, -1.5]), 0.1, 5),
           Case("theta0 = (-1, 2), eta = 0.3, 12 steps", QUADRATIC_GRAD, np.array([-1.0, 2.0]), 0.3, 12),
           Case("theta0 = (0.5, 0.5), eta = 0.05, 1 step", QUADRATIC_GRAD, np.array([0.5, 0.5]), 0.05, 1)],
    mistakes=[
        Mistake("the path leaves out the start theta^0",
                like=lambda g, th, eta, n: gradient_descent_reference(g, th, eta, n)[1:],
                nudge="the path begins with theta^0 itself, so it has steps + 1 rows"),
        Mistake("only theta^0, no steps taken", like=lambda g, th, eta, n: np.array([th]),
                nudge="take the steps in a loop and keep every new theta"),
        Mistake("only the last point, not the path", like=lambda g, th, eta, n: gradient_descent_reference(g, th, eta, n)[-1],
                nudge="return every point of the path, one a row"),
        Mistake("a walk uphill (+ eta * gradient)",
                like=lambda g, th, eta, n: gradient_descent_reference(lambda w: -g(w), th, eta, n),
                nudge="the gradient points uphill; gradient descent moves the other way"),
        Mistake("theta changed in place (theta -= ...), so every row is the same array", like=_in_place,
                nudge="appending an array that you then change in place changes the row already in the list"),
        Mistake("the learning rate left out", like=lambda g, th, eta, n: gradient_descent_reference(g, th, 1.0, n),
                nudge="each step is the negative gradient times eta"),
        Mistake("one step too few: the path has steps + 1 points, theta^0 and one after each step",
                like=lambda g, th, eta, n: gradient_descent_reference(g, th, eta, n - 1),
                nudge="count the points you keep: the start, then one a step"),
        Mistake("one step too many: the path has steps + 1 points, theta^0 and one after each step",
                like=lambda g, th, eta, n: gradient_descent_reference(g, th, eta, n + 1),
                nudge="count the points you keep: the start, then one a step"),
        Mistake("the gradient at theta^0 used for every step: it must be computed again at each new theta",
                like=_gradient_at_the_start, nudge="call grad at the point you are standing on"),
        Mistake("the path transposed: one row a point, (steps + 1, 2), not one row a coordinate",
                like=lambda g, th, eta, n: gradient_descent_reference(g, th, eta, n).T,
                nudge="keep each theta as one row"),
    ],
    nudge="start at theta0, and in a loop move against the gradient, keeping each point",
    formula="theta^{t+1} = theta^t - eta * grad(theta^t), path = [theta^0, theta^1, ..., theta^steps]",
    solution=("def gradient_descent(grad, theta0, eta, steps):\n"
              "    theta = np.array(theta0, dtype=float)\n"
              "    path = [theta]\n"
              "    for _ in range(steps):\n"
              "        theta = theta - eta * grad(theta)   # a new array each step\n"
              "        path.append(theta)\n"
              "    return np.array(path)"),
    success="Correct: your path is gradient descent, step by step.")


LR_EXERCISE = {"start": (-2.0, 2.0), "steps": 30, "tolerance": 0.01}


def learning_rate_outcome(eta):
    """What 30 steps from (-2, 2) on the one-neuron cost do with this eta:
    {'costs': C(theta^t), 'gap': final cost above the lowest, 'diverged', 'zigzag'}."""
    s = surface_named(list(SURFACES)[0])
    path = descend(s, LR_EXERCISE["start"], eta, LR_EXERCISE["steps"])
    costs = path_costs(s, path)
    best = s(s.minima[0])
    diverged = len(path) - 1 < LR_EXERCISE["steps"] or costs[-1] > costs[0]
    turns = np.sum(np.diff(np.sign(np.diff(path[:, 1]))) != 0)
    return {"costs": costs, "best": best, "gap": costs[-1] - best, "diverged": bool(diverged),
            "zigzag": bool(turns > LR_EXERCISE["steps"] // 2)}


class _LearningRateExercise(Exercise):
    """The answer is a number eta; it is right when gradient descent with it gets there."""

    def compare(self, got, want):
        if isinstance(got, str):  # float("0.35") would work, but a rate is a number, not text
            return f"should be a number, got the text {got!r}: write it without quotes"
        try:
            eta = float(got)
        except (TypeError, ValueError):
            return f"should be a number, got {got!r}"
        if not (np.isfinite(eta) and eta > 0):
            return f"should be a positive number, got {eta!r}"
        out = learning_rate_outcome(eta)
        steps = LR_EXERCISE["steps"]
        if out["gap"] <= LR_EXERCISE["tolerance"] and not out["diverged"]:
            return None
        if out["diverged"]:
            return (f"= {eta:g} makes gradient descent diverge: cost {out['costs'][0]:.4f} at the start, "
                    f"{out['costs'][-1]:.4g} after {len(out['costs']) - 1} step{'s' * (len(out['costs']) != 2)}")
        return (f"= {eta:g} leaves the cost at {out['costs'][-1]:.4f} after {steps} steps, "
                f"{out['gap']:.4f} above the lowest {out['best']:.4f} (the goal: within {LR_EXERCISE['tolerance']})")


def _lr_outcome(got):
    """What the rate does; raises (so that no Mistake matches) for text, 0, a negative number or NaN."""
    eta = float("nan") if isinstance(got, str) else float(got)
    if not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"not a learning rate: {got!r}")
    return learning_rate_outcome(eta)


check_learning_rate = _LearningRateExercise(
    "eta",
    reference=lambda: None,
    cases=[Case("")],  # one setting: 30 steps from (-2, 2) on the one-neuron cost
    mistakes=[
        Mistake("too large: each step overshoots the valley and lands higher on the other side",
                when=lambda got, case: _lr_outcome(got)["diverged"],
                nudge="make eta smaller, and watch the cost curve in the widget"),
        Mistake("a little too large: the path zigzags across the valley and the zigzag dies out too slowly",
                when=lambda got, case: _lr_outcome(got)["zigzag"],
                nudge="make eta a little smaller"),
        Mistake("too small: the steps are too short to get there in 30 steps",
                when=lambda got, case: not _lr_outcome(got)["diverged"] and not _lr_outcome(got)["zigzag"],
                nudge="make eta larger"),
    ],
    is_function=False,
    nudge="in the widget above, choose the one-neuron surface, start (-2, 2), 30 steps, and move eta",
    formula=("on a quadratic bowl gradient descent converges when eta < 2 / (the largest curvature), and "
             "fastest when eta is somewhat below that limit"),
    solution="Any eta from about 0.26 to 0.42, e.g. eta_choice = 0.35",
    success="Correct: with this eta, 30 steps end within 0.01 of the lowest cost.")
