"""Notebook 01's lesson module: figures, widgets and the exercise checks."""
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dltutor import data, nn, slides  # noqa: E402
from dltutor.lessons import neurons  # noqa: E402


def sigma(z):
    return 1 / (1 + np.exp(-z))


# --- the solutions the notebook shows, and typical wrong answers ---------------------------------

def neuron_solution(a, w, b):
    z = np.sum(a * w) + b
    return 1 / (1 + np.exp(-z))


def layer_solution(a, W, b):
    return 1 / (1 + np.exp(-(W @ a + b)))


def network_solution(x, Ws, bs):
    a = x
    for W, b in zip(Ws, bs):
        a = 1 / (1 + np.exp(-(W @ a + b)))
    return a


def test_slides_forward_gives_the_slides_numbers():
    for x, want in slides.NETWORK_OUTPUTS.items():
        outputs = neurons.slides_forward(x)
        assert len(outputs) == 3
        for got, w in zip(outputs, want):
            np.testing.assert_allclose(np.round(got, 2), w)


def test_sigma_is_stable_and_right():
    z = np.array([-1000.0, -3.0, 0.0, 4.0, 1000.0])
    with np.errstate(all="raise"):
        got = neurons.sigma(z)
    np.testing.assert_allclose(got[1:4], 1 / (1 + np.exp(-z[1:4])))
    assert got[0] == 0.0 and got[-1] == 1.0


def only_first_layer(x, Ws, bs):
    return sigma(Ws[0] @ x + bs[0])


def three_layers_hard_coded(x, Ws, bs):
    a = x
    for W, b in list(zip(Ws, bs))[:3]:
        a = sigma(W @ a + b)
    return a


def no_last_sigma(x, Ws, bs):
    a = x
    for W, b in zip(Ws[:-1], bs[:-1]):
        a = sigma(W @ a + b)
    return Ws[-1] @ a + bs[-1]


def test_the_package_agrees_with_the_network_solution():
    net = slides.network()
    for x in [(1.0, -1.0), (0.0, 0.0), (-2.0, 3.0)]:
        want = network_solution(np.array(x), slides.NETWORK["W"], slides.NETWORK["b"])
        np.testing.assert_allclose(net.forward(np.array([x]))[0], want)


# --- widgets and figures ------------------------------------------------------------------------

@pytest.mark.parametrize("builder", ["neuron_1d_widget", "neuron_2d_widget", "network_widget"])
def test_widgets_draw_everywhere_and_fast(builder):
    widget = getattr(neurons, builder)()
    assert widget.last_error is None and widget.image.value
    assert all(control.description for control in widget.controls.values())
    assert widget.sweep() == []
    # CPU time of this process, so that a busy machine does not fail the test.
    start = time.process_time()
    widget.update()
    assert time.process_time() - start < 1.0


def test_network_widget_shows_the_slides_output_and_reacts():
    widget = neurons.network_widget()
    assert "f([1, -1]) = [0.62, 0.83]" in widget.text.value
    widget.controls["x1"].value = 0.0
    widget.controls["x2"].value = 0.0
    assert "f([0, 0]) = [0.51, 0.85]" in widget.text.value
    # Picking a parameter resets the value slider to that parameter's value in the slides.
    widget.controls["parameter"].value = ("b", 3, 0)
    assert widget.controls["value"].value == -2.0
    widget.controls["value"].value = 2.0
    assert "changed the marked parameter from -2 to 2" in widget.text.value
    widget.controls["parameter"].value = ("W", 1, 0, 1)
    assert widget.controls["value"].value == -2.0
    assert "changed" not in widget.text.value


def test_neuron_2d_widget_reports_the_slides_neuron():
    widget = neurons.neuron_2d_widget()
    assert "a = 0.98" in widget.text.value


@pytest.mark.parametrize("sizes", [[2, 2, 2, 2], [784, 16, 16, 10], [1, 1], [3, 7, 1]])
def test_draw_network(sizes):
    fig, ax = plt.subplots()
    neurons.draw_network(ax, sizes, output_labels=[f"is {d}" for d in range(sizes[-1])])
    plt.close(fig)


def test_draw_network_with_weights_values_and_highlight():
    fig, ax = plt.subplots()
    outputs = neurons.slides_forward([1, -1])
    neurons.draw_network(ax, [2, 2, 2, 2], weights=slides.NETWORK["W"], biases=slides.NETWORK["b"],
                         values=[np.array([1, -1])] + outputs, highlight=("b", 2, 1))
    texts = {t.get_text() for t in ax.texts}
    assert {"0.98", "0.12", "0.86", "0.11", "0.62", "0.83"} <= texts
    plt.close(fig)


