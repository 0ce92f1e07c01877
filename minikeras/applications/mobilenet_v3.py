"""MobileNetV3 Small and Large (Howard et al., 2019): MobileNetV2's inverted residual blocks,
found by architecture search, with two additions -- squeeze-and-excitation in some blocks, and
the "hard" activations, piecewise-linear stand-ins for sigmoid and swish that are cheap on
phones: ``hard_sigmoid(x) = relu6(x + 3) / 6`` and ``hard_swish(x) = x * hard_sigmoid(x)``.

Keras writes ``hard_sigmoid`` as plain arithmetic around a ``ReLU(6)`` layer, ``ReLU(6)(x + 3) *
(1 / 6)``, so the ``+`` and ``*`` are recorded as ops in the functional graph (they are not in
``model.layers``) -- the builders here do the same, so the layer lists agree with Keras's.
``minimalistic=True`` drops the squeeze-and-excitation and the hard activations (ReLU and 3x3
kernels everywhere). The model scales its own inputs to [-1, 1] with a ``Rescaling`` layer
(``include_preprocessing=True``), so ``preprocess_input`` returns its input unchanged.
"""
import warnings

from .. import config, layers
from . import _frame as frame, imagenet_utils

BASE = f"{frame.KERAS_APPLICATIONS}mobilenet_v3/"


def relu(x):
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``: the ``+ 3.0`` and ``* (1 / 6)`` are ops between layers, as in Keras."""
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _bn(name):
    axis = 1 if config.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)


def _se_block(inputs, filters, se_ratio, prefix):
    """Squeeze-and-excitation: a per-channel gate in (0, 1) computed from the channel means."""
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(frame.make_divisible(filters * se_ratio), kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    """1. expand (1x1, not in block 0); 2. depthwise filter (padded by hand when strided);
    3. optional squeeze-and-excitation; 4. linear 1x1 projection; 5. the residual sum when the
    shapes agree."""
    axis = 1 if config.image_data_format() == "channels_first" else -1
    shortcut = x
    in_filters = x.shape[axis]
    prefix = "expanded_conv_"
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(frame.make_divisible(in_filters * expansion), kernel_size=1, padding="same",
                          use_bias=False, name=f"{prefix}expand")(x)
        x = activation(_bn(f"{prefix}expand_bn")(x))
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                               use_bias=False, name=f"{prefix}depthwise")(x)
    x = activation(_bn(f"{prefix}depthwise_bn")(x))
    if se_ratio:
        x = _se_block(x, frame.make_divisible(in_filters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(f"{prefix}project_bn")(x)
    if stride == 1 and in_filters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _input_shape(input_shape, input_tensor):
    """Keras's rules: a given tensor's width must agree with ``input_shape``; without a shape,
    the tensor's (or a free-size) image of 3 channels; images are at least 32x32."""
    channels_first = config.image_data_format() == "channels_first"
    if input_tensor is not None:
        frame.image_input(input_tensor, None)          # checks that it is a symbolic tensor
        if input_shape is not None:
            width = input_tensor.shape[1] if channels_first else input_tensor.shape[2]
            if width != input_shape[1]:
                raise ValueError(f"input_shape[1] must equal input_tensor.shape[{1 if channels_first else 2}].  "
                                 f"Received input_shape={input_shape}, input_tensor.shape={input_tensor.shape}")
        else:
            rows, cols = input_tensor.shape[2:4] if channels_first else input_tensor.shape[1:3]
            input_shape = (3, cols, rows) if channels_first else (cols, rows, 3)
    if input_shape is None:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    rows, cols = input_shape[1:3] if channels_first else input_shape[0:2]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    return input_shape, rows, cols


