"""Checks on what a learner passes in, so that mistakes get a message instead of a silent NaN.

Every message names the argument, says what was given and what was expected.
"""
import numbers
import warnings

import numpy as np


class NotFiniteError(ValueError):
    """An array that must hold finite numbers holds NaN or inf."""


def describe(x):
    """A short description of a value for an error message: its type and value, or an array's shape."""
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    if isinstance(x, type):
        return f"the class {x.__name__}"
    return f"{type(x).__name__} {x!r}"[:120]


def _numbers(x, name):
    """np.asarray(x), which must hold real numbers (not strings, bools or complex)."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {describe(x)}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged lists
        raise ValueError(f"{name} must be a rectangular array of numbers (rows of equal length): {exc}") from None
    # dtype kinds: f float, i int, u unsigned; c complex; b bool, U/S strings, O objects. (The kind
    # is a letter test: np.issubdtype costs more than a small layer's product.)
    if arr.dtype.kind not in "fiu":
        real = "real numbers" if arr.dtype.kind == "c" else "numbers"
        raise TypeError(f"{name} must hold {real}, got {describe(arr)}")
    return arr


def _check_ndim(arr, name, ndim):
    if ndim is not None and arr.ndim != ndim:
        shape_word = {1: "(n,)", 2: "(batch, features) with one example a row"}.get(ndim, f"{ndim}-D")
        hint = " (for one example x use x[None, :] or x.reshape(1, -1))" if ndim == 2 and arr.ndim == 1 else ""
        raise ValueError(f"{name} must be {ndim}-D, shape {shape_word}; got shape {arr.shape}{hint}")


def as_array(x, name, *, ndim=None, dtype=np.float64, finite=True):
    """Convert lists and integer arrays to a float array; reject what cannot be one.

    ndim: the number of dimensions expected (None: any).
    """
    arr = _numbers(x, name)
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    _check_ndim(arr, name, ndim)
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); expected at least one example")
    if finite:
        check_finite(arr, name)
    return arr


def check_finite(arr, name):
    """Raise NotFiniteError naming `name` and the first bad index if arr holds NaN or inf."""
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise NotFiniteError(f"{name} contains NaN or inf (first at index {tuple(int(i) for i in bad)}); "
                             "expected finite numbers")


def as_batch(X, name, n_in, dtype=np.float64, finite=True):
    """X as a (batch, n_in) array of dtype."""
    X = as_array(X, name, ndim=2, dtype=dtype, finite=finite)
    if X.shape[1] != n_in:
        raise ValueError(f"{name} must have {n_in} columns (one per input), got shape {X.shape}")
    return X


def _label_hint(low, high, n_classes):
    if n_classes == 1:
        return (": a network with 1 output cannot hold class labels (one output per class: 2 for labels "
                "0/1 with a Softmax); or pass the labels as targets of shape (n, 1), y[:, None]")
    if low >= 1 and high == n_classes:
        return " (labels 1..n? subtract 1)"
    if high >= n_classes:
        return f": the network has {n_classes} outputs, one per class; labels up to {high} need {high + 1}"
    return ""


def as_labels(y, name, n_classes, n_examples=None, examples="X has"):
    """Integer class labels 0..n_classes-1 as an int array of shape (n,)."""
    arr = as_array(y, name, ndim=1, dtype=None)
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold integer class labels 0..{n_classes - 1}, got non-integers")
        arr = arr.astype(np.int64)
    low, high = int(arr.min()), int(arr.max())
    if low < 0 or high >= n_classes:
        raise ValueError(f"{name} must hold labels in 0..{n_classes - 1}, got labels from {low} to {high}"
                         + _label_hint(low, high, n_classes))
    if n_examples is not None and len(arr) != n_examples:
        raise ValueError(f"{name} has {len(arr)} labels but {examples} {n_examples} examples; they must match")
    return arr.astype(np.int64, copy=False)


def positive_int(n, name):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {n!r}")
    return int(n)


def flag(value, name):
    """True or False (numpy's bools too); a string such as "False" is an error, not True."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def in_range(v, name, low, high, *, low_open=False, high_open=False, expected=None):
    """A real number in [low, high] (ends open where asked)."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {v!r}")
    if not _inside(v, low, high, low_open, high_open):
        interval = ("(" if low_open else "[") + f"{low}, {high}" + (")" if high_open else "]")
        raise ValueError(f"{name} must be in {interval}{expected or ''}, got {v!r}")
    return float(v)


def _inside(v, low, high, low_open, high_open):
    above = v > low if low_open else v >= low
    below = v < high if high_open else v <= high
    return above and below


def learning_rate(lr, name="lr"):
    return in_range(lr, name, 0, np.inf, low_open=True, high_open=True, expected=" (a learning rate > 0)")


def float_dtype(dtype, name="dtype"):
    """float32 or float64 (the dtypes the layers compute in)."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be float32 or float64, got {describe(dtype)}") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"{name} must be float32 or float64, got {dtype}: integer weights would round "
                         "to 0 and float16 is too coarse for training")
    return dtype


def rng(seed_or_generator, name="rng"):
    """A numpy Generator from a seed or a Generator."""
    if isinstance(seed_or_generator, np.random.Generator):
        return seed_or_generator
    if seed_or_generator is None or (isinstance(seed_or_generator, numbers.Integral)
                                     and not isinstance(seed_or_generator, bool)):
        return np.random.default_rng(seed_or_generator)
    raise TypeError(f"{name} must be a seed (int) or a numpy.random.Generator, got {describe(seed_or_generator)}")


def warn_if_unscaled(X, name="X", stacklevel=3):
    """A warning (not an error) for inputs far outside [0, 1], such as raw 0..255 pixels."""
    largest = max(X.max(), -X.min())  # = np.abs(X).max(), without a copy of X
    if largest > 100:
        # sigmoid units saturate on such inputs and learning stalls
        warnings.warn(f"{name} has values up to {largest:g}: inputs in [0, 1] train much better "
                      "(for pixels 0..255, divide by 255)", UserWarning, stacklevel=stacklevel)
