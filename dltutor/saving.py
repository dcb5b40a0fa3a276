"""Saving and loading networks as .npz files: the architecture as JSON text, the parameters as
arrays. No pickle, so loading a file can never run code.
"""
import json
import os
import pathlib
import tempfile
import zipfile

import numpy as np

FORMAT = "dltutor-network"
VERSION = 1


def _architecture(net):
    return [{"layer": type(layer).__name__, **layer.config()} for layer in net.layers]


def save(net, path):
    """Write `net` to path (.npz). Writes a temporary file, then renames it over path, so a
    crash never leaves a half-written file under that name."""
    path = pathlib.Path(path)
    header = json.dumps({"format": FORMAT, "version": VERSION, "layers": _architecture(net)})
    arrays = {f"param:{k}": v for k, v in net.params.items()}
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, header=np.array(header), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def _read(path):
    path = pathlib.Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no network file at {path}")
    try:
        with np.load(path, allow_pickle=False) as f:
            contents = {k: f[k] for k in f.files}
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
        raise ValueError(f"{path} is not a readable network file (truncated or corrupted?): {exc}") from None
    try:
        header = json.loads(str(contents.pop("header")))
    except (KeyError, json.JSONDecodeError):
        raise ValueError(f"{path} is not a dltutor network file: it has no valid header") from None
    if header.get("format") != FORMAT:
        raise ValueError(f"{path} is not a dltutor network file (format {header.get('format')!r})")
    if header.get("version") != VERSION:
        raise ValueError(f"{path} was written by format version {header.get('version')}; "
                         f"this dltutor reads version {VERSION}")
    return header["layers"], {k.removeprefix("param:"): v for k, v in contents.items()}


def _build(layers):
    from . import nn
    built = []
    for spec in layers:
        spec = dict(spec)
        name = spec.pop("layer", None)
        if name not in nn.LAYERS:
            raise ValueError(f"unknown layer {name!r} in the file; known: {sorted(nn.LAYERS)}")
        if name == "Dense":
            built.append(nn.Dense(spec["n_in"], spec["n_out"], dtype=spec["dtype"]))
        else:
            built.append(nn.LAYERS[name](**spec))
    return nn.Sequential(*built)


def _fill(net, params, path):
    expected = net.params
    if set(params) != set(expected):
        raise ValueError(f"{path} holds parameters {sorted(params)}, expected {sorted(expected)}")
    for k, v in params.items():
        if v.shape != expected[k].shape or v.dtype != expected[k].dtype:
            raise ValueError(f"{path}: parameter {k} has shape {v.shape} {v.dtype}, "
                             f"expected {expected[k].shape} {expected[k].dtype}")


def load(path):
    """A new network, exactly as it was saved."""
    layers, params = _read(path)
    net = _build(layers)
    _fill(net, params, path)
    for k, v in net.params.items():
        v[...] = params[k]
    return net


def load_into(net, path):
    """Load saved parameters into `net`, whose architecture must match the file's.

    Everything is checked before anything is written, so on any error `net` is unchanged.
    """
    layers, params = _read(path)
    if layers != _architecture(net):
        raise ValueError(f"{path} holds a different architecture:\n  file:    {layers}\n"
                         f"  network: {_architecture(net)}")
    _fill(net, params, path)
    for k, v in net.params.items():
        v[...] = params[k]
    return net