def MobileNetV3(blocks_fn, last_point_ch, input_shape=None, alpha=1.0, model_type="large", minimalistic=False,
                include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name=None):
    """The frame both sizes share around their stack of inverted residual blocks, which
    ``blocks_fn(kernel, activation, se_ratio)`` lists as (expansion, filters, kernel size,
    stride, se_ratio, activation); the filters are scaled by ``alpha`` here."""
    # 1. Arguments, input shape, and the ImageNet file (found before anything is built).
    frame.check_weights(weights, include_top, classes)
    input_shape, rows, cols = _input_shape(input_shape, input_tensor)
    path = None
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non "
                             f"minimalistic or `1.0` for minimalistic only. Received alpha={alpha}, "
                             f"minimalistic={minimalistic}")
        if rows != cols or rows != 224:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not 224. Weights for input "
                          "shape (224, 224) will be loaded as the default.", stacklevel=3)
        model_name = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
        fname = f"weights_mobilenet_v3_{model_name}{'' if include_top else '_no_top_v2'}.h5"
        path = frame.imagenet_file(f"MobileNetV3{model_type.capitalize()}", fname, BASE + fname)
    img_input = frame.image_input(input_tensor, input_shape)
    axis = 1 if config.image_data_format() == "channels_first" else -1
    kernel, activation, se_ratio = (3, relu, None) if minimalistic else (5, hard_swish, 0.25)

    # 2. Stem: scaling to [-1, 1], a strided 3x3 convolution.
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = activation(_bn("conv_bn")(x))

    # 3. The blocks, then a wide 1x1 convolution (six times the last block's channels).
    blocks = blocks_fn(kernel, activation, se_ratio)
    for block_id, (expansion, filters, size, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block(x, expansion, frame.make_divisible(filters * alpha), size, stride, se, act, block_id)
    last_conv_ch = frame.make_divisible(x.shape[axis] * 6)
    if alpha > 1.0:
        last_point_ch = frame.make_divisible(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = activation(_bn("conv_1_bn")(x))

    # 4. The top is made of 1x1 convolutions on the pooled 1x1 image (as the paper's), then
    #    flattened; without it, the optional pooling.
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = frame.pool_features(x, pooling, avg_name="avg_pool", max_name="max_pool")
    return frame.finish(input_tensor, img_input, x, name, weights, path)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Small"):
    """MobileNetV3Small (2.6M parameters with the top at alpha=1): 11 blocks, the first three with ReLU."""
    def blocks_fn(kernel, activation, se_ratio):
        # (expansion, filters, kernel, stride, se_ratio, activation) of blocks 0-10
        return [(1, 16, 3, 2, se_ratio, relu), (72.0 / 16, 24, 3, 2, None, relu),
                (88.0 / 24, 24, 3, 1, None, relu), (4, 40, kernel, 2, se_ratio, activation),
                (6, 40, kernel, 1, se_ratio, activation), (6, 40, kernel, 1, se_ratio, activation),
                (3, 48, kernel, 1, se_ratio, activation), (3, 48, kernel, 1, se_ratio, activation),
                (6, 96, kernel, 2, se_ratio, activation), (6, 96, kernel, 1, se_ratio, activation),
                (6, 96, kernel, 1, se_ratio, activation)]

    return MobileNetV3(blocks_fn, 1024, input_shape, alpha, "small", minimalistic, include_top, weights,
                       input_tensor, classes, pooling, dropout_rate, classifier_activation,
                       include_preprocessing, name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Large"):
    """MobileNetV3Large (5.5M parameters with the top at alpha=1): 15 blocks, the first six with ReLU."""
    def blocks_fn(kernel, activation, se_ratio):
        # (expansion, filters, kernel, stride, se_ratio, activation) of blocks 0-14
        return [(1, 16, 3, 1, None, relu), (4, 24, 3, 2, None, relu), (3, 24, 3, 1, None, relu),
                (3, 40, kernel, 2, se_ratio, relu), (3, 40, kernel, 1, se_ratio, relu),
                (3, 40, kernel, 1, se_ratio, relu), (6, 80, 3, 2, None, activation),
                (2.5, 80, 3, 1, None, activation), (2.3, 80, 3, 1, None, activation),
                (2.3, 80, 3, 1, None, activation), (6, 112, 3, 1, se_ratio, activation),
                (6, 112, 3, 1, se_ratio, activation), (6, 160, kernel, 2, se_ratio, activation),
                (6, 160, kernel, 1, se_ratio, activation), (6, 160, kernel, 1, se_ratio, activation)]

    return MobileNetV3(blocks_fn, 1280, input_shape, alpha, "large", minimalistic, include_top, weights,
                       input_tensor, classes, pooling, dropout_rate, classifier_activation,
                       include_preprocessing, name=name)


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: the models scale their own inputs (their ``Rescaling`` layer)."""
    return x


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
