"""ConvNeXt Tiny/Small/Base/Large/XLarge (Liu et al., 2022): a ResNet modernised step by step
towards the Vision Transformer's design, while staying purely convolutional.

The network is four stages at 1/4, 1/8, 1/16 and 1/32 of the image size. A "patchify" stem (a
4x4 convolution of stride 4, then layer normalization) starts the first; a layer normalization
and a 2x2 convolution of stride 2 start the others (Keras keeps each of these as a small
``Sequential`` model inside the functional one). Each block is, as a Transformer's MLP:

1. a 7x7 depthwise convolution (``Conv2D`` with ``groups`` = channels) mixes space;
2. layer normalization, then a ``Dense`` 4x expansion, GELU, and a ``Dense`` projection back
   (pointwise convolutions, written as ``Dense`` on the channel axis);
3. ``LayerScale``: each channel multiplied by a learned factor that starts at 1e-6, so every
   block starts close to the identity and deep stacks train stably;
4. stochastic depth (``StochasticDepth``, the whole branch dropped for some samples in
   training) or, at rate 0 as in every builder here, an identity ``Activation("linear")``;
5. the residual sum ``inputs + branch``, an op recorded in the graph (not a layer).

The model normalizes its own inputs with ImageNet's mean and variance (a ``Normalization``
layer, ``include_preprocessing=True``), so ``preprocess_input`` returns its input unchanged.
"""
import numpy as np

from .. import config, initializers, layers, ops, random
from ..engine.layer import Layer
from ..engine.sequential import Sequential
from . import _frame as frame, imagenet_utils

BASE = f"{frame.KERAS_APPLICATIONS}convnext/"
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048], "default_size": 224},
}


class StochasticDepth(Layer):
    """In training, the whole input of a sample is zeroed with probability ``drop_path_rate``
    (and the kept ones scaled by ``1 / (1 - rate)``), so a residual branch is sometimes skipped:
    the network trains as an ensemble of shallower ones. At inference it passes inputs through."""

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        if isinstance(drop_path_rate, bool) or not isinstance(drop_path_rate, (int, float)) \
                or not 0 <= drop_path_rate < 1:
            raise ValueError(f"Layer {self.name}: `drop_path_rate` must be a number in [0, 1), "
                             f"received drop_path_rate={drop_path_rate!r}.")
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training or self.drop_path_rate == 0:
            return x
        keep_prob = 1 - self.drop_path_rate
        shape = (x.shape[0],) + (1,) * (len(x.shape) - 1)        # one decision per sample
        kept = np.floor(keep_prob + np.asarray(random.uniform(shape, 0, 1))).astype(np.dtype(x.dtype))
        return ops.multiply(ops.divide(x, keep_prob), kept)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate}


