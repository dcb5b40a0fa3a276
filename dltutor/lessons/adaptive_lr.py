"""Notebook 07, adaptive learning rates: error surfaces, rate experiments, widgets and exercise checks.

The optimizers themselves are the package's (`dltutor.optim`); this module only drives them:
on a two-parameter error surface (`descend`), on a single parameter fed a chosen gradient
sequence (`learning_rates`), and on the MNIST subset (`train_once`).

The learning rates of the MNIST comparison are chosen on a validation split by a sweep that runs
from the command line and writes its results, with its settings, to
dltutor/datafiles/results/adaptive_lr_full.json (under two minutes on one thread):

    OPENBLAS_NUM_THREADS=1 python -m dltutor.lessons.adaptive_lr --full
"""
import os
import pathlib
import platform
import sys
import time

import numpy as np
from matplotlib.ticker import FuncFormatter, NullLocator

from . import saved
from .. import data, exercises, nn, optim, plot, train, widgets

# ---------------------------------------------------------------------------------------------
# An elongated error surface: C(w1, w2) = A w1^2 + B w2^2 with B >> A. Along w1 the surface is
# almost flat (small derivatives), along w2 it is steep (large derivatives), like the slides'
# table where w1 has g = 0.1, 0.2 and w2 has g = 20, 10.
A, B = 0.05, 2.5
START = (-9.0, 2.0)
W1_RANGE, W2_RANGE = (-10.0, 2.0), (-3.0, 3.0)
OPTIMIZERS = {"SGD": optim.SGD, "Adagrad": optim.Adagrad, "RMSprop": optim.RMSprop, "Adam": optim.Adam}


def surface(w1, w2):
    """The cost C(w1, w2) = A w1^2 + B w2^2 (works on arrays of points)."""
    return A * np.asarray(w1) ** 2 + B * np.asarray(w2) ** 2


def surface_gradient(w):
    """(dC/dw1, dC/dw2) at the point w = (w1, w2)."""
    w = np.asarray(w, dtype=np.float64)
    return np.array([2 * A * w[0], 2 * B * w[1]])


# The same surface turned by 45 degrees: C_rot(w) = C(R w), R the rotation by 45 degrees. Its
# valley runs along the diagonal, so each parameter's derivative mixes the flat and the steep
# direction. The start is turned too (R^T START), so that the two problems are the same problem
# seen in other coordinates: the same cost at the start, the same minimum.
ANGLE = np.pi / 4
ROTATION = np.array([[np.cos(ANGLE), -np.sin(ANGLE)], [np.sin(ANGLE), np.cos(ANGLE)]])
ROTATED_START = tuple(ROTATION.T @ np.array(START))
ROTATED_RANGE = (-10.0, 9.0)  # for both axes; the turned start, about (-4.95, 7.78), inside
SGD_RATES = np.round(np.arange(0.01, 0.4501, 0.01), 2)
ADAGRAD_RATES = np.round(np.arange(0.1, 20.001, 0.1), 1)


def rotated_surface(w1, w2):
    """C(R w): the elongated surface turned by 45 degrees (works on arrays of points)."""
    w1, w2 = np.asarray(w1), np.asarray(w2)
    u1 = ROTATION[0, 0] * w1 + ROTATION[0, 1] * w2
    u2 = ROTATION[1, 0] * w1 + ROTATION[1, 1] * w2
    return surface(u1, u2)


def rotated_gradient(w):
    """The gradient of C(R w): R^T times the gradient of C at R w."""
    return ROTATION.T @ surface_gradient(ROTATION @ np.asarray(w, dtype=np.float64))


def final_cost(optimizer, lr, rotated=False, steps=40, start=START):
    """The cost after `steps` steps from `start` (inf if the path ran away); rotated=True: on the
    turned surface, from the turned start R^T start."""
    if rotated:
        path = descend(optimizer, lr, start=ROTATION.T @ np.asarray(start, dtype=np.float64), steps=steps,
                       gradient=rotated_gradient)
        cost = rotated_surface(*path[-1])
    else:
        path = descend(optimizer, lr, start=start, steps=steps)
        cost = surface(*path[-1])
    return float(cost) if len(path) == steps + 1 and np.isfinite(cost) else np.inf


def best_rate(optimizer, rates, rotated=False, steps=40, start=START):
    """(best eta, its final cost, every final cost) over a grid of learning rates."""
    costs = np.array([final_cost(optimizer, lr, rotated, steps, start) for lr in rates])
    i = int(np.argmin(costs))
    return float(rates[i]), float(costs[i]), costs


def descend(optimizer, lr, start=START, steps=40, gradient=surface_gradient, **kwargs):
    """The path of `optimizer` (a name in OPTIMIZERS or an optim class) from `start`: (steps + 1, 2).

    The parameters live in an `optim.Point`; each step sets its gradient and calls `step()`.
    A path that runs away (|w| > 1e6) stops there, so that diverging paths stay drawable.
    """
    cls = OPTIMIZERS[optimizer] if isinstance(optimizer, str) else optimizer
    point = optim.Point(w=np.array(start, dtype=np.float64))
    opt = cls(point, lr=lr, **kwargs)
    path = [point.params["w"].copy()]
    for _ in range(steps):
        point.grads["w"][...] = gradient(point.params["w"])
        opt.step()
        path.append(point.params["w"].copy())
        if not np.all(np.abs(path[-1]) < 1e6):
            break
    return np.array(path)


