"""The training loop's fast paths give exactly the numbers of the plain, checked ones."""
import numpy as np
import pytest

from dltutor import cost, nn, optim, train


def _net(dtype, activation=nn.Sigmoid, seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Dense(6, 8, rng=rng, dtype=dtype), activation(), nn.Dense(8, 5, rng=rng, dtype=dtype),
                         activation(), nn.Dense(5, 3, rng=rng, dtype=dtype), nn.Softmax())


class PlainSequential(nn.Sequential):
    """Its own forward and backward (the plain ones): fit must take the checked path for it."""

    def forward(self, X, train=False):
        return super().forward(X, train=train)

    def backward(self, dY, skip_last=False):
        return super().backward(dY, skip_last=skip_last)


def _fit_both(dtype, activation, make_optimizer, rng):
    X, y = rng.standard_normal((50, 6)), rng.integers(0, 3, 50)
    fast = _net(dtype, activation)
    plain = PlainSequential(*_net(dtype, activation).layers)
    kwargs = dict(epochs=3, batch_size=8, verbose=False, evaluate_train=False)
    h_fast = train.fit(fast, X, y, optimizer=make_optimizer(fast), **kwargs)
    h_plain = train.fit(plain, X, y, optimizer=make_optimizer(plain), **kwargs)
    return fast, plain, h_fast, h_plain


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", [nn.Sigmoid, nn.ReLU])
@pytest.mark.parametrize("make_optimizer", [lambda net: optim.SGD(net, lr=0.3, momentum=0.5),
                                            lambda net: optim.Adam(net, lr=0.01)], ids=["momentum", "adam"])
def test_fit_fast_path_equals_the_plain_path_bit_for_bit(dtype, activation, make_optimizer, rng):
    fast, plain, h_fast, h_plain = _fit_both(dtype, activation, make_optimizer, rng)
    assert h_fast["cost"] == h_plain["cost"]
    for key, value in fast.params.items():
        assert value.dtype == dtype
        np.testing.assert_array_equal(value, plain.params[key])
        np.testing.assert_array_equal(fast.grads[key], plain.grads[key])


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-4), (np.float64, 1e-11)])
@pytest.mark.parametrize("activation", [nn.Sigmoid, nn.ReLU])
def test_plain_sgd_backpropagating_eta_times_the_gradient_takes_the_same_steps(dtype, rtol, activation, rng):
    # For plain SGD fit backpropagates eta * dC/dy and subtracts the grads directly: the same steps
    # up to rounding (eta * (delta^T a) versus (eta * delta)^T a), and net.grads afterwards hold the
    # last mini-batch's gradient, as on the plain path.
    fast, plain, h_fast, h_plain = _fit_both(dtype, activation, lambda net: optim.SGD(net, lr=0.3), rng)
    np.testing.assert_allclose(h_fast["cost"], h_plain["cost"], rtol=rtol)
    assert h_fast["cost"][-1] < h_fast["cost"][0]
    for key, value in fast.params.items():
        assert value.dtype == dtype and fast.grads[key].dtype == dtype
        scale = np.abs(plain.params[key]).max()
        np.testing.assert_allclose(value, plain.params[key], rtol=0, atol=rtol * scale)
        scale = np.abs(plain.grads[key]).max()
        np.testing.assert_allclose(fast.grads[key], plain.grads[key], rtol=0, atol=10 * rtol * scale)


def test_sgd_step_with_grads_times_lr_subtracts_the_grads(rng):
    layer = nn.Dense(3, 2, rng=rng)
    before = layer.W.copy()
    layer.grads["W"][...] = rng.standard_normal((2, 3))
    opt = optim.SGD(layer, lr=0.5)
    opt.step(grads_times_lr=True)
    np.testing.assert_array_equal(layer.W, before - layer.grads["W"])
    assert opt.t == 1
    with pytest.raises(ValueError, match="plain SGD"):
        optim.SGD(layer, lr=0.5, momentum=0.9).step(grads_times_lr=True)


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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_softmax_cross_entropy_equals_the_checked_functions(dtype, rng):
    Z = (rng.standard_normal((7, 4)) * 30).astype(dtype)
    labels = rng.integers(0, 4, 7)
    ce = cost.CrossEntropy()
    c, delta = ce._from_softmax(Z, nn.softmax(Z), labels)
    assert c == ce.from_logits(Z, labels)
    np.testing.assert_array_equal(delta, ce.gradient_from_logits(Z, labels))
    assert delta.dtype == dtype
