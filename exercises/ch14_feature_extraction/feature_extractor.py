"""Chapter 14, exercise ch14.extractor: a model that returns intermediate activations."""

import minikeras as keras


def make_feature_extractor(model, layer_names=None):
    """Return a ``keras.Model`` with ``model``'s input(s) and intermediate outputs.

    With ``layer_names=None`` its outputs are the outputs of *every* layer of
    ``model``, in ``model.layers`` order (the input layer included); otherwise the
    outputs of the named layers, in the order given. No layer is copied and no
    weight added: the extractor reads the same graph between different ends.
    Hint: ``layer.output`` and ``model.get_layer(name)``; use ``model.inputs`` so
    that models with several inputs work too.
    """
    raise NotImplementedError("ch14.extractor: implement make_feature_extractor()")


def features_by_name(model, x, layer_names):
    """Run ``model`` on the batch ``x`` once and return ``{name: activations}``.

    One entry per name in ``layer_names``, each a NumPy array whose first axis is
    the batch. Use ``make_feature_extractor`` and ``predict(x, verbose=0)``:
    ``predict`` returns the outputs in the structure given to ``Model(outputs=...)``
    (a list of arrays for a list of outputs, even of length one).
    """
    raise NotImplementedError("ch14.extractor: implement features_by_name()")