def describe_path(name, path, cost_fn=surface):
    """One line: where a path ended and the cost there."""
    w1, w2 = path[-1]
    cost = cost_fn(w1, w2)
    verdict = "diverged" if not cost <= surface(*START) else f"C = {cost:.4f}"
    return f"{name:<8} after {len(path) - 1:>3} steps: w = ({w1:8.3f}, {w2:8.3f})  {verdict}"


def draw_paths(ax, paths, labels, title="Error surface", rotated=False):
    """Paths on the contours of the elongated surface (plot.contour_path with this lesson's ranges);
    rotated=True: on the surface turned by 45 degrees."""
    clipped = [np.clip(p, -1e3, 1e3) for p in paths]
    levels = np.r_[0.0, np.geomspace(0.01, surface(*START) * 3, 24)]  # log-spaced: the valley shows
    if rotated:
        plot.contour_path(rotated_surface, ROTATED_RANGE, ROTATED_RANGE, clipped, ax=ax, labels=labels,
                          title=title, levels=levels)
        ax.set_aspect("equal")
    else:
        plot.contour_path(surface, W1_RANGE, W2_RANGE, clipped, ax=ax, labels=labels, title=title, levels=levels)
    ax.plot(0, 0, marker="*", markersize=12, color="white", markeredgecolor="black", linestyle="none",
            label="minimum (0, 0)")
    ax.legend(loc="lower left" if rotated else "upper right", fontsize=8)  # turned: the paths are top left
    return ax


def surface_widget():
    """Sliders for SGD's and Adagrad's learning rates and the number of steps, and a choice of the
    surface (aligned with the axes or turned by 45 degrees); both paths drawn."""
    def draw(fig, sgd_lr, adagrad_lr, steps, turned):
        ax = fig.subplots()
        rotated = turned == "turned by 45°"
        kwargs = {"start": ROTATED_START, "gradient": rotated_gradient} if rotated else {}
        sgd = descend("SGD", sgd_lr, steps=steps, **kwargs)
        ada = descend("Adagrad", adagrad_lr, steps=steps, **kwargs)
        start = ROTATED_START if rotated else START
        what = "C(Rw), turned by 45°" if rotated else f"C = {A} w1² + {B} w2²"
        draw_paths(ax, [sgd, ada], [f"SGD, η = {sgd_lr:.2f}", f"Adagrad, η = {adagrad_lr:.1f}"],
                   title=f"{what}: {steps} steps from ({start[0]:.2f}, {start[1]:.2f})", rotated=rotated)
        cost = rotated_surface if rotated else surface
        return "\n".join([describe_path("SGD", sgd, cost), describe_path("Adagrad", ada, cost)])

    return widgets.Interactive(
        draw, figsize=(7.0, 4.2), dpi=110,
        turned=widgets.W.ToggleButtons(options=["aligned with the axes", "turned by 45°"],
                                       value="aligned with the axes", description="surface"),
        sgd_lr=widgets.slider("SGD learning rate η", 0.01, 0.45, 0.30, 0.01),
        adagrad_lr=widgets.slider("Adagrad learning rate η", 0.1, 20.0, 1.5, 0.1),  # ADAGRAD_RATES
        steps=widgets.slider("number of steps", 1, 100, 40, 1, integer=True))


# ---------------------------------------------------------------------------------------------
# The learning rate each rule gives one parameter, step by step, for a chosen gradient sequence.

def learning_rate_of(opt, key):
    """The per-parameter learning rate eta_w an optimizer would use now for parameter `key`.

    SGD: eta. Adagrad: eta / sqrt(sum g^2) (`Adagrad.rate`). RMSprop: eta / (sqrt(E) + eps).
    Adam: eta / (sqrt(v_hat) + eps), the rate that multiplies its momentum m_hat.
    """
    if isinstance(opt, optim.Adagrad):
        return opt.rate(key)
    if isinstance(opt, optim.RMSprop):
        return opt.lr / (np.sqrt(opt.state[key]) + opt.eps)
    if isinstance(opt, optim.Adam):
        _, v = opt.state[key]
        v_hat = v / (1 - opt.beta2 ** opt.t)
        return opt.lr / (np.sqrt(v_hat) + opt.eps)
    if isinstance(opt, optim.SGD):
        return np.full_like(opt.model.params[key], opt.lr)
    raise TypeError(f"no learning-rate rule known for {type(opt).__name__}")


def learning_rates(optimizer, gradients, lr, **kwargs):
    """Feed one parameter the gradients g^0, g^1, ... and record, after each step, its learning
    rate eta_w and the size of the step |w^{t+1} - w^t|. Returns (rates, steps), arrays (n,)."""
    cls = OPTIMIZERS[optimizer] if isinstance(optimizer, str) else optimizer
    point = optim.Point(w=0.0)
    opt = cls(point, lr=lr, **kwargs)
    gradients = np.asarray(gradients, dtype=np.float64)
    rates, steps = np.empty(len(gradients)), np.empty(len(gradients))
    for t, g in enumerate(gradients):
        before = float(point.params["w"])
        point.grads["w"][...] = g
        opt.step()
        rates[t] = float(learning_rate_of(opt, "w"))
        steps[t] = abs(float(point.params["w"]) - before)
    return rates, steps


def gradient_sequence(n=3000, change_at=None, scale=1.0):
    """n gradients equal to 1; from step `change_at` on, equal to `scale` (e.g. 0.01: a plateau)."""
    g = np.ones(n)
    if change_at is not None:
        g[change_at:] = scale
    return g


