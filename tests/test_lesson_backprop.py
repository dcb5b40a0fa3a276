"""Notebook 04's lesson module: the computation graph, the layer exercises, mini-batch gradients,
the confusion matrix and the digit picker."""
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dltutor import data, gradcheck, nn, optim, slides, train  # noqa: E402
from dltutor.exercises import NotDone  # noqa: E402
from dltutor.lessons import backprop as bp  # noqa: E402


# --- the references are the package's layers, and the package's layers are the chain rule -------

def test_references_match_the_package_layers():
    X, W, dZ = bp._dense_case(0, 5, 4, 3)
    layer = nn.Dense.from_weights(W, np.zeros(3))
    layer.forward(X, train=True)
    dX = layer.backward(dZ)
    dW, db, dX_ref = bp.dense_backward_reference(X, W, dZ)
    np.testing.assert_allclose(dW, layer.grads["W"])
    np.testing.assert_allclose(db, layer.grads["b"])
    np.testing.assert_allclose(dX_ref, dX)
    A, dA = bp._sigmoid_case(0, 4, 3)
    act = nn.Sigmoid()
    act.A = A
    np.testing.assert_allclose(bp.sigmoid_backward_reference(A, dA), act.backward(dA))


def test_layer_gradient_reference_matches_numerical_gradient():
    X, W, b, T = bp._layer_case(0, 5)
    W = W.copy()
    numerical = gradcheck.numerical_gradient(lambda: nn.SquaredError()(nn.sigmoid(X @ W.T + b), T), W)
    assert gradcheck.relative_error(bp.layer_gradient_reference(X, W, b, T), numerical) < 1e-7


def test_chain_rule_on_one_weight_of_the_slides_network():
    net = slides.network()
    x, t = np.array([[1.0, -1.0]]), np.array([[0.0, 1.0]])
    Y = net.forward(x, train=True)
    net.backward(2 * (Y - t))
    W1 = net.layers[0].W
    numerical = gradcheck.numerical_gradient(lambda: float(np.sum((net.forward(x) - t) ** 2)), W1)
    np.testing.assert_allclose(net.grads["0.W"], numerical, atol=1e-9)
    assert np.isclose(net.grads["0.W"][0, 0], 0.005534, atol=5e-7)   # the number notebook 04 derives


# --- the exercises: correct variants pass ------------------------------------------------------------

def sigmoid_backward_loop(A, dA):
    out = np.empty_like(dA)
    for r in range(A.shape[0]):
        for i in range(A.shape[1]):
            out[r, i] = dA[r, i] * A[r, i] * (1 - A[r, i])
    return out


@pytest.mark.parametrize("right", [
    lambda A, dA: dA * A * (1 - A),
    lambda A, dA: dA * (A - A ** 2),
    sigmoid_backward_loop,
    lambda A, dA: (dA * A * (1 - A)).tolist(),                       # a list of lists
    lambda A, dA: dA.astype(np.float32) * A.astype(np.float32) * (1 - A.astype(np.float32)),
])
def test_check_sigmoid_backward_accepts_correct_forms(right):
    assert bp.check_sigmoid_backward(right).ok


@pytest.mark.parametrize("wrong, name", [
    (lambda A, dA: dA, "passed back unchanged"),
    (lambda A, dA: dA * A, "dA times a"),
    (lambda A, dA: dA * (1 - A), "dA times (1 - a)"),
    (lambda A, dA: dA * nn.sigmoid(A) * (1 - nn.sigmoid(A)), "applied to a again"),
    (lambda A, dA: -dA * A * (1 - A), "wrong sign"),
])
def test_check_sigmoid_backward_names_the_mistake(wrong, name):
    text = repr(bp.check_sigmoid_backward(wrong))
    assert "It looks like" in text and name in text
    assert "A * (1 - A)" not in text and "a (1 - a)" not in text      # no answer at level 1
    assert "a (1 - a)" in repr(bp.check_sigmoid_backward(wrong, hint=2))
    assert "return dA * A * (1 - A)" in repr(bp.check_sigmoid_backward(wrong, hint=3))


