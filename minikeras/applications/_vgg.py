"""VGG16 and VGG19 (Simonyan & Zisserman, 2015): five blocks of 3x3 convolutions, each closed
by 2x2 max pooling, then two 4096-unit dense layers. VGG19 has four convolutions (not three)
in blocks 3-5. Images are scaled with ``preprocess_input`` ("caffe" mode)."""
from .. import config, layers
from . import _frame as frame, imagenet_utils

# Convolutions per block, and their filters, for each depth.
_BLOCKS = {16: [2, 2, 3, 3, 3], 19: [2, 2, 4, 4, 4]}
_FILTERS = [64, 128, 256, 512, 512]


def _vgg(depth, include_top, weights, input_tensor, input_shape, pooling, classes,
         classifier_activation, name):
    frame.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    path = None
    if weights == "imagenet":
        fname = f"vgg{depth}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
        path = frame.imagenet_file(f"VGG{depth}", fname, f"{frame.KERAS_APPLICATIONS}vgg{depth}/{fname}")
    img_input = frame.image_input(input_tensor, input_shape)

    x = img_input
    for block, (convs, filters) in enumerate(zip(_BLOCKS[depth], _FILTERS), start=1):
        for i in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = frame.pool_features(x, pooling)
    return frame.finish(input_tensor, img_input, x, name, weights, path)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", name="vgg16"):
    """VGG16: 13 convolutions and 3 dense layers (138M parameters with the top)."""
    return _vgg(16, include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", name="vgg19"):
    """VGG19: 16 convolutions and 3 dense layers (144M parameters with the top)."""
    return _vgg(19, include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)


def preprocess_input(x, data_format=None):
    """RGB -> BGR, minus the ImageNet mean of each channel, no scaling ("caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