RATE_SETTINGS = {"SGD": {}, "Adagrad": {}, "RMSprop": {"rho": 0.9}, "Adam": {"beta1": 0.9, "beta2": 0.999}}


def draw_rates(axes, gradients, lr=0.1, settings=None, change_at=None, labels=None, memo=None):
    """Two panels: each rule's eta_w (left) and step size (right) against the step, log-log.
    Returns {name: (rates, steps)}, what `learning_rates` gave for each rule. memo: a dict that
    keeps these between drawings (a widget's slider changes one rule; the others are not run again)."""
    settings = RATE_SETTINGS if settings is None else settings
    t = np.arange(1, len(gradients) + 1)
    results = {}
    for i, (name, kwargs) in enumerate(settings.items()):
        if memo is None:
            results[name] = learning_rates(name, gradients, lr, **kwargs)
        else:
            key = (name, repr(sorted(kwargs.items())), lr, np.asarray(gradients, dtype=np.float64).tobytes())
            if key not in memo:
                if len(memo) >= 64:  # about 3 MB at most
                    memo.clear()
                memo[key] = learning_rates(name, gradients, lr, **kwargs)
            results[name] = memo[key]
        rates, steps = results[name]
        st = plot.style(i)
        st["markevery"] = np.unique(np.geomspace(1, len(t), 12).astype(int)) - 1
        label = (labels or {}).get(name) or name + "".join(f", {k} = {v}" for k, v in kwargs.items())
        axes[0].plot(t, rates, label=label, **st)
        axes[1].plot(t, steps, label=label, **st)
    axes[0].set(xscale="log", yscale="log", xlabel="step t", ylabel="learning rate $\\eta_w$",
                title=f"Each rule's learning rate (η = {lr})")
    axes[1].set(xscale="log", yscale="log", xlabel="step t", ylabel="step size $|w^{t+1} - w^t|$",
                title="How far the parameter moves")
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):  # plain labels and no minor ticks: much faster redraws
            axis.set_minor_locator(NullLocator())
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        if change_at is not None:
            ax.axvline(change_at, color="0.4", linewidth=1, linestyle=(0, (1, 3)))
    axes[1].legend(fontsize=8, loc="lower left")
    return results


def rates_widget():
    """Sliders: how much the gradient changes at step 500, and RMSprop's rho; rates redrawn."""
    memo = {}  # each rule's rates for the settings seen

    def draw(fig, log_scale, rho, log_memory):
        axes = fig.subplots(1, 2)
        scale = 10.0 ** log_scale
        memory = 10.0 ** log_memory
        beta2 = 1 - 1 / memory  # not rounded: every position of the slider is another beta2
        g = gradient_sequence(2000, change_at=500, scale=scale)
        settings = {"SGD": {}, "Adagrad": {}, "RMSprop": {"rho": rho}, "Adam": {"beta2": beta2}}
        draw_rates(axes, g, settings=settings, change_at=500, labels={"Adam": f"Adam, memory {memory:.0f} steps"},
                   memo=memo)
        fig.suptitle(f"g = 1 for 500 steps, then g = {scale:.3g}")
        return (f"RMSprop remembers about 1/(1 - rho) = {1 / (1 - rho):.0f} steps; "
                f"Adam's beta2 = {beta2:.5f}, about {memory:.0f} steps; Adagrad remembers every step.")

    return widgets.Interactive(
        draw, figsize=(9.0, 3.8), dpi=110,
        log_scale=widgets.slider("gradient after step 500: log10(g)", -3.0, 2.0, -2.0, 0.5),
        rho=widgets.slider("RMSprop rho", 0.5, 0.99, 0.9, 0.01),
        log_memory=widgets.slider("Adam memory 1/(1 - beta2): log10(steps)", 1.0, 3.5, 3.0, 0.25))


# ---------------------------------------------------------------------------------------------
# SGD, Adagrad, RMSprop and Adam on the MNIST subset.

def mnist_split(test_size=0.2, seed=0):
    """The MNIST subset, shuffled and split: X_train, X_val, y_train, y_val (4000 / 1000)."""
    X, y = data.load_mnist()
    return data.split(X, y, test_size=test_size, seed=seed)


def mnist_splits(seed=0):
    """Three parts of the MNIST subset: training (3,000), validation (1,000), test (1,000).

    The learning rates are chosen on validation; the comparison is reported on test.
    Returns X_train, y_train, X_val, y_val, X_test, y_test.
    """
    X, y = data.load_mnist()
    X_rest, X_test, y_rest, y_test = data.split(X, y, test_size=0.2, seed=seed)
    X_train, X_val, y_train, y_val = data.split(X_rest, y_rest, test_size=0.25, seed=seed)
    return X_train, y_train, X_val, y_val, X_test, y_test


def make_network(n_in=784, n_hidden=100, n_out=10, seed=0):
    """A 784-100-10 sigmoid network with softmax output; the same seed gives the same weights."""
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Dense(n_in, n_hidden, rng=rng), nn.Sigmoid(),
                         nn.Dense(n_hidden, n_out, rng=rng), nn.Softmax())


