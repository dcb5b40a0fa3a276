"""Interactive figures headless: the widgets whose lesson tests do not sweep them are moved to
every extreme (each control must change the picture); an error while drawing is shown in the
widget; bad controls get a clear error; pictures carry alt text and a natural size; the stored
text of a widget is a sentence."""
import importlib
import inspect
import pkgutil

import ipywidgets as W
import numpy as np
import pytest

import dltutor.lessons
from dltutor import widgets

# Swept by their own lesson's tests (tests/test_lesson_*.py); not swept twice.
SWEPT_ELSEWHERE = {
    "adaptive_lr.surface_widget", "adaptive_lr.rates_widget", "dropout.thinned_network_widget",
    "dropout.overfitting_widget", "gradient_descent.digit_picker_widget",
    "neurons.neuron_1d_widget", "neurons.neuron_2d_widget", "neurons.network_widget",
    "relu_maxout.recipe_widget", "relu_maxout.sigmoids_widget", "relu_maxout.thinner_widget",
    "relu_maxout.maxout_pieces_widget", "relu_maxout.perturb_widget", "softmax.softmax_widget",
    "why_deep.universality_widget",
}


def _builders(skip=SWEPT_ELSEWHERE):
    found = []
    for info in pkgutil.iter_modules(dltutor.lessons.__path__):
        module = importlib.import_module(f"dltutor.lessons.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_widget") and fn.__module__ == module.__name__:
                if f"{info.name}.{name}" not in skip:
                    found.append(pytest.param(fn, id=f"{info.name}.{name}"))
    return found


@pytest.mark.parametrize("build", _builders())
def test_widget_redraws_at_every_extreme(build):
    required = [p for p in inspect.signature(build).parameters.values() if p.default is inspect.Parameter.empty]
    if required:
        pytest.skip(f"needs arguments {[p.name for p in required]}; covered by its lesson's tests")
    w = build()
    assert isinstance(w, widgets.Interactive)
    assert w.last_error is None and w.image.value[:4] == b"\x89PNG"
    for control in w.controls.values():
        assert control.description, "every control needs a description"
    assert w.sweep(require_change=True) == []


def _draw(fig, w, n):
    if n > 3:
        raise ValueError("n too large for this drawing")
    ax = fig.subplots()
    ax.plot(np.arange(5) * w)
    ax.set(title="a line of slope w", xlabel="x", ylabel="y")
    return f"w = {w:.1f} < 2"


def _widget():
    return widgets.Interactive(_draw, w=widgets.slider("w", 0.0, 1.0, 0.5),
                               n=widgets.slider("n", 1, 5, 1, integer=True))


def test_an_error_in_the_callback_is_shown_in_the_widget():
    w = _widget()
    assert w.text.value.endswith("w = 0.5 &lt; 2</pre>")
    png = w.image.value
    w.controls["w"].value = 1.0
    assert w.image.value != png  # moving a slider redraws
    w.controls["n"].value = 5
    assert "n too large for this drawing" in w.error.value and isinstance(w.last_error, ValueError)
    w.controls["n"].value = 2
    assert w.error.value == "" and w.last_error is None  # and recovers
    assert w.sweep() == ["n=5: ValueError('n too large for this drawing')"]


def test_picture_natural_size_hidpi_alt_text_and_state():
    w = _widget()
    assert (w.image.width, w.image.height) == (6.4 * 80 * 2, 4.0 * 80 * 2)  # drawn at 2x
    assert "width='512'" in w.picture.value and "data:image/png;base64," in w.picture.value
    assert w.image.alt == "Figure: a line of slope w. Controls: w = 0.5, n = 1."
    assert "alt='Figure: a line of slope w. Controls: w = 0.5, n = 1.'" in w.picture.value
    assert "aria-live='polite'" in w.state.value and "w = 0.5, n = 1" in w.state.value
    assert "aria-label" in w.picture.value  # the controls get their names on load
    w.controls["w"].value = 0.25
    assert "w = 0.25, n = 1" in w.state.value
    assert all(c.tooltip == c.description for c in w.controls.values())


def test_the_stored_text_is_a_sentence():
    w = _widget()
    assert repr(w) == widgets.REPR
    assert w._repr_mimebundle_()["text/plain"].startswith("Interactive figure: run this cell")


def test_the_layout_is_reused_while_the_axes_stay_the_same():
    w = _widget()
    first = w._fig
    w.controls["w"].value = 0.9
    assert w._fig is first  # same figure, cleared
    assert w.timings and all(t > 0 for t in w.timings)


