"""Chapter 14, exercise ch14.vgg19: the VGG19 architecture, with Keras's layer names."""

import minikeras as keras
from minikeras import layers


def VGG19(include_top=True, input_shape=(224, 224, 3), classes=1000, fc_units=4096):
    """Return VGG19 as a ``keras.Model`` named ``"vgg19"`` (random weights).

    Five blocks; block ``b`` has ``convs`` convolutions of ``filters`` filters:
    ``(64, 2), (128, 2), (256, 4), (512, 4), (512, 4)``. Every convolution is
    ``Conv2D(filters, (3, 3), activation="relu", padding="same")`` named
    ``f"block{b}_conv{i}"`` (``i`` from 1); each block ends with
    ``MaxPooling2D((2, 2), strides=(2, 2))`` named ``f"block{b}_pool"``.

    With ``include_top=True`` the classifier follows: ``Flatten`` named
    ``"flatten"``, ``Dense(fc_units, relu)`` named ``"fc1"``, ``Dense(fc_units,
    relu)`` named ``"fc2"`` and ``Dense(classes, softmax)`` named ``"predictions"``.
    Without it the model ends at ``block5_pool``.

    Keras reports 143,667,240 parameters for the full model and 20,024,384 for
    ``include_top=False``. (``fc_units`` is not a Keras argument; it lets the
    tests build a small top quickly.)
    """
    raise NotImplementedError("ch14.vgg19: implement VGG19()")
