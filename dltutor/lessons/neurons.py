"""Notebook 01, neurons and networks: figures, widgets and exercise checks.

    from dltutor.lessons import neurons
    neurons.digit_as_vector(image)          # an MNIST image, binarised, and as 784 numbers
    neurons.draw_network(ax, [2, 2, 2, 2])  # a network diagram (weights and outputs optional)
    neurons.neuron_1d_widget(), neurons.neuron_2d_widget(), neurons.network_widget()
    neurons.check_neuron(fn), neurons.check_layer(fn), neurons.check_network(fn)
"""
import numpy as np

from .. import data, exercises, plot, slides
from .. import widgets as _widgets


def sigma(z):
    """The sigmoid 1 / (1 + e^-z), written so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


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
    ax_vec.legend(loc="upper left", ncols=2, fontsize=8)
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
    import matplotlib as mpl
    import matplotlib.patches as mpatches
    sizes = list(sizes)
    columns = []  # per layer: list of (neuron index, or None for the ellipsis; height y)
    for s in sizes:
        if s <= max_nodes:
            idx = list(range(s))
        else:  # the first and last few neurons, with an ellipsis between
            head = max_nodes // 2
            idx = list(range(head)) + [None] + list(range(s - (max_nodes - 1 - head), s))
        columns.append(idx)
    dy = 1.8 if max(len(idx) for idx in columns) <= 3 else 1.0  # small networks get room for labels
    columns = [list(zip(idx, dy * ((len(idx) - 1) / 2 - np.arange(len(idx))))) for idx in columns]
    x_gap = 2.4 if weights is not None else 1.8
    radius = 0.28

    # Lines first, so the circles sit on top of them.
    for l in range(len(sizes) - 1):
        W = None if weights is None else np.asarray(weights[l])
        for k, yk in columns[l]:
            for j, yj in columns[l + 1]:
                if k is None or j is None:
                    continue
                x0, x1 = l * x_gap, (l + 1) * x_gap
                lw, ls = 0.6, "-"
                if W is not None:
                    w = W[j, k]
                    lw = 0.6 + 1.2 * min(abs(w), 4) / 2
                    ls = "-" if w >= 0 else "--"
                hot = highlight is not None and highlight[0] == "W" and highlight[1:] == (l + 1, j, k)
                ax.plot([x0 + radius, x1 - radius], [yk, yj], color=plot.COLORS[3] if hot else "0.45",
                        linewidth=lw * (2 if hot else 1), linestyle=ls, zorder=1)
                if W is not None:
                    t = 0.27  # label near the line's start, as the slides do
                    ax.text(x0 + radius + t * (x1 - x0 - 2 * radius), yk + t * (yj - yk), f"{W[j, k]:g}",
                            ha="center", va="center", fontsize=8, zorder=3,
                            fontweight="bold" if hot else "normal",
                            bbox=dict(boxstyle="round,pad=0.12", fc="white", ec=plot.COLORS[3] if hot else "none"))

    for l, column in enumerate(columns):
        x = l * x_gap
        for j, y in column:
            if j is None:
                ax.text(x, y, "\u22ee", ha="center", va="center", fontsize=16)
                continue
            v = None if values is None or values[l] is None else float(np.asarray(values[l])[j])
            face = "white"
            text_color = "black"
            if v is not None and l > 0:  # shade outputs of sigmoid neurons (0..1)
                face = mpl.colormaps[plot.CMAP](np.clip(v, 0, 1))
                text_color = "white" if v < 0.55 else "black"
            circle_kw = dict(radius=radius, facecolor=face, edgecolor="black", linewidth=1, zorder=2)
            if l == 0:
                circle_kw.update(facecolor="0.92")
            ax.add_patch(mpatches.Circle((x, y), **circle_kw))
            if v is not None:
                ax.text(x, y, f"{v:.2f}" if l > 0 else f"{v:g}", ha="center", va="center", fontsize=8,
                        color=text_color, zorder=4)
            if l == 0 and input_labels is not None:
                ax.text(x - radius - 0.1, y, input_labels[j], ha="right", va="center", fontsize=9)
            if l == len(columns) - 1 and output_labels is not None:
                ax.text(x + radius + 0.1, y, output_labels[j], ha="left", va="center", fontsize=9)
            if biases is not None and l > 0:
                hot = highlight is not None and highlight[0] == "b" and highlight[1:] == (l, j)
                ax.text(x, y - radius - 0.08, f"b={np.asarray(biases[l - 1])[j]:g}", ha="center", va="top",
                        fontsize=7.5, color=plot.COLORS[3] if hot else "0.25",
                        fontweight="bold" if hot else "normal")
    bottom = min(y for column in columns for _, y in column) - radius - 0.45
    if layer_names is None:
        L = len(sizes) - 1
        layer_names = ["input\nlayer"] + [f"layer {l}\n(hidden)" for l in range(1, L)] + [f"layer {L}\n(output)"]
    for l, name in enumerate(layer_names):
        extra = f"\n{sizes[l]} neurons" if sizes[l] > max_nodes else ""
        if l == 0 and sizes[0] > max_nodes:
            extra = f"\n{sizes[0]} inputs"
        ax.text(l * x_gap, bottom, name + extra, ha="center", va="top", fontsize=9)
    top = max(y for column in columns for _, y in column) + radius + 0.2
    left = -0.8 - (0.9 if input_labels is not None else 0)
    right = (len(sizes) - 1) * x_gap + 0.8 + (1.2 if output_labels is not None else 0)
    ax.set_xlim(left, right)
    ax.set_ylim(bottom - 0.75, top)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


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
        ax.legend(loc="upper left", fontsize=8)
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
        ax.legend(loc="lower left", fontsize=8)
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
        return f"f([{x1:g}, {x2:g}]) = [{y[0]:.2f}, {y[1]:.2f}]{changed}"

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
# Exercise checks
# ---------------------------------------------------------------------------------------------

def _is_close(got, want):
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(want) and np.allclose(got, want, atol=1e-6)


def check_neuron(neuron):
    """neuron(a, w, b) must return sigma(sum_k a_k w_k + b), one number."""
    cases = [  # (a, w, b): the slides' first neuron, then neurons with 2, 3 and 1 inputs
        ([1.0, -1.0], [1.0, -2.0], 1.0),
        ([0.0, 0.0], [-1.0, 1.0], 0.0),
        ([0.5, 2.0, -1.0], [0.2, -0.4, 1.5], -0.3),
        ([2.0], [-3.0], 1.0),
    ]
    problems = []
    for a, w, b in cases:
        a_, w_ = np.array(a), np.array(w)
        z = float(np.sum(a_ * w_) + b)
        what = f"neuron(a={a}, w={w}, b={b})"
        with np.errstate(all="ignore"):
            got, error = exercises.call(what, neuron, a_.copy(), w_.copy(), b)
        if error:
            problems.append(error)
            break
        if got is not None and np.size(got) != 1:
            problems.append(f"{what} returned {np.size(got)} numbers (shape {np.shape(got)}); a neuron has "
                            "one output: add the products up with np.sum")
            break
        if got is not None:
            got = float(np.asarray(got, dtype=np.float64).reshape(-1)[0]) \
                if np.asarray(got).dtype.kind in "biuf" else got
        if _is_close(got, sigma(z)):
            continue  # right
        if _is_close(got, z):
            problems.append(f"{what} returned z = {z:g}; the neuron's output is a = sigma(z) = {sigma(z):.4f}: "
                            "apply the sigmoid at the end")
            break
        if _is_close(got, sigma(z - b)) and b != 0:
            problems.append(f"{what} returned sigma(sum a_k w_k) = {sigma(z - b):.4f}: the bias b is missing")
            break
        problem = exercises.expect_close(what, got, sigma(z), atol=1e-6)
        if problem:
            problems.append(problem + f" (z = {z:g})")
            break
    return exercises.feedback(problems, hint="z = np.sum(a * w) + b, then a = 1 / (1 + np.exp(-z))",
                              success="Correct: your neuron computes a = sigma(sum_k a_k w_k + b).")


def check_layer(layer):
    """layer(a, W, b) must return sigma(W @ a + b): the outputs of all the layer's neurons at once."""
    rng = np.random.default_rng(1)
    cases = [  # the slides' first layer on x = (1, -1), then a layer of 3 neurons with 2 inputs, 2 with 4
        (np.array([1.0, -1.0]), slides.NETWORK["W"][0], slides.NETWORK["b"][0]),
        (np.array([0.5, -2.0]), np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]), np.array([0.0, 1.0, -1.0])),
        (rng.normal(size=4), rng.normal(size=(2, 4)), rng.normal(size=2)),
    ]
    problems = []
    for a, W, b in cases:
        want = sigma(W @ a + b)
        what = f"layer(a, W, b) with W of shape {W.shape}"
        with np.errstate(all="ignore"):
            got, error = exercises.call(what, layer, a.copy(), W.copy(), b.copy())
        if error:
            problems.append(error + (" (W has shape (neurons, inputs): W @ a has one number a neuron)"
                                     if "matmul" in error or "shapes" in error or "broadcast" in error else ""))
            break
        if _is_close(got, want):
            continue  # right
        if W.shape[0] == W.shape[1] and _is_close(got, sigma(W.T @ a + b)):
            problems.append(f"{what} computed sigma(W.T @ a + b); row j of W holds the weights of neuron j, "
                            "so use W @ a")
            break
        if _is_close(got, W @ a + b):
            problems.append(f"{what} returned z = W a + b; apply the sigmoid: a = sigma(z)")
            break
        if _is_close(got, sigma(W @ a)):
            problems.append(f"{what} forgot the biases b")
            break
        problem = exercises.expect_close(what, got, want, atol=1e-6)
        if problem:
            problems.append(problem)
            break
    return exercises.feedback(problems, hint="one line: 1 / (1 + np.exp(-(W @ a + b)))",
                              success="Correct: one matrix product computes every neuron of the layer.")


