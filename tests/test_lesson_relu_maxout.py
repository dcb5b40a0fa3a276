"""Tests of notebook 06's lesson module: helpers, widgets and exercise checkers."""
import numpy as np
import pytest

from dltutor import data, exercises, nn, optim, train
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
    assert lesson.smallest_gradient(sig) == "first" and lesson.smallest_gradient(relu) == "same"
    assert lesson.smallest_gradient(sig[::-1]) == "last"
    assert lesson.smallest_gradient([1.0, 1e-3, 1.0]) == "layer 2"


def test_delta_cost_matches_backprop_and_restores_the_weight(batch):
    X, y = batch
    net = lesson.make_net(3, "sigmoid")
    for layer in (0, 3):
        idx, g = lesson.most_sensitive_weight(net, X, y, layer)
        before = lesson.dense_layers(net)[layer].W.copy()
        dC = lesson.delta_cost(net, X, y, layer, idx, 1e-5)
        np.testing.assert_array_equal(lesson.dense_layers(net)[layer].W, before)
        assert dC / 1e-5 == pytest.approx(g, rel=1e-3)


# --- ReLU ---------------------------------------------------------------------------------------

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

def test_relu_is_maxout_with_a_zero_element():
    rng = np.random.default_rng(1)
    w, b = rng.normal(size=4), 0.7
    maxout = nn.Sequential(nn.Dense.from_weights(np.stack([w, np.zeros(4)]), [b, 0.0]), nn.Maxout(2))
    relu = nn.Sequential(nn.Dense.from_weights(w[None], [b]), nn.ReLU())
    X = rng.normal(size=(200, 4))
    np.testing.assert_allclose(maxout.forward(X), relu.forward(X))


# --- widgets ------------------------------------------------------------------------------------

def test_widgets_sweep_without_errors(batch):
    X, y = batch
    X_sq, Y_sq = data.function_1d(np.square, n=50, low=-2, high=2, seed=0)
    for build in (lesson.recipe_widget, lesson.sigmoids_widget, lesson.thinner_widget,
                  lambda: lesson.maxout_fit_widget(lambda k, seed, start: _fit_unit(k, seed, start, X_sq, Y_sq, 20), X_sq, Y_sq),
                  lambda: lesson.perturb_widget(X, y, depth=3)):
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


# --- helpers the notebook's experiments use, written as in the notebook -------------------------

def _fit_unit(k, seed, start, X, Y, steps=200):
    """The notebook's fit_maxout_unit: one maxout unit of one input, Adam, full batch."""
    if start == "spread":
        t = np.random.default_rng(seed).uniform(-2, 2, k)
        dense = nn.Dense.from_weights((t / 2)[:, None], -t ** 2 / 4)
    else:
        dense = nn.Dense(1, k, rng=seed)
    unit = nn.Sequential(dense, nn.Maxout(k))
    adam = optim.Adam(unit, lr=0.05)
    for _ in range(steps):
        out = unit.forward(X, train=True)
        unit.backward(2 * (out - Y) / len(X))
        adam.step()
    return unit, float(np.mean((unit.forward(X) - Y) ** 2))


def _train_depth(activation, depth, seed, X, y, epochs, probe=None):
    """The notebook's section 2: SGD lr 0.2, batches of 50, float32; training accuracy per epoch
    and (with probe) the speed of learning of each hidden layer after each epoch."""
    from threadpoolctl import threadpool_limits
    net = lesson.make_net(depth, activation, width=32, seed=seed).astype(np.float32)
    speeds = [] if probe is None else [lesson.learning_speed(net, *probe)]
    callback = None if probe is None else (lambda epoch, h: speeds.append(lesson.learning_speed(net, *probe)))
    with threadpool_limits(limits=1, user_api="blas"):   # as in the notebook: one BLAS thread
        history = train.fit(net, X, y, optimizer=optim.SGD(net, lr=0.2), epochs=epochs, batch_size=50,
                            seed=seed, verbose=False, callback=callback)
    return np.array(history["accuracy"]), np.array(speeds), net


