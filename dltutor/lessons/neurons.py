"""Notebook 01, neurons and networks: figures, widgets and exercise checks.

    from dltutor.lessons import neurons
    neurons.digit_as_vector(image)          # an MNIST image, binarised, and as 784 numbers
    neurons.draw_network(ax, [2, 2, 2, 2])  # a network diagram (weights and outputs optional)
    neurons.neuron_1d_widget(), neurons.neuron_2d_widget(), neurons.network_widget()
    neurons.check_neuron(fn), neurons.check_layer(fn), neurons.check_network(fn)
"""
import numpy as np

from .. import data, nn, plot, slides
from .. import widgets as _widgets


sigma = nn.sigmoid  # the package's sigmoid: 1 / (1 + e^-z), never overflows


def slides_forward(x, Ws=None, bs=None):
    """Every layer's output of a sigmoid network for one input x: a list [a^1, ..., a^L]."""
    Ws = slides.NETWORK["W"] if Ws is None else Ws
    bs = slides.NETWORK["b"] if bs is None else bs
    a, outputs = np.asarray(x, dtype=np.float64), []
    for W, b in zip(Ws, bs):
        a = sigma(W @ a + b)
        outputs.append(a)
    return outputs


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

def digit_as_vector(image, label=None):
    """Three views of one 28x28 image: as pixels, binarised (ink -> 1, no ink -> 0), and as the
    784 numbers x_1 ... x_784 the network reads (rows of the image one after the other)."""
    import matplotlib.pyplot as plt
    x = np.asarray(image, dtype=np.float64).reshape(-1) / 255.0
    x_bin = data.binarize(x)
    fig = plt.figure(figsize=(8, 5.2), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[1.5, 1])
    ax_img, ax_bin, ax_vec = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])
    what = "" if label is None else f" (a {label})"
    ax_img.imshow(x.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
    ax_img.set(title=f"The image{what}: 28 x 28 grey levels", xlabel="column", ylabel="row")
    ax_bin.imshow(x_bin.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
    ax_bin.set(title="Binarised: ink -> 1, no ink -> 0", xlabel="column", ylabel="row")
    for ax in (ax_img, ax_bin):
        ax.grid(False)
    index = np.arange(1, 785)
    ink = x_bin == 1
    ax_vec.vlines(index[ink], 0, 1, color=plot.COLORS[0], linewidth=1)
    ax_vec.plot(index[ink], np.ones(ink.sum()), linestyle="none", marker="|", color=plot.COLORS[0],
                label="ink: x_i = 1")
    ax_vec.plot(index[~ink], np.zeros((~ink).sum()), linestyle="none", marker=".", markersize=2,
                color=plot.COLORS[1], label="no ink: x_i = 0")
    for row in range(0, 785, 28 * 4):
        ax_vec.axvline(row + 0.5, color="grey", linewidth=0.6, linestyle=":")
    ax_vec.set(title="The same image as one vector x = (x_1, ..., x_784): row 1, then row 2, ...",
               xlabel="position i in the vector (dotted lines: every 4th image row starts)",
               ylabel="x_i", xlim=(0, 785), ylim=(-0.15, 1.3), yticks=[0, 1])
    ax_vec.legend(loc="upper left", ncols=2, fontsize=10)
    return fig


def draw_network(ax, sizes, *, weights=None, biases=None, values=None, layer_names=None,
                 input_labels=None, output_labels=None, max_nodes=6, highlight=None, title=None):
    """A network diagram on `ax`: one column of circles a layer, lines for the weights.

    sizes: neurons a layer, input first, e.g. [784, 16, 16, 10]. A layer with more than
    max_nodes neurons shows its first and last few with a vertical ellipsis between.
    weights / biases: lists of W^l (n_out, n_in) / b^l, written on the lines and under the
    neurons (small networks only); a positive weight is a solid line, a negative one dashed.
    values: per layer (input first), the numbers written in the circles (e.g. each layer's output).
    highlight: ("W", l, j, k) or ("b", l, j) (l counts layers from 1) to mark one parameter.
    """
    sizes = list(sizes)
    columns = _node_columns(sizes, max_nodes)
    x_gap = 2.4 if weights is not None else 1.8
    for l in range(len(sizes) - 1):  # lines first, so the circles sit on top of them
        W = None if weights is None else np.asarray(weights[l])
        _draw_edges(ax, columns[l], columns[l + 1], l, x_gap, W, highlight)
    for l, column in enumerate(columns):
        for j, y in column:
            _draw_node(ax, l, j, y, l * x_gap, len(columns), values, biases, input_labels, output_labels,
                       highlight)
    _frame(ax, sizes, columns, x_gap, max_nodes, layer_names, input_labels, output_labels, title)
    return ax


_RADIUS = 0.28


def _node_columns(sizes, max_nodes):
    """Per layer: a list of (neuron index, or None for the ellipsis; height y)."""
    columns = []
    for s in sizes:
        if s <= max_nodes:
            idx = list(range(s))
        else:  # the first and last few neurons, with an ellipsis between
            head = max_nodes // 2
            idx = list(range(head)) + [None] + list(range(s - (max_nodes - 1 - head), s))
        columns.append(idx)
    dy = 1.8 if max(len(idx) for idx in columns) <= 3 else 1.0  # small networks get room for labels
    return [list(zip(idx, dy * ((len(idx) - 1) / 2 - np.arange(len(idx))))) for idx in columns]


def _is_hot(highlight, kind, *where):
    return highlight is not None and highlight[0] == kind and tuple(highlight[1:]) == where


def _draw_edges(ax, left, right, l, x_gap, W, highlight):
    """The lines from layer l's neurons (left) to layer l+1's (right), with their weights."""
    x0, x1 = l * x_gap, (l + 1) * x_gap
    for k, yk in left:
        for j, yj in right:
            if k is not None and j is not None:
                _draw_edge(ax, x0, x1, yk, yj, None if W is None else W[j, k],
                           _is_hot(highlight, "W", l + 1, j, k))


def _draw_edge(ax, x0, x1, yk, yj, w, hot):
    lw, ls = 0.6, "-"
    if w is not None:
        lw, ls = 0.6 + 1.2 * min(abs(w), 4) / 2, ("-" if w >= 0 else "--")
    ax.plot([x0 + _RADIUS, x1 - _RADIUS], [yk, yj], color=plot.COLORS[3] if hot else "0.45",
            linewidth=lw * (2 if hot else 1), linestyle=ls, zorder=1)
    if w is not None:
        t = 0.27  # label near the line's start, as the slides do
        ax.text(x0 + _RADIUS + t * (x1 - x0 - 2 * _RADIUS), yk + t * (yj - yk), f"{w:g}",
                ha="center", va="center", fontsize=10, zorder=3, fontweight="bold" if hot else "normal",
                bbox=dict(boxstyle="round,pad=0.12", fc="white", ec=plot.COLORS[3] if hot else "none"))


def _draw_node(ax, l, j, y, x, n_layers, values, biases, input_labels, output_labels, highlight):
    """One circle (or the ellipsis), its value, its label and its bias."""
    import matplotlib.patches as mpatches
    if j is None:
        ax.text(x, y, "\u22ee", ha="center", va="center", fontsize=16)
        return
    v = None if values is None or values[l] is None else float(np.asarray(values[l])[j])
    face, text_color = _node_colors(v, l)
    ax.add_patch(mpatches.Circle((x, y), radius=_RADIUS, facecolor=face, edgecolor="black", linewidth=1,
                                 zorder=2))
    if v is not None:
        ax.text(x, y, f"{v:.2f}" if l > 0 else f"{v:g}", ha="center", va="center", fontsize=10,
                color=text_color, zorder=4)
    _node_labels(ax, l, j, y, x, n_layers, input_labels, output_labels)
    if biases is not None and l > 0:
        hot = _is_hot(highlight, "b", l, j)
        ax.text(x, y - _RADIUS - 0.08, f"b={np.asarray(biases[l - 1])[j]:g}", ha="center", va="top",
                fontsize=10, color=plot.COLORS[3] if hot else "0.25", fontweight="bold" if hot else "normal")


def _node_labels(ax, l, j, y, x, n_layers, input_labels, output_labels):
    """x_1 ... left of the inputs, y_1 ... right of the outputs."""
    if l == 0 and input_labels is not None:
        ax.text(x - _RADIUS - 0.1, y, input_labels[j], ha="right", va="center", fontsize=10)
    if l == n_layers - 1 and output_labels is not None:
        ax.text(x + _RADIUS + 0.1, y, output_labels[j], ha="left", va="center", fontsize=10)


def _node_colors(v, l):
    """Inputs grey; outputs of sigmoid neurons (0..1) shaded by their value."""
    import matplotlib as mpl
    if l == 0:
        return "0.92", "black"
    if v is None:
        return "white", "black"
    return mpl.colormaps[plot.CMAP](np.clip(v, 0, 1)), ("white" if v < 0.55 else "black")


def _layer_names(sizes, max_nodes, layer_names):
    """'input layer', 'layer 1 (hidden)', ..., with the size of a layer drawn in part."""
    if layer_names is None:
        L = len(sizes) - 1
        layer_names = ["input\nlayer"] + [f"layer {l}\n(hidden)" for l in range(1, L)] + [f"layer {L}\n(output)"]
    what = ["inputs"] + ["neurons"] * (len(sizes) - 1)
    return [name + (f"\n{n} {w}" if n > max_nodes else "") for name, n, w in zip(layer_names, sizes, what)]


def _frame(ax, sizes, columns, x_gap, max_nodes, layer_names, input_labels, output_labels, title):
    """Layer names under the columns, the limits, no axes."""
    bottom = min(y for column in columns for _, y in column) - _RADIUS - 0.45
    for l, name in enumerate(_layer_names(sizes, max_nodes, layer_names)):
        ax.text(l * x_gap, bottom, name, ha="center", va="top", fontsize=10)
    top = max(y for column in columns for _, y in column) + _RADIUS + 0.2
    left = -0.8 - (0.9 if input_labels is not None else 0)
    right = (len(sizes) - 1) * x_gap + 0.8 + (1.2 if output_labels is not None else 0)
    ax.set_xlim(left, right)
    ax.set_ylim(bottom - 0.75, top)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)


def function_map(ax, net, output=0, lim=3.0, n=81, title=None):
    """A 2-input network's output number `output` over the (x1, x2) square, as a heat map."""
    x1, x2 = np.meshgrid(np.linspace(-lim, lim, n), np.linspace(-lim, lim, n))
    X = np.column_stack([x1.ravel(), x2.ravel()])
    Y = net.forward(X)[:, output].reshape(x1.shape)
    im = ax.imshow(Y, origin="lower", extent=(-lim, lim, -lim, lim), vmin=0, vmax=1, cmap=plot.CMAP)
    cs = ax.contour(x1, x2, Y, levels=[0.25, 0.5, 0.75], colors="white", linestyles=[":", "--", "-"],
                    linewidths=1)
    ax.clabel(cs, fmt="%.2f", fontsize=7)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.grid(False)
    return im


# ---------------------------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------------------------

def _affine(terms, b):
    """'2 x1 - 1.5 x2 + 1' from [(2, 'x1'), (-1.5, 'x2')] and b = 1."""
    text = ""
    for w, name in terms:
        if not text:
            text = f"{w:g} {name}"
        else:
            text += f" {'-' if w < 0 else '+'} {abs(w):g} {name}"
    return text + f" {'-' if b < 0 else '+'} {abs(b):g}"


def neuron_1d_widget():
    """A neuron with one input: a = sigma(w x + b). Sliders for w and b; the curve it computes."""
    def draw(fig, w, b):
        ax = fig.subplots()
        x = np.linspace(-6, 6, 301)
        ax.plot(x, sigma(x), label="w = 1, b = 0 (for comparison)", color="0.55", linestyle=":")
        ax.plot(x, sigma(w * x + b), label=f"a = sigma({_affine([(w, 'x')], b)})", color=plot.COLORS[0],
                linewidth=2)
        ax.axhline(0.5, color="0.7", linewidth=0.8)
        text = f"z = {_affine([(w, 'x')], b)}.  "
        if w != 0 and abs(b / w) <= 6:
            cross = -b / w + 0.0  # + 0.0 turns -0.0 into 0.0
            ax.plot([cross], [0.5], marker="o", color=plot.COLORS[3], linestyle="none",
                    label=f"z = 0 at x = -b/w = {cross:.2f}")
            text += f"The curve crosses 0.5 where z = 0, at x = -b/w = {cross:.2f}."
        elif w == 0:
            text += f"With w = 0 the input is ignored: a = sigma(b) = {sigma(b):.2f} everywhere."
        else:
            text += "The point where z = 0 is off the plot."
        ax.set(xlabel="input x", ylabel="output a", title="One neuron, one input", ylim=(-0.05, 1.05),
               xlim=(-6, 6))
        ax.legend(loc="upper left", fontsize=10)
        return text

    return _widgets.Interactive(
        draw, figsize=(6.4, 3.6),
        w=_widgets.slider("weight w", -5.0, 5.0, 1.0, 0.1),
        b=_widgets.slider("bias b", -5.0, 5.0, 0.0, 0.1))


def neuron_2d_widget():
    """A neuron with two inputs: a = sigma(w1 x1 + w2 x2 + b), as a heat map over (x1, x2)."""
    lim = 4.0
    x1, x2 = np.meshgrid(np.linspace(-lim, lim, 121), np.linspace(-lim, lim, 121))

    def draw(fig, w1, w2, b):
        ax = fig.subplots()
        A = sigma(w1 * x1 + w2 * x2 + b)
        im = ax.imshow(A, origin="lower", extent=(-lim, lim, -lim, lim), vmin=0, vmax=1, cmap=plot.CMAP)
        fig.colorbar(im, ax=ax, label="output a = sigma(z)")
        if w1 != 0 or w2 != 0:
            ax.contour(x1, x2, A, levels=[0.5], colors="white", linestyles="--", linewidths=1.5)
            norm = np.hypot(w1, w2)
            # The point of the line z = 0 nearest the origin, and the direction in which z grows.
            p = -b * np.array([w1, w2]) / norm ** 2
            if np.all(np.abs(p) < lim):
                ax.annotate("", xy=p + 1.2 * np.array([w1, w2]) / norm, xytext=p,
                            arrowprops=dict(arrowstyle="->", color="white", linewidth=2))
        ax.plot([1], [-1], marker="X", color=plot.COLORS[1], markeredgecolor="black", markersize=10,
                linestyle="none", label="x = (1, -1)")
        ax.legend(loc="lower left", fontsize=10)
        ax.set(xlabel="$x_1$", ylabel="$x_2$", title=f"a = sigma({_affine([(w1, 'x1'), (w2, 'x2')], b)})")
        ax.grid(False)
        a = sigma(w1 * 1 - w2 * 1 + b)
        return (f"At x = (1, -1): z = ({w1:g})(1) + ({w2:g})(-1) + ({b:g}) = {w1 - w2 + b + 0.0:.3g}, a = {a:.2f}.\n"
                "Dashed line: z = 0 (a = 0.5). The arrow (the direction of (w1, w2)) points to where a grows.")

    return _widgets.Interactive(
        draw, figsize=(6.0, 4.6),
        w1=_widgets.slider("weight w1", -3.0, 3.0, 1.0, 0.1),
        w2=_widgets.slider("weight w2", -3.0, 3.0, -2.0, 0.1),
        b=_widgets.slider("bias b", -3.0, 3.0, 1.0, 0.1))


def _parameter_names():
    """('W', l, j, k) / ('b', l, j) for every parameter of the slides' network, with a label."""
    names = []
    for l, (W, b) in enumerate(zip(slides.NETWORK["W"], slides.NETWORK["b"]), start=1):
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                names.append((f"layer {l}: weight from input {k + 1} to neuron {j + 1}  (W^{l}[{j + 1},{k + 1}])",
                              ("W", l, j, k)))
            names.append((f"layer {l}: bias of neuron {j + 1}  (b^{l}[{j + 1}])", ("b", l, j)))
    return names


def _slides_value(which):
    if which[0] == "W":
        return float(slides.NETWORK["W"][which[1] - 1][which[2], which[3]])
    return float(slides.NETWORK["b"][which[1] - 1][which[2]])


def saturation_text(x, Ws, bs, limit=4.0):
    """Which neurons are saturated (|z| > limit: sigma is flat there, so a small change of their
    z hardly changes their output), as one line for the network widget."""
    a, flat = np.asarray(x, dtype=np.float64), []
    for l, (W, b) in enumerate(zip(Ws, bs), start=1):
        z = W @ a + b
        flat += [f"layer {l} neuron {j + 1} (z = {zj:.1f})" for j, zj in enumerate(z) if abs(zj) > limit]
        a = sigma(z)
    if not flat:
        return f"No neuron is saturated (every |z| <= {limit:g})."
    return (f"Saturated, |z| > {limit:g}, sigma is flat here: " + ", ".join(flat) +
            ". Changing what feeds these neurons barely moves their outputs.")


def network_widget():
    """The slides' network on a diagram: sliders for the input (x1, x2) and for any one parameter
    (pick it from the list); every neuron shows its output."""
    import ipywidgets as W
    options = _parameter_names()
    parameter = W.Dropdown(options=options, value=options[0][1], description="parameter to change",
                           style={"description_width": "initial"}, layout=W.Layout(width="520px"))
    value = _widgets.slider("its value", -5.0, 5.0, _slides_value(options[0][1]), 0.1)

    def draw(fig, x1, x2, value, parameter=None):
        parameter = parameter if parameter is not None else options[0][1]
        Ws = [w.copy() for w in slides.NETWORK["W"]]
        bs = [b.copy() for b in slides.NETWORK["b"]]
        if parameter[0] == "W":
            Ws[parameter[1] - 1][parameter[2], parameter[3]] = value
        else:
            bs[parameter[1] - 1][parameter[2]] = value
        outputs = slides_forward([x1, x2], Ws, bs)
        ax = fig.subplots()
        draw_network(ax, [2, 2, 2, 2], weights=Ws, biases=bs, values=[np.array([x1, x2])] + outputs,
                     input_labels=["$x_1$", "$x_2$"], output_labels=["$y_1$", "$y_2$"], highlight=parameter,
                     title="The slides' network: every neuron shows its output (darker = nearer 0)")
        y = outputs[-1]
        changed = "" if value == _slides_value(parameter) else \
            f"  (changed the marked parameter from {_slides_value(parameter):g} to {value:g})"
        return f"f([{x1:g}, {x2:g}]) = [{y[0]:.2f}, {y[1]:.2f}]{changed}\n" + saturation_text([x1, x2], Ws, bs)

    widget = _widgets.Interactive(
        draw, figsize=(7.2, 3.6),
        x1=_widgets.slider("input x1", -3.0, 3.0, 1.0, 0.5),
        x2=_widgets.slider("input x2", -3.0, 3.0, -1.0, 0.5),
        value=value)

    # Picking another parameter resets "its value" to that parameter's value in the slides, and
    # redraws once (the dropdown is added after the others so that it does not redraw twice).
    def pick(change):
        start = _slides_value(change["new"])
        if value.value != start:
            value.value = start  # the slider's own observer redraws
        else:
            widget.update()

    parameter.observe(pick, names="value")
    widget.controls["parameter"] = parameter
    panel = widget.children[0]
    panel.children = [widget.controls["x1"], widget.controls["x2"], parameter, value]
    return widget


# ---------------------------------------------------------------------------------------------
# Exercise checks: each is a table of cases and typical mistakes (see dltutor.exercises)
# ---------------------------------------------------------------------------------------------
from ..exercises import Case, Mistake  # noqa: E402
from ..exercises import Exercise as _Exercise  # noqa: E402


class Exercise(_Exercise):
    """An exercises.Exercise that runs the learner's code with numpy's floating-point warnings
    silenced: an overflow is reported in the feedback, not as a warning above it."""

    def __call__(self, answer, hint=1):
        with np.errstate(all="ignore"):
            return super().__call__(answer, hint)


def _arrays(*values):
    return [np.array(v, dtype=np.float64) for v in values]


check_neuron = Exercise(
    "neuron(a, w, b)",
    reference=lambda a, w, b: sigma(np.sum(a * w) + b),
    cases=[Case("a = (1, -1), w = (1, -2), b = 1 (the slides' neuron)", *_arrays([1.0, -1.0], [1.0, -2.0]), 1.0),
           Case("a = (0, 0), w = (-1, 1), b = 0", *_arrays([0.0, 0.0], [-1.0, 1.0]), 0.0),
           Case("a = (0.5, 2, -1), w = (0.2, -0.4, 1.5), b = -0.3",
                *_arrays([0.5, 2.0, -1.0], [0.2, -0.4, 1.5]), -0.3),
           Case("a = (2,), w = (-3,), b = 1", *_arrays([2.0], [-3.0]), 1.0)],
    mistakes=[
        Mistake("you returned z, the weighted sum, without the activation", like=lambda a, w, b: np.sum(a * w) + b,
                nudge="a neuron's output is its activation function applied to z"),
        Mistake("the bias is missing", like=lambda a, w, b: sigma(np.sum(a * w)),
                nudge="z has one more term than the products"),
        Mistake("the products were not added up: one number per input instead of one output",
                like=lambda a, w, b: sigma(a * w + b), nudge="a neuron has ONE output"),
        Mistake("the sign in the sigmoid is flipped: 1 / (1 + e^z) is sigma(-z)",
                like=lambda a, w, b: sigma(-(np.sum(a * w) + b)), nudge="sigma(z) is near 1 for large z"),
        Mistake("the bias was added to every product, so it counts K times",
                like=lambda a, w, b: sigma(np.sum(a * w + b)), nudge="the bias is added once"),
        Mistake("sigma was applied before the bias was added: the bias is part of z",
                like=lambda a, w, b: sigma(np.sum(a * w)) + b, nudge="sigma comes last, after every term of z"),
        Mistake("sigma was applied to each product before adding up",
                like=lambda a, w, b: np.sum(sigma(a * w)) + b, nudge="sigma comes last, after every term of z"),
        Mistake("1 / 1 + e^-z: without parentheses Python divides 1 by 1 first",
                like=lambda a, w, b: 1 + np.exp(-(np.sum(a * w) + b)),
                nudge="write the whole denominator in parentheses"),
        Mistake("the sign in the denominator: 1 / (1 - e^-z) is not the sigmoid",
                like=lambda a, w, b: 1 / (1 - np.exp(-(np.sum(a * w) + b))), nudge="sigma(z) is between 0 and 1"),
        Mistake("tanh, not the sigmoid: tanh goes from -1 to 1", like=lambda a, w, b: np.tanh(np.sum(a * w) + b),
                nudge="the slides' neuron uses sigma(z) = 1 / (1 + e^-z), between 0 and 1"),
    ],
    nudge="multiply each input by its weight, add up, add the bias, then apply sigma",
    formula="z = sum_k a_k w_k + b,  a = sigma(z) = 1 / (1 + e^-z)",
    solution="def neuron(a, w, b):\n    z = np.sum(a * w) + b      # or: a @ w + b\n    return sigma(z)",
    success="Correct: your neuron computes a = sigma(sum_k a_k w_k + b).")


_rng = np.random.default_rng(1)
check_layer = Exercise(
    "layer(a, W, b)",
    reference=lambda a, W, b: sigma(W @ a + b),
    cases=[Case("the slides' layer 1 at a = (1, -1)", np.array([1.0, -1.0]), slides.NETWORK["W"][0],
                slides.NETWORK["b"][0]),
           Case("the slides' layer 2 at a = (0.3, -0.7)", np.array([0.3, -0.7]), slides.NETWORK["W"][1],
                np.array([0.5, -0.5])),
           Case("3 neurons, 2 inputs (W of shape (3, 2))", np.array([0.5, -2.0]),
                np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]), np.array([0.0, 1.0, -1.0])),
           Case("2 neurons, 4 inputs (W of shape (2, 4))", _rng.normal(size=4), _rng.normal(size=(2, 4)),
                _rng.normal(size=2))],
    mistakes=[
        Mistake("you used W.T (or a @ W): row j of W holds the weights of neuron j",
                like=lambda a, W, b: sigma(W.T @ a + b), nudge="which index of W counts the neurons?"),
        Mistake("you returned z = W a + b without the activation", like=lambda a, W, b: W @ a + b,
                nudge="a layer's outputs are its neurons' activations"),
        Mistake("the biases are missing", like=lambda a, W, b: sigma(W @ a),
                nudge="every neuron adds its own bias"),
        Mistake("you summed everything into one number: a layer has one output per neuron",
                when=lambda got, case: np.size(got) == 1 and len(case.args[2]) > 1,
                nudge="one output per row of W"),
        Mistake("a column plus a flat b: numpy broadcasts (neurons, 1) + (neurons,) into a (neurons, neurons) "
                "table", like=lambda a, W, b: sigma((W @ a)[:, None] + b),
                nudge="give a and b the same form: both flat, or both columns"),
        Mistake("the sign in the sigmoid is flipped: 1 / (1 + e^z) is sigma(-z)",
                like=lambda a, W, b: sigma(-(W @ a + b)), nudge="sigma(z) is near 1 for large z"),
        Mistake("sigma was applied before the biases were added", like=lambda a, W, b: sigma(W @ a) + b,
                nudge="sigma comes last, after the bias"),
        Mistake("W * a summed over axis 0: that adds up the neurons, not the inputs",
                like=lambda a, W, b: sigma(np.sum(W * a, axis=0) + b),
                nudge="row j of W holds neuron j's weights: add up along each row"),
    ],
    nudge="one matrix product gives every neuron's weighted sum; W has shape (neurons, inputs)",
    formula="a' = sigma(W a + b)",
    solution="def layer(a, W, b):\n    return sigma(W @ a + b)",
    column_ok=True,
    success="Correct: your layer gives every neuron's output, sigma(W a + b). "
            "(The check compares results, not how you wrote it: a loop gives the same numbers.)")


