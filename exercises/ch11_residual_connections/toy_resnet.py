"""Chapter 11, exercise ch11.toy_resnet: the toy ResNet for 32x32 colour images."""

import minikeras as keras
from minikeras import layers


def build_toy_resnet():
    """Return the chapter's toy ResNet, a ``keras.Model`` named ``"toy_resnet"``.

    * input ``(32, 32, 3)`` named ``"img"``;
    * ``Conv2D(32, 3, relu)``, ``Conv2D(64, 3, relu)``, ``MaxPooling2D(3)``: that is
      ``block_1_output``;
    * two residual blocks, each: two ``Conv2D(64, 3, activation="relu",
      padding="same")``, then ``layers.add([x, block_input])``;
    * ``Conv2D(64, 3, relu)``, ``GlobalAveragePooling2D()``, ``Dense(256, relu)``,
      ``Dropout(0.5)``, ``Dense(10, softmax)``.

    Keras reports 223,242 parameters for it. Order matters: write the layers in
    the order above and add ``[x, block_input]`` in that order.
    """
    raise NotImplementedError("ch11.toy_resnet: implement build_toy_resnet()")
