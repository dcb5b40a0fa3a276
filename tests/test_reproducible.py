"""The stored notebook outputs do not depend on the number of BLAS threads.

The main test run re-executes every notebook with the thread count that CI pins (1); this test
re-executes them all once more with 2 threads and compares with the same stored outputs. Notebooks
print numbers rounded so that the last-digit differences of a threaded matrix product cannot show.
Each notebook's first cell (course.start) sets its kernel's threads: DLTUTOR_THREADS=2 makes it set
two, and the one line it prints about them is the only output allowed to differ.
"""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_notebooks_give_the_stored_outputs_with_two_blas_threads(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2", MKL_NUM_THREADS="2",
               DLTUTOR_THREADS="2")
    env.pop("MPLBACKEND", None)
    sanitize = tmp_path / "sanitize.cfg"
    sanitize.write_text((ROOT / "tests" / "nbval_sanitize.cfg").read_text() + "\n[blas threads]\n"
                        "regex: BLAS on \\d+ threads? \\(faster for small matrices\n"
                        "replace: BLAS on N threads (faster for small matrices\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "notebooks",
                             "-o", "addopts=", "--nbval", "--nbval-current-env", f"--nbval-sanitize-with={sanitize}",
                             "--nbval-cell-timeout=240"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