class LayerScale(Layer):
    """``x * gamma``: one learned factor per channel (``projection_dim`` of them), starting at
    ``init_values`` (Touvron et al., 2021)."""

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        if input_shape[-1] != self.projection_dim:
            raise ValueError(f"Layer {self.name}: expected inputs with {self.projection_dim} channels "
                             f"(projection_dim) on the last axis, received shape {tuple(input_shape)}.")
        self.gamma = self.add_weight("gamma", (self.projection_dim,),
                                     initializer=initializers.Constant(self.init_values), trainable=True)
        super().build(input_shape)

    def call(self, x):
        return ops.multiply(x, self.gamma)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values, "projection_dim": self.projection_dim}


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """One block (steps 1-5 of the module docstring), as a function of its input tensor."""
    if name is None:
        raise ValueError("ConvNeXtBlock needs a `name`: its layers' names start with it.")

    def apply(inputs):
        x = layers.Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                          name=f"{name}_depthwise_conv")(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            layer = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            layer = layers.Activation("linear", name=f"{name}_identity")
        return inputs + layer(x)

    return apply


def PreStem(name):
    """Standardises RGB pixels in [0, 255] with ImageNet-1k's channel means and variances."""
    def apply(x):
        return layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                                    variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
                                    name=f"{name}_prestem_normalization")(x)
    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    """Global average pooling, layer normalization, the classifier ``Dense``."""
    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return layers.Dense(num_classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    return apply


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
             name="convnext", include_preprocessing=True, include_top=True, weights=None, input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", weights_name=None):
    """ConvNeXt with any stage ``depths`` and widths (``projection_dims``); the five sizes call it."""
    # 1. Arguments and the ImageNet file (found before anything is built).
    frame.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=config.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    path = None
    if weights == "imagenet":
        expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
        if list(depths) != expected["depths"] or list(projection_dims) != expected["projection_dims"]:
            raise ValueError(f"Architecture configuration does not match {weights_name} variant. Expected "
                             f"depths: {expected['depths']}, got: {depths}. Expected projection_dims: "
                             f"{expected['projection_dims']}, got: {projection_dims}.")
        if weights_name not in name:
            raise ValueError(f'Model name "{name}" does not match weights variant "{weights_name}". When '
                             f"using imagenet weights, the model name must contain it.")
        fname = name + (".h5" if include_top else "_notop.h5")
        path = frame.imagenet_file(f"ConvNeXt{weights_name.split('_')[-1].capitalize()}", fname, BASE + fname)
    img_input = frame.image_input(input_tensor, input_shape)

    # 2. The input standardisation (only for 3-channel images).
    x = img_input
    if include_preprocessing and input_shape[-1] == 3:
        x = PreStem(name=name)(x)

    # 3. The four downsampling steps: the stem, then three (norm, 2x2 stride-2 conv) pairs.
    downsample = [Sequential([layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
                              layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")],
                             name=f"{name}_stem")]
    for i in range(3):
        downsample.append(Sequential(
            [layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
             layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2, name=f"{name}_downsampling_conv_{i}")],
            name=f"{name}_downsampling_block_{i}"))

    # 4. The stages; the stochastic depth rate grows linearly from 0 over all blocks.
    rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    first = 0
    for i, depth in enumerate(depths):
        x = downsample[i](x)
        for j in range(depth):
            x = ConvNeXtBlock(projection_dim=projection_dims[i], drop_path_rate=rates[first + j],
                              layer_scale_init_value=layer_scale_init_value,
                              name=f"{name}_stage_{i}_block_{j}")(x)
        first += depth

    # 5. The top, or the optional pooling followed by a layer normalization (as Keras).
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Head(num_classes=classes, classifier_activation=classifier_activation, name=name)(x)
    else:
        x = frame.pool_features(x, pooling)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    return frame.finish(input_tensor, img_input, x, name, weights, path)


def _builder(size):
    """The public builder of one size: ConvNeXt with ``MODEL_CONFIGS[size]``."""
    def builder(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                name=f"convnext_{size}"):
        spec = MODEL_CONFIGS[size]
        return ConvNeXt(depths=spec["depths"], projection_dims=spec["projection_dims"], drop_path_rate=0.0,
                        layer_scale_init_value=1e-6, default_size=spec["default_size"], name=name,
                        include_preprocessing=include_preprocessing, include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, weights_name=f"convnext_{size}")
    builder.__name__ = builder.__qualname__ = f"ConvNeXt{'XLarge' if size == 'xlarge' else size.capitalize()}"
    builder.__doc__ = (f"ConvNeXt-{size.capitalize()}: stages of {spec_text(size)} blocks; "
                       "see the module docstring.")
    return builder


def spec_text(size):
    spec = MODEL_CONFIGS[size]
    return ", ".join(f"{d} x {w}-channel" for d, w in zip(spec["depths"], spec["projection_dims"]))


ConvNeXtTiny = _builder("tiny")
ConvNeXtSmall = _builder("small")
ConvNeXtBase = _builder("base")
ConvNeXtLarge = _builder("large")
ConvNeXtXLarge = _builder("xlarge")


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: the models normalize their own inputs (their ``Normalization`` layer)."""
    return x


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
