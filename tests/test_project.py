"""The project's own files agree with each other, and the core needs only its dependencies."""
import pathlib
import re
import subprocess
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _names(requirements):
    return {re.split(r"[<>=!~ ]", r.strip(), maxsplit=1)[0].lower() for r in requirements}


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = _names(pyproject["project"]["dependencies"])
    conda = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^  - ([A-Za-z][\w.-]*)", line)
        if m and m.group(1) not in ("python", "pip"):
            conda.add(m.group(1).lower())
    assert deps == conda, (deps, conda)
    assert "- -e ." in (ROOT / "environment.yml").read_text()  # the course itself, with pip


def test_core_modules_import_no_plotting_or_widgets():
    code = ("import sys, dltutor; from dltutor import nn, optim, train, data, gradcheck, slides, saving;"
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"  # scikit-learn is loaded only when a data set or split needs it


def test_every_notebook_is_in_the_readme_course_map():
    readme = (ROOT / "README.md").read_text()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{nb.name}" in readme, f"{nb.name} is missing from the README's course map"


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r"<!-- test-command -->\s*```(?:bash|sh)?\n(.*?)```", readme, re.S).group(1).strip()
    assert command.splitlines()[-1] in ci
