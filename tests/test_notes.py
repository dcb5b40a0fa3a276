"""Speaker notes keep their answers folded.

Every notebook has markdown cells that start with "**Speaker notes.**": in a deck they are an
instructor's notes, but a learner working alone in JupyterLab reads them as ordinary cells, often
before trying the exercise they describe. So a notes cell keeps in plain view what an instructor
needs (the point, what to ask, where learners go wrong, timings) and puts every answer (exercise
code, the values a check expects, the answers of predict-then-run questions, ranges that pass) in
a fold of its own, `<details><summary>Answers (for the instructor)</summary> ... </details>`.

The tests read the notebooks as JSON (no kernel). Set DLTUTOR_NOTEBOOKS to check another folder.
"""
import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = Path(os.environ.get("DLTUTOR_NOTEBOOKS") or ROOT / "notebooks")
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))

NOTES = "**Speaker notes.**"
FOLD = re.compile(r"<details\b.*?</details>", re.S | re.I)
SOLUTION = re.compile(r"<details\b[^>]*>\s*<summary>[^<]*Solution.*?</details>", re.S | re.I)
ANSWERS = re.compile(r"<details>\s*<summary>Answers \(for the instructor\)</summary>\n\n.*?\n\n</details>", re.S)
FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
ASSIGNMENT = re.compile(r"^[\w\[\], .]+?\s*(?:[-+*/]?=)(?!=)\s*(.+)$")
SHORTEST = 12   # characters, whitespace removed: shorter lines (`a = x`, `dA * A * (1 - A)`) are too common

# Phrases with which a note hands over an answer; outside a fold none may appear.
GIVES_AN_ANSWER = [
    r"\bthe answers? (?:is|are|was|were)\b",
    r"\banswers?\s*:",                                 # "The answer: ...", "Answers: ...", "the table answers: ..."
    r"\banswers? it\b",                                # "The curve answers it: ..."
    r"\bthe check (?:for \w+ )?expects\b",
    r"\bthe fix (?:is|was|subtracts|adds|uses)\b",
    r"\bvalues? from [^.;]{0,40}\bpass\b",
    r'\?"?\s*\((?!the check)',                          # a question answered in brackets: 'do?" (It stays ...)'
]


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def markdown(path):
    return [(i, "".join(c["source"])) for i, c in enumerate(cells(path)) if c["cell_type"] == "markdown"]


def notes(path):
    return [(i, text) for i, text in markdown(path) if text.lstrip().startswith(NOTES)]


def unfolded(text):
    """The text a learner sees without opening anything."""
    return FOLD.sub("", text)


def squeeze(text):
    return re.sub(r"\s+", "", text)


def solution_lines(path):
    """The telling lines of the notebook's solution folds, whitespace removed.

    For each code line inside a fence: the line without its comment, the right-hand side of an
    assignment and the expression of a `return`, each if it is long enough to tell. A `def` line,
    `return name`, a blank line or a comment tells nothing.
    """
    found = set()
    for _, text in markdown(path):
        for fold in SOLUTION.findall(text):
            for block in FENCE.findall(fold):
                for line in block.splitlines():
                    code = re.sub(r"(^|\s)#.*$", "", line).strip()
                    if not code or code.startswith(("def ", "#", "import ", "from ")):
                        continue
                    parts = [code]
                    if code.startswith("return "):
                        parts = [code[len("return "):]]
                    elif (match := ASSIGNMENT.match(code)):
                        parts.append(match.group(1))
                    found.update(s for s in map(squeeze, parts)
                                 if len(s) >= SHORTEST and not re.fullmatch(r"\w+|\"[^\"]*\"|'[^']*'", s))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_notebook_has_speaker_notes_and_solutions(path):
    assert notes(path), f"{path.name}: no speaker notes"
    if path.name[:2] != "00":   # 00 asks a predict-then-run question but has no checked exercise
        assert solution_lines(path), f"{path.name}: no solution code found in its folds"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_speaker_notes_show_no_solution_code(path):
    lines = solution_lines(path)
    shown = [(i, line) for i, text in notes(path) for line in sorted(lines)
             if line in squeeze(unfolded(text))]
    assert not shown, (f"{path.name}: speaker notes show solution code outside a fold "
                       f"(cell, code): {shown}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_speaker_notes_give_no_answer_outside_a_fold(path):
    given = [(i, m.group(0), unfolded(text)[max(0, m.start() - 40):m.end() + 40])
             for i, text in notes(path)
             for pattern in GIVES_AN_ANSWER
             for m in re.finditer(pattern, unfolded(text), re.I)]
    assert not given, f"{path.name}: speaker notes give an answer outside a fold: {given}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_answer_folds_are_well_formed(path):
    """A notes fold is the instructor's, renders as markdown (blank lines inside) and is closed."""
    for i, text in notes(path):
        assert text.count("<details") == text.count("</details>"), (path.name, i)
        for fold in FOLD.findall(text):
            assert ANSWERS.fullmatch(fold), (path.name, i, fold[:80])
            assert "<details" not in fold[len("<details"):], (path.name, i, "nested fold")


def test_the_guard_catches_an_answer_in_plain_view():
    """The checks above fail on a note that gives the answer away, and pass once it is folded."""
    path = ROOT / "notebooks" / "01_neurons_and_networks.ipynb"
    lines = solution_lines(path)
    plain = f"{NOTES}\n\n* Your turn 2: `sigma(W @ a + b)`; the check expects 0.982.\n"
    assert any(line in squeeze(unfolded(plain)) for line in lines)
    assert any(re.search(p, unfolded(plain), re.I) for p in GIVES_AN_ANSWER)
    folded = (f"{NOTES}\n\n* Your turn 2: ask what shape `W @ a` has.\n\n"
              "<details><summary>Answers (for the instructor)</summary>\n\n"
              "- Your turn 2: `sigma(W @ a + b)`; the check expects 0.982.\n\n</details>")
    assert ANSWERS.fullmatch(FOLD.search(folded).group(0))
    assert not any(line in squeeze(unfolded(folded)) for line in lines)
    assert not any(re.search(p, unfolded(folded), re.I) for p in GIVES_AN_ANSWER)


def test_student_version_drops_the_instructors_answers():
    spec = importlib.util.spec_from_file_location("make_versions", ROOT / "tools" / "make_versions.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    import nbformat

    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        before = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.lstrip().startswith(NOTES)]
        after = [c.source for c in tool.student(nb).cells
                 if c.cell_type == "markdown" and c.source.lstrip().startswith(NOTES)]
        assert len(after) == len(before), path.name        # every notes cell stays
        assert not any("Answers (for the instructor)" in text for text in after), path.name
        assert [unfolded(t).strip() for t in after] == [unfolded(t).strip() for t in before], path.name
