"""Optimizers: theta^t <- theta^{t-1} - eta_w g^t, with a rule for the learning rate eta_w.

An optimizer updates anything with `params` and `grads` dicts of the same keys (a network,
a layer, or `Point` for a few loose parameters), in place, on each `step()`.
"""
import numpy as np

from . import _validate


class Point:
    """A few named parameters outside any network, e.g. (w1, w2) on an error surface."""

    def __init__(self, **params):
        self.params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}


class Optimizer:
    def __init__(self, model, lr):
        if not (hasattr(model, "params") and hasattr(model, "grads")):
            raise TypeError(f"model must have params and grads (a network, a layer or optim.Point), "
                            f"got {_validate.describe(model)}")
        if not model.params:
            raise ValueError(f"model {type(model).__name__} has no parameters to train: give the optimizer "
                             "the network (or a Dense layer), not a layer without weights")
        self.model = model
        self.lr = _validate.learning_rate(lr)
        self.state = {}  # per parameter: what the rule remembers between steps
        self.t = 0

    def step(self):
        """Move every parameter against its gradient, in place."""
        self.t += 1
        grads = self.model.grads
        for key, p in self.model.params.items():
            p -= self.delta(key, grads[key]).astype(p.dtype, copy=False)

    def delta(self, key, g):
        """How much to subtract from parameter `key` given its gradient g."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    """w <- w - eta g; with momentum m, the step remembers the previous step: v <- m v - eta g."""

    def __init__(self, model, lr=0.1, momentum=0.0):
        super().__init__(model, lr)
        self.momentum = _validate.in_range(momentum, "momentum", 0, 1, high_open=True)

    def delta(self, key, g):
        if not self.momentum:
            return self.lr * g
        v = self.state.get(key, 0.0)
        v = self.momentum * v - self.lr * g
        self.state[key] = v
        return -v

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class Adagrad(Optimizer):
    """The slides' rule: eta_w = eta / sqrt(sum_{i=0}^t (g^i)^2), one rate for each parameter.

    A parameter whose gradients have all been 0 has not moved and does not move (rate 0 there,
    instead of 0/0).
    """

    def __init__(self, model, lr=0.1):
        super().__init__(model, lr)

    def delta(self, key, g):
        G = self.state.get(key)
        G = g * g if G is None else G + g * g
        self.state[key] = G
        return self.rate(key) * g

    def rate(self, key):
        """The current learning rate eta_w of each element of parameter `key`."""
        if key not in self.state:
            if key not in self.model.params:
                raise KeyError(f"no parameter {key!r}; the parameters are {sorted(self.model.params)}")
            raise ValueError(f"Adagrad has no rate for {key!r} yet: eta_w divides by the gradients "
                             "seen so far, so call step() first")
        root = np.sqrt(self.state[key])
        return np.divide(self.lr, root, out=np.zeros_like(root), where=root > 0)


class RMSprop(Optimizer):
    """Like Adagrad, but an exponential average forgets old gradients: the rate can grow again.

    E <- rho E + (1 - rho) g^2;  w <- w - eta g / (sqrt(E) + eps)
    """

    def __init__(self, model, lr=0.001, rho=0.9, eps=1e-8):
        super().__init__(model, lr)
        self.rho = _validate.in_range(rho, "rho", 0, 1, high_open=True)
        self.eps = _validate.in_range(eps, "eps", 0, np.inf, low_open=True, high_open=True)

    def delta(self, key, g):
        E = self.rho * self.state.get(key, 0.0) + (1 - self.rho) * g * g
        self.state[key] = E
        return self.lr * g / (np.sqrt(E) + self.eps)


class Adam(Optimizer):
    """RMSprop's per-parameter rate with momentum, both bias-corrected (Kingma & Ba, 2015).

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    w <- w - eta m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
    """

    def __init__(self, model, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(model, lr)
        self.beta1 = _validate.in_range(beta1, "beta1", 0, 1, high_open=True)
        self.beta2 = _validate.in_range(beta2, "beta2", 0, 1, high_open=True)
        self.eps = _validate.in_range(eps, "eps", 0, np.inf, low_open=True, high_open=True)

    def delta(self, key, g):
        m, v = self.state.get(key, (0.0, 0.0))
        m = self.beta1 * m + (1 - self.beta1) * g
        v = self.beta2 * v + (1 - self.beta2) * g * g
        self.state[key] = (m, v)
        m_hat = m / (1 - self.beta1 ** self.t)
        v_hat = v / (1 - self.beta2 ** self.t)
        return self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
