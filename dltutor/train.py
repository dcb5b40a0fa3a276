"""Training: mini-batch gradient descent on a network, with a history of cost and accuracy.

    history = train.fit(net, X, y, optimizer=optim.SGD(net, lr=0.1), epochs=10, seed=0,
                        validation=(X_val, y_val))

y holds integer labels (batch,) for classification, or targets shaped like the output.
"""
import sys

import numpy as np

from . import _validate
from .cost import CrossEntropy, SquaredError, check_cost
from .nn import Sequential, Softmax
from .optim import SGD, Optimizer

DIVERGED_FACTOR = 1000
"""Training stops with Diverged when a mini-batch's cost is NaN or inf, or more than
DIVERGED_FACTOR times max(1, the first mini-batch's cost): gradient descent that far past its
start is not coming back."""


class Diverged(FloatingPointError):
    """The cost became NaN or inf, or grew far past where training started (see DIVERGED_FACTOR)."""


class History(dict):
    """Per-epoch lists: 'cost', 'accuracy' and, with validation data, 'val_cost', 'val_accuracy'."""

    @property
    def epochs(self):
        return len(self["cost"])

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.items() if v)
        return f"History({self.epochs} epochs: {last})"


def default_cost(net):
    """Cross entropy after a Softmax output, else squared error."""
    return CrossEntropy() if isinstance(net.layers[-1], Softmax) else SquaredError()


def check_network(net, name="net"):
    if not isinstance(net, Sequential):
        order = " (the network comes first: fit(net, X, y))" if isinstance(net, (np.ndarray, list, tuple)) else ""
        raise TypeError(f"{name} must be a network, nn.Sequential(...), got {_validate.describe(net)}{order}")
    return net


def prepare(net, X, y, name="X"):
    """X (n, n_in) of the network's dtype, checked, and y as int labels (n,) or targets (n, n_out)."""
    X = _validate.as_batch(X, name, net.n_in, dtype=net.dtype)
    y_name = "y" if name == "X" else f"{name}'s labels"
    y_arr = np.asarray(y)
    if y_arr.ndim == 1:
        y_arr = _validate.as_labels(y_arr, y_name, net.n_out, n_examples=len(X))
    else:
        y_arr = _validate.as_array(y_arr, y_name, ndim=2, dtype=net.dtype)
        if y_arr.shape != (len(X), net.n_out):
            raise ValueError(f"{y_name} must be labels ({len(X)},) or targets ({len(X)}, {net.n_out}), "
                             f"got shape {y_arr.shape}")
    return X, y_arr


def cost_for(net, cost=None):
    """The cost to train `net` with: `cost` checked against the network's output, or the default."""
    if cost is None:
        return default_cost(net)
    cost = check_cost(cost)
    if isinstance(cost, CrossEntropy) and not isinstance(net.layers[-1], Softmax):
        raise ValueError("cost=CrossEntropy() needs probabilities: end the network with nn.Softmax() "
                         f"(its last layer is {type(net.layers[-1]).__name__}), or use SquaredError()")
    return cost


def cost_and_gradient(net, cost, Y, T):
    """The mean cost of the output Y = net.forward(...) for targets T, and where backward starts.

    Returns (c, dC, skip_last): after a Softmax with CrossEntropy, c from ln y (the log_Y the Softmax
    kept: exact for any logits), dC = dC/dz of the softmax's input, (y - t) / batch, and
    skip_last=True (backward starts below the softmax); else dC = dC/dY and skip_last=False.
    net.backward(dC, skip_last=skip_last) then fills the grads.
    """
    if isinstance(cost, CrossEntropy) and isinstance(net.layers[-1], Softmax):
        c, dC = cost.from_log_softmax_and_gradient(net.layers[-1].log_Y, T)
        return c, dC, True
    return cost(Y, T), cost.gradient(Y, T), False


def evaluate(net, X, y, cost=None, batch_size=1000):
    """{'cost': mean cost, 'accuracy': fraction correct (labels only)} with dropout off."""
    X, y = prepare(check_network(net), X, y)
    _validate.warn_if_unscaled(X)
    cost = cost_for(net, cost)
    batch_size = _validate.positive_int(batch_size, "batch_size")
    total, correct = 0.0, 0
    for start in range(0, len(X), batch_size):
        Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
        Y = net.forward(Xb)
        total += cost_and_gradient(net, cost, Y, yb)[0] * len(Xb)
        if y.ndim == 1:
            correct += int(np.sum(Y.argmax(axis=1) == yb))
    result = {"cost": total / len(X)}
    if y.ndim == 1:
        result["accuracy"] = correct / len(X)
    return result


