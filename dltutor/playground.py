"""A training playground: a small network learns a 2-D data set while you watch.

    from dltutor import playground
    playground.Playground(data="spirals", hidden=(8, 8), activation="relu")

Controls: data set (circles, xor, two spirals, gaussians), noise, share of test points, hidden
layers and their width, activation (sigmoid, ReLU, maxout and its number of pieces), learning
rate, optimizer (SGD, Adam), dropout; buttons Play / Pause / Step / Reset. The network is a
dltutor.nn.Sequential trained by dltutor's optimizers, 20 mini-batches a frame by default, in a task on the
kernel's event loop: the kernel stays responsive and Pause stops it at once. Pictures: the
decision surface with the training and test points, the training and test cost against steps,
and each hidden unit's own output over the plane, each with alt text, and a status line in
words. Nothing trains until Play or Step, so a stored notebook is deterministic (call `.step(n)`
in a cell for a fixed start).
"""
import asyncio
import base64
import collections
import html
import time

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import nn, optim
from .cost import CrossEntropy, one_hot
from .widgets import _LABEL_CONTROLS, png_bytes

# names the sliders and dropdowns for screen readers, as in dltutor.widgets
_LABEL_PLAYGROUND = _LABEL_CONTROLS.replace(".dltutor-interactive", ".dltutor-playground")
TILE, GAP = 48, 4  # px of one hidden unit's picture, and between two of them

DATASETS = ("circles", "xor", "spirals", "gaussians")
ACTIVATIONS = ("sigmoid", "relu", "maxout")
OPTIMIZERS = ("sgd", "adam")
BLUE, ORANGE = np.array([0, 114, 178]), np.array([230, 159, 0])  # Okabe & Ito, as in dltutor.plot
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
MAX_LAYERS, MAX_WIDTH = 6, 16