@pytest.fixture(scope="module")
def digits32():
    X_train, _, y_train, _ = lesson.mnist_subset(n_train=2000, n_test=1000, seed=0)
    return X_train.astype(np.float32), y_train


# --- the notebook's conclusions, pinned on seeds it does not use ------------------------------

NEW_SEEDS = range(10, 15)


@pytest.mark.parametrize("seed", NEW_SEEDS)
def test_five_sigmoid_layers_first_layer_learns_slowest_relu_does_not(seed, batch):
    X, y = batch
    sig = lesson.learning_speed(lesson.make_net(5, "sigmoid", seed=seed), X, y)
    relu = lesson.learning_speed(lesson.make_net(5, "relu", seed=seed), X, y)
    assert np.all(np.diff(sig) > 0)               # every layer slower than the one above it
    assert sig[-1] / sig[0] > 30
    assert relu[-1] / relu[0] < 10
    rms = lesson.layer_gradients(lesson.make_net(5, "sigmoid", seed=seed), X, y)
    assert rms[0] < rms[-1] / 100


def test_deeper_sigmoid_learns_slower_and_relu_fixes_it(digits32):
    """Section 2 on seeds 10-14: after 200 steps three sigmoid layers are at chance, one is not;
    after 600 steps three layers have left chance (slower, not never); a four-layer ReLU network
    beats the four-layer sigmoid one on every seed."""
    X, y = digits32
    at200 = {c: [] for c in ("s1", "s3", "s4", "r4")}
    at600 = {c: [] for c in ("s3", "s4")}
    for seed in NEW_SEEDS:
        acc, _, _ = _train_depth("sigmoid", 1, seed, X, y, 5)
        at200["s1"].append(acc[4])
        acc, _, _ = _train_depth("sigmoid", 3, seed, X, y, 15)
        at200["s3"].append(acc[4]); at600["s3"].append(acc[14])
        acc, _, _ = _train_depth("sigmoid", 4, seed, X, y, 15)
        at200["s4"].append(acc[4]); at600["s4"].append(acc[14])
        acc, _, _ = _train_depth("relu", 4, seed, X, y, 5)
        at200["r4"].append(acc[4])
    assert min(at200["s1"]) > 0.8
    assert max(at200["s3"]) < 0.25 and max(at200["s4"]) < 0.25        # the slides' point at 200 steps
    assert np.mean(at200["s3"]) < 0.15 and np.mean(at200["s4"]) < 0.15
    assert np.mean(at600["s3"]) > 0.25                                  # ... that does not last
    assert np.mean(at600["s3"]) > np.mean(at600["s4"]) + 0.1            # deeper: slower still
    assert all(r > s + 0.5 for r, s in zip(at200["r4"], at200["s4"]))  # ReLU trains it, every seed


def test_sigmoid_layers_keep_their_speed_order_during_training_relu_layers_do_not(digits32):
    """Section 3's Nielsen measurement on seeds 10-14, 3 epochs: in the four-layer sigmoid network
    the last hidden layer learns more than 30 times faster than the first after every epoch, and
    each layer faster than the one below it; in the ReLU network, trained the same way, the four
    layers stay within a factor of 5 of each other."""
    X, y = digits32
    probe = (X[:500], y[:500])
    for seed in NEW_SEEDS:
        _, sig, _ = _train_depth("sigmoid", 4, seed, X, y, 3, probe)
        _, relu, _ = _train_depth("relu", 4, seed, X, y, 3, probe)
        assert sig.shape == relu.shape == (4, 4)              # before training and after each epoch
        assert np.all(sig[:, 3] > 30 * sig[:, 0]), sig
        assert np.all(np.diff(sig, axis=1) > 0), sig         # slower and slower towards the input
        ratio = relu.max(axis=1) / relu.min(axis=1)
        assert np.all(ratio < 5), relu


