"""The speed-ups that stay are public and give the numbers of the plain computation; fit is the
loop of notebook 03 written out (shuffle, forward, cost and dC/dz, backward, step)."""
import numpy as np
import pytest

from dltutor import cost, nn, optim, train


def _net(dtype=np.float64, activation=nn.Sigmoid, seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Dense(6, 8, rng=rng, dtype=dtype), activation(), nn.Dense(8, 5, rng=rng, dtype=dtype),
                         activation(), nn.Dense(5, 3, rng=rng, dtype=dtype), nn.Softmax())


def _loop(net, X, y, optimizer, epochs, batch_size, seed):
    """The training loop written out with the plain pieces: full input gradient, separate cost and
    gradient from the logits."""
    rng = np.random.default_rng(seed)
    ce = cost.CrossEntropy()
    costs = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            net.forward(X[idx], train=True)
            Z = net.layers[-1].Z
            costs.append(ce.from_logits(Z, y[idx]))
            net.backward(ce.gradient_from_logits(Z, y[idx]), skip_last=True)
            optimizer.step()
    return costs


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", [nn.Sigmoid, nn.ReLU])
@pytest.mark.parametrize("make_optimizer", [lambda net: optim.SGD(net, lr=0.3),
                                            lambda net: optim.SGD(net, lr=0.3, momentum=0.5),
                                            lambda net: optim.Adam(net, lr=0.01)], ids=["sgd", "momentum", "adam"])
def test_fit_takes_the_steps_of_the_loop_written_out(dtype, activation, make_optimizer, rng):
    # 53 examples in batches of 8: the last, partial batch of 5 must be trained on too, and the
    # examples shuffled every epoch from the seed.
    X, y = rng.standard_normal((53, 6)), rng.integers(0, 3, 53)
    fitted, by_hand = _net(dtype, activation), _net(dtype, activation)
    h = train.fit(fitted, X, y, optimizer=make_optimizer(fitted), epochs=3, batch_size=8, seed=4,
                  verbose=False, evaluate_train=False)
    costs = _loop(by_hand, X.astype(dtype), y, make_optimizer(by_hand), epochs=3, batch_size=8, seed=4)
    np.testing.assert_allclose(h["cost"], np.mean(np.reshape(costs, (3, 7)), axis=1), rtol=1e-6)
    for key, value in fitted.params.items():
        assert value.dtype == dtype
        np.testing.assert_allclose(value, by_hand.params[key], rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=1e-6 if dtype == np.float32 else 1e-13)
        np.testing.assert_allclose(fitted.grads[key], by_hand.grads[key], rtol=1e-4, atol=1e-6)


def test_fit_without_shuffling_or_without_the_last_batch_would_differ(rng):
    # The test above can fail: an unshuffled loop, or one that drops the partial batch, trains differently.
    X, y = rng.standard_normal((53, 6)), rng.integers(0, 3, 53)
    fitted = _net()
    train.fit(fitted, X, y, optimizer=optim.SGD(fitted, lr=0.3), epochs=2, batch_size=8, verbose=False)
    unshuffled = _net()
    opt = optim.SGD(unshuffled, lr=0.3)
    for _ in range(2):
        for start in range(0, 53, 8):
            unshuffled.forward(X[start:start + 8], train=True)
            unshuffled.backward(cost.CrossEntropy().gradient_from_logits(unshuffled.layers[-1].Z, y[start:start + 8]),
                                skip_last=True)
            opt.step()
    assert not np.allclose(fitted.params["0.W"], unshuffled.params["0.W"])
    truncated = _net()
    train.fit(truncated, X[:48], y[:48], optimizer=optim.SGD(truncated, lr=0.3), epochs=1, batch_size=8,
              verbose=False)
    one_epoch = _net()
    train.fit(one_epoch, X, y, optimizer=optim.SGD(one_epoch, lr=0.3), epochs=1, batch_size=8, verbose=False)
    assert not np.allclose(truncated.params["0.W"], one_epoch.params["0.W"])


