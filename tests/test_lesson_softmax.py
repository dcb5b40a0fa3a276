"""Notebook 02's lesson module: the softmax widget and the exercise checks."""
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dltutor import nn, slides  # noqa: E402
from dltutor.lessons import softmax as lesson  # noqa: E402


# --- the solutions the notebook shows, and typical wrong answers ---------------------------------

def softmax_solution(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def cross_entropy_solution(y, t):
    return -np.log(y[t])


def predict_digits_solution(Y):
    return np.argmax(Y, axis=1)


def test_the_slides_softmax_numbers():
    # The slides round e^z to (20, 2.7, 0.05): within 1% of (20.09, 2.72, 0.0498).
    np.testing.assert_allclose(np.exp(slides.SOFTMAX_Z), slides.SOFTMAX_EXP_Z, rtol=0.01)
    np.testing.assert_allclose(np.round(softmax_solution(slides.SOFTMAX_Z), 2), slides.SOFTMAX_Y)
    np.testing.assert_allclose(nn.softmax(slides.SOFTMAX_Z), softmax_solution(slides.SOFTMAX_Z))


def naive(z):
    return np.exp(z) / np.sum(np.exp(z))


def minus_min(z):
    e = np.exp(z - np.min(z))
    return e / e.sum()


def minus_mean(z):
    e = np.exp(z - np.mean(z))
    return e / e.sum()


def in_place(z):
    z -= z.max()
    return np.exp(z) / np.exp(z).sum()


# --- widget and figure --------------------------------------------------------------------------

def test_softmax_widget_draws_everywhere_and_fast():
    widget = lesson.softmax_widget()
    assert widget.last_error is None and widget.image.value
    assert all(control.description for control in widget.controls.values())
    assert "Sigmoid outputs sum to 1.73" in widget.text.value
    assert widget.sweep() == []
    start = time.process_time()  # CPU time: a busy machine does not fail the test
    widget.update()
    assert time.process_time() - start < 1.0


def test_softmax_widget_extreme_logits_stay_finite():
    widget = lesson.softmax_widget()
    widget.controls["T"].value = widget.controls["T"].min
    widget.controls["z1"].value = widget.controls["z1"].max
    widget.controls["z2"].value = widget.controls["z2"].min
    assert widget.last_error is None
    assert "nan" not in widget.text.value.lower()


def test_bars():
    fig, ax = plt.subplots()
    lesson.bars(ax, [0.88, 0.12, 0.0], title="softmax")
    assert "sum = 1.00" in ax.get_title()
    plt.close(fig)


# --- the exercise checkers: correct variants pass, typical wrong answers are named -----------------

def softmax_loop(z):
    m = max(float(v) for v in z)
    e = [np.exp(float(v) - m) for v in z]
    return [v / sum(e) for v in e]                    # a list, from a loop


def softmax_float32(z):
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(z - z.max())
    return e / e.sum()


@pytest.mark.parametrize("answer", [softmax_solution, softmax_loop, softmax_float32, in_place, nn.softmax])
def test_check_softmax_accepts_correct_variants(answer):
    assert lesson.check_softmax(answer).ok


@pytest.mark.parametrize("answer, name", [
    (naive, "naive formula"),
    (lambda z: np.exp(z - np.max(z)) / np.exp(z - np.max(z)).max(), "divided by the largest"),
    (lambda z: naive(np.clip(z, -700, 700)), "clipped"),
    (lambda z: np.exp(z), "without dividing"),
    (minus_min, "min(z)"),
])
def test_check_softmax_names_the_mistake(answer, name):
    with np.errstate(all="ignore"):
        feedback = lesson.check_softmax(answer)
    text = repr(feedback)
    assert not feedback.ok and name in text, text
    assert "np.max" not in text and "Solution" not in text       # level 1 gives no answer


def test_a_clipping_softmax_fails_on_1000_999():
    clipped = lambda z: naive(np.clip(z, -700, 700))  # noqa: E731
    assert np.allclose(clipped(np.array([1000.0, 999.0])), [0.5, 0.5])
    text = repr(lesson.check_softmax(clipped))
    assert "(1000, 999)" in text and "clipped" in text


def test_check_softmax_hints_come_in_steps():
    level1, level2, level3 = (repr(lesson.check_softmax(naive, hint=h)) for h in (1, 2, 3))
    assert "Formula" not in level1 and "Formula" in level2 and "Solution" not in level2
    assert "np.exp(z - np.max(z))" in level3


@pytest.mark.parametrize("answer", [cross_entropy_solution, lambda y, t: float(-np.log(y[t])),
                                    lambda y, t: -np.sum(np.eye(len(y))[t] * np.log(y)),
                                    lambda y, t: -np.log(np.float32(y[t]))])
def test_check_cross_entropy_accepts_correct_variants(answer):
    assert lesson.check_cross_entropy(answer).ok


@pytest.mark.parametrize("answer, name", [
    (lambda y, t: np.log(y[t]), "sign is missing"),
    (lambda y, t: y[t], "y_t itself"),
    (lambda y, t: -np.log10(y[t]), "base-10"),
    (lambda y, t: -np.sum(np.log(y)), "every class"),
    (lambda y, t: -np.log(y[t + 1]), "another class"),
])
def test_check_cross_entropy_names_the_mistake(answer, name):
    text = repr(lesson.check_cross_entropy(answer))
    assert name in text and "np.log(y[t])" not in text, text


def ce_logits_solution(z, t):
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m))) - z[t]