def _panels(fig, n, log, equal, bar):
    """A drawing whose axes, scale, aspect and colorbar depend on the controls."""
    axes = np.atleast_1d(fig.subplots(1, n))
    x = np.linspace(0.1, 3, 40)
    axes[0].plot(x, np.exp(x), label="exp")
    if log:
        axes[0].set_yscale("log")
    if equal:
        axes[0].set_aspect("equal")
    axes[0].legend()
    axes[0].set(title=f"{n} panels", xlabel="x")
    if bar:
        im = axes[-1].imshow(np.outer(x, x), vmax=9 * bar)
        fig.colorbar(im, ax=axes[-1], label="x y")
    return f"{len(fig.axes)} axes"


def _panels_widget():
    return widgets.Interactive(
        lambda fig, n, log, equal, bar: _panels(fig, n, log == "log", equal == "equal", bar),
        figsize=(6, 3),
        n=widgets.slider("panels", 1, 3, 2, integer=True),
        log=W.Dropdown(options=["linear", "log"], value="linear", description="scale"),
        equal=W.Dropdown(options=["auto", "equal"], value="auto", description="aspect"),
        bar=widgets.slider("colour range", 0, 1, 1, 0.5))


def test_a_redraw_gets_the_same_axes_back_and_draws_what_a_fresh_figure_draws():
    w = _panels_widget()
    axes = list(w._fig.axes)
    assert len(axes) == 3  # two panels and a colorbar
    w.controls["log"].value = "log"
    assert w._fig.axes == axes  # the same objects, emptied and drawn again
    assert w._fig.axes[0].get_yscale() == "log" and len(w._fig.axes[0].lines) == 1
    w.controls["log"].value = "linear"
    assert w._fig.axes[0].get_yscale() == "linear"  # reset, not left from the last drawing
    assert w._differs_from_fresh() == 0.0
    w.controls["n"].value = 3  # other axes: a new figure, laid out again
    assert len(w._fig.axes) == 4 and w.text.value.count("4 axes") == 1
    assert w.sweep(require_change=True) == []  # every state, on reused axes, as on a fresh figure


def test_the_sweep_finds_a_redraw_that_keeps_something_of_the_last_drawing():
    def draw(fig, flip):
        ax = fig.subplots()
        ax.plot([0, 1], [0, 1])
        if flip == "flipped":
            ax.invert_yaxis()  # nothing resets an inverted axis on reused axes
        ax.set_title(flip)

    w = widgets.Interactive(draw, figsize=(3, 2),
                            flip=W.Dropdown(options=["flipped", "upright"], value="upright", description="y axis"))
    errors = w.sweep()
    assert len(errors) == 1 and errors[0].startswith("flip='upright': the picture drawn on the reused axes differs")


def test_axes_made_otherwise_are_not_reused_nor_piled_up():
    def draw(fig, w):
        ax = fig.subplots()
        ax.plot([0, 1], [0, w])
        ax.twinx().plot([0, 1], [1, 0], color="C1")  # a twin: made by matplotlib, not by the drawing

    w = widgets.Interactive(draw, figsize=(3, 2), w=widgets.slider("w", 0, 1, 0.5))
    for value in (0.1, 0.2, 0.3):
        w.controls["w"].value = value
        assert len(w._fig.axes) == 2
    assert w.sweep() == []


def test_a_colorbar_in_axes_of_its_own_is_drawn_afresh_each_time():
    def draw(fig, w):
        ax, cax = fig.subplots(1, 2, width_ratios=[10, 1])
        fig.colorbar(ax.imshow(np.outer(np.arange(5), np.arange(5)) * w), cax)  # cax given by position
        ax.set_title(f"w = {w}")

    w = widgets.Interactive(draw, figsize=(3, 2), w=widgets.slider("w", 0.1, 1, 0.5))
    assert w.last_error is None and len(w._fig.axes) == 2
    assert w.sweep(require_change=True) == []


@pytest.mark.parametrize("call, error, words", [
    (lambda: widgets.Interactive(_draw, w=0.1), TypeError, ["w=", "float", "widgets.slider"]),
    (lambda: widgets.Interactive(_draw, w="fast"), TypeError, ["w=", "str"]),
    (lambda: widgets.Interactive("draw", w=widgets.slider("w", 0, 1)), TypeError, ["draw must be a function"]),
    (lambda: widgets.Interactive(_draw, w=W.FloatSlider()), ValueError, ["description"]),
    (lambda: widgets.slider("w", 1.0, 0.0), ValueError, ["min must not exceed max", "min=1.0", "max=0.0"]),
    (lambda: widgets.slider("w", 0.0, 1.0, 2.0), ValueError, ["value=2.0", "outside"]),
    (lambda: widgets.slider("w", 0.0, 1.0, 0.5, -0.1), ValueError, ["step must be > 0"]),
    (lambda: widgets.slider("w", "0", 1.0), TypeError, ["min must be a finite number"]),
    (lambda: widgets.slider("", 0.0, 1.0), ValueError, ["description"]),
])
def test_misuse_gets_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_switching_back_gets_the_laid_out_figure_of_that_kind_again():
    w = _panels_widget()
    two = w._fig  # two panels and a colorbar
    w.controls["n"].value = 3
    three = w._fig
    assert three is not two and len(three.axes) == 4
    for n, fig in [(2, two), (3, three), (2, two)]:
        w.controls["n"].value = n
        assert w._fig is fig and len(fig.axes) == n + 1  # the same laid-out figure, drawn again
        assert w._differs_from_fresh() == 0.0
    w.controls["log"].value = "log"  # a change within one kind keeps its figure
    assert w._fig is two and w._fig.axes[0].get_yscale() == "log"
    w.controls["log"].value = "linear"


