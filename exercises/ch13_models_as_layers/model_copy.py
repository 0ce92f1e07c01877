"""Chapter 13, exercise ch13.model_copy: weights are shared, not copied.

Calling a model on a new input reuses its layers and therefore its weights: the
encoder inside an autoencoder *is* the encoder. This exercise makes you walk a
model's (possibly nested) layers to find its weights, and make a real copy.
"""

import minikeras as keras


def unique_weights(model):
    """Every weight (Variable) of ``model``, each exactly once, in ``model.weights`` order.

    Walk ``model.layers`` in order; for each layer take its own weights and, if
    the layer is itself a model (``isinstance(layer, keras.Model)``), walk its
    layers the same way (recursion). The same layer, or the same model, can be
    reached twice (a layer shared by two nested models): keep the first
    occurrence only, comparing Variables by identity (``id(v)`` or ``is``, not ``==``).

    Hint: ``layer._own_trainable + layer._own_non_trainable`` are the weights a
    layer created itself; ``layer.weights`` also includes its sublayers'.
    The sum of the sizes of the result is ``model.count_params()``.
    """
    raise NotImplementedError("ch13.model_copy: implement unique_weights()")


def copy_model(model):
    """Return an independent copy of the functional ``model``.

    The copy has the same architecture (same layer classes and configs, same
    nested structure) and the same weight *values*, but new layers and new
    Variables: training or changing the copy must leave ``model`` untouched.
    Hint: a functional model's config describes its whole graph
    (``model.get_config()`` / ``keras.Model.from_config(...)``); ``get_weights``
    and ``set_weights`` move the values.
    """
    raise NotImplementedError("ch13.model_copy: implement copy_model()")
