"""dltutor: the small numpy package behind the Deep Learning Tutorial notebooks.

    from dltutor import nn, optim, data, gradcheck, slides, plot, widgets

nn (layers, networks, costs), optim (SGD, Adagrad, RMSprop, Adam), train (fit, evaluate),
gradcheck, data, slides (the tutorial's worked examples), saving; plot and widgets (matplotlib,
ipywidgets) are imported only when asked for, so that the core stays light.
"""
__version__ = "0.2.0"

from . import cost, data, gradcheck, nn, optim, saving, slides, train  # noqa: E402,F401
