"""Each optimizer's update against its formula, on steps computed by hand."""
import numpy as np
import pytest

from dltutor import optim


def _steps(opt_cls, grads, **kwargs):
    point = optim.Point(w=np.array([1.0, -2.0]))
    opt = opt_cls(point, **kwargs)
    path = []
    for g in grads:
        point.grads["w"][...] = g
        opt.step()
        path.append(point.params["w"].copy())
    return path


G = [np.array([0.5, -1.0]), np.array([0.25, 2.0]), np.array([-1.0, 0.0])]


def test_sgd():
    path = _steps(optim.SGD, G, lr=0.1)
    np.testing.assert_allclose(path[0], [1 - 0.05, -2 + 0.1])
    np.testing.assert_allclose(path[2], [1 - 0.1 * (0.5 + 0.25 - 1), -2 - 0.1 * (-1 + 2 + 0)])


def test_sgd_momentum():
    path = _steps(optim.SGD, G, lr=0.1, momentum=0.9)
    v1 = -0.1 * G[0]
    v2 = 0.9 * v1 - 0.1 * G[1]
    np.testing.assert_allclose(path[1], np.array([1.0, -2.0]) + v1 + v2)


def test_adagrad_is_the_slides_formula():
    path = _steps(optim.Adagrad, G, lr=0.1)
    w = np.array([1.0, -2.0])
    total = np.zeros(2)
    for g, got in zip(G, path):
        total += g ** 2
        rate = np.where(total > 0, 0.1 / np.sqrt(np.where(total > 0, total, 1)), 0)
        w = w - rate * g
        np.testing.assert_allclose(got, w)
    # First step: eta / sqrt(g^2) * g = eta * sign(g).
    np.testing.assert_allclose(path[0], [1 - 0.1, -2 + 0.1])


def test_rmsprop():
    path = _steps(optim.RMSprop, G[:2], lr=0.01, rho=0.9, eps=1e-8)
    E1 = 0.1 * G[0] ** 2
    w1 = np.array([1.0, -2.0]) - 0.01 * G[0] / (np.sqrt(E1) + 1e-8)
    E2 = 0.9 * E1 + 0.1 * G[1] ** 2
    np.testing.assert_allclose(path[1], w1 - 0.01 * G[1] / (np.sqrt(E2) + 1e-8))


def test_adam():
    path = _steps(optim.Adam, G[:2], lr=0.01)
    # Bias correction makes the first step eta * sign(g) (up to eps).
    np.testing.assert_allclose(path[0], [1 - 0.01, -2 + 0.01], rtol=1e-6)
    m = 0.1 * (0.9 * G[0] + G[1]) if False else 0.9 * 0.1 * G[0] + 0.1 * G[1]
    v = 0.999 * 0.001 * G[0] ** 2 + 0.001 * G[1] ** 2
    m_hat, v_hat = m / (1 - 0.9 ** 2), v / (1 - 0.999 ** 2)
    np.testing.assert_allclose(path[1], path[0] - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8))


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam])
def test_zero_gradient_never_moves(cls):
    path = _steps(cls, [np.zeros(2)] * 5, lr=0.1)
    np.testing.assert_array_equal(path[-1], [1.0, -2.0])


def test_updates_in_place_keep_the_layer_arrays():
    from dltutor import nn
    layer = nn.Dense(2, 2, rng=0)
    W = layer.W
    layer.forward(np.ones((1, 2)))
    layer.backward(np.ones((1, 2)))
    optim.SGD(layer, lr=0.1).step()
    assert layer.W is W