def compare_on_mnist(settings, X, y, X_val, y_val, epochs=5, batch_size=100, seed=0, n_hidden=100):
    """Train one network per optimizer, all from the same initial weights and the same mini-batches.

    settings: {name: (optimizer name, {"lr": ..., other options})}. Returns {name: History}.
    """
    histories = {}
    for name, (optimizer, kwargs) in settings.items():
        net = make_network(X.shape[1], n_hidden, int(np.max(y)) + 1, seed=seed)
        opt = OPTIMIZERS[optimizer](net, **kwargs)
        histories[name] = train.fit(net, X, y, optimizer=opt, epochs=epochs, batch_size=batch_size,
                                    seed=seed, validation=(X_val, y_val), verbose=False)
    return histories


def results_table(histories):
    """The final training / validation cost and accuracy of each run, as a text table."""
    lines = [f"{'optimizer':<22}{'train cost':>11}{'train acc':>11}{'val cost':>10}{'val acc':>9}"]
    for name, h in histories.items():
        lines.append(f"{name:<22}{h['cost'][-1]:>11.3f}{100 * h['accuracy'][-1]:>10.1f}%"
                     f"{h['val_cost'][-1]:>10.3f}{100 * h['val_accuracy'][-1]:>8.1f}%")
    return "\n".join(lines)


def plot_histories(histories, axes):
    """Training cost (left) and validation cost (right) per epoch, one curve per optimizer."""
    for i, (name, h) in enumerate(histories.items()):
        epochs = np.arange(1, len(h["cost"]) + 1)
        st = plot.style(i)
        st["markevery"] = 1
        axes[0].plot(epochs, h["cost"], label=name, **st)
        axes[1].plot(epochs, h["val_cost"], label=name, **st)
    axes[0].set(title="Training cost", xlabel="epoch", ylabel="cross entropy (mean)")
    axes[1].set(title="Validation cost", xlabel="epoch", ylabel="cross entropy (mean)")
    for ax in axes:
        ax.set_xticks(np.arange(1, len(next(iter(histories.values()))["cost"]) + 1))
        ax.legend(fontsize=8)


#: What notebook 07 trains: batch 200, 5 epochs (75 steps on 3,000 images).
MNIST_SETTINGS = {"epochs": 5, "batch_size": 200, "n_hidden": 100}
#: The learning rates tried for each optimizer on validation (by `python -m dltutor.lessons.adaptive_lr --full`).
RATE_GRID = {"SGD": [0.3, 1.0, 3.0, 10.0], "Adagrad": [0.01, 0.03, 0.1, 0.3],
             "RMSprop": [0.003, 0.01, 0.03, 0.1], "Adam": [0.001, 0.003, 0.01, 0.03, 0.1]}
SWEEP_SEEDS = (0, 1, 2, 3, 4)
# Inside the package (dltutor/datafiles/results/), or in DLTUTOR_DATA/results/ when that is set.
RESULTS = pathlib.Path(str(data.data_file("results/adaptive_lr_full.json")))


def train_once(optimizer, lr, X, y, X_eval, y_eval, seed, epochs=5, batch_size=200, n_hidden=100):
    """One network (weights from `seed`) trained by `optimizer` at rate `lr`, mini-batches shuffled by
    `seed`; returns (History, the cost and accuracy on X_eval, y_eval)."""
    net = make_network(X.shape[1], n_hidden, 10, seed=seed)
    opt = OPTIMIZERS[optimizer](net, lr=lr)
    history = train.fit(net, X, y, optimizer=opt, epochs=epochs, batch_size=batch_size, seed=seed,
                        verbose=False, evaluate_train=False)
    return history, train.evaluate(net, X_eval, y_eval)


def rate_sweep(grid=RATE_GRID, seeds=SWEEP_SEEDS, settings=MNIST_SETTINGS, log=None):
    """Every rate of the grid, for every seed, scored on the validation split (never on test).
    Returns {optimizer: {str(lr): {"val_cost": [per seed], "val_accuracy": [per seed]}}}."""
    X_train, y_train, X_val, y_val, _, _ = mnist_splits()
    out = {}
    for name, rates in grid.items():
        out[name] = {}
        for lr in rates:
            runs = [train_once(name, lr, X_train, y_train, X_val, y_val, seed, **settings)[1] for seed in seeds]
            out[name][repr(lr)] = {"val_cost": [round(r["cost"], 5) for r in runs],
                                   "val_accuracy": [r["accuracy"] for r in runs]}
            if log:
                log(f"{name} lr={lr}: validation cost {np.mean(out[name][repr(lr)]['val_cost']):.4f}")
    return out


def chosen_rates(sweep):
    """{optimizer: the rate with the lowest mean validation cost over the seeds}."""
    return {name: float(min(by_rate, key=lambda lr: np.mean(by_rate[lr]["val_cost"])))
            for name, by_rate in sweep.items()}


def sweep_table(sweep):
    """The sweep as text: the mean validation cost (and its spread over seeds) of every rate."""
    chosen = chosen_rates(sweep)
    lines = [f"{'optimizer':<9}{'eta':>7}   validation cost, mean ± sd over {len(next(iter(next(iter(sweep.values())).values()))['val_cost'])} seeds"]
    for name, by_rate in sweep.items():
        for lr, r in by_rate.items():
            mark = "  <- chosen" if float(lr) == chosen[name] else ""
            lines.append(f"{name:<9}{float(lr):>7g}   {np.mean(r['val_cost']):.4f} ± {np.std(r['val_cost'], ddof=1):.4f}{mark}")
    return "\n".join(lines)


