"""Chapter 11, exercise ch11.residual_block: residual blocks with batch normalization."""

import minikeras as keras
from minikeras import layers


def residual_block(x, filters):
    """Apply one residual block to the 4-D tensor ``x`` and return the result.

    Main path: ``Conv2D(filters, 3, padding="same")``, ``BatchNormalization()``,
    ``ReLU()``, ``Conv2D(filters, 3, padding="same")``, ``BatchNormalization()``.

    Shortcut: ``x`` itself when it already has ``filters`` channels
    (``x.shape[-1] == filters``); otherwise ``Conv2D(filters, 1)(x)``, a 1x1
    convolution that changes the channel count so that the shapes match.

    Then ``layers.Add()([main, shortcut])`` (main path first) and a final
    ``ReLU()``. The ``if`` runs while the model is being defined: the graph gets
    a 1x1 convolution or none.
    """
    raise NotImplementedError("ch11.residual_block: implement residual_block()")


def build_resnet(input_shape=(224, 224, 3), stem_filters=64, widths=(64, 128, 256), num_classes=10):
    """Return the chapter's ResNet with batch normalization, as a ``keras.Model``.

    Stem: ``Conv2D(stem_filters, 7, strides=2, padding="same")``,
    ``BatchNormalization()``, ``ReLU()``, ``MaxPooling2D()``. Then one
    ``residual_block`` per entry of ``widths``, ``GlobalAveragePooling2D()`` and
    ``Dense(num_classes, activation="softmax")``.

    With the defaults Keras reports 1,237,770 parameters, 1,920 of them
    non-trainable (the moving means and variances of the BatchNormalization layers).
    """
    raise NotImplementedError("ch11.residual_block: implement build_resnet()")
