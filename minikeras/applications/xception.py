"""Xception (Chollet, 2017): Inception's idea taken to the limit -- every convolution after the
stem is depthwise separable. An entry flow (blocks 1-4, each halving the size with a strided
1x1 projection as residual), a middle flow of eight identical residual blocks (5-12), an exit
flow (13-14). Images are scaled to [-1, 1] ("tf" mode); default input 299x299."""
from .. import config, layers
from . import _frame as frame, imagenet_utils

BASE = f"{frame.KERAS_APPLICATIONS}xception/"


def _sep_bn(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=_axis(), name=f"{name}_bn")(x)


def _axis():
    return 1 if config.image_data_format() == "channels_first" else -1


def _projection(x, filters):
    """The residual of a downsampling block: strided 1x1 convolution and batch norm (auto-named)."""
    r = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=_axis())(r)


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="xception"):
    """Xception (22.9M parameters with the top); inputs at least 71x71."""
    frame.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    path = None
    if weights == "imagenet":
        fname = f"xception_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
        path = frame.imagenet_file("Xception", fname, BASE + fname)
    img_input = frame.image_input(input_tensor, input_shape)
    axis = _axis()

    # 1. Entry flow: two plain convolutions, then three downsampling blocks.
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    for block, filters in [(2, 128), (3, 256), (4, 728)]:
        residual = _projection(x, filters)
        if block > 2:                    # block 2 follows block1_conv2_act: already activated
            x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
        x = _sep_bn(x, filters, f"block{block}_sepconv1")
        x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
        x = _sep_bn(x, filters, f"block{block}_sepconv2")
        x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
        x = layers.add([x, residual])
    # 2. Middle flow: eight blocks of three ReLU-separable-BN steps around an identity.
    for block in range(5, 13):
        residual = x
        for k in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{k}_act")(x)
            x = _sep_bn(x, 728, f"block{block}_sepconv{k}")
        x = layers.add([x, residual])
    # 3. Exit flow.
    residual = _projection(x, 1024)
    x = layers.Activation("relu", name="block13_sepconv1_act")(x)
    x = _sep_bn(x, 728, "block13_sepconv1")
    x = layers.Activation("relu", name="block13_sepconv2_act")(x)
    x = _sep_bn(x, 1024, "block13_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block13_pool")(x)
    x = layers.add([x, residual])
    x = layers.Activation("relu", name="block14_sepconv1_act")(_sep_bn(x, 1536, "block14_sepconv1"))
    x = layers.Activation("relu", name="block14_sepconv2_act")(_sep_bn(x, 2048, "block14_sepconv2"))
    x = frame.classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights)
    return frame.finish(input_tensor, img_input, x, name, weights, path)


def preprocess_input(x, data_format=None):
    """Pixels from [0, 255] to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
