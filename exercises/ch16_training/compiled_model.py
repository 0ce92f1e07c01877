"""Chapter 16, exercise ch16.compiled_model: the MNIST model, compiled and trained."""

import minikeras as keras
from minikeras import layers


def get_model():
    """Return the chapter's MNIST model, compiled.

    Architecture: input ``(784,)`` named ``"img"``, ``Dense(64, relu)``,
    ``Dense(64, relu)``, ``Dense(10, softmax)``; model named ``"mnist_model"``
    (55,050 parameters).

    Compile it with the loss for *integer* labels 0-9 and probability outputs,
    ``"sparse_categorical_crossentropy"``, the optimizer
    ``keras.optimizers.RMSprop()`` and the metric ``"accuracy"``.
    """
    raise NotImplementedError("ch16.compiled_model: implement get_model()")


def train(model, x_train, y_train, epochs=5):
    """Fit ``model`` and return the ``History`` that ``fit`` returns.

    ``x_train`` holds flattened images scaled to [0, 1], ``y_train`` integer
    labels. Use ``batch_size=64``, keep the last 20% of the data for validation
    (``validation_split=0.2``) and ``verbose=0``.
    """
    raise NotImplementedError("ch16.compiled_model: implement train()")
