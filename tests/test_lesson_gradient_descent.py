"""Notebook 03's lesson module: error surfaces, gradient descent, widgets and exercise checks."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dltutor import data, gradcheck, nn, optim, train  # noqa: E402
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


@pytest.fixture(scope="module")
def small_digit_net():
    X, y = data.load_mnist()
    X_train, X_test, y_train, y_test = data.split(X, y, test_size=0.1, seed=0)
    net = nn.Sequential(nn.Dense(784, 10, rng=0), nn.Softmax())
    train.fit(net, X_train[:1000], y_train[:1000], optimizer=optim.SGD(net, lr=0.5), epochs=2, verbose=False)
    return net, X_test[:40], y_test[:40]


def test_digit_picker_widget(small_digit_net):
    net, X, y = small_digit_net
    w = gd.digit_picker_widget(net, X, y)
    assert w.last_error is None and w.image.value[:4] == b"\x89PNG"
    assert f"true digit {y[0]}" in w.text.value
    assert w.controls["index"].max == len(X) - 1
    assert w.sweep() == []


# --- exercise checks: the notebook's solutions pass, typical mistakes get the right message -------

def total_cost_solution(Y, T):
    return -np.sum(T * np.log(Y))


@pytest.mark.parametrize("wrong, message", [
    (lambda Y, T: 0.0, "expected"),
    (lambda Y, T: -np.mean(np.sum(T * np.log(Y), axis=1)), "the mean"),
    (lambda Y, T: np.sum(T * np.log(Y)), "negative"),
    (lambda Y, T: -np.sum(np.log(Y)), "every output"),
    (lambda Y, T: np.sum((Y - T) ** 2), "squared error"),
    (lambda Y, T: -np.sum(T * np.log10(Y)), "base 10"),
    (lambda Y, T: -np.sum(T * np.log(Y), axis=1), "numbers"),
    (lambda Y, T: None, "None"),
    (lambda Y, T: 1 / 0, "ZeroDivisionError"),
])
def test_check_total_cost(wrong, message):
    assert gd.check_total_cost(total_cost_solution).ok
    result = gd.check_total_cost(wrong)
    assert not result.ok
    assert message in repr(result), repr(result)


def gradient_descent_solution(grad, theta0, eta, steps):
    theta = np.array(theta0, dtype=float)
    path = [theta]
    for _ in range(steps):
        theta = theta - eta * grad(theta)
        path.append(theta)
    return np.array(path)


def _uphill(grad, theta0, eta, steps):
    return gradient_descent_solution(lambda w: -grad(w), theta0, eta, steps)


def _in_place(grad, theta0, eta, steps):
    theta = np.array(theta0, dtype=float)
    path = [theta]
    for _ in range(steps):
        theta -= eta * grad(theta)
        path.append(theta)
    return np.array(path)


def _no_start(grad, theta0, eta, steps):
    return gradient_descent_solution(grad, theta0, eta, steps)[1:]


def _last_only(grad, theta0, eta, steps):
    return gradient_descent_solution(grad, theta0, eta, steps)[-1]


def _no_eta(grad, theta0, eta, steps):
    return gradient_descent_solution(grad, theta0, 1.0, steps)


def _never_moves(grad, theta0, eta, steps):
    return np.array([theta0] * (steps + 1))


@pytest.mark.parametrize("wrong, message", [
    (lambda grad, theta0, eta, steps: np.array([theta0]), "only theta^0"),
    (_uphill, "uphill"),
    (_in_place, "in place"),
    (_no_start, "left out the start"),
    (_last_only, "only the last point"),
    (_no_eta, "ignored the learning rate"),
    (_never_moves, "never moved"),
    (lambda grad, theta0, eta, steps: None, "None"),
    (lambda grad, theta0, eta, steps: grad(theta0, 1), "TypeError"),
])
def test_check_gradient_descent(wrong, message):
    assert gd.check_gradient_descent(gradient_descent_solution).ok
    result = gd.check_gradient_descent(wrong)
    assert not result.ok
    assert message in repr(result), repr(result)


def sigmoid_layer_gradient_solution(X, W, b, T):
    A = 1 / (1 + np.exp(-(X @ W.T + b)))
    dA = 2 * (A - T) / len(X)
    dZ = dA * A * (1 - A)
    return dZ.T @ X


def _with(change):
    def fn(X, W, b, T):
        A = 1 / (1 + np.exp(-(X @ W.T + b)))
        dA = 2 * (A - T) / len(X)
        return change(X, A, dA, T)
    return fn


@pytest.mark.parametrize("wrong, message", [
    (lambda X, W, b, T: np.zeros_like(W), "expected"),
    (_with(lambda X, A, dA, T: (dA * A * (1 - A) * len(X)).T @ X), "R = 5 times too large"),
    (_with(lambda X, A, dA, T: (dA * A * (1 - A) / 2).T @ X), "half"),
    (_with(lambda X, A, dA, T: dA.T @ X), "sigma'(z)"),
    (_with(lambda X, A, dA, T: -(dA * A * (1 - A)).T @ X), "wrong sign"),
    (_with(lambda X, A, dA, T: X.T @ (dA * A * (1 - A))), "transposed"),
    (lambda X, W, b, T: None, "None"),
    (lambda X, W, b, T: W @ X, "ValueError"),
])
def test_check_sigmoid_layer_gradient(wrong, message):
    assert gd.check_sigmoid_layer_gradient(sigmoid_layer_gradient_solution).ok
    result = gd.check_sigmoid_layer_gradient(wrong)
    assert not result.ok
    assert message in repr(result), repr(result)


def test_sigmoid_layer_reference_matches_numerical_gradient():
    X, W, b, T = gd._sigmoid_layer_case(0)
    layer = nn.Dense.from_weights(W, b)
    sq = nn.SquaredError()

    def C():
        return sq(gd.sigma(layer.forward(X)), T)

    numerical = gradcheck.numerical_gradient(C, layer.W)
    assert gradcheck.relative_error(gd.sigmoid_layer_gradient_reference(X, W, b, T), numerical) < 1e-7


@pytest.mark.parametrize("eta", [0.26, 0.35, 0.42])
def test_check_learning_rate_accepts_good_rates(eta):
    assert gd.check_learning_rate(eta).ok


@pytest.mark.parametrize("eta, message", [
    (0.05, "Make eta larger"),
    (0.2, "Make eta larger"),
    (0.435, "zigzags"),
    (0.5, "diverges"),
    (5.0, "diverges"),
    (-0.1, "positive number"),
    ("fast", "positive number"),
    (None, "positive number"),
])
def test_check_learning_rate_rejects_bad_rates(eta, message):
    result = gd.check_learning_rate(eta)
    assert not result.ok
    assert message in repr(result), repr(result)