def check_network(network):
    """network(x, Ws, bs) must apply a = sigma(W a + b) layer after layer and return the last a."""
    rng = np.random.default_rng(2)
    sizes = [3, 4, 5, 4, 2]
    deep_Ws = [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    deep_bs = [rng.normal(size=n_out) for n_out in sizes[1:]]
    cases = [  # the slides' network on its two inputs and a new one, then a deeper, wider network
        ("the slides' network at x = (1, -1)", np.array([1.0, -1.0]), slides.NETWORK["W"], slides.NETWORK["b"]),
        ("the slides' network at x = (0, 0)", np.array([0.0, 0.0]), slides.NETWORK["W"], slides.NETWORK["b"]),
        ("the slides' network at x = (-2, 3)", np.array([-2.0, 3.0]), slides.NETWORK["W"], slides.NETWORK["b"]),
        ("a 3-4-5-4-2 network (4 layers)", rng.normal(size=3), deep_Ws, deep_bs),
    ]
    problems = []
    for what, x, Ws, bs in cases:
        outputs = slides_forward(x, Ws, bs)
        want = outputs[-1]
        with np.errstate(all="ignore"):
            got, error = exercises.call(f"network on {what}", network, x.copy(), [W.copy() for W in Ws],
                                        [b.copy() for b in bs])
        if error:
            problems.append(error)
            break
        if _is_close(got, want):
            continue  # right
        for i, a in enumerate(outputs[:-1], start=1):
            if _is_close(got, a):
                problems.append(f"on {what} you returned the output of layer {i}, not of the last layer "
                                f"(layer {len(Ws)}): loop over all the layers")
                break
        else:
            z_last = Ws[-1] @ (outputs[-2] if len(outputs) > 1 else x) + bs[-1]
            if _is_close(got, z_last):
                problems.append(f"on {what} you returned the last layer's z; apply sigma to it too")
            else:
                problem = exercises.expect_close(f"network on {what}", got, want, atol=1e-6)
                if problem:
                    problems.append(problem)
        if problems:
            break
    return exercises.feedback(problems, hint="a = x; then for W, b in zip(Ws, bs): a = sigma(W @ a + b); return a",
                              success="Correct: your loop computes y = sigma(W^L ... sigma(W^1 x + b^1) ... + b^L).")
