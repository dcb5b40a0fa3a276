"""Notebook 03, cost and gradient descent: error surfaces, figures, widgets and exercise checks.

    from dltutor.lessons import gradient_descent as gd
    gd.neuron_surface(), gd.valleys_surface()   # two error surfaces C(w1, w2) with their gradients
    gd.descend(surface, start, lr, steps)       # gradient descent with optim.SGD on an optim.Point
    gd.cost_widget(), gd.gradient_descent_widget(), gd.digit_picker_widget(net, X, y)
    gd.learning_rate_figure(...), gd.local_minima_figure(...), gd.output_bars(ax, y, ...)
    gd.check_total_cost(fn), gd.check_gradient_descent(fn), gd.check_sigmoid_layer_gradient(fn),
    gd.check_learning_rate(eta)
"""
import matplotlib.ticker as ticker
import numpy as np

from .. import cost, data, exercises, nn, optim, plot
from .. import widgets as _widgets


def sigma(z):
    """The sigmoid 1 / (1 + e^-z), written so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


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


def draw_surface(ax, surface, paths=(), labels=None, title=None):
    """The surface's contours with paths on them (start: circle, end: cross)."""
    plot.contour_path(surface.cost, surface.w1_range, surface.w2_range, paths, ax=ax,
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

    def draw(fig, surface, lr, w1, w2, steps):
        s = surface_named(surface)
        path = descend(s, (w1, w2), lr, steps)
        if hasattr(s, "x"):
            ax_surface, ax_cost, ax_fit = fig.subplots(1, 3, width_ratios=[1.25, 1, 1])
        else:
            ax_surface, ax_cost = fig.subplots(1, 2, width_ratios=[1.25, 1])
            ax_fit = None
        draw_surface(ax_surface, s, [path], labels=[f"eta = {lr:g}"], title=f"{len(path) - 1} steps of gradient descent")
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


def learning_rate_figure(surface, start, rates, steps, names=("too small", "good", "too large")):
    """Three panels side by side (one learning rate each, the path on the contours) and, below,
    the cost at each step for all three. Returns (fig, paths)."""
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(13, 7.2), layout="constrained")
    grid = fig.add_gridspec(2, len(rates), height_ratios=[1.15, 1])
    paths = [descend(surface, start, lr, steps) for lr in rates]
    labels = [f"{name}: eta = {lr:g}" for name, lr in zip(names, rates)]
    for i, (path, label) in enumerate(zip(paths, labels)):
        ax = fig.add_subplot(grid[0, i])
        # one path a panel, drawn in the colour and line style it has in the cost plot below
        plot.contour_path(surface.cost, surface.w1_range, surface.w2_range, [], ax=ax,
                          levels=surface.contour_levels(), title=label)
        st = plot.style(i + 1)
        ax.plot(path[:, 0], path[:, 1], color=st["color"], linestyle=st["linestyle"], marker=".")
        ax.plot(*path[0], marker="o", color=st["color"], markeredgecolor="white", markersize=8)
        ax.plot(*path[-1], marker="X", color=st["color"], markeredgecolor="white", markersize=10)
    ax_cost = fig.add_subplot(grid[1, :])
    draw_cost_curves(ax_cost, surface, paths, labels, title=f"Cost after each of {steps} steps")
    return fig, paths


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
# The trained digit recognizer
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Exercise checks
# ---------------------------------------------------------------------------------------------

def _numbers(got):
    """got as a float array, or None when it is not numbers."""
    try:
        return np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _total_cost_case(seed, R=6):
    rng = np.random.default_rng(seed)
    Y = nn.softmax(rng.normal(size=(R, 10)) * 1.5)
    labels = rng.integers(0, 10, size=R)
    return Y, cost.one_hot(labels, 10)


def check_total_cost(total_cost):
    """total_cost(Y, T) for outputs Y (R, 10) and one-hot targets T (R, 10) must be the slides'
    C = sum_r L^r with the cross entropy L^r = -sum_k t_k ln y_k."""
    problems = []
    for what, (Y, T) in [("6 examples", _total_cost_case(0)), ("1 example", _total_cost_case(1, R=1)),
                         ("40 examples", _total_cost_case(2, R=40))]:
        R = len(Y)
        per = -np.sum(T * np.log(Y), axis=1)
        want = per.sum()
        with np.errstate(all="ignore"):
            got, error = exercises.call(f"total_cost(Y, T) with {what}", total_cost, Y.copy(), T.copy())
        if error:
            problems.append(error)
            break
        arr = _numbers(got)
        if arr is not None and arr.size == 1 and np.isclose(float(arr.reshape(-1)[0]), want, rtol=1e-9, atol=0):
            continue
        if arr is not None and arr.size == 1:
            v = float(arr.reshape(-1)[0])
            mistakes = [
                (want / R, f"you returned the mean, C / R = {want / R:.4f}; the slides' total cost is the sum "
                           "over the examples (the package reports the mean, but this exercise asks for the sum)"),
                (-want, "your cost is negative: L = -sum_k t_k ln y_k has a minus sign, because ln y <= 0"),
                (-np.sum(np.log(Y)), "you added -ln y_k over every output; only the target's output counts: "
                                     "multiply by T before summing"),
                (np.sum((Y - T) ** 2), "that is the total squared error; this exercise asks for the cross entropy"),
                (-np.sum(T * np.log10(Y)), "you used log base 10; the cross entropy uses the natural log, np.log"),
            ]
            found = [msg for value, msg in mistakes if np.isclose(v, value, rtol=1e-9, atol=0)]
            if found:
                problems.append(f"for {what}: {found[0]}")
                break
        elif arr is not None and arr.shape == (R,) and R > 1 and np.allclose(arr, per):
            problems.append(f"for {what} you returned {R} numbers, the costs L^r of the examples; "
                            "the total cost is one number, their sum")
            break
        problem = exercises.expect_close(f"total_cost(Y, T) with {what}", got, want, atol=1e-9)
        if problem:
            problems.append(problem)
            break
    return exercises.feedback(problems, hint="return -np.sum(T * np.log(Y))",
                              success="Correct: C(theta) = sum_r L^r, one number for the whole training set.")