def run_full(path=RESULTS, log=None):
    """The learning-rate sweep on validation, with its settings, written to `path`."""
    log = log or (lambda message: print(message, flush=True))
    start = time.perf_counter()
    out = {"command": "python -m dltutor.lessons.adaptive_lr --full",
           "settings": {**MNIST_SETTINGS, "grid": RATE_GRID, "seeds": list(SWEEP_SEEDS),
                        "split": "3000 train / 1000 validation / 1000 test, data.split seed 0"},
           "numpy": np.__version__, "python": platform.python_version(),
           "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS"),
           "sweep": rate_sweep(log=log)}
    out["chosen"] = chosen_rates(out["sweep"])
    out["seconds"] = round(time.perf_counter() - start, 1)
    return saved.write(out, path, log)


def load_full(path=RESULTS):
    """The saved results of `python -m dltutor.lessons.adaptive_lr --full`, or None if not there."""
    return saved.read(path)


def plot_seeds(results, histories, axes):
    """Left: each optimizer's training cost per epoch, the mean over seeds and the band from the
    lowest to the highest seed. Right: test accuracy, every seed a point, the mean ± sd as a bar.
    results: {name: [test accuracy per seed]}; histories: {name: [History per seed]}."""
    for i, name in enumerate(results):
        costs = np.array([h["cost"] for h in histories[name]])
        epochs = np.arange(1, costs.shape[1] + 1)
        st = plot.style(i)
        st["markevery"] = 1
        axes[0].plot(epochs, costs.mean(axis=0), label=name, **st)
        axes[0].fill_between(epochs, costs.min(axis=0), costs.max(axis=0), color=st["color"], alpha=0.2)
        acc = 100 * np.asarray(results[name])
        jitter = np.linspace(-0.12, 0.12, len(acc))
        axes[1].plot(i + jitter, acc, linestyle="none", marker=st["marker"], color=st["color"], alpha=0.7)
        axes[1].errorbar(i + 0.3, acc.mean(), yerr=acc.std(ddof=1), color=st["color"], marker="_",
                         markersize=14, capsize=4, linewidth=2)
    axes[0].set(title="Training cost (mean of the mini-batches), band: all seeds", xlabel="epoch",
                ylabel="cross entropy (mean)", xticks=epochs)
    axes[0].legend(fontsize=8)
    axes[1].set(title="Test accuracy: each seed (points), mean ± sd (bar)", ylabel="test accuracy (%)",
                xticks=range(len(results)), xticklabels=list(results), xlim=(-0.5, len(results) - 0.3))


def main(argv=None):
    return saved.main(argv, "python -m dltutor.lessons.adaptive_lr",
                      "Notebook 07's learning-rate sweep on the validation split.",
                      "run the sweep (about a minute on one thread)", RESULTS, run_full)


# ---------------------------------------------------------------------------------------------
# Exercise 1: Adagrad's learning rates by hand.

EXERCISE_GRADIENTS = {"w1": [3.0, 4.0, 12.0], "w2": [0.6, 0.8, 0.0]}
_EXERCISE_DIVISORS = {"w1": [3.0, 5.0, 13.0], "w2": [0.6, 1.0, 1.0]}


def _divisor_rule(rule):
    """A Mistake test: w1's or w2's numbers are what `rule(g)` gives (and are not right)."""
    def test(got, case):
        for key, part in zip(("w1", "w2"), got):
            part = np.asarray(part, dtype=np.float64)
            right = np.allclose(part, _EXERCISE_DIVISORS[key], atol=0.01)
            if not right and np.allclose(part, rule(np.asarray(EXERCISE_GRADIENTS[key])), atol=0.01):
                return True
        return False
    return test


def _swapped_keys(got, case):
    return (np.allclose(np.asarray(got[0], dtype=np.float64), _EXERCISE_DIVISORS["w2"], atol=0.01)
            and np.allclose(np.asarray(got[1], dtype=np.float64), _EXERCISE_DIVISORS["w1"], atol=0.01))


def _zero_gradient_resets(got, case):
    w2 = np.asarray(got[1], dtype=np.float64)
    return np.allclose(w2[:2], _EXERCISE_DIVISORS["w2"][:2], atol=0.01) and not np.isclose(w2[2], 1.0, atol=0.01)


class _ByHand(exercises.Exercise):
    """A pencil-and-paper exercise: a wrong number is pointed at (which step), not corrected."""

    def compare(self, got, want):
        problem = super().compare(got, want)
        if isinstance(want, tuple) or not problem or not problem.startswith("is "):
            return problem
        got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
        if got.shape != want.shape:  # "is one number (...)": the shape is the problem
            return problem
        bad = [str(t) for t in range(len(want)) if not np.isclose(got[t], want[t], atol=self.atol)]
        return f"step t = {', '.join(bad)} is not right yet"


