"""Saved full runs: the lesson experiments run in full from the command line, their results kept
as JSON inside the package (dltutor/datafiles/results/) for the notebooks to read.

    saved.write(out, path, log)        # the results dict as JSON, with its folder made
    saved.read(path)                   # the dict, or None when the file is not there
    saved.main(argv, prog, description, help_full, default_path, run_full)   # --full [--out PATH]
"""
import argparse
import json
import pathlib


def write(out, path, log=print):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")
    seconds = out.get("seconds")
    log(f"wrote {path}" + (f" in {seconds} s" if isinstance(seconds, (int, float)) else ""))
    return out


def read(path):
    path = pathlib.Path(path)
    return json.loads(path.read_text()) if path.exists() else None


def parser(prog, description, help_full, default_path):
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--full", action="store_true", help=help_full)
    p.add_argument("--out", default=str(default_path), help=f"where to write the results (default {default_path})")
    return p


def main(argv, prog, description, help_full, default_path, run_full):
    """`python -m PROG --full [--out PATH]` runs run_full(path=PATH); without --full, the help."""
    p = parser(prog, description, help_full, default_path)
    args = p.parse_args(argv)
    if not args.full:
        p.print_help()
        return 0
    run_full(path=args.out)
    return 0