def test_backward_without_input_gradient_fills_the_same_grads(rng):
    net = nn.Sequential(nn.Dropout(0.2, rng=1), nn.Dense(6, 4, rng=rng), nn.ReLU(), nn.Dense(4, 3, rng=rng))
    X = rng.standard_normal((5, 6))
    net.forward(X, train=True)
    dY = rng.standard_normal((5, 3))
    dX = net.backward(dY)
    assert dX.shape == X.shape
    grads = {k: v.copy() for k, v in net.grads.items()}
    for g in net.grads.values():
        g[...] = np.nan
    assert net.backward(dY, input_grad=False) is None
    for key, value in grads.items():
        np.testing.assert_array_equal(net.grads[key], value)


def test_dense_backward_without_input_gradient(rng):
    layer = nn.Dense(4, 3, rng=rng)
    X, dZ = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    layer.forward(X, train=True)
    np.testing.assert_allclose(layer.backward(dZ), dZ @ layer.W)
    W_grad = layer.grads["W"].copy()
    assert layer.backward(dZ, input_grad=False) is None
    np.testing.assert_array_equal(layer.grads["W"], W_grad)
    np.testing.assert_allclose(W_grad, dZ.T @ X)
    np.testing.assert_allclose(layer.grads["b"], dZ.sum(axis=0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cost_and_gradient_together_equal_the_separate_functions(dtype, rng):
    Z = (rng.standard_normal((7, 4)) * 30).astype(dtype)
    labels = rng.integers(0, 4, 7)
    ce = cost.CrossEntropy()
    c, delta = ce.from_logits_and_gradient(Z, labels)
    assert c == ce.from_logits(Z, labels)
    np.testing.assert_array_equal(delta, ce.gradient_from_logits(Z, labels))
    assert delta.dtype == dtype
    np.testing.assert_allclose(delta, (nn.softmax(Z.astype(np.float64)) - np.eye(4)[labels]) / 7,
                               atol=1e-6 if dtype == np.float32 else 1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_keeps_the_log_softmax_its_output_came_from(dtype, rng):
    Z = (rng.standard_normal((5, 4)) * 50).astype(dtype)
    Z[0] = [2000, -2000, 0, 1]  # y rounds to 0 where ln y is -2000 or less
    layer = nn.Softmax()
    Y = layer.forward(Z)
    np.testing.assert_array_equal(layer.log_Y, cost.log_softmax(Z))
    np.testing.assert_array_equal(Y, nn.softmax(Z))
    assert Y[0, 1] == 0 and layer.log_Y[0, 1] == -4000


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("targets", ["labels", "rows"])
def test_cost_from_the_kept_log_softmax_is_the_cost_from_the_logits(dtype, targets, rng):
    # What fit uses (the Softmax's log_Y) gives bit for bit what the logits give, for labels and for
    # target rows, and stays exact where y rounds to 0 (ln of the rounded y would be -inf).
    Z = (rng.standard_normal((6, 3)) * 40).astype(dtype)
    Z[2] = [0, 3000, -3000]
    labels = np.array([0, 1, 2, 2, 1, 0])
    T = labels if targets == "labels" else np.eye(3, dtype=dtype)[labels]
    ce, layer = cost.CrossEntropy(), nn.Softmax()
    layer.forward(Z)
    c, delta = ce.from_log_softmax_and_gradient(layer.log_Y, T)
    c_z, delta_z = ce.from_logits_and_gradient(Z, T)
    assert c == c_z and np.isfinite(c) and c > 6000 / 6  # row 2's label 2 costs ln y = -6000
    np.testing.assert_array_equal(delta, delta_z)
    assert delta.dtype == dtype


def test_training_cost_comes_from_the_softmax_log_softmax(rng):
    # cost_and_gradient, what fit calls every step. A network whose logits are thousands apart: the
    # cost from log_Y is exact (and large); from ln of the rounded probabilities it would be clipped
    # at ln(tiny), about 708.
    net = nn.Sequential(nn.Dense(2, 3, W=[[1000, 0], [0, 1000], [-1000, 0]], b=[0, 0, 0]), nn.Softmax())
    X, y = np.array([[3.0, 0.0]]), np.array([2])
    c, _, skip_last = train.cost_and_gradient(net, cost.CrossEntropy(), net.forward(X, train=True), y)
    assert skip_last and c == pytest.approx(6000)
    assert cost.CrossEntropy()(net.layers[-1].Y, y) == pytest.approx(708.4, abs=0.1)