def _slides_case(x):
    return Case(f"the slides' network at x = ({x[0]:g}, {x[1]:g})", np.array(x, dtype=np.float64),
                slides.NETWORK["W"], slides.NETWORK["b"])


_rng2 = np.random.default_rng(2)
_SIZES = [3, 4, 5, 4, 2]
_DEEP = Case("a 3-4-5-4-2 network (4 layers)", _rng2.normal(size=3),
             [_rng2.normal(size=(o, i)) for i, o in zip(_SIZES[:-1], _SIZES[1:])],
             [_rng2.normal(size=o) for o in _SIZES[1:]])


def _an_earlier_layer(got, case):
    x, Ws, bs = case.args
    outputs = slides_forward(x, Ws, bs)[:-1]
    return any(np.shape(got) == np.shape(a) and np.allclose(got, a, atol=1e-6) for a in outputs)


def _last_z(x, Ws, bs):
    outputs = slides_forward(x, Ws, bs)
    before = outputs[-2] if len(outputs) > 1 else x
    return Ws[-1] @ before + bs[-1]


def _no_sigma(x, Ws, bs):
    a = np.asarray(x, dtype=np.float64)
    for W, b in zip(Ws, bs):
        a = W @ a + b
    return a


def _sigma_at_the_end(x, Ws, bs):
    return sigma(_no_sigma(x, Ws, bs))


