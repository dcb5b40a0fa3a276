"""The tutorial's worked examples, as data, so that notebooks and tests use the same numbers."""
import numpy as np

from . import nn

# Part I, "Neural Network": a network f: R^2 -> R^2 of three sigmoid layers.
NETWORK = {
    "W": [np.array([[1.0, -2.0], [-1.0, 1.0]]),
          np.array([[2.0, -1.0], [-2.0, -1.0]]),
          np.array([[3.0, -1.0], [-1.0, 4.0]])],
    "b": [np.array([1.0, 0.0]), np.array([0.0, 0.0]), np.array([-2.0, 2.0])],
}

# What the slides print for two inputs: every layer's output, rounded to two places.
NETWORK_OUTPUTS = {
    (1, -1): [[0.98, 0.12], [0.86, 0.11], [0.62, 0.83]],
    (0, 0): [[0.73, 0.50], [0.72, 0.12], [0.51, 0.85]],
}


def network():
    """The slides' network as a dltutor Sequential (Dense, Sigmoid) x 3."""
    layers = []
    for W, b in zip(NETWORK["W"], NETWORK["b"]):
        layers += [nn.Dense.from_weights(W, b), nn.Sigmoid()]
    return nn.Sequential(*layers)


# Part I, "Softmax layer": z -> e^z -> y, as the slides round them.
SOFTMAX_Z = np.array([3.0, 1.0, -3.0])
SOFTMAX_EXP_Z = np.array([20.0, 2.7, 0.05])
SOFTMAX_Y = np.array([0.88, 0.12, 0.0])

# Part III, "Adaptive Learning Rate": the gradients g^0, g^1 of two parameters, and the learning
# rate Adagrad gives each after each step, as eta divided by these numbers.
ADAGRAD_GRADIENTS = {"w1": [0.1, 0.2], "w2": [20.0, 10.0]}
ADAGRAD_DIVISORS = {"w1": [0.1, 0.22], "w2": [20.0, 22.0]}

# Part II, "Deeper is Better?": word error rate (%) on Switchboard (Seide, Li and Yu,
# "Conversational Speech Transcription Using Context-Dependent Deep Neural Networks",
# Interspeech 2011). Deep: layers x 2k neurons; the fat networks have one hidden layer of the
# width that gives about the same number of parameters as the deep one beside it.
WER_DEEP = [  # (layers, neurons a layer, word error rate %)
    (1, 2048, 24.2), (2, 2048, 20.4), (3, 2048, 18.4), (4, 2048, 17.8), (5, 2048, 17.2), (7, 2048, 17.1),
]
WER_FAT = [  # (layers, neurons, word error rate %, the deep network of the same size)
    (1, 3772, 22.5, "5 x 2k"), (1, 4634, 22.6, "7 x 2k"), (1, 16384, 22.1, None),
]
