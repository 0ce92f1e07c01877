"""Chapter 12, exercise ch12.inception_net: Inception modules and the two-module network."""

import minikeras as keras
from minikeras import layers


def inception_module(x, filters_1x1, filters_3x3, filters_5x5, filters_pool):
    """Apply the chapter's second Inception module to ``x`` and return its output.

    Four branches on the same input ``x``, every convolution with
    ``activation="relu"``, stride 1, and all concatenated along the channels in
    this order:

    1. ``Conv2D(filters_1x1, 1)``;
    2. a bottleneck ``Conv2D(filters_3x3 // 2, 1)``, then
       ``Conv2D(filters_3x3, 3, padding="same")``;
    3. a bottleneck ``Conv2D(filters_5x5 // 2, 1)``, then
       ``Conv2D(filters_5x5, 5, padding="same")``;
    4. ``MaxPooling2D(3, strides=1, padding="same")``, then ``Conv2D(filters_pool, 1)``.

    Create the branches in that order (branch 1 first). The output keeps the
    input's height and width and has
    ``filters_1x1 + filters_3x3 + filters_5x5 + filters_pool`` channels.
    """
    raise NotImplementedError("ch12.inception_net: implement inception_module()")


def build_inception_net(input_shape=(224, 224, 3), num_classes=10):
    """Return the chapter's network of two modules, as a ``keras.Model``.

    ``Conv2D(64, 7, strides=2, padding="same", activation="relu")``,
    ``MaxPooling2D()``, ``inception_module(x, 64, 128, 32, 32)``,
    ``inception_module(x, 128, 192, 96, 64)``, ``GlobalAveragePooling2D()``,
    ``Dense(num_classes, activation="softmax")``.

    With the defaults Keras reports 480,138 parameters.
    """
    raise NotImplementedError("ch12.inception_net: implement build_inception_net()")
