"""Chapter 4: repair a small image classifier.

``broken_cnn`` was meant to classify 28x28 grey-scale images (one channel) into two
classes: Conv2D(8, 3x3, relu) -> MaxPooling2D -> Conv2D(16, 3x3, relu) -> MaxPooling2D,
then a single sigmoid unit reading all the features. Run it and read the error; once it
builds, read its summary: the last layer's output shape is not one probability per
image. There are two mistakes. Leave ``broken_cnn`` as it is and write the working
model in ``fixed_cnn``.
"""
from minikeras.layers import Dense, Flatten, Input  # noqa: F401
from minikeras.layers.convolutional import Conv2D
from minikeras.layers.pooling import MaxPooling2D
from minikeras.models import Model


def broken_cnn():
    visible = Input(shape=(28, 28))
    x = Conv2D(8, kernel_size=3, activation="relu")(visible)
    x = MaxPooling2D(pool_size=(2, 2))(x)
    x = Conv2D(16, kernel_size=3, activation="relu")(x)
    x = MaxPooling2D(pool_size=(2, 2))(x)
    output = Dense(1, activation="sigmoid")(x)
    return Model(inputs=visible, outputs=output)


def fixed_cnn():
    """Return the model ``broken_cnn`` was meant to be.

    It must accept a batch of images of shape (batch, 28, 28, 1) and return one
    probability per image, shape (batch, 1). Keep the layers of ``broken_cnn``, in the
    same order, and add only what is missing.
    """
    visible = Input(shape=(28, 28, 1))
    x = Conv2D(8, kernel_size=3, activation="relu")(visible)
    x = MaxPooling2D(pool_size=(2, 2))(x)
    x = Conv2D(16, kernel_size=3, activation="relu")(x)
    x = MaxPooling2D(pool_size=(2, 2))(x)
    x = Flatten()(x)
    output = Dense(1, activation="sigmoid")(x)
    return Model(inputs=visible, outputs=output)
