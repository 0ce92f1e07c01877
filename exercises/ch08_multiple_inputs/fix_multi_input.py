"""Chapter 8: repair a two-input model that ignores one of its inputs.

``broken_two_resolution_model`` was meant to take, in this order, a 32x32 grey image
(one channel) and a 16x16 colour version of it (three channels). Each input has its own
extractor, Conv2D(8, 3x3, relu) -> MaxPooling2D(2x2) -> Flatten; the two feature
vectors (grey first) are concatenated and read by Dense(8, relu) -> Dense(1, sigmoid).

It builds without an error, and even predicts, but read its summary: the colour image
never reaches any layer, and the model expects its data in the wrong order. Leave
``broken_two_resolution_model`` as it is and write the working model in
``fixed_two_resolution_model``.
"""
from minikeras.layers import Dense, Flatten, Input
from minikeras.layers.convolutional import Conv2D
from minikeras.layers.merge import concatenate
from minikeras.layers.pooling import MaxPooling2D
from minikeras.models import Model


def broken_two_resolution_model():
    grey = Input(shape=(32, 32, 1))
    x1 = Conv2D(8, kernel_size=3, activation="relu")(grey)
    x1 = Flatten()(MaxPooling2D(pool_size=(2, 2))(x1))
    colour = Input(shape=(16, 16, 3))
    x2 = Conv2D(8, kernel_size=3, activation="relu")(grey)
    x2 = Flatten()(MaxPooling2D(pool_size=(2, 2))(x2))
    merged = concatenate([x1, x2])
    hidden = Dense(8, activation="relu")(merged)
    output = Dense(1, activation="sigmoid")(hidden)
    return Model(inputs=[colour, grey], outputs=output)


def fixed_two_resolution_model():
    """Return the model ``broken_two_resolution_model`` was meant to be.

    ``model.predict([grey_images, colour_images])`` must work with arrays of shapes
    (batch, 32, 32, 1) and (batch, 16, 16, 3), and the output, (batch, 1), must depend
    on both.
    """
    raise NotImplementedError("ch08.fix_multi_input: implement fixed_two_resolution_model()")
