"""Interactive figures: controls (sliders, dropdowns) that redraw a figure.

The figure is drawn off screen and shown as a PNG in an Image widget, so it behaves the same in
JupyterLab, in exported HTML and when notebooks are re-executed by tests. An error raised while
drawing is shown in the widget (not lost in a log), and `sweep()` moves every control to its
extremes so that tests can exercise a widget without a browser.
"""
import io
import traceback

import ipywidgets as W
from matplotlib.figure import Figure

from . import plot


def slider(description, min, max, value=None, step=None, integer=False, **kwargs):
    """A labelled slider that redraws when released (not on every pixel of a drag)."""
    cls = W.IntSlider if integer else W.FloatSlider
    if step is None:
        step = 1 if integer else (max - min) / 100
    return cls(description=description, min=min, max=max, step=step,
               value=min if value is None else value, continuous_update=False,
               style={"description_width": "initial"}, layout=W.Layout(width="420px"), **kwargs)


class Interactive(W.VBox):
    """Controls above a figure. `draw(fig, **values)` draws on a fresh matplotlib Figure and may
    return a string, shown as text under the figure.

        Interactive(draw, lr=slider("learning rate eta", 0.001, 1, 0.1))
    """

    def __init__(self, draw, figsize=(6.4, 4.0), dpi=80, **controls):
        self.draw = draw
        self.controls = controls
        self.figsize, self.dpi = figsize, dpi
        self.image = W.Image(format="png", layout=W.Layout(max_width="100%"))
        self.text = W.HTML()
        self.error = W.HTML()
        self.last_error = None
        for control in controls.values():
            control.observe(lambda change: self.update(), names="value")
        panel = W.VBox(list(controls.values()))
        super().__init__([panel, self.error, self.image, self.text])
        self.update()

    @property
    def values(self):
        return {name: c.value for name, c in self.controls.items()}

    def update(self):
        """Redraw with the controls' current values; on error, say so in the widget."""
        plot.use_course_style()
        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        try:
            text = self.draw(fig, **self.values)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png")
            self.image.value = buffer.getvalue()
            self.text.value = "" if text is None else f"<pre style='margin:0'>{text}</pre>"
            self.error.value = ""
            self.last_error = None
        except Exception as exc:  # shown to the learner instead of vanishing into a log
            self.last_error = exc
            where = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self.error.value = (f"<div style='color:#D55E00;border-left:4px solid #D55E00;padding:4px 8px'>"
                                f"<b>Drawing failed:</b> {where}</div>")

    def sweep(self):
        """Move each control to each extreme (and every option of a dropdown), then back.
        Returns the errors met, as strings (empty when all went well)."""
        errors = []
        for name, c in self.controls.items():
            start = c.value
            if hasattr(c, "options"):
                values = list(getattr(c, "options"))
                values = [v[1] if isinstance(v, tuple) else v for v in values]
            elif hasattr(c, "min"):
                values = [c.min, c.max]
            else:
                values = [not start] if isinstance(start, bool) else []
            for v in values:
                c.value = v
                if self.last_error is not None:
                    errors.append(f"{name}={v!r}: {self.last_error!r}")
            c.value = start
        return errors