@pytest.mark.parametrize("answer", [
    ce_logits_solution,
    lambda z, t: -(z - np.max(z) - np.log(np.sum(np.exp(z - np.max(z)))))[t],     # log-softmax, then pick
    lambda z, t: nn.CrossEntropy().from_logits(np.asarray(z)[None, :], [t]),
    lambda z, t: np.float32(ce_logits_solution(z, t)),                            # a float32 result
])
def test_check_cross_entropy_from_logits_accepts_correct_variants(answer):
    assert lesson.check_cross_entropy_from_logits(answer).ok


@pytest.mark.parametrize("answer, name", [
    (lambda z, t: -np.log(softmax_solution(z)[t]), "-ln of the softmax output"),
    (lambda z, t: -np.log(max(softmax_solution(z)[t], np.finfo(float).tiny)), "708.4"),
    (lambda z, t: np.log(np.sum(np.exp(z))) - z[t], "without subtracting max"),
    (lambda z, t: -ce_logits_solution(z, t), "sign"),
    (lambda z, t: ce_logits_solution(z, t) + z[t], "left out"),
])
def test_check_cross_entropy_from_logits_names_the_mistake(answer, name):
    with np.errstate(all="ignore"):
        text = repr(lesson.check_cross_entropy_from_logits(answer))
    assert name in text, text


def test_cross_entropy_from_logits_is_exact_at_1000():
    z = np.array([1000.0, 0.0])
    assert ce_logits_solution(z, 1) == 1000.0
    assert nn.CrossEntropy().from_logits(z[None, :], [1]) == pytest.approx(1000.0)
    assert nn.CrossEntropy()(nn.softmax(z[None, :]), [1]) == pytest.approx(708.3964, abs=1e-3)


@pytest.mark.parametrize("answer", [predict_digits_solution, lambda Y: [int(np.argmax(r)) for r in Y],
                                    lambda Y: np.argmax(np.asarray(Y, np.float32), axis=-1)])
def test_check_predict_digits_accepts_correct_variants(answer):
    assert lesson.check_predict_digits(answer).ok


@pytest.mark.parametrize("answer, name", [
    (lambda Y: np.argmax(Y), "without an axis"),
    (lambda Y: np.argmax(Y, axis=0), "axis=0"),
    (lambda Y: np.max(Y, axis=1), "largest values"),
    (lambda Y: np.argmax(Y, axis=1) + 1, "one too large"),
])
def test_check_predict_digits_names_the_mistake(answer, name):
    text = repr(lesson.check_predict_digits(answer))
    assert name in text and "argmax(Y, axis=1)" not in text, text