def _column_plus_flat(x, Ws, bs):
    """The network with x as a column and every b flat: W a + b broadcasts into a table."""
    a = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    for W, b in zip(Ws, bs):
        a = sigma(W @ a + b)
    return a


def _from_layer_2(x, Ws, bs):
    return slides_forward(x, Ws[1:], bs[1:])[-1]


check_network = Exercise(
    "network(x, Ws, bs)",
    reference=lambda x, Ws, bs: slides_forward(x, Ws, bs)[-1],
    cases=[_slides_case([1.0, -1.0]), _slides_case([0.0, 0.0]), _slides_case([-2.0, 3.0]), _DEEP],
    mistakes=[
        Mistake("you returned the output of an earlier layer, not of the last one",
                when=_an_earlier_layer, nudge="every layer's output is the next layer's input, to the end"),
        Mistake("you returned the last layer's z, without its sigma", like=_last_z,
                nudge="the output layer is a sigmoid layer too"),
        Mistake("you used W.T: row j of W holds the weights of neuron j",
                like=lambda x, Ws, bs: slides_forward(x, [W.T for W in Ws], bs)[-1],
                nudge="the same layer as in your turn 2"),
        Mistake("every layer was fed x: a layer's input is the previous layer's output",
                like=lambda x, Ws, bs: sigma(Ws[-1] @ x + bs[-1]),
                nudge="keep the output of each layer in a variable and feed it to the next"),
        Mistake("sigma only once, at the end: every layer applies its own sigma",
                like=_sigma_at_the_end, nudge="apply the layer of your turn 2 once per (W, b), in order"),
        Mistake("no sigma at all: without it the layers collapse into one linear function",
                like=_no_sigma, nudge="apply the layer of your turn 2 once per (W, b), in order"),
        Mistake("the first layer was skipped", like=lambda x, Ws, bs: _from_layer_2(x, Ws, bs),
                nudge="Ws[0] and bs[0] are the first layer: Python counts from 0"),
        Mistake("you returned every layer's output: the network's output is the last one's",
                when=lambda got, case: np.shape(got) == (len(case.args[1]), len(case.args[2][-1])),
                nudge="return only a^L"),
        Mistake("a column plus a flat b: numpy broadcasts (n, 1) + (n,) into an (n, n) table",
                like=_column_plus_flat,
                nudge="give a and b the same form: both flat, or both columns"),
    ],
    nudge="start from a = x and apply the layer rule once per (W, b)",
    formula="a^0 = x;  a^l = sigma(W^l a^(l-1) + b^l) for l = 1 ... L;  y = a^L",
    solution="def network(x, Ws, bs):\n    a = x\n    for W, b in zip(Ws, bs):\n        a = sigma(W @ a + b)\n"
             "    return a",
    column_ok=True,
    success="Correct: your loop computes y = sigma(W^L ... sigma(W^1 x + b^1) ... + b^L).")