def _quadratic_case():
    """A tilted quadratic C(w) = 1/2 w^T A w - b^T w and its gradient A w - b."""
    A = np.array([[3.0, 1.0], [1.0, 1.0]])
    b = np.array([1.0, -1.0])
    return A, b, (lambda w: A @ np.asarray(w, dtype=np.float64) - b)


def _reference_descent(grad, theta0, eta, steps):
    theta = np.array(theta0, dtype=np.float64)
    path = [theta]
    for _ in range(steps):
        theta = theta - eta * grad(theta)
        path.append(theta)
    return np.array(path)


def check_gradient_descent(gradient_descent):
    """gradient_descent(grad, theta0, eta, steps) must return the path theta^0, ..., theta^steps
    as an array (steps + 1, 2), with theta^{t+1} = theta^t - eta grad(theta^t)."""
    A, b, grad = _quadratic_case()
    problems = []
    for theta0, eta, steps in [((2.0, -1.5), 0.1, 5), ((-1.0, 2.0), 0.3, 12), ((0.5, 0.5), 0.05, 1)]:
        what = f"gradient_descent(grad, theta0={theta0}, eta={eta}, steps={steps})"
        want = _reference_descent(grad, theta0, eta, steps)
        start = np.array(theta0)
        got, error = exercises.call(what, gradient_descent, grad, start.copy(), eta, steps)
        if error:
            problems.append(error)
            break
        arr = _numbers(got)
        if arr is not None and arr.shape == want.shape and np.allclose(arr, want, rtol=0, atol=1e-9):
            continue
        if arr is None or got is None:
            problems.append(exercises.expect_close(what, got, want))
            break
        if arr.shape == (steps, 2) and np.allclose(arr, want[1:], atol=1e-9):
            problems.append(f"{what} left out the start: the path begins with theta^0 itself, "
                            f"so it has steps + 1 = {steps + 1} rows")
            break
        if arr.shape == (1, 2) and np.allclose(arr[0], want[0]):
            problems.append(f"{what} returned only theta^0; take the {steps} steps and add each new theta "
                            f"to the path, which then has {steps + 1} rows")
            break
        if arr.shape == (2,) and np.allclose(arr, want[-1], atol=1e-9):
            problems.append(f"{what} returned only the last point; return every point of the path, "
                            f"an array of shape ({steps + 1}, 2)")
            break
        if arr.shape == want.shape and np.allclose(arr, _reference_descent(lambda w: -grad(w), theta0, eta, steps)):
            problems.append(f"{what} went uphill: the cost grows along your path. Move against the "
                            "gradient: theta - eta * grad(theta)")
            break
        if (arr.shape == want.shape and steps > 1 and np.allclose(arr, arr[-1:], atol=1e-12)
                and not np.allclose(arr[0], want[0])):
            problems.append(f"{what} gave {steps + 1} identical rows: you changed theta in place "
                            "(theta -= ...) and appended the same array each time; write "
                            "theta = theta - eta * grad(theta), which makes a new array")
            break
        if arr.shape == want.shape and np.allclose(arr, _reference_descent(grad, theta0, 1.0, steps)):
            problems.append(f"{what} ignored the learning rate: each step is -eta times the gradient")
            break
        if arr.shape == want.shape and np.allclose(arr, arr[0], atol=1e-12):
            problems.append(f"{what} never moved from theta^0; each step subtracts eta * grad(theta)")
            break
        problems.append(exercises.expect_close(what, got, want, atol=1e-9))
        break
    return exercises.feedback(problems, hint="theta = theta - eta * grad(theta) inside a loop; collect "
                                             "theta^0 and every new theta in a list; return np.array(path)",
                              success="Correct: your path is gradient descent, step by step.")


def _sigmoid_layer_case(seed=0, R=5, n_in=4, n_out=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(R, n_in))
    W = rng.normal(size=(n_out, n_in))
    b = rng.normal(size=n_out)
    T = rng.uniform(0, 1, size=(R, n_out))
    return X, W, b, T