def test_relu_units_off_are_exactly_zero(digits32):
    X, y = digits32
    _, _, net = _train_depth("relu", 2, 10, X[:500], y[:500], 1)
    net.forward(X[:200])
    Z = np.concatenate([layer.Z.ravel() for layer in net.layers if isinstance(layer, nn.ReLU)])
    A = np.maximum(Z, 0)
    assert np.mean(A == 0) == np.mean(Z <= 0)
    assert 0.05 < np.mean(Z <= 0) < 0.95


def test_maxout_more_elements_more_pieces_from_the_spread_start():
    X, Y = data.function_1d(np.square, n=200, low=-2, high=2, seed=0)
    x = np.linspace(-2, 2, 401)

    def pieces(k, seed, start):
        unit, error = _fit_unit(k, seed, start, X, Y)
        return lesson.count_pieces(x, *lesson.maxout_unit_lines(unit), min_share=0.01), error

    spread = {k: [pieces(k, s, "spread") for s in NEW_SEEDS] for k in (2, 4, 8)}
    default8 = [pieces(8, s, "default")[0] for s in NEW_SEEDS]
    n = {k: np.array([p for p, _ in v]) for k, v in spread.items()}
    assert np.all(n[2] == 2) and np.all(n[4] >= 3) and np.all(n[8] >= 5)
    assert n[8].mean() > n[4].mean() > n[2].mean()
    assert max(default8) <= 4 < min(n[8])          # the default start wastes most elements
    err = {k: np.mean([e for _, e in v]) for k, v in spread.items()}
    assert err[8] < err[4] < err[2]
    for k, v in spread.items():                    # at most k pieces, and convex
        assert all(p <= k for p, _ in v)


# --- maxout pieces -----------------------------------------------------------------------------

def test_count_pieces():
    x = np.linspace(-1, 1, 201)
    assert lesson.count_pieces(x, np.array([1.0, 0.0]), np.array([0.0, 0.0])) == 2      # ReLU
    assert lesson.count_pieces(x, np.array([1.0, 1.0]), np.array([0.0, 0.0])) == 1      # twice the same line
    assert lesson.count_pieces(x, np.array([-1.0, 0.0, 1.0]), np.array([0.0, 0.5, 0.0])) == 3
    # a sliver: the middle line wins on only about 1% of the points
    w, b = np.array([-1.0, 0.0, 1.0]), np.array([0.0, 0.005, 0.0])
    assert lesson.count_pieces(x, w, b) == 3 and lesson.count_pieces(x, w, b, min_share=0.05) == 2


# --- exercises: right answers in every form, wrong ones named -------------------------------------

def _named(fb, name):
    text = repr(fb)
    return (not fb.ok) and f"It looks like {name}" in text


def test_next_step_checker():
    assert lesson.check_next_step(lesson.recipe_next_step).ok
    assert lesson.check_next_step(lambda a, b, t=0.9: " " + lesson.recipe_next_step(a, b, t).upper()).ok

    def placeholder(train_acc, test_acc, target=0.9):
        return "prevent overfitting" if test_acc < target else "done"
    assert _named(lesson.check_next_step(placeholder), "blaming overfitting")
    assert _named(lesson.check_next_step(lesson._swapped), "the two fixes swapped")
    assert _named(lesson.check_next_step(lesson._strict), "'good' taken as above the target")
    assert _named(lesson.check_next_step(lesson._fixed_target), "the target fixed at 0.9")
    assert "return one of" in repr(lesson.check_next_step(lambda a, b, t=0.9: 42))
    assert "raised ZeroDivisionError" in repr(lesson.check_next_step(lambda a, b, t=0.9: 1 / 0))