def make_data(kind="circles", n=200, noise=0.1, seed=0):
    """n points in about [-1, 1]^2 with labels 0/1. noise: std of Gaussian jitter (0..0.5)."""
    if kind not in DATASETS:
        raise ValueError(f"make_data(): kind must be one of {DATASETS}, got {kind!r}")
    if not 0 <= noise <= 1:
        raise ValueError(f"make_data(): noise must be in [0, 1], got {noise!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    if kind == "circles":
        r = np.where(y == 0, rng.uniform(0, 0.45, n), rng.uniform(0.6, 0.95, n))
        t = rng.uniform(0, 2 * np.pi, n)
        X = np.c_[r * np.cos(t), r * np.sin(t)]
    elif kind == "xor":
        X = rng.uniform(-0.95, 0.95, (n, 2))
        X += np.sign(X) * 0.05
        y = (X[:, 0] * X[:, 1] < 0).astype(int)
    elif kind == "spirals":
        t = rng.uniform(0.25, 1, n) * 3 * np.pi
        r = t / (3 * np.pi) * 0.95
        t = t + np.pi * y
        X = np.c_[r * np.cos(t), r * np.sin(t)]
    else:
        centres = np.array([[-0.45, -0.45], [0.45, 0.45]])
        X = centres[y] + rng.normal(0, 0.25, (n, 2))
    return X + rng.normal(0, noise, X.shape), y


def split(X, y, test_fraction=0.5, seed=0):
    """Shuffle and split into (X_train, y_train), (X_test, y_test)."""
    order = np.random.default_rng(seed + 1).permutation(len(X))
    n_test = int(round(test_fraction * len(X)))
    test, train = order[:n_test], order[n_test:]
    return (X[train], y[train]), (X[test], y[test])


def build_network(hidden=(4, 4), activation="relu", dropout=0.0, seed=0, pieces=2):
    """2 inputs -> hidden layers -> 2 softmax outputs. A maxout unit is the maximum of `pieces`
    linear functions of its inputs (its Dense layer has pieces * width outputs)."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"build_network(): activation must be one of {ACTIVATIONS}, got {activation!r}")
    layers, n_in = [], 2
    for i, width in enumerate(hidden):
        if activation == "maxout":
            layers += [nn.Dense(n_in, pieces * width, rng=seed + i), nn.Maxout(pieces)]
        else:
            layers += [nn.Dense(n_in, width, rng=seed + i),
                       nn.Sigmoid() if activation == "sigmoid" else nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout, rng=seed + 100 + i))
        n_in = width
    layers += [nn.Dense(n_in, 2, rng=seed + 50), nn.Softmax()]
    return nn.Sequential(*layers)


def _png(rgb):
    """PNG bytes of an RGB picture (height, width, 3) of values 0-255."""
    return png_bytes(np.asarray(rgb, dtype=np.uint8))


def _img(png, alt, width):
    """An <img> of PNG bytes shown `width` CSS px wide (its height follows), with its alt text.
    The width is in the style too: a deck's style sheet would otherwise show the image at its
    pixel size, twice the intended one for the HiDPI cost curves."""
    return (f"<img src='data:image/png;base64,{base64.b64encode(png).decode('ascii')}' "
            f"alt='{html.escape(alt, quote=True)}' width='{width}' "
            f"style='width:{width}px;height:auto;display:inline-block;vertical-align:top' "
            f"onload=\"{_LABEL_PLAYGROUND}\">")


def _colour(p):
    """Probability of class 1 -> RGB between blue (class 0) and orange (class 1), white at 0.5."""
    p = p[..., None]
    white = np.array([255.0, 255.0, 255.0])
    return np.where(p < 0.5, white + (BLUE - white) * (1 - 2 * p), white + (ORANGE - white) * (2 * p - 1))


class Playground(W.VBox):
    """The playground widget; `step(n)`, `play()`, `pause()`, `reset()` drive it from code too."""

    def __init__(self, data="circles", hidden=(4, 4), activation="relu", lr=0.03, optimizer="adam",
                 dropout=0.0, noise=0.1, test_fraction=0.5, n=200, batch_size=16, seed=0,
                 steps_per_frame=20, frames_per_second=8, pieces=2):
        hidden = tuple(hidden)
        if not hidden or len(set(hidden)) != 1:
            raise ValueError(f"Playground(): hidden must be layers of one width, e.g. (8, 8), got {hidden!r}")
        if not (1 <= len(hidden) <= MAX_LAYERS and 1 <= hidden[0] <= MAX_WIDTH):
            raise ValueError(f"Playground(): hidden must have 1 to {MAX_LAYERS} layers of 1 to {MAX_WIDTH} "
                             f"units, got {hidden!r}")
        for name, value, allowed in (("data", data, DATASETS), ("activation", activation, ACTIVATIONS),
                                     ("optimizer", optimizer, OPTIMIZERS), ("lr", lr, LEARNING_RATES),
                                     ("pieces", pieces, (2, 3, 4))):
            if value not in allowed:
                raise ValueError(f"Playground(): {name} must be one of {allowed}, got {value!r}")
        self.n, self.batch_size, self.seed = n, batch_size, seed
        self.steps_per_frame, self.frames_per_second = steps_per_frame, frames_per_second
        style, layout = {"description_width": "initial"}, W.Layout(width="300px")

        def named(widget):
            widget.tooltip = widget.description
            widget.observe(lambda change: self.rebuild(), names="value")
            return widget
        self.controls = {
            "data": named(W.Dropdown(description="data set", options=DATASETS, value=data, style=style, layout=layout)),
            "noise": named(W.FloatSlider(description="noise", min=0, max=0.5, step=0.05, value=noise,
                                         continuous_update=False, style=style, layout=layout)),
            "test_fraction": named(W.FloatSlider(description="share of test points", min=0.1, max=0.9, step=0.1,
                                                 value=test_fraction, continuous_update=False, style=style,
                                                 layout=layout)),
            "layers": named(W.IntSlider(description="hidden layers", min=1, max=MAX_LAYERS, value=len(hidden),
                                        continuous_update=False, style=style, layout=layout)),
            "width": named(W.IntSlider(description="units per layer", min=1, max=MAX_WIDTH, value=hidden[0],
                                       continuous_update=False, style=style, layout=layout)),
            "activation": named(W.Dropdown(description="activation", value=activation, style=style, layout=layout,
                                           options=[("sigmoid", "sigmoid"), ("ReLU", "relu"), ("maxout", "maxout")])),
            "pieces": named(W.IntSlider(description="maxout pieces k", min=2, max=4, value=pieces,
                                        continuous_update=False, style=style, layout=layout)),
            "lr": named(W.SelectionSlider(description="learning rate", options=LEARNING_RATES, value=lr,
                                          continuous_update=False, style=style, layout=layout)),
            "optimizer": named(W.Dropdown(description="optimizer", options=[("SGD", "sgd"), ("Adam", "adam")],
                                          value=optimizer, style=style, layout=layout)),
            "dropout": named(W.FloatSlider(description="dropout rate p", min=0, max=0.5, step=0.1, value=dropout,
                                           continuous_update=False, style=style, layout=layout)),
        }
        tips = {"Play": "Play: train live, a few mini-batches a frame",
                "Pause": "Pause: stop training (the network is kept)",
                "Step": f"Step: train {steps_per_frame} mini-batches",
                "Reset": "Reset: new initial weights, cost curves cleared"}
        self.buttons = {name: W.Button(description=name, tooltip=tip, layout=W.Layout(width="70px"))
                        for name, tip in tips.items()}
        self.buttons["Play"].on_click(lambda b: self.play())
        self.buttons["Pause"].on_click(lambda b: self.pause())
        self.buttons["Step"].on_click(lambda b: self.step(self.steps_per_frame))
        self.buttons["Reset"].on_click(lambda b: self.reset())
        # pictures as <img> in HTML widgets: alt text, natural size, and a stored notebook's page
        # (site/build.py) shows them as they are laid out here
        self.surface, self.curves, self.units = W.HTML(), W.HTML(), W.HTML()
        self.unit_pixels = []  # per hidden layer, (units, 24, 24, 3): each unit's picture
        self.status = W.HTML()
        self.task = None
        self.draw_seconds = collections.deque(maxlen=1000)  # seconds per draw, the latest ones
        grid = np.linspace(-1.2, 1.2, 64)
        g1, g2 = np.meshgrid(grid, grid[::-1])
        self.grid = np.c_[g1.ravel(), g2.ravel()]  # top row first, as in an image
        small = np.linspace(-1.2, 1.2, 24)
        s1, s2 = np.meshgrid(small, small[::-1])
        self.small_grid = np.c_[s1.ravel(), s2.ravel()]
        self._fig = Figure(figsize=(3.2, 2.0), dpi=200, layout="constrained")
        FigureCanvasAgg(self._fig)
        ax = self._fig.subplots()
        self._train_line, = ax.plot([], [], color="#0072B2", label="training cost")
        self._test_line, = ax.plot([], [], color="#D55E00", linestyle="--", label="test cost")
        ax.set(title="Cost (cross entropy)", xlabel="mini-batch steps", ylabel="cost")
        ax.legend(fontsize=7)
        self._ax = ax
        self._background, self._limits = None, None
        controls = W.VBox(list(self.controls.values()))
        pictures = W.VBox([W.HBox([self.surface, self.curves]),
                           W.HTML("<b>Each hidden unit's output over the plane</b> "
                                  "(a row a layer, the first on top)."), self.units])
        super().__init__([W.HBox(list(self.buttons.values())), W.HBox([controls, pictures]), self.status])
        self.add_class("dltutor-playground")
        self.rebuild()

    def __repr__(self):  # a stored notebook's text before the cell runs; ipywidgets cuts it at 110
        return "Training playground: run this cell, then press Play to watch a network learn (or Step, Pause, Reset)."

    # --- the model --------------------------------------------------------------------------
    @property
    def values(self):
        return {name: c.value for name, c in self.controls.items()}

    def rebuild(self):
        """Make the data and a new network from the controls (also what Reset does)."""
        self.pause()
        v = self.values
        X, y = make_data(v["data"], self.n, v["noise"], self.seed)
        (self.X_train, self.y_train), (self.X_test, self.y_test) = split(X, y, v["test_fraction"], self.seed)
        self.net = build_network((v["width"],) * v["layers"], v["activation"], v["dropout"], self.seed,
                                 v["pieces"])
        self.optimizer = (optim.Adam(self.net, lr=v["lr"]) if v["optimizer"] == "adam"
                          else optim.SGD(self.net, lr=v["lr"]))
        self.controls["pieces"].disabled = v["activation"] != "maxout"  # only maxout units have pieces
        self.cost = CrossEntropy()
        self.steps = 0
        self.rng = np.random.default_rng(self.seed + 7)
        self.history = {"step": [], "train": [], "test": []}
        self._record()
        self.draw()

    reset = rebuild

    def _cost(self, X, y):
        return float(self.cost(self.net.forward(X), one_hot(y, 2)))

    def _record(self):
        self.history["step"].append(self.steps)
        self.history["train"].append(self._cost(self.X_train, self.y_train))
        self.history["test"].append(self._cost(self.X_test, self.y_test))

    def step(self, n=1):
        """Train n mini-batches (batch_size examples drawn at random), then record and draw."""
        for _ in range(n):
            batch = self.rng.integers(0, len(self.X_train), self.batch_size)
            Y = self.net.forward(self.X_train[batch], train=True)
            delta = (Y - one_hot(self.y_train[batch], 2)) / len(batch)  # softmax + cross entropy
            self.net.backward(delta, skip_last=True, input_grad=False)
            self.optimizer.step()
            self.steps += 1
        self._record()
        self.draw()
        return self.history["train"][-1]

    # --- live training on the event loop -----------------------------------------------------
    @property
    def playing(self):
        return self.task is not None and not self.task.done()

    def play(self):
        """Train in the background: steps_per_frame mini-batches a frame, frames_per_second frames."""
        if self.playing:
            return self.task
        self.task = asyncio.get_event_loop().create_task(self._run())
        return self.task

    async def _run(self):
        period = 1 / self.frames_per_second
        try:
            while True:
                start = time.perf_counter()
                self.step(self.steps_per_frame)
                # the sleep hands the event loop back: clicks and other cells are served here
                await asyncio.sleep(max(0.005, period - (time.perf_counter() - start)))
        except Exception as exc:  # shown in the widget, not lost in the task
            self.task = None
            self.status.value = (f"<div role='alert' style='color:#D55E00'>Training stopped at step {self.steps}: "
                                 f"{type(exc).__name__}: {exc}</div>")

    def pause(self):
        if self.task is not None:
            self.task.cancel()
            self.task = None
            self._status()

    def _status(self):
        h = self.history
        train_acc, test_acc = self.accuracy(self.X_train, self.y_train), self.accuracy(self.X_test, self.y_test)
        # role=status: read out by screen readers when it changes (a polite live region)
        optimizer = {"adam": "Adam", "sgd": "SGD"}[self.controls["optimizer"].value]
        self.status.value = (f"<div role='status'>{self.net.n_params} parameters, {optimizer} at learning "
                             f"rate {self.controls['lr'].value:g}. "
                             f"Step {self.steps}: training cost {h['train'][-1]:.4f}, "
                             f"test cost {h['test'][-1]:.4f}; accuracy training {train_acc:.4f}, "
                             f"test {test_acc:.4f}. {'Training...' if self.playing else 'Paused.'}</div>")

    # --- pictures ------------------------------------------------------------------------------
    def accuracy(self, X, y):
        return float(np.mean(self.net.predict(X) == y))

    def draw(self):
        start = time.perf_counter()
        p = self.net.forward(self.grid)[:, 1].reshape(64, 64)
        rgb = _colour(p).repeat(4, 0).repeat(4, 1)  # 256 x 256
        for X, y, edge in ((self.X_train, self.y_train, 255), (self.X_test, self.y_test, 0)):
            cols = np.clip(((X[:, 0] + 1.2) / 2.4 * 255).astype(int), 2, 253)
            rows = np.clip(((1.2 - X[:, 1]) / 2.4 * 255).astype(int), 2, 253)
            for dr in range(-2, 3):
                for dc in range(-2, 3):
                    border = max(abs(dr), abs(dc)) == 2
                    rgb[rows + dr, cols + dc] = edge if border else np.where(y[:, None] == 1, ORANGE, BLUE)
        self.surface.value = _img(_png(rgb), f"Decision surface after {self.steps} steps: blue where the "
                                  f"network says class 0, orange class 1, white undecided; white-edged points "
                                  f"are training points, black-edged test points.", 256)
        self._draw_curves()
        h = self.history
        self.curves.value = _img(_png(np.asarray(self._fig.canvas.buffer_rgba())[..., :3]),
                                 f"Cost against mini-batch steps: after {self.steps} steps training cost "
                                 f"{h['train'][-1]:.4f}, test cost {h['test'][-1]:.4f}.", 320)
        self._unit_images()
        self._status()
        self.draw_seconds.append(time.perf_counter() - start)

    def _draw_curves(self):
        """Blitting: axes, labels and ticks are drawn only when the limits change (x doubles from
        64 steps, the top doubles from 1.05 as needed, and both return to their start on a Reset
        or a control change); otherwise the saved background is restored and only the two lines
        are drawn on it. A redraw of everything takes longer than all the rest of a frame."""
        h, ax, canvas = self.history, self._ax, self._fig.canvas
        self._train_line.set_data(h["step"], h["train"])
        self._test_line.set_data(h["step"], h["test"])
        xmax, top = 64, 1.05
        while xmax < h["step"][-1]:
            xmax *= 2
        while top < max(max(h["train"]), max(h["test"])) * 1.05:
            top *= 2
        if self._background is None or (xmax, top) != self._limits:
            self._limits = xmax, top
            ax.set_xlim(0, xmax)
            ax.set_ylim(0, top)
            for line in (self._train_line, self._test_line):
                line.set_animated(True)
            canvas.draw()
            self._fig.set_layout_engine("none")  # laid out once; the axes stay where they are
            self._background = canvas.copy_from_bbox(self._fig.bbox)
        else:
            canvas.restore_region(self._background)
        ax.draw_artist(self._train_line)
        ax.draw_artist(self._test_line)

    def _unit_images(self):
        """One small picture a hidden unit: its output over the plane, scaled to its own range
        (blue low, orange high); a unit that is the same everywhere (a dead ReLU) is left white.
        All of them in one image, a row a layer (one PNG a frame, not one a unit)."""
        A, self.unit_pixels = self.small_grid, []
        for layer in self.net.layers[:-2]:
            A = layer.forward(A)
            if isinstance(layer, (nn.Sigmoid, nn.ReLU, nn.Maxout)):
                lo, hi = A.min(axis=0), A.max(axis=0)
                scaled = np.where(hi > lo, (A - lo) / np.where(hi > lo, hi - lo, 1), 0.5)
                self.unit_pixels.append(_colour(scaled.T.reshape(-1, 24, 24)))
        rows, cols = len(self.unit_pixels), max(len(u) for u in self.unit_pixels)
        sheet = np.full((rows * (TILE + GAP) - GAP, cols * (TILE + GAP) - GAP, 3), 235.0)
        for i, units in enumerate(self.unit_pixels):
            for j, unit in enumerate(units):
                sheet[i * (TILE + GAP):i * (TILE + GAP) + TILE, j * (TILE + GAP):j * (TILE + GAP) + TILE] = \
                    unit.repeat(TILE // 24, 0).repeat(TILE // 24, 1)
        blank = [sum(bool(np.all(u == 255)) for u in units) for units in self.unit_pixels]
        alt = "; ".join(f"layer {i + 1}: {len(u)} units" + (f", {b} of them the same everywhere" if b else "")
                        for i, (u, b) in enumerate(zip(self.unit_pixels, blank)))
        self.units.value = _img(_png(sheet), f"Each hidden unit's output over the plane, a row a layer: {alt}.",
                                min(sheet.shape[1], 576))