RATES_BY_HAND = _ByHand(
    "your divisors",
    reference=lambda: (np.array(_EXERCISE_DIVISORS["w1"]), np.array(_EXERCISE_DIVISORS["w2"])),
    cases=[exercises.Case("")],
    outputs=["w1", "w2"], atol=0.01,  # pencil and paper: two decimals are enough
    mistakes=[
        exercises.Mistake("only the current gradient |g^t|", when=_divisor_rule(np.abs),
                          nudge="Adagrad uses every gradient so far, i = 0 ... t, not only the last one"),
        exercises.Mistake("the sum of the gradients", when=_divisor_rule(lambda g: np.cumsum(np.abs(g))),
                          nudge="Adagrad sums the squares of the gradients, then does one more thing"),
        exercises.Mistake("the sum of squares without the square root",
                          when=_divisor_rule(lambda g: np.cumsum(g * g)),
                          nudge="look again at what the slides' formula does to the sum"),
        exercises.Mistake("the square root of the mean of the squares",
                          when=_divisor_rule(lambda g: np.sqrt(np.cumsum(g * g) / np.arange(1, len(g) + 1))),
                          nudge="Adagrad uses the sum, not the average (that divides by t + 1)"),
        exercises.Mistake("a rate that changed at w2's zero gradient", when=_zero_gradient_resets,
                          nudge="a zero gradient adds 0 to the sum: what happens to the rate then?"),
        exercises.Mistake("the current gradient left out of the sum",
                          when=_divisor_rule(lambda g: np.sqrt(np.cumsum(g * g) - g * g)),
                          nudge="the sum runs from i = 0 to i = t: the gradient of step t is in it"),
        exercises.Mistake("the rates eta_w / eta themselves, not the divisors",
                          when=_divisor_rule(lambda g: 1 / np.sqrt(np.cumsum(g * g))),
                          nudge="write each rate as eta / d and give d, the number eta is divided by"),
        exercises.Mistake("w1's and w2's numbers swapped", when=_swapped_keys,
                          nudge="w1 is the row with the gradients 3, 4, 12"),
    ],
    nudge="eta_w = eta / something: at each step, write down the sum of the squared gradients so far, "
          "then apply the formula's last operation",
    formula="eta_w = eta / sqrt(g0² + g1² + ... + gt²)",
    solution='my_divisors = {"w1": [3.0, 5.0, 13.0], "w2": [0.6, 1.0, 1.0]}',
    success="Correct: w1's rate keeps shrinking; w2's stays put when its gradient is 0")


def check_rates_by_hand(divisors, hint=1):
    """divisors: {"w1": [3 numbers], "w2": [3 numbers]}, each eta / eta_w after steps t = 0, 1, 2."""
    if not isinstance(divisors, dict) or set(divisors) != {"w1", "w2"}:
        got = sorted(divisors) if isinstance(divisors, dict) else type(divisors).__name__
        more = [f"Formula: {RATES_BY_HAND.formula}"] if hint >= 2 else []
        return exercises.Feedback([f"expected a dict with keys 'w1' and 'w2', got {got}"],
                                  "\n".join(['Nudge: write {"w1": [a, b, c], "w2": [d, e, f]}', *more,
                                             RATES_BY_HAND._more(hint)]))
    for key in ("w1", "w2"):
        try:
            n = np.asarray(divisors[key], dtype=np.float64).shape
        except (TypeError, ValueError):
            n = None
        if n != (3,):
            return exercises.Feedback([f"{key}: expected 3 numbers (steps t = 0, 1, 2), got {divisors[key]!r}"],
                                      RATES_BY_HAND._hint(hint, None))
    return RATES_BY_HAND(lambda: (divisors["w1"], divisors["w2"]), hint=hint)


# ---------------------------------------------------------------------------------------------
# Exercise 2: one Adagrad step. Exercise 3: one RMSprop step.

def _reference_adagrad_step(w, g, G, eta):
    G = G + g * g
    return w - eta / np.sqrt(G) * g, G


def _reference_rmsprop_step(w, g, E, eta, rho=0.9, eps=1e-8):
    E = rho * E + (1 - rho) * g * g
    return w - eta * g / (np.sqrt(E) + eps), E


def _as_pair(what, result):
    """(w_new, state_new) as float arrays, or a problem sentence."""
    if result is None:
        return None, f"{what} returned None; did you forget `return w_new, G_new`?"
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return None, f"{what} should return two things (the new w and the new sum), got {type(result).__name__}"
    try:
        return tuple(np.asarray(r, dtype=np.float64) for r in result), None
    except (TypeError, ValueError):
        return None, f"{what} should return numbers or arrays, got {result!r}"[:200]


def _step_cases(rng, n=4):
    """(w, g, state, eta) cases: the slides' w1 and w2, arrays of mixed scales, random ones."""
    cases = [(np.array([1.0]), np.array([0.1]), np.array([0.0]), 0.1),
             (np.array([1.0, -2.0]), np.array([0.1, 20.0]), np.array([0.0, 0.0]), 0.1),
             (np.array([0.5, 0.5]), np.array([0.2, 10.0]), np.array([0.01, 400.0]), 0.1)]
    for _ in range(n):
        cases.append((rng.normal(size=3), rng.normal(size=3) * 10.0 ** rng.integers(-1, 3, size=3),
                      rng.uniform(0.5, 2.0, size=3), float(rng.uniform(0.01, 1.0))))
    return cases


def _cases(state, rng):
    return [exercises.Case(f"w = {np.round(w, 3)}, g = {np.round(g, 3)}, {state} = {np.round(S, 3)}, "
                           f"eta = {eta:.3g}", w, g, S, eta) for w, g, S, eta in _step_cases(rng)]


def _is_pair(got):
    """The learner returned two things (a Mistake about their values applies)."""
    return isinstance(got, (tuple, list)) and len(got) == 2


def _w_is(rule):
    """A Mistake test: the learner's w_new is what `rule(w, g, S, eta)` gives."""
    def test(got, case):
        if not _is_pair(got):
            return False
        with np.errstate(all="ignore"):
            wrong = np.asarray(rule(*case.args), dtype=np.float64)
        return np.allclose(np.asarray(got[0], dtype=np.float64), wrong, rtol=1e-6)
    return test


