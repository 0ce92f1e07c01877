"""Instructor probes for chapter 14 (complete; do not edit).

A feature extractor must *share* the layers of the model it reads, not copy them.
When the grader runs your code in a separate process, the test only gets copies of
the models back, so it cannot see the sharing itself. These probes build the
extractor with your function, then change the weights of the *original* model and
return the extractor afterwards: if it shares the layers, it has the new values
too, which the test checks. Run locally, they simply run in the test's process.

``vgg19_config`` returns a model's config, not the model: the test rebuilds the
architecture from it (no weights needed to check an architecture), which spares
sending an 80 MB file for a model that only has random weights.
"""

import numpy as np

from extraction_fix import fixed_feature_model
from feature_extractor import make_feature_extractor
from transfer_head import build_transfer_model
from vgg19_arch import VGG19


def shifted(model, shift):
    """Add ``shift`` to every weight of ``model`` (in place)."""
    model.set_weights([np.asarray(w) + shift for w in model.get_weights()])


def extractor_after_shift(model, shift=1.0, layer_names=None):
    """``make_feature_extractor(model, layer_names)``, then every weight of ``model``
    moved by ``shift``; returns ``(model, extractor)`` afterwards."""
    extractor = make_feature_extractor(model, layer_names)
    shifted(model, shift)
    return model, extractor


def transfer_after_shift(base, feature_layer, shift=1.0, **kwargs):
    """``build_transfer_model(base, feature_layer, **kwargs)``, then every weight of
    ``base`` moved by ``shift``; returns ``(base, model)`` afterwards."""
    model = build_transfer_model(base, feature_layer, **kwargs)
    shifted(base, shift)
    return base, model


def features_after_setting(model, layer_name, weights):
    """``fixed_feature_model(model)``, then the layer ``layer_name`` of ``model`` gets
    ``weights``; returns the feature model afterwards."""
    features = fixed_feature_model(model)
    model.get_layer(layer_name).set_weights(weights)
    return features


def vgg19_config(**kwargs):
    """``VGG19(**kwargs).get_config()``."""
    return VGG19(**kwargs).get_config()
