"""Write the student version and the solutions version of every notebook, for instructors.

    python tools/make_versions.py student DIR      # no solutions, exercise outputs cleared
    python tools/make_versions.py solutions DIR    # every solution shown, unfolded
    python tools/make_versions.py student DIR notebooks/02_softmax.ipynb   # only some notebooks

The course's notebooks keep each solution in a markdown fold, `<details><summary>Solution ...`,
and check each exercise in a code cell that calls a checker (`lesson.check_softmax(softmax)`).
The student version drops the folds, and the instructor's answers folded in the speaker notes
(`<details><summary>Answers (for the instructor)`), and clears the outputs of the checker cells (so
the stored notebook shows no feedback written for the placeholder) and of the cells that ask for
hint levels.
It still runs top to bottom: the placeholders get "not yet" feedback, and the cells after an
exercise use the package's version (tests/test_versions.py runs it). The solutions version opens
every solution fold, for an instructor's screen (the notes' answers stay folded there).
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = re.compile(r"<details>\s*<summary>[^<]*Solution.*?</details>\s*", re.S | re.I)
ANSWERS = re.compile(r"\s*<details>\s*<summary>Answers \(for the instructor\).*?</details>", re.S | re.I)
CHECK = re.compile(r"\bcheck_\w+\(|\bhint\s*=\s*[23]\b")


def student(nb):
    """Solutions and notes' answers dropped, checker outputs cleared; an emptied markdown cell goes."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = ANSWERS.sub("", SOLUTION.sub("", cell.source))
            if not cell.source.strip():
                continue
        elif cell.cell_type == "code" and CHECK.search(cell.source):
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    nb.cells = cells
    return nb


def solutions(nb):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"<details>(\s*<summary>[^<]*Solution)", r"<details open>\1",
                                 cell.source, flags=re.I)
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("version", choices=["student", "solutions"])
    parser.add_argument("out", type=Path)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = sorted(args.notebooks or (ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        sys.exit("no notebooks")
    args.out.mkdir(parents=True, exist_ok=True)
    make = student if args.version == "student" else solutions
    for path in paths:
        nb = make(nbformat.read(path, as_version=4))
        nbformat.write(nb, args.out / path.name)
    print(f"{args.version} version of {len(paths)} notebooks in {args.out}")


if __name__ == "__main__":
    main()
