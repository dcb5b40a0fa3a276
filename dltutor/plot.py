"""Figures for the notebooks, in a colour-blind-safe palette (Okabe & Ito), with line styles and
markers as well as colours, so that no figure depends on colour alone.
"""
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

# Okabe & Ito (2008): distinguishable with every common form of colour blindness.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
CMAP = "cividis"  # sequential maps: perceptually uniform and colour-blind safe
DIVERGING = "PuOr"


def use_course_style():
    """The course's matplotlib defaults: palette, readable sizes, grids."""
    mpl.rcParams.update({
        "axes.prop_cycle": mpl.cycler(color=COLORS[:4], linestyle=LINESTYLES),
        "image.cmap": CMAP,
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 110,  # legible on a projector and a laptop screen alike
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": "medium",
        "font.size": 10,
    })


def style(i):
    """Colour, line style and marker for the i-th curve: keyword arguments for plot()."""
    return {"color": COLORS[i % len(COLORS)], "linestyle": LINESTYLES[i % len(LINESTYLES)],
            "marker": MARKERS[i % len(MARKERS)], "markevery": 0.1}


def _image_stack(images):
    """images as (n, h, w): one image (h, w) or rows (n, h*w) with h = w; else a clear error."""
    images = np.asarray(images)
    if images.ndim == 1:
        raise ValueError(f"images must be images (n, h, w) or rows (n, h*w), got one 1-D array of shape "
                         f"{images.shape}: for a single row x use x[None, :]")
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"images as rows need h*w pixels with h = w, got rows of {images.shape[1]} pixels: "
                             "reshape them to (n, h, w) first")
        return images.reshape(len(images), side, side)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must be (n, h, w) or rows (n, h*w), got shape {images.shape}")
    return images


def show_images(images, labels=None, ncols=10, title=None, size=1.0, cmap="gray_r"):
    """A grid of images (n, h, w) or rows (n, h*w) with square h = w; labels under each."""
    images = _image_stack(images)
    n = len(images)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15 + 0.3),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap, vmin=0, vmax=images.max() or 1)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history, ax=None, title="Training", metric="cost"):
    """Training (and validation) `metric` against epochs."""
    if ax is None:
        _, ax = plt.subplots()
    epochs = np.arange(1, len(history[metric]) + 1)
    ax.plot(epochs, history[metric], label=f"training {metric}", **style(0))
    if history.get(f"val_{metric}"):
        ax.plot(epochs, history[f"val_{metric}"], label=f"validation {metric}", **style(1))
    ax.set(title=title, xlabel="epoch", ylabel=metric)
    ax.legend()
    return ax


def plot_confusion(y_true, y_pred, ax=None, title="Confusion matrix"):
    """Counts of (true, predicted) pairs, from scikit-learn."""
    from sklearn.metrics import ConfusionMatrixDisplay
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    ConfusionMatrixDisplay.from_predictions(y_true, y_pred, ax=ax, cmap=CMAP, colorbar=False)
    ax.set(title=title, xlabel="predicted digit", ylabel="true digit")
    ax.grid(False)
    return ax


def contour_path(C, w1_range, w2_range, paths=(), ax=None, title="Error surface", levels=30,
                 labels=None):
    """Contours of C(w1, w2) over a grid, with gradient-descent paths (arrays (steps, 2)) drawn on it.

    C: a function of two arrays w1, w2 (of the same shape) returning the cost at each point.
    """
    if ax is None:
        _, ax = plt.subplots()
    w1, w2 = np.meshgrid(np.linspace(*w1_range, 200), np.linspace(*w2_range, 200))
    cs = ax.contourf(w1, w2, C(w1, w2), levels=levels, cmap=CMAP)
    ax.figure.colorbar(cs, ax=ax, label="cost C")
    for i, path in enumerate(paths):
        path = np.asarray(path)
        st = style(i + 1)
        ax.plot(path[:, 0], path[:, 1], color=st["color"], linestyle=st["linestyle"], marker=".",
                label=None if labels is None else labels[i])
        ax.plot(*path[0], marker="o", color=st["color"], markeredgecolor="white", markersize=8)
        ax.plot(*path[-1], marker="X", color=st["color"], markeredgecolor="white", markersize=10)
    ax.set(title=title, xlabel="$w_1$", ylabel="$w_2$", xlim=w1_range, ylim=w2_range)
    if labels is not None:
        ax.legend(loc="upper right")
    ax.grid(False)
    return ax
