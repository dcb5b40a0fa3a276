"""Interactive figures: controls (sliders, dropdowns) that redraw a figure.

The figure is drawn off screen and shown as a PNG, so it behaves the same in JupyterLab, in
exported HTML and when notebooks are re-executed by tests. An error raised while drawing is shown
in the widget (not lost in a log), and `sweep()` moves every control to its extremes so that tests
can exercise a widget without a browser.

Fast redraws: each widget keeps a matplotlib Figure (a ReusedFigure) for each kind of drawing it
made (e.g. 2 or 3 panels). A drawing that asks for the same axes as the last one on that figure gets
them back, emptied, instead of new ones (making axes and their ticks was about half of a redraw);
the constrained layout is computed once a kind and reused; the pixels of each axes' frame (its
background, ticks, tick labels, axis labels and grid, drawn under the data) are kept while the frame
stays the same, so a redraw draws only the data and the frames that changed (`ReusedFigure.paint`);
the picture is encoded as a PNG with unfiltered rows at a low zlib level. `sweep()` checks that
each picture drawn this way is the one a fresh figure would show. The picture is drawn at twice its
CSS size and shown at its natural size (crisp on a HiDPI screen, never stretched).

Accessible: every control has a name (its description, also given to screen readers as
aria-label), the picture has alt text naming what it shows and the controls' values, and a text
line describes the state for those who cannot see the picture.
"""
import base64
import html
import numbers
import struct
import time
import traceback
import zlib
from contextlib import contextmanager

import ipywidgets as W
import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colorbar import Colorbar
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from . import plot

CSS_DPI = 80  # CSS pixels per inch of figsize: a 6.4-inch figure shows 512 px wide
SCALE = 2     # drawn at twice the CSS size, for HiDPI screens
PNG_LEVEL = 1  # zlib level: 1 encodes several times faster than matplotlib's default 6
# Titles at the top of their axes, where matplotlib would put them anyway (no widget has ticks
# above an axes): placing them by measuring the tick labels cost a tenth of a redraw. Grid and
# ticks under the data: an axes' frame is then drawn before all its data, and can be kept (paint).
DRAWING_RC = {"axes.titley": 1.0, "axes.axisbelow": True}
FIGURES_KEPT = 4  # laid-out figures a widget keeps, one per kind of drawing (a few MB each)
FRESH_TOLERANCE = 5e-4  # share of pixels a redraw may differ in from a fresh drawing (antialiasing)

REPR = "Interactive figure: run this cell to use its controls (the picture redraws as you move them)."

# Run by the browser each time a picture loads: gives every slider handle, readout and dropdown
# of this widget the name written beside it, so that a screen reader says "weight w, slider".
_LABEL_CONTROLS = (
    "var box=this.closest('.dltutor-interactive');if(!box)return;"
    "box.querySelectorAll('.widget-slider,.widget-dropdown').forEach(function(c){"
    "var l=c.querySelector('.widget-label');var n=l?l.textContent.trim():'';if(!n)return;"
    "c.querySelectorAll('.noUi-handle,select,.widget-readout').forEach(function(e){"
    "e.setAttribute('aria-label',n);});});"
)


def _check_number(name, value, fn="slider"):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{fn}(): {name} must be a finite number, got {value!r}")


def slider(description, min, max, value=None, step=None, integer=False, **kwargs):
    """A labelled slider that redraws when released (not on every pixel of a drag).

        slider("learning rate eta", 0.001, 1, 0.1)         # description, min, max, start value
        slider("number of steps", 1, 100, 20, integer=True)
    """
    _check_slider(description, min, max, value)
    if step is None:
        step = 1 if integer else (max - min) / 100 or 1
    _check_number("step", step)
    if step <= 0:
        raise ValueError(f"slider({description!r}): step must be > 0, got {step!r}")
    cls = W.IntSlider if integer else W.FloatSlider
    return cls(description=description, min=min, max=max, step=step,
               value=min if value is None else value, continuous_update=False,
               style={"description_width": "initial"}, layout=W.Layout(width="420px"),
               tooltip=description, **kwargs)


