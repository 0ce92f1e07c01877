"""The frame every application builder shares, around its own convolutional body.

A builder does, in order:

1. ``check_weights(weights, include_top, classes)``: ``None``, ``"imagenet"`` or a file path;
   ImageNet weights with a top need 1000 classes.
2. ``imagenet_file(...)`` (only for ``weights="imagenet"``): the path of the file Keras would
   download into ``~/.keras/models/``, found before anything is built -- minikeras never
   downloads, so a missing file is a clear error naming it, its place and its address.
3. ``image_input(input_tensor, input_shape)``: a new ``Input`` or the given symbolic tensor.
4. its body of layers, then ``classifier_or_pooling`` (the top, or the pooling of features).
5. ``finish(...)``: the ``Model`` from the source inputs, with the weights loaded.

The weight files are Keras 2's legacy HDF5 layout (``layer_names`` and one group per layer),
which ``Model.load_weights`` reads, matching layers with weights in order.
"""
import os

from .. import layers
from ..engine.model import Model
from ..engine.tensor import KerasTensor
from ..utils.cache_files import cache_path, missing_file_error
from . import imagenet_utils

KERAS_APPLICATIONS = "https://storage.googleapis.com/tensorflow/keras-applications/"


def make_divisible(v, divisor=8, min_value=None):
    """Channel count ``v`` rounded to the nearest multiple of ``divisor`` (at least ``min_value``,
    default ``divisor``), never more than 10% below ``v``: the width rule of the MobileNets and
    EfficientNets, which scale every layer's channels by a width multiplier."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def check_weights(weights, include_top, classes):
    if not (weights in ("imagenet", None) or (isinstance(weights, (str, os.PathLike))
                                              and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random initialization), "
                         "'imagenet' (pre-training on ImageNet), or the path to the weights file to be "
                         f"loaded.  Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should be "
                         f"1000.  Received classes={classes}")


def imagenet_file(model_name, fname, origin):
    """Keras's cache path ``~/.keras/models/<fname>`` when the file is there."""
    path = cache_path(fname, "models")
    if not os.path.exists(path):
        raise missing_file_error(f"keras.applications.{model_name}(weights='imagenet')", path, origin)
    return path


def image_input(input_tensor, input_shape):
    """The model's image input: ``Input(shape=input_shape)``, or ``input_tensor`` when it is a
    symbolic tensor (the model then starts from that tensor's own ``Input``)."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not isinstance(input_tensor, KerasTensor):
        raise ValueError("`input_tensor` must be a symbolic tensor made from `keras.Input(...)` (minikeras "
                         f"does not wrap arrays or eager tensors as inputs). Received: {input_tensor!r}")
    return input_tensor


def source_inputs(tensor):
    """The ``Input`` tensors ``tensor`` is computed from, in order of first appearance."""
    found, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop()
        layer, node_index, _ = t._keras_history
        node = layer._inbound_nodes[node_index]
        if node.is_input:
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
        else:
            stack.extend(reversed(node.input_tensors))
    return found


def classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights,
                          avg_name=None, max_name=None, top_avg_name="avg_pool"):
    """The classifier top (global average pooling, then a Dense softmax named "predictions"),
    or, without it, ``pooling`` "avg"/"max" of the features (or none)."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name=top_avg_name)(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    return pool_features(x, pooling, avg_name, max_name)


def pool_features(x, pooling, avg_name=None, max_name=None):
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    if pooling is not None:
        raise ValueError(f"`pooling` must be None, 'avg' or 'max'. Received: pooling={pooling!r}")
    return x


def finish(input_tensor, img_input, outputs, name, weights, weights_path):
    """Step 5: the model and its weights (the ImageNet file's, or a given file's)."""
    inputs = source_inputs(input_tensor) if input_tensor is not None else img_input
    model = Model(inputs, outputs, name=name)
    if weights == "imagenet":
        model.load_weights(weights_path)
    elif weights is not None:
        model.load_weights(weights)
    return model
