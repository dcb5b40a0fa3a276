"""Notebook 02, softmax: figures, the softmax widget and exercise checks.

    from dltutor.lessons import softmax
    softmax.bars(ax, y, title=...)             # outputs as a labelled bar chart with their sum
    softmax.softmax_widget()                   # sliders z1, z2, z3 and a temperature T
    softmax.check_softmax(fn), softmax.check_cross_entropy(fn), softmax.check_cross_entropy_from_logits(fn),
    softmax.check_predict_digits(fn)         # exercises.Exercise tables: call with hint=2 or 3 for more
"""
import numpy as np

from .. import exercises, nn, plot
from .. import widgets as _widgets


sigma = nn.sigmoid  # the package's sigmoid: 1 / (1 + e^-z), never overflows


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
# Exercise checks: each is a table of cases and typical mistakes (see dltutor.exercises)
# ---------------------------------------------------------------------------------------------
from ..exercises import Case, Mistake  # noqa: E402
from ..exercises import Exercise as _Exercise  # noqa: E402


class Exercise(_Exercise):
    """An exercises.Exercise that runs the learner's code with numpy's floating-point warnings
    silenced: an overflow is reported in the feedback, not as a warning above it."""

    def __call__(self, answer, hint=1):
        with np.errstate(all="ignore"):
            return super().__call__(answer, hint)


