"""Checks on what a learner passes in, so that mistakes get a message instead of a silent NaN.

Every message names the argument, says what was given and what was expected.
"""
import numbers

import numpy as np


def _describe(x):
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}"[:120]


def as_array(x, name, *, ndim=None, dtype=np.float64, finite=True):
    """Convert lists and integer arrays to a float array; reject what cannot be one.

    ndim: the number of dimensions expected (None: any).
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {_describe(x)}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged lists
        raise ValueError(f"{name} must be a rectangular array of numbers (rows of equal length): {exc}") from None
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(f"{name} must hold numbers, got {_describe(arr)}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got {_describe(arr)}")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if ndim is not None and arr.ndim != ndim:
        shape_word = {1: "(n,)", 2: "(batch, features) with one example a row"}.get(ndim, f"{ndim}-D")
        hint = " (for one example x use x[None, :] or x.reshape(1, -1))" if ndim == 2 and arr.ndim == 1 else ""
        raise ValueError(f"{name} must be {ndim}-D, shape {shape_word}; got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); expected at least one example")
    if finite and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{name} contains NaN or inf (first at index {tuple(int(i) for i in bad)}); "
                         "expected finite numbers")
    return arr


def as_batch(X, name, n_in, dtype=np.float64):
    """X as a (batch, n_in) array of dtype."""
    X = as_array(X, name, ndim=2, dtype=dtype)
    if X.shape[1] != n_in:
        raise ValueError(f"{name} must have {n_in} columns (one per input), got shape {X.shape}")
    return X


def as_labels(y, name, n_classes, n_examples=None):
    """Integer class labels 0..n_classes-1 as an int array of shape (n,)."""
    arr = as_array(y, name, ndim=1, dtype=None)
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold integer class labels 0..{n_classes - 1}, got non-integers")
        arr = arr.astype(np.int64)
    if arr.min() < 0 or arr.max() >= n_classes:
        raise ValueError(f"{name} must hold labels in 0..{n_classes - 1}, got labels from "
                         f"{arr.min()} to {arr.max()}" + (" (labels 1..10? subtract 1)" if arr.max() == n_classes else ""))
    if n_examples is not None and len(arr) != n_examples:
        raise ValueError(f"{name} has {len(arr)} labels but X has {n_examples} examples; they must match")
    return arr.astype(np.int64, copy=False)


def positive_int(n, name):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {n!r}")
    return int(n)


def in_range(v, name, low, high, *, low_open=False, high_open=False, expected=None):
    """A real number in [low, high] (ends open where asked)."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {v!r}")
    too_low = v <= low if low_open else v < low
    too_high = v >= high if high_open else v > high
    if too_low or too_high:
        interval = ("(" if low_open else "[") + f"{low}, {high}" + (")" if high_open else "]")
        raise ValueError(f"{name} must be in {interval}{expected or ''}, got {v!r}")
    return float(v)


def learning_rate(lr, name="lr"):
    return in_range(lr, name, 0, np.inf, low_open=True, high_open=True, expected=" (a learning rate > 0)")


def rng(seed_or_generator, name="rng"):
    """A numpy Generator from a seed or a Generator."""
    if isinstance(seed_or_generator, np.random.Generator):
        return seed_or_generator
    if seed_or_generator is None or (isinstance(seed_or_generator, numbers.Integral)
                                     and not isinstance(seed_or_generator, bool)):
        return np.random.default_rng(seed_or_generator)
    raise TypeError(f"{name} must be a seed (int) or a numpy.random.Generator, got {_describe(seed_or_generator)}")