# Where the learner may have put an eps of up to 1e-6 into or beside the root.
_ROOTS = [np.sqrt] + [lambda s, e=e: np.sqrt(s) + e for e in (1e-8, 1e-7, 1e-6)] + [
    lambda s, e=e: np.sqrt(s + e) for e in (1e-8, 1e-7, 1e-6)]


def _w_is_some_eps(rule):
    """_w_is for rule(w, g, S, eta, root), with the root written any of those ways."""
    tests = [_w_is(lambda *args, root=root: rule(*args, root)) for root in _ROOTS]
    return lambda got, case: any(test(got, case) for test in tests)


def _swapped_pair(reference):
    """A Mistake test: the two parts returned in the other order."""
    def test(got, case):
        w_new, state_new = reference(*case.args)
        return _is_pair(got) and (np.allclose(np.asarray(got[0], dtype=np.float64), state_new, rtol=1e-6)
                and np.allclose(np.asarray(got[1], dtype=np.float64), w_new, rtol=1e-6)
                and not np.allclose(w_new, state_new))
    return test


def _state_is(rule):
    def test(got, case):
        return _is_pair(got) and np.allclose(np.asarray(got[1], dtype=np.float64), rule(*case.args), rtol=1e-6)
    return test


def _division_slips(name, kind, new, eps, plain, no_root):
    """The slips an Adagrad step and an RMSprop step share, for their state S (name "G", the sum, or
    "E", the average, of the squared gradients) whose new value is new(w, g, S, eta): no division at
    all, a division by the old S, by the new S without its square root (eps added), a step uphill."""
    return [
        exercises.Mistake("plain gradient descent w - eta*g", when=_w_is(lambda w, g, S, eta: w - eta * g),
                          nudge=plain),
        exercises.Mistake(f"a division by the old {kind} {name}, before the new gradient is in it",
                          when=_w_is_some_eps(lambda w, g, S, eta, root: w - eta * g / root(S)),
                          nudge=f"update the {kind} first, then use it"),
        exercises.Mistake(f"a division by {name}_new itself: the square root is missing",
                          when=_w_is(lambda w, g, S, eta: w - eta * g / (new(w, g, S, eta) + eps)),
                          nudge=no_root),
        exercises.Mistake("a step uphill", when=_w_is(lambda w, g, S, eta: w + eta * g / np.sqrt(new(w, g, S, eta))),
                          nudge="gradient descent moves against the gradient"),
    ]


ADAGRAD_STEP = exercises.Exercise(
    "adagrad_step",
    reference=_reference_adagrad_step,
    cases=_cases("G", np.random.default_rng(6)),
    outputs=["w_new", "G_new"],
    rtol=1e-4, atol=1e-6,  # an eps of up to 1e-6, inside or outside the square root, is fine
    mistakes=[
        exercises.Mistake("a function without `return`", when=lambda got, case: got is None,
                          nudge="did you forget `return w_new, G_new`?"),
        exercises.Mistake("w_new and G_new returned in the other order", when=_swapped_pair(_reference_adagrad_step),
                          nudge="the check unpacks `w_new, G_new = adagrad_step(...)`"),
        exercises.Mistake("G_new equals G: the new gradient was not added", when=_state_is(lambda w, g, G, eta: G),
                          nudge="the sum runs over every gradient so far, the current one included"),
        exercises.Mistake("G_new holding the square root of the sum, not the sum of the squares itself",
                          when=lambda got, case: _state_is(lambda w, g, G, eta: np.sqrt(G + g * g))(got, case)
                          and _w_is(lambda w, g, G, eta: _reference_adagrad_step(w, g, G, eta)[0])(got, case),
                          nudge="the next step adds its g² to G: keep the sum, take the root only to divide"),
        exercises.Mistake("one sum shared by all the parameters: each parameter keeps its own",
                          when=_w_is(lambda w, g, G, eta: w - eta * g / np.sqrt(np.sum(G + g * g))),
                          nudge="Adagrad gives every parameter its own learning rate, from its own gradients"),
        exercises.Mistake("the sum of the gradients, not of their squares",
                          when=_state_is(lambda w, g, G, eta: G + np.abs(g)),
                          nudge="the slides' formula sums (g^i) squared"),
        *_division_slips("G", "sum", lambda w, g, G, eta: G + g * g, eps=0.0,
                         plain="Adagrad divides eta by something that depends on the gradients so far",
                         no_root="look at what sits under the fraction bar in the slides' formula"),
    ],
    nudge="keep a running sum of squared gradients, and divide eta by something made from it",
    formula="G_new = G + g²;  w_new = w - eta / sqrt(G_new) * g",
    solution="def adagrad_step(w, g, G, eta):\n    G_new = G + g ** 2\n"
             "    w_new = w - eta / np.sqrt(G_new) * g\n    return w_new, G_new",
    success="Correct: the same steps as optim.Adagrad")


def _reference_rmsprop_case(w, g, E, eta):
    return _reference_rmsprop_step(w, g, E, eta)


