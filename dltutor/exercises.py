"""Checks for the "your turn" exercises, in steps: what is wrong first, the formula and the
solution only when the learner asks.

An exercise is a table, not control flow: a reference answer, the cases to try, and the typical
mistakes, each a wrong function that the learner's answer can be recognised by.

    check_softmax = Exercise(
        "softmax(z)",
        reference=lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
        cases=[Case("z = (3, 1, -3)", [3.0, 1.0, -3.0]), Case("z = (1000, 0)", [1000.0, 0.0])],
        mistakes=[Mistake("exp(z) overflows for z > 709", like=naive_softmax,
                          nudge="softmax does not change if you subtract one number from every z_i")],
        nudge="each output is e^z_i divided by the sum of all of them",
        formula="y_i = e^(z_i - max z) / sum_j e^(z_j - max z)",
        solution="def softmax(z):\n    e = np.exp(z - np.max(z))\n    return e / np.sum(e)")

    check_softmax(softmax)            # level 1: the first failing case, the mistake named, a nudge
    check_softmax(softmax, hint=2)    # ... and the formula
    check_softmax(softmax, hint=3)    # ... and the solution
    f = check_softmax.use(softmax, fallback=nn.softmax)   # the learner's, once it passes; else the package's

Answers are compared with a tolerance that fits their dtype (float32 answers are fine), after
turning lists and tuples into arrays, so a loop, a list or a vectorised answer all pass.
"""
import numpy as np

#: (rtol, atol) for an answer of this precision: float32 keeps about 7 significant digits.
TOLERANCE = {np.dtype(np.float64): (1e-7, 1e-10), np.dtype(np.float32): (2e-5, 1e-6)}


def _shape_problem(values, want_arr):
    if want_arr.ndim == 0:
        return f"has shape {values.shape}, expected one number"
    if values.ndim == 0:
        return f"is one number ({_show(values)}), expected an array of shape {want_arr.shape}"
    return f"has shape {values.shape}, expected {want_arr.shape}"


def _largest_difference(values, want_arr, close):
    """' (the largest difference: element [i, j] is ..., expected ...)' among the elements not close."""
    gap = np.where(close, -1.0, np.nan_to_num(np.abs(values - want_arr), nan=np.inf))
    i = np.unravel_index(np.argmax(gap), gap.shape)
    index = ", ".join(str(int(j)) for j in i)
    return (f" (the largest difference: element [{index}] is {_show(values[i], want_arr[i])}, "
            f"expected {_show(want_arr[i], values[i])})")


class NotDone(Exception):
    """Raised by a placeholder: the learner has not written the answer yet."""


class NotAnAnswer(Exception):
    """Raised by a checker's own test of the answer's form (e.g. a weight of the wrong shape): its
    message is reported as it is, not as an exception of the learner's code."""


class Feedback:
    """What a check found. Shown as text; `ok` (and bool) is True when nothing was wrong."""

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
            lines.append(self.hint)
        return "\n".join(lines)


class Case:
    """One input to try: `label` says it in words (e.g. "z = (1000, 0)"), `args` are passed to the
    learner's function. `want` is the right answer; None: the exercise's reference computes it."""

    def __init__(self, label, *args, want=None):
        self.label, self.args, self.want = label, args, want


class Mistake:
    """A typical wrong answer, recognised when the learner's result matches what `like(*args)`
    gives (or when `when(got, case)` is True). `name` says what the learner did; `nudge` what to
    think about, without the answer."""

    def __init__(self, name, like=None, when=None, nudge=""):
        if (like is None) == (when is None):
            raise ValueError("a Mistake needs exactly one of like= (a wrong function) or when= (a test)")
        self.name, self.like, self.when, self.nudge = name, like, when, nudge

    def matches(self, got, case, compare):
        if self.when is not None:
            try:
                return bool(self.when(got, case))
            except Exception:  # a test written for another shape of answer: not this mistake
                return False
        try:
            wrong = self.like(*case.args)
        except Exception:
            return False
        return compare(got, wrong) is None


NO_RETURN, NOT_NUMBERS = "returned None", "should be numbers"  # answers that are no numbers at all


