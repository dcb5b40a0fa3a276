"""Tests of notebook 06's lesson module: helpers, widgets and exercise checkers."""
import numpy as np
import pytest

from dltutor import nn
from dltutor.lessons import relu_maxout as lesson


@pytest.fixture(scope="module")
def batch():
    X_train, _, y_train, _ = lesson.mnist_subset(n_train=2000, n_test=1000, seed=0)
    return X_train[:100], y_train[:100]


# --- the recipe -------------------------------------------------------------------------------

@pytest.mark.parametrize("train_acc, test_acc, want", [
    (0.5, 0.4, lesson.MODIFY), (0.5, 0.95, lesson.MODIFY), (0.95, 0.5, lesson.OVERFIT),
    (0.95, 0.93, lesson.DONE), (0.9, 0.9, lesson.DONE)])
def test_recipe_next_step(train_acc, test_acc, want):
    assert lesson.recipe_next_step(train_acc, test_acc, 0.9) == want


def test_check_next_step_accepts_the_solution_and_catches_blaming_overfitting():
    assert lesson.check_next_step(lesson.recipe_next_step).ok

    def test_only(train_acc, test_acc, target=0.9):
        return lesson.OVERFIT if test_acc < target else lesson.DONE
    fb = lesson.check_next_step(test_only)
    assert not fb.ok and "not good on the training data yet" in repr(fb)

    def strict(train_acc, test_acc, target=0.9):     # "good" as > target instead of >= target
        if train_acc <= target:
            return lesson.MODIFY
        return lesson.OVERFIT if test_acc <= target else lesson.DONE
    assert "next_step(0.9, 0.9, target=0.9)" in repr(lesson.check_next_step(strict))

    assert "return one of" in repr(lesson.check_next_step(lambda a, b, t=0.9: 42))
    assert "raised ZeroDivisionError" in repr(lesson.check_next_step(lambda a, b, t=0.9: 1 / 0))
    # Capitals and spaces are forgiven.
    assert lesson.check_next_step(lambda a, b, t=0.9: " " + lesson.recipe_next_step(a, b, t).upper()).ok


def test_recipe_flowchart_draws_every_path():
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    for step in (None, *lesson.STEPS):
        ax = Figure().subplots()
        lesson.draw_recipe(ax, step)
        assert len(ax.patches) >= 6


# --- networks and the vanishing gradient -----------------------------------------------------

def test_make_net_same_seed_same_initial_weights():
    sig, relu = lesson.make_net(3, "sigmoid", seed=0), lesson.make_net(3, "relu", seed=0)
    for a, b in zip(lesson.dense_layers(sig), lesson.dense_layers(relu)):
        np.testing.assert_array_equal(a.W, b.W)
    assert isinstance(sig.layers[1], nn.Sigmoid) and isinstance(relu.layers[1], nn.ReLU)
    mx = lesson.make_net(2, "maxout", width=8, k=3)
    assert mx.layers[0].n_out == 24 and mx.n_out == 10
    with pytest.raises(ValueError, match="activation"):
        lesson.make_net(2, "tanh")


def test_layer_gradients_vanish_for_sigmoid_not_for_relu(batch):
    X, y = batch
    sig = lesson.layer_gradients(lesson.make_net(7, "sigmoid"), X, y)
    relu = lesson.layer_gradients(lesson.make_net(7, "relu"), X, y)
    assert sig.shape == relu.shape == (8,)
    assert np.all(np.diff(np.log(sig)) > 0)            # grows towards the output, every layer
    assert sig[-1] / sig[0] > 1e3
    assert 0.1 < relu[-1] / relu[0] < 10
    assert lesson.gradient_trend(sig) == "last" and lesson.gradient_trend(relu) == "same"
    assert lesson.gradient_trend(sig[::-1]) == "first"


def test_delta_cost_matches_backprop_and_restores_the_weight(batch):
    X, y = batch
    net = lesson.make_net(3, "sigmoid")
    for layer in (0, 3):
        idx, g = lesson.most_sensitive_weight(net, X, y, layer)
        before = lesson.dense_layers(net)[layer].W.copy()
        dC = lesson.delta_cost(net, X, y, layer, idx, 1e-5)
        np.testing.assert_array_equal(lesson.dense_layers(net)[layer].W, before)
        assert dC / 1e-5 == pytest.approx(g, rel=1e-3)


def test_check_gradient_prediction(batch):
    X, y = batch
    assert lesson.check_gradient_prediction({"sigmoid": "last", "relu": "same"}, X, y).ok
    assert lesson.check_gradient_prediction({"sigmoid": " Last", "relu": "SAME"}, X, y).ok
    fb = lesson.check_gradient_prediction({"sigmoid": "first", "relu": "last"}, X, y)
    assert not fb.ok and "sigmoid: you predicted 'first'" in repr(fb) and "relu: you predicted" in repr(fb)
    assert "choose one of" in repr(lesson.check_gradient_prediction({"sigmoid": None, "relu": None}, X, y))
    assert "must be a dict" in repr(lesson.check_gradient_prediction("last", X, y))


# --- ReLU ---------------------------------------------------------------------------------------

def test_check_relu():
    assert lesson.check_relu(lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)).ok
    assert lesson.check_relu(lambda z: np.maximum(z, 0), lambda z: (z >= 0) * 1.0).ok   # slope 1 at 0 is fine

    fb = lesson.check_relu(lambda z: z, lambda z: np.ones_like(z))
    assert not fb.ok and "expected [0.  0.  0.5 3. ]" in repr(fb)

    def in_place(z):
        z[z < 0] = 0
        return z
    assert "in place" in repr(lesson.check_relu(in_place, lambda z: (z > 0).astype(float)))
    assert "returned None" in repr(lesson.check_relu(lambda z: None, lambda z: (z > 0) * 1.0))
    assert "raised" in repr(lesson.check_relu(lambda z: np.maximum(z, 0), lambda z: z.nope))
    fb = lesson.check_relu(lambda z: np.maximum(z, 0), lambda z: np.where(z > 0, 1.0, np.where(z < 0, 0.0, 0.5)))
    assert "relu_grad(0) is 0.5" in repr(fb)