def test_relu_checkers_accept_every_correct_form():
    for relu in (lambda z: np.maximum(z, 0), lambda z: z * (z > 0), lambda z: np.where(z > 0, z, 0.0),
                 lambda z: np.maximum(z, 0).astype(np.float32), lambda z: np.maximum(z, 0).tolist(),
                 lambda z: np.clip(z, 0, None), nn.ReLU().forward):
        assert lesson.check_relu(relu).ok, repr(lesson.check_relu(relu))

    def loop(z):
        out = np.empty_like(z)
        for i, v in np.ndenumerate(z):
            out[i] = v if v > 0 else 0.0
        return out
    assert lesson.check_relu(loop).ok
    for grad in (lambda z: (z > 0).astype(float), lambda z: (z >= 0) * 1.0, lambda z: z > 0,
                 lambda z: (z > 0).astype(np.float32), lambda z: (z > 0).astype(float).tolist()):
        assert lesson.check_relu_grad(grad).ok, repr(lesson.check_relu_grad(grad))


def test_relu_checkers_name_the_mistakes():
    assert _named(lesson.check_relu(lambda z: z), "a linear unit")
    assert _named(lesson.check_relu(lambda z: np.max(z, 0)), "np.max")
    assert _named(lesson.check_relu(np.abs), "|z|")
    assert _named(lesson.check_relu(lambda z: (z > 0) * 1.0), "the slope (0 or 1) instead of the value")
    assert _named(lesson.check_relu(lambda z: np.minimum(z, 0)), "min instead of max")

    def in_place(z):
        z[z < 0] = 0
        return z
    assert "in place" in repr(lesson.check_relu(in_place))
    assert "returned None" in repr(lesson.check_relu(lambda z: None))
    assert "not written yet" in repr(lesson.check_relu(lambda z: ...))

    assert _named(lesson.check_relu_grad(np.ones_like), "a slope of 1 everywhere")
    assert _named(lesson.check_relu_grad(lambda z: np.maximum(z, 0)), "ReLU itself")
    assert _named(lesson.check_relu_grad(lambda z: (z < 0) * 1.0), "the slope reversed")
    assert _named(lesson.check_relu_grad(lambda z: nn.sigmoid(z) * (1 - nn.sigmoid(z))), "the sigmoid's slope")
    half = lesson.check_relu_grad(lambda z: np.where(z > 0, 1.0, np.where(z < 0, 0.0, 0.5)))
    assert _named(half, "a slope other than 0 or 1 at z = 0")


def test_maxout_checker():
    assert lesson.check_maxout(lambda Z, k: Z.reshape(len(Z), -1, k).max(axis=2)).ok
    assert lesson.check_maxout(lambda Z, k: nn.Maxout(k).forward(Z)).ok
    assert lesson.check_maxout(lambda Z, k: Z.reshape(len(Z), -1, k).max(axis=2).tolist()).ok
    assert lesson.check_maxout(lambda Z, k: Z.reshape(len(Z), -1, k).max(axis=2).astype(np.float32)).ok

    def loop(Z, k):
        return [[max(row[j:j + k]) for j in range(0, len(row), k)] for row in Z]
    assert lesson.check_maxout(loop).ok

    assert _named(lesson.check_maxout(lambda Z, k: Z[:, ::k]), "the first element of each group")
    fb = lesson.check_maxout(lambda Z, k: Z.reshape(len(Z), k, -1).max(axis=1))
    assert _named(fb, "grouped elements n apart") and "CONSECUTIVE" in repr(fb)
    assert _named(lesson.check_maxout(lambda Z, k: Z.max(axis=1)), "the maximum of the whole row")
    assert _named(lesson.check_maxout(lambda Z, k: Z.reshape(-1, k).max(axis=1)), "the groups formed across examples")
    assert _named(lesson.check_maxout(lambda Z, k: Z.reshape(len(Z), -1, k).min(axis=2)), "the minimum")
    assert "raised" in repr(lesson.check_maxout(lambda Z: Z))


