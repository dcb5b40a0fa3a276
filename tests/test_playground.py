"""The playground driven headless: data sets, steps, pause, reset and every control."""
import asyncio
import re

import numpy as np
import pytest

from dltutor import nn, playground


@pytest.mark.parametrize("kind", playground.DATASETS)
def test_data_sets_are_seeded_balanced_and_noisy(kind):
    X, y = playground.make_data(kind, 200, noise=0.1, seed=3)
    X2, y2 = playground.make_data(kind, 200, noise=0.1, seed=3)
    assert X.shape == (200, 2) and np.array_equal(X, X2) and np.array_equal(y, y2)
    assert 60 <= y.sum() <= 140
    X3, _ = playground.make_data(kind, 200, noise=0.3, seed=3)
    assert np.std(X3 - X) > 0.1  # more noise moves the points


def test_steps_lower_the_cost_and_reset_restores_the_start():
    p = playground.Playground(data="circles", hidden=(8, 8), activation="relu", lr=0.03)
    start = (p.history["train"][0], p.surface.value)
    assert p.steps == 0
    for _ in range(20):
        p.step(10)
    assert p.steps == 200 and len(p.history["train"]) == 21
    assert p.history["train"][-1] < 0.5 * start[0]
    assert p.accuracy(p.X_test, p.y_test) > 0.9
    assert p.surface.value != start[1] and "Step 200" in p.status.value
    p.reset()
    assert p.steps == 0 and p.history["train"] == [start[0]] and p.surface.value == start[1]


def test_the_same_steps_give_the_same_cost():
    a, b = playground.Playground(), playground.Playground()
    assert a.step(30) == b.step(30)


@pytest.mark.parametrize("name, value", [
    ("data", "spirals"), ("noise", 0.3), ("test_fraction", 0.3), ("layers", 3), ("width", 2),
    ("activation", "maxout"), ("activation", "sigmoid"), ("pieces", 4), ("lr", 0.3), ("optimizer", "sgd"),
    ("dropout", 0.2), ("layers", 6), ("width", 16)])
def test_every_control_rebuilds_and_changes_what_is_shown(name, value):
    p = playground.Playground()
    p.step(20)
    net, shown = p.net, (p.surface.value, p.status.value, p.curves.value)
    p.controls[name].value = value
    assert p.net is not net and p.steps == 0
    assert (p.surface.value, p.status.value, p.curves.value) != shown
    layers = [type(layer).__name__ for layer in p.net.layers]
    if name == "layers":
        assert layers.count("Dense") == value + 1
        assert [len(units) for units in p.unit_pixels] == [4] * value
    if name == "width":
        assert [len(units) for units in p.unit_pixels] == [value] * 2
    if name == "pieces":  # only maxout has pieces; ReLU's network stays the same shape
        assert p.controls["pieces"].disabled
        p.controls["activation"].value = "maxout"
        assert not p.controls["pieces"].disabled
        assert p.net.layers[0].n_out == 4 * 4 and p.net.layers[1].k == 4
    if name == "activation":
        assert {"maxout": "Maxout", "sigmoid": "Sigmoid"}[value] in layers
    if name == "dropout":
        assert "Dropout" in layers
    if name == "test_fraction":
        assert len(p.X_test) == 60
    p.step(5)
    assert np.isfinite(p.history["train"][-1])


def test_each_hidden_unit_has_its_picture():
    p = playground.Playground(hidden=(3, 3, 3))
    assert [u.shape for u in p.unit_pixels] == [(3, 24, 24, 3)] * 3
    assert "<img src='data:image/png;base64,iVBOR" in p.units.value  # a PNG
    assert "layer 3: 3 units" in p.units.value and "width='" in p.units.value
    for picture in (p.surface, p.curves, p.units):
        assert re.search(r"alt='[^']{40,}'", picture.value)  # described for screen readers


def test_play_trains_on_the_event_loop_and_pause_stops_at_once():
    async def scenario():
        p = playground.Playground(frames_per_second=50, steps_per_frame=2)
        p.play()
        assert p.playing
        await asyncio.sleep(0.3)  # the loop stays free: this sleep returns while training runs
        p.pause()
        steps = p.steps
        assert steps > 0 and not p.playing
        await asyncio.sleep(0.1)
        assert p.steps == steps  # nothing trains after Pause
        return p
    p = asyncio.run(scenario())
    assert "Paused" in p.status.value


def test_buttons_drive_it_too():
    p = playground.Playground()
    p.buttons["Step"].click()
    assert p.steps == p.steps_per_frame
    p.buttons["Reset"].click()
    assert p.steps == 0