def _share_differing(a, b):
    return float(np.mean(np.any(np.abs(a.astype(int) - b) > 2, axis=2)))


def _painted_and_drawn(fig):
    """The canvas after fig.paint(), and after a full canvas.draw() of the same figure."""
    fig.paint()
    painted = np.asarray(fig.canvas.buffer_rgba()).copy()
    fig.canvas.draw()
    return painted, np.asarray(fig.canvas.buffer_rgba())


def test_paint_keeps_unchanged_frames_and_draws_what_a_full_draw_draws(monkeypatch):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    with widgets.mpl.rc_context(widgets.DRAWING_RC):
        fig = widgets.ReusedFigure(figsize=(6, 2.5), dpi=80, layout="constrained")
        FigureCanvasAgg(fig)
        bars, curve, image = fig.subplots(1, 3)
    image.grid(True)  # a grid over the image: its frame cannot be drawn first
    bars.bar([0, 1, 2], [3, 1, 2])  # bars over the grid
    line, = curve.plot([0, 1], [0, 1])
    image.imshow(np.arange(12.0).reshape(3, 4))  # zorder 0, under the grid: drawn with its data
    fig.canvas.draw()
    fig.set_layout_engine("none")
    drawn = []
    monkeypatch.setattr(widgets, "_draw_frame", lambda ax, r, draw=widgets._draw_frame: drawn.append(ax) or draw(ax, r))
    painted, full = _painted_and_drawn(fig)
    assert set(drawn) == {bars, curve}  # first paint: every frame it keeps, not the image's
    assert image not in fig._frames and _share_differing(painted, full) < 1e-4

    drawn.clear()
    line.set_ydata([0, 5])
    curve.relim()
    curve.autoscale_view()  # new limits and tick labels in one axes only
    bars.patches[0].set_height(1)
    painted, full = _painted_and_drawn(fig)
    assert drawn == [curve] and _share_differing(painted, full) < 1e-4  # the bars' frame was kept

    drawn.clear()
    bars.patches[1].set_height(2.5)  # only data: no frame drawn at all
    painted, full = _painted_and_drawn(fig)
    assert drawn == [] and _share_differing(painted, full) < 1e-4


@pytest.mark.parametrize("channels, mode", [(4, "RGBA"), (3, "RGB")])
def test_png_bytes_keeps_every_pixel(channels, mode):
    import io

    from PIL import Image
    pixels = np.random.default_rng(0).integers(0, 256, size=(7, 5, channels), dtype=np.uint8)
    pixels[:3] = 255  # flat rows too, as in a figure
    png = widgets.png_bytes(pixels)
    decoded = Image.open(io.BytesIO(png))
    assert decoded.mode == mode and decoded.size == (5, 7)
    assert np.array_equal(np.asarray(decoded), pixels)


def _titles(fig, renderer):
    return [ax.title.get_window_extent(renderer).bounds for ax in fig.axes if ax.get_title()]


@pytest.mark.parametrize("build", _builders(skip=()))
def test_titles_stand_where_matplotlib_would_place_them(build):
    """DRAWING_RC sets the titles at the top of their axes without measuring the tick labels:
    the same place as matplotlib's own placement when nothing stands above the axes."""
    if any(p.default is inspect.Parameter.empty for p in inspect.signature(build).parameters.values()):
        pytest.skip("needs arguments; covered by its lesson's tests")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    w = build()
    fig = Figure(figsize=w.figsize, dpi=w.dpi * widgets.SCALE)
    FigureCanvasAgg(fig)
    w.draw(fig, **w.values)  # matplotlib's defaults: titles placed by measuring what is below them
    for ax, position in zip(fig.axes, w._layout[1]):
        ax.set_position(position)
    fig.canvas.draw()
    expected = _titles(fig, fig.canvas.get_renderer())
    assert expected and np.allclose(_titles(w._fig, w._fig.canvas.get_renderer()), expected, atol=0.5)