def _check_slider(description, min, max, value):
    """Errors that say what to fix: a name, numbers, min <= value <= max."""
    if not isinstance(description, str) or not description.strip():
        raise ValueError(f"slider(): description must be a non-empty text naming the control "
                         f"(read by screen readers too), got {description!r}")
    for name, v in (("min", min), ("max", max)):
        _check_number(name, v)
    if min > max:
        raise ValueError(f"slider({description!r}): min must not exceed max, got min={min!r} > "
                         f"max={max!r}; swap them")
    if value is not None:
        _check_number("value", value)
        if not min <= value <= max:
            raise ValueError(f"slider({description!r}): value={value!r} lies outside "
                             f"[min, max] = [{min!r}, {max!r}]")


def _format(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, tuple):
        return ", ".join(_format(v) for v in value)
    return str(value)


class _Again(Exception):
    """A drawing asked for other axes than the last one did: it is drawn again on a cleared figure.
    `first` is the drawing's first call when that is the one that differed (else None)."""

    def __init__(self, first=None):
        super().__init__()
        self.first = first


def _key(name, args, kwargs):
    """A call's arguments in a form that compares between drawings (an artist by identity)."""
    def one(value):
        return ("artist", id(value)) if isinstance(value, Artist) else repr(value)
    return name, tuple(one(a) for a in args), tuple((k, one(v)) for k, v in sorted(kwargs.items()))


def empty(ax):
    """Remove what was drawn on `ax` and reset what a drawing sets (titles, labels, limits, scales,
    aspect, colours, grid), keeping the axes and their ticks: much cheaper than ax.clear()."""
    for artists in (ax.lines, ax.collections, ax.patches, ax.images, ax.texts, ax.tables, ax.artists):
        for artist in list(artists):
            artist.remove()
    ax.containers.clear()
    if ax.legend_ is not None:
        ax.legend_.remove()
    for loc in ("left", "center", "right"):
        ax.set_title("", loc=loc)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.dataLim = Bbox.null()
    ax.ignore_existing_data_limits = True
    ax.set_autoscale_on(True)
    ax.set_prop_cycle(None)
    ax.set_xscale("linear")  # also resets the tick locators and formatters
    ax.set_yscale("linear")
    ax.set_aspect("auto")
    ax.set_axis_on()
    ax.grid(mpl.rcParams["axes.grid"], which=mpl.rcParams["axes.grid.which"],
            axis=mpl.rcParams["axes.grid.axis"])


def _frame_key(ax, renderer):
    """What the frame of `ax` shows (place, background, ticks, tick labels, axis labels, grid):
    a redraw whose frame has the same key can keep the frame's pixels."""
    locator = ax.get_axes_locator()  # placed as Axes.draw places it (a colorbar has a locator)
    ax.apply_aspect(locator(ax, renderer) if locator else None)
    key = [tuple(ax.get_position(original=False).bounds), ax.axison, ax.get_frame_on(), ax.patch.get_facecolor()]
    for axis in (ax.xaxis, ax.yaxis) if ax.axison else ():
        # the ticks Axis.draw will draw, with their labels (matplotlib has no public call for it)
        ticks = axis._update_ticks() if axis.get_visible() else []
        key += [axis.get_visible(), axis.get_scale(), tuple(axis.get_view_interval()),
                repr(sorted(axis.get_tick_params().items())), axis.major.formatter.get_offset(),
                tuple((t.get_loc(), t.label1.get_text(), t.label2.get_text()) for t in ticks),
                (axis.label.get_text(), axis.label.get_visible(), axis.label.get_color())]
    return tuple(key)


def _frame(ax):
    """The artists of an axes' frame: its background and its two axes (ticks, labels, grid)."""
    return [ax.patch, ax.xaxis, ax.yaxis]


def _draw_frame(ax, renderer):
    if ax.axison and ax.get_frame_on():  # as Axes.draw does
        ax.patch.draw(renderer)
    if ax.axison:
        ax.xaxis.draw(renderer)
        ax.yaxis.draw(renderer)


def _frame_extent(ax, renderer):
    """The frame's bounding box in pixels, a little wider for antialiased edges."""
    boxes = [ax.bbox] + [axis.get_tightbbox(renderer) for axis in (ax.xaxis, ax.yaxis) if ax.axison]
    return Bbox.union([b for b in boxes if b is not None and b.width > 0]).padded(2)


def _below_the_frame(ax):
    """True if the axes holds data drawn under its grid or inward ticks: its frame cannot be drawn
    first (an image has zorder 0, under the grid's 0.5)."""
    for axis in (ax.xaxis, ax.yaxis):
        params = axis.get_tick_params()
        inward = params.get("direction", mpl.rcParams[f"{axis.axis_name}tick.direction"]) != "out"
        if params.get("gridOn") or inward:
            if any(a.get_zorder() < axis.get_zorder() for a in ax.get_children() if a not in _frame(ax)):
                return True
    return False


