"""MobileNet (Howard et al., 2017): a 3x3 convolution, then 13 depthwise-separable blocks --
a 3x3 depthwise convolution (one filter per channel) and a 1x1 pointwise one, each followed by
batch norm and ReLU6. ``alpha`` thins every layer (width multiplier), ``depth_multiplier``
multiplies the depthwise channels. The classifier is a 1x1 convolution on the pooled
features. Images are scaled to [-1, 1] ("tf" mode)."""
import warnings

from .. import config, layers
from . import _frame as frame, imagenet_utils

BASE = f"{frame.KERAS_APPLICATIONS}mobilenet/"
# (pointwise filters, stride) of blocks 1-13.
_BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1),
           (512, 1), (512, 1), (1024, 2), (1024, 1)]
_WEIGHT_SIZES = [128, 160, 192, 224]


def _axis():
    return 1 if config.image_data_format() == "channels_first" else -1


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    x = layers.Conv2D(int(filters * alpha), kernel, padding="same", use_bias=False, strides=strides,
                      name="conv1")(inputs)
    x = layers.BatchNormalization(axis=_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(inputs, pointwise_filters, alpha, depth_multiplier=1, strides=(1, 1), block_id=1):
    """Depthwise 3x3 (strided blocks pad one pixel bottom/right and convolve 'valid'), then
    pointwise 1x1; each followed by BN and ReLU6."""
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                               depth_multiplier=depth_multiplier, strides=strides, use_bias=False,
                               name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(pointwise_filters * alpha), (1, 1), padding="same", use_bias=False,
                      strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _rows_cols(input_shape):
    return input_shape[:2] if config.image_data_format() == "channels_last" else input_shape[1:]


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True,
              weights="imagenet", input_tensor=None, pooling=None, classes=1000,
              classifier_activation="softmax", name=None):
    """MobileNet V1 (4.3M parameters with the top at alpha=1); the name defaults to
    ``mobilenet_<alpha>_<rows>``."""
    frame.check_weights(weights, include_top, classes)
    default_size = 224
    if input_shape is not None:
        rows, cols = _rows_cols(input_shape)
        if rows == cols and rows in _WEIGHT_SIZES:
            default_size = rows
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    path = None
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1.  "
                             f"Received depth_multiplier={depth_multiplier}")
        if alpha not in (0.25, 0.5, 0.75, 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.25`, `0.50`, "
                             f"`0.75` or `1.0` only.  Received alpha={alpha}")
        if rows != cols or rows not in _WEIGHT_SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          "[128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as the "
                          "default.", stacklevel=2)
        alpha_text = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}[alpha]
        fname = f"mobilenet_{alpha_text}_{rows}_tf{'' if include_top else '_no_top'}.h5"
        path = frame.imagenet_file("MobileNet", fname, BASE + fname)
    img_input = frame.image_input(input_tensor, input_shape)

    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, strides=(stride, stride),
                                  block_id=block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = frame.pool_features(x, pooling)
    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    return frame.finish(input_tensor, img_input, x, name, weights, path)


def preprocess_input(x, data_format=None):
    """Pixels from [0, 255] to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
