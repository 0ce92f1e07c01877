"""Chapter 2: repair a two-input model.

``broken_two_input_model`` was meant to build a model with two inputs, ``a`` (8 numbers)
and ``b`` (4 numbers): ``a`` goes through a Dense(8) layer, the result is concatenated
with ``b``, and a Dense(1) layer reads the 12 numbers. Run it, read each error, fix it,
and run it again: there is more than one mistake. Leave ``broken_two_input_model`` as it
is and write the working model in ``fixed_two_input_model``.
"""
from minikeras import layers
from minikeras.layers import Input
from minikeras.models import Model


def broken_two_input_model():
    a = Input(shape=(8,), name="a")
    b = Input(shape=(4), name="b")
    merged = layers.concatenate([layers.Dense(8)(a), b])
    out = layers.Dense(1)(merged)
    return Model(inputs=a, outputs=out)


def fixed_two_input_model():
    """Return the model ``broken_two_input_model`` was meant to build.

    Keep the input names ``"a"`` and ``"b"``, in that order: the model must accept
    ``model.predict([data_a, data_b])`` and ``model.predict({"a": data_a, "b": data_b})``
    with ``data_a`` of shape (batch, 8) and ``data_b`` of shape (batch, 4).
    """
    a = Input(shape=(8,), name="a")
    b = Input(shape=(4,), name="b")
    merged = layers.concatenate([layers.Dense(8)(a), b])
    out = layers.Dense(1)(merged)
    return Model(inputs=[a, b], outputs=out)
