"""Saving and loading networks as .npz files: the architecture as JSON text, the parameters as
arrays. No pickle, so loading a file can never run code.

    saving.save(net, "net.npz");  net = saving.load("net.npz");  saving.load_into(net, "net.npz")
"""
import json
import os
import pathlib
import tempfile
import zipfile

import numpy as np

from . import _validate, nn

FORMAT = "dltutor-network"
VERSION = 1


def _network(net, name="net"):
    if not isinstance(net, nn.Sequential):
        wrap = " (wrap a layer in one: nn.Sequential(layer))" if isinstance(net, nn.Layer) else ""
        raise TypeError(f"{name} must be a network, nn.Sequential(...), got {_validate.describe(net)}{wrap}")
    return net


def _path(path, name="path"):
    if isinstance(path, nn.Sequential) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file name (str or pathlib.Path), got {_validate.describe(path)}")
    return pathlib.Path(path)


def _architecture(net):
    for i, layer in enumerate(net.layers):
        if nn.LAYERS.get(type(layer).__name__) is not type(layer):
            raise TypeError(f"layer {i} is a {type(layer).__name__}, a class of its own: only the package's "
                            f"layers {sorted(nn.LAYERS)} can be saved (and loaded back)")
    return [{"layer": type(layer).__name__, **layer.config()} for layer in net.layers]


def _folder_for(path):
    folder = path.parent if str(path.parent) else pathlib.Path(".")
    if path.is_dir():
        raise IsADirectoryError(f"cannot save to {path}: it is a folder; give a file name such as {path / 'net.npz'}")
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot save to {path}: there is no folder {folder} (create it first)")
    if not os.access(folder, os.W_OK):
        raise PermissionError(f"cannot save to {path}: the folder {folder} is not writable")
    return folder


def save(net, path):
    """Write `net` to path (.npz). Writes a temporary file, then renames it over path, so a
    crash never leaves a half-written file under that name."""
    net, path = _network(net), _path(path)
    header = json.dumps({"format": FORMAT, "version": VERSION, "layers": _architecture(net)})
    arrays = {f"param:{k}": v for k, v in net.params.items()}
    folder = _folder_for(path)  # its own clear errors: a folder given, no folder, not writable
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError as exc:
        raise type(exc)(f"cannot save to {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, header=np.array(header), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise type(exc)(f"cannot save to {path}: {exc.strerror or exc}") from None
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def _open(path):
    """Every array in the .npz file at path; an error naming path if it is not one."""
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a network file")
    if not path.exists():
        raise FileNotFoundError(f"no network file at {path}")
    try:
        f = np.load(path, allow_pickle=False)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, AttributeError, TypeError) as exc:
        raise ValueError(f"{path} is not a readable network file (truncated or corrupted?): {exc}") from None
    if not isinstance(f, np.lib.npyio.NpzFile):  # np.load read a .npy file's single array
        raise ValueError(f"{path} holds a single array (a .npy file), not a network: "
                         "save networks with saving.save(net, path)")
    try:
        with f:
            return {k: f[k] for k in f.files}
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, AttributeError, TypeError) as exc:
        raise ValueError(f"{path} is not a readable network file (truncated or corrupted?): {exc}") from None


def _read(path):
    contents = _open(path)
    try:
        header = json.loads(str(contents.pop("header")))
    except (KeyError, json.JSONDecodeError):
        raise ValueError(f"{path} is not a dltutor network file: it has no valid header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{path} is not a dltutor network file (format "
                         f"{header.get('format') if isinstance(header, dict) else None!r})")
    if header.get("version") != VERSION:
        raise ValueError(f"{path} was written by format version {header.get('version')}; "
                         f"this dltutor reads version {VERSION}")
    return header["layers"], {k.removeprefix("param:"): v for k, v in contents.items()}


def _build(layers):
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
    """Copy params into net, after checking every name, shape and dtype (nothing written on error)."""
    expected = net.params
    if set(params) != set(expected):
        raise ValueError(f"{path} holds parameters {sorted(params)}, expected {sorted(expected)}")
    for k, v in params.items():
        if v.shape != expected[k].shape or v.dtype != expected[k].dtype:
            raise ValueError(f"{path}: parameter {k} has shape {v.shape} {v.dtype}, "
                             f"expected {expected[k].shape} {expected[k].dtype}")
    for k, v in expected.items():
        v[...] = params[k]
    return net


def load(path):
    """A new network, exactly as it was saved."""
    path = _path(path)
    layers, params = _read(path)
    try:
        net = _build(layers)
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"{path} holds an architecture that cannot be built: {exc}") from None
    return _fill(net, params, path)


def load_into(net, path):
    """Load saved parameters into `net`, whose architecture must match the file's.

    Everything is checked before anything is written, so on any error `net` is unchanged.
    """
    if isinstance(net, (str, os.PathLike)) and isinstance(path, nn.Sequential):
        raise TypeError("load_into(net, path): the network comes first, then the file name")
    net, path = _network(net), _path(path)
    layers, params = _read(path)
    if layers != _architecture(net):
        raise ValueError(f"{path} holds a different architecture:\n  file:    {layers}\n"
                         f"  network: {_architecture(net)}")
    return _fill(net, params, path)