def test_package_relu_passes_the_check():
    layer = nn.ReLU()

    def grad(z):
        layer.forward(z)
        return layer.backward(np.ones_like(z))
    assert lesson.check_relu(layer.forward, grad).ok


def test_sum_of_sigmoids_tends_to_softplus():
    z = np.linspace(-4, 8, 121)
    assert np.abs(lesson.sum_of_sigmoids(z, 100) - lesson.softplus(z)).max() < 0.02
    assert np.abs(lesson.softplus(z) - np.maximum(z, 0)).max() == pytest.approx(np.log(2), abs=1e-3)
    assert lesson.sum_of_sigmoids(np.array([50.0]), 3)[0] == pytest.approx(3.0)


def test_thinner_network_is_linear_in_its_active_units():
    net = lesson.thinner_network()
    rng = np.random.default_rng(0)
    patterns = set()
    for x in rng.uniform(-2, 2, size=(50, 2)):
        A, c = lesson.linear_map(net, x)
        y = net.forward(x[None])[0]
        np.testing.assert_allclose(A @ x + c, y, atol=1e-12)
        patterns.add(tuple(np.concatenate(lesson.active_units(net, x)).astype(int)))
    assert len(patterns) > 2          # different inputs, different thinner networks
    masks = lesson.active_units(net, [1.0, -1.0])
    assert all(0 < m.sum() < len(m) for m in masks)   # the notebook's example drops units in both layers


# --- maxout -------------------------------------------------------------------------------------

def test_check_maxout():
    assert lesson.check_maxout(lambda Z, k: Z.reshape(len(Z), -1, k).max(axis=2)).ok
    assert lesson.check_maxout(lambda Z, k: nn.Maxout(k).forward(Z)).ok
    fb = lesson.check_maxout(lambda Z, k: Z[:, ::k])
    assert not fb.ok and "maxout(Z, k=2) is" in repr(fb)
    fb = lesson.check_maxout(lambda Z, k: Z.reshape(len(Z), k, -1).max(axis=1))
    assert "CONSECUTIVE" in repr(fb)
    assert "has shape" in repr(lesson.check_maxout(lambda Z, k: Z.max(axis=1)))
    assert "raised" in repr(lesson.check_maxout(lambda Z: Z))


def test_relu_is_maxout_with_a_zero_element():
    rng = np.random.default_rng(1)
    w, b = rng.normal(size=4), 0.7
    maxout = nn.Sequential(nn.Dense.from_weights(np.stack([w, np.zeros(4)]), [b, 0.0]), nn.Maxout(2))
    relu = nn.Sequential(nn.Dense.from_weights(w[None], [b]), nn.ReLU())
    X = rng.normal(size=(200, 4))
    np.testing.assert_allclose(maxout.forward(X), relu.forward(X))


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_maxout_unit_is_convex_with_at_most_k_pieces(k):
    x = np.linspace(-3, 3, 601)
    for seed in range(10):
        w, b = lesson.random_maxout_unit(k, seed)
        a = lesson.maxout_1d(x, w, b)
        assert 1 <= lesson.count_pieces(x, w, b) <= k
        assert np.all(np.diff(a, 2) >= -1e-9)


def test_count_pieces():
    x = np.linspace(-1, 1, 201)
    assert lesson.count_pieces(x, np.array([1.0, 0.0]), np.array([0.0, 0.0])) == 2      # ReLU
    assert lesson.count_pieces(x, np.array([1.0, 1.0]), np.array([0.0, 0.0])) == 1      # twice the same line
    assert lesson.count_pieces(x, np.array([-1.0, 0.0, 1.0]), np.array([0.0, 0.5, 0.0])) == 3


def test_train_maxout_1d_learns_convex_units():
    net, X, Y, history = lesson.train_maxout_1d(lambda x: x * np.sin(2 * x), n_units=4, k=3, epochs=200, seed=0)
    assert history["cost"][-1] < 0.01
    x = np.linspace(-2, 2, 401)
    units = lesson.maxout_unit_outputs(net, x)
    assert units.shape == (401, 4)
    assert np.all(np.diff(units, 2, axis=0) >= -1e-9)
    with pytest.raises(ValueError, match="no Maxout"):
        lesson.maxout_unit_outputs(lesson.thinner_network(), np.zeros((3, 2)))


# --- widgets ------------------------------------------------------------------------------------

def test_widgets_sweep_without_errors(batch):
    X, y = batch
    for build in (lesson.recipe_widget, lesson.sigmoids_widget, lesson.thinner_widget,
                  lesson.maxout_pieces_widget, lambda: lesson.perturb_widget(X, y, depth=3)):
        w = build()
        assert w.last_error is None, w.last_error
        assert w.sweep() == []
        assert w.image.value[:4] == b"\x89PNG"
        for control in w.controls.values():
            assert control.description


def test_recipe_widget_text_follows_the_sliders():
    w = lesson.recipe_widget()
    w.controls["train_acc"].value, w.controls["test_acc"].value = 95, 60
    assert "overfitting" in w.text.value
    w.controls["train_acc"].value = 60
    assert "TRAINING" in w.text.value
    w.controls["train_acc"].value, w.controls["test_acc"].value = 95, 95
    assert "done" in w.text.value
