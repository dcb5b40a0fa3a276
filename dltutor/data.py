"""Data sets for the course: nothing is downloaded, everything ships with the course.

- digits: scikit-learn's 1,797 8x8 images (shipped inside scikit-learn).
- MNIST subset: 5,000 28x28 images, 500 a digit, from data/mnist_5k.npz (see data/README.md).
- synthetic sets made from a seed: a function of one variable, parity bits.
Images come as float rows X: (n, pixels) in [0, 1] and labels y: (n,) ints 0..9.
"""
import os
import pathlib

import numpy as np

from . import _validate
from .cost import one_hot  # noqa: F401  (re-exported: data.one_hot)

_DATA_DIR = pathlib.Path(os.environ.get("DLTUTOR_DATA", pathlib.Path(__file__).resolve().parent.parent / "data"))


def load_digits():
    """scikit-learn's 8x8 digits: X (1797, 64) in [0, 1], y (1797,)."""
    from sklearn.datasets import load_digits as sk_load_digits
    digits = sk_load_digits()
    return digits.data / 16.0, digits.target.astype(np.int64)


def load_mnist(images=False):
    """The 5,000-image MNIST subset, sorted by digit (shuffle before use; `split` does).

    Returns X (5000, 784) float64 in [0, 1] and y (5000,) ints; with images=True the raw
    uint8 pixels (5000, 28, 28) instead of X.
    """
    path = _DATA_DIR / "mnist_5k.npz"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: it ships with the course in data/. Install the course "
                                "with `pip install -e .` from its folder, or set DLTUTOR_DATA to the data folder")
    with np.load(path, allow_pickle=False) as f:
        pixels, labels = f["images"], f["labels"].astype(np.int64)
    if images:
        return pixels, labels
    return pixels.reshape(len(pixels), -1) / 255.0, labels


def binarize(X, threshold=0.5):
    """The slides' input: ink -> 1, no ink -> 0 (pixels above threshold count as ink)."""
    X = _validate.as_array(X, "X")
    return (X > threshold).astype(np.float64)


def split(X, y, test_size=0.2, seed=0):
    """Shuffled, stratified split (every digit in the same proportion on both sides).

    Returns X_train, X_test, y_train, y_test, like scikit-learn's train_test_split.
    """
    from sklearn.model_selection import train_test_split
    X = _validate.as_array(X, "X", ndim=2)
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} examples but y has {len(y)} labels; they must match")
    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)


def function_1d(f, n=200, low=-1.0, high=1.0, noise=0.0, seed=0):
    """n points (x, f(x) + noise) of a function of one variable: X (n, 1) sorted, Y (n, 1)."""
    n = _validate.positive_int(n, "n")
    rng = _validate.rng(seed, "seed")
    x = np.sort(rng.uniform(low, high, n))
    y = np.asarray(f(x), dtype=np.float64) + noise * rng.standard_normal(n)
    return x[:, None], y[:, None]


def parity(n_bits):
    """Every string of n_bits bits (2**n_bits, n_bits) and its parity (1 if an odd number of 1s)."""
    n_bits = _validate.positive_int(n_bits, "n_bits")
    X = (np.arange(2 ** n_bits)[:, None] >> np.arange(n_bits)[::-1]) & 1
    return X.astype(np.float64), X.sum(axis=1).astype(np.int64) % 2
