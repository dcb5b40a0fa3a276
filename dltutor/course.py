"""The first cell of every notebook: which dltutor it was written for, and the BLAS threads.

    from dltutor import course
    course.start("0.2.0")     # says plainly when the installed package is another version
"""
from . import __version__


def start(written_for):
    """Check the package's version against the notebook's; print one line saying what runs."""
    if written_for != __version__:
        print(f"WARNING: this notebook was written for dltutor {written_for}, but dltutor "
              f"{__version__} is installed. Outputs may differ from the ones stored; get the "
              f"notebooks of your version with: python -m dltutor notebooks DIR")
    else:
        print(f"dltutor {__version__}")
