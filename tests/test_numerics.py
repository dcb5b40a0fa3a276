"""Numerical edge cases: huge logits, probabilities of exactly 0, float32 end to end."""
import numpy as np
import pytest

from dltutor import data, gradcheck, nn, optim, train


@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_sigmoid_finite_and_correct_for_huge_inputs(scale):
    z = np.array([[scale, -scale, 0.0, 800.0, -800.0]])
    with np.errstate(all="raise"):  # no overflow warning either
        a = nn.Sigmoid().forward(z)
    np.testing.assert_array_equal(a, [[scale > 0, scale < 0, 0.5, 1.0, 0.0]])


def test_softmax_finite_for_huge_logits():
    Z = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4], [-1e4, -1e4 - 1, -1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        Y = nn.softmax(Z)
    np.testing.assert_allclose(Y[0], [1, 0, 0])
    np.testing.assert_allclose(Y[1], [1 / 3] * 3)
    np.testing.assert_allclose(Y[2], np.exp([0, -1, 0]) / np.exp([0, -1, 0]).sum())


def test_cross_entropy_from_logits_is_exact_for_huge_logits():
    ce = nn.CrossEntropy()
    Z = np.array([[1e4, 0.0, -1e4]])
    assert ce.from_logits(Z, [0]) == pytest.approx(0.0, abs=1e-12)
    assert ce.from_logits(Z, [2]) == pytest.approx(2e4)  # log-sum-exp: the true cost, not a clip
    np.testing.assert_allclose(ce.gradient_from_logits(Z, [2]), [[1, 0, -1]])


def test_cross_entropy_of_a_zero_probability_is_finite():
    ce = nn.CrossEntropy()
    Y = np.array([[1.0, 0.0]])
    with np.errstate(all="raise"):
        value = ce(Y, [1])
        grad = ce.gradient(Y, [1])
    assert np.isfinite(value) and value > 700  # -ln(smallest float) ~ 708
    assert np.all(np.isfinite(grad))
    assert ce(Y, [0]) == 0.0


def test_network_training_step_with_huge_logits_stays_finite():
    net = nn.Sequential(nn.Dense(2, 3, W=[[1e4, 0], [0, 1e4], [-1e4, 0]]), nn.Softmax())
    history = train.fit(net, [[1.0, 0.0], [0.0, 1.0]], [2, 0], optimizer=optim.SGD(net, lr=1e-3),
                        epochs=2, batch_size=2, verbose=False, evaluate_train=False)
    assert all(np.isfinite(history["cost"]))
    assert history["cost"][0] == pytest.approx((2e4 + 1e4) / 2, rel=1e-3)  # the exact costs


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_float64_train_end_to_end(dtype):
    X, y = data.load_digits()
    X_train, X_test, y_train, y_test = data.split(X, y, test_size=0.25, seed=0)
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Dense(64, 32, rng=rng, dtype=dtype), nn.ReLU(), nn.Dense(32, 10, rng=rng, dtype=dtype),
                        nn.Softmax())
    train.fit(net, X_train, y_train, optimizer=optim.Adam(net, lr=0.01), epochs=10, verbose=False)
    assert all(v.dtype == dtype for v in net.params.values())
    assert net.forward(X_test).dtype == dtype
    assert np.mean(net.predict(X_test) == y_test) > 0.9


def test_float32_and_float64_agree_closely():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((10, 5))
    net64 = nn.Sequential(nn.Dense(5, 4, rng=1), nn.Sigmoid(), nn.Dense(4, 3, rng=2), nn.Softmax())
    net32 = nn.Sequential(nn.Dense(5, 4, rng=1), nn.Sigmoid(), nn.Dense(4, 3, rng=2), nn.Softmax()).astype(np.float32)
    np.testing.assert_allclose(net32.forward(X), net64.forward(X), rtol=1e-5)


def test_gradient_check_of_a_float32_network_checks_a_float64_copy():
    # float32's rounding would swamp the central difference: the check runs on a float64 copy.
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Dense(4, 3, rng=rng), nn.Sigmoid(), nn.Dense(3, 2, rng=rng), nn.Softmax())
    X, y = rng.standard_normal((5, 4)), rng.integers(0, 2, 5)
    assert max(gradcheck.check_network(net, X, y).values()) < 1e-7
    net32 = net.astype(np.float32)
    before = {k: v.copy() for k, v in net32.params.items()}
    assert max(gradcheck.check_network(net32, X, y).values()) < 1e-7
    for k, v in net32.params.items():  # the float32 network is left as it was
        assert v.dtype == np.float32
        np.testing.assert_array_equal(v, before[k])


@pytest.mark.filterwarnings("error::RuntimeWarning")  # 0 * ln 0 must not be computed at all
def test_cross_entropy_from_labels_is_the_one_hot_form():
    """Training on labels takes a shorter path (no one-hot rows): it must give the same cost and
    dC/dz as the one-hot targets, in float32 and float64, for large and infinite logits too."""
    from dltutor.cost import CrossEntropy, one_hot
    rng = np.random.default_rng(5)
    for dtype in (np.float32, np.float64):
        Z = (rng.normal(size=(9, 4)) * 30).astype(dtype)
        Z[0, 2], Z[1] = np.inf, [1e30, -1e30, 0, 5]
        y = rng.integers(0, 4, 9)
        y[0] = 2
        cost, delta = CrossEntropy().from_logits_and_gradient(Z, y)
        cost_t, delta_t = CrossEntropy().from_logits_and_gradient(Z, one_hot(y, 4).astype(dtype))
        assert delta.dtype == dtype
        np.testing.assert_allclose(cost, cost_t, rtol=1e-6)
        np.testing.assert_allclose(delta, delta_t, rtol=1e-6, atol=1e-12)
