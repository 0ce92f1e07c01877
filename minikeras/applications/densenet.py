"""DenseNet (Huang et al., 2017): inside a dense block every layer receives the concatenation of
all earlier feature maps and adds 32 new channels (the growth rate) through BN-ReLU-1x1-BN-ReLU-
3x3; transition blocks between dense blocks halve the channels (1x1) and the size (2x2 average
pooling). DenseNet121/169/201 differ in the number of layers per block. Images are scaled to
[0, 1] and standardised per channel ("torch" mode)."""
from .. import config, layers
from . import _frame as frame, imagenet_utils

BASE = f"{frame.KERAS_APPLICATIONS}densenet/"
EPSILON = 1.001e-5


def _axis():
    return 3 if config.image_data_format() == "channels_last" else 1


def _bn(name):
    return layers.BatchNormalization(axis=_axis(), epsilon=EPSILON, name=name)


def conv_block(x, growth_rate, name):
    """One dense layer: its ``growth_rate`` new channels are concatenated to its input."""
    x1 = layers.Activation("relu", name=f"{name}_0_relu")(_bn(f"{name}_0_bn")(x))
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = layers.Activation("relu", name=f"{name}_1_relu")(_bn(f"{name}_1_bn")(x1))
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(x1)
    return layers.Concatenate(axis=_axis(), name=f"{name}_concat")([x, x1])


def dense_block(x, blocks, name):
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    x = layers.Activation("relu", name=f"{name}_relu")(_bn(f"{name}_bn")(x))
    x = layers.Conv2D(int(x.shape[_axis()] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


_NAMES = {(6, 12, 24, 16): "densenet121", (6, 12, 32, 32): "densenet169", (6, 12, 48, 32): "densenet201"}


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="densenet"):
    """A DenseNet with ``blocks`` layers in its four dense blocks."""
    frame.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    path = None
    if weights == "imagenet":
        if tuple(blocks) not in _NAMES:
            raise ValueError("ImageNet weights exist only for DenseNet121, 169 and 201; "
                             f"received blocks={list(blocks)}.")
        fname = f"{_NAMES[tuple(blocks)]}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
        path = frame.imagenet_file(_NAMES[tuple(blocks)].replace("densenet", "DenseNet"), fname, BASE + fname)
    img_input = frame.image_input(input_tensor, input_shape)

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.Activation("relu", name="conv1_relu")(_bn("conv1_bn")(x))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, start=2):
        x = dense_block(x, count, name=f"conv{stage}")
        if stage < 5:
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = layers.Activation("relu", name="relu")(_bn("bn")(x))
    x = frame.classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights,
                                    avg_name="avg_pool", max_name="max_pool")
    return frame.finish(input_tensor, img_input, x, name, weights, path)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet121"):
    """DenseNet121: dense blocks of 6, 12, 24 and 16 layers (8.1M parameters with the top)."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet169"):
    """DenseNet169: dense blocks of 6, 12, 32 and 32 layers."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet201"):
    """DenseNet201: dense blocks of 6, 12, 48 and 32 layers."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """Pixels to [0, 1], then each channel standardised with ImageNet's mean and std ("torch")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
