"""EfficientNetV2 (Tan & Le, 2021): EfficientNet with "fused" MBConv blocks in the early stages
(the 1x1 expansion and the depthwise convolution replaced by one plain 3x3 convolution, which
runs faster on small feature maps), smaller expansion ratios, and a stem without padding tricks.

Block arguments per variant are in ``BLOCKS``: (kernel size, repeats, input filters, output
filters, expansion ratio, squeeze-excitation ratio, strides, fused). B0-B3 share B0's table,
scaled by width/depth coefficients; S, M and L have their own. The model scales its own inputs
(``include_preprocessing``), so ``preprocess_input`` does nothing.
"""
import copy
import math

from .. import config, initializers, layers
from . import _frame as frame, imagenet_utils
from .efficientnet import CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER

BASE = f"{frame.KERAS_APPLICATIONS}efficientnet_v2/"

_B = [(3, 1, 32, 16, 1, 0, 1, True), (3, 2, 16, 32, 4, 0, 2, True), (3, 2, 32, 48, 4, 0, 2, True),
      (3, 3, 48, 96, 4, 0.25, 2, False), (3, 5, 96, 112, 6, 0.25, 1, False), (3, 8, 112, 192, 6, 0.25, 2, False)]
BLOCKS = {
    "efficientnetv2-b0": _B, "efficientnetv2-b1": _B, "efficientnetv2-b2": _B, "efficientnetv2-b3": _B,
    "efficientnetv2-s": [(3, 2, 24, 24, 1, 0, 1, True), (3, 4, 24, 48, 4, 0, 2, True), (3, 4, 48, 64, 4, 0, 2, True),
                         (3, 6, 64, 128, 4, 0.25, 2, False), (3, 9, 128, 160, 6, 0.25, 1, False),
                         (3, 15, 160, 256, 6, 0.25, 2, False)],
    "efficientnetv2-m": [(3, 3, 24, 24, 1, 0, 1, True), (3, 5, 24, 48, 4, 0, 2, True), (3, 5, 48, 80, 4, 0, 2, True),
                         (3, 7, 80, 160, 4, 0.25, 2, False), (3, 14, 160, 176, 6, 0.25, 1, False),
                         (3, 18, 176, 304, 6, 0.25, 2, False), (3, 5, 304, 512, 6, 0.25, 1, False)],
    "efficientnetv2-l": [(3, 4, 32, 32, 1, 0, 1, True), (3, 7, 32, 64, 4, 0, 2, True), (3, 7, 64, 96, 4, 0, 2, True),
                         (3, 10, 96, 192, 4, 0.25, 2, False), (3, 19, 192, 224, 6, 0.25, 1, False),
                         (3, 25, 224, 384, 6, 0.25, 2, False), (3, 7, 384, 640, 6, 0.25, 1, False)],
}


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """Filters scaled by ``width_coefficient``, rounded to a multiple of ``depth_divisor``."""
    filters *= width_coefficient
    return int(max(min_depth or depth_divisor, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def _bn(name, momentum):
    return layers.BatchNormalization(axis=3 if config.image_data_format() == "channels_last" else 1,
                                     momentum=momentum, name=name)


def _squeeze_excite(x, input_filters, filters, se_ratio, activation, name):
    """Global average pool -> 1x1 reduce -> 1x1 expand (sigmoid) -> rescale the channels."""
    filters_se = max(1, int(input_filters * se_ratio))
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    shape = (1, 1, filters) if config.image_data_format() == "channels_last" else (filters, 1, 1)
    se = layers.Reshape(shape, name=f"{name}se_reshape")(se)
    se = layers.Conv2D(filters_se, 1, padding="same", activation=activation,
                       kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                       kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_expand")(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def _residual(x, inputs, strides, input_filters, output_filters, drop_rate, name):
    """Add the input back when shapes agree, after dropping whole samples at ``drop_rate``
    (Keras passes the drop-connect rate as the Dropout rate, growing with depth)."""
    if strides == 1 and input_filters == output_filters:
        if drop_rate:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def mb_conv_block(inputs, input_filters, output_filters, expand_ratio, kernel_size, strides, se_ratio,
                  bn_momentum, activation, drop_rate, name):
    """MBConv: 1x1 expansion, depthwise convolution, squeeze-excitation, linear 1x1 projection."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, strides=1, kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                          use_bias=False, name=f"{name}expand_conv")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(_bn(f"{name}expand_bn", bn_momentum)(x))
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               padding="same", use_bias=False, name=f"{name}dwconv2")(x)
    x = layers.Activation(activation, name=f"{name}activation")(_bn(f"{name}bn", bn_momentum)(x))
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
    x = layers.Conv2D(output_filters, 1, strides=1, kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                      use_bias=False, name=f"{name}project_conv")(x)
    x = _bn(f"{name}project_bn", bn_momentum)(x)
    return _residual(x, inputs, strides, input_filters, output_filters, drop_rate, name)


def fused_mb_conv_block(inputs, input_filters, output_filters, expand_ratio, kernel_size, strides, se_ratio,
                        bn_momentum, activation, drop_rate, name):
    """Fused MBConv: one kxk convolution does the expansion (and the stride); without expansion
    the projection itself is the kxk convolution, followed by an activation."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, kernel_size, strides=strides, kernel_initializer=CONV_KERNEL_INITIALIZER,
                          padding="same", use_bias=False, name=f"{name}expand_conv")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(_bn(f"{name}expand_bn", bn_momentum)(x))
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
    fused = expand_ratio == 1
    x = layers.Conv2D(output_filters, kernel_size if fused else 1, strides=strides if fused else 1,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same", use_bias=False,
                      name=f"{name}project_conv")(x)
    x = _bn(f"{name}project_bn", bn_momentum)(x)
    if fused:
        x = layers.Activation(activation, name=f"{name}project_activation")(x)
    return _residual(x, inputs, strides, input_filters, output_filters, drop_rate, name)


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
                   depth_divisor=8, min_depth=8, bn_momentum=0.9, activation="swish", blocks_args="default",
                   name="efficientnetv2", include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                   include_preprocessing=True, weights_name=None):
    """An EfficientNetV2; ``blocks_args`` "default" takes the table of ``name`` in ``BLOCKS``."""
    blocks_args = BLOCKS[name] if blocks_args == "default" else blocks_args
    frame.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    path = None
    if weights == "imagenet":
        fname = name + (".h5" if include_top else "_notop.h5")
        path = frame.imagenet_file(f"EfficientNetV2{(weights_name or '').lstrip('-').upper()}", fname, BASE + fname)
    img_input = frame.image_input(input_tensor, input_shape)
    axis = 3 if config.image_data_format() == "channels_last" else 1

    def filters(n):
        return round_filters(n, width_coefficient, min_depth, depth_divisor)

    # 1. Input scaling inside the model: B variants standardise with ImageNet's statistics,
    #    S/M/L map [0, 255] to [-1, 1).
    x = img_input
    if include_preprocessing:
        if name.split("-")[-1].startswith("b") and input_shape[axis - 1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2],
                                     axis=axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    # 2. Stem.
    x = layers.Conv2D(filters(blocks_args[0][2]), 3, strides=2, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.Activation(activation, name="stem_activation")(_bn("stem_bn", bn_momentum)(x))
    # 3. Stages.
    blocks_args = copy.deepcopy(blocks_args)
    b, total = 0, float(sum(args[1] for args in blocks_args))
    for i, (kernel, repeats, f_in, f_out, expand, se_ratio, strides, fused) in enumerate(blocks_args):
        if repeats <= 0:
            raise ValueError(f"The number of repeats in `EfficientNetV2` must be > 0. Received: num_repeat={repeats}")
        f_in, f_out = filters(f_in), filters(f_out)
        block = fused_mb_conv_block if fused else mb_conv_block
        for j in range(int(math.ceil(depth_coefficient * repeats))):
            if j > 0:
                strides, f_in = 1, f_out
            x = block(x, f_in, f_out, expand, kernel, strides, se_ratio, bn_momentum, activation,
                      drop_connect_rate * b / total, name=f"block{i + 1}{chr(j + 97)}_")
            b += 1
    # 4. Head.
    x = layers.Conv2D(filters(1280), 1, strides=1, kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                      use_bias=False, name="top_conv")(x)
    x = layers.Activation(activation, name="top_activation")(_bn("top_bn", bn_momentum)(x))
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         bias_initializer=initializers.Constant(0.0), name="predictions")(x)
    else:
        x = frame.pool_features(x, pooling, avg_name="avg_pool", max_name="max_pool")
    return frame.finish(input_tensor, img_input, x, name, weights, path)


# variant: (width coefficient, depth coefficient, default input size, Keras's weights name)
VARIANTS = {"b0": (1.0, 1.0, 224, "b0"), "b1": (1.0, 1.1, 240, "b1"), "b2": (1.1, 1.2, 260, "b2"),
            "b3": (1.2, 1.4, 300, "b3"), "s": (1.0, 1.0, 384, "-s"), "m": (1.0, 1.0, 480, "-m"),
            "l": (1.0, 1.0, 480, "-l")}


def _variant(key, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
             include_preprocessing, name):
    width, depth, size, weights_name = VARIANTS[key]
    return EfficientNetV2(width_coefficient=width, depth_coefficient=depth, default_size=size, name=name,
                          include_top=include_top, weights=weights, input_tensor=input_tensor,
                          input_shape=input_shape, pooling=pooling, classes=classes,
                          classifier_activation=classifier_activation,
                          include_preprocessing=include_preprocessing, weights_name=weights_name)


def EfficientNetV2B0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b0"):
    """EfficientNetV2B0; default input 224x224."""
    return _variant("b0", include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, include_preprocessing, name)


def EfficientNetV2B1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b1"):
    """EfficientNetV2B1: 1.1x B0's blocks; default input 240x240."""
    return _variant("b1", include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, include_preprocessing, name)


def EfficientNetV2B2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b2"):
    """EfficientNetV2B2: 1.1x B0's channels, 1.2x its blocks; default input 260x260."""
    return _variant("b2", include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, include_preprocessing, name)


def EfficientNetV2B3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b3"):
    """EfficientNetV2B3: 1.2x B0's channels, 1.4x its blocks; default input 300x300."""
    return _variant("b3", include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, include_preprocessing, name)


def EfficientNetV2S(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-s"):
    """EfficientNetV2S (21.6M parameters with the top); default input 384x384."""
    return _variant("s", include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, include_preprocessing, name)


def EfficientNetV2M(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-m"):
    """EfficientNetV2M (54.4M parameters with the top); default input 480x480."""
    return _variant("m", include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, include_preprocessing, name)


def EfficientNetV2L(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-l"):
    """EfficientNetV2L (119M parameters with the top); default input 480x480."""
    return _variant("l", include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, include_preprocessing, name)


def preprocess_input(x, data_format=None):
    """The identity: EfficientNetV2 models scale their inputs themselves (``include_preprocessing``)."""
    return x


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