def check_optimizer(optimizer, net):
    if optimizer is None:
        return SGD(net, lr=0.1)
    if isinstance(optimizer, type) or not isinstance(optimizer, Optimizer):
        make = optimizer.__name__ if isinstance(optimizer, type) else "optim.SGD"
        raise TypeError(f"optimizer must be an optimizer made for this network, e.g. {make}(net, lr=0.1); "
                        f"got {_validate.describe(optimizer)}")
    if optimizer.model is not net:
        raise ValueError("optimizer was made for another model: build it with this network")
    return optimizer


def _stop_if_diverged(c, limit, epoch, step, optimizer):
    if np.isfinite(c) and c <= limit:
        return
    grew = "" if not np.isfinite(c) else f" ({DIVERGED_FACTOR} times more than at the start)"
    raise Diverged(f"training diverged at epoch {epoch}, step {step}: the cost became {c:.4g}{grew}. "
                   f"The learning rate (lr={optimizer.lr:g}) is probably too large; "
                   f"try a smaller one, e.g. lr={optimizer.lr / 10:g}")


def _forward(net, X, epoch, step, optimizer):
    """net.forward(X, train=True); a layer's input turning NaN or inf (X itself was checked)
    means the weights have blown up: Diverged."""
    try:
        return net.forward(X, train=True)
    except _validate.NotFiniteError:
        _stop_if_diverged(np.inf, 0.0, epoch, step, optimizer)


def fit(net, X, y, *, optimizer=None, cost=None, epochs=10, batch_size=100, seed=0,
        validation=None, verbose=True, evaluate_train=True, callback=None):
    """Train `net` in place by mini-batch gradient descent and return its History.

    X: (n, n_in); y: (n,) labels or (n, n_out) targets. optimizer: default SGD(lr=0.1).
    seed: shuffles the examples into new mini-batches every epoch (same seed, same batches).
    validation: (X_val, y_val) to evaluate after each epoch. evaluate_train: after each epoch,
    measure the training cost with dropout off (else: the mean of the mini-batch costs).
    verbose: one line an epoch. callback(epoch, history): called after each epoch.
    Raises Diverged when the cost becomes NaN or inf or grows far past its start (DIVERGED_FACTOR).
    """
    X, y = prepare(check_network(net), X, y)
    _validate.warn_if_unscaled(X)
    validation = _prepare_validation(net, validation)
    epochs = _validate.positive_int(epochs, "epochs")
    batch_size = _validate.positive_int(batch_size, "batch_size")
    optimizer = check_optimizer(optimizer, net)
    cost = cost_for(net, cost)
    rng = _validate.rng(seed, "seed")
    history = History(cost=[], accuracy=[], **({"val_cost": [], "val_accuracy": []} if validation else {}))
    limit = None
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is caught as divergence below
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(X))                                   # shuffle
            batch_costs = []
            for step, start in enumerate(range(0, len(X), batch_size), 1):
                batch = order[start:start + batch_size]
                Y = _forward(net, X[batch], epoch, step, optimizer)           # forward
                c, dC, skip_last = cost_and_gradient(net, cost, Y, y[batch])  # cost and dC/dz
                limit = limit or DIVERGED_FACTOR * max(1.0, c)
                _stop_if_diverged(c, limit, epoch, step, optimizer)
                net.backward(dC, skip_last=skip_last, input_grad=False)      # backward
                optimizer.step()                                              # step
                batch_costs.append(c)
            _record(history, net, X, y, cost, validation, evaluate_train, batch_costs)  # record
            _report(epoch, epochs, history, verbose, callback)
    return history


def _prepare_validation(net, validation):
    if validation is None:
        return None
    if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
        raise ValueError("validation must be a pair (X_val, y_val)")
    return prepare(net, *validation, name="validation")


def _record(history, net, X, y, cost, validation, evaluate_train, batch_costs):
    if evaluate_train:
        result = evaluate(net, X, y, cost)
    else:
        result = {"cost": float(np.mean(batch_costs))}
    history["cost"].append(result["cost"])
    if "accuracy" in result:
        history["accuracy"].append(result["accuracy"])
    if validation is not None:
        result = evaluate(net, *validation, cost)
        history["val_cost"].append(result["cost"])
        if "accuracy" in result:
            history["val_accuracy"].append(result["accuracy"])


def _report(epoch, epochs, history, verbose, callback):
    if verbose:
        _print_epoch(epoch, epochs, history)
    if callback is not None:
        callback(epoch, history)


def _print_epoch(epoch, epochs, history):
    parts = [f"epoch {epoch:>{len(str(epochs))}}/{epochs}", f"cost {history['cost'][-1]:.4f}"]
    if history.get("accuracy"):
        parts.append(f"accuracy {100 * history['accuracy'][-1]:.1f}%")
    if history.get("val_cost"):
        parts.append(f"val cost {history['val_cost'][-1]:.4f}")
    if history.get("val_accuracy"):
        parts.append(f"val accuracy {100 * history['val_accuracy'][-1]:.1f}%")
    print(" | ".join(parts), file=sys.stdout, flush=True)