class Exercise:
    """A checker: call it with the learner's function (or value) to get Feedback.

    reference(*args): the right answer for a case. cases: the Cases, the slides' own first.
    mistakes: Mistakes, the most common first. nudge: level 1, no answer in it. formula: level 2.
    solution: level 3, the code. rtol, atol: widen the dtype's tolerance where the formula allows
    it (e.g. an eps of up to 1e-6). outputs: names of the parts when the answer is a tuple.
    is_function=False: the learner gives a value (a number, a list), not a function.
    column_ok=True: a vector may come back as a column (n, 1) or a row (1, n), where the task allows it.
    """

    def __init__(self, what, reference, cases, mistakes=(), nudge="", formula="", solution="",
                 rtol=0.0, atol=0.0, outputs=None, is_function=True, success="Correct", column_ok=False):
        self.column_ok = column_ok
        self.what, self.reference, self.cases = what, reference, list(cases)
        self.mistakes, self.nudge, self.formula = list(mistakes), nudge, formula
        self.solution_code, self.rtol, self.atol = solution, rtol, atol
        self.outputs, self.is_function, self.success = outputs, is_function, success

    # -- comparing ------------------------------------------------------------------------------
    def compare(self, got, want):
        """None when `got` matches `want`; else a sentence saying how it differs."""
        if isinstance(want, tuple):
            return self._compare_parts(got, want)
        if got is None:
            return f"{NO_RETURN}: did you forget `return`?"
        values = numbers(got)
        if values is None:
            return f"{NOT_NUMBERS}, got {_describe(got)}"
        return self._compare_numbers(values, np.asarray(want, dtype=np.float64), np.asarray(got).dtype)

    def _compare_parts(self, got, want):
        """An answer of several parts (a tuple): the first part that differs."""
        names = self.outputs or [f"part {i + 1}" for i in range(len(want))]
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            return f"should return {len(want)} things ({', '.join(names)}), got {_describe(got)}"
        problems = (f"{name}: {problem}" for name, g, w in zip(names, got, want)
                    for problem in [self.compare(g, w)] if problem)
        return next(problems, None)

    def _reshaped(self, values, want_arr):
        """[x] (an array of one number) as one number; a column or row as a vector if column_ok."""
        if want_arr.ndim == 0 and values.size == 1:
            return values.reshape(())
        if self.column_ok and want_arr.ndim == 1 and values.shape in ((want_arr.size, 1), (1, want_arr.size)):
            return values.reshape(-1)
        return values

    def _compare_numbers(self, values, want_arr, dtype):
        """Shapes, then NaN, then the values within the tolerance of the learner's dtype."""
        values = self._reshaped(values, want_arr)
        if values.shape != want_arr.shape:
            return _shape_problem(values, want_arr)
        if not np.all(np.isfinite(values)) and np.all(np.isfinite(want_arr)):
            text = f"contains NaN or inf: {_show(values)}"
            if "..." in text:  # the middle is not shown: say where the first one is
                first = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
                text += f" (the first at index {first[0] if len(first) == 1 else first})"
            return text
        rtol, atol = TOLERANCE.get(dtype, TOLERANCE[np.dtype(np.float64)])
        rtol, atol = max(rtol, self.rtol), max(atol, self.atol)
        close = np.isclose(values, want_arr, rtol=rtol, atol=atol, equal_nan=True)
        if not np.all(close):
            text = f"is {_show(values, want_arr)}, expected {_show(want_arr, values)}"
            if "..." in text:  # the middle is not shown: point at the largest difference
                text += _largest_difference(values, want_arr, close)
            return text
        return None

    # -- checking -------------------------------------------------------------------------------
    def __call__(self, answer, hint=1):
        """Feedback on `answer`; hint=2 adds the formula, hint=3 the solution."""
        # A wrong formula may overflow or divide by 0: the feedback says what is wrong, not numpy's warnings.
        with np.errstate(all="ignore"):
            for case in self.cases:
                feedback = self._check_case(answer, case, hint)
                if feedback is not None:
                    return feedback
        return Feedback([], success=self.success)

    def _check_case(self, answer, case, hint):
        """Feedback for the first problem with this case, or None when it passes."""
        want = case.want if case.want is not None else self.reference(*case.args)
        got, error = self._run(answer, case)
        if error == "not done":
            return Feedback([f"{self.what} is not written yet: replace the placeholder "
                             "(`...` or `raise NotDone`) with your code, then run this check again"],
                            self._hint(hint, None))
        problem = error or self.compare(got, want)
        if not problem:
            return None
        # no Mistake is named for an answer that is not numbers at all (None, text, a dict)
        not_numbers = problem.startswith((NO_RETURN, NOT_NUMBERS))
        mistake = None if error or not_numbers else self._mistake(answer, got, case)
        where = f"for {case.label}: " if case.label else ""
        text = f"{self.what} {where}{problem}"
        if mistake is not None:
            text += f"{'' if text.endswith('?') else '.'} It looks like {mistake.name}"
        return Feedback([text], self._hint(hint, mistake))

    def _mistake(self, answer, got, case):
        """The first Mistake that matches this case. When several match (they give the same numbers
        here), the later cases that the answer also fails decide among them."""
        matching = [m for m in self.mistakes if m.matches(got, case, self.compare)]
        later = self._later_failures(answer, case)
        while len(matching) > 1:
            later_got, later_case = next(later, (None, None))
            if later_case is None:
                break
            matching = [m for m in matching if m.matches(later_got, later_case, self.compare)] or matching
        return matching[0] if matching else None

    def _later_failures(self, answer, case):
        """(what the answer gave, the case) for each case after `case` that it gets wrong."""
        for later in self.cases[self.cases.index(case) + 1:]:
            got, error = self._run(answer, later)
            want = later.want if later.want is not None else self.reference(*later.args)
            if not error and self.compare(got, want) is not None:
                yield got, later

    def _run(self, answer, case):
        if not self.is_function:
            return (None, "not done") if answer is Ellipsis else (answer, None)
        if not callable(answer):
            return None, f"should be a function, got {_describe(answer)}"
        args = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case.args]
        try:
            got = answer(*args)
        except (NotDone, NotImplementedError):
            return None, "not done"
        except NotAnAnswer as exc:
            return None, str(exc)
        except Exception as exc:  # the learner's code: report it, don't crash the check
            return None, f"raised {type(exc).__name__}: {exc}"
        if got is Ellipsis:
            return None, "not done"
        return got, None

    def _hint(self, level, mistake):
        nudge = mistake.nudge if mistake is not None and mistake.nudge else self.nudge
        lines = [f"Nudge: {nudge}"] if nudge else []
        if level >= 2 and self.formula:
            lines.append(f"Formula: {self.formula}")
        lines.append(self._more(level))
        return "\n".join(line for line in lines if line)

    def _more(self, level):
        """Level 3: the solution; below it, how to ask for the next level."""
        if level >= 3:
            return "Solution:\n" + self.solution_code if self.solution_code else ""
        more = "the formula" if level < 2 and self.formula else "the solution"
        return f"(For {more}, run the check again with hint={level + 1}.)"

    def solution(self):
        """The solution, as text (what hint=3 shows)."""
        return self.solution_code

    def use(self, answer, fallback, name=None):
        """The learner's answer if it passes the check; else `fallback`, saying so."""
        if self(answer).ok:
            return answer
        print(f"Your {name or self.what} does not pass its check yet, so the cells below use the "
              f"package's version instead. Come back to it when you like.")
        return fallback