def test_digit_as_vector_and_function_map():
    images, labels = data.load_mnist(images=True)
    fig = neurons.digit_as_vector(images[0], labels[0])
    assert len(fig.axes) == 3
    plt.close(fig)
    fig, ax = plt.subplots()
    neurons.function_map(ax, slides.network())
    plt.close(fig)
    assert isinstance(slides.network().layers[0], nn.Dense)


# --- the exercise checkers: correct variants pass, typical wrong answers are named -----------------

def neuron_loop(a, w, b):
    z = b
    for ak, wk in zip(a, w):
        z += ak * wk
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("answer", [neuron_solution, neuron_loop, lambda a, w, b: sigma(a @ w + b),
                                    lambda a, w, b: np.float32(sigma(np.sum(a * w) + b)),
                                    lambda a, w, b: float(sigma(np.dot(a, w) + b))])
def test_check_neuron_accepts_correct_variants(answer):
    assert neurons.check_neuron(answer).ok


@pytest.mark.parametrize("answer, name", [
    (lambda a, w, b: np.sum(a * w) + b, "without the activation"),
    (lambda a, w, b: sigma(np.sum(a * w)), "bias is missing"),
    (lambda a, w, b: sigma(a * w + b), "not added up"),
    (lambda a, w, b: 1 / (1 + np.exp(np.sum(a * w) + b)), "sign in the sigmoid"),
    (lambda a, w, b: sigma(np.sum(a * w + b)), "K times"),
])
def test_check_neuron_names_the_mistake(answer, name):
    text = repr(neurons.check_neuron(answer))
    assert name in text and "np.exp" not in text, text


def layer_loop(a, W, b):
    return [float(sigma(sum(W[j, k] * a[k] for k in range(len(a))) + b[j])) for j in range(len(b))]


@pytest.mark.parametrize("answer", [layer_solution, layer_loop,
                                    lambda a, W, b: sigma(np.float32(W) @ np.float32(a) + np.float32(b)),
                                    lambda a, W, b: sigma(a @ W.T + b)])
def test_check_layer_accepts_correct_variants(answer):
    feedback = neurons.check_layer(answer)
    assert feedback.ok
    assert "matrix product" not in repr(feedback)   # a loop is not praised for a product it lacks


@pytest.mark.parametrize("answer, name", [
    (lambda a, W, b: sigma(W.T @ a + b), "W.T"),
    (lambda a, W, b: W @ a + b, "without the activation"),
    (lambda a, W, b: sigma(W @ a), "biases are missing"),
    (lambda a, W, b: float(np.sum(sigma(W @ a + b))), "one number"),
])
def test_check_layer_names_the_mistake(answer, name):
    text = repr(neurons.check_layer(answer))
    assert name in text and "W @ a + b)" not in text, text


def test_check_layer_reports_a_shape_error_without_crashing():
    text = repr(neurons.check_layer(lambda a, W, b: sigma(a @ W + b)))
    assert "Not yet" in text


@pytest.mark.parametrize("answer", [network_solution,
                                    lambda x, Ws, bs: list(network_solution(x, Ws, bs)),
                                    lambda x, Ws, bs: network_solution(np.float32(x), [np.float32(W) for W in Ws],
                                                                       [np.float32(b) for b in bs])])
def test_check_network_accepts_correct_variants(answer):
    assert neurons.check_network(answer).ok


@pytest.mark.parametrize("answer, name", [
    (only_first_layer, "earlier layer"),
    (no_last_sigma, "without its sigma"),
    (lambda x, Ws, bs: network_solution(x, [W.T for W in Ws], bs), "W.T"),
])
def test_check_network_names_the_mistake(answer, name):
    text = repr(neurons.check_network(answer))
    assert name in text, text


def test_network_widget_caption_names_saturated_neurons():
    Ws = [W.copy() for W in slides.NETWORK["W"]]
    bs = [b.copy() for b in slides.NETWORK["b"]]
    bs[0][1] = -3.0
    y = neurons.slides_forward([1.0, -1.0], Ws, bs)[-1]
    assert np.allclose(y.round(2), [0.62, 0.83])          # unchanged, because ...
    text = neurons.saturation_text([1.0, -1.0], Ws, bs)
    assert "layer 1 neuron 2 (z = -5.0)" in text and "flat" in text
    assert "No neuron" in neurons.saturation_text([1.0, -1.0], slides.NETWORK["W"], slides.NETWORK["b"])