def test_status_counts_parameters_and_stored_text_is_a_sentence():
    p = playground.Playground(hidden=(4, 4, 4, 4))
    q = playground.Playground(hidden=(16,))
    assert p.net.n_params == q.net.n_params == 82  # the matched pair of notebook 05
    assert "82 parameters, Adam at learning rate 0.03." in p.status.value and "Step 0:" in p.status.value
    p.step(3)
    assert len(p.draw_seconds) == 2  # one picture at the start, one after the steps
    assert repr(p).startswith("Training playground: run this cell")
    text = p._repr_mimebundle_()["text/plain"]  # what a stored notebook shows before the cell runs
    assert text == repr(p) and text.endswith(".")  # whole, not cut by ipywidgets


def test_the_cost_axes_grow_and_come_back_on_reset():
    p = playground.Playground(data="circles", n=40, noise=0.3, hidden=(16, 16), lr=0.1)
    assert p._limits == (64, 1.05)
    p.step(100)
    assert p._limits[0] == 128
    p.reset()
    assert p._limits == (64, 1.05) and p._ax.get_xlim() == (0, 64)


@pytest.mark.parametrize("call, words", [
    (lambda: playground.make_data("moons"), "kind must be one of"),
    (lambda: playground.build_network(activation="tanh"), "activation must be one of"),
    (lambda: playground.Playground(hidden=(8, 4)), "one width"),
    (lambda: playground.Playground(hidden=(32,)), "1 to 16 units"),
    (lambda: playground.Playground(lr=0.05), "lr must be one of"),
    (lambda: playground.Playground(data="moons"), "data must be one of"),
])
def test_bad_arguments_get_a_clear_error(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_a_dead_relu_unit_is_drawn_blank():
    # notebook 05's start: on this seed the last of four layers of 4 ReLUs dies in the first Step
    p = playground.Playground(data="spirals", hidden=(4, 4, 4, 4), activation="relu")
    p.step(20)
    white = [[bool(np.all(unit == 255)) for unit in units] for units in p.unit_pixels]
    assert white[-1] == [True] * 4 and white[0] == [False] * 4
    assert "layer 4: 4 units, 4 of them the same everywhere" in p.units.value
    assert abs(p.history["train"][-1] - np.log(2)) < 0.01  # nothing reaches the output: chance


def _train(steps, change=(), **kwargs):
    """A notebook's playground trained as Play would, recorded every 100 steps."""
    p = playground.Playground(**kwargs)
    for name, value in change:
        p.controls[name].value = value
    while p.steps < steps:
        p.step(100)
    return p


def _cost_at(p, step):
    return p.history["train"][p.history["step"].index(step)]


def test_the_playground_sentences_of_notebook_05_hold():
    deep = dict(data="spirals", hidden=(4, 4, 4, 4), activation="relu")
    p = playground.Playground(**deep)
    p.step(20)                                             # the first Step
    assert np.ptp(p.unit_pixels[-1]) == 0                  # the last layer's four pictures blank
    p = _train(2000, **deep)
    assert all(0.68 < c < 0.71 for c in p.history["train"][1:])   # at chance, cost 0.69
    q = _train(2000, (("layers", 1), ("width", 16)), **deep)
    assert q.net.n_params == p.net.n_params == 82
    assert 0.12 < q.history["train"][-1] < 0.16 and q.accuracy(q.X_test, q.y_test) == 0.88


def test_the_playground_sentences_of_notebook_06_hold():
    spirals = dict(data="spirals", hidden=(8,) * 6, activation="sigmoid", lr=0.01)
    p = _train(2000, **spirals)
    assert 0.83 < p.history["train"][0] < 0.85                         # from 0.84
    assert all(0.64 < c < 0.67 for c in p.history["train"][4:])     # to about 0.65 from 400 steps on
    q = _train(2000, (("activation", "relu"),), **spirals)
    assert 0.14 < _cost_at(q, 500) < 0.18 and 0.06 < q.history["train"][-1] < 0.10
    xor = dict(data="xor", hidden=(2,), activation="maxout", pieces=2)
    assert 0.36 < _train(2000, **xor).history["train"][-1] < 0.40
    assert 0.58 < _train(2000, (("activation", "relu"),), **xor).history["train"][-1] < 0.62
    for k in (3, 4):
        assert 0.015 < _cost_at(_train(1000, (("pieces", k),), **xor), 1000) < 0.03


def test_the_playground_sentences_of_notebook_08_hold():
    circles = dict(data="circles", n=40, noise=0.3, hidden=(16, 16), activation="relu")
    p = _train(2000, **circles)
    assert _cost_at(p, 500) < 0.005 and p.history["test"][5] > 4    # overfits: test cost past 4
    q = _train(2000, (("dropout", 0.5),), **circles)
    assert all(0.24 <= c <= 0.32 for c in q.history["train"][5:]) and max(q.history["test"]) < 1
    assert len(p.X_test) == 20 and p.accuracy(p.X_test, p.y_test) == q.accuracy(q.X_test, q.y_test) == 0.75
