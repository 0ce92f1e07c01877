"""Chapter 6: two feature extractors reading the same input."""
from minikeras.layers import Dense, Flatten, Input  # noqa: F401
from minikeras.layers.convolutional import Conv2D  # noqa: F401
from minikeras.layers.merge import concatenate  # noqa: F401
from minikeras.layers.pooling import MaxPooling2D  # noqa: F401
from minikeras.models import Model  # noqa: F401


def build_shared_input_model():
    """Return a new functional model for 64x64 one-channel images with two branches.

    Both branches read the same ``Input``:

    * Conv2D(32, 4x4, relu) -> MaxPooling2D(2x2) -> Flatten
    * Conv2D(16, 8x8, relu) -> MaxPooling2D(2x2) -> Flatten

    The two vectors are concatenated (first branch first), then Dense(10, relu) and
    Dense(1, sigmoid). Real Keras reports 415,045 parameters for it.
    """
    visible = Input(shape=(64, 64, 1))
    conv1 = Conv2D(32, kernel_size=4, activation="relu")(visible)
    pool1 = MaxPooling2D(pool_size=(2, 2))(conv1)
    flat1 = Flatten()(pool1)
    conv2 = Conv2D(16, kernel_size=8, activation="relu")(visible)
    pool2 = MaxPooling2D(pool_size=(2, 2))(conv2)
    flat2 = Flatten()(pool2)
    merge = concatenate([flat1, flat2])
    hidden1 = Dense(10, activation="relu")(merge)
    output = Dense(1, activation="sigmoid")(hidden1)
    return Model(inputs=visible, outputs=output)
