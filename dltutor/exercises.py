"""Checks for the "your turn" exercises: a check says what is right, or what is wrong and a hint.

A lesson's checker collects problems and returns `feedback(problems, hint)`:

    def check_softmax(fn):
        problems = []
        problem = expect_close("softmax([3, 1, -3])", fn([3, 1, -3]), [0.88, 0.12, 0.0], atol=0.01)
        ...
        return feedback(problems, hint="subtract max(z) before exp")
"""
import numpy as np


class Feedback:
    """What a check found. Shown as text; `ok` is True when nothing was wrong."""

    def __init__(self, problems, hint=None, success="Correct"):
        self.problems = [p for p in problems if p]
        self.hint = hint
        self.success = success

    @property
    def ok(self):
        return not self.problems

    def __bool__(self):
        return self.ok

    def __repr__(self):
        if self.ok:
            return f"✅ {self.success}"
        lines = ["❌ Not yet:"] + [f"  - {p}" for p in self.problems]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)


def feedback(problems, hint=None, success="Correct"):
    return Feedback(problems, hint, success)


def expect_close(what, got, want, atol=1e-6, rtol=0.0):
    """None when `got` matches `want` (same shape, close values); else a sentence saying how not."""
    if got is None:
        return f"{what} returned None; did you forget `return`?"
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{what} should be numbers, got {type(got).__name__}"
    want_arr = np.asarray(want, dtype=np.float64)
    if got_arr.shape != want_arr.shape:
        return f"{what} has shape {got_arr.shape}, expected {want_arr.shape}"
    if not np.all(np.isfinite(got_arr)):
        return f"{what} contains NaN or inf: {np.round(got_arr, 4)}"
    if not np.allclose(got_arr, want_arr, atol=atol, rtol=rtol):
        return f"{what} is {np.round(got_arr, 4)}, expected {np.round(want_arr, 4)}"
    return None


def call(what, fn, *args):
    """Run a learner's function; (result, None) or (None, a sentence about the exception)."""
    try:
        return fn(*args), None
    except Exception as exc:  # the learner's code: report, don't crash the check
        return None, f"{what} raised {type(exc).__name__}: {exc}"