@contextmanager
def _hidden(artists):
    shown = [a for a in artists if a.get_visible()]
    for a in shown:
        a.set_visible(False)
    try:
        yield
    finally:
        for a in shown:
            a.set_visible(True)


class ReusedFigure(Figure):
    """A Figure whose axes serve the next drawing too. When a drawing makes the same calls as the
    last one (subplots, add_gridspec, add_subplot, colorbar), in the same order and with the same
    arguments, each call hands back what it made last time, emptied; a call that differs raises
    _Again. `start(reuse)` gets the figure ready for a drawing, `finish()` checks it afterwards."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._calls, self._last = [], None  # [(key, what was made)] of this and the last drawing
        self._inside = False  # in one of our calls: matplotlib's own calls are not recorded
        self._frames, self._background = {}, None  # {axes: (key, extent)} of the pixels kept

    def paint(self):
        """Render the canvas as canvas.draw() would, keeping the pixels of each axes' frame
        (background, ticks, tick labels, axis labels, grid) while it is unchanged: frames were about
        half of a redraw. Only the data, and the frames that changed, are drawn."""
        renderer = self.canvas.get_renderer()
        keys = {ax: _frame_key(ax, renderer) for ax in self.axes if not _below_the_frame(ax)}
        size = self.canvas.get_width_height()
        kept = self._background is not None and self._background[0] == size
        if kept:
            self.canvas.restore_region(self._background[1])
        if not kept or not self._redraw_frames(renderer, keys, self._changed(keys)):
            self._draw_frames(renderer, keys)
        self._background = (size, self.canvas.copy_from_bbox(self.bbox))
        with _hidden([self.patch] + [artist for ax in self._frames for artist in _frame(ax)]):
            self.draw(renderer)

    def _changed(self, keys):
        """The axes whose frame is not the one kept: new, gone, or with another key."""
        return [ax for ax in {**keys, **self._frames}
                if ax not in self._frames or keys.get(ax) != self._frames[ax][0]]

    def _draw_frames(self, renderer, keys):
        """All frames afresh: those that touch another axes are left to be drawn with their data."""
        renderer.clear()
        self.patch.draw(renderer)
        extents = {ax: _frame_extent(ax, renderer) for ax in keys}
        others = {ax: extents.get(ax, ax.bbox) for ax in self.axes}
        self._frames = {}
        for ax, extent in extents.items():
            if not any(extent.overlaps(box) for other, box in others.items() if other is not ax):
                _draw_frame(ax, renderer)
                self._frames[ax] = (keys[ax], extent)

    def _redraw_frames(self, renderer, keys, changed):
        """Blank the changed frames' old pixels and draw them anew; False (nothing drawn) when a
        changed frame would touch another axes."""
        extents = {ax: _frame_extent(ax, renderer) for ax in changed if ax in keys}
        if self._touching(extents, keys, changed):
            return False
        for ax in changed:
            if ax in self._frames:
                self._blank(self._frames.pop(ax)[1])
            if ax in extents:
                _draw_frame(ax, renderer)
                self._frames[ax] = (keys[ax], extents[ax])
        return True

    def _touching(self, extents, keys, changed):
        """True if a new frame's box overlaps another frame kept, or another axes."""
        others = [box for ax, (_, box) in self._frames.items() if ax not in changed]
        others += [ax.bbox for ax in self.axes if ax not in keys and ax not in self._frames]
        boxes = others + list(extents.values())
        return any(sum(box.overlaps(other) for other in boxes) > 1 for box in extents.values())

    def _blank(self, box):
        """Paint a box of the canvas (in pixels, y up) in the figure's background colour."""
        pixels, height = np.asarray(self.canvas.buffer_rgba()), self.canvas.get_width_height()[1]
        (x0, y0), (x1, y1) = np.floor(box.get_points()).astype(int)
        pixels[max(0, height - y1 - 1):max(0, height - y0), max(0, x0):max(0, x1 + 1)] = \
            np.round(np.array(mpl.colors.to_rgba(self.get_facecolor())) * 255)

    def start(self, reuse=True):
        handed = self._handed()
        reuse = reuse and handed and {id(ax) for ax in self.axes} == {id(ax) for ax in handed}
        self._last, self._calls = (self._calls if reuse else None), []
        if not reuse:
            self.clear()
            return
        for ax in self.axes:
            empty(ax)
        if self._suptitle is not None:
            self._suptitle.set_text("")
        for artist in [*self.texts, *self.legends, *self.images, *self.lines, *self.patches]:
            artist.remove()

    def finish(self):
        """After a drawing: raise _Again if it asked for less than the last one (axes would be left)."""
        if self._last is not None and len(self._calls) < len(self._last):
            raise _Again

    def abandon(self):
        """After _Again: keep the calls of the last complete drawing, so that the next drawing of that
        kind still gets these axes back."""
        if self._last is not None:
            self._calls = self._last

    def first_call(self):
        """The first call (subplots, add_gridspec, ...) of the drawing these axes were made for."""
        return self._calls[0][0] if self._calls else None

    def _handed(self):
        """The axes that the recorded calls made (reuse is safe only if they are all of them)."""
        axes = []
        for _, made in self._calls:
            if isinstance(made, Colorbar):
                axes.append(made.ax)
            elif isinstance(made, Axes):
                axes.append(made)
            elif isinstance(made, np.ndarray):
                axes.extend(made.flat)
        return axes

    def _call(self, key, make):
        if self._inside:
            return make()
        if self._last is not None:
            i = len(self._calls)
            if i >= len(self._last) or self._last[i][0] != key:
                raise _Again(key if i == 0 else None)
            self._calls.append(self._last[i])
            return self._last[i][1]
        self._inside = True
        try:
            made = make()
        finally:
            self._inside = False
        self._calls.append((key, made))
        return made

    def subplots(self, *args, **kwargs):
        return self._call(_key("subplots", args, kwargs), lambda: super(ReusedFigure, self).subplots(*args, **kwargs))

    def add_gridspec(self, *args, **kwargs):
        return self._call(_key("add_gridspec", args, kwargs),
                          lambda: super(ReusedFigure, self).add_gridspec(*args, **kwargs))

    def add_subplot(self, *args, **kwargs):
        where = tuple(a.get_geometry() if hasattr(a, "get_geometry") else a for a in args)  # a grid's cell
        return self._call(_key("add_subplot", where, kwargs),
                          lambda: super(ReusedFigure, self).add_subplot(*args, **kwargs))

    def colorbar(self, mappable, *args, **kwargs):
        """fig.colorbar(mappable, ax=ax, label=...); drawn again, the bar is made anew in its old axes."""
        if args or set(kwargs) - {"ax", "label"}:  # other options are not reused: a cleared figure each time
            self._calls.append((object(), None))
            return super().colorbar(mappable, *args, **kwargs)
        reused = self._last is not None and not self._inside
        bar = self._call(_key("colorbar", (), kwargs), lambda: super(ReusedFigure, self).colorbar(mappable, **kwargs))
        if not reused:
            return bar
        empty(bar.ax)
        bar.ax.grid(False)  # as in a new colorbar's axes
        bar = Colorbar(bar.ax, mappable, **{k: v for k, v in kwargs.items() if k == "label"})
        self._calls[-1] = (self._calls[-1][0], bar)
        return bar


