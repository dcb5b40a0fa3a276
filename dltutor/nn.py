"""Layers and networks: y = sigma(W^L ... sigma(W^2 sigma(W^1 x + b^1) + b^2) ... + b^L).

Conventions (the slides' sigma(W x + b), with a batch of examples as rows):
    X: (batch, n_in) -> Dense -> Z = X @ W.T + b: (batch, n_out)
    W: (n_out, n_in), b: (n_out,)
Every layer has `forward(X, train=False)` and `backward(dY) -> dX`. A layer with parameters keeps
them in `params` and, after `backward`, their gradients in `grads` (the same keys), so optimizers,
gradient checks and notebooks can reach them by name.
"""
import copy

import numpy as np

from . import _validate
from .cost import CrossEntropy, SquaredError, log_softmax  # noqa: F401  (nn.CrossEntropy is cost.CrossEntropy)


class Layer:
    """A step of the network. Layers without parameters have empty `params` and `grads`.

    layer(X) is layer.forward(X). A layer's backward may take input_grad=False (Dense does): then
    it fills its grads but does not compute dC/dX, which a network's first layer never needs.
    """

    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, X, train=False):
        raise NotImplementedError

    def __call__(self, X, train=False):
        return self.forward(X, train=train)

    def backward(self, dY):
        raise NotImplementedError

    def config(self):
        """The constructor arguments that rebuild this layer (for saving)."""
        return {}

    def _need_forward(self, attr):
        if getattr(self, attr, None) is None:
            raise RuntimeError(f"{type(self).__name__}.backward was called before forward: "
                               "run forward(X, train=True) on the same batch first")

    def _check_dY(self, dY, shape):
        dY = np.asarray(dY)
        if dY.shape != shape:
            raise ValueError(f"dY must have the shape of this layer's last output {shape}, got {dY.shape}")
        return dY

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "dtype")
        return f"{type(self).__name__}({args})"


class Dense(Layer):
    """z = W a + b for every example: Z = X @ W.T + b.

    W: (n_out, n_in), b: (n_out,). Initial W is Glorot-uniform from `rng` (a seed or a
    numpy Generator: the same seed gives the same weights; pass one Generator to every layer
    of a network so that each layer draws different weights), b is zero; or pass W and b.
    """

    def __init__(self, n_in, n_out, *, rng=0, W=None, b=None, dtype=np.float64):
        super().__init__()
        self.n_in = _validate.positive_int(n_in, "n_in")
        self.n_out = _validate.positive_int(n_out, "n_out")
        dtype = _validate.float_dtype(dtype)
        if W is None:
            # Glorot & Bengio (2010): keeps the variance of z about the same from layer to layer.
            limit = np.sqrt(6.0 / (n_in + n_out))
            W = _validate.rng(rng).uniform(-limit, limit, size=(n_out, n_in))
        W = _validate.as_array(W, "W", ndim=2, dtype=dtype).copy()
        if W.shape != (self.n_out, self.n_in):
            raise ValueError(f"W must have shape (n_out, n_in) = {(self.n_out, self.n_in)}, got {W.shape}")
        b = np.zeros(n_out) if b is None else b
        b = _validate.as_array(b, "b", ndim=1, dtype=dtype).copy()
        if b.shape != (self.n_out,):
            raise ValueError(f"b must have shape (n_out,) = {(self.n_out,)}, got {b.shape}")
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self.X = None

    @classmethod
    def from_weights(cls, W, b):
        """A layer holding exactly these weights (W: (n_out, n_in), b: (n_out,))."""
        W = np.asarray(W)
        if W.ndim != 2:
            raise ValueError(f"W must be 2-D (n_out, n_in), got shape {W.shape}")
        return cls(W.shape[1], W.shape[0], W=W, b=b)

    @property
    def W(self):
        return self.params["W"]

    @property
    def b(self):
        return self.params["b"]

    @property
    def dtype(self):
        return self.W.dtype

    def forward(self, X, train=False):
        """Z = X W^T + b for X (batch, n_in): a list or an array, converted to the layer's dtype.

        An X of the wrong shape, or holding NaN or inf, is an error that says so.
        """
        X = _validate.as_batch(X, "X", self.n_in, dtype=self.dtype, finite=False)
        Z = X @ self.W.T
        Z += self.b  # in place: no second (batch, n_out) array
        # NaN or inf anywhere in row r of X makes every z of row r NaN or inf (inf * 0 is NaN), so
        # one column of Z shows whether X held any: one number a row to check, not all of Z.
        if not np.isfinite(Z[:, 0]).all():
            _validate.check_finite(X, "X")  # the input's fault? (else the weights are too large)
        self.X = X  # kept for backward: dC/dW needs the layer's input
        return Z

    def backward(self, dZ, input_grad=True):
        """dZ = dC/dZ -> dC/dX, and fills grads["W"], grads["b"].

        input_grad=False skips dC/dX and returns None: for the first layer of a network, whose
        input gradient training never uses (it would cost a product as large as the forward one).
        """
        self._need_forward("X")
        dZ = self._check_dY(dZ, (self.X.shape[0], self.n_out))
        # Z = X W^T + b  =>  dW = dZ^T X, db = sum over the batch, dX = dZ W.
        np.matmul(dZ.T, self.X, out=self.grads["W"])
        # db = dZ^T 1, the sum over the batch, as a matrix-vector product: BLAS does it two to
        # three times faster than np.sum down the columns.
        np.matmul(np.ones(len(dZ), dZ.dtype), dZ, out=self.grads["b"])
        return dZ @ self.W if input_grad else None

    def config(self):
        return {"n_in": self.n_in, "n_out": self.n_out, "dtype": self.dtype.name}


