"""Costs: how bad the network's output y is for the target t.

Each example r has a cost L^r; the slides' total cost is C(theta) = sum_r L^r(theta). For
mini-batches we report and differentiate the mean over the batch, C / batch, so that a learning
rate means the same thing whatever the batch size.

Targets T may be integer labels (batch,) -- read as one-hot rows -- or an array of Y's shape.
The costs are also reachable as nn.SquaredError and nn.CrossEntropy (the same classes).
"""
import numpy as np

from . import _validate
from .data import one_hot  # noqa: F401  (cost.one_hot is data.one_hot: labels to one-hot rows)


def _outputs(Y, name="Y"):
    """Y as a 2-D float array (integers become float64; float32 stays float32)."""
    Y = _validate.as_array(Y, name, ndim=2, finite=False, dtype=None)
    return Y if Y.dtype.kind == "f" else Y.astype(np.float64)


def _targets(Y, T, name="Y"):
    Y = _outputs(Y, name)
    T_arr = np.asarray(T)
    if T_arr.ndim == 1:
        labels = _validate.as_labels(T_arr, "T", Y.shape[1], n_examples=len(Y), examples=f"{name} has")
        return Y, one_hot(labels, Y.shape[1]).astype(Y.dtype)
    T_arr = _validate.as_array(T_arr, "T", ndim=2, dtype=Y.dtype)
    if T_arr.shape != Y.shape:
        raise ValueError(f"T must have the shape of {name} {Y.shape} (or be labels of shape ({len(Y)},)), "
                         f"got {T_arr.shape}")
    return Y, T_arr


def _need(cls, name, what):
    """A cost given as a string or a class instead of an instance: say how to make one."""
    if isinstance(cls, type):
        return f"{name} must be a cost object, got the class {cls.__name__}: call it, {cls.__name__}()"
    return f"{name} must be a cost object such as nn.CrossEntropy() or nn.SquaredError(), got {what}"


def check_cost(cost, name="cost"):
    """cost if it is a cost object (it has per_example and gradient), else a TypeError that says
    how to make one."""
    if isinstance(cost, type) or not (callable(cost) and hasattr(cost, "gradient")):
        raise TypeError(_need(cost, name, _validate.describe(cost)))
    return cost


class SquaredError:
    """L = sum_k (y_k - t_k)^2: the squared Euclidean distance between output and target."""

    def per_example(self, Y, T):
        """(batch,) costs L^r."""
        Y, T = _targets(Y, T)
        return np.sum((Y - T) ** 2, axis=1)

    def __call__(self, Y, T):
        """The mean cost over the batch."""
        return float(np.mean(self.per_example(Y, T)))

    def gradient(self, Y, T):
        """dC/dY of the mean cost: (batch, n_out)."""
        Y, T = _targets(Y, T)
        return 2.0 * (Y - T) / len(Y)

    def __repr__(self):
        return "SquaredError()"


def _probabilities(Y, T):
    Y, T = _targets(Y, T)
    low, high = np.min(Y), np.max(Y)
    if low < 0 or high > 1:
        raise ValueError(f"CrossEntropy needs probabilities Y in [0, 1] (the output of a softmax), got "
                         f"values from {low:.4g} to {high:.4g}: end the network with nn.Softmax(), or for "
                         "the logits z use CrossEntropy().from_logits(z, t)")
    return Y, T


def log_softmax(Z):
    """ln softmax(z) along the last axis, exact for any size of z: z - max(z) - ln sum_j e^(z_j - max(z)).

    A row with +inf logits puts all its probability on them (shared equally).
    """
    Z = np.asarray(Z)
    m = Z.max(axis=-1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = Z - m  # <= 0; finite logits 1e308 apart give -inf here, whose e^ is the right 0
        top = m[..., 0] == np.inf
        if top.any():  # inf - inf: the +inf logits share the row, the others get -inf
            shifted[top] = np.where(np.isposinf(Z[top]), 0.0, -np.inf)
        return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


class CrossEntropy:
    """L = -sum_k t_k ln y_k, for outputs y that are probabilities (after softmax)."""

    def per_example(self, Y, T):
        Y, T = _probabilities(Y, T)
        # A probability of exactly 0 would give ln 0 = -inf (and 0 * -inf = NaN): clip at the
        # smallest positive float so the cost stays finite. Use from_logits for exact large costs.
        tiny = np.finfo(Y.dtype).tiny
        return -np.sum(T * np.log(np.maximum(Y, tiny)), axis=1)

    def __call__(self, Y, T):
        return float(np.mean(self.per_example(Y, T)))

    def gradient(self, Y, T):
        Y, T = _probabilities(Y, T)
        tiny = np.finfo(Y.dtype).tiny
        return -T / np.maximum(Y, tiny) / len(Y)

    # Softmax followed by cross entropy, computed from the logits z: exact for any size of z.
    def from_logits(self, Z, T):
        """Mean of L = logsumexp(z) - sum_k t_k z_k over the batch."""
        return self.from_logits_and_gradient(Z, T)[0]

    def gradient_from_logits(self, Z, T):
        """dC/dz of the mean cost through softmax: ((sum_k t_k) y - t) / batch, never inf or NaN.

        For a target row that is a distribution (one-hot labels, sum t = 1) this is (y - t) / batch.
        """
        return self.from_logits_and_gradient(Z, T)[1]

    def from_logits_and_gradient(self, Z, T):
        """from_logits(Z, T) and gradient_from_logits(Z, T) together, from one log-softmax."""
        Z = _outputs(Z, "Z")
        return self._from_log_softmax(log_softmax(Z), T, "Z")

    def from_log_softmax_and_gradient(self, log_Y, T):
        """The same from ln y = log_softmax(z), which an nn.Softmax layer keeps as log_Y after its
        forward pass: what training uses every mini-batch, without a second log-softmax."""
        log_Y = _outputs(log_Y, "log_Y")
        if log_Y.max() > 0:  # ln of a probability is never above 0 (NaN compares False: caught as divergence)
            raise ValueError(f"log_Y must be ln y of probabilities (all <= 0), got values up to {log_Y.max():.4g}: "
                             "for the logits z use from_logits_and_gradient(z, t)")
        return self._from_log_softmax(log_Y, T, "log_Y")

    def _from_log_softmax(self, log_y, T, name):
        """(mean cost, dC/dz) from log_y = ln softmax(z): (batch, n) and targets T."""
        if np.ndim(T) == 1:  # labels: t is one-hot, so each sum over k picks the label's element
            labels = _validate.as_labels(T, "T", log_y.shape[1], n_examples=len(log_y),
                                         examples=f"{name} has")
            rows = np.arange(len(log_y))
            delta = np.exp(log_y)
            delta[rows, labels] -= 1.0   # y - t
            delta /= len(log_y)
            return float(-np.mean(log_y[rows, labels])), delta
        log_y, T = _targets(log_y, T, name=name)
        # t_k = 0 contributes nothing, even where ln y_k = -inf (0 * -inf would be NaN).
        t_log_y = np.multiply(T, log_y, out=np.zeros_like(log_y), where=T != 0)  # only where t_k != 0
        cost = -np.sum(t_log_y, axis=1)
        delta = np.exp(log_y)
        delta *= T.sum(axis=1, keepdims=True)  # d/dz of ln sum e^z, times sum t; exactly 1 for labels
        delta -= T
        delta /= len(log_y)
        return float(np.mean(cost)), delta

    def __repr__(self):
        return "CrossEntropy()"