def dense_backward_loop(X, W, dZ):
    dW = np.zeros_like(W)
    db = np.zeros(W.shape[0])
    dX = np.zeros_like(X)
    for r in range(len(X)):
        dW += np.outer(dZ[r], X[r])
        db += dZ[r]
        dX[r] = W.T @ dZ[r]
    return dW, db, dX


@pytest.mark.parametrize("right", [
    bp.dense_backward_reference,
    dense_backward_loop,
    lambda X, W, dZ: [np.dot(dZ.T, X), np.sum(dZ, axis=0).tolist(), np.matmul(dZ, W)],   # a list, lists
    lambda X, W, dZ: tuple(p.astype(np.float32) for p in bp.dense_backward_reference(X, W, dZ)),
    lambda X, W, dZ: ((X.T @ dZ).T, np.ones(len(dZ)) @ dZ, (W.T @ dZ.T).T),
])
def test_check_dense_backward_accepts_correct_forms(right):
    assert bp.check_dense_backward(right).ok


def dense_dX_with_W_T(X, W, dZ):
    dW = dZ.T @ X
    db = dZ.sum(axis=0)
    dX = dZ @ W.T
    return dW, db, dX


def dense_shapes_wrong_elsewhere(X, W, dZ):
    dW = X @ dZ
    return dW, dZ.sum(axis=0), dZ @ W


@pytest.mark.parametrize("wrong, name", [
    (lambda X, W, dZ: (X.T @ dZ, dZ.sum(axis=0), dZ @ W), "dW transposed"),
    (lambda X, W, dZ: (dZ.T @ X, dZ, dZ @ W), "db not summed"),
    (lambda X, W, dZ: (dZ.T @ X, dZ.mean(axis=0), dZ @ W), "db averaged"),
    (lambda X, W, dZ: (dZ.T @ X / len(X), dZ.sum(axis=0), dZ @ W), "dW divided by the batch size"),
    (dense_dX_with_W_T, "dX multiplied by W^T"),
    (dense_shapes_wrong_elsewhere, "shapes do not fit"),
])
def test_check_dense_backward_names_the_mistake(wrong, name):
    text = repr(bp.check_dense_backward(wrong))
    assert "It looks like" in text and name in text
    assert "dZ.T @ X" not in text and not re.search(r"dZ @ W(?!\.T)|dZ W(?!\^T)", text)   # no answer


def layer_gradient_solution(X, W, b, T):
    A = nn.sigmoid(X @ W.T + b)
    dA = 2 * (A - T) / len(X)
    dZ = dA * A * (1 - A)
    return dZ.T @ X


def layer_gradient_loop(X, W, b, T):
    dW = np.zeros(W.shape)
    for r in range(len(X)):
        a = 1 / (1 + np.exp(-(W @ X[r] + b)))
        delta = 2 * (a - T[r]) / len(X) * a * (1 - a)
        dW += np.outer(delta, X[r])
    return dW


def layer_gradient_x_at_w(X, W, b, T):
    A = nn.sigmoid(X @ W + b)
    return A


@pytest.mark.parametrize("right", [
    layer_gradient_solution,
    layer_gradient_loop,
    lambda X, W, b, T: layer_gradient_solution(*(a.astype(np.float32) for a in (X, W, b, T))),
    lambda X, W, b, T: layer_gradient_solution(X, W, b, T).tolist(),
])
def test_check_layer_gradient_accepts_correct_forms(right):
    assert bp.check_layer_gradient(right).ok


@pytest.mark.parametrize("wrong, name", [
    (layer_gradient_x_at_w, "X @ W in the forward pass"),
    (lambda X, W, b, T: layer_gradient_solution(X, W, b, T) * len(X), "R times too large"),
    (lambda X, W, b, T: layer_gradient_solution(X, W, b, T) / 2, "half the right size"),
    (lambda X, W, b, T: (2 * (nn.sigmoid(X @ W.T + b) - T) / len(X)).T @ X, "left out"),
    (lambda X, W, b, T: -layer_gradient_solution(X, W, b, T), "wrong sign"),
    (lambda X, W, b, T: layer_gradient_solution(X, W, b, T).T, "transposed"),
])
def test_check_layer_gradient_names_the_mistake(wrong, name):
    text = repr(bp.check_layer_gradient(wrong))
    assert "It looks like" in text and name in text
    assert "dZ.T @ X" not in text


