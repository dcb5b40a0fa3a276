"""Every worked number of the tutorial, computed by the package."""
import numpy as np

from dltutor import nn, optim, slides


def test_slides_network_every_layer():
    net = slides.network()
    for x, layers in slides.NETWORK_OUTPUTS.items():
        A = np.array([x], dtype=float)
        outputs = []
        for layer in net.layers:
            A = layer.forward(A)
            if isinstance(layer, nn.Sigmoid):
                outputs.append(A[0])
        np.testing.assert_array_equal(np.round(outputs, 2), layers)


def test_slides_network_outputs():
    net = slides.network()
    Y = net.forward([[1, -1], [0, 0]])
    np.testing.assert_array_equal(np.round(Y, 2), [[0.62, 0.83], [0.51, 0.85]])


def test_slides_network_weights_match_the_issue():
    np.testing.assert_array_equal(slides.network().layers[0].W, [[1, -2], [-1, 1]])
    np.testing.assert_array_equal(slides.network().layers[4].b, [-2, 2])


def test_softmax_example():
    z = slides.SOFTMAX_Z
    np.testing.assert_array_equal([float(f"{v:.2g}") for v in np.exp(z)], [20, 2.7, 0.05])
    y = nn.softmax(z[None, :])[0]
    np.testing.assert_array_equal(np.round(y, 2), slides.SOFTMAX_Y)
    assert 0 < y[2] < 0.005  # "~0": small but positive
    assert np.all((0 < y) & (y < 1)) and np.isclose(y.sum(), 1)


def test_adagrad_table():
    eta = 0.5
    point = optim.Point(w1=0.0, w2=0.0)
    opt = optim.Adagrad(point, lr=eta)
    for t in range(2):
        for key, gs in slides.ADAGRAD_GRADIENTS.items():
            point.grads[key][...] = gs[t]
        opt.step()
        for key, divisors in slides.ADAGRAD_DIVISORS.items():
            # eta_w = eta / divisor: the slides round the divisor to two significant figures.
            assert float(f"{float(eta / opt.rate(key)):.2g}") == divisors[t]
    # Observation 1: the rate shrinks for every parameter. Observation 2: the parameter with the
    # smaller derivatives (w1) gets the larger learning rate.
    assert opt.rate("w1") > opt.rate("w2")


def test_word_error_rate_table():
    assert [row[2] for row in slides.WER_DEEP] == [24.2, 20.4, 18.4, 17.8, 17.2, 17.1]
    assert [row[2] for row in slides.WER_FAT] == [22.5, 22.6, 22.1]
    # Deeper is better in the table, and a fat network of the same size is worse than the deep one.
    assert slides.WER_FAT[0][2] > slides.WER_DEEP[4][2] and slides.WER_FAT[1][2] > slides.WER_DEEP[5][2]