def numbers(got):
    """`got` as an array of float64, or None if it is not numbers: text ("27" would convert to
    27.0), complex numbers, or a list holding None (allocated but never filled)."""
    if got is None:
        return None
    try:
        arr = np.asarray(got)
        if arr.dtype.kind in "USc" or (arr.dtype.kind == "O" and any(v is None or isinstance(v, str)
                                                                      for v in arr.flat)):
            return None
        return arr.astype(np.float64)
    except (TypeError, ValueError):
        return None


def _describe(value):
    text = repr(value)
    return f"{type(value).__name__} {text[:60]}" if len(text) <= 60 else type(value).__name__


def _show(values, other=None):
    """values rounded to enough digits to see where they differ from `other` (4 to 10)."""
    values = np.asarray(values, dtype=np.float64)
    digits = 4
    if other is not None and np.shape(other) == values.shape:
        with np.errstate(invalid="ignore"):
            while digits < 10 and np.array_equal(_round(values, digits), _round(np.asarray(other), digits)):
                digits += 1
    if values.ndim == 0:
        return f"{float(values):.{digits}g}"
    with np.printoptions(precision=digits, suppress=False, threshold=12, edgeitems=3):
        return np.array2string(values, separator=", ")


def _round(x, digits):
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(np.where(x == 0, 1, x)))))
    return np.round(x * scale) / scale


# ---------------------------------------------------------------------------------------------
# The building blocks that checkers written before the table existed still use
# ---------------------------------------------------------------------------------------------

def feedback(problems, hint=None, success="Correct"):
    return Feedback(problems, f"Nudge: {hint}" if hint else None, success)


def expect_close(what, got, want, atol=1e-6, rtol=0.0):
    """None when `got` matches `want` (same shape, close values); else a sentence saying how not."""
    problem = Exercise(what, None, [], atol=atol, rtol=rtol).compare(got, want)
    return f"{what} {problem}" if problem else None


def call(what, fn, *args):
    """Run a learner's function; (result, None) or (None, a sentence about the exception)."""
    try:
        return fn(*args), None
    except Exception as exc:  # the learner's code: report, don't crash the check
        return None, f"{what} raised {type(exc).__name__}: {exc}"
