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


def test_check_softmax_accepts_the_solution():
    assert lesson.check_softmax(softmax_solution).ok
    assert lesson.check_softmax(lambda z: nn.softmax(z)).ok


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


@pytest.mark.parametrize("wrong, message", [
    (lambda z: np.zeros(len(z)), "sum to 0.0000, not 1"),
    (naive, "for z = (1000, 0) the result contains NaN or inf"),
    (minus_min, "e^z overflows to inf"),
    (minus_mean, "z = (1500, 0, -1500)"),
    (lambda z: np.exp(z), "you returned e^z"),
    (lambda z: np.exp(z - z.max()), "divide e^z by its sum"),
    (lambda z: None, "forget `return`"),
    (lambda z: z.softmax(), "AttributeError"),
])
def test_check_softmax_explains_wrong_answers(wrong, message):
    result = lesson.check_softmax(wrong)
    assert not result.ok
    assert message in repr(result), repr(result)
    assert "Hint" in repr(result)


def test_check_softmax_does_not_warn_on_naive_code():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not lesson.check_softmax(naive).ok


def test_check_softmax_accepts_in_place_subtraction():
    assert lesson.check_softmax(in_place).ok


def test_check_cross_entropy_accepts_the_solution():
    assert lesson.check_cross_entropy(cross_entropy_solution).ok
    assert lesson.check_cross_entropy(lambda y, t: -np.sum(np.eye(len(y))[t] * np.log(y))).ok


@pytest.mark.parametrize("wrong, message", [
    (lambda y, t: np.log(y[t]), "a negative number"),
    (lambda y, t: y[t], "use np.log"),
    (lambda y, t: -np.log10(y[t]), "log base 10"),
    (lambda y, t: -np.sum(np.log(y)), "only the correct class counts"),
    (lambda y, t: -np.log(y[t - 1]), "the wrong class's output"),
    (lambda y, t: -np.log(y), "one number"),
    (lambda y, t: 0.0, "expected"),
    (lambda y, t: y[10], "IndexError"),
])
def test_check_cross_entropy_explains_wrong_answers(wrong, message):
    result = lesson.check_cross_entropy(wrong)
    assert not result.ok
    assert message in repr(result), repr(result)


def test_check_predict_digits_accepts_the_solution():
    assert lesson.check_predict_digits(predict_digits_solution).ok
    assert lesson.check_predict_digits(lambda Y: [int(np.argmax(row)) for row in Y]).ok


@pytest.mark.parametrize("wrong, message", [
    (lambda Y: np.argmax(Y), "without an axis"),
    (lambda Y: np.max(Y, axis=1), "np.argmax, not np.max"),
    (lambda Y: np.argmax(Y, axis=1) + 1, "one too large"),
    (lambda Y: np.zeros(len(Y)), "expected"),
    (lambda Y: Y.argmax(axis=2), "AxisError"),
])
def test_check_predict_digits_explains_wrong_answers(wrong, message):
    result = lesson.check_predict_digits(wrong)
    assert not result.ok
    assert message in repr(result), repr(result)


def test_check_predict_digits_axis0():
    # axis=0 on a (7, 10) batch gives 10 numbers, one per column.
    result = lesson.check_predict_digits(lambda Y: np.argmax(Y, axis=0))
    assert not result.ok and "axis=0" in repr(result)


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
