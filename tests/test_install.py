"""The course installs like a package: any install, any folder, any user, offline.

The slow test builds the source distribution and the wheel from a copy of the checkout, installs
the wheel into a fresh virtual environment (which borrows this environment's other packages, so
nothing is downloaded), copies the notebooks out with `python -m dltutor notebooks`, and executes
one of them in a folder outside the checkout, where the checkout cannot be imported.
"""
import json
import os
import pathlib
import shutil
import site
import subprocess
import sys
import sysconfig
import tarfile
import textwrap

import numpy as np
import pytest

import dltutor
from dltutor import __main__ as cli
from dltutor import course, data

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = os.environ.get("DLTUTOR_INSTALL_TEST_NOTEBOOK", "02_softmax.ipynb")   # any notebook will do
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "node_modules", "vendor",
                              "_build", "__pycache__", ".hypothesis", ".ipynb_checkpoints", ".pytest_cache")
OFFLINE = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _clean_env(**extra):
    """This environment without anything that points Python at the checkout or the data."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DLTUTOR_DATA", "MPLBACKEND")}
    env.update(OFFLINE, **extra)
    return env


def _run(args, cwd, env=None, timeout=300):
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env or _clean_env(), capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _build_wheel(tmp):
    """sdist from a copy of the checkout, then the wheel from the unpacked sdist (as pip and build do)."""
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    dist = tmp / "dist"
    dist.mkdir()
    backend = "import sys, setuptools.build_meta as b; print(getattr(b, sys.argv[1])(sys.argv[2]))"
    sdist = dist / _run([sys.executable, "-c", backend, "build_sdist", dist], cwd=src).split()[-1]
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp / "sdist", filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(tmp / "sdist")
    (unpacked,) = (tmp / "sdist").iterdir()
    return dist / _run([sys.executable, "-c", backend, "build_wheel", dist], cwd=unpacked).split()[-1]


def _fresh_venv(folder):
    """A new virtual environment that can import this environment's packages, but not the checkout."""
    _run([sys.executable, "-m", "venv", "--without-pip", folder], cwd=folder.parent)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=folder).strip()
    # (These may lie inside the checkout, as .venv/ does: only the site-packages folders are listed,
    # never the checkout's own root, so `import dltutor` cannot find the source tree.)
    ours = [p for p in dict.fromkeys(site.getsitepackages() + [sysconfig.get_paths()["purelib"]])
            if pathlib.Path(p).is_dir() and pathlib.Path(p).resolve() != ROOT]
    # A .pth file in the new environment lists this one's site-packages; .pth files *inside* those are
    # not processed, so an editable install of the checkout there cannot be imported.
    (pathlib.Path(purelib) / "borrowed_test_env.pth").write_text("\n".join(ours) + "\n")
    return python, pathlib.Path(purelib)


EXECUTE = textwrap.dedent("""
    import sys
    import nbformat
    from nbclient import NotebookClient
    path, out, kernel = sys.argv[1:4]
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import dltutor, dltutor.data, dltutor.lessons.why_deep as _wd, json\\n"
        "print(json.dumps({'dltutor': dltutor.__file__, 'mnist': str(dltutor.data.data_file('mnist_5k.npz')),"
        " 'results': str(_wd.RESULTS), 'full_run': _wd.load_full() is not None}))"))
    client = NotebookClient(nb, kernel_name=kernel, timeout=120, allow_errors=False,
                            resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}})
    client.execute()
    nbformat.write(nb, out)
""")


