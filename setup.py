"""The one build step pyproject.toml cannot say: ship the notebooks inside the package.

A wheel (and `pip install .`) gets a copy of notebooks/*.ipynb as dltutor/_notebooks/, which
`python -m dltutor notebooks DIR` copies out. An editable install (`pip install -e .`) uses the
clone's notebooks/ directly, so nothing is copied for it.
"""
import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = pathlib.Path(__file__).resolve().parent


class build_py_with_notebooks(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        notebooks = sorted((HERE / "notebooks").glob("*.ipynb"))
        if not notebooks:
            raise SystemExit("notebooks/*.ipynb not found: the package would ship without its course")
        target = pathlib.Path(self.build_lib) / "dltutor" / "_notebooks"
        shutil.rmtree(target, ignore_errors=True)   # no notebook left over from an earlier build
        target.mkdir(parents=True)
        for nb in notebooks:
            shutil.copyfile(nb, target / nb.name)


setup(cmdclass={"build_py": build_py_with_notebooks})
