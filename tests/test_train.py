"""Training: networks learn, training is reproducible, divergence stops with a clear message."""
import numpy as np
import pytest

from dltutor import data, nn, optim, train


def test_small_network_learns_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Dense(2, 4, rng=rng), nn.Sigmoid(), nn.Dense(4, 2, rng=rng), nn.Softmax())
    history = train.fit(net, X, y, optimizer=optim.SGD(net, lr=2.0), epochs=1000, batch_size=4,
                        verbose=False)
    assert history["accuracy"][0] < 1.0  # it starts wrong ...
    np.testing.assert_array_equal(net.predict(X), y)  # ... and learns XOR
    assert history["cost"][-1] < 0.05


@pytest.fixture(scope="module")
def digits():
    X, y = data.load_digits()
    return data.split(X, y, test_size=0.25, seed=0)


def test_digits_network_reaches_95_percent(digits):
    X_train, X_test, y_train, y_test = digits
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Dense(64, 64, rng=rng), nn.Sigmoid(), nn.Dense(64, 10, rng=rng), nn.Softmax())
    history = train.fit(net, X_train, y_train, optimizer=optim.SGD(net, lr=0.5), epochs=30,
                        batch_size=32, validation=(X_test, y_test), verbose=False)
    accuracy = np.mean(net.predict(X_test) == y_test)
    assert accuracy >= 0.95, accuracy
    assert history["val_accuracy"][-1] == pytest.approx(accuracy)
    assert history["cost"][-1] < history["cost"][0]
    assert set(history) == {"cost", "accuracy", "val_cost", "val_accuracy"}
    assert history.epochs == 30


def _train_once(seed):
    X, y = data.load_digits()
    rng = np.random.default_rng(seed)
    net = nn.Sequential(nn.Dense(64, 32, rng=rng), nn.ReLU(), nn.Dropout(0.3, rng=rng),
                        nn.Dense(32, 10, rng=rng), nn.Softmax())
    history = train.fit(net, X[:500], y[:500], optimizer=optim.Adam(net, lr=0.01), epochs=3,
                        seed=seed, verbose=False)
    return net, history


def test_same_seed_bit_identical_weights_and_history():
    net_a, hist_a = _train_once(1)
    net_b, hist_b = _train_once(1)
    for k in net_a.params:
        np.testing.assert_array_equal(net_a.params[k], net_b.params[k])
    assert hist_a == hist_b
    net_c, _ = _train_once(2)
    assert not np.array_equal(net_a.params["0.W"], net_c.params["0.W"])


def test_divergence_stops_with_a_message_naming_epoch_step_and_learning_rate():
    X, y = data.load_digits()
    net = nn.Sequential(nn.Dense(64, 1, rng=0))  # linear regression: too large a rate explodes
    with pytest.raises(train.Diverged, match=r"epoch \d+, step \d+.*lr=10\b.*smaller.*lr=1\b"):
        train.fit(net, X, y[:, None].astype(float), optimizer=optim.SGD(net, lr=10), epochs=50,
                  verbose=False)


def test_progress_is_one_line_an_epoch_and_quiet_is_silent(capsys, digits):
    X_train, X_test, y_train, y_test = digits
    net = nn.Sequential(nn.Dense(64, 10, rng=0), nn.Softmax())
    train.fit(net, X_train, y_train, epochs=3, validation=(X_test, y_test))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("epoch 1/3 | cost ") and "val accuracy" in lines[0]
    train.fit(net, X_train, y_train, epochs=2, verbose=False)
    assert capsys.readouterr().out == ""


def test_evaluate_matches_predictions(digits):
    X_train, X_test, y_train, y_test = digits
    net = nn.Sequential(nn.Dense(64, 10, rng=0), nn.Softmax())
    result = train.evaluate(net, X_test, y_test)
    assert result["accuracy"] == pytest.approx(np.mean(net.predict(X_test) == y_test))
    Y = net.forward(X_test)
    assert result["cost"] == pytest.approx(np.mean(-np.log(Y[np.arange(len(y_test)), y_test])))


def test_regression_with_squared_error():
    X, Y = data.function_1d(np.sin, n=100, low=-3, high=3, seed=0)
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Dense(1, 20, rng=rng), nn.Sigmoid(), nn.Dense(20, 1, rng=rng))
    history = train.fit(net, X, Y, optimizer=optim.Adam(net, lr=0.05), epochs=200, batch_size=20,
                        verbose=False)
    assert history["accuracy"] == []
    assert history["cost"][-1] < 0.01 < history["cost"][0]


def test_mnist_subset_loads():
    X, y = data.load_mnist()
    assert X.shape == (5000, 784) and X.dtype == np.float64 and 0 <= X.min() and X.max() == 1
    np.testing.assert_array_equal(np.bincount(y), np.full(10, 500))
    images, labels = data.load_mnist(images=True)
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    B = data.binarize(X)
    assert set(np.unique(B)) == {0.0, 1.0}
    X_train, X_test, y_train, y_test = data.split(X, y, test_size=0.2, seed=0)
    np.testing.assert_array_equal(np.bincount(y_test), np.full(10, 100))  # stratified


def test_parity_data():
    X, y = data.parity(3)
    assert X.shape == (8, 3)
    np.testing.assert_array_equal(y, [0, 1, 1, 0, 1, 0, 0, 1])