def test_next_step_checker_names_the_slips_learners_make():
    def small_gap_is_done(train_acc, test_acc, target=0.9):
        if train_acc < target:
            return "modify the network"
        return "prevent overfitting" if train_acc - test_acc > 0.05 else "done"
    assert _named(lesson.check_next_step(small_gap_is_done), "'done' although the testing accuracy is below")
    assert _named(lesson.check_next_step(lesson._gap), "overfitting judged by the gap")

    def prints(train_acc, test_acc, target=0.9):
        print(lesson.recipe_next_step(train_acc, test_acc, target))
    assert "did you forget `return`" in repr(lesson.check_next_step(prints))


def test_relu_checkers_name_the_slips_learners_make():
    assert _named(lesson.check_relu(lambda z: np.clip(z, 0, 1)), "the output capped at 1")
    assert _named(lesson.check_relu_grad(np.sign), "np.sign(z)")
    assert _named(lesson.check_relu_grad(lambda z: 1 - (z > 0)), "the slope reversed")
    # a wrong shape, or -1 for z < 0, is not "a slope other than 0 or 1 at z = 0"
    for wrong in (lambda z: np.diff(np.maximum(z, 0)), lambda z: z / np.abs(z)):
        fb = lesson.check_relu_grad(wrong)
        assert not fb.ok and "at z = 0" not in repr(fb), repr(fb)
    assert _named(lesson.check_relu_grad(lambda z: np.maximum(z, 0) / z), "a slope other than 0 or 1 at z = 0")
    assert lesson.check_relu_grad(lambda z: np.heaviside(z, 0)).ok
    assert lesson.check_relu_grad(lambda z: np.heaviside(z, 1)).ok
    assert lesson.check_relu(lambda z: (np.abs(z) + z) / 2).ok


def test_maxout_checker_names_the_slips_learners_make():
    groups = lambda Z, k: Z.reshape(len(Z), -1, k)  # noqa: E731
    assert _named(lesson.check_maxout(lambda Z, k: groups(Z, k).argmax(axis=2)), "the position of the largest")
    assert _named(lesson.check_maxout(lambda Z, k: groups(Z, k).max(axis=1)), "the maximum over the wrong axis")
    assert _named(lesson.check_maxout(lambda Z, k: Z.reshape(len(Z), -1, 2).max(axis=2)), "k fixed at 2")
    assert _named(lesson.check_maxout(lambda Z, k: Z[:, k - 1::k]), "the last element of each group")

    def sorts(Z, k):
        Z.sort(axis=1)
        return Z[:, k - 1::k]
    text = repr(lesson.check_maxout(sorts))
    assert "changed its input array in place" in text and "leave z" not in text   # the input is Z here
    assert lesson.check_maxout(lambda Z, k: np.maximum.reduce([Z[:, i::k] for i in range(k)])).ok


@pytest.mark.parametrize("check", [lesson.check_next_step, lesson.check_relu, lesson.check_relu_grad,
                                   lesson.check_maxout])
def test_hints_come_in_steps(check):
    def not_done(*args):
        raise exercises.NotDone
    level1, level2, level3 = (repr(check(not_done, hint=h)) for h in (1, 2, 3))
    assert check.solution_code and check.solution_code not in level1 and check.formula not in level1
    assert check.formula in level2 and check.solution_code not in level2
    assert check.solution_code in level3
    # The nudges do not give the code away.
    for text in [check.nudge] + [m.nudge for m in check.mistakes]:
        assert "np." not in text and "return" not in text and "reshape" not in text


def test_reveal_guess():
    text = lesson.reveal_guess({"sigmoid": "first", "relu": ...}, {"sigmoid": "first", "relu": "same"})
    assert "sigmoid: smallest gradients: first (you guessed right)" in text
    assert "relu: smallest gradients: same (no guess yet)" in text
    assert "you guessed 'last'" in lesson.reveal_guess({"sigmoid": "last"}, {"sigmoid": "first"})


