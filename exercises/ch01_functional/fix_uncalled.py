"""Chapter 1: repair a model whose author misread ``Dense(32)(x)``.

``broken_model`` was meant to build a chain of three Dense layers (see ``fixed_model``)
but it does not work. Run it to see the error, read the summary of what you build, and
write the correct model in ``fixed_model``. Leave ``broken_model`` as it is.
"""
from minikeras.layers import Dense, Input
from minikeras.models import Model


def broken_model():
    visible = Input(shape=(4,))
    hidden1 = Dense(8, activation="relu")(visible)
    hidden2 = Dense(8, activation="relu")(visible)
    output = Dense(1, activation="sigmoid")
    return Model(inputs=visible, outputs=output)


def fixed_model():
    """Return the model ``broken_model`` was meant to build.

    The intended network reads 4 numbers and is a chain: Dense(8, relu) -> Dense(8, relu)
    -> Dense(1, sigmoid), each layer called on the output of the one before. Keep the
    layer sizes and activations of ``broken_model``. There are two mistakes: one makes
    ``Model`` raise an error; the other builds silently but leaves a layer out of the
    model (compare ``model.summary()`` with the intended chain: how many parameters
    should it have?).
    """
    raise NotImplementedError("ch01.fix_uncalled_layer: implement fixed_model()")
