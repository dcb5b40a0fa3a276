"""The first cell of every notebook: which dltutor it was written for, and the BLAS threads.

    from dltutor import course
    course.start("0.2.0")     # one line; says plainly when the installed package is another version

The course's matrices are small (a few hundred rows), and on them a threaded BLAS spends more time
handing work between threads than it saves: on a 2-core machine notebook 03 took 17-18 s on one
thread and 20-25 s on the default two while the machine was quiet, 60-71 s and 116-155 s while it
was busy (the README gives the measurement). So `start` puts BLAS (and OpenMP) on one thread, and
says so in its line; `course.threads(None)` gives the kernel its default threads back, and
`course.threads(4)` any other number. `start("0.2.0", threads=None)` leaves the threads alone;
the environment variable DLTUTOR_THREADS, when set, gives start's thread count instead.
"""
import os

from . import __version__

_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_undo = None   # what threads(None) needs: the threadpoolctl limiter and the environment before


def threads(n=1):
    """Limit BLAS and OpenMP to n threads in this process; n=None restores the defaults.

    Limits the libraries loaded already (with threadpoolctl) and, through OMP_NUM_THREADS,
    OPENBLAS_NUM_THREADS and MKL_NUM_THREADS, those loaded later (scikit-learn's, scipy's).
    Returns the thread count now in force per library, as {"openblas": 1, ...}.
    """
    from threadpoolctl import threadpool_info
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"n must be a whole number of threads >= 1, or None for the defaults; got {n!r}")
    _restore()
    if n is not None:
        _limit(n)
    return {info["internal_api"]: info["num_threads"] for info in threadpool_info()}


def _limit(n):
    """Put every BLAS loaded (and, through the environment, every one loaded later) on n threads."""
    global _undo
    from threadpoolctl import threadpool_info, threadpool_limits
    environ = {var: os.environ.get(var) for var in _VARS}
    limiter = threadpool_limits(limits=n)
    os.environ.update({var: str(n) for var in _VARS})
    _undo = (limiter, environ, {info["filepath"] for info in threadpool_info()})


def _restore():
    """Undo the last _limit, if any: the limits, the environment, and libraries loaded since."""
    global _undo
    if _undo is None:
        return
    from threadpoolctl import threadpool_info, threadpool_limits
    limiter, environ, limited = _undo
    limiter.restore_original_limits()
    for var, value in environ.items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value
    # Libraries loaded while the limit was on started with it: give them the default they would
    # have had (the environment's value before, else one thread a core).
    default = next((int(v) for v in (environ["OPENBLAS_NUM_THREADS"], environ["OMP_NUM_THREADS"])
                    if v and v.isdigit()), os.cpu_count() or 1)
    for info in threadpool_info():
        if info["filepath"] not in limited:
            threadpool_limits(limits={info["prefix"]: default})
    _undo = None


def start(written_for, threads=1):
    """Check the package's version against the notebook's and set the threads; print one line.

    written_for: the dltutor version the notebook was written (and its outputs stored) for.
    threads: BLAS/OpenMP threads for this kernel (1, the course's choice), or None to leave them.
    """
    written_for = str(written_for)
    if threads is not None and os.environ.get("DLTUTOR_THREADS"):
        # a test of the course (tests/test_reproducible.py) runs every notebook on more threads
        threads = int(os.environ["DLTUTOR_THREADS"])
    if threads is not None:
        _set_threads(threads)
        how = (f"BLAS on {threads} thread{'s' if threads != 1 else ''} (faster for small matrices; "
               f"course.threads(None) undoes it)")
    else:
        how = "BLAS threads left at their default"
    if written_for != __version__:
        print(f"WARNING: this notebook was written for dltutor {written_for}, but dltutor {__version__} "
              f"is installed: outputs and exercises may not match. Get the notebooks of the installed "
              f"version with `python -m dltutor notebooks DIR`, or install dltutor=={written_for}. "
              f"{how}.")
    else:
        print(f"dltutor {__version__}, {how}.")


_set_threads = threads   # `start`'s argument is called threads too
