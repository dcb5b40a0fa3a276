"""Saving and loading: an exact round trip without pickle; bad files get clear errors."""
import json
import zipfile

import numpy as np
import pytest

from dltutor import nn, saving


@pytest.fixture
def net():
    rng = np.random.default_rng(0)
    return nn.Sequential(nn.Dense(4, 6, rng=rng), nn.ReLU(), nn.Dense(6, 8, rng=rng), nn.Maxout(2),
                         nn.Dropout(0.25, scaling="inverted"), nn.Dense(4, 3, rng=rng), nn.Softmax())


def test_round_trip_is_exact(net, tmp_path):
    path = tmp_path / "net.npz"
    saving.save(net, path)
    loaded = saving.load(path)
    assert repr(loaded) == repr(net)
    for k, v in net.params.items():
        assert loaded.params[k].dtype == v.dtype
        np.testing.assert_array_equal(loaded.params[k], v)
    X = np.random.default_rng(1).standard_normal((5, 4))
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))
    assert loaded.layers[4].scaling == "inverted" and loaded.layers[4].p == 0.25


def test_float32_round_trip(tmp_path):
    net = nn.Sequential(nn.Dense(3, 2, rng=0, dtype=np.float32), nn.Sigmoid())
    saving.save(net, tmp_path / "f32.npz")
    assert saving.load(tmp_path / "f32.npz").params["0.W"].dtype == np.float32


def test_file_holds_no_pickle(net, tmp_path):
    path = tmp_path / "net.npz"
    saving.save(net, path)
    with np.load(path, allow_pickle=False) as f:  # would raise if any entry needed pickle
        assert all(f[k].dtype != object for k in f.files)


def test_load_into_checks_architecture_and_leaves_net_unchanged(net, tmp_path):
    path = tmp_path / "other.npz"
    saving.save(nn.Sequential(nn.Dense(4, 3, rng=0), nn.Softmax()), path)
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(ValueError, match="different architecture"):
        saving.load_into(net, path)
    for k in before:
        np.testing.assert_array_equal(net.params[k], before[k])


def test_load_into_copies_in_place(net, tmp_path):
    path = tmp_path / "net.npz"
    saving.save(net, path)
    twin = nn.Sequential(nn.Dense(4, 6, rng=5), nn.ReLU(), nn.Dense(6, 8, rng=5), nn.Maxout(2),
                         nn.Dropout(0.25, scaling="inverted"), nn.Dense(4, 3, rng=5), nn.Softmax())
    W = twin.layers[0].W
    saving.load_into(twin, path)
    assert twin.layers[0].W is W
    np.testing.assert_array_equal(W, net.layers[0].W)


def test_truncated_file(net, tmp_path):
    path = tmp_path / "net.npz"
    saving.save(net, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        saving.load(path)


def test_corrupted_file(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_bytes(b"this is not a network" * 10)
    with pytest.raises(ValueError, match="not a readable network file"):
        saving.load(path)


def _rewrite_header(path, **changes):
    with np.load(path, allow_pickle=False) as f:
        contents = {k: f[k] for k in f.files}
    header = json.loads(str(contents["header"]))
    header.update(changes)
    contents["header"] = np.array(json.dumps(header))
    np.savez(path, **contents)


def test_wrong_version(net, tmp_path):
    path = tmp_path / "net.npz"
    saving.save(net, path)
    _rewrite_header(path, version=99)
    with pytest.raises(ValueError, match="version 99"):
        saving.load(path)


def test_wrong_shapes_in_file(net, tmp_path):
    path = tmp_path / "net.npz"
    saving.save(net, path)
    with np.load(path, allow_pickle=False) as f:
        contents = {k: f[k] for k in f.files}
    contents["param:0.W"] = np.zeros((2, 2))
    np.savez(path, **contents)
    with pytest.raises(ValueError, match=r"0\.W has shape \(2, 2\)"):
        saving.load(path)


def test_not_a_network_npz(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, x=np.arange(3))
    with pytest.raises(ValueError, match="no valid header"):
        saving.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no network file"):
        saving.load(tmp_path / "nothing.npz")


def test_a_failed_save_leaves_the_old_file_intact(net, tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    saving.save(net, path)
    old = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        saving.save(net, path)
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]  # no temporary file left behind
    assert zipfile.is_zipfile(path)