@pytest.mark.slow
def test_wheel_installs_and_runs_a_notebook_outside_the_checkout(tmp_path):
    wheel = _build_wheel(tmp_path)
    python, purelib = _fresh_venv(tmp_path / "venv")
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel], cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run([python, "-c", "import dltutor; print(dltutor.__file__, dltutor.__version__)"], cwd=elsewhere)
    installed, version = where.split()
    assert pathlib.Path(installed).resolve().is_relative_to(purelib.resolve()), where
    assert version == dltutor.__version__

    out = _run([python, "-m", "dltutor", "notebooks", "course"], cwd=elsewhere)
    shipped = sorted(p.name for p in (elsewhere / "course").glob("*.ipynb"))
    assert shipped == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")), out
    for name in shipped:
        assert (elsewhere / "course" / name).read_bytes() == (ROOT / "notebooks" / name).read_bytes()
    lab = _run([python, "-m", "dltutor", "lab", "course", "--dry-run"], cwd=elsewhere)
    assert f"--ServerApp.root_dir={elsewhere / 'course'}" in lab and "/lab/tree/00_start_here.ipynb" in lab

    # A kernel of the fresh environment, under a name no other kernelspec on the machine can take.
    kernels = tmp_path / "jupyter" / "kernels" / "dltutor-wheel-test"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "dltutor wheel test", "language": "python"}))
    notebook = elsewhere / "course" / NOTEBOOK
    done = elsewhere / "executed.ipynb"
    env = _clean_env(JUPYTER_PATH=str(tmp_path / "jupyter"))
    _run([python, "-c", EXECUTE, notebook, done, "dltutor-wheel-test"], cwd=elsewhere, env=env, timeout=240)

    cells = [c for c in json.loads(done.read_text())["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    assert not [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    if "".join(cells[0]["source"]).startswith("from dltutor import course"):
        first = "".join("".join(o["text"]) for o in cells[0]["outputs"] if o["output_type"] == "stream")
        assert first.startswith(f"dltutor {dltutor.__version__}, BLAS on 1 thread"), first
    report = json.loads("".join(cells[-1]["outputs"][-1]["text"]))
    for key in ("dltutor", "mnist", "results"):
        assert pathlib.Path(report[key]).resolve().is_relative_to(purelib.resolve()), report
    assert report["full_run"] is True   # the saved results of notebook 05 came with the wheel


# --- where the data are: inside the package, or DLTUTOR_DATA -------------------------------------

def test_data_ship_inside_the_package(monkeypatch):
    monkeypatch.delenv("DLTUTOR_DATA", raising=False)
    package = pathlib.Path(dltutor.__file__).resolve().parent
    for name in ("mnist_5k.npz", "results/why_deep_full.json"):
        path = pathlib.Path(str(data.data_file(name)))
        assert path.is_file() and path.resolve().is_relative_to(package), path
    X, y = data.load_mnist()
    assert X.shape == (5000, 784) and np.array_equal(np.bincount(y), np.full(10, 500))


def test_dltutor_data_is_honoured_by_the_data_and_by_notebook_05s_results(tmp_path):
    (tmp_path / "results").mkdir()
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "mnist_5k.npz", images=rng.integers(0, 256, (7, 28, 28), dtype=np.uint8),
             labels=np.arange(7, dtype=np.uint8))
    (tmp_path / "results" / "why_deep_full.json").write_text(json.dumps({"marker": 42}))
    code = ("from dltutor import data; from dltutor.lessons import why_deep as wd;"
            "X, y = data.load_mnist(); print(X.shape, y.tolist(), wd.RESULTS, wd.load_full()['marker'])")
    out = _run([sys.executable, "-c", code], cwd=tmp_path,
               env=_clean_env(DLTUTOR_DATA=str(tmp_path), PYTHONPATH=str(ROOT)))
    assert out.split() == ["(7,", "784)", "[0,", "1,", "2,", "3,", "4,", "5,", "6]",
                           str(tmp_path / "results" / "why_deep_full.json"), "42"]


def test_a_missing_data_file_says_where_it_was_looked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("DLTUTOR_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="DLTUTOR_DATA is set to") as info:
        data.load_mnist()
    assert str(tmp_path / "mnist_5k.npz") in str(info.value)


# --- course.start: the version check and the threads ---------------------------------------------

def _start(code, threads="2"):
    env = _clean_env(PYTHONPATH=str(ROOT), OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads,
                     MKL_NUM_THREADS=threads)
    return _run([sys.executable, "-c", code], cwd=ROOT, env=env)


def test_start_prints_one_deterministic_line_and_puts_blas_on_one_thread():
    code = ("from threadpoolctl import threadpool_info as info; from dltutor import course;"
            "before = [i['num_threads'] for i in info()]; course.start(%r);"
            "print([i['num_threads'] for i in info()]); print(course.threads(None) and "
            "[i['num_threads'] for i in info()] == before)" % dltutor.__version__)
    outs = [_start(code, threads).splitlines() for threads in ("1", "2")]
    expected = f"dltutor {dltutor.__version__}, BLAS on 1 thread (faster for small matrices; " \
               "course.threads(None) undoes it)."
    for lines in outs:
        assert lines[0] == expected                       # the same line whatever the machine's threads
        assert set(eval(lines[1])) == {1}                 # every thread pool on one thread
        assert lines[2] == "True"                         # course.threads(None) gives the defaults back
    assert len(outs[0]) == 3


def test_start_warns_plainly_when_the_notebook_is_for_another_version():
    out = _start("from dltutor import course; course.start('0.1.0')").strip()
    assert len(out.splitlines()) == 1
    assert out.startswith(f"WARNING: this notebook was written for dltutor 0.1.0, but dltutor "
                          f"{dltutor.__version__} is installed")
    assert "python -m dltutor notebooks DIR" in out


def test_start_can_leave_the_threads_alone_and_threads_checks_its_argument():
    out = _start("from threadpoolctl import threadpool_info as info; from dltutor import course;"
                 "before = [i['num_threads'] for i in info()]; course.start(%r, threads=None);"
                 "print([i['num_threads'] for i in info()] == before)" % dltutor.__version__).splitlines()
    assert out == [f"dltutor {dltutor.__version__}, BLAS threads left at their default.", "True"]
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="whole number of threads"):
            course.threads(bad)


# --- python -m dltutor -------------------------------------------------------------------------

def test_lab_adds_allow_root_only_for_root(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    assert "--allow-root" in cli.lab_command(ROOT, "notebooks/00_start_here.ipynb")
    assert cli.lab_command(ROOT, "x.ipynb", ["--allow-root"]).count("--allow-root") == 1
    monkeypatch.setattr(os, "geteuid", lambda: 1000, raising=False)
    command = cli.lab_command(ROOT, "notebooks/00_start_here.ipynb", ["--no-browser"])
    assert "--allow-root" not in command and command[-1] == "--no-browser"
    assert f"--ServerApp.root_dir={ROOT}" in command
    assert "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb" in command


def test_lab_from_the_clone_serves_the_whole_clone_and_opens_the_course_map(capsys):
    assert cli.main(["lab", "--no-browser", "--port", "8899", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"--ServerApp.root_dir={ROOT} " in out and "/lab/tree/notebooks/00_start_here.ipynb" in out
    assert out.rstrip().endswith("--no-browser --port 8899")   # JupyterLab's arguments, whole


def test_lab_with_a_folder_serves_that_folder(tmp_path, capsys):
    assert cli.main(["lab", str(tmp_path / "mine"), "--port", "8899", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"--ServerApp.root_dir={tmp_path / 'mine'} " in out and "/lab/tree/00_start_here.ipynb" in out
    assert not (tmp_path / "mine").exists()   # a dry run copies nothing


def test_notebooks_copies_every_notebook_and_never_overwrites_one(tmp_path, capsys):
    (tmp_path / "02_softmax.ipynb").write_text("my work")
    copied, kept = cli.copy_notebooks(tmp_path)
    assert kept == ["02_softmax.ipynb"] and (tmp_path / "02_softmax.ipynb").read_text() == "my work"
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(copied + kept) == names and "00_start_here.ipynb" in names
    assert (tmp_path / names[0]).read_bytes() == (ROOT / "notebooks" / names[0]).read_bytes()
    assert "kept 1 already there" in capsys.readouterr().out


def test_the_command_line_says_its_version_and_rejects_stray_arguments(tmp_path):
    env = _clean_env(PYTHONPATH=str(ROOT))
    assert _run([sys.executable, "-m", "dltutor", "version"], cwd=tmp_path, env=env) == dltutor.__version__ + "\n"
    bad = subprocess.run([sys.executable, "-m", "dltutor", "notebooks", str(tmp_path), "--bogus"], env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "unrecognized arguments: --bogus" in bad.stderr
    assert not list(tmp_path.glob("*.ipynb"))