# --- the full run ---------------------------------------------------------------------------------

def test_run_full_writes_its_settings_and_results(tmp_path):
    settings = {**lesson.FULL_SETTINGS, "depths": [1, 3], "epochs": 2, "seeds": [0, 1], "n_train": 200,
                "n_test": 100}
    out = lesson.run_full(settings, tmp_path / "full.json", log=lambda message: None)
    saved = lesson.load_full(tmp_path / "full.json")
    assert saved == out and saved["settings"] == settings and saved["diverged"] == []
    assert set(saved["train_accuracy"]) == {"sigmoid 1", "sigmoid 3", "relu 1", "relu 3"}
    assert np.array(saved["train_accuracy"]["relu 1"]).shape == (2, 2)
    assert all(0 <= a <= 1 for a in saved["test_accuracy"]["sigmoid 3"])
    assert lesson.load_full(tmp_path / "missing.json") is None


def test_run_full_records_a_diverged_run(tmp_path, monkeypatch):
    def diverges_in_epoch_2(net, X, y, callback=None, **kwargs):
        callback(1, {"accuracy": [0.5]})
        raise train.Diverged("the cost became nan")
    monkeypatch.setattr(train, "fit", diverges_in_epoch_2)
    settings = {**lesson.FULL_SETTINGS, "activations": ["relu"], "depths": [3], "epochs": 2, "seeds": [0],
                "n_train": 200, "n_test": 100}
    out = lesson.run_full(settings, tmp_path / "full.json", log=lambda message: None)
    assert out["diverged"] == [{"run": "relu 3", "seed": 0, "epoch": 2}]
    assert out["test_accuracy"]["relu 3"] == [None] and out["train_accuracy"]["relu 3"] == [[0.5]]


def test_main_without_full_prints_help(capsys):
    assert lesson.main([]) == 0
    assert "--full" in capsys.readouterr().out


def test_the_saved_full_run_shows_what_the_notebook_says():
    full = lesson.load_full()
    assert full is not None and full["settings"] == lesson.FULL_SETTINGS
    final = {key: [run[-1] for run in runs if len(run) == full["settings"]["epochs"]]
             for key, runs in full["train_accuracy"].items()}
    assert min(final["sigmoid 3"]) > 0.7                 # three sigmoid layers do learn, given time
    assert max(final["sigmoid 7"]) < 0.2                 # seven do not, in 1,200 steps
    assert max(run[4] for run in full["train_accuracy"]["sigmoid 3"]) < 0.2   # at 200 steps: chance


# --- the notebook's shape -------------------------------------------------------------------------

def test_notebook_structure():
    import json
    import pathlib
    path = pathlib.Path(__file__).resolve().parent.parent / "notebooks" / "06_relu_and_maxout.ipynb"
    cells = json.loads(path.read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    assert code[0].startswith('from dltutor import course\ncourse.start("0.2.0")')
    shown = [c for c in cells if c.get("metadata", {}).get("slideshow", {}).get("slide_type") != "notes"]
    assert len(shown) <= 67   # speaker notes, seen only by an instructor, aside
    assert any("my_guess = " in c for c in code)                       # predict, then run
    assert any(m.startswith("### Playground") or "\n### Playground\n" in m for m in markdown)
    assert sum("train.fit(" in c for c in code) >= 1 and any("adam.step()" in c for c in code)
    outputs = json.dumps([c.get("outputs", []) for c in cells if c["cell_type"] == "code"])
    executed = "\n".join(code) + outputs
    for check in (lesson.check_next_step, lesson.check_relu, lesson.check_relu_grad, lesson.check_maxout):
        assert check.solution_code not in executed
    for answer in ("np.maximum(z", "> 0).astype(", "reshape(len(Z), -1", 'return "modify the network"'):
        assert answer not in executed, answer          # no executed cell or stored output shows a solution
    assert "Solution:" not in outputs and "Formula:" not in outputs