def sigmoid(Z):
    """sigma(z) = 1 / (1 + e^-z), elementwise, for an array of any shape (or a number)."""
    Z = np.asarray(Z)
    return Sigmoid().forward(Z.reshape(1, -1)).reshape(Z.shape)  # a 0-d array becomes a row first


class Sigmoid(Layer):
    """a = sigma(z) = 1 / (1 + e^-z), elementwise."""

    def forward(self, Z, train=False):
        Z = np.asarray(Z)
        # sigma(z) = 1 / (1 + e^-z), computed in place in one new array A. For z below about -709
        # (float32: -88) e^-z overflows to inf and 1 / inf = 0, the right limit: the overflow is
        # expected, so it is not reported (nor e^-z rounding to 0 for large z). Unlike (1 + tanh(z/2)) / 2,
        # this keeps its relative accuracy for very negative z, and numpy's exp is vectorized.
        A = np.negative(Z, dtype=Z.dtype if np.issubdtype(Z.dtype, np.floating) else np.float64)
        with np.errstate(over="ignore", under="ignore"):
            np.exp(A, out=A)
        A += 1.0
        np.reciprocal(A, out=A)
        self.A = A
        return A

    def backward(self, dA):
        self._need_forward("A")
        dA = self._check_dY(dA, self.A.shape)
        dZ = 1.0 - self.A  # sigma'(z) = sigma(z) (1 - sigma(z)), built in place in one new array
        dZ *= self.A
        dZ *= dA
        return dZ


class ReLU(Layer):
    """a = max(0, z), elementwise."""

    def forward(self, Z, train=False):
        self.Z = np.asarray(Z)
        return np.maximum(self.Z, 0)

    def backward(self, dA):
        self._need_forward("Z")
        dA = self._check_dY(dA, self.Z.shape)
        return dA * (self.Z > 0)  # the gradient passes where the unit is on, and only there


class Maxout(Layer):
    """Groups of k consecutive inputs, each group's output is its maximum.

    Z: (batch, n * k) -> A: (batch, n). With k = 2 and one element of each group fixed at 0,
    this is ReLU; in general each unit is a learnable piecewise-linear convex function of the
    input with k pieces.
    """

    def __init__(self, k):
        super().__init__()
        self.k = _validate.positive_int(k, "k")
        self.winner = None

    def forward(self, Z, train=False):
        Z = np.asarray(Z)
        if Z.ndim != 2 or Z.shape[1] % self.k:
            raise ValueError(f"Maxout(k={self.k}) needs a (batch, n * {self.k}) input, "
                             f"got shape {Z.shape}: make the Dense layer before it k times wider")
        groups = Z.reshape(Z.shape[0], -1, self.k)
        self.winner = groups.argmax(axis=2)  # which element of each group won
        self.shape = Z.shape
        return np.take_along_axis(groups, self.winner[:, :, None], axis=2)[:, :, 0]

    def backward(self, dA):
        self._need_forward("winner")
        dA = self._check_dY(dA, self.winner.shape)
        # Only the winner of each group affects the output: it alone receives the gradient.
        dZ = np.zeros((*self.winner.shape, self.k), dtype=dA.dtype)
        np.put_along_axis(dZ, self.winner[:, :, None], dA[:, :, None], axis=2)
        return dZ.reshape(self.shape)

    def config(self):
        return {"k": self.k}


def softmax(Z):
    """y_i = e^{z_i} / sum_j e^{z_j} along each row; Z: (batch, n) -> (batch, n).

    Subtracting max(z) first changes nothing mathematically (it cancels) but keeps e^z <= 1,
    so large logits cannot overflow (see cost.log_softmax; a row with +inf logits puts all its
    probability on them).
    """
    return np.exp(log_softmax(Z))


