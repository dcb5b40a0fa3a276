"""Layers and networks: gradients against numerical ones, and the forward pass against scikit-learn."""
import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from dltutor import gradcheck, nn

TOL = 1e-7  # relative error of backpropagation against central differences, in float64


@pytest.mark.parametrize("layer, n_in", [
    (nn.Dense(4, 3, rng=1), 4),
    (nn.Sigmoid(), 4),
    (nn.ReLU(), 4),
    (nn.Maxout(3), 6),
    (nn.Maxout(1), 4),
    (nn.Softmax(), 4),
    (nn.Dropout(0.5, rng=2), 4),
    (nn.Dropout(0.3, rng=2, scaling="inverted"), 4),
])
def test_layer_gradients_match_numerical(layer, n_in, rng):
    X = rng.standard_normal((5, n_in))
    errors = gradcheck.check_layer(layer, X)
    assert set(errors) == {"X", *layer.params}
    assert max(errors.values()) < TOL, errors


def test_relu_gradient_away_from_kink(rng):
    # Inputs kept away from 0, where ReLU has no derivative, so the check is meaningful.
    X = rng.standard_normal((6, 5))
    X += np.sign(X) * 0.1
    assert gradcheck.check_layer(nn.ReLU(), X)["X"] < TOL


@pytest.mark.parametrize("activation", [nn.Sigmoid, nn.ReLU])
@pytest.mark.parametrize("output", ["softmax", "linear"])
def test_network_gradients_match_numerical(activation, output, rng):
    layers = [nn.Dense(5, 7, rng=rng), activation(), nn.Dense(7, 6, rng=rng), activation(),
              nn.Dense(6, 3, rng=rng)]
    if output == "softmax":
        layers.append(nn.Softmax())
        y = rng.integers(0, 3, 8)
    else:
        y = rng.standard_normal((8, 3))
    net = nn.Sequential(*layers)
    errors = gradcheck.check_network(net, rng.standard_normal((8, 5)), y)
    assert len(errors) == 6
    assert max(errors.values()) < TOL, errors


def test_network_with_maxout_and_dropout_gradients(rng):
    net = nn.Sequential(nn.Dense(5, 8, rng=rng), nn.Maxout(2), nn.Dropout(0.4, rng=rng),
                        nn.Dense(4, 6, rng=rng), nn.Maxout(3), nn.Dense(2, 3, rng=rng), nn.Softmax())
    errors = gradcheck.check_network(net, rng.standard_normal((9, 5)), rng.integers(0, 3, 9))
    assert max(errors.values()) < TOL, errors


def test_gradcheck_catches_a_wrong_backward(rng):
    class WrongSigmoid(nn.Sigmoid):
        def backward(self, dA):
            return dA * self.A  # forgot (1 - a)
    errors = gradcheck.check_layer(WrongSigmoid(), rng.standard_normal((4, 3)))
    assert errors["X"] > 0.01


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [(0, 0), (6, 2), (3, 4)])
def test_dense_finds_any_nan_or_inf_in_its_input(bad, where, rng):
    # Dense looks at one column of Z only; a bad x_j must reach it even where w_0j = 0 (inf * 0 is
    # NaN), in any row and column, float32 and float64 alike.
    for dtype in (np.float32, np.float64):
        W = rng.standard_normal((3, 5))
        W[0, where[1]] = 0.0
        layer = nn.Dense(5, 3, W=W, b=[0, 0, 0], dtype=dtype)
        X = rng.standard_normal((7, 5))
        X[where] = bad
        message = rf"X contains NaN or inf \(first at index \({where[0]}, {where[1]}\)\)"
        with np.errstate(invalid="ignore"), pytest.raises(ValueError, match=message):
            layer.forward(X)


def test_dense_with_huge_weights_is_not_blamed_on_its_input():
    # A finite input with weights that overflow z: no input error (training reports divergence).
    layer = nn.Dense(2, 2, W=[[1e300, 1e300], [1, 1]], b=[0, 0])
    with np.errstate(over="ignore"):
        Z = layer.forward([[1e10, 1e10]])
    assert np.isinf(Z[0, 0]) and Z[0, 1] == 2e10