def sigmoid_layer_gradient_reference(X, W, b, T):
    """dC/dW with the package: Dense + Sigmoid, squared error (mean over the batch), backward."""
    layer, act, sq = nn.Dense.from_weights(W, b), nn.Sigmoid(), cost.SquaredError()
    A = act.forward(layer.forward(X, train=True))
    layer.backward(act.backward(sq.gradient(A, T)))
    return layer.grads["W"].copy()


def check_sigmoid_layer_gradient(fn):
    """fn(X, W, b, T) must return dC/dW for A = sigma(X W^T + b) and
    C = (1/R) sum_r sum_k (a_k^r - t_k^r)^2 (the package's mean squared error)."""
    problems = []
    for seed, R in [(0, 5), (1, 1), (2, 8)]:
        X, W, b, T = _sigmoid_layer_case(seed, R=R)
        what = f"your dC/dW (batch of {R})"
        want = sigmoid_layer_gradient_reference(X, W, b, T)
        got, error = exercises.call(f"your function (batch of {R})", fn, X.copy(), W.copy(), b.copy(), T.copy())
        if error:
            problems.append(error)
            break
        arr = _numbers(got)
        if arr is not None and arr.shape == want.shape and np.allclose(arr, want, rtol=1e-7, atol=1e-10):
            continue
        if arr is None or got is None:
            problems.append(exercises.expect_close(what, got, want))
            break
        A = sigma(X @ W.T + b)
        dA = 2 * (A - T) / R
        G = (dA * A * (1 - A)).T @ X  # the right answer, from the chain rule
        variants = [  # R > 1 first: with one example, "R times too large" is not a mistake
            (G * R, f"{what} is R = {R} times too large: the cost is the mean over the batch, so divide by R"),
            (G / 2, f"{what} is half the right size: the derivative of (a - t)^2 is 2 (a - t)"),
            (G * R / 2, f"{what} is off by a factor R / 2: the derivative of (a - t)^2 is 2 (a - t), "
                        "and the cost is a mean over R examples"),
            (dA.T @ X, f"{what} leaves out sigma'(z) = a (1 - a): the chain rule goes through the sigmoid"),
            (-G, f"{what} has the wrong sign: dC/da = 2 (a - t) / R, not 2 (t - a) / R"),
        ]
        if arr.shape == want.T.shape and arr.shape != want.shape:
            problems.append(f"{what} has shape {arr.shape}, the shape of W transposed; dC/dW has W's shape "
                            f"{W.shape}: (n_out, n_in) = dZ^T @ X")
            break
        found = [msg for v, msg in variants if arr.shape == v.shape and np.allclose(arr, v, rtol=1e-7, atol=1e-10)]
        if found:
            problems.append(found[0])
            break
        problems.append(exercises.expect_close(what, got, want, atol=1e-8))
        break
    return exercises.feedback(
        problems, hint="A = sigma(X @ W.T + b); dA = 2 * (A - T) / len(X); dZ = dA * A * (1 - A); return dZ.T @ X",
        success="Correct: that is backpropagation through one sigmoid layer.")


LR_EXERCISE = {"start": (-2.0, 2.0), "steps": 30, "tolerance": 0.01}


def check_learning_rate(eta):
    """eta must bring the one-neuron model from (-2, 2) to within 0.01 of the lowest cost in 30
    steps of gradient descent."""
    s = surface_named(list(SURFACES)[0])
    start, steps, tol = LR_EXERCISE["start"], LR_EXERCISE["steps"], LR_EXERCISE["tolerance"]
    best = s(s.minima[0])
    problems = []
    try:
        eta = float(eta)
        ok = np.isfinite(eta) and eta > 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        problems.append(f"eta must be a positive number, got {eta!r}")
        return exercises.feedback(problems, hint="try numbers between 0.01 and 0.6 in the widget above")
    path = descend(s, start, eta, steps)
    costs = path_costs(s, path)
    if len(path) - 1 < steps or costs[-1] > costs[0]:
        problems.append(f"with eta = {eta:g} gradient descent diverges: every step overshoots the valley "
                        f"and lands higher up the other side (cost {costs[0]:.2f} at the start, "
                        f"{costs[-1]:.3g} after {len(path) - 1} steps). Make eta smaller.")
    elif costs[-1] - best > tol:
        zigzag = np.sum(np.diff(np.sign(np.diff(path[:, 1]))) != 0) > steps // 2
        if zigzag:
            problems.append(f"with eta = {eta:g} the cost after {steps} steps is {costs[-1]:.4f}, still "
                            f"{costs[-1] - best:.4f} above the lowest {best:.4f}: the path zigzags across the "
                            "valley. Make eta a little smaller.")
        else:
            problems.append(f"with eta = {eta:g} the cost after {steps} steps is {costs[-1]:.4f}, still "
                            f"{costs[-1] - best:.4f} above the lowest {best:.4f}: the steps are too small. "
                            "Make eta larger.")
    return exercises.feedback(
        problems, hint="in the widget above, choose the one-neuron surface, start (-2, 2), 30 steps, and move eta",
        success=f"Correct: with eta = {eta:g} the cost after {steps} steps is {costs[-1]:.4f}, "
                f"within {tol} of the lowest {best:.4f}.")