def png_bytes(pixels):
    """A PNG of a uint8 image (height, width, 3) RGB or (height, width, 4) RGBA, values 0-255.
    Rows unfiltered and zlib level 1: a figure is mostly flat colour, which zlib packs about as
    small as with PNG's row filters, and this encodes about twice as fast as PIL's PNG writer at its
    fastest level. RGBA is kept as it is: dropping the alpha byte of each pixel is a gather that
    cost as much as the compression (the PNG is about 13% larger)."""
    height, width, channels = pixels.shape
    rows = np.empty((height, 1 + channels * width), dtype=np.uint8)  # each row: filter type 0, then the pixels
    rows[:, 0] = 0
    rows[:, 1:] = pixels.reshape(height, channels * width)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    colour = {3: 2, 4: 6}[channels]  # PNG colour types: RGB, RGBA
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)  # 8 bits, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, PNG_LEVEL)) + chunk(b"IEND", b""))


def _signature(fig):
    """The kind and grid cell of each axes: the constrained layout is reused while it is the same."""
    return tuple((type(ax).__name__, ax.get_subplotspec().get_geometry()
                  if ax.get_subplotspec() is not None else None) for ax in fig.axes)


class Picture:
    """The last picture drawn: `value` (PNG bytes), its size in pixels and its alt text."""

    def __init__(self):
        self.value, self.width, self.height, self.alt = b"", 0, 0, ""