def test_dense_shapes_and_convention(rng):
    layer = nn.Dense(3, 2, rng=rng)
    assert layer.W.shape == (2, 3) and layer.b.shape == (2,)
    X = rng.standard_normal((4, 3))
    np.testing.assert_allclose(layer.forward(X), X @ layer.W.T + layer.b)
    dX = layer.backward(np.ones((4, 2)))
    assert dX.shape == (4, 3)
    assert set(layer.grads) == set(layer.params) == {"W", "b"}
    assert layer.grads["W"].shape == (2, 3)


def test_same_seed_same_weights_different_generator_draws_differ():
    a, b = nn.Dense(10, 10, rng=3), nn.Dense(10, 10, rng=3)
    np.testing.assert_array_equal(a.W, b.W)
    g = np.random.default_rng(3)
    c, d = nn.Dense(10, 10, rng=g), nn.Dense(10, 10, rng=g)
    assert not np.array_equal(c.W, d.W)


def test_maxout_with_zero_partner_is_relu(rng):
    # A group of 2 whose second element is always 0 computes max(z, 0) = ReLU(z).
    Z = rng.standard_normal((5, 4))
    paired = np.stack([Z, np.zeros_like(Z)], axis=2).reshape(5, 8)
    np.testing.assert_array_equal(nn.Maxout(2).forward(paired), nn.ReLU().forward(Z))


def test_softmax_rows_are_probabilities(rng):
    Y = nn.Softmax().forward(rng.standard_normal((6, 4)) * 50)
    assert np.all(Y >= 0) and np.all(Y <= 1)
    np.testing.assert_allclose(Y.sum(axis=1), 1.0)


def _sklearn_copy(net, activation):
    """An MLPClassifier holding exactly the weights of `net` (sklearn stores W transposed)."""
    dense = [layer for layer in net.layers if isinstance(layer, nn.Dense)]
    n_in, n_out = dense[0].n_in, dense[-1].n_out
    clf = MLPClassifier(hidden_layer_sizes=tuple(d.n_out for d in dense[:-1]), activation=activation,
                        max_iter=1)
    X = np.random.default_rng(0).standard_normal((n_out * 2, n_in))
    with pytest.warns(Warning):  # one iteration does not converge; we only need the attributes
        clf.fit(X, np.arange(n_out * 2) % n_out)
    clf.coefs_ = [d.W.T.copy() for d in dense]
    clf.intercepts_ = [d.b.copy() for d in dense]
    return clf


@pytest.mark.parametrize("activation, layer", [("logistic", nn.Sigmoid), ("relu", nn.ReLU)])
def test_forward_equals_sklearn_predict_proba(activation, layer, rng):
    net = nn.Sequential(nn.Dense(6, 8, rng=rng), layer(), nn.Dense(8, 5, rng=rng), layer(),
                        nn.Dense(5, 4, rng=rng), nn.Softmax())
    X = rng.standard_normal((20, 6))
    clf = _sklearn_copy(net, activation)
    np.testing.assert_allclose(net.forward(X), clf.predict_proba(X), rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(net.predict(X), clf.predict(X))


def test_float32_network_stays_float32(rng):
    net = nn.Sequential(nn.Dense(4, 5, rng=rng, dtype=np.float32), nn.Sigmoid(),
                        nn.Dense(5, 3, rng=rng, dtype=np.float32), nn.Softmax())
    Y = net.forward(rng.standard_normal((2, 4)))
    assert Y.dtype == np.float32
    net64 = nn.Sequential(nn.Dense(4, 3, rng=rng), nn.Softmax()).astype(np.float32)
    assert net64.forward(np.ones((1, 4))).dtype == np.float32


def test_sequential_params_and_grads_by_name(rng):
    net = nn.Sequential(nn.Dense(3, 4, rng=rng), nn.Sigmoid(), nn.Dense(4, 2, rng=rng))
    assert list(net.params) == ["0.W", "0.b", "2.W", "2.b"]
    assert net.params["2.W"] is net.layers[2].W
    assert net.n_params == 3 * 4 + 4 + 4 * 2 + 2
    net.forward(rng.standard_normal((5, 3)))
    net.backward(np.ones((5, 2)))
    np.testing.assert_allclose(net.grads["2.b"], [5.0, 5.0])
