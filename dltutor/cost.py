"""Costs: how bad the network's output y is for the target t.

Each example r has a cost L^r; the slides' total cost is C(theta) = sum_r L^r(theta). For
mini-batches we report and differentiate the mean over the batch, C / batch, so that a learning
rate means the same thing whatever the batch size.

Targets T may be integer labels (batch,) -- read as one-hot rows -- or an array of Y's shape.
"""
import numpy as np

from . import _validate


def one_hot(y, n_classes):
    """Labels (n,) -> (n, n_classes) rows with a single 1."""
    y = _validate.as_labels(y, "y", n_classes)
    T = np.zeros((len(y), n_classes))
    T[np.arange(len(y)), y] = 1.0
    return T


def _targets(Y, T):
    Y = _validate.as_array(Y, "Y", ndim=2, finite=False, dtype=None)
    if not np.issubdtype(Y.dtype, np.floating):
        Y = Y.astype(np.float64)
    T_arr = np.asarray(T)
    if T_arr.ndim == 1:
        T_arr = one_hot(T_arr, Y.shape[1]).astype(Y.dtype)
        if len(T_arr) != len(Y):
            raise ValueError(f"T has {len(T_arr)} labels but Y has {len(Y)} rows; they must match")
        return Y, T_arr
    T_arr = _validate.as_array(T_arr, "T", ndim=2, dtype=Y.dtype)
    if T_arr.shape != Y.shape:
        raise ValueError(f"T must have the shape of Y {Y.shape} (or be labels of shape ({len(Y)},)), "
                         f"got {T_arr.shape}")
    return Y, T_arr


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


class CrossEntropy:
    """L = -sum_k t_k ln y_k, for outputs y that are probabilities (after softmax)."""

    def per_example(self, Y, T):
        Y, T = _targets(Y, T)
        # A probability of exactly 0 would give ln 0 = -inf (and 0 * -inf = NaN): clip at the
        # smallest positive float so the cost stays finite. Use from_logits for exact large costs.
        tiny = np.finfo(Y.dtype).tiny
        return -np.sum(T * np.log(np.maximum(Y, tiny)), axis=1)

    def __call__(self, Y, T):
        return float(np.mean(self.per_example(Y, T)))

    def gradient(self, Y, T):
        Y, T = _targets(Y, T)
        tiny = np.finfo(Y.dtype).tiny
        return -T / np.maximum(Y, tiny) / len(Y)

    # Softmax followed by cross entropy, computed from the logits z: exact for any size of z.
    def from_logits(self, Z, T):
        """Mean of L = logsumexp(z) - sum_k t_k z_k over the batch."""
        Z, T = _targets(Z, T)
        m = Z.max(axis=1, keepdims=True)
        log_y = Z - m - np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
        return float(np.mean(-np.sum(T * log_y, axis=1)))

    def gradient_from_logits(self, Z, T):
        """dC/dz of the mean cost through softmax: (y - t) / batch -- never inf or NaN."""
        from .nn import softmax
        Z, T = _targets(Z, T)
        return (softmax(Z) - T) / len(Z)

    def _from_softmax(self, Z, Y, labels):
        """from_logits(Z, labels) and gradient_from_logits(Z, labels) together, the same numbers,
        for Y = softmax(Z) already computed and int labels already checked (training's fast path).

        With one-hot t, sum_k t_k log y_k is log y of the label, and y - t is y less 1 there.
        """
        rows = np.arange(len(Z))
        m = Z.max(axis=1, keepdims=True)
        log_y = Z[rows, labels] - m[:, 0] - np.log(np.sum(np.exp(Z - m), axis=1))
        delta = Y.copy()
        delta[rows, labels] -= 1.0
        delta /= len(Z)
        return float(-log_y.sum() / len(Z)), delta  # = np.mean(-log_y), a few us faster

    def __repr__(self):
        return "CrossEntropy()"
