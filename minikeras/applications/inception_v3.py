"""Inception V3 (Szegedy et al., 2015): a stem of plain convolutions, then "mixed" modules that
run parallel branches (1x1, factorised 5x5 / 7x7 / 3x3 and pooled ones) and concatenate them
along the channels. Every convolution is ``conv2d_bn``: convolution without bias, batch norm
without scale, ReLU. Images are scaled to [-1, 1] ("tf" mode); default input 299x299."""
from .. import config, layers
from . import _frame as frame, imagenet_utils

BASE = f"{frame.KERAS_APPLICATIONS}inception_v3/"


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Convolution (no bias: the batch norm's shift replaces it), BN (no scale: ReLU follows), ReLU."""
    axis = 1 if config.image_data_format() == "channels_first" else 3
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
                      name=None if name is None else f"{name}_conv")(x)
    x = layers.BatchNormalization(axis=axis, scale=False, name=None if name is None else f"{name}_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _avg_branch(x, filters):
    """3x3 average pooling (stride 1, 'same') followed by a 1x1 conv2d_bn."""
    pooled = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(pooled, filters, 1, 1)


def _module_35(x, pool_filters, name, axis):
    """Mixed 0-2: 1x1 | 1x1 -> 5x5 | 1x1 -> 3x3 -> 3x3 | pool -> 1x1."""
    b1 = conv2d_bn(x, 64, 1, 1)
    b5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    b3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    return layers.concatenate([b1, b5, b3, _avg_branch(x, pool_filters)], axis=axis, name=name)


def _module_17(x, mid, name, axis):
    """Mixed 4-7: 1x1 | 1x1 -> 1x7 -> 7x1 | 1x1 -> 7x1 -> 1x7 -> 7x1 -> 1x7 | pool -> 1x1."""
    b1 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(x, mid, 1, 1)
    b7 = conv2d_bn(b7, mid, 1, 7)
    b7 = conv2d_bn(b7, 192, 7, 1)
    bd = conv2d_bn(x, mid, 1, 1)
    bd = conv2d_bn(bd, mid, 7, 1)
    bd = conv2d_bn(bd, mid, 1, 7)
    bd = conv2d_bn(bd, mid, 7, 1)
    bd = conv2d_bn(bd, 192, 1, 7)
    return layers.concatenate([b1, b7, bd, _avg_branch(x, 192)], axis=axis, name=name)


def _module_8(x, i, axis):
    """Mixed 9-10: 1x1 | 1x1 -> (1x3 and 3x1) | 1x1 -> 3x3 -> (1x3 and 3x1) | pool -> 1x1."""
    b1 = conv2d_bn(x, 320, 1, 1)
    b3 = conv2d_bn(x, 384, 1, 1)
    b3 = layers.concatenate([conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)], axis=axis,
                            name=f"mixed9_{i}")
    bd = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    bd = layers.concatenate([conv2d_bn(bd, 384, 1, 3), conv2d_bn(bd, 384, 3, 1)], axis=axis)
    return layers.concatenate([b1, b3, bd, _avg_branch(x, 192)], axis=axis, name=f"mixed{9 + i}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="inception_v3"):
    """Inception V3 (23.9M parameters with the top); inputs at least 75x75."""
    frame.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    path = None
    if weights == "imagenet":
        fname = f"inception_v3_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
        path = frame.imagenet_file("InceptionV3", fname, BASE + fname)
    img_input = frame.image_input(input_tensor, input_shape)
    axis = 1 if config.image_data_format() == "channels_first" else 3

    # 1. Stem: 299 -> 35 pixels.
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    # 2. Three 35x35 modules.
    for i, pool_filters in enumerate([32, 64, 64]):
        x = _module_35(x, pool_filters, f"mixed{i}", axis)
    # 3. Reduction to 17x17 (mixed3).
    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    bd = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    bd = conv2d_bn(bd, 96, 3, 3, strides=(2, 2), padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, bd, pool], axis=axis, name="mixed3")
    # 4. Four 17x17 modules with factorised 7x7 convolutions.
    for i, mid in enumerate([128, 160, 160, 192]):
        x = _module_17(x, mid, f"mixed{4 + i}", axis)
    # 5. Reduction to 8x8 (mixed8).
    b3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(b7, 192, 1, 7)
    b7 = conv2d_bn(b7, 192, 7, 1)
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, b7, pool], axis=axis, name="mixed8")
    # 6. Two 8x8 modules with split 3x3 convolutions.
    for i in range(2):
        x = _module_8(x, i, axis)
    x = frame.classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights)
    return frame.finish(input_tensor, img_input, x, name, weights, path)


def preprocess_input(x, data_format=None):
    """Pixels from [0, 255] to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
