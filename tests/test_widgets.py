"""Interactive figures headless: the widgets whose lesson tests do not sweep them are moved to
every extreme (each control must change the picture); an error while drawing is shown in the
widget; bad controls get a clear error; pictures carry alt text and a natural size; the stored
text of a widget is a sentence."""
import importlib
import inspect
import pkgutil

import ipywidgets as W
import numpy as np
import pytest

import dltutor.lessons
from dltutor import widgets

# Swept by their own lesson's tests (tests/test_lesson_*.py); not swept twice.
SWEPT_ELSEWHERE = {
    "adaptive_lr.surface_widget", "adaptive_lr.rates_widget", "dropout.thinned_network_widget",
    "dropout.overfitting_widget", "gradient_descent.digit_picker_widget",
    "neurons.neuron_1d_widget", "neurons.neuron_2d_widget", "neurons.network_widget",
    "relu_maxout.recipe_widget", "relu_maxout.sigmoids_widget", "relu_maxout.thinner_widget",
    "relu_maxout.maxout_pieces_widget", "relu_maxout.perturb_widget", "softmax.softmax_widget",
    "why_deep.universality_widget",
}


def _builders():
    found = []
    for info in pkgutil.iter_modules(dltutor.lessons.__path__):
        module = importlib.import_module(f"dltutor.lessons.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_widget") and fn.__module__ == module.__name__:
                if f"{info.name}.{name}" not in SWEPT_ELSEWHERE:
                    found.append(pytest.param(fn, id=f"{info.name}.{name}"))
    return found


@pytest.mark.parametrize("build", _builders())
def test_widget_redraws_at_every_extreme(build):
    required = [p for p in inspect.signature(build).parameters.values() if p.default is inspect.Parameter.empty]
    if required:
        pytest.skip(f"needs arguments {[p.name for p in required]}; covered by its lesson's tests")
    w = build()
    assert isinstance(w, widgets.Interactive)
    assert w.last_error is None and w.image.value[:4] == b"\x89PNG"
    for control in w.controls.values():
        assert control.description, "every control needs a description"
    assert w.sweep(require_change=True) == []


def _draw(fig, w, n):
    if n > 3:
        raise ValueError("n too large for this drawing")
    ax = fig.subplots()
    ax.plot(np.arange(5) * w)
    ax.set(title="a line of slope w", xlabel="x", ylabel="y")
    return f"w = {w:.1f} < 2"


def _widget():
    return widgets.Interactive(_draw, w=widgets.slider("w", 0.0, 1.0, 0.5),
                               n=widgets.slider("n", 1, 5, 1, integer=True))


def test_an_error_in_the_callback_is_shown_in_the_widget():
    w = _widget()
    assert w.text.value.endswith("w = 0.5 &lt; 2</pre>")
    png = w.image.value
    w.controls["w"].value = 1.0
    assert w.image.value != png  # moving a slider redraws
    w.controls["n"].value = 5
    assert "n too large for this drawing" in w.error.value and isinstance(w.last_error, ValueError)
    w.controls["n"].value = 2
    assert w.error.value == "" and w.last_error is None  # and recovers
    assert w.sweep() == ["n=5: ValueError('n too large for this drawing')"]


def test_picture_natural_size_hidpi_alt_text_and_state():
    w = _widget()
    assert (w.image.width, w.image.height) == (6.4 * 80 * 2, 4.0 * 80 * 2)  # drawn at 2x
    assert "width='512'" in w.picture.value and "data:image/png;base64," in w.picture.value
    assert w.image.alt == "Figure: a line of slope w. Controls: w = 0.5, n = 1."
    assert "alt='Figure: a line of slope w. Controls: w = 0.5, n = 1.'" in w.picture.value
    assert "aria-live='polite'" in w.state.value and "w = 0.5, n = 1" in w.state.value
    assert "aria-label" in w.picture.value  # the controls get their names on load
    w.controls["w"].value = 0.25
    assert "w = 0.25, n = 1" in w.state.value
    assert all(c.tooltip == c.description for c in w.controls.values())


def test_the_stored_text_is_a_sentence():
    w = _widget()
    assert repr(w) == widgets.REPR
    assert w._repr_mimebundle_()["text/plain"].startswith("Interactive figure: run this cell")


def test_the_layout_is_reused_while_the_axes_stay_the_same():
    w = _widget()
    first = w._fig
    w.controls["w"].value = 0.9
    assert w._fig is first  # same figure, cleared
    assert w.timings and all(t > 0 for t in w.timings)


@pytest.mark.parametrize("call, error, words", [
    (lambda: widgets.Interactive(_draw, w=0.1), TypeError, ["w=", "float", "widgets.slider"]),
    (lambda: widgets.Interactive(_draw, w="fast"), TypeError, ["w=", "str"]),
    (lambda: widgets.Interactive("draw", w=widgets.slider("w", 0, 1)), TypeError, ["draw must be a function"]),
    (lambda: widgets.Interactive(_draw, w=W.FloatSlider()), ValueError, ["description"]),
    (lambda: widgets.slider("w", 1.0, 0.0), ValueError, ["min must not exceed max", "min=1.0", "max=0.0"]),
    (lambda: widgets.slider("w", 0.0, 1.0, 2.0), ValueError, ["value=2.0", "outside"]),
    (lambda: widgets.slider("w", 0.0, 1.0, 0.5, -0.1), ValueError, ["step must be > 0"]),
    (lambda: widgets.slider("w", "0", 1.0), TypeError, ["min must be a finite number"]),
    (lambda: widgets.slider("", 0.0, 1.0), ValueError, ["description"]),
])
def test_misuse_gets_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value)
