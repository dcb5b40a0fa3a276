"""Training: mini-batch gradient descent on a network, with a history of cost and accuracy.

    history = train.fit(net, X, y, optimizer=optim.SGD(net, lr=0.1), epochs=10, seed=0,
                        validation=(X_val, y_val))

y holds integer labels (batch,) for classification, or targets shaped like the output.
"""
import sys
import warnings

import numpy as np

from . import _validate
from .cost import CrossEntropy, SquaredError
from .nn import Sequential, Softmax
from .optim import SGD


class Diverged(FloatingPointError):
    """The cost became NaN or inf during training."""


class History(dict):
    """Per-epoch lists: 'cost', 'accuracy' and, with validation data, 'val_cost', 'val_accuracy'."""

    @property
    def epochs(self):
        return len(self["cost"])

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.items() if v)
        return f"History({self.epochs} epochs: {last})"


def default_cost(net):
    return CrossEntropy() if isinstance(net.layers[-1], Softmax) else SquaredError()


def _prepare(net, X, y, name="X"):
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


def _cost_and_delta(net, cost, Y, T, checked=False):
    """The batch's mean cost, dC/d(output), and whether that delta is already through softmax.

    checked=True: T comes from data that _prepare has checked (no second check every batch).
    """
    if isinstance(cost, CrossEntropy) and isinstance(net.layers[-1], Softmax):
        # Softmax + cross entropy together: dC/dz = (y - t) / batch, exact for any logits.
        Z = net.layers[-1].Z
        if checked and np.ndim(T) == 1:
            c, delta = cost._from_softmax(Z, net.layers[-1].Y, T)
            return c, delta, True
        return cost.from_logits(Z, T), cost.gradient_from_logits(Z, T), True
    return cost(Y, T), cost.gradient(Y, T), False


def evaluate(net, X, y, cost=None, batch_size=1000):
    """{'cost': mean cost, 'accuracy': fraction correct (labels only)} with dropout off."""
    X, y = _prepare(net, X, y)
    cost = cost or default_cost(net)
    total, correct = 0.0, 0
    for start in range(0, len(X), batch_size):
        Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
        Y = net.forward(Xb)
        c, _, _ = _cost_and_delta(net, cost, Y, yb, checked=True)
        total += c * len(Xb)
        if y.ndim == 1:
            correct += int(np.sum(Y.argmax(axis=1) == yb))
    result = {"cost": total / len(X)}
    if y.ndim == 1:
        result["accuracy"] = correct / len(X)
    return result


def fit(net, X, y, *, optimizer=None, cost=None, epochs=10, batch_size=100, seed=0,
        validation=None, verbose=True, evaluate_train=True, callback=None):
    """Train `net` in place by mini-batch gradient descent and return its History.

    X: (n, n_in); y: (n,) labels or (n, n_out) targets. optimizer: default SGD(lr=0.1).
    seed: shuffles the examples into new mini-batches every epoch (same seed, same batches).
    validation: (X_val, y_val) to evaluate after each epoch. evaluate_train: after each epoch,
    measure the training cost with dropout off (else: the mean of the mini-batch costs).
    verbose: one line an epoch. callback(epoch, history): called after each epoch.
    """
    X, y = _prepare(net, X, y)
    largest = max(X.max(), -X.min())  # = np.abs(X).max(), without a copy of X
    if largest > 100:
        # Not an error, but sigmoid units saturate on such inputs and learning stalls.
        warnings.warn(f"X has values up to {largest:g}: inputs in [0, 1] train much better "
                      "(for pixels 0..255, divide by 255)", UserWarning, stacklevel=2)
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            raise ValueError("validation must be a pair (X_val, y_val)")
        validation = _prepare(net, *validation, name="validation")
    epochs = _validate.positive_int(epochs, "epochs")
    batch_size = _validate.positive_int(batch_size, "batch_size")
    optimizer = optimizer if optimizer is not None else SGD(net, lr=0.1)
    if optimizer.model is not net:
        raise ValueError("optimizer was made for another model: build it with this network")
    cost = cost or default_cost(net)
    rng = _validate.rng(seed, "seed")
    history = History(cost=[], accuracy=[])
    if validation is not None:
        history.update(val_cost=[], val_accuracy=[])
    n = len(X)
    # A Sequential (not a subclass with passes of its own) takes the fast path: mini-batches of the
    # checked X are not checked again, and no dC/dX of the input is computed (training never uses it).
    fast = type(net).forward is Sequential.forward and type(net).backward is Sequential.backward
    # Plain SGD's step is eta * dC/dw, and backpropagation is linear in dC/dy: backpropagating
    # eta * dC/dy makes every layer's grads the step itself, so the update is one pass over the
    # weights (w -= step) instead of two (eta * g into a new array, then w -= it). After each epoch
    # the grads are divided back by eta: net.grads hold the last mini-batch's gradient, as always.
    fold_lr = fast and type(optimizer) is SGD and not optimizer.momentum
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        batch_costs = []
        with np.errstate(over="ignore", invalid="ignore"):
            for step, start in enumerate(range(0, n, batch_size), 1):
                idx = order[start:start + batch_size]
                Y = net._forward(X[idx], train=True) if fast else net.forward(X[idx], train=True)
                c, delta, through_softmax = _cost_and_delta(net, cost, Y, y[idx], checked=True)
                if not np.isfinite(c):
                    raise Diverged(
                        f"training diverged at epoch {epoch}, step {step}: the cost became {c}. "
                        f"The learning rate (lr={optimizer.lr:g}) is probably too large; "
                        f"try a smaller one, e.g. lr={optimizer.lr / 10:g}")
                if fold_lr:
                    net.backward(delta * optimizer.lr, skip_last=through_softmax, input_grad=False)
                    optimizer.step(grads_times_lr=True)
                elif fast:
                    net.backward(delta, skip_last=through_softmax, input_grad=False)
                    optimizer.step()
                else:
                    net.backward(delta, skip_last=through_softmax)
                    optimizer.step()
                batch_costs.append(c)
        if fold_lr:
            for g in net.grads.values():
                g /= optimizer.lr
        _record(history, net, X, y, cost, validation, evaluate_train, batch_costs)
        if verbose:
            _print_epoch(epoch, epochs, history)
        if callback is not None:
            callback(epoch, history)
    return history


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


def _print_epoch(epoch, epochs, history):
    parts = [f"epoch {epoch:>{len(str(epochs))}}/{epochs}", f"cost {history['cost'][-1]:.4f}"]
    if history.get("accuracy"):
        parts.append(f"accuracy {100 * history['accuracy'][-1]:.1f}%")
    if history.get("val_cost"):
        parts.append(f"val cost {history['val_cost'][-1]:.4f}")
    if history.get("val_accuracy"):
        parts.append(f"val accuracy {100 * history['val_accuracy'][-1]:.1f}%")
    print(" | ".join(parts), file=sys.stdout, flush=True)


def predict(net, X):
    """Predicted class for each row of X: (n,) ints."""
    return net.predict(X)
