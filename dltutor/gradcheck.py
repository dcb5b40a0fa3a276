"""Numerical gradients by central differences, to check backpropagation.

    dC/dw ~ (C(w + eps) - C(w - eps)) / (2 eps)      (error O(eps^2))

The checks run in float64 (check_network checks a float64 copy of a float32 network): in float32
the rounding error of C swamps the difference.
"""
import numpy as np

from . import _validate
from .nn import Dropout
from .train import cost_and_gradient, cost_for, prepare


def numerical_gradient(f, x, eps=1e-6):
    """d f / d x for a scalar function f() of the array x, which is changed in place and restored.

    x must be a float array (an integer one cannot hold x + eps); any layout (views too).
    """
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        raise TypeError(f"x must be a float numpy array that f reads (changed in place), got "
                        f"{_validate.describe(x)}: for integers, use x.astype(float) inside f's data")
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):  # indexing x itself: right for views that are not contiguous
        old = x[i]
        x[i] = old + eps
        f_plus = f()
        x[i] = old - eps
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||): about 1e-10 for a correct float64 gradient, ~1 for a wrong one."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"gradients of different shapes: {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def _freeze_dropout(layers, frozen):
    """Hold each Dropout's last mask fixed (frozen=True), or draw new ones again."""
    for layer in layers:
        if isinstance(layer, Dropout):
            layer.frozen = frozen


def check_layer(layer, X, seed=0, eps=1e-6):
    """Relative errors of a layer's backward pass: {'X': ..., and one per parameter}.

    The scalar checked is C = sum(forward(X) * R) for a fixed random R, so dC/dY = R.
    """
    X = _validate.as_array(X, "X", ndim=2).copy()
    Y = layer.forward(X, train=True)
    R = np.random.default_rng(seed).standard_normal(Y.shape)
    _freeze_dropout([layer], True)  # the same mask for every evaluation below
    try:
        def C():
            return float(np.sum(layer.forward(X, train=True) * R))
        C()
        dX = layer.backward(R)
        errors = {"X": relative_error(dX, numerical_gradient(C, X, eps))}
        analytic = {k: g.copy() for k, g in layer.grads.items()}
        for k, p in layer.params.items():
            errors[k] = relative_error(analytic[k], numerical_gradient(C, p, eps))
    finally:
        _freeze_dropout([layer], False)
    return errors


def check_network(net, X, y, cost=None, eps=1e-6):
    """Relative error of backpropagation for every parameter of `net`: {'0.W': ..., ...}.

    The cost is the one training uses (default: cross entropy after softmax, else squared error).
    A float32 network is checked as a float64 copy (the same layers, so the same backpropagation).
    """
    if net.dtype != np.float64:
        net = net.astype(np.float64)
    X, y = prepare(net, X, y)
    cost = cost_for(net, cost)
    net.forward(X, train=True)  # draws the dropout masks that the check then holds fixed
    _freeze_dropout(net.layers, True)
    try:
        def C():
            Y = net.forward(X, train=True)
            return cost_and_gradient(net, cost, Y, y)[0]
        Y = net.forward(X, train=True)
        _, dC, skip_last = cost_and_gradient(net, cost, Y, y)
        net.backward(dC, skip_last=skip_last)
        analytic = {k: g.copy() for k, g in net.grads.items()}
        return {k: relative_error(analytic[k], numerical_gradient(C, p, eps))
                for k, p in net.params.items()}
    finally:
        _freeze_dropout(net.layers, False)
