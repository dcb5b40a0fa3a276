"""Notebook 07, adaptive learning rates: error surfaces, rate experiments, widgets and exercise checks.

The optimizers themselves are the package's (`dltutor.optim`); this module only drives them:
on a two-parameter error surface (`descend`), on a single parameter fed a chosen gradient
sequence (`learning_rates`), and on the MNIST subset (`compare_on_mnist`).
"""
import numpy as np
from matplotlib.ticker import FuncFormatter, NullLocator

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


def describe_path(name, path):
    """One line: where a path ended and the cost there."""
    w1, w2 = path[-1]
    cost = surface(w1, w2)
    verdict = "diverged" if cost > surface(*START) else f"C = {cost:.4f}"
    return f"{name:<8} after {len(path) - 1:>3} steps: w = ({w1:8.3f}, {w2:8.3f})  {verdict}"


def draw_paths(ax, paths, labels, title="Error surface"):
    """Paths on the contours of the elongated surface (plot.contour_path with this lesson's ranges)."""
    clipped = [np.clip(p, -1e3, 1e3) for p in paths]
    levels = np.r_[0.0, np.geomspace(0.01, surface(*START) * 3, 24)]  # log-spaced: the valley shows
    plot.contour_path(surface, W1_RANGE, W2_RANGE, clipped, ax=ax, labels=labels, title=title, levels=levels)
    ax.plot(0, 0, marker="*", markersize=12, color="white", markeredgecolor="black", linestyle="none",
            label="minimum (0, 0)")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def surface_widget():
    """Sliders for SGD's and Adagrad's learning rates and the number of steps; both paths drawn."""
    def draw(fig, sgd_lr, adagrad_lr, steps):
        ax = fig.subplots()
        sgd = descend("SGD", sgd_lr, steps=steps)
        ada = descend("Adagrad", adagrad_lr, steps=steps)
        draw_paths(ax, [sgd, ada], [f"SGD, η = {sgd_lr:.2f}", f"Adagrad, η = {adagrad_lr:.1f}"],
                   title=f"C = {A} w1² + {B} w2²: {steps} steps from ({START[0]:g}, {START[1]:g})")
        return "\n".join([describe_path("SGD", sgd), describe_path("Adagrad", ada)])

    return widgets.Interactive(
        draw, figsize=(7.0, 4.2),
        sgd_lr=widgets.slider("SGD learning rate η", 0.01, 0.45, 0.30, 0.01),
        adagrad_lr=widgets.slider("Adagrad learning rate η", 0.1, 4.0, 1.5, 0.1),
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


def draw_rates(axes, gradients, lr=0.1, settings=None, change_at=None):
    """Two panels: each rule's eta_w (left) and step size (right) against the step, log-log.
    Returns {name: (rates, steps)}, what `learning_rates` gave for each rule."""
    settings = RATE_SETTINGS if settings is None else settings
    t = np.arange(1, len(gradients) + 1)
    results = {}
    for i, (name, kwargs) in enumerate(settings.items()):
        rates, steps = results[name] = learning_rates(name, gradients, lr, **kwargs)
        st = plot.style(i)
        st["markevery"] = np.unique(np.geomspace(1, len(t), 12).astype(int)) - 1
        label = name + "".join(f", {k} = {v}" for k, v in kwargs.items())
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
    def draw(fig, log_scale, rho, beta2_memory):
        axes = fig.subplots(1, 2)
        scale = 10.0 ** log_scale
        beta2 = 1 - 1 / beta2_memory
        g = gradient_sequence(2000, change_at=500, scale=scale)
        settings = {"SGD": {}, "Adagrad": {}, "RMSprop": {"rho": rho}, "Adam": {"beta2": round(beta2, 4)}}
        draw_rates(axes, g, settings=settings, change_at=500)
        fig.suptitle(f"g = 1 for 500 steps, then g = {scale:.3g}")
        return (f"RMSprop remembers about 1/(1 - rho) = {1 / (1 - rho):.0f} steps; "
                f"Adam's beta2 = {beta2:.4f} about {beta2_memory} steps; Adagrad remembers every step.")

    return widgets.Interactive(
        draw, figsize=(9.0, 3.8),
        log_scale=widgets.slider("gradient after step 500: log10(g)", -3.0, 2.0, -2.0, 0.5),
        rho=widgets.slider("RMSprop rho", 0.5, 0.99, 0.9, 0.01),
        beta2_memory=widgets.slider("Adam memory 1/(1 - beta2), steps", 10, 1000, 1000, 10, integer=True))


# ---------------------------------------------------------------------------------------------
# SGD, Adagrad, RMSprop and Adam on the MNIST subset.

def mnist_split(test_size=0.2, seed=0):
    """The MNIST subset, shuffled and split: X_train, X_val, y_train, y_val (4000 / 1000)."""
    X, y = data.load_mnist()
    return data.split(X, y, test_size=test_size, seed=seed)


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


# ---------------------------------------------------------------------------------------------
# Exercise 1: Adagrad's learning rates by hand.

EXERCISE_GRADIENTS = {"w1": [3.0, 4.0, 12.0], "w2": [0.6, 0.8, 0.0]}
_EXERCISE_DIVISORS = {"w1": [3.0, 5.0, 13.0], "w2": [0.6, 1.0, 1.0]}


def _divisor_mistakes(g):
    """What common wrong rules give, as eta / eta_w for each step."""
    g = np.asarray(g, dtype=np.float64)
    t = np.arange(1, len(g) + 1)
    return {
        "only the current gradient |g^t|; Adagrad uses every gradient so far, i = 0 ... t": np.abs(g),
        "the sum of the gradients; Adagrad sums their squares, then takes the square root":
            np.cumsum(np.abs(g)),
        "the sum of squares without the square root": np.cumsum(g * g),
        "the square root of the mean of the squares (that divides by t + 1); Adagrad uses the sum":
            np.sqrt(np.cumsum(g * g) / t),
    }


def check_rates_by_hand(divisors):
    """divisors: {"w1": [3 numbers], "w2": [3 numbers]}, each eta / eta_w after steps t = 0, 1, 2."""
    if not isinstance(divisors, dict) or set(divisors) != {"w1", "w2"}:
        got = sorted(divisors) if isinstance(divisors, dict) else type(divisors).__name__
        return exercises.feedback([f"expected a dict with keys 'w1' and 'w2', got {got}"],
                                  hint='write {"w1": [a, b, c], "w2": [d, e, f]}')
    problems = []
    for key in ("w1", "w2"):
        want = np.array(_EXERCISE_DIVISORS[key])
        try:
            got = np.asarray(divisors[key], dtype=np.float64)
        except (TypeError, ValueError):
            problems.append(f"{key}: expected 3 numbers, got {divisors[key]!r}")
            continue
        if got.shape != want.shape:
            problems.append(f"{key}: expected 3 numbers (steps t = 0, 1, 2), got shape {got.shape}")
            continue
        if np.allclose(got, want, atol=0.01):
            continue
        for what, wrong in _divisor_mistakes(EXERCISE_GRADIENTS[key]).items():
            if np.allclose(got, wrong, atol=0.01):
                problems.append(f"{key}: your numbers are {what}")
                break
        else:
            bad = [t for t in range(3) if not np.isclose(got[t], want[t], atol=0.01)]
            problems.append(f"{key}: step t = {', '.join(map(str, bad))} is not right yet")
        if key == "w2" and np.isclose(got[1], want[1], atol=0.01) and not np.isclose(got[2], want[2], atol=0.01):
            problems.append("w2 at t = 2: a zero gradient adds 0 to the sum, so the rate stays what it was")
    return exercises.feedback(problems, hint="eta_w = eta / sqrt(g0² + g1² + ... + gt²): "
                              "write down the sum of squares so far at each step, then its square root",
                              success="Correct: w1's rate keeps shrinking (eta/3, eta/5, eta/13); "
                                      "w2's stays put when its gradient is 0")


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
        cases.append((rng.normal(size=3), rng.normal(size=3) * 10.0 ** rng.integers(-2, 3, size=3),
                      rng.uniform(0.5, 2.0, size=3), float(rng.uniform(0.01, 1.0))))
    return cases


def check_adagrad_step(fn):
    """fn(w, g, G, eta) -> (w_new, G_new): one Adagrad step, G the sum of the squares of the past
    gradients (0 before the first step)."""
    problems = []
    rng = np.random.default_rng(6)
    for w, g, G, eta in _step_cases(rng):
        want_w, want_G = _reference_adagrad_step(w, g, G, eta)
        what = f"adagrad_step(w={np.round(w, 3)}, g={np.round(g, 3)}, G={np.round(G, 3)}, eta={eta:.3g})"
        with np.errstate(all="ignore"):
            result, problem = exercises.call(what, fn, w.copy(), g.copy(), G.copy(), eta)
        if problem:
            problems.append(problem)
            break
        pair, problem = _as_pair(what, result)
        if problem:
            problems.append(problem)
            break
        got_w, got_G = pair
        if got_G.shape != want_G.shape or not np.allclose(got_G, want_G):
            if got_G.shape == G.shape and np.allclose(got_G, G):
                problems.append(f"{what}: G_new equals G; add the square of the new gradient, G + g**2")
            else:
                problems.append(exercises.expect_close(f"{what}: G_new", got_G, want_G, atol=1e-9, rtol=1e-9))
            break
        if got_w.shape != want_w.shape or not np.allclose(got_w, want_w, rtol=1e-7, atol=1e-12):
            with np.errstate(all="ignore"):
                old_sum = np.divide(eta * g, np.sqrt(G), out=np.full_like(g, np.inf), where=G > 0)
                no_sqrt = w - eta / want_G * g
            if got_w.shape == w.shape and np.allclose(got_w, w - eta * g):
                problems.append(f"{what}: w_new is plain gradient descent w - eta*g; divide eta by sqrt(G_new)")
            elif got_w.shape == w.shape and (not np.all(np.isfinite(got_w)) or np.allclose(got_w, w - old_sum)):
                problems.append(f"{what}: you divided by the old sum G; the sum runs up to i = t, so add g**2 "
                                "first and divide by sqrt(G_new)")
            elif got_w.shape == w.shape and np.allclose(got_w, no_sqrt):
                problems.append(f"{what}: you divided by G_new; divide by its square root")
            elif got_w.shape == w.shape and np.allclose(got_w, 2 * w - want_w):
                problems.append(f"{what}: w_new moved uphill; subtract eta_w * g")
            else:
                problems.append(exercises.expect_close(f"{what}: w_new", got_w, want_w, atol=1e-9, rtol=1e-7))
            break
    if not problems:  # several steps in a row must match the package's Adagrad
        problem = _against_package(fn, optim.Adagrad, {"lr": 0.3}, "Adagrad", rng)
        if problem:
            problems.append(problem)
    return exercises.feedback(problems, hint="G_new = G + g**2, then w_new = w - eta / np.sqrt(G_new) * g",
                              success="Correct: the same steps as optim.Adagrad")


def check_rmsprop_step(fn):
    """fn(w, g, E, eta, rho=0.9, eps=1e-8) -> (w_new, E_new): one RMSprop step, E the running
    average of the squared gradients (0 before the first step)."""
    problems = []
    rng = np.random.default_rng(7)
    for w, g, E, eta in _step_cases(rng):
        want_w, want_E = _reference_rmsprop_step(w, g, E, eta)
        what = f"rmsprop_step(w={np.round(w, 3)}, g={np.round(g, 3)}, E={np.round(E, 3)}, eta={eta:.3g})"
        with np.errstate(all="ignore"):
            result, problem = exercises.call(what, fn, w.copy(), g.copy(), E.copy(), eta)
        if problem:
            problems.append(problem)
            break
        pair, problem = _as_pair(what, result)
        if problem:
            problems.append(problem.replace("the new sum", "the new average E"))
            break
        got_w, got_E = pair
        if got_E.shape != want_E.shape or not np.allclose(got_E, want_E):
            if got_E.shape == E.shape and np.allclose(got_E, E):
                problems.append(f"{what}: E_new equals E; mix in the new squared gradient")
            elif got_E.shape == E.shape and np.allclose(got_E, E + g * g):
                problems.append(f"{what}: E_new = E + g**2 is Adagrad's sum, which only grows; "
                                "RMSprop keeps a running average: rho * E + (1 - rho) * g**2")
            elif got_E.shape == E.shape and np.allclose(got_E, (1 - 0.9) * E + 0.9 * g * g):
                problems.append(f"{what}: rho and 1 - rho are swapped; the old average gets the weight rho = 0.9")
            else:
                problems.append(exercises.expect_close(f"{what}: E_new", got_E, want_E, atol=1e-9, rtol=1e-9))
            break
        # rtol 1e-4: eps may sit inside or outside the square root
        if got_w.shape != want_w.shape or not np.allclose(got_w, want_w, rtol=1e-4, atol=1e-9):
            if got_w.shape == w.shape and np.allclose(got_w, w - eta * g):
                problems.append(f"{what}: w_new is plain gradient descent w - eta*g; divide by sqrt(E_new)")
            elif got_w.shape == w.shape and np.allclose(got_w, w - eta * g / (want_E + 1e-8)):
                problems.append(f"{what}: you divided by E_new; divide by its square root")
            elif got_w.shape == w.shape and np.allclose(got_w, 2 * w - want_w):
                problems.append(f"{what}: w_new moved uphill; subtract the step")
            else:
                problems.append(exercises.expect_close(f"{what}: w_new", got_w, want_w, atol=1e-9, rtol=1e-4))
            break
    if not problems:
        problem = _against_package(fn, optim.RMSprop, {"lr": 0.01, "rho": 0.9, "eps": 1e-8}, "RMSprop", rng,
                                   rtol=1e-3)
        if problem:
            problems.append(problem)
    return exercises.feedback(problems, hint="E_new = rho * E + (1 - rho) * g**2, then "
                              "w_new = w - eta * g / (np.sqrt(E_new) + eps)",
                              success="Correct: the same steps as optim.RMSprop")


def _against_package(fn, cls, kwargs, name, rng, n_steps=20, rtol=1e-6):
    """Run fn for n_steps on a 3-element parameter beside the package's optimizer; a problem or None."""
    point = optim.Point(w=rng.normal(size=3))
    opt = cls(point, **kwargs)
    w, state = point.params["w"].copy(), np.zeros(3)
    lr = kwargs["lr"]
    extra = {k: v for k, v in kwargs.items() if k != "lr"}
    for t in range(n_steps):
        g = rng.normal(size=3) * np.array([0.01, 1.0, 100.0])
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
        if w.shape != point.params["w"].shape or not np.allclose(w, point.params["w"], rtol=rtol, atol=1e-9):
            return (f"after {t + 1} steps your w is {np.round(w, 4)} but optim.{name} gives "
                    f"{np.round(point.params['w'], 4)}; pass the new state on to the next step")
    return None
