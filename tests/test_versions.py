"""The student and solutions versions of the notebooks (tools/make_versions.py).

The student version of every notebook holds no solution, neither as a fold nor as any checker's
solution code, and keeps every exercise. Every student notebook is run top to bottom: it finishes
without an error, and where it has checked exercises (still placeholders), "Not yet" feedback
appears.
"""
import functools
import importlib
import importlib.util
import json
import pkgutil
from pathlib import Path

import nbformat
import pytest

from dltutor import exercises, lessons

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RUN = [p.name for p in NOTEBOOKS]


@functools.cache
def load_tool():
    spec = importlib.util.spec_from_file_location("make_versions", ROOT / "tools" / "make_versions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def solutions_of_every_checker():
    found = []
    for info in pkgutil.iter_modules(lessons.__path__):
        module = importlib.import_module(f"dltutor.lessons.{info.name}")
        found += [value.solution_code for value in vars(module).values()
                  if isinstance(value, exercises.Exercise) and value.solution_code]
    return found


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    load_tool().main(["student", str(out)])
    return out


def test_student_version_holds_no_solution_and_every_exercise(student):
    calls_a_checker = load_tool().CHECK.search
    solutions = solutions_of_every_checker()
    assert len(solutions) >= 20
    for path in NOTEBOOKS:
        original = json.loads(path.read_text(encoding="utf-8"))
        text = (student / path.name).read_text(encoding="utf-8")
        nb = json.loads(text)
        assert "<summary>Solution" not in text, path.name
        blob = json.dumps([c["source"] for c in nb["cells"]] + [c.get("outputs", []) for c in nb["cells"]])
        for code in solutions:
            assert json.dumps(code)[1:-1] not in blob, (path.name, code[:60])
        checks = [c for c in nb["cells"] if c["cell_type"] == "code" and calls_a_checker("".join(c["source"]))]
        assert len(checks) == sum(bool(calls_a_checker("".join(c["source"]))) for c in original["cells"]
                                  if c["cell_type"] == "code")
        assert all(not c["outputs"] for c in checks), path.name


def test_solutions_version_opens_every_fold(tmp_path):
    load_tool().main(["solutions", str(tmp_path), str(ROOT / "notebooks" / "02_softmax.ipynb")])
    text = (tmp_path / "02_softmax.ipynb").read_text(encoding="utf-8")
    assert text.count("<details open>") == (ROOT / "notebooks" / "02_softmax.ipynb").read_text(
        encoding="utf-8").count("<summary>Solution") > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", RUN)
def test_student_version_runs_top_to_bottom_and_says_not_yet(student, name):
    from nbclient import NotebookClient

    nb = nbformat.read(student / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(student)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    calls_a_checker = load_tool().CHECK.search
    checks = [c for c in nb.cells if c.cell_type == "code" and calls_a_checker(c.source)]
    if checks:  # 00 has a predict-then-run question but no checked exercise
        assert "Not yet" in shown  # (some checks are of the package itself, and pass)
