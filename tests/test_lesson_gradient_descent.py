"""Notebook 03's lesson module: error surfaces, gradient descent, the two costs' gradients, widgets, exercise checks."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dltutor import gradcheck, nn  # noqa: E402
from dltutor.exercises import NotDone  # noqa: E402
from dltutor.lessons import gradient_descent as gd  # noqa: E402


# --- error surfaces ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def neuron():
    return gd.neuron_surface()


@pytest.fixture(scope="module")
def valleys():
    return gd.valleys_surface()


@pytest.mark.parametrize("which", ["neuron", "valleys"])
@pytest.mark.parametrize("point", [(-2.0, 2.0), (0.3, -1.1), (2.5, 0.7)])
def test_surface_gradient_matches_numerical_gradient(which, point, neuron, valleys):
    s = {"neuron": neuron, "valleys": valleys}[which]
    w = np.array(point)
    numerical = gradcheck.numerical_gradient(lambda: s(w), w)
    assert gradcheck.relative_error(s.gradient(w), numerical) < 1e-7


def test_neuron_surface_is_the_package_squared_error_of_a_dense_layer(neuron):
    w = np.array([0.7, -0.4])
    layer = nn.Dense.from_weights([[w[0]]], [w[1]])
    Y = layer.forward(neuron.x[:, None], train=True)
    sq = nn.SquaredError()
    assert np.isclose(neuron(w), sq(Y, neuron.y[:, None]))
    layer.backward(sq.gradient(Y, neuron.y[:, None]))
    np.testing.assert_allclose(neuron.gradient(w), [layer.grads["W"][0, 0], layer.grads["b"][0]])


def test_neuron_minimum_is_the_least_squares_line(neuron):
    best = neuron.minima[0]
    np.testing.assert_allclose(neuron.gradient(best), 0, atol=1e-12)
    np.testing.assert_allclose(best, gd.NEURON_TRUE, atol=0.1)  # near the line the data come from


def test_valleys_surface_has_three_distinct_minima_one_global(valleys):
    minima = np.array(valleys.minima)
    assert len(minima) == 3
    for m in minima:
        np.testing.assert_allclose(valleys.gradient(m), 0, atol=1e-8)
    assert min(np.linalg.norm(a - b) for i, a in enumerate(minima) for b in minima[i + 1:]) > 1.0
    costs = sorted(valleys(m) for m in minima)
    assert costs[0] > 0 and costs[1] - costs[0] > 0.3  # a clearly lowest valley, and all costs positive


# --- gradient descent ----------------------------------------------------------------------------

def test_descend_is_sgd_on_a_point(neuron):
    path = gd.descend(neuron, (-2.0, 2.0), 0.1, 5)
    assert path.shape == (6, 2)
    w = np.array([-2.0, 2.0])
    for t in range(5):
        w = w - 0.1 * neuron.gradient(w)
        np.testing.assert_allclose(path[t + 1], w)


def test_descend_stops_when_it_diverges(neuron):
    path = gd.descend(neuron, (-2.0, 2.0), 0.6, 500)
    assert len(path) < 501 and np.all(np.isfinite(path))


def test_the_three_learning_rates_behave_as_the_notebook_says(neuron):
    best = neuron(neuron.minima[0])
    small, good, large = (gd.path_costs(neuron, gd.descend(neuron, (-2.0, 2.0), lr, 30)) for lr in (0.02, 0.3, 0.45))
    assert small[-1] < small[0] and small[-1] - best > 1.0          # going down, far from the bottom
    assert good[-1] - best < 0.01                                   # arrived
    assert large[-1] > large[0]                                     # going up


def test_the_notebooks_starts_reach_all_three_valleys(valleys):
    starts = [(-2.5, 2.5), (0.0, 2.8), (2.5, 0.0), (-2.8, 0.5), (2.5, -2.8)]
    ends = [gd.descend(valleys, s, 0.3, 60)[-1] for s in starts]
    reached = {int(np.argmin([np.linalg.norm(e - m) for m in valleys.minima])) for e in ends}
    assert reached == {0, 1, 2}
    for e in ends:
        assert min(np.linalg.norm(e - m) for m in valleys.minima) < 0.01


def test_figures_draw(neuron, valleys):
    fig, paths = gd.learning_rate_figure(neuron, (-2.0, 2.0), [0.02, 0.3, 0.45], 30)
    assert len(paths) == 3 and len(fig.axes) == 7  # three surfaces, three colour bars, one cost plot
    fig2, ends = gd.local_minima_figure(valleys, [(0.0, 2.8), (2.5, -2.8)], 0.3, 60)
    assert len(ends) == 2
    plt.close("all")


def test_order_of_magnitude():
    assert gd.order_of_magnitude(2.3e-9) == "< 1e-08"
    assert gd.order_of_magnitude(0.0) == "< 1e-08"
    assert gd.order_of_magnitude(3.2e-6) == "< 1e-05"
    assert gd.order_of_magnitude(0.6684) == "0.67"


# --- the cost of one example --------------------------------------------------------------------

@pytest.mark.parametrize("spread", ["evenly", "one"])
def test_outputs_for_sum_to_one_and_cross_entropy_ignores_the_rest(spread):
    y = gd.outputs_for(0.3, 1, spread)
    assert np.isclose(y.sum(), 1.0) and y[1] == 0.3
    assert np.isclose(nn.CrossEntropy().per_example(y[None], [1])[0], -np.log(0.3))


def test_squared_error_depends_on_how_the_rest_is_spread():
    sq = nn.SquaredError()
    even = sq.per_example(gd.outputs_for(0.3, 1, "evenly")[None], [1])[0]
    one = sq.per_example(gd.outputs_for(0.3, 1, "one")[None], [1])[0]
    assert np.isclose(even, 0.7 ** 2 * (1 + 1 / 9)) and np.isclose(one, 2 * 0.7 ** 2)


# --- widgets (the generic sweep is in test_widgets.py) ------------------------------------------

def test_gradient_descent_widget_reports_divergence_and_local_minima():
    w = gd.gradient_descent_widget()
    assert w.last_error is None and w.image.value[:4] == b"\x89PNG"
    w.controls["lr"].value = 0.6
    assert w.last_error is None and "Diverged" in w.text.value
    w.controls["surface"].value = "made-up surface with three valleys"
    w.controls["lr"].value = 0.3
    w.controls["w1"].value, w.controls["w2"].value = 2.5, -2.8
    w.controls["steps"].value = 60
    assert w.last_error is None and "a local minimum" in w.text.value
    w.controls["w1"].value = -2.5
    w.controls["w2"].value = 2.5
    assert "the global minimum" in w.text.value


def test_cost_widget_text():
    w = gd.cost_widget()
    assert w.last_error is None
    w.controls["p"].value = 0.5
    assert f"cross entropy L = {-np.log(0.5):.4f}" in w.text.value


def test_too_large_panel_holds_every_point_of_its_path(neuron):
    fig, paths = gd.learning_rate_figure(neuron, (-2.0, 2.0), [0.02, 0.3, 0.45], 30)
    for ax, path in zip(fig.path_axes, paths):
        assert gd.points_inside(ax, path) == len(path)
    assert fig.path_axes[2].get_xlim()[1] > neuron.w1_range[1]  # the large-eta panel was widened
    plt.close("all")


def test_too_large_rate_falls_for_four_steps_then_rises(neuron):
    costs = gd.path_costs(neuron, gd.descend(neuron, (-2.0, 2.0), 0.45, 30))
    assert np.all(np.diff(costs[:5]) < 0) and np.all(np.diff(costs[4:]) > 0)


# --- squared error against cross entropy at a confidently wrong output ----------------------------

@pytest.mark.parametrize("kind", gd.COSTS)
@pytest.mark.parametrize("s", [0.0, 3.0, 8.0])
def test_output_gradient_matches_numerical_gradient(kind, s):
    z = gd.confidently_wrong_logits(s)
    numerical = gradcheck.numerical_gradient(lambda: gd.output_cost(kind, z, 1), z)
    np.testing.assert_allclose(gd.output_gradient(kind, z, 1), numerical, atol=1e-8)


def test_output_gradient_rejects_an_unknown_cost():
    with pytest.raises(ValueError, match="kind"):
        gd.output_gradient("hinge", np.zeros(10), 1)


def test_squared_error_starts_slowly_where_cross_entropy_does_not():
    z = gd.confidently_wrong_logits(8.0)
    ce = np.linalg.norm(gd.output_gradient("cross entropy", z, 1))
    sq = np.linalg.norm(gd.output_gradient("squared error", z, 1))
    assert ce > 1.0 and sq < 0.01 and ce / sq > 100
    steps = {k: int(np.argmax(gd.descend_logits(k, z, 1, 1.0, 200)[:, 1] > 0.5)) for k in gd.COSTS}
    assert 0 < steps["cross entropy"] <= 10 and steps["squared error"] > 100


def test_slow_start_figure_draws():
    fig, runs = gd.slow_start_figure(np.linspace(0, 9, 10), gd.confidently_wrong_logits(8.0), 1, 1.0, 20)
    assert set(runs) == set(gd.COSTS) and runs["cross entropy"].shape == (21, 10)
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    plt.close("all")


# --- exercise checks: correct variants pass, typical mistakes are named, the nudge gives no answer --

def total_cost_loop(Y, T):
    total = 0.0
    for r in range(len(Y)):
        for k in range(Y.shape[1]):
            if T[r, k]:
                total -= np.log(Y[r][k])
    return total


@pytest.mark.parametrize("right", [
    lambda Y, T: -np.sum(T * np.log(Y)),
    total_cost_loop,
    lambda Y, T: np.float32(-np.sum(T * np.log(Y))),                 # a float32 answer
    lambda Y, T: -np.sum(T.astype(np.float32) * np.log(Y.astype(np.float32))),
    lambda Y, T: float(-np.sum(T * np.log(Y))),                      # a Python float
    lambda Y, T: -np.sum(np.log(Y[T.astype(bool)])),
])
def test_check_total_cost_accepts_correct_forms(right):
    assert gd.check_total_cost(right).ok


@pytest.mark.parametrize("wrong, name", [
    (lambda Y, T: -np.mean(np.sum(T * np.log(Y), axis=1)), "the mean C / R"),
    (lambda Y, T: np.sum(T * np.log(Y)), "minus sign"),
    (lambda Y, T: -np.sum(np.log(Y)), "every output"),
    (lambda Y, T: -np.sum(T * np.log(Y), axis=1), "one a row"),
    (lambda Y, T: np.sum((Y - T) ** 2), "squared error"),
    (lambda Y, T: -np.sum(T * np.log10(Y)), "log base 10"),
])
def test_check_total_cost_names_the_mistake(wrong, name):
    text = repr(gd.check_total_cost(wrong))
    assert "It looks like" in text and name in text
    assert "np.log" not in text                              # level 1: no answer in the feedback
    assert "Formula" in repr(gd.check_total_cost(wrong, hint=2))
    assert "np.sum(T * np.log(Y))" in repr(gd.check_total_cost(wrong, hint=3))


def test_check_total_cost_placeholder_says_not_done():
    def placeholder(Y, T):
        raise NotDone
    text = repr(gd.check_total_cost(placeholder))
    assert "not written yet" in text and "np.log" not in text


def gradient_descent_solution(grad, theta0, eta, steps):
    theta = np.array(theta0, dtype=float)
    path = [theta]
    for _ in range(steps):
        theta = theta - eta * grad(theta)
        path.append(theta)
    return np.array(path)


def gradient_descent_list(grad, theta0, eta, steps):
    path = [list(theta0)]
    for _ in range(steps):
        g = grad(np.array(path[-1]))
        path.append([path[-1][i] - eta * g[i] for i in range(2)])
    return path


@pytest.mark.parametrize("right", [
    gradient_descent_solution,
    gradient_descent_list,                                   # a list of lists
    lambda g, th, eta, n: gradient_descent_solution(g, th, eta, n).astype(np.float32),
])
def test_check_gradient_descent_accepts_correct_forms(right):
    assert gd.check_gradient_descent(right).ok


def _in_place_descent(grad, theta0, eta, steps):
    theta = np.array(theta0, dtype=float)
    path = [theta]
    for _ in range(steps):
        theta -= eta * grad(theta)
        path.append(theta)
    return np.array(path)


@pytest.mark.parametrize("wrong, name", [
    (lambda g, th, eta, n: gradient_descent_solution(g, th, eta, n)[1:], "leaves out the start"),
    (lambda g, th, eta, n: np.array([th]), "only theta^0"),
    (lambda g, th, eta, n: gradient_descent_solution(g, th, eta, n)[-1], "only the last point"),
    (lambda g, th, eta, n: gradient_descent_solution(lambda w: -g(w), th, eta, n), "uphill"),
    (_in_place_descent, "in place"),
    (lambda g, th, eta, n: gradient_descent_solution(g, th, 1.0, n), "learning rate left out"),
])
def test_check_gradient_descent_names_the_mistake(wrong, name):
    text = repr(gd.check_gradient_descent(wrong))
    assert "It looks like" in text and name in text
    assert "theta - eta" not in text


def test_gradient_descent_fallback_is_used_until_the_answer_passes(capsys):
    def placeholder(grad, theta0, eta, steps):
        return np.array([theta0])
    assert gd.check_gradient_descent.use(placeholder, fallback=gd.gradient_descent_reference) is gd.gradient_descent_reference
    assert "package's version" in capsys.readouterr().out
    assert gd.check_gradient_descent.use(gradient_descent_solution, fallback=None) is gradient_descent_solution


@pytest.mark.parametrize("eta", [0.26, 0.3, 0.35, 0.42, np.float32(0.35)])
def test_check_learning_rate_accepts_good_rates(eta):
    assert gd.check_learning_rate(eta).ok


@pytest.mark.parametrize("eta, name", [
    (0.05, "too small"),
    (0.2, "too small"),
    (0.43, "a little too large"),
    (0.45, "too large: each step overshoots"),
    (0.6, "too large: each step overshoots"),
])
def test_check_learning_rate_names_the_mistake(eta, name):
    text = repr(gd.check_learning_rate(eta))
    assert "It looks like" in text and name in text
    assert "0.35" not in text and "0.26" not in text          # the answer only at hint=3
    assert "0.35" in repr(gd.check_learning_rate(eta, hint=3))


@pytest.mark.parametrize("bad", ["fast", -0.1, float("nan")])
def test_check_learning_rate_rejects_non_rates(bad):
    result = gd.check_learning_rate(bad)
    assert not result.ok and "eta" in repr(result)


def test_check_learning_rate_placeholder():
    assert "not written yet" in repr(gd.check_learning_rate(...))


def test_draw_surface_computes_the_cost_of_a_grid_once(neuron, monkeypatch):
    calls = []
    cost = neuron.cost
    monkeypatch.setattr(neuron, "cost", lambda w1, w2: calls.append(w1.shape) or cost(w1, w2))
    memo = {}
    on_grid = gd.remembered_cost(neuron, memo)
    w1, w2 = np.meshgrid(np.linspace(-3, 3, 20), np.linspace(-2, 2, 10))
    assert np.array_equal(on_grid(w1, w2), cost(w1, w2)) and len(calls) == 1
    assert np.array_equal(on_grid(w1.copy(), w2.copy()), cost(w1, w2)) and len(calls) == 1  # remembered
    assert np.array_equal(on_grid(w2, w1), cost(w2, w1)) and len(calls) == 2  # another grid: computed
    memo.clear()
    fig, axes = plt.subplots(1, 3)
    gd.draw_surface(axes[0], neuron, memo=memo)
    gd.draw_surface(axes[1], neuron, memo=memo)
    assert calls.count((200, 200)) == 1  # two drawings of the surface, one cost of its grid
    assert np.array_equal(axes[0].collections[0].get_array(), axes[1].collections[0].get_array())
    gd.draw_surface(axes[2], neuron)  # no memo: nothing is kept on the surface itself
    assert calls.count((200, 200)) == 2 and not hasattr(neuron, "_grid")
    plt.close(fig)


# --- other correct forms and slips learners make, for the exercise checks -------------------------

def gradient_descent_one_step_short(grad, theta0, eta, steps):
    path = []
    theta = np.array(theta0, dtype=float)
    for _ in range(steps):
        path.append(theta)                            # appended before the step: the last one is lost
        theta = theta - eta * grad(theta)
    return np.array(path)


def gradient_descent_gradient_once(grad, theta0, eta, steps):
    g = grad(theta0)
    path = [np.array(theta0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - eta * g)
    return np.array(path)


@pytest.mark.parametrize("check, answer", [
    (gd.check_total_cost, lambda Y, T: -np.sum(T * np.log(Y + 1e-7))),           # an eps for safety
    (gd.check_total_cost, lambda Y, T: -np.sum(T * np.log(Y), keepdims=True).reshape(1)),   # [C]
])
def test_total_cost_accepts_an_eps_and_one_number_in_an_array(check, answer):
    assert check(answer).ok, repr(check(answer))


@pytest.mark.parametrize("check, answer, name", [
    (gd.check_total_cost, lambda Y, T: -np.mean(T * np.log(Y)), "R x 10 entries"),
    (gd.check_total_cost, lambda Y, T: -np.sum(T * np.log(Y), axis=0), "one number per digit"),
    (gd.check_total_cost, lambda Y, T: -np.sum(T * np.log(Y) + (1 - T) * np.log(1 - Y)), "binary cross entropy"),
    (gd.check_total_cost, lambda Y, T: -np.sum(Y * np.log(T)), "Y and T swapped"),
    (gd.check_total_cost, lambda Y, T: -np.sum(T * np.log(1 - Y)), "-ln(1 - y)"),
    (gd.check_gradient_descent, gradient_descent_one_step_short, "one step too few"),
    (gd.check_gradient_descent, lambda g, th, eta, n: gradient_descent_solution(g, th, eta, n + 1), "one step too many"),
    (gd.check_gradient_descent, gradient_descent_gradient_once, "gradient at theta^0 used for every step"),
    (gd.check_gradient_descent, lambda g, th, eta, n: gradient_descent_solution(g, th, eta, n).T, "transposed"),
])
def test_checks_name_the_slips_learners_make(check, answer, name):
    with np.errstate(all="ignore"):
        text = repr(check(answer))
    assert "It looks like" in text and name in text, text
    assert "Solution" not in text and "Formula" not in text and "np.log(Y)" not in text and "theta - eta" not in text


def test_check_learning_rate_rejects_a_rate_written_as_text():
    text = repr(gd.check_learning_rate("0.35"))                 # float("0.35") would pass it
    assert "Not yet" in text and "without quotes" in text and "It looks like" not in text, text