class Softmax(Layer):
    """The output layer that turns z into probabilities: 1 > y_i > 0, sum_i y_i = 1.

    forward keeps Z, log_Y = ln y = log_softmax(Z) and Y = e^(log_Y) = softmax(Z): a cross entropy
    takes ln y from log_Y, exact even where y rounds to 0 (ln of a rounded 0 would be -inf).
    """

    def forward(self, Z, train=False):
        self.Z = np.asarray(Z)
        self.log_Y = log_softmax(self.Z)
        self.Y = np.exp(self.log_Y)  # softmax(Z), from the same log-softmax
        return self.Y

    def backward(self, dY):
        self._need_forward("Y")
        dY = self._check_dY(dY, self.Y.shape)
        # Jacobian-vector product: dz_i = y_i (dy_i - sum_j dy_j y_j).
        return self.Y * (dY - np.sum(dY * self.Y, axis=1, keepdims=True))


class Dropout(Layer):
    """Each unit of the layer before is dropped (set to 0) with probability p in training.

    scaling="slides": training keeps a * mask; testing multiplies by (1 - p), which is the
        same as the slides' "all the weights times (1 - p)" on the next layer.
    scaling="inverted": training uses a * mask / (1 - p); testing changes nothing.
    Both give the same expected output. A new mask is drawn from `rng` on every training forward,
    one row per example (each example of a mini-batch gets its own thinner network; the slides'
    "resample for each mini-batch" is the case of a mini-batch of one), unless a mask is fixed
    with fix_mask (for gradient checks and for listing every thinned network).

    rng: a seed or a numpy Generator. Left as None, the layer's stream comes from the network:
    Sequential(..., seed=0) gives its layer i the stream default_rng([seed, i]), so that two
    Dropout layers never drop the same units; a Dropout outside any network uses seed 0.

    Public state: `mask`, the last training mask as applied (0 for a dropped unit, keep_scale for a
    kept one), `keep_scale` (1, or 1 / (1 - p) inverted) and `test_factor` ((1 - p), or 1 inverted).
    """

    def __init__(self, p, *, rng=None, scaling="slides"):
        super().__init__()
        self.p = _validate.in_range(p, "p", 0, 1, high_open=True, expected=" (a dropout rate)")
        if scaling not in ("slides", "inverted"):
            raise ValueError(f"scaling must be 'slides' or 'inverted', got {scaling!r}")
        self.scaling = scaling
        self.rng_from_network = rng is None
        self.rng = _validate.rng(0 if rng is None else rng)
        self.mask = None
        self.train = None
        self.frozen = False

    @property
    def keep_scale(self):
        """What training multiplies a kept unit by: 1 in the slides' form, 1 / (1 - p) inverted."""
        return 1.0 / (1.0 - self.p) if self.scaling == "inverted" else 1.0

    @property
    def test_factor(self):
        """What testing multiplies by: (1 - p) in the slides' form, 1 in the inverted form."""
        return 1.0 - self.p if self.scaling == "slides" else 1.0

    def fix_mask(self, keep):
        """Use this keep pattern (1 = kept, 0 = dropped; rows of examples) on every training forward
        until release_mask(): mask = keep * keep_scale."""
        keep = _validate.as_array(keep, "keep", ndim=2)
        self.mask, self.frozen = keep * self.keep_scale, True

    def release_mask(self):
        """Draw a new mask on every training forward again."""
        self.mask, self.frozen = None, False

    def forward(self, A, train=False):
        train = _validate.flag(train, "train")
        A = np.asarray(A)
        if not np.issubdtype(A.dtype, np.floating):
            A = A.astype(np.float64)  # an integer mask cannot hold 1 / (1 - p)
        self.train = train
        if not train:
            return A * self.test_factor if self.test_factor != 1.0 else A
        if not (self.frozen and self.mask is not None and self.mask.shape == A.shape):
            keep = self.rng.random(A.shape) >= self.p
            self.mask = keep.astype(A.dtype) * A.dtype.type(self.keep_scale)
        return A * self.mask

    def backward(self, dA):
        self._need_forward("train")
        if not self.train:
            return np.asarray(dA) * self.test_factor
        dA = self._check_dY(dA, self.mask.shape)
        return dA * self.mask  # dropped units pass no gradient back

    def config(self):
        return {"p": self.p, "scaling": self.scaling}


