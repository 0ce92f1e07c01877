"""MobileNetV2 (Sandler et al., 2018): inverted residual blocks -- a 1x1 convolution expands the
channels (by 6), a 3x3 depthwise convolution filters them, a linear 1x1 convolution projects
them back down; the input is added back when the shapes agree. ReLU6 everywhere except after
the projection. ``alpha`` scales the widths (rounded to multiples of 8). Images are scaled to
[-1, 1] ("tf" mode)."""
import warnings

from .. import config, layers
from . import _frame as frame, imagenet_utils

BASE = f"{frame.KERAS_APPLICATIONS}mobilenet_v2/"
# (filters, stride, expansion) of blocks 0-16.
_BLOCKS = ([(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6)]
           + [(64, 2, 6)] + [(64, 1, 6)] * 3 + [(96, 1, 6)] * 3 + [(160, 2, 6)] + [(160, 1, 6)] * 2
           + [(320, 1, 6)])
_WEIGHT_SIZES = [96, 128, 160, 192, 224]


def _bn(name):
    axis = 1 if config.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    axis = 1 if config.image_data_format() == "channels_first" else -1
    in_channels = inputs.shape[axis]
    pointwise_filters = frame.make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                          activation=None, name=f"{prefix}expand")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(_bn(f"{prefix}expand_BN")(x))
    else:
        prefix = "expanded_conv_"          # block 0 has no expansion, and Keras's old name
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(_bn(f"{prefix}depthwise_BN")(x))
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=f"{prefix}project")(x)
    x = _bn(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """MobileNetV2 (3.5M parameters with the top at alpha=1); the name defaults to
    ``mobilenetv2_<alpha>_<rows>``."""
    frame.check_weights(weights, include_top, classes)
    channels_last = config.image_data_format() == "channels_last"
    if input_shape is None and input_tensor is not None and hasattr(input_tensor, "shape"):
        size = input_tensor.shape[1:3] if channels_last else input_tensor.shape[2:4]
    elif input_shape is not None:
        size = input_shape[:2] if channels_last else input_shape[1:]
    else:
        size = (None, None)
    default_size = size[0] if size[0] == size[1] and size[0] in _WEIGHT_SIZES else 224
    if input_shape is not None and input_tensor is not None:
        given = tuple(input_tensor.shape[1:])
        if given != tuple(input_shape):
            raise ValueError(f"input_tensor shape {given} does not match input_shape {tuple(input_shape)}.")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    rows, cols = input_shape[:2] if channels_last else input_shape[1:]
    path = None
    if weights == "imagenet":
        if alpha not in (0.35, 0.5, 0.75, 1.0, 1.3, 1.4):
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, "
                             f"`0.75`, `1.0`, `1.3` or `1.4` only. Received `alpha={alpha}`")
        if rows != cols or rows not in _WEIGHT_SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded "
                          "as the default.", stacklevel=2)
        fname = (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
                 f"{'' if include_top else '_no_top'}.h5")
        path = frame.imagenet_file("MobileNetV2", fname, BASE + fname)
    img_input = frame.image_input(input_tensor, input_shape)

    x = layers.Conv2D(frame.make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
                      use_bias=False, name="Conv1")(img_input)
    x = layers.ReLU(6.0, name="Conv1_relu")(_bn("bn_Conv1")(x))
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride, expansion=expansion,
                                block_id=block_id)
    last = frame.make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.ReLU(6.0, name="out_relu")(_bn("Conv_1_bn")(x))
    x = frame.classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights,
                                    top_avg_name=None)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    return frame.finish(input_tensor, img_input, x, name, weights, path)


def preprocess_input(x, data_format=None):
    """Pixels from [0, 255] to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
