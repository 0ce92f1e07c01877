"""Chapter 4: the tutorial's convolutional network."""
from minikeras.layers import Dense, Flatten, Input  # noqa: F401
from minikeras.layers.convolutional import Conv2D  # noqa: F401
from minikeras.layers.pooling import MaxPooling2D  # noqa: F401
from minikeras.models import Model  # noqa: F401


def build_cnn():
    """Return a new functional model for 64x64 black-and-white images (one channel):

    Conv2D(32 filters, 4x4, relu) -> MaxPooling2D(2x2) -> Conv2D(16, 4x4, relu)
    -> MaxPooling2D(2x2) -> Flatten -> Dense(10, relu) -> Dense(1, sigmoid)

    Each layer reads the output of the one before; convolutions use the default
    "valid" padding. Real Keras reports 35,813 parameters for it.
    """
    visible = Input(shape=(64, 64, 1))
    conv1 = Conv2D(32, kernel_size=4, activation="relu")(visible)
    pool1 = MaxPooling2D(pool_size=(2, 2))(conv1)
    conv2 = Conv2D(16, kernel_size=4, activation="relu")(pool1)
    pool2 = MaxPooling2D(pool_size=(2, 2))(conv2)
    flat = Flatten()(pool2)
    hidden1 = Dense(10, activation="relu")(flat)
    output = Dense(1, activation="sigmoid")(hidden1)
    return Model(inputs=visible, outputs=output)