def _output_width(layers):
    """The network's number of outputs; an error if a layer's inputs do not fit the layer before."""
    width = None
    for i, layer in enumerate(layers):
        if isinstance(layer, Dense):
            if width is not None and layer.n_in != width:
                raise ValueError(f"layer {i} (Dense) expects {layer.n_in} inputs but the layers "
                                 f"before it give {width}")
            width = layer.n_out
        elif isinstance(layer, Maxout) and width is not None:
            if width % layer.k:
                raise ValueError(f"layer {i} (Maxout k={layer.k}) needs a multiple of {layer.k} "
                                 f"inputs, the layer before gives {width}")
            width //= layer.k
    return width


def _check_layers(layers):
    seen = {}
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"layer {i} must be a dltutor.nn layer (Dense, Sigmoid, ...), "
                            f"got {_validate.describe(layer)}")
        if id(layer) in seen:
            raise ValueError(f"layers {seen[id(layer)]} and {i} are the same {type(layer).__name__} object: "
                             "each place in a network needs a layer of its own (build a new one)")
        seen[id(layer)] = i
    if not any(isinstance(layer, Dense) for layer in layers):
        raise ValueError("a network needs at least one Dense layer")


_SAVING_HINT = {
    "save": "saving.save(net, path) writes a network to a file",
    "load": "net = saving.load(path) makes a new network from a file; saving.load_into(net, path) "
            "fills this one",
}


class Sequential:
    """Layers applied in order: forward from input to output, backward from output to input.

    `params` and `grads` are flat dicts over all layers, keyed "index.name" (e.g. "0.W").
    seed: where the Dropout layers built without an rng get their streams (layer i:
    default_rng([seed, i])).
    """

    def __init__(self, *layers, seed=0):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        _check_layers(layers)
        self.layers = list(layers)
        self.n_out = _output_width(self.layers)
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Dropout) and layer.rng_from_network:
                layer.rng = np.random.default_rng([seed, i])

    @property
    def n_in(self):
        return next(layer for layer in self.layers if isinstance(layer, Dense)).n_in

    @property
    def dtype(self):
        return next(layer for layer in self.layers if isinstance(layer, Dense)).dtype

    @property
    def params(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    @property
    def grads(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()}

    @property
    def n_params(self):
        return sum(v.size for v in self.params.values())

    def forward(self, X, train=False):
        """X: (batch, n_in) -> output (batch, n_out). train=True turns dropout on."""
        train = _validate.flag(train, "train")
        A = _validate.as_batch(X, "X", self.n_in, dtype=self.dtype, finite=False)  # Dense checks NaN
        for layer in self.layers:
            A = layer.forward(A, train=train)
        return A

    __call__ = forward

    def backward(self, dY, skip_last=False, input_grad=True):
        """dY = dC/dy: (batch, n_out) -> dC/dX; fills every layer's grads.

        skip_last=True starts below the last layer (dY is then dC/dz of the last layer's input),
        which is how a softmax followed by cross entropy is differentiated stably.
        input_grad=False: the network's input gradient is not needed (training never uses it).
        Backpropagation then stops at the first layer with parameters, which fills its grads
        without computing its dC/dX (for a first Dense layer, a product as large as its forward
        one), and returns None.
        """
        layers = self.layers[:-1] if skip_last else self.layers
        first = 0 if input_grad else next((i for i, layer in enumerate(layers) if layer.params), 0)
        for layer in reversed(layers[first + 1:]):
            dY = layer.backward(dY)
        if input_grad:
            return layers[0].backward(dY)
        if isinstance(layers[first], Dense):
            return layers[first].backward(dY, input_grad=False)
        layers[first].backward(dY)
        return None

    def predict(self, X):
        """The class with the largest output for each example: (batch,) ints."""
        X = _validate.as_batch(X, "X", self.n_in, dtype=self.dtype)
        _validate.warn_if_unscaled(X)
        return self.forward(X).argmax(axis=1)

    def astype(self, dtype):
        """A new network, a copy of this one with its parameters in dtype (float32 for speed,
        float64 for checks); this network is left as it is, like numpy's astype."""
        dtype = _validate.float_dtype(dtype)
        new = copy.deepcopy(self)
        for layer in new.layers:
            for k, v in layer.params.items():
                layer.params[k] = v.astype(dtype)
                layer.grads[k] = np.zeros_like(layer.params[k])
        return new

    def __getattr__(self, name):
        if name in _SAVING_HINT:
            raise AttributeError(f"a network has no .{name}(): {_SAVING_HINT[name]}")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)  # {self.n_params:,} parameters"


LAYERS = {cls.__name__: cls for cls in (Dense, Sigmoid, ReLU, Maxout, Softmax, Dropout)}