class Interactive(W.VBox):
    """Controls above a figure. `draw(fig, **values)` draws on an empty matplotlib Figure and may
    return a string, shown as text under the figure.

        Interactive(draw, lr=slider("learning rate eta", 0.001, 1, 0.1))

    `timings` holds the seconds each redraw took (drawing, rendering, encoding).
    """

    def __init__(self, draw, figsize=(6.4, 4.0), dpi=CSS_DPI, **controls):
        if not callable(draw):
            raise TypeError(f"Interactive(draw, ...): draw must be a function draw(fig, **values), "
                            f"got {type(draw).__name__} {draw!r}")
        for name, control in controls.items():
            if not isinstance(control, W.ValueWidget):
                raise TypeError(
                    f"Interactive(draw, {name}=...): each control must be a widget, such as "
                    f"widgets.slider({name!r}, 0, 1, 0.5) or a Dropdown; {name} got "
                    f"{type(control).__name__} {control!r}")
            if not getattr(control, "description", ""):
                raise ValueError(f"Interactive(draw, {name}=...): the control needs a description "
                                 f"(its visible and spoken name)")
            if getattr(control, "tooltip", None) in (None, ""):
                control.tooltip = control.description
        self.draw = draw
        self.controls = controls
        self.figsize, self.dpi = tuple(figsize), dpi
        self.image = Picture()
        self.picture = W.HTML()
        self.text = W.HTML()
        self.state = W.HTML()
        self.error = W.HTML()
        self.last_error = None
        self.timings = []
        self._fig = None  # the figure shown, once a drawing succeeded
        self._layout = None  # (axes signature, their positions) from the last constrained layout
        # one laid-out figure per kind of drawing (e.g. 2 or 3 panels), the shown one first: a
        # dropdown that switches between them gets a laid-out figure back instead of a new layout
        self._figures = []
        for control in controls.values():
            control.observe(lambda change: self.update(), names="value")
        panel = W.VBox(list(controls.values()))
        super().__init__([panel, self.error, self.picture, self.text, self.state])
        self.add_class("dltutor-interactive")
        self.update()

    def __repr__(self):
        return REPR

    @property
    def values(self):
        return {name: c.value for name, c in self.controls.items()}

    def describe(self):
        """The controls' values in words: 'weight w = 1, bias b = 0'."""
        return ", ".join(f"{c.description} = {_format(c.value)}" for c in self.controls.values())

    def _render(self):
        """Draw on a figure of an earlier picture, on its own axes again when the drawing asks for
        the same ones, placed where its constrained layout put them: first the shown figure, then
        the others kept. New axes are laid out afresh, on a new figure (the constrained layout of a
        cleared one can be stale)."""
        first = None  # the drawing's first call, once a figure was made by another
        for fig, layout in list(self._figures):
            if first is not None and fig.first_call() != first:
                continue  # made by another first call: the drawing would stop there too
            fig.set_layout_engine("none")
            try:
                fig.start(reuse=True)
                text = self.draw(fig, **self.values)
                fig.finish()
            except _Again as again:
                fig.abandon()  # its axes wait for a drawing of their kind
                first = first or again.first
                continue
            self._figures.remove((fig, layout))  # kept again below, unless its axes changed
            if layout[0] == _signature(fig):
                for ax, position in zip(fig.axes, layout[1]):
                    ax.set_position(position)
                fig.paint()
                self._show(fig, layout)
                return text
        fig = self._new_figure()
        fig.set_layout_engine("constrained")
        text = self.draw(fig, **self.values)
        fig.get_layout_engine().execute(fig)  # placed once; painted as the redraws will be
        fig.set_layout_engine("none")
        fig.paint()
        self._show(fig, (_signature(fig), [ax.get_position() for ax in fig.axes]))
        return text

    def _show(self, fig, layout):
        """fig is the figure shown; kept first, with at most FIGURES_KEPT laid-out figures."""
        self._fig, self._layout = fig, layout
        self._figures = [(fig, layout)] + [f for f in self._figures if f[0] is not fig][:FIGURES_KEPT - 1]

    def _new_figure(self):
        fig = ReusedFigure(figsize=self.figsize, dpi=self.dpi * SCALE)
        FigureCanvasAgg(fig)
        return fig

    def _titles(self):
        titles = [self._fig._suptitle.get_text()] if self._fig._suptitle is not None else []
        titles += [ax.get_title() for ax in self._fig.axes if ax.get_title()]
        return "; ".join(t.replace("$", "") for t in titles if t)

    def update(self):
        """Redraw with the controls' current values; on error, say so in the widget."""
        start = time.perf_counter()
        plot.use_course_style()
        try:
            with mpl.rc_context(DRAWING_RC):
                text = self._render()
            width, height = self._fig.canvas.get_width_height()
            png = png_bytes(np.asarray(self._fig.canvas.buffer_rgba()))
            titles = self._titles()
            alt = f"Figure: {titles}. Controls: {self.describe()}." if titles else \
                f"Figure for {self.describe()}."
            self.image.value, self.image.width, self.image.height, self.image.alt = png, width, height, alt
            css_width = round(width / SCALE)
            self.picture.value = (
                f"<img src='data:image/png;base64,{base64.b64encode(png).decode('ascii')}' "
                f"alt='{html.escape(alt, quote=True)}' width='{css_width}' "
                f"style='max-width:100%;height:auto;display:block' onload=\"{_LABEL_CONTROLS}\">")
            self.text.value = "" if text is None else (
                "<pre style='margin:0;white-space:pre-wrap;word-break:normal;overflow-wrap:normal'>"
                f"{html.escape(str(text), quote=False)}</pre>")
            self.state.value = (f"<div aria-live='polite' style='position:absolute;left:-10000px;"
                                f"width:1px;height:1px;overflow:hidden'>{html.escape(alt)}</div>")
            self.error.value = ""
            self.last_error = None
        except Exception as exc:  # shown to the learner instead of vanishing into a log
            self.last_error = exc
            where = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self.error.value = (f"<div role='alert' style='color:#D55E00;border-left:4px solid #D55E00;"
                                f"padding:4px 8px'><b>Drawing failed:</b> {html.escape(where)}</div>")
        self.timings.append(time.perf_counter() - start)

    def sweep(self, require_change=False):
        """Move each control to each extreme (and every option of a dropdown), then back.
        Returns the errors met, as strings (empty when all went well): a drawing that fails, or a
        picture on the reused axes that is not the one a fresh figure shows. With require_change,
        a control whose extremes draw the same picture is an error too."""
        return [error for name, c in self.controls.items()
                for error in self._sweep_control(name, c, require_change)]

    def _sweep_control(self, name, c, require_change):
        start, errors, pictures = c.value, [], set()
        values = _extremes(c)
        for v in values:
            c.value = v
            if self.last_error is not None:
                errors.append(f"{name}={v!r}: {self.last_error!r}")
                continue
            share = self._differs_from_fresh()
            if share > FRESH_TOLERANCE:
                errors.append(f"{name}={v!r}: the picture drawn on the reused axes differs from a fresh "
                              f"drawing in {share:.2%} of its pixels")
            pictures.add(self.image.value + self.text.value.encode())
        if require_change and len(values) > 1 and len(pictures) < 2:
            errors.append(f"{name}: the picture is the same at {values[0]!r} and {values[-1]!r}")
        c.value = start
        return errors

    def _differs_from_fresh(self):
        """The share of pixels in which the last picture differs from the same values drawn on a
        new figure (new axes) at the same positions."""
        fig = self._new_figure()
        fig.set_layout_engine("none")
        with mpl.rc_context(DRAWING_RC):
            self.draw(fig, **self.values)
            for ax, position in zip(fig.axes, self._layout[1]):
                ax.set_position(position)
            fig.canvas.draw()
        fresh, shown = np.asarray(fig.canvas.buffer_rgba()), np.asarray(self._fig.canvas.buffer_rgba())
        if fresh.shape != shown.shape:
            return 1.0
        return float(np.any(np.abs(fresh.astype(int) - shown) > 2, axis=2).mean())


def _extremes(control):
    """The values a sweep sets: every option of a dropdown, a slider's min and max, a checkbox's
    other state."""
    if hasattr(control, "options"):
        return [v[1] if isinstance(v, tuple) else v for v in control.options]
    if hasattr(control, "min"):
        return [control.min, control.max]
    return [not control.value] if isinstance(control.value, bool) else []