# --- other correct forms and slips: one number as a list, a column, and the slips learners make ---

def network_column(x, Ws, bs):
    a = x.reshape(-1, 1)
    for W, b in zip(Ws, bs):
        a = sigma(W @ a + b.reshape(-1, 1))
    return a                                          # a column, the way the maths writes vectors


@pytest.mark.parametrize("check, answer", [
    (neurons.check_neuron, lambda a, w, b: [sigma(a @ w + b)]),                  # one number in a list
    (neurons.check_neuron, lambda a, w, b: sigma(a.reshape(1, -1) @ w + b)),     # an array of one number
    (neurons.check_layer, lambda a, W, b: sigma(W @ a.reshape(-1, 1) + b.reshape(-1, 1))),   # a column
    (neurons.check_network, network_column),
])
def test_checks_accept_one_number_in_an_array_and_a_column(check, answer):
    assert check(answer).ok, repr(check(answer))


def network_fed_x_every_layer(x, Ws, bs):
    for W, b in zip(Ws, bs):
        a = sigma(W @ x + b)
    return a


def network_sigma_at_the_end(x, Ws, bs):
    a = x
    for W, b in zip(Ws, bs):
        a = W @ a + b
    return sigma(a)


def network_without_sigma(x, Ws, bs):
    a = x
    for W, b in zip(Ws, bs):
        a = W @ a + b
    return a


def network_every_output(x, Ws, bs):
    a, outputs = x, []
    for W, b in zip(Ws, bs):
        a = sigma(W @ a + b)
        outputs.append(a)
    return outputs


def network_from_layer_2(x, Ws, bs):
    a = x
    for l in range(1, len(Ws)):
        a = sigma(Ws[l] @ a + bs[l])
    return a


def network_column_and_flat_b(x, Ws, bs):
    a = x.reshape(-1, 1)
    for W, b in zip(Ws, bs):
        a = sigma(W @ a + b)
    return a


@pytest.mark.parametrize("check, answer, name", [
    (neurons.check_neuron, lambda a, w, b: sigma(a @ w) + b, "before the bias"),
    (neurons.check_neuron, lambda a, w, b: np.sum(sigma(a * w)) + b, "each product before adding up"),
    (neurons.check_neuron, lambda a, w, b: 1 / 1 + np.exp(-(a @ w + b)), "parentheses"),
    (neurons.check_neuron, lambda a, w, b: 1 / (1 - np.exp(-(a @ w + b))), "sign in the denominator"),
    (neurons.check_neuron, lambda a, w, b: np.tanh(a @ w + b), "tanh"),
    (neurons.check_layer, lambda a, W, b: sigma(W @ a.reshape(-1, 1) + b), "broadcasts"),
    (neurons.check_layer, lambda a, W, b: sigma(W @ a) + b, "before the biases"),
    (neurons.check_layer, lambda a, W, b: sigma(np.sum(W * a, axis=0) + b), "axis 0"),
    (neurons.check_layer, lambda a, W, b: 1 / (1 + np.exp(W @ a + b)), "sigma(-z)"),
    (neurons.check_network, network_fed_x_every_layer, "every layer was fed x"),
    (neurons.check_network, network_sigma_at_the_end, "sigma only once"),
    (neurons.check_network, network_without_sigma, "no sigma at all"),
    (neurons.check_network, network_every_output, "every layer's output"),
    (neurons.check_network, network_from_layer_2, "first layer was skipped"),
    (neurons.check_network, network_column_and_flat_b, "broadcasts"),
])
def test_checks_name_the_slips_learners_make(check, answer, name):
    text = repr(check(answer))
    assert "It looks like" in text and name in text, text
    assert "Solution" not in text and "Formula" not in text and "W @ a + b)" not in text
    assert "Formula" in repr(check(answer, hint=2)) and "Solution" in repr(check(answer, hint=3))


def test_check_layer_does_not_call_an_unsummed_table_a_broadcast():
    text = repr(neurons.check_layer(lambda a, W, b: sigma(W * a + b[:, None])))
    assert "Not yet" in text and "broadcasts" not in text, text


def test_a_wrong_shape_for_one_number_is_said_in_words():
    text = repr(neurons.check_neuron(lambda a, w, b: sigma(np.outer(a, w) + b)))
    assert "has shape (2, 2), expected one number" in text, text
