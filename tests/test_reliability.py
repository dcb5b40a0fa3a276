"""Correct behaviour at the edges, and tests that catch single-line slips in the core."""
import numpy as np
import pytest

from dltutor import cost, data, gradcheck, nn, optim, saving, train


def test_cross_entropy_gradient_from_logits_matches_central_differences_for_any_targets(rng):
    Z = rng.standard_normal((4, 3))
    T = rng.uniform(0, 2, (4, 3))  # rows that do not sum to 1
    ce = cost.CrossEntropy()
    numeric = gradcheck.numerical_gradient(lambda: ce.from_logits(Z, T), Z)
    np.testing.assert_allclose(ce.gradient_from_logits(Z, T), numeric, rtol=1e-6, atol=1e-9)
    assert not np.allclose(ce.gradient_from_logits(Z, T), (nn.softmax(Z) - T) / 4, atol=1e-3)


def test_softmax_and_cross_entropy_at_infinite_and_huge_logits():
    np.testing.assert_array_equal(nn.softmax(np.array([[np.inf, 0.0, np.inf]])), [[0.5, 0.0, 0.5]])
    ce = cost.CrossEntropy()
    assert ce.from_logits(np.array([[1e308, -1e308]]), [0]) == 0.0
    assert ce.from_logits(np.array([[1e308, -1e308]]), [1]) == np.inf
    assert np.isfinite(ce.gradient_from_logits(np.array([[1e308, -1e308]]), [1])).all()


def test_training_that_grows_far_past_its_start_stops_with_a_message(rng):
    X, y = rng.uniform(0, 1, (200, 3)), rng.integers(0, 3, 200)
    net = nn.Sequential(nn.Dense(3, 20, rng=0), nn.ReLU(), nn.Dense(20, 3, rng=1), nn.Softmax())
    with pytest.raises(train.Diverged, match=r"training diverged at epoch \d+, step \d+.*lr=10000.*lr=1000"):
        train.fit(net, X, y, optimizer=optim.SGD(net, lr=1e4), epochs=50, batch_size=10, verbose=False)


def test_an_infinite_cost_from_the_start_is_divergence_too():
    net = nn.Sequential(nn.Dense.from_weights([[1e200]], [0.0]))
    with pytest.raises(train.Diverged, match="the cost became inf"):
        train.fit(net, [[1.0], [2.0]], [[0.0], [1.0]], epochs=1, verbose=False)


@pytest.mark.parametrize("p", [0.2, 0.3])
def test_dropout_backward_at_test_time_multiplies_by_one_minus_p(p, rng):
    layer = nn.Dropout(p, rng=0)
    layer.forward(np.ones((2, 4)), train=False)
    dA = rng.standard_normal((2, 4))
    np.testing.assert_allclose(layer.backward(dA), (1 - p) * dA)
    assert layer.test_factor == pytest.approx(1 - p)
    inverted = nn.Dropout(p, scaling="inverted")
    assert inverted.keep_scale == pytest.approx(1 / (1 - p)) and inverted.test_factor == 1.0


def test_default_dropout_layers_get_streams_of_their_own():
    net = nn.Sequential(nn.Dense(4, 50, rng=0), nn.Dropout(0.3), nn.Dense(50, 50, rng=1), nn.Dropout(0.3),
                        nn.Dense(50, 2, rng=2))
    net.forward(np.ones((6, 4)), train=True)
    assert not np.array_equal(net.layers[1].mask, net.layers[3].mask)
    twin = nn.Sequential(nn.Dense(4, 50, rng=0), nn.Dropout(0.3), nn.Dense(50, 50, rng=1), nn.Dropout(0.3),
                         nn.Dense(50, 2, rng=2))
    twin.forward(np.ones((6, 4)), train=True)
    np.testing.assert_array_equal(net.layers[1].mask, twin.layers[1].mask)  # seeded: reproducible
    other = nn.Sequential(nn.Dense(4, 50, rng=0), nn.Dropout(0.3), nn.Dense(50, 2, rng=2), seed=1)
    other.forward(np.ones((6, 4)), train=True)
    assert not np.array_equal(other.layers[1].mask, net.layers[1].mask)


def test_fix_mask_applies_the_keep_pattern_times_keep_scale():
    drop = nn.Dropout(0.3, scaling="inverted")
    drop.fix_mask([[1, 0, 1]])
    np.testing.assert_allclose(drop.forward(np.ones((1, 3)), train=True), [[1 / 0.7, 0, 1 / 0.7]])
    drop.release_mask()
    assert drop.mask is None and not drop.frozen


def test_load_digits_is_scaled_to_0_1():
    X, y = data.load_digits()
    assert X.min() == 0.0 and X.max() == 1.0 and X.shape == (1797, 64)


def test_binarize_threshold_boundary_and_uint8_agree():
    X = np.array([[0.5, np.nextafter(0.5, 1), 0.2, 1.0]])
    np.testing.assert_array_equal(data.binarize(X), [[0, 1, 0, 1]])
    pixels = np.array([[0, 127, 128, 255]], dtype=np.uint8)
    np.testing.assert_array_equal(data.binarize(pixels), data.binarize(pixels / 255.0))
    np.testing.assert_array_equal(data.binarize(pixels), [[0, 0, 1, 1]])


def test_astype_returns_a_new_network():
    net = nn.Sequential(nn.Dense(3, 2, rng=0), nn.Softmax())
    net32 = net.astype(np.float32)
    assert net32 is not net and net.dtype == np.float64 and net32.dtype == np.float32
    np.testing.assert_allclose(net32.params["0.W"], net.params["0.W"], rtol=1e-7)


def test_numerical_gradient_of_a_view_that_is_not_contiguous(rng):
    A = rng.standard_normal((4, 4))
    view = A[:, ::2]
    grad = gradcheck.numerical_gradient(lambda: float(np.sum(view ** 2)), view)
    np.testing.assert_allclose(grad, 2 * view, rtol=1e-6)


def test_evaluate_and_predict_warn_about_raw_pixels():
    net = nn.Sequential(nn.Dense(3, 2, rng=0), nn.Softmax())
    with pytest.warns(UserWarning, match="divide by 255"):
        train.evaluate(net, np.full((2, 3), 255.0), [0, 1])
    with pytest.warns(UserWarning, match="divide by 255"):
        net.predict(np.full((2, 3), 255.0))


def test_the_loader_refuses_pickle_and_a_changed_dtype(tmp_path):
    net = nn.Sequential(nn.Dense(3, 2, rng=0), nn.Softmax())
    path = tmp_path / "net.npz"
    saving.save(net, path)
    with np.load(path) as f:
        contents = {k: f[k] for k in f.files}
    contents["param:0.W"] = contents["param:0.W"].astype(np.float32)
    np.savez(tmp_path / "f32.npz", **contents)
    with pytest.raises(ValueError, match=r"parameter 0.W has shape \(2, 3\) float32, expected \(2, 3\) float64"):
        saving.load(tmp_path / "f32.npz")
    contents["param:0.W"] = np.array([object()] * 6, dtype=object).reshape(2, 3)
    np.savez(tmp_path / "pickled.npz", **contents)
    with pytest.raises(ValueError, match="not a readable network file"):
        saving.load(tmp_path / "pickled.npz")


def test_show_images_checks_its_input():
    plot = pytest.importorskip("dltutor.plot")
    with pytest.raises(ValueError, match="one 1-D array"):
        plot.show_images(np.zeros(64))
    with pytest.raises(ValueError, match="h = w"):
        plot.show_images(np.zeros((2, 10)))
