"""Chapter 18, exercise ch18.fix_twin: a "functional version" that is not the same network.

A tutorial shows a ``Sequential`` model (``sequential_model``, complete) and
"the corresponding functional API implementation" (``broken_twin``). It runs,
trains, and its summary has the same parameter count: 3,466. Yet it is a
different network. The habit that catches this: compare the two summaries
*and* the layer configurations, and check that with the same weights the two
models give the same predictions.
"""

import minikeras as keras
from minikeras import layers


def sequential_model():
    model = keras.Sequential()
    model.add(layers.Dense(32, activation="relu", input_shape=(64,)))
    model.add(layers.Dense(32, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    return model


def broken_twin():
    """The buggy version (do not edit; it is here to be read and run)."""
    input_tensor = keras.Input(shape=(64,))
    x = layers.Dense(32, activation="relu")(input_tensor)
    x = layers.Dense(32, activation="softmax")(x)
    output_tensor = layers.Dense(10, activation="softmax")(x)
    return keras.Model(input_tensor, output_tensor)


def functional_twin():
    """Return the functional model that really is ``sequential_model()``'s network.

    Same layers, same sizes, same activations, in the same order; a functional
    ``keras.Model`` from an ``Input`` of shape ``(64,)``. Loaded with the
    Sequential model's weights (``set_weights(seq.get_weights())``) it must
    predict exactly what the Sequential model predicts.
    """
    raise NotImplementedError("ch18.fix_twin: implement functional_twin()")
