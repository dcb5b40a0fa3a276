"""Dropout: a new mask each mini-batch, the right fraction dropped, both forms agree in expectation."""
import numpy as np
import pytest

from dltutor import nn


def test_new_mask_each_training_forward_none_at_test():
    layer = nn.Dropout(0.5, rng=0)
    A = np.ones((4, 100))
    first, second = layer.forward(A, train=True), layer.forward(A, train=True)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(layer.forward(A, train=False), 0.5 * A)  # weights times (1 - p)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_fraction_dropped_is_p(p):
    kept = nn.Dropout(p, rng=1).forward(np.ones((200, 500)), train=True) != 0
    # 100,000 Bernoulli draws: the standard error of the fraction is below 0.0016; allow 5 of them.
    assert abs((1 - kept.mean()) - p) < 0.008


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_slides_and_inverted_forms_give_the_same_expected_output(p):
    """Slides: train a*m, test a*(1-p). Inverted: train a*m/(1-p), test a. Compare the mean training
    output of each form (over many masks) with the test output of the *slides* form, scaled to match."""
    rng = np.random.default_rng(0)
    A = rng.uniform(0.5, 2.0, size=(1, 50))
    slides, inverted = nn.Dropout(p, rng=1), nn.Dropout(p, rng=2, scaling="inverted")
    n = 20_000
    mean_slides = np.mean([slides.forward(A, train=True) for _ in range(n)], axis=0)
    mean_inverted = np.mean([inverted.forward(A, train=True) for _ in range(n)], axis=0)
    # E[a m] = (1 - p) a = the slides' test output; E[a m / (1 - p)] = a = the inverted test output.
    # Standard error of each mean <= 2 * sqrt(p (1-p) / n) / (1 - p) < 0.02: a tolerance of 0.05.
    np.testing.assert_allclose(mean_slides, slides.forward(A, train=False), atol=0.05)
    np.testing.assert_allclose(mean_inverted, inverted.forward(A, train=False), atol=0.05)
    # The two networks' outputs differ by exactly the factor (1 - p), at test and on average.
    np.testing.assert_allclose(slides.forward(A) / (1 - p), inverted.forward(A))
    np.testing.assert_allclose(mean_slides / (1 - p), mean_inverted, atol=0.08)


def test_slides_test_scaling_equals_scaling_next_weights():
    rng = np.random.default_rng(0)
    p = 0.5
    dense = nn.Dense(6, 3, rng=rng)
    A = rng.standard_normal((4, 6))
    with_layer = dense.forward(nn.Dropout(p).forward(A, train=False))
    scaled = nn.Dense.from_weights(dense.W * (1 - p), dense.b).forward(A)
    np.testing.assert_allclose(with_layer, scaled)


def test_same_seed_same_masks():
    a = nn.Dropout(0.5, rng=7).forward(np.ones((3, 10)), train=True)
    b = nn.Dropout(0.5, rng=7).forward(np.ones((3, 10)), train=True)
    np.testing.assert_array_equal(a, b)


def test_p_zero_is_identity():
    A = np.arange(6.0).reshape(2, 3)
    layer = nn.Dropout(0.0)
    np.testing.assert_array_equal(layer.forward(A, train=True), A)
    np.testing.assert_array_equal(layer.forward(A, train=False), A)
