"""Data sets for the course: nothing is downloaded, everything ships with the course.

- digits: scikit-learn's 1,797 8x8 images (shipped inside scikit-learn).
- MNIST subset: 5,000 28x28 images, 500 a digit, shipped inside the package as
  dltutor/datafiles/mnist_5k.npz (sources and licences: data/README.md and datafiles/README.md).
- synthetic sets made from a seed: a function of one variable, parity bits, the tent-map sawtooth,
  cartoon heads with two attributes (hair_pictures).
Images come as float rows X: (n, pixels) in [0, 1] and labels y: (n,) ints 0..9.
"""
import importlib.resources
import os
import pathlib

import numpy as np

from . import _validate



def data_file(name):
    """Where a file that ships with the course is: `name` inside the folder DLTUTOR_DATA, if that
    environment variable is set, else inside the installed package (dltutor/datafiles/, read with
    importlib.resources, so any install works from any folder, offline).

    name: a path relative to that folder, e.g. "mnist_5k.npz" or "results/why_deep_full.json".
    """
    folder = os.environ.get("DLTUTOR_DATA")
    if folder:
        return pathlib.Path(folder).expanduser() / name
    return importlib.resources.files("dltutor").joinpath("datafiles", *pathlib.PurePosixPath(name).parts)


def _missing(path):
    where = (f"DLTUTOR_DATA is set to {os.environ['DLTUTOR_DATA']!r}: put the file there, or unset it to use "
             "the copy inside the package" if os.environ.get("DLTUTOR_DATA") else
             "it ships inside the dltutor package: reinstall it (`pip install --force-reinstall dltutor`, "
             "or `pip install -e .` from the course's folder)")
    return FileNotFoundError(f"{path} is missing; {where}")


def one_hot(y, n_classes):
    """Labels (n,) -> (n, n_classes) rows with a single 1."""
    y = _validate.as_labels(y, "y", n_classes)
    T = np.zeros((len(y), n_classes))
    T[np.arange(len(y)), y] = 1.0
    return T


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
    path = data_file("mnist_5k.npz")
    if not path.is_file():
        raise _missing(path)
    with path.open("rb") as file, np.load(file, allow_pickle=False) as f:
        pixels, labels = f["images"], f["labels"].astype(np.int64)
    if images:
        return pixels, labels
    return pixels.reshape(len(pixels), -1) / 255.0, labels


def binarize(X, threshold=0.5):
    """The slides' input: ink -> 1, no ink -> 0 (pixels above threshold count as ink).

    X in [0, 1]; raw uint8 pixels (0..255, from load_mnist(images=True)) are scaled to [0, 1] first.
    threshold is on that [0, 1] scale (a pixel exactly at the threshold is not ink).
    """
    raw = isinstance(X, np.ndarray) and X.dtype == np.uint8
    threshold = _validate.in_range(threshold, "threshold", 0, 1,
                                   expected=" (on the [0, 1] scale of the pixels: 128 of 255 is 128 / 255)")
    X = _validate.as_array(X, "X")
    if raw:
        X = X / 255.0
    elif X.min() < 0 or X.max() > 1:
        raise ValueError(f"X must hold pixels in [0, 1], got values from {X.min():g} to {X.max():g}: "
                         "divide 0..255 pixels by 255 (uint8 pixels are scaled for you)")
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


def tent(x):
    """The tent map T(x) = 1 - |2x - 1| on [0, 1]: up from (0, 0) to (1/2, 1), down to (1, 0)."""
    return 1.0 - np.abs(2.0 * np.asarray(x, dtype=np.float64) - 1.0)


def sawtooth(k, n=256, seed=None):
    """The tent map composed k times, T(T(...T(x))): a sawtooth with 2**(k-1) teeth on [0, 1].

    Returns X (n, 1) and Y (n, 1): n evenly spaced points (seed=None) or n uniform random points,
    sorted (seed given).
    """
    k = _validate.positive_int(k, "k")
    n = _validate.positive_int(n, "n")
    x = np.linspace(0.0, 1.0, n) if seed is None else np.sort(_validate.rng(seed, "seed").uniform(0, 1, n))
    y = x
    for _ in range(k):
        y = tent(y)
    return x[:, None], y[:, None]


HAIR_CLASSES = ("girl, long hair", "boy, long hair", "girl, short hair", "boy, short hair")


def hair_pictures(counts, size=14, noise=0.15, seed=0):
    """Cartoon heads for the modularization example: 4 classes made of 2 attributes.

    counts: how many pictures of each class, in the order of HAIR_CLASSES (class = 2 * short + boy,
    so boy = y % 2 and short hair = y // 2). Each picture: a face ring, hair on top, strands down
    both sides if the hair is long, a bow (girls, top left) or a cap (boys, a crown and a brim to
    the right); the head is shifted by up to one pixel each way, drawn with a random ink strength in
    [0.6, 1] and covered with Gaussian pixel noise (standard deviation `noise`), clipped to [0, 1].
    Returns X (n, size * size) and y (n,) ints, shuffled.
    """
    counts = [int(c) for c in np.asarray(counts).ravel()]
    if len(counts) != 4 or min(counts) < 0 or sum(counts) == 0:
        raise ValueError(f"counts must be 4 non-negative numbers, one a class {HAIR_CLASSES}, "
                         f"not all 0; got {counts}")
    size = _validate.positive_int(size, "size")
    if size < 12:
        raise ValueError(f"size must be at least 12 pixels to hold a head, got {size}")
    rng = _validate.rng(seed, "seed")
    y = np.repeat(np.arange(4), counts)
    rng.shuffle(y)
    yy, xx = np.mgrid[0:size, 0:size]
    images = np.zeros((len(y), size, size))
    for img, label in zip(images, y):
        cy, cx = size // 2 + rng.integers(-1, 2, size=2)
        ink = rng.uniform(0.6, 1.0)
        r = np.hypot(yy - cy, xx - cx)
        img[(r > 2.3) & (r < 3.3) & (yy >= cy - 1)] = 0.5 * ink      # the face
        img[cy - 4, cx - 3:cx + 4] = ink                              # hair on top
        img[cy - 3, cx - 4:cx + 5] = ink
        if label < 2:                                                 # long: strands down both sides
            img[cy - 3:min(size, cy + 5), cx - 4] = ink
            img[cy - 3:min(size, cy + 5), cx + 4] = ink
        if label % 2:                                                 # boy: a cap, crown and brim
            img[cy - 5, cx - 2:cx + 3] = ink
            img[cy - 4, cx + 4:cx + 6] = ink
        else:                                                         # girl: a bow
            img[cy - 5:cy - 3, cx - 5:cx - 3] = ink
    X = images.reshape(len(y), -1) + noise * rng.standard_normal((len(y), size * size))
    return np.clip(X, 0.0, 1.0), y.astype(np.int64)
