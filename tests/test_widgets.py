"""Every widget works headless: each control moved to its extremes redraws without error, and an
error while drawing is shown in the widget instead of vanishing."""
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import dltutor.lessons
from dltutor import widgets


def _builders():
    found = []
    for info in pkgutil.iter_modules(dltutor.lessons.__path__):
        module = importlib.import_module(f"dltutor.lessons.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_widget") and fn.__module__ == module.__name__:
                found.append(pytest.param(fn, id=f"{info.name}.{name}"))
    return found


BUILDERS = _builders()


@pytest.mark.parametrize("build", BUILDERS)
def test_widget_redraws_at_every_extreme(build):
    required = [p for p in inspect.signature(build).parameters.values() if p.default is inspect.Parameter.empty]
    if required:
        pytest.skip(f"needs arguments {[p.name for p in required]}; covered by its lesson's tests")
    w = build()
    assert isinstance(w, widgets.Interactive)
    assert w.last_error is None and w.image.value[:4] == b"\x89PNG"
    for control in w.controls.values():
        assert control.description, "every control needs a description"
    assert w.sweep() == []


def _draw(fig, w, n):
    if n > 3:
        raise ValueError("n too large for this drawing")
    ax = fig.subplots()
    ax.plot(np.arange(5) * w)
    ax.set(title="t", xlabel="x", ylabel="y")
    return f"w = {w:.1f}"


def test_an_error_in_the_callback_is_shown_in_the_widget():
    w = widgets.Interactive(_draw, w=widgets.slider("w", 0.0, 1.0, 0.5), n=widgets.slider("n", 1, 5, 1, integer=True))
    assert w.text.value.endswith("w = 0.5</pre>")
    png = w.image.value
    w.controls["w"].value = 1.0
    assert w.image.value != png  # moving a slider redraws
    w.controls["n"].value = 5
    assert "n too large for this drawing" in w.error.value and isinstance(w.last_error, ValueError)
    w.controls["n"].value = 2
    assert w.error.value == "" and w.last_error is None  # and recovers
    assert w.sweep() == ["n=5: ValueError('n too large for this drawing')"]