def test_placeholders_say_not_done_and_the_fallback_is_used(capsys):
    def placeholder(*args):
        raise NotDone
    for check in (bp.check_sigmoid_backward, bp.check_dense_backward, bp.check_layer_gradient):
        assert "not written yet" in repr(check(placeholder))
    assert bp.check_dense_backward.use(placeholder, fallback=bp.dense_backward_reference) is bp.dense_backward_reference
    assert "package's version" in capsys.readouterr().out


# --- figures and the widget -----------------------------------------------------------------------

def test_computation_graph_figure_draws_every_node():
    fig = bp.computation_graph_figure({"x": [1, -1], "C": 0.41}, {"z1": [0.1, 0.2], "W1": np.eye(2)})
    texts = [t.get_text() for t in fig.axes[0].texts]
    for node in ("$x$", "$z^1$", "$y$", "$C$", "$W^1, b^1$"):
        assert node in texts
    assert fig.axes[0].get_title()
    plt.close("all")


def test_mini_batch_gradients_scatter_around_the_full_gradient():
    X, y = data.load_digits()
    net = nn.Sequential(nn.Dense(64, 20, rng=0), nn.Sigmoid(), nn.Dense(20, 10, rng=1), nn.Softmax())

    def grad(idx):
        net.forward(X[idx], train=True)
        net.backward(nn.CrossEntropy().gradient_from_logits(net.layers[-1].Z, y[idx]), skip_last=True)
        return bp.flat_gradient(net)
    full = grad(np.arange(len(X)))
    rng = np.random.default_rng(0)
    small = np.array([grad(rng.choice(len(X), 10, replace=False)) for _ in range(100)])
    large = np.array([grad(rng.choice(len(X), 400, replace=False)) for _ in range(100)])
    cos_small = np.mean([bp.cosine(g, full) for g in small])
    cos_large = np.mean([bp.cosine(g, full) for g in large])
    assert 0 < cos_small < cos_large < 1
    assert np.linalg.norm(large.mean(axis=0) - full) < 0.1 * np.linalg.norm(full)
    assert bp.entry_name(net, 0) == "0.W[0, 0]" and bp.entry_name(net, 64 * 20) == "0.b[0]"
    assert bp.entry_name(net, len(full) - 1) == "2.b[9]"
    with pytest.raises(IndexError):
        bp.entry_name(net, len(full))
    fig, cos = bp.gradient_spread_figure(full, small, (0, 1), 10, names=["0.W[0, 0]", "0.W[0, 1]"])
    assert len(cos) == 100 and all(ax.get_xlabel() for ax in fig.axes)
    plt.close("all")


def test_confusion_figure_counts_and_colour_bar():
    y_true = np.array([0, 0, 1, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0, 0])
    fig, counts = bp.confusion_figure(y_true, y_pred)
    assert counts.shape == (10, 10) and counts[2, 0] == 2 and counts[0, 1] == 1 and np.trace(counts) == 4
    assert len(fig.axes) == 2                                  # the matrix and its colour bar
    plt.close("all")


@pytest.fixture(scope="module")
def small_digit_net():
    X, y = data.load_mnist()
    X_train, X_test, y_train, y_test = data.split(X, y, test_size=0.1, seed=0)
    net = nn.Sequential(nn.Dense(784, 10, rng=0), nn.Softmax())
    train.fit(net, X_train[:1000], y_train[:1000], optimizer=optim.SGD(net, lr=0.5), epochs=2, verbose=False)
    return net, X_test[:40], y_test[:40]


def test_digit_picker_widget(small_digit_net):
    net, X, y = small_digit_net
    w = bp.digit_picker_widget(net, X, y)
    assert w.last_error is None and w.image.value[:4] == b"\x89PNG"
    assert f"true digit {y[0]}" in w.text.value
    assert w.controls["index"].max == len(X) - 1
    assert w.sweep() == []


# --- the stored notebooks show no solution ---------------------------------------------------------