# --- other correct forms and slips learners make --------------------------------------------------

@pytest.mark.parametrize("check, answer", [
    (lesson.check_cross_entropy, lambda y, t: -np.log(y[t] + 1e-6)),            # an eps for safety
    (lesson.check_cross_entropy, lambda y, t: -np.log(y[[t]])),                 # one number in an array
    (lesson.check_cross_entropy_from_logits,                                    # computed in float32
     lambda z, t: float(ce_logits_solution(z.astype(np.float32), t))),
    (lesson.check_predict_digits, lambda Y: np.argmax(Y, axis=1).reshape(-1, 1)),   # a column
])
def test_checks_accept_other_correct_forms(check, answer):
    assert check(answer).ok, repr(check(answer))


def shifted(z, c):
    e = np.exp(z - c)
    return e / e.sum()


def lse_shifted_by_mean(z, t):
    m = np.mean(z)
    return m + np.log(np.sum(np.exp(z - m))) - z[t]


@pytest.mark.parametrize("check, answer, name", [
    (lesson.check_softmax, lambda z: shifted(z, np.mean(z)), "mean of z"),
    (lesson.check_softmax, lambda z: shifted(z, -np.max(z)), "added max(z)"),
    (lesson.check_softmax, lambda z: np.exp(z - np.max(z)) / np.sum(np.exp(z)), "numerator or the denominator"),
    (lesson.check_softmax, lambda z: np.exp(z) / np.sum(np.exp(z - np.max(z))), "numerator or the denominator"),
    (lesson.check_softmax, lambda z: shifted(-z, -np.max(z)), "sign is reversed"),
    (lesson.check_softmax, lambda z: z / np.sum(z), "no e^"),
    (lesson.check_softmax, lambda z: np.nan_to_num(naive(z)), "hides the overflow"),
    (lesson.check_cross_entropy, lambda y, t: -np.log(np.max(y)), "largest output"),
    (lesson.check_cross_entropy, lambda y, t: -np.log(1 - y[t]), "-ln(1 - y_t)"),
    (lesson.check_cross_entropy, lambda y, t: -y[t] * np.log(y[t]), "-y_t ln y_t"),
    (lesson.check_cross_entropy, lambda y, t: -np.sum(y * np.log(y)), "entropy of y"),
    (lesson.check_cross_entropy, lambda y, t: -np.log(y), "every class: the cost is one number"),
    (lesson.check_cross_entropy, lambda y, t: -np.log2(y[t]), "base-2"),
    (lesson.check_cross_entropy_from_logits, lse_shifted_by_mean, "mean of z"),
    (lesson.check_cross_entropy_from_logits, lambda z, t: ce_logits_solution(z, t) - np.max(z), "not added back"),
    (lesson.check_cross_entropy_from_logits, lambda z, t: -np.log(softmax_solution(z)[t] + 1e-12), "an eps or a clip"),
    (lesson.check_cross_entropy_from_logits, lambda z, t: ce_logits_solution(z, 0) + z[0] - z, "every class"),
    (lesson.check_cross_entropy_from_logits, lambda z, t: np.max(z) - z[t], "max(z) - z_t"),
    (lesson.check_cross_entropy_from_logits, lambda z, t: ce_logits_solution(z, (t + 1) % len(z)), "another class's z"),
    (lesson.check_predict_digits, lambda Y: np.argmin(Y, axis=1), "smallest output"),
    (lesson.check_predict_digits, lambda Y: np.argsort(Y, axis=1)[:, 0], "smallest output"),
    (lesson.check_predict_digits, lambda Y: (Y == Y.max(axis=1, keepdims=True)).astype(int), "0s and 1s"),
])
def test_checks_name_the_slips_learners_make(check, answer, name):
    text = repr(check(answer))
    assert "It looks like" in text and name in text, text
    assert "Solution" not in text and "Formula" not in text
    assert all(line not in text for line in check.solution().splitlines()[1:])   # no line of the answer
