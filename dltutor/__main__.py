"""The course from the command line: get its notebooks, open it in JupyterLab.

    python -m dltutor notebooks DIR     # copy the course's notebooks into DIR (never overwrites)
    python -m dltutor lab [DIR]         # open the course map (00_start_here) in JupyterLab
    python -m dltutor version

From a clone of the course (an editable install) the notebooks are the clone's notebooks/, and
`lab` without DIR opens the clone's folder; from an installed wheel they are the copies shipped
inside the package, and `lab` without DIR copies them into ./dltutor-notebooks first. `lab` adds
--allow-root when run as root (a container, a lab image, a cloud machine); any further arguments
go to JupyterLab (e.g. --no-browser --port 8899).
"""
import argparse
import importlib.resources
import os
import pathlib
import shutil
import subprocess
import sys

from . import __version__

START = "00_start_here.ipynb"
DEFAULT_DIR = "dltutor-notebooks"


def checkout():
    """The clone this package runs from (editable install), or None for an installed package."""
    root = pathlib.Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "notebooks" / START).is_file():
        return root
    return None


def notebooks():
    """The course's notebooks, in reading order: the clone's notebooks/, else the packaged copies."""
    root = checkout()
    if root is not None:
        return sorted((root / "notebooks").glob("*.ipynb"))
    shipped = importlib.resources.files("dltutor") / "_notebooks"
    found = sorted((p for p in shipped.iterdir() if p.name.endswith(".ipynb")), key=lambda p: p.name) \
        if shipped.is_dir() else []
    if not found:
        raise SystemExit("this dltutor has no notebooks inside it (it was installed from a source tree without "
                         "notebooks/); get the course from its repository instead")
    return found


def copy_notebooks(folder, log=print):
    """Copy every notebook into folder (made if needed); a notebook already there is kept as it is."""
    folder = pathlib.Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for nb in notebooks():
        target = folder / nb.name
        if target.exists():
            kept.append(nb.name)
            continue
        with nb.open("rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        copied.append(nb.name)
    log(f"{len(copied)} notebook{'s' if len(copied) != 1 else ''} of dltutor {__version__} copied into {folder}"
        + (f"; kept {len(kept)} already there (yours, unchanged): {', '.join(kept)}" if kept else ""))
    return copied, kept


def lab_command(root, start, extra=()):
    """The JupyterLab command that serves root and opens start (a path inside root)."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
               f"--LabApp.default_url=/lab/tree/{pathlib.PurePath(start).as_posix()}"]
    if getattr(os, "geteuid", lambda: 1)() == 0 and "--allow-root" not in extra:
        command.append("--allow-root")   # Jupyter refuses to run as root without it
    return command + list(extra)


def parser():
    p = argparse.ArgumentParser(prog="python -m dltutor", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("notebooks", help="copy the course's notebooks into DIR (never overwrites a notebook)")
    s.add_argument("dir", metavar="DIR")
    s = sub.add_parser("lab", help="open the course map in JupyterLab (adds --allow-root for root)")
    s.add_argument("dir", metavar="DIR", nargs="?",
                   help=f"a folder for the notebooks (default: the clone's folder, or ./{DEFAULT_DIR})")
    s.add_argument("--dry-run", action="store_true", help="print the JupyterLab command instead of running it")
    sub.add_parser("version", help="print the installed version")
    return p


def split_lab_arguments(rest):
    """lab [DIR] [--dry-run] [JupyterLab's own arguments] -> (ours, JupyterLab's). DIR only as
    the first word, so that `--port 8899` passes through whole."""
    ours = rest[:1] if rest[:1] and not rest[0].startswith("-") else []
    rest = rest[len(ours):]
    ours += [a for a in rest if a in ("--dry-run", "-h", "--help")]
    return ours, [a for a in rest if a not in ("--dry-run", "-h", "--help")]


def lab(folder, dry_run, extra):
    """Open the course map in JupyterLab: the clone's notebooks, or a copy of them in folder."""
    root = checkout()
    if folder is None and root is not None:
        start = pathlib.PurePath("notebooks", START)
    else:
        root = pathlib.Path(folder or DEFAULT_DIR).expanduser().resolve()
        if not dry_run:
            copy_notebooks(root)
        start = pathlib.PurePath(START)
    command = lab_command(root, start, extra)
    if dry_run:
        print(" ".join(command))
        return 0
    print(f"opening {start} in JupyterLab, serving {root}", flush=True)
    if os.name == "posix":
        os.execv(command[0], command)   # JupyterLab takes this process's place (and its signals)
    return subprocess.call(command)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    extra = []
    if argv[:1] == ["lab"]:
        ours, extra = split_lab_arguments(argv[1:])
        argv = ["lab"] + ours
    args = parser().parse_args(argv)
    if args.command == "version":
        print(__version__)
    elif args.command == "notebooks":
        copy_notebooks(args.dir)
    else:
        return lab(args.dir, args.dry_run, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
