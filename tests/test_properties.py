"""Properties that hold for any shapes and values (Hypothesis draws them)."""
import numpy as np
from hypothesis import given, settings, strategies as st

from dltutor import gradcheck, nn, optim

SETTINGS = settings(max_examples=30, deadline=None)
shapes = st.tuples(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6))  # batch, n_in, n_out
seeds = st.integers(0, 2 ** 31 - 1)


@SETTINGS
@given(shapes, seeds)
def test_dense_forward_backward_shapes(shape, seed):
    batch, n_in, n_out = shape
    rng = np.random.default_rng(seed)
    layer = nn.Dense(n_in, n_out, rng=rng)
    Y = layer.forward(rng.standard_normal((batch, n_in)))
    assert Y.shape == (batch, n_out)
    dX = layer.backward(rng.standard_normal((batch, n_out)))
    assert dX.shape == (batch, n_in)
    assert all(layer.grads[k].shape == v.shape for k, v in layer.params.items())


@SETTINGS
@given(shapes, seeds, st.sampled_from([nn.Sigmoid, nn.ReLU, nn.Softmax]), st.booleans())
def test_network_gradients_match_numerical(shape, seed, activation, dropout):
    batch, n_in, n_out = shape
    rng = np.random.default_rng(seed)
    layers = [nn.Dense(n_in, 4, rng=rng), activation()]
    if dropout:
        layers.append(nn.Dropout(0.3, rng=rng))
    layers += [nn.Dense(4, n_out + 1, rng=rng), nn.Softmax()]
    net = nn.Sequential(*layers)
    X = rng.standard_normal((batch, n_in))
    if activation is nn.ReLU:
        X += np.sign(X) * 0.5  # keep away from ReLU's kink, where no derivative exists
    errors = gradcheck.check_network(net, X, rng.integers(0, n_out + 1, batch))
    assert max(errors.values()) < 1e-6, errors


@SETTINGS
@given(st.integers(1, 8), st.integers(1, 8), st.floats(-50, 50), seeds)
def test_softmax_rows_sum_to_one(batch, n, shift, seed):
    Z = np.random.default_rng(seed).standard_normal((batch, n)) * 30 + shift
    Y = nn.softmax(Z)
    np.testing.assert_allclose(Y.sum(axis=1), 1.0)
    assert np.all((Y >= 0) & (Y <= 1))
    np.testing.assert_allclose(nn.softmax(Z + 1000.0), Y)  # adding a constant changes nothing


@SETTINGS
@given(st.floats(0.0, 0.95), seeds)
def test_dropout_keeps_the_expected_fraction(p, seed):
    kept = nn.Dropout(p, rng=seed).forward(np.ones((100, 100)), train=True) != 0
    # 10,000 draws: standard error <= 0.005; allow 5 standard errors.
    assert abs(kept.mean() - (1 - p)) < 0.025


@SETTINGS
@given(st.sampled_from([optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam]),
       st.floats(1e-4, 1.0), seeds, st.integers(1, 5))
def test_a_parameter_whose_gradient_is_always_zero_never_moves(cls, lr, seed, steps):
    rng = np.random.default_rng(seed)
    point = optim.Point(moving=rng.standard_normal(3), still=rng.standard_normal(3))
    still = point.params["still"].copy()
    opt = cls(point, lr=lr)
    for _ in range(steps):
        point.grads["moving"][...] = rng.standard_normal(3)
        point.grads["still"][...] = 0.0
        opt.step()
    np.testing.assert_array_equal(point.params["still"], still)
