"""Execute notebooks top to bottom in a fresh kernel and store them with their outputs.

    python tools/run_notebooks.py                      # every notebook in notebooks/
    python tools/run_notebooks.py notebooks/02_softmax.ipynb

Thread counts are pinned as in the test run, so stored outputs match what the tests compute.
Prints each notebook's run time (the figures in the README's course map come from here).
"""
import os
import pathlib
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.pop("MPLBACKEND", None)  # it would reach the kernel and hide every figure

import nbformat  # noqa: E402
from nbconvert.preprocessors import ExecutePreprocessor  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(path):
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    start = time.perf_counter()
    ExecutePreprocessor(timeout=600, kernel_name="python3", store_widget_state=True).preprocess(
        nb, {"metadata": {"path": str(path.parent)}})
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    print(f"{path.name}: {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    paths = [pathlib.Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        run(p.resolve())
