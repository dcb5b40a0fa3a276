"""The stored notebook outputs do not depend on the number of BLAS threads.

The main test run re-executes every notebook with the thread count that CI pins (1); this test
re-executes them all once more with 2 threads and compares with the same stored outputs. Notebooks
print numbers rounded so that the last-digit differences of a threaded matrix product cannot show.
"""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_notebooks_give_the_stored_outputs_with_two_blas_threads():
    env = dict(os.environ, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2", MKL_NUM_THREADS="2")
    env.pop("MPLBACKEND", None)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "notebooks"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
