"""Notebook 02, softmax: figures, the softmax widget and exercise checks.

    from dltutor.lessons import softmax
    softmax.bars(ax, y, title=...)             # outputs as a labelled bar chart with their sum
    softmax.softmax_widget()                   # sliders z1, z2, z3 and a temperature T
    softmax.check_softmax(fn), softmax.check_cross_entropy(fn), softmax.check_predict_digits(fn)
"""
import numpy as np

from .. import exercises, nn, plot
from .. import widgets as _widgets


def sigma(z):
    """The sigmoid 1 / (1 + e^-z), written so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def bars(ax, y, labels=None, title=None, color=0, ylim=(0, 1.12), ylabel="output value"):
    """Outputs y as bars with their values on top, and their sum in the title."""
    y = np.asarray(y, dtype=np.float64)
    labels = [f"$y_{i + 1}$" for i in range(len(y))] if labels is None else labels
    hatch = [None, "//", "..", "xx"][color % 4]  # a pattern as well as a colour
    ax.bar(range(len(y)), y, color=plot.COLORS[color], hatch=hatch, edgecolor="black", linewidth=0.8)
    for i, v in enumerate(y):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(range(len(y)), labels)
    ax.set_ylim(*ylim)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel(ylabel or "")
    ax.set_title(f"{title}\nsum = {y.sum():.2f}" if title else f"sum = {y.sum():.2f}")
    ax.grid(axis="x", visible=False)
    return ax


def softmax_widget():
    """Sliders on z1, z2, z3 (and a temperature T): sigmoid(z) and softmax(z / T) side by side."""
    def draw(fig, z1, z2, z3, T):
        z = np.array([z1, z2, z3])
        left, right = fig.subplots(1, 2, sharey=True)
        bars(left, sigma(z), title="Ordinary layer: y_i = sigma(z_i)", color=1)
        bars(right, nn.softmax(z / T), title=f"Softmax layer (T = {T:g}): y = softmax(z / T)", color=0,
             ylabel=None)
        for ax in (left, right):
            ax.set_xlabel("output")
        e = np.exp(z / T - np.max(z / T))
        return (f"z = ({z1:g}, {z2:g}, {z3:g}).  Sigmoid outputs sum to {sigma(z).sum():.2f}; "
                f"softmax outputs always sum to 1.\n"
                f"The largest z gets the largest share. Softmax weights are e^(z_i/T), here in proportion "
                f"{e[0]:.3g} : {e[1]:.3g} : {e[2]:.3g}.")

    return _widgets.Interactive(
        draw, figsize=(7.6, 3.6),
        z1=_widgets.slider("z1", -6.0, 6.0, 3.0, 0.5),
        z2=_widgets.slider("z2", -6.0, 6.0, 1.0, 0.5),
        z3=_widgets.slider("z3", -6.0, 6.0, -3.0, 0.5),
        T=_widgets.slider("temperature T (divides z)", 0.25, 5.0, 1.0, 0.25))


# ---------------------------------------------------------------------------------------------
# Exercise checks
# ---------------------------------------------------------------------------------------------

def _reference_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def _numbers(got):
    """got as a float array, or None when it is not numbers."""
    try:
        return np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def check_softmax(softmax):
    """softmax(z) for a 1-D z must give e^{z_i} / sum_j e^{z_j} and stay finite for any z."""
    cases = [  # the slides' example first, then large and very negative logits
        ("z = (3, 1, -3) (the slides)", [3.0, 1.0, -3.0]),
        ("z = (0, 0, 0, 0)", [0.0, 0.0, 0.0, 0.0]),
        ("z = (1000, 0)", [1000.0, 0.0]),
        ("z = (-1000, -1000)", [-1000.0, -1000.0]),
        ("z = (1500, 0, -1500)", [1500.0, 0.0, -1500.0]),
    ]
    problems = []
    for what, z in cases:
        z = np.array(z)
        want = _reference_softmax(z)
        with np.errstate(all="ignore"):
            got, error = exercises.call(f"softmax({what})", softmax, z.copy())
        if error:
            problems.append(error)
            break
        arr = _numbers(got)
        if arr is not None and arr.shape == z.shape and np.allclose(arr, want, rtol=0, atol=1e-9):
            continue  # right
        if arr is not None and arr.shape == z.shape:
            with np.errstate(all="ignore"):
                if np.allclose(arr, np.exp(z)) and not np.allclose(want, np.exp(z)):
                    problems.append(f"for {what} you returned e^z; divide it by its sum so the outputs add up to 1")
                    break
            if not np.all(np.isfinite(arr)):
                big = z.max() > 700
                problems.append(
                    f"for {what} the result contains NaN or inf: {np.round(arr, 4)}. " +
                    ("e^z overflows to inf for z > 709, and inf / inf = NaN" if big else
                     "e^z underflows to 0 for z < -745, and 0 / 0 = NaN") +
                    ": subtract max(z) from z before np.exp")
                break
            if np.all(np.isfinite(arr)) and not np.isclose(arr.sum(), 1.0):
                problems.append(f"for {what} the outputs sum to {arr.sum():.4f}, not 1: divide e^z by its sum")
                break
        problem = exercises.expect_close(f"softmax({what})", got, want, atol=1e-9)
        if problem:
            problems.append(problem)
            break
    return exercises.feedback(problems, hint="e = np.exp(z - np.max(z)); return e / np.sum(e)",
                              success="Correct: your softmax sums to 1 and never overflows.")


def check_cross_entropy(cross_entropy):
    """cross_entropy(y, t) for probabilities y and the correct class t (an index) must be -ln y[t]."""
    y_slides = _reference_softmax([3.0, 1.0, -3.0])
    y_digits = _reference_softmax(np.linspace(-2.0, 2.5, 10) ** 2 - np.arange(10) / 4)
    cases = [("y = softmax(3, 1, -3), t = 0", y_slides, 0),
             ("y = softmax(3, 1, -3), t = 1", y_slides, 1),
             ("y = softmax(3, 1, -3), t = 2", y_slides, 2),
             ("ten outputs y, t = 7", y_digits, 7)]
    problems = []
    for what, y, t in cases:
        want = -np.log(y[t])
        with np.errstate(all="ignore"):
            got, error = exercises.call(f"cross_entropy({what})", cross_entropy, y.copy(), t)
        if error:
            problems.append(error)
            break
        arr = _numbers(got)
        if arr is not None and arr.size == 1 and np.isclose(float(arr.reshape(-1)[0]), want, rtol=0, atol=1e-9):
            continue  # right
        if arr is not None and arr.size == 1:
            v = float(arr.reshape(-1)[0])
            if np.isclose(v, np.log(y[t])):
                problems.append(f"for {what} you returned ln y_t = {v:.4f}, a negative number; the cost is "
                                "-ln y_t (>= 0, and 0 only when y_t = 1)")
                break
            if np.isclose(v, y[t]):
                problems.append(f"for {what} you returned y_t itself; the cost is -ln y_t (use np.log)")
                break
            if np.isclose(v, -np.log10(y[t])):
                problems.append(f"for {what} you used log base 10; cross entropy uses the natural log, np.log")
                break
            if np.isclose(v, -np.sum(np.log(y))):
                problems.append(f"for {what} you added -ln y_k over every class; only the correct class counts: "
                                "-sum_k t_k ln y_k with a one-hot t leaves -ln y_t")
                break
            others = [k for k in range(len(y)) if k != t and np.isclose(v, -np.log(y[k]))]
            if others:
                problems.append(f"for {what} you returned -ln y[{others[0]}], the wrong class's output: "
                                f"t = {t} is the index of the correct class, counting from 0")
                break
        elif arr is not None and arr.ndim > 0 and arr.size > 1:
            problems.append(f"for {what} you returned {arr.size} numbers; the cost of one example is one number")
            break
        value = float(arr.reshape(-1)[0]) if arr is not None and arr.size == 1 else got
        problem = exercises.expect_close(f"cross_entropy({what})", value, want, atol=1e-9)
        if problem:
            problems.append(problem)
            break
    return exercises.feedback(problems, hint="return -np.log(y[t])",
                              success="Correct: the cost is small when the correct class gets a large probability.")


def check_predict_digits(predict_digits):
    """predict_digits(Y) for Y of shape (n, 10) must return the n digits with the largest outputs."""
    rng = np.random.default_rng(3)
    digits = np.array([7, 2, 1, 0, 4, 9, 5])
    Y = _reference_softmax_rows(rng.normal(size=(len(digits), 10)))
    Y[np.arange(len(digits)), digits] += 1.0  # make each row's winner clear
    Y /= Y.sum(axis=1, keepdims=True)
    one = Y[3:4]
    problems = []
    for what, Yc, want in [("7 examples", Y, digits), ("1 example", one, digits[3:4])]:
        got, error = exercises.call(f"predict_digits(Y with {what})", predict_digits, Yc.copy())
        if error:
            problems.append(error)
            break
        arr = _numbers(got)
        if arr is not None and arr.shape == want.shape and np.array_equal(arr, want):
            continue  # right
        if arr is not None:
            if arr.ndim == 0:
                problems.append(f"for Y with {what} you returned one number ({got}); np.argmax without an axis "
                                "looks at all numbers at once: use axis=1 (across each row's ten outputs)")
                break
            if arr.shape == (10,) and len(Yc) != 10:
                problems.append(f"for Y with {what} you returned 10 numbers, one per column: axis=0 goes down "
                                "the columns; use axis=1 (across each row's ten outputs)")
                break
            if arr.shape == want.shape and np.allclose(arr, Yc.max(axis=1)):
                problems.append(f"for Y with {what} you returned the largest values; the digit is their "
                                "position: np.argmax, not np.max")
                break
            if arr.shape == want.shape and np.array_equal(arr, want + 1):
                problems.append(f"for Y with {what} your digits are one too large: column k is digit k, "
                                "counting from 0")
                break
        problem = exercises.expect_close(f"predict_digits(Y with {what})", got, want, atol=0)
        if problem:
            problems.append(problem)
            break
    return exercises.feedback(problems, hint="return np.argmax(Y, axis=1)",
                              success="Correct: each example's answer is the digit whose output is largest.")


def _reference_softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