def _reference_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _naive_softmax(z):
    with np.errstate(all="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float64))
        return e / e.sum()


def _logsumexp(z):
    z = np.asarray(z, dtype=np.float64)
    m = z.max()
    return m + np.log(np.sum(np.exp(z - m)))


def _close(got, want):
    """True when got has want's shape and values (a test for Mistake(when=...))."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    return got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-12)


# Only one side of the fraction shifted by max(z): off by a factor e^max(z) one way or the other.
_one_sided = [lambda z: np.exp(z - np.max(z)) / np.sum(np.exp(z)),
              lambda z: np.exp(z) / np.sum(np.exp(z - np.max(z)))]

check_softmax = Exercise(
    "softmax(z)",
    reference=_reference_softmax,
    cases=[Case("z = (3, 1, -3) (the slides)", np.array([3.0, 1.0, -3.0])),
           Case("z = (0, 0, 0, 0)", np.array([0.0, 0.0, 0.0, 0.0])),
           Case("z = (300, -500)", np.array([300.0, -500.0])),
           Case("z = (1000, 0)", np.array([1000.0, 0.0])),
           Case("z = (1000, 999)", np.array([1000.0, 999.0])),
           Case("z = (-1000, -1000)", np.array([-1000.0, -1000.0])),
           Case("z = (1500, 0, -1500)", np.array([1500.0, 0.0, -1500.0]))],
    mistakes=[
        Mistake("you returned e^z without dividing by its sum", like=lambda z: np.exp(z),
                nudge="the outputs must add up to 1: what do you divide by?"),
        Mistake("you subtracted the mean of z: the largest exponent can still overflow",
                like=lambda z: _naive_softmax(z - np.mean(z)),
                nudge="after the shift, the largest exponent should be e^0"),
        Mistake("the naive formula: e^z overflows to inf for z > 709, and inf / inf = NaN",
                like=_naive_softmax,
                nudge="softmax does not change if you subtract the same number from every z_i; "
                      "which number keeps every exponent <= 0?"),
        Mistake("z was clipped to a fixed range (e.g. +-700) before exp: that changes the "
                "differences between the z_i, and softmax depends only on those",
                like=lambda z: _naive_softmax(np.clip(z, -700, 700)),
                nudge="clipping makes (1000, 999) look like (700, 700); shift z instead of cutting it"),
        Mistake("you subtracted min(z); then the largest exponent can still overflow",
                like=lambda z: _naive_softmax(z - np.min(z)),
                nudge="after the shift, the largest exponent should be e^0"),
        Mistake("you divided by the largest e^z instead of by the sum",
                like=lambda z: np.exp(z - np.max(z)),
                nudge="the outputs must add up to 1"),
        Mistake("you added max(z) instead of subtracting it: the exponents grow, and overflow",
                like=lambda z: _naive_softmax(z + np.max(z)),
                nudge="after the shift, the largest exponent should be e^0"),
        Mistake("the shift is in the numerator or the denominator only: then it no longer cancels",
                when=lambda got, case: np.max(case.args[0]) < 700 and any(
                    _close(got, f(case.args[0])) for f in _one_sided),
                nudge="the same e^(-c) must appear above and below the fraction"),
        Mistake("the exponent's sign is reversed: the largest z gets the smallest output",
                like=lambda z: _naive_softmax(np.max(z) - z), nudge="softmax keeps the order of the z_i"),
        Mistake("the NaN was replaced by a number (e.g. np.nan_to_num): that hides the overflow, it does "
                "not fix it", like=lambda z: np.nan_to_num(_naive_softmax(z)),
                nudge="softmax does not change if you subtract the same number from every z_i; "
                      "which number keeps every exponent <= 0?"),
        Mistake("there is no e^ in it: softmax divides e^z_i, not z_i, by a sum",
                like=lambda z: z / np.sum(z), nudge="each output is e^z_i over a sum"),
    ],
    nudge="each output is e^z_i divided by the sum of all the e^z_j, computed so that no exponent overflows",
    formula="y_i = e^(z_i - c) / sum_j e^(z_j - c) with c = max(z): the same softmax, largest exponent e^0 = 1",
    solution="def softmax(z):\n    e = np.exp(z - np.max(z))\n    return e / np.sum(e)",
    success="Correct: your softmax sums to 1 and never overflows.")


_Y_SLIDES = _reference_softmax([3.0, 1.0, -3.0])
_Y_TEN = _reference_softmax(np.linspace(-2.0, 2.5, 10) ** 2 - np.arange(10) / 4)


def _other_class(got, case):
    """True when got is -ln y_k for a class k other than the correct one."""
    y, t = case.args
    v = float(np.asarray(got, dtype=np.float64).reshape(-1)[0]) if np.size(got) == 1 else np.nan
    return any(np.isclose(v, -np.log(y[k])) for k in range(len(y)) if k != t)


check_cross_entropy = Exercise(
    "cross_entropy(y, t)",
    reference=lambda y, t: -np.log(y[t]),
    cases=[Case("y = softmax(3, 1, -3), t = 0", _Y_SLIDES, 0),
           Case("y = softmax(3, 1, -3), t = 1", _Y_SLIDES, 1),
           Case("y = softmax(3, 1, -3), t = 2", _Y_SLIDES, 2),
           Case("ten outputs y, t = 7", _Y_TEN, 7)],
    mistakes=[
        Mistake("you returned ln y_t, a negative number: the sign is missing", like=lambda y, t: np.log(y[t]),
                nudge="a cost is >= 0, and 0 only when y_t = 1"),
        Mistake("you returned y_t itself", like=lambda y, t: y[t], nudge="the cost is a logarithm of y_t"),
        Mistake("you used the base-10 logarithm", like=lambda y, t: -np.log10(y[t]),
                nudge="cross entropy uses the natural logarithm"),
        Mistake("you added -ln y_k over every class", like=lambda y, t: -np.sum(np.log(y)),
                nudge="with a one-hot target only the correct class's term is left"),
        Mistake("you returned -ln y_k for every class: the cost is one number, for the correct class",
                like=lambda y, t: -np.log(y), nudge="t says which output is the correct class's"),
        Mistake("you used the largest output, whatever the correct class", like=lambda y, t: -np.log(np.max(y)),
                nudge="the correct class is t, not the class the network likes best"),
        Mistake("you took another class's output: t is the index of the correct class, counting from 0",
                when=_other_class, nudge="t = 0 means the first output"),
        Mistake("-ln(1 - y_t): 1 - y_t is the probability of every other class",
                like=lambda y, t: -np.log(1 - y[t]), nudge="the cost is small when y_t is near 1"),
        Mistake("-y_t ln y_t: the target's one-hot t_k is 1 for the correct class, not y_t",
                like=lambda y, t: -y[t] * np.log(y[t]), nudge="the target is one-hot: t_k is 1 or 0"),
        Mistake("-sum_k y_k ln y_k: that is the entropy of y, with y used as its own target",
                like=lambda y, t: -np.sum(y * np.log(y)), nudge="the target is one-hot: t_k is 1 or 0"),
        Mistake("you used the base-2 logarithm", like=lambda y, t: -np.log2(y[t]),
                nudge="cross entropy uses the natural logarithm"),
    ],
    nudge="the cost depends only on the probability the network gave to the correct class",
    formula="L = -sum_k t_k ln y_k = -ln y_t for a one-hot target",
    solution="def cross_entropy(y, t):\n    return -np.log(y[t])",
    rtol=1e-4,  # -ln(y_t + eps) with an eps up to 1e-6 is fine
    success="Correct: the cost is small when the correct class gets a large probability.")


def _minus_log_softmax(z, t):
    with np.errstate(divide="ignore"):
        return -np.log(_reference_softmax(z)[t])


def _minus_log_softmax_clipped(z, t):
    return -np.log(max(_reference_softmax(z)[t], np.finfo(np.float64).tiny))


def _lse_shifted_by(z, m):
    with np.errstate(over="ignore"):
        return m + np.log(np.sum(np.exp(z - m)))


def _underflow_kept_finite(got, case):
    """softmax(z)_t is 0 in float64, and the answer is a finite number far from the true cost."""
    z, t = case.args
    v = float(np.ravel(got)[0]) if np.size(got) == 1 else np.nan
    return _reference_softmax(z)[t] == 0 and np.isfinite(v) and not np.isclose(v, _logsumexp(z) - z[t])


def _lse_without_shift(z, t):
    with np.errstate(over="ignore"):
        return np.log(np.sum(np.exp(z))) - z[t]


check_cross_entropy_from_logits = Exercise(
    "cross_entropy_from_logits(z, t)",
    reference=lambda z, t: _logsumexp(z) - z[t],
    cases=[Case("z = (3, 1, -3), t = 0", np.array([3.0, 1.0, -3.0]), 0),
           Case("z = (3, 1, -3), t = 2", np.array([3.0, 1.0, -3.0]), 2),
           Case("z = (1000, 0), t = 0", np.array([1000.0, 0.0]), 0),
           Case("z = (1000, 0), t = 1", np.array([1000.0, 0.0]), 1),
           Case("z = (-1000, -1000), t = 0", np.array([-1000.0, -1000.0]), 0),
           Case("z = (1500, 0, -1500), t = 2", np.array([1500.0, 0.0, -1500.0]), 2)],
    mistakes=[
        Mistake("you shifted by the mean of z: the largest exponent can still overflow",
                like=lambda z, t: _lse_shifted_by(z, np.mean(z)) - z[t],
                nudge="which shift keeps every exponent <= 0?"),
        Mistake("you took -ln of the softmax output: softmax(1000, 0)[1] is exactly 0 in float64, "
                "and -ln 0 = inf", like=_minus_log_softmax,
                nudge="write ln y_t without ever computing y_t: ln(e^a / s) = a - ln s"),
        Mistake("you took -ln of the softmax output with a clip at the smallest float: that gives "
                "708.4, not the true cost", like=_minus_log_softmax_clipped,
                nudge="write ln y_t without ever computing y_t: ln(e^a / s) = a - ln s"),
        Mistake("you took -ln of the softmax output, kept finite by an eps or a clip: softmax(z)_t is exactly "
                "0 here, so the cost you get comes from the eps, not from z", when=_underflow_kept_finite,
                nudge="write ln y_t without ever computing y_t: ln(e^a / s) = a - ln s"),
        Mistake("ln(sum e^z) without subtracting max(z) first: e^1000 overflows", like=_lse_without_shift,
                nudge="the max-shift trick from softmax works inside the logarithm too"),
        Mistake("the shift m = max(z) was taken out of the sum but not added back",
                like=lambda z, t: _logsumexp(z) - np.max(z) - z[t],
                nudge="what did subtracting m from every z_j take out of the sum?"),
        Mistake("you returned the cost for every class: one number, for class t",
                like=lambda z, t: _logsumexp(z) - z, nudge="t says which class is the correct one"),
        Mistake("max(z) - z_t: ln(sum e^z) is close to max(z), but not equal to it",
                like=lambda z, t: np.max(z) - z[t], nudge="ln(sum e^z) is a little larger than max(z): what did you leave out?"),
        Mistake("you took another class's z: t is the index of the correct class, counting from 0",
                when=lambda got, case: np.size(got) == 1 and any(
                    np.isclose(float(np.ravel(got)[0]), _logsumexp(case.args[0]) - case.args[0][k])
                    for k in range(len(case.args[0])) if case.args[0][k] != case.args[0][case.args[1]]),
                nudge="t = 0 means the first output"),
        Mistake("the sign is the wrong way round", like=lambda z, t: z[t] - _logsumexp(z),
                nudge="a cost is >= 0"),
        Mistake("you left out the correct class's z_t", like=lambda z, t: _logsumexp(z),
                nudge="the cost depends on which class is correct: where does t come in?"),
    ],
    nudge="-ln y_t written with z only, so that it stays exact when y_t underflows to 0",
    formula="-ln y_t = ln(sum_j e^z_j) - z_t = m + ln(sum_j e^(z_j - m)) - z_t with m = max(z)",
    solution="def cross_entropy_from_logits(z, t):\n    m = np.max(z)\n"
             "    return m + np.log(np.sum(np.exp(z - m))) - z[t]",
    atol=1e-4,  # a float32 computation loses about 1e-4 next to logits of 1000
    success="Correct: the cost is exact for logits of any size.")


def _digits_batch():
    rng = np.random.default_rng(3)
    digits = np.array([7, 2, 1, 0, 4, 9, 5])
    Y = _reference_softmax(rng.normal(size=(len(digits), 10)))
    Y[np.arange(len(digits)), digits] += 1.0  # make each row's winner clear
    return Y / Y.sum(axis=1, keepdims=True)


_Y_DIGITS = _digits_batch()

check_predict_digits = Exercise(
    "predict_digits(Y)",
    reference=lambda Y: np.argmax(Y, axis=1),
    cases=[Case("Y with 7 examples", _Y_DIGITS), Case("Y with 1 example", _Y_DIGITS[3:4]),
           Case("Y with 12 examples", np.vstack([_Y_DIGITS, _Y_DIGITS[:5]]))],
    mistakes=[
        Mistake("np.argmax without an axis: one position among all the numbers at once",
                when=lambda got, case: np.ndim(got) == 0,
                nudge="you want one answer per row"),
        Mistake("axis=0 goes down the columns: one number per column, not per example",
                like=lambda Y: np.argmax(Y, axis=0), nudge="look across each row's ten outputs"),
        Mistake("you returned the largest values; the digit is their position",
                like=lambda Y: np.max(Y, axis=1), nudge="which numpy function gives a position?"),
        Mistake("your digits are one too large: column k is digit k, counting from 0",
                like=lambda Y: np.argmax(Y, axis=1) + 1, nudge="column 0 is the digit 0"),
        Mistake("you took the position of the smallest output (argmin, or the first of argsort)",
                like=lambda Y: np.argmin(Y, axis=1), nudge="the largest output is the network's answer"),
        Mistake("you returned a table of 0s and 1s marking each row's largest output: the answer is its "
                "position, one number per example",
                when=lambda got, case: np.shape(got) == np.shape(case.args[0]) and np.allclose(
                    got, case.args[0] == np.max(case.args[0], axis=1, keepdims=True)),
                nudge="which numpy function gives a position?"),
    ],
    nudge="for each row, the position of its largest output",
    formula="digit of example r = argmax_k Y[r, k]",
    solution="def predict_digits(Y):\n    return np.argmax(Y, axis=1)",
    column_ok=True,
    success="Correct: each example's answer is the digit whose output is largest.")
