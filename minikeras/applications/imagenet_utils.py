"""What every ImageNet model shares: its input shape rules, its input scaling and its labels.

* ``obtain_input_shape`` decides the model's input shape from ``input_shape``, the model's
  default size and smallest size, and whether a classifier top (which fixes the size) is built.
* ``preprocess_input(x, mode=...)`` scales images the way each model was trained:
  ``"caffe"`` (VGG, ResNet): RGB -> BGR, then subtract the ImageNet mean of each channel;
  ``"tf"`` (Inception, Xception, MobileNet, ResNet V2): pixels to [-1, 1];
  ``"torch"`` (DenseNet): pixels to [0, 1], then each channel standardised.
* ``decode_predictions`` turns a (samples, 1000) array of probabilities into
  ``(class id, name, score)`` triples, from Keras's ``imagenet_class_index.json``.
"""
import json
import warnings

import numpy as np

from .. import activations, backend, config, layers, ops
from ..engine.tensor import KerasTensor
from ..utils.cache_files import cache_path, find_cached

CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_ORIGIN = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"

# Per-channel constants of each mode: (mean, std), both in the channel order after any flip.
_CAFFE_MEAN = [103.939, 116.779, 123.68]           # B, G, R
_TORCH_MEAN, _TORCH_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def _data_format(data_format):
    if data_format is None:
        return config.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Expected data_format to be one of `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format}")
    return data_format


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scale a batch of images (3-D or 4-D, values 0-255) as an ImageNet model expects.

    A float numpy array is changed in place and returned, as Keras does; an integer array is
    converted to ``floatx`` first. An eager tensor goes through ``ops``. A symbolic tensor
    (``keras.Input`` and what follows it) gets the same ops wrapped in a ``Lambda`` layer: in minikeras only layers join a functional graph, and this way
    the scaling can be the first step inside a model, as in Keras's transfer-learning guide.
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")
    data_format = _data_format(data_format)
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    if isinstance(x, KerasTensor):
        return layers.Lambda(lambda t: _preprocess_tensor(t, data_format, mode))(x)
    return _preprocess_tensor(x, data_format, mode)


def _channel_axis(ndim, data_format):
    if data_format == "channels_last":
        return ndim - 1
    return 0 if ndim == 3 else 1


def _preprocess_numpy(x, data_format, mode):
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format)
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        x = np.flip(x, axis=axis)                  # a view: the caller's array is changed too
        mean, std = _CAFFE_MEAN, None
    index = [slice(None)] * x.ndim
    for c in range(3):
        index[axis] = c
        x[tuple(index)] -= mean[c]
        if std is not None:
            x[tuple(index)] /= std[c]
    return x


def _preprocess_tensor(x, data_format, mode):
    if mode == "tf":
        return ops.subtract(ops.divide(x, 127.5), 1.0)
    ndim = len(x.shape)
    axis = _channel_axis(ndim, data_format)
    broadcast = [1] * ndim
    broadcast[axis] = 3
    if mode == "torch":
        x = ops.divide(x, 255.0)
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        x = ops.flip(x, axis=axis)
        mean, std = _CAFFE_MEAN, None
    x = ops.subtract(x, np.reshape(np.array(mean, dtype=backend.floatx()), broadcast))
    if std is not None:
        x = ops.divide(x, np.reshape(np.array(std, dtype=backend.floatx()), broadcast))
    return x


def decode_predictions(preds, top=5):
    """For each row of ``preds`` (shape (samples, 1000)), the ``top`` classes as
    ``(wordnet id, class name, score)``, best first."""
    preds = ops.to_numpy(preds) if not isinstance(preds, np.ndarray) else preds
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array of "
                         f"shape (samples, 1000)). Received array with shape: {preds.shape}")
    path = find_cached("keras.applications decode_predictions()",
                       [cache_path(CLASS_INDEX_FILE, "models")], CLASS_INDEX_ORIGIN)
    with open(path) as f:
        class_index = json.load(f)
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        row = [tuple(class_index[str(i)]) + (pred[i],) for i in best]
        row.sort(key=lambda item: item[2], reverse=True)
        results.append(row)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """The model's input shape (without the batch axis), checked as Keras checks it.

    1. The default is ``(default_size, default_size, channels)``, channels taken from
       ``input_shape`` when given (3 otherwise); other channel counts than 1 or 3 warn.
    2. ImageNet weights with a top need exactly the default shape and 3 channels.
    3. A given shape has three entries, each spatial one at least ``min_size`` (or None).
    4. With no shape: the default when a top is built (it flattens a fixed size), else
       ``(None, None, 3)``, any size.
    """
    channels_last = data_format != "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if channels_last else input_shape[0]
        if channels not in (1, 3):
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was passed an "
                          f"input_shape with {channels} input channels.", stacklevel=3)
    else:
        channels = 3
    default_shape = ((default_size, default_size, channels) if channels_last
                     else (channels, default_size, default_size))
    if weights == "imagenet" and require_flatten and input_shape is not None:
        if tuple(input_shape) != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}.  Received: input_shape={input_shape}")
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape}")
        channels = input_shape[-1] if channels_last else input_shape[0]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        rows, cols = input_shape[:2] if channels_last else input_shape[1:]
        if (rows is not None and rows < min_size) or (cols is not None and cols < min_size):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (None, None, 3) if channels_last else (3, None, None)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """The zero padding that makes a stride-2 'valid' convolution of ``kernel_size`` land on
    the same centres as TensorFlow's 'same' one: one pixel less before than after when the
    input size is even."""
    rows, cols = inputs.shape[1:3] if config.image_data_format() == "channels_last" else inputs.shape[2:4]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation, weights):
    """Pretrained weights were trained under a softmax: only softmax or None (logits) go with them."""
    if weights is None:
        return
    fn = activations.get(classifier_activation)
    if fn not in (activations.get("softmax"), activations.get(None)):
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, with "
                         f"`include_top=True`; Received: classifier_activation={classifier_activation}")
