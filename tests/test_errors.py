"""Bad input gets a clear error: the exception type, and a message naming the argument and what
was expected. One row of the table per mistake a learner can make."""
import numpy as np
import pytest

from dltutor import cost, data, gradcheck, nn, optim, saving, train


def _net():
    return nn.Sequential(nn.Dense(3, 4, rng=0), nn.Sigmoid(), nn.Dense(4, 10, rng=0), nn.Softmax())


X3 = np.ones((5, 3))
Y10 = np.arange(5)


def _forward_then_backward(layer, X, dY):
    layer.forward(X)
    return layer.backward(dY)


NAN_X = np.array([[1.0, np.nan, 0.0]])
INF_X = np.array([[1.0, np.inf, 0.0]])

BAD_INPUTS = [
    # (what the learner did, call, exception, message pattern naming the argument and the expectation)
    ("Dense with 0 inputs", lambda: nn.Dense(0, 3), ValueError, r"n_in must be a whole number >= 1, got 0"),
    ("Dense with 2.5 inputs", lambda: nn.Dense(2.5, 3), ValueError, r"n_in must be a whole number"),
    ("Dense with -1 outputs", lambda: nn.Dense(3, -1), ValueError, r"n_out must be a whole number >= 1"),
    ("Dense W of the wrong shape", lambda: nn.Dense(2, 3, W=np.ones((2, 3))), ValueError,
     r"W must have shape \(n_out, n_in\) = \(3, 2\), got \(2, 3\)"),
    ("Dense b of the wrong shape", lambda: nn.Dense(2, 3, b=np.ones(2)), ValueError,
     r"b must have shape \(n_out,\) = \(3,\), got \(2,\)"),
    ("Dense with an int dtype", lambda: nn.Dense(2, 3, dtype=int), ValueError, r"dtype must be float32 or float64"),
    ("Dense with a string seed", lambda: nn.Dense(2, 3, rng="seed"), TypeError,
     r"rng must be a seed \(int\) or a numpy.random.Generator"),
    ("Dense W with NaN", lambda: nn.Dense(1, 1, W=[[np.nan]]), ValueError, r"W contains NaN or inf"),
    ("X with the wrong number of columns", lambda: nn.Dense(3, 2).forward(np.ones((4, 5))), ValueError,
     r"X must have 3 columns \(one per input\), got shape \(4, 5\)"),
    ("one example as a 1-D vector", lambda: nn.Dense(3, 2).forward(np.ones(3)), ValueError,
     r"X must be 2-D.*got shape \(3,\).*x\[None, :\]"),
    ("X with NaN", lambda: _net().forward(NAN_X), ValueError, r"X contains NaN or inf \(first at index \(0, 1\)\)"),
    ("X with inf", lambda: _net().forward(INF_X), ValueError, r"X contains NaN or inf"),
    ("an empty batch", lambda: _net().forward(np.ones((0, 3))), ValueError, r"X is empty.*at least one example"),
    ("X as a string", lambda: _net().forward("pixels"), TypeError, r"X must be an array of numbers, got str"),
    ("X as None", lambda: _net().forward(None), TypeError, r"X must be an array of numbers"),
    ("X as a ragged list", lambda: _net().forward([[1, 2, 3], [1, 2]]), ValueError,
     r"X must be a rectangular array"),
    ("X of booleans", lambda: _net().forward(np.ones((2, 3), dtype=bool)), TypeError, r"X must hold numbers"),
    ("X of complex numbers", lambda: _net().forward(np.ones((2, 3), dtype=complex)), TypeError,
     r"X must hold real numbers"),
    ("backward before forward", lambda: nn.Dense(3, 2).backward(np.ones((1, 2))), RuntimeError,
     r"backward was called before forward"),
    ("dY of the wrong shape", lambda: _forward_then_backward(nn.Dense(3, 2), X3, np.ones((5, 3))), ValueError,
     r"dY must have the shape of this layer's last output \(5, 2\), got \(5, 3\)"),
    ("Maxout with k = 0", lambda: nn.Maxout(0), ValueError, r"k must be a whole number >= 1"),
    ("Maxout on a width that k does not divide", lambda: nn.Maxout(3).forward(np.ones((2, 4))), ValueError,
     r"Maxout\(k=3\) needs a \(batch, n \* 3\) input, got shape \(2, 4\)"),
    ("dropout rate 1", lambda: nn.Dropout(1.0), ValueError, r"p must be in \[0, 1\) \(a dropout rate\), got 1.0"),
    ("dropout rate -0.1", lambda: nn.Dropout(-0.1), ValueError, r"p must be in \[0, 1\)"),
    ("dropout rate as a percentage", lambda: nn.Dropout(50), ValueError, r"p must be in \[0, 1\).*got 50"),
    ("dropout rate NaN", lambda: nn.Dropout(float("nan")), ValueError, r"p must be a finite number"),
    ("unknown dropout scaling", lambda: nn.Dropout(0.5, scaling="test"), ValueError,
     r"scaling must be 'slides' or 'inverted'"),
    ("layers that do not fit together", lambda: nn.Sequential(nn.Dense(2, 3), nn.Dense(4, 2)), ValueError,
     r"layer 1 \(Dense\) expects 4 inputs but the layers before it give 3"),
    ("a layer given by name", lambda: nn.Sequential("relu"), TypeError, r"layer 0 must be a dltutor.nn layer"),
    ("a layer class instead of an instance", lambda: nn.Sequential(nn.Dense(2, 2), nn.ReLU), TypeError,
     r"layer 1 must be a dltutor.nn layer"),
    ("a network without a Dense layer", lambda: nn.Sequential(nn.Sigmoid()), ValueError,
     r"at least one Dense layer"),
    ("Maxout after an odd width", lambda: nn.Sequential(nn.Dense(2, 5), nn.Maxout(2)), ValueError,
     r"layer 1 \(Maxout k=2\) needs a multiple of 2 inputs"),
    ("cross entropy with labels out of range", lambda: nn.CrossEntropy()(np.full((2, 3), 1 / 3), [0, 3]),
     ValueError, r"T must hold labels in 0..2, got labels from 0 to 3"),
    ("squared error with targets of the wrong shape", lambda: nn.SquaredError()(np.ones((2, 3)), np.ones((2, 2))),
     ValueError, r"T must have the shape of Y \(2, 3\)"),
    ("cost with fewer labels than outputs", lambda: nn.CrossEntropy()(np.full((3, 2), 0.5), [0, 1]),
     ValueError, r"T has 2 labels but Y has 3 examples"),
    ("learning rate 0", lambda: optim.SGD(_net(), lr=0), ValueError, r"lr must be in \(0, inf\) \(a learning rate > 0\)"),
    ("negative learning rate", lambda: optim.Adagrad(_net(), lr=-0.1), ValueError, r"lr must be in \(0, inf\)"),
    ("learning rate NaN", lambda: optim.Adam(_net(), lr=float("nan")), ValueError, r"lr must be a finite number"),
    ("learning rate as a string", lambda: optim.SGD(_net(), lr="0.1"), ValueError, r"lr must be a finite number"),
    ("momentum 1", lambda: optim.SGD(_net(), momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
    ("RMSprop rho above 1", lambda: optim.RMSprop(_net(), rho=1.5), ValueError, r"rho must be in \[0, 1\)"),
    ("Adam beta1 negative", lambda: optim.Adam(_net(), beta1=-0.1), ValueError, r"beta1 must be in \[0, 1\)"),
    ("Adagrad's rate before any step", lambda: optim.Adagrad(optim.Point(w=1.0)).rate("w"), ValueError,
     r"Adagrad has no rate for 'w' yet.*call step\(\) first"),
    ("Adagrad's rate of a parameter that does not exist", lambda: optim.Adagrad(optim.Point(w=1.0)).rate("v"),
     KeyError, r"no parameter 'v'; the parameters are \['w'\]"),
    ("an optimizer of a list", lambda: optim.SGD([1, 2], lr=0.1), TypeError, r"model must have params and grads"),
    ("labels 1..10 for ten outputs", lambda: train.fit(_net(), np.ones((10, 3)), np.arange(1, 11), verbose=False),
     ValueError, r"y must hold labels in 0..9, got labels from 1 to 10 \(labels 1..n\? subtract 1\)"),
    ("negative labels", lambda: train.fit(_net(), X3, [-1, 0, 1, 2, 3], verbose=False), ValueError,
     r"y must hold labels in 0..9"),
    ("fractional labels", lambda: train.fit(_net(), X3, [0.5, 1, 2, 3, 4], verbose=False), ValueError,
     r"y must hold integer class labels"),
    ("X and y of different lengths", lambda: train.fit(_net(), X3, np.arange(4), verbose=False), ValueError,
     r"y has 4 labels but X has 5 examples; they must match"),
    ("targets of the wrong shape", lambda: train.fit(_net(), X3, np.ones((5, 3)), verbose=False), ValueError,
     r"y must be labels \(5,\) or targets \(5, 10\), got shape \(5, 3\)"),
    ("zero epochs", lambda: train.fit(_net(), X3, Y10, epochs=0, verbose=False), ValueError,
     r"epochs must be a whole number >= 1, got 0"),
    ("a fractional batch size", lambda: train.fit(_net(), X3, Y10, batch_size=2.5, verbose=False), ValueError,
     r"batch_size must be a whole number >= 1, got 2.5"),
    ("validation as a single array", lambda: train.fit(_net(), X3, Y10, validation=X3, verbose=False), ValueError,
     r"validation must be a pair \(X_val, y_val\)"),
    ("validation data with the wrong columns",
     lambda: train.fit(_net(), X3, Y10, validation=(np.ones((2, 4)), [0, 1]), verbose=False), ValueError,
     r"validation must have 3 columns"),
    ("training data with NaN", lambda: train.fit(_net(), np.vstack([X3, NAN_X]), np.arange(6), verbose=False),
     ValueError, r"X contains NaN or inf \(first at index \(5, 1\)\)"),
    ("an optimizer made for another network", lambda: train.fit(_net(), X3, Y10, optimizer=optim.SGD(_net()),
                                                                 verbose=False),
     ValueError, r"optimizer was made for another model"),
    ("a seed that is not a number", lambda: train.fit(_net(), X3, Y10, seed="abc", verbose=False), TypeError,
     r"seed must be a seed \(int\) or a numpy.random.Generator"),
    ("binarize a string", lambda: data.binarize("image"), TypeError, r"X must be an array of numbers"),
    ("split X and y of different lengths", lambda: data.split(np.ones((10, 2)), np.arange(9)), ValueError,
     r"X has 10 examples but y has 9 labels"),
    ("one-hot with labels out of range", lambda: data.one_hot([0, 10], 10), ValueError, r"y must hold labels in 0..9"),
    ("parity of 0 bits", lambda: data.parity(0), ValueError, r"n_bits must be a whole number >= 1"),
    ("relative error of different shapes", lambda: gradcheck.relative_error(np.ones(2), np.ones(3)), ValueError,
     r"gradients of different shapes: \(2,\) and \(3,\)"),
    ("cost of a 1-D output", lambda: cost.SquaredError()(np.ones(3), np.ones(3)), ValueError,
     r"Y must be 2-D"),
]


def _dense_twice():
    dense = nn.Dense(3, 3, rng=0)
    return nn.Sequential(dense, nn.Sigmoid(), dense, nn.Softmax())


class MyLayer(nn.Layer):
    def forward(self, X, train=False):
        return X

    def backward(self, dY):
        return dY


_SIG = nn.Sequential(nn.Dense(3, 2, rng=0), nn.Sigmoid())
_ONE = nn.Sequential(nn.Dense(3, 1, rng=0), nn.Sigmoid())
_NINE = nn.Sequential(nn.Dense(3, 9, rng=0), nn.Softmax())

# What an audit of misuse found silent or vague: each now a clear error (type and message).
BAD_INPUTS += [
    ("the same layer object twice in a network", _dense_twice, ValueError,
     r"layers 0 and 2 are the same Dense object"),
    ("a non-layer in a network", lambda: nn.Sequential(nn.Dense(3, 2), "relu"), TypeError,
     r"layer 1 must be a dltutor.nn layer .* got str 'relu'"),
    ("optimizer as a string", lambda: train.fit(_net(), X3, Y10, optimizer="adam", verbose=False), TypeError,
     r"optimizer must be an optimizer made for this network, e.g. optim.SGD\(net, lr=0.1\); got str 'adam'"),
    ("optimizer as a class", lambda: train.fit(_net(), X3, Y10, optimizer=optim.SGD, verbose=False), TypeError,
     r"optimizer must be .* e.g. SGD\(net, lr=0.1\); got the class SGD"),
    ("cost as a string", lambda: train.fit(_net(), X3, Y10, cost="cross_entropy", verbose=False), TypeError,
     r"cost must be a cost object such as nn.CrossEntropy\(\) .* got str 'cross_entropy'"),
    ("cost as a class", lambda: train.fit(_net(), X3, Y10, cost=nn.CrossEntropy, verbose=False), TypeError,
     r"cost must be a cost object, got the class CrossEntropy: call it, CrossEntropy\(\)"),
    ("fit with the arguments swapped", lambda: train.fit(X3, Y10, _net(), verbose=False), TypeError,
     r"net must be a network, nn.Sequential\(...\), got an array .*the network comes first"),
    ("evaluate with the arguments swapped", lambda: train.evaluate(X3, Y10, _net()), TypeError,
     r"net must be a network"),
    ("an optimizer for a layer without weights", lambda: optim.SGD(nn.ReLU()), ValueError,
     r"model ReLU has no parameters to train"),
    ("net.load(path) on a network", lambda: _net().load("net.npz"), AttributeError,
     r"a network has no .load\(\): net = saving.load\(path\) makes a new network"),
    ("net.save(path) on a network", lambda: _net().save("net.npz"), AttributeError,
     r"saving.save\(net, path\)"),
    ("train as a string", lambda: _net().forward(X3, train="False"), TypeError,
     r"train must be True or False, got str 'False'"),
    ("Dropout train as a string", lambda: nn.Dropout(0.3).forward(X3, train="False"), TypeError,
     r"train must be True or False"),
    ("cross entropy on a network without softmax",
     lambda: train.fit(_SIG, X3[:2], [0, 1], cost=nn.CrossEntropy(), verbose=False), ValueError,
     r"cost=CrossEntropy\(\) needs probabilities: end the network with nn.Softmax\(\) \(its last layer is Sigmoid\)"),
    ("cross entropy of logits", lambda: nn.CrossEntropy()([[2.0, -1.0, 0.5]], [0]), ValueError,
     r"CrossEntropy needs probabilities Y in \[0, 1\].*from -1 to 2.*from_logits"),
    ("cross entropy gradient of logits", lambda: nn.CrossEntropy().gradient([[2.0, -1.0]], [0]), ValueError,
     r"CrossEntropy needs probabilities"),
    ("cross entropy from a log-softmax given logits",
     lambda: nn.CrossEntropy().from_log_softmax_and_gradient([[2.0, -1.0, 0.5]], [0]), ValueError,
     r"log_Y must be ln y of probabilities \(all <= 0\), got values up to 2: .*from_logits_and_gradient"),
    ("cross entropy from a log-softmax with labels out of range",
     lambda: nn.CrossEntropy().from_log_softmax_and_gradient(np.log(np.full((2, 3), 1 / 3)), [0, 3]), ValueError,
     r"T must hold labels in 0..2, got labels from 0 to 3"),
    ("labels 0..9 on a 9-output network", lambda: train.fit(_NINE, np.ones((10, 3)), np.arange(10), verbose=False),
     ValueError, r"y must hold labels in 0..8, got labels from 0 to 9: the network has 9 outputs, one per class; "
                 r"labels up to 9 need 10"),
    ("0/1 labels on a 1-output network", lambda: train.fit(_ONE, X3[:2], [0, 1], verbose=False), ValueError,
     r"a network with 1 output cannot hold class labels .* y\[:, None\]"),
    ("astype int32", lambda: _net().astype(np.int32), ValueError, r"dtype must be float32 or float64, got int32"),
    ("astype float16", lambda: _net().astype(np.float16), ValueError, r"dtype must be float32 or float64, got float16"),
    ("Dense called like a function with NaN", lambda: nn.Dense(3, 2)(NAN_X), ValueError,
     r"X contains NaN or inf \(first at index \(0, 1\)\)"),
    ("numerical gradient of an int array", lambda: gradcheck.numerical_gradient(lambda: 0.0, np.arange(3)), TypeError,
     r"x must be a float numpy array"),
    ("binarize float 0..255 pixels", lambda: data.binarize(np.array([[0.0, 128.0, 255.0]])), ValueError,
     r"X must hold pixels in \[0, 1\], got values from 0 to 255: divide 0..255 pixels by 255"),
    ("binarize with a threshold on the 0..255 scale", lambda: data.binarize(np.zeros((1, 3)), threshold=128),
     ValueError, r"threshold must be in \[0, 1\] \(on the \[0, 1\] scale of the pixels: 128 of 255 is 128 / 255\)"),
    ("evaluate with batch_size -1", lambda: train.evaluate(_net(), X3, Y10, batch_size=-1), ValueError,
     r"batch_size must be a whole number >= 1, got -1"),
    ("evaluate with batch_size 0", lambda: train.evaluate(_net(), X3, Y10, batch_size=0), ValueError,
     r"batch_size must be a whole number >= 1, got 0"),
    ("save to a missing folder", lambda: saving.save(_net(), "/nonexistent-folder/net.npz"), FileNotFoundError,
     r"^cannot save to /nonexistent-folder/net.npz: there is no folder /nonexistent-folder \(create it first\)$"),
    ("save to a folder", lambda: saving.save(_net(), "/tmp"), IsADirectoryError,
     r"^cannot save to /tmp: it is a folder; give a file name such as /tmp/net.npz$"),
    ("save a single layer", lambda: saving.save(nn.Dense(3, 2), "/tmp/x.npz"), TypeError,
     r"net must be a network, nn.Sequential\(...\), got Dense.*wrap a layer in one"),
    ("save a network with a layer class of one's own",
     lambda: saving.save(nn.Sequential(nn.Dense(3, 2), MyLayer()), "/tmp/never-written.npz"), TypeError,
     r"layer 1 is a MyLayer, a class of its own: only the package's layers"),
    ("load_into with the arguments swapped", lambda: saving.load_into("net.npz", _net()), TypeError,
     r"load_into\(net, path\): the network comes first"),
    ("load a .npy file", lambda: saving.load(_npy_file()), ValueError,
     r"a.npy holds a single array \(a .npy file\), not a network: save networks with saving.save"),
    ("load a folder", lambda: saving.load("/tmp"), IsADirectoryError, r"/tmp is a folder, not a network file"),
    ("load with a network as the path", lambda: saving.load(_net()), TypeError,
     r"path must be a file name \(str or pathlib.Path\), got Sequential"),
]

def _npy_file():
    import tempfile
    path = tempfile.mkdtemp() + "/a.npy"
    np.save(path, np.arange(3))
    return path


@pytest.mark.parametrize("what, call, exc, pattern", BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_gets_a_clear_error(what, call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_the_table_is_large():
    assert len(BAD_INPUTS) >= 40


def test_valid_lists_and_integer_arrays_are_converted():
    net = _net()
    from_list = net.forward([[1, 0, 1]])
    from_ints = net.forward(np.array([[1, 0, 1]]))
    np.testing.assert_array_equal(from_list, from_ints)
    assert from_list.dtype == np.float64
    history = train.fit(net, [[0, 1, 0], [1, 0, 1]], [3, 7], epochs=1, verbose=False)
    assert history.epochs == 1
    assert nn.CrossEntropy()([[0.5, 0.5]], [1]) == pytest.approx(np.log(2))
    # Float labels that are whole numbers are fine too.
    train.fit(net, X3, np.arange(5.0), epochs=1, verbose=False)


def test_raw_pixels_get_a_warning():
    with pytest.warns(UserWarning, match=r"X has values up to 255.*divide by 255"):
        train.fit(_net(), np.full((5, 3), 255.0), Y10, epochs=1, verbose=False)