@pytest.mark.parametrize("name, checks", [
    ("03_cost_and_gradient_descent", ("check_total_cost", "check_gradient_descent", "check_learning_rate")),
    ("04_backpropagation", ("check_sigmoid_backward", "check_dense_backward", "check_layer_gradient")),
])
def test_no_executed_cell_or_stored_output_holds_a_solution(name, checks):
    import json
    import pathlib

    from dltutor.lessons import gradient_descent as gd
    lessons = {"03": gd, "04": bp}
    path = pathlib.Path(__file__).resolve().parent.parent / "notebooks" / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    lesson = lessons[name[:2]]
    solutions = [getattr(lesson, c).solution() for c in checks]
    answer_lines = [line.strip() for s in solutions for line in s.splitlines()
                    if line.strip() and not line.strip().startswith(("def ", "theta = np.array", "path = [", "return np.array(path)"))]
    answer_lines += ["eta_choice = 0.35", "check_learning_rate(0.35)"]  # the right rate, set in a cell
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        outputs = "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                          for o in cell.get("outputs", []))
        assert "Solution:" not in outputs, f"cell {i} shows a solution"
        for line in answer_lines:
            assert line.split("#")[0].strip() not in source, f"cell {i} runs the solution line {line!r}"
            assert line.split("#")[0].strip() not in outputs, f"cell {i} shows the solution line {line!r}"
        assert not any(o.get("output_type") == "error" for o in cell.get("outputs", [])), f"cell {i} failed"
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))


# --- slips learners make in the layer exercises ---------------------------------------------------

def layer_gradient_with(X, W, b, T, derivative, divide_by=None):
    Z = X @ W.T + b
    A = nn.sigmoid(Z)
    dA = 2 * (A - T) / (len(X) if divide_by is None else divide_by(A))
    return (dA * derivative(Z, A)).T @ X


@pytest.mark.parametrize("check, answer, name", [
    (bp.check_sigmoid_backward, lambda A, dA: dA @ (A * (1 - A)).T, "a matrix product"),
    (bp.check_sigmoid_backward, lambda A, dA: np.dot(dA, A * (1 - A)), "a matrix product"),
    (bp.check_sigmoid_backward, lambda A, dA: A * (1 - A), "dA left out"),
    (bp.check_sigmoid_backward, lambda A, dA: dA * (1 - A ** 2), "tanh"),
    (bp.check_sigmoid_backward, lambda A, dA: dA * A * (1 - A) / len(A), "divided by the batch size"),
    (bp.check_dense_backward, lambda X, W, dZ: (dZ.T @ X, dZ.sum(axis=0, keepdims=True), dZ @ W), "keepdims"),
    (bp.check_dense_backward, lambda X, W, dZ: (dZ.T @ X, dZ.sum(axis=1), dZ @ W), "wrong axis"),
    (bp.check_dense_backward, lambda X, W, dZ: (dZ.T @ X, dZ @ W, dZ.sum(axis=0)), "another order"),
    (bp.check_dense_backward, lambda X, W, dZ: (dZ.T @ X, dZ.sum(axis=0), dZ @ W / len(X)), "dX divided"),
    (bp.check_layer_gradient, lambda X, W, b, T: layer_gradient_with(X, W, b, T, lambda Z, A: A * (1 - A),
                                                                   divide_by=np.size), "R x n_out"),
    (bp.check_layer_gradient, lambda X, W, b, T: layer_gradient_with(X, W, b, T, lambda Z, A: Z * (1 - Z)),
     "written with z where"),
    (bp.check_layer_gradient, lambda X, W, b, T: layer_gradient_with(
        X, W, b, T, lambda Z, A: nn.sigmoid(A) * (1 - nn.sigmoid(A))), "applied to a again"),
    (bp.check_layer_gradient, lambda X, W, b, T: layer_gradient_solution(X, W, 0 * b, T), "bias left out"),
])
def test_checks_name_the_slips_learners_make(check, answer, name):
    text = repr(check(answer))
    assert "It looks like" in text and name in text, text
    ours = re.sub(r"in the line `[^`]*`", "", text)                # the learner's own line is quoted
    assert "Solution" not in ours and "Formula" not in ours
    assert "A * (1 - A)" not in ours and "dZ.T @ X" not in ours and "a (1 - a)" not in ours