RMSPROP_STEP = exercises.Exercise(
    "rmsprop_step",
    reference=_reference_rmsprop_case,
    cases=_cases("E", np.random.default_rng(7)),
    outputs=["w_new", "E_new"],
    rtol=1e-4, atol=1e-6,  # eps inside or outside the square root, up to 1e-6
    mistakes=[
        exercises.Mistake("a function without `return`", when=lambda got, case: got is None,
                          nudge="did you forget `return w_new, E_new`?"),
        exercises.Mistake("w_new and E_new returned in the other order", when=_swapped_pair(_reference_rmsprop_case),
                          nudge="the check unpacks `w_new, E_new = rmsprop_step(...)`"),
        exercises.Mistake("E_new equals E: the new squared gradient was not mixed in",
                          when=_state_is(lambda w, g, E, eta: E),
                          nudge="the average has to take in the current gradient's square"),
        exercises.Mistake("E_new holding the root of the average (the slides' sigma), not the average of the "
                          "squares itself",
                          when=lambda got, case: any(_state_is(rule)(got, case) for rule in (
                              lambda w, g, E, eta: np.sqrt(0.9 * E + 0.1 * g * g),
                              lambda w, g, E, eta: np.sqrt(0.9 * E * E + 0.1 * g * g))),
                          nudge="here E is the average of the squared gradients: keep it, take the root only "
                                "to divide"),
        exercises.Mistake("an average of the gradients, not of their squares",
                          when=_state_is(lambda w, g, E, eta: 0.9 * E + 0.1 * g),
                          nudge="E averages the squares of the gradients"),
        exercises.Mistake("rho * E + g**2: not an average of the old E and the new square",
                          when=_state_is(lambda w, g, E, eta: 0.9 * E + g * g),
                          nudge="an average weights the old and the new so that the weights add up to 1"),
        exercises.Mistake("E_new = E + g**2, Adagrad's sum, which only grows",
                          when=_state_is(lambda w, g, E, eta: E + g * g),
                          nudge="RMSprop keeps a running average that forgets: it weights old and new"),
        exercises.Mistake("rho and 1 - rho swapped", when=_state_is(lambda w, g, E, eta: 0.1 * E + 0.9 * g * g),
                          nudge="with rho = 0.9 the average should remember the past more than the present"),
        *_division_slips("E", "average", lambda w, g, E, eta: 0.9 * E + 0.1 * g * g, eps=1e-8,
                         plain="RMSprop divides eta by something made from the average E",
                         no_root="the average is of squares: undo the square before dividing"),
    ],
    nudge="keep a running average of the squared gradients (weight rho on the old one), and divide "
          "eta by something made from it",
    formula="E_new = rho * E + (1 - rho) * g²;  w_new = w - eta / (sqrt(E_new) + eps) * g",
    solution="def rmsprop_step(w, g, E, eta, rho=0.9, eps=1e-8):\n    E_new = rho * E + (1 - rho) * g ** 2\n"
             "    w_new = w - eta / (np.sqrt(E_new) + eps) * g\n    return w_new, E_new",
    success="Correct: the same steps as optim.RMSprop")


def check_adagrad_step(fn, hint=1):
    """fn(w, g, G, eta) -> (w_new, G_new): one Adagrad step, G the sum of the squares of the past
    gradients (0 before the first step). hint=2: the formula; hint=3: the solution."""
    fb = ADAGRAD_STEP(fn, hint=hint)
    if fb.ok:  # several steps in a row must match the package's Adagrad
        problem = _against_package(fn, optim.Adagrad, {"lr": 0.3}, "Adagrad", np.random.default_rng(8), rtol=1e-4)
        if problem:
            return exercises.Feedback([problem], ADAGRAD_STEP._hint(hint, None))
    return fb


def check_rmsprop_step(fn, hint=1):
    """fn(w, g, E, eta, rho=0.9, eps=1e-8) -> (w_new, E_new): one RMSprop step, E the running
    average of the squared gradients (0 before the first step). hint=2: the formula; hint=3: the solution."""
    fb = RMSPROP_STEP(fn, hint=hint)
    if fb.ok:
        problem = _against_package(fn, optim.RMSprop, {"lr": 0.01, "rho": 0.9, "eps": 1e-8}, "RMSprop",
                                   np.random.default_rng(9), rtol=1e-3)
        if problem:
            return exercises.Feedback([problem], RMSPROP_STEP._hint(hint, None))
    return fb


def _against_package(fn, cls, kwargs, name, rng, n_steps=20, rtol=1e-6):
    """Run fn for n_steps on a 3-element parameter beside the package's optimizer; a problem or None."""
    point = optim.Point(w=rng.normal(size=3))
    opt = cls(point, **kwargs)
    w, state = point.params["w"].copy(), np.zeros(3)
    lr = kwargs["lr"]
    extra = {k: v for k, v in kwargs.items() if k != "lr"}
    for t in range(n_steps):
        g = rng.normal(size=3) * np.array([0.3, 1.0, 100.0])
        point.grads["w"][...] = g
        opt.step()
        with np.errstate(all="ignore"):
            result, problem = exercises.call(f"step {t}", lambda *a: fn(*a, **extra),
                                             w.copy(), g.copy(), state.copy(), lr)
        if problem:
            return problem
        pair, problem = _as_pair(f"step {t}", result)
        if problem:
            return problem
        w, state = pair
        if w.shape != point.params["w"].shape or not np.allclose(w, point.params["w"], rtol=rtol, atol=1e-6):
            return (f"after {t + 1} steps your w is {np.round(w, 4)} but optim.{name} gives "
                    f"{np.round(point.params['w'], 4)}; pass the new state on to the next step")
    return None


if __name__ == "__main__":
    sys.exit(main())
