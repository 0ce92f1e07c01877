"""Chapter 6: repair a two-branch model that lost a branch.

``broken_two_branch_model`` was meant to look at 28x28 one-channel images with two
feature extractors that both read the input:

* a fine one: Conv2D(8, 3x3, relu) -> MaxPooling2D(2x2) -> Flatten
* a coarse one: Conv2D(4, 5x5, relu) -> MaxPooling2D(2x2) -> Flatten

whose features are joined (fine first, then coarse) and read by one sigmoid unit. It
builds without an error, but compare its summary (and ``plot_model``) with that
description: a whole branch is missing from the model, and it was not wired correctly
in the first place. Leave ``broken_two_branch_model`` as it is and write the working
model in ``fixed_two_branch_model``.
"""
from minikeras.layers import Dense, Flatten, Input
from minikeras.layers.convolutional import Conv2D
from minikeras.layers.merge import concatenate  # noqa: F401
from minikeras.layers.pooling import MaxPooling2D
from minikeras.models import Model


def broken_two_branch_model():
    visible = Input(shape=(28, 28, 1))
    conv1 = Conv2D(8, kernel_size=3, activation="relu")(visible)
    pool1 = MaxPooling2D(pool_size=(2, 2))(conv1)
    flat1 = Flatten()(pool1)
    conv2 = Conv2D(4, kernel_size=5, activation="relu")(visible)
    pool2 = MaxPooling2D(pool_size=(2, 2))(conv1)
    flat2 = Flatten()(pool2)
    output = Dense(1, activation="sigmoid")(flat1)
    return Model(inputs=visible, outputs=output)


def fixed_two_branch_model():
    """Return the model ``broken_two_branch_model`` was meant to be: input
    (batch, 28, 28, 1), output (batch, 1), both branches used."""
    visible = Input(shape=(28, 28, 1))
    conv1 = Conv2D(8, kernel_size=3, activation="relu")(visible)
    pool1 = MaxPooling2D(pool_size=(2, 2))(conv1)
    flat1 = Flatten()(pool1)
    conv2 = Conv2D(4, kernel_size=5, activation="relu")(visible)
    pool2 = MaxPooling2D(pool_size=(2, 2))(conv2)
    flat2 = Flatten()(pool2)
    merge = concatenate([flat1, flat2])
    output = Dense(1, activation="sigmoid")(merge)
    return Model(inputs=visible, outputs=output)
