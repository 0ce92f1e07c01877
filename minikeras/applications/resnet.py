"""ResNet (He et al., 2015) and ResNet V2 (He et al., 2016): stacks of bottleneck residual
blocks (1x1 reduce, 3x3, 1x1 expand by 4) whose input is added back to their output.

V1 normalises and activates after each convolution and after the addition; V2 ("pre-
activation") normalises and activates *before* each block's convolutions, so the addition
path stays an identity, and closes the network with one ``post_bn``/``post_relu``. Depths
differ only in the number of blocks per stage. V1 images use "caffe" scaling, V2 "tf".
"""
from .. import config, layers
from . import _frame as frame, imagenet_utils

BASE = f"{frame.KERAS_APPLICATIONS}resnet/"
EPSILON = 1.001e-5


def _bn(name):
    return layers.BatchNormalization(axis=3 if config.image_data_format() == "channels_last" else 1,
                                     epsilon=EPSILON, name=name)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """Conv-BN-ReLU three times; the shortcut is the input, or a strided 1x1 projection of it
    when the shape changes."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_bn(f"{name}_1_bn")(x))
    x = layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_bn(f"{name}_2_bn")(x))
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _bn(f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """One stage: a projecting (and, with ``stride1``, downsampling) block, then identity blocks."""
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """BN-ReLU first ("preact"), shared by the projection shortcut and the three convolutions;
    a downsampling block without projection subsamples its shortcut by 1x1 max pooling."""
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(_bn(f"{name}_preact_bn")(x))
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_bn(f"{name}_1_bn")(x))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_bn(f"{name}_2_bn")(x))
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """One V2 stage: the projecting block first, the downsampling (``stride1``) block last."""
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{i}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def ResNet(stack_fn, preact, use_bias, include_top=True, weights="imagenet", input_tensor=None,
           input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet",
           weights_name=None):
    """The shared stem (7x7/2 convolution, 3x3/2 max pooling), ``stack_fn``'s stages and the top."""
    frame.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    path = None
    if weights == "imagenet" and weights_name is not None:
        fname = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
        path = frame.imagenet_file(name, fname, BASE + fname)
    img_input = frame.image_input(input_tensor, input_shape)

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = layers.Activation("relu", name="conv1_relu")(_bn("conv1_bn")(x))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = layers.Activation("relu", name="post_relu")(_bn("post_bn")(x))
    x = frame.classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights,
                                    avg_name="avg_pool", max_name="max_pool")
    return frame.finish(input_tensor, img_input, x, name, weights, path)


def _v1_stages(counts):
    def stack_fn(x):
        x = stack_residual_blocks_v1(x, 64, counts[0], stride1=1, name="conv2")
        x = stack_residual_blocks_v1(x, 128, counts[1], name="conv3")
        x = stack_residual_blocks_v1(x, 256, counts[2], name="conv4")
        return stack_residual_blocks_v1(x, 512, counts[3], name="conv5")
    return stack_fn


def _v2_stages(counts):
    def stack_fn(x):
        x = stack_residual_blocks_v2(x, 64, counts[0], name="conv2")
        x = stack_residual_blocks_v2(x, 128, counts[1], name="conv3")
        x = stack_residual_blocks_v2(x, 256, counts[2], name="conv4")
        return stack_residual_blocks_v2(x, 512, counts[3], stride1=1, name="conv5")
    return stack_fn


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="resnet50"):
    """ResNet50: stages of 3, 4, 6 and 3 bottleneck blocks."""
    return ResNet(_v1_stages([3, 4, 6, 3]), False, True, include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation, name, weights_name="resnet50")


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet101"):
    """ResNet101: stages of 3, 4, 23 and 3 bottleneck blocks."""
    return ResNet(_v1_stages([3, 4, 23, 3]), False, True, include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation, name, weights_name="resnet101")


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet152"):
    """ResNet152: stages of 3, 8, 36 and 3 bottleneck blocks."""
    return ResNet(_v1_stages([3, 8, 36, 3]), False, True, include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation, name, weights_name="resnet152")


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
               classes=1000, classifier_activation="softmax", name="resnet50v2"):
    """ResNet50V2: pre-activation blocks, stages of 3, 4, 6 and 3."""
    return ResNet(_v2_stages([3, 4, 6, 3]), True, True, include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation, name, weights_name="resnet50v2")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    """ResNet101V2: pre-activation blocks, stages of 3, 4, 23 and 3."""
    return ResNet(_v2_stages([3, 4, 23, 3]), True, True, include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation, name, weights_name="resnet101v2")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    """ResNet152V2: pre-activation blocks, stages of 3, 8, 36 and 3."""
    return ResNet(_v2_stages([3, 8, 36, 3]), True, True, include_top, weights, input_tensor, input_shape,
                  pooling, classes, classifier_activation, name, weights_name="resnet152v2")


def preprocess_input(x, data_format=None):
    """ResNet V1 scaling: RGB -> BGR, minus the ImageNet channel means ("caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
