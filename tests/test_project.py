"""The project's own files agree with each other, and the core needs only its dependencies."""
import ast
import importlib.metadata
import json
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
    # PyPI and conda-forge spell some names with - and _ apart (jupyterlab-rise, jupyterlab_rise)
    return {re.split(r"[<>=!~ ]", r.strip(), maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def _conda(name):
    """The conda packages and the pip lines of an environment file."""
    conda, pip = set(), []
    for line in (ROOT / name).read_text().split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^  - ([A-Za-z][\w.-]*)", line)
        if m and m.group(1) not in ("python", "pip"):
            conda.add(m.group(1).lower().replace("_", "-"))
        m = re.match(r"^      - (.+)$", line)
        if m:
            pip.append(m.group(1).strip())
    return conda, pip


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    deps = _names(_pyproject()["project"]["dependencies"])
    conda, pip = _conda("environment.yml")
    assert deps == conda, (deps, conda)
    assert pip == ["-e ."]  # the course itself, with pip


def test_environment_test_yml_can_run_the_tests():
    project = _pyproject()["project"]
    conda, pip = _conda("environment-test.yml")
    assert _names(project["dependencies"]) <= conda
    # what conda-forge lacks or Python 3.11 does not need comes with the [test] extra, from pip
    assert _names(project["optional-dependencies"]["test"]) - {"playwright", "tomli"} <= conda
    assert pip == ['-e ".[test]"']


def _imports(tree):
    """Top-level modules a file imports, except those imported inside `try: ... except ImportError`."""
    optional = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            optional |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def test_every_imported_package_is_declared_in_pyproject():
    project = _pyproject()["project"]
    declared = _names(project["dependencies"]).union(*map(_names, project["optional-dependencies"].values()))
    sources = {p: p.read_text() for d in ("dltutor", "tests", "tools", "site", "benchmarks")
               for p in (ROOT / d).rglob("*.py")}
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        sources[nb] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code"
                                 and not "".join(c["source"]).lstrip().startswith(("%", "!")))
    local = {"dltutor", "conftest"} | {p.stem for p in sources}
    owners = importlib.metadata.packages_distributions()
    undeclared = {}
    for path, text in sources.items():
        for module in _imports(ast.parse(text)):
            if module in sys.stdlib_module_names or module in local:
                continue
            dists = {d.lower().replace("_", "-") for d in owners.get(module, [module])}
            if not dists & declared:
                undeclared.setdefault(module, []).append(path.relative_to(ROOT).as_posix())
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_one_version_and_the_readme_and_binder_open_the_course_map():
    import dltutor
    from dltutor import __main__ as cli
    assert _pyproject()["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "dltutor.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", dltutor.__version__)
    readme = (ROOT / "README.md").read_text()
    run = re.search(r"<!-- run-command -->\s*```(?:bash|sh)?\n(.*?)```", readme, re.S).group(1).strip()
    assert run.endswith("python -m dltutor lab")   # adds --allow-root for root, opens the course map
    urlpath = f"urlpath=lab/tree/notebooks/{cli.START}"
    assert urlpath in readme and urlpath in (ROOT / "environment.yml").read_text()
    assert (ROOT / "notebooks" / cli.START).is_file()


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


def test_every_function_outside_the_lessons_reads_in_one_go():
    """Cyclomatic complexity A or B (at most 10 paths) for every function and method of the
    package outside dltutor/lessons/ (the lessons hold figures and experiments)."""
    from radon.complexity import cc_rank, cc_visit
    from radon.visitors import Class

    def functions(blocks):
        for block in blocks:
            if isinstance(block, Class):
                yield from functions(block.methods + block.inner_classes)
            else:
                yield block
                yield from functions(block.closures)

    too_complex = sorted({f"{path.name}:{f.lineno} {f.fullname}: {cc_rank(f.complexity)} ({f.complexity})"
                          for path in (ROOT / "dltutor").glob("*.py")
                          for f in functions(cc_visit(path.read_text()))
                          if cc_rank(f.complexity) not in "AB"})
    assert not too_complex, "split these into smaller functions:\n" + "\n".join(too_complex)


def test_the_package_modules_import_each_other_without_a_cycle():
    """Each module's imports of the package's own modules, at the top or inside functions, form
    a graph without a cycle (a cycle would be worked around with imports hidden in functions)."""
    modules = {p.stem: p for p in (ROOT / "dltutor").glob("*.py") if p.stem != "__init__"}
    graph = {}
    for name, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        graph[name] = deps & modules.keys()

    def cycle_from(name, path):
        if name in path:
            return path[path.index(name):] + [name]
        for dep in sorted(graph[name]):
            found = cycle_from(dep, path + [name])
            if found:
                return found
        return None

    cycles = [c for c in (cycle_from(name, []) for name in sorted(graph)) if c]
    assert not cycles, "import cycle: " + " -> ".join(cycles[0])
