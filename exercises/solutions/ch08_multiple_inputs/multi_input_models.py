"""Chapter 8: two models with several inputs."""
import minikeras as keras  # noqa: F401
from minikeras import layers  # noqa: F401
from minikeras.layers import Dense, Flatten, Input  # noqa: F401
from minikeras.layers.convolutional import Conv2D  # noqa: F401
from minikeras.layers.merge import concatenate  # noqa: F401
from minikeras.layers.pooling import MaxPooling2D  # noqa: F401
from minikeras.models import Model  # noqa: F401


def build_multi_input_model():
    """Return a new model reading the same picture at two resolutions.

    Inputs, in this order: a 64x64 black-and-white image (one channel) and a 32x32
    colour image (three channels). Each goes through its own extractor:
    Conv2D(32, 4x4, relu) -> MaxPooling2D(2x2) -> Conv2D(16, 4x4, relu)
    -> MaxPooling2D(2x2) -> Flatten. The two vectors are concatenated (the 64x64
    branch first) and read by Dense(10, relu) -> Dense(10, relu) -> Dense(1, sigmoid).
    Build the whole 64x64 branch before the 32x32 one. Real Keras reports 49,699
    parameters.
    """
    visible1 = Input(shape=(64, 64, 1))
    conv11 = Conv2D(32, kernel_size=4, activation="relu")(visible1)
    pool11 = MaxPooling2D(pool_size=(2, 2))(conv11)
    conv12 = Conv2D(16, kernel_size=4, activation="relu")(pool11)
    pool12 = MaxPooling2D(pool_size=(2, 2))(conv12)
    flat1 = Flatten()(pool12)
    visible2 = Input(shape=(32, 32, 3))
    conv21 = Conv2D(32, kernel_size=4, activation="relu")(visible2)
    pool21 = MaxPooling2D(pool_size=(2, 2))(conv21)
    conv22 = Conv2D(16, kernel_size=4, activation="relu")(pool21)
    pool22 = MaxPooling2D(pool_size=(2, 2))(conv22)
    flat2 = Flatten()(pool22)
    merge = concatenate([flat1, flat2])
    hidden1 = Dense(10, activation="relu")(merge)
    hidden2 = Dense(10, activation="relu")(hidden1)
    output = Dense(1, activation="sigmoid")(hidden2)
    return Model(inputs=[visible1, visible2], outputs=output)


def build_ticket_classifier():
    """Return a new support-ticket classifier with three named inputs and two named outputs.

    Inputs, in this order:

    * ``"title"``: a sequence of any length of word indices (``shape=(None,)``);
    * ``"body"``: another sequence of any length of word indices;
    * ``"tags"``: a vector of 12 zeros and ones.

    The title goes through ``Embedding(10000, 64)`` then ``LSTM(128)``; the body through
    its own ``Embedding(10000, 64)`` then ``LSTM(32)``. The two LSTM outputs and the tags
    are concatenated (in that order) and read by two heads: ``"priority"``, a Dense(1,
    sigmoid), and ``"department"``, a Dense(4, softmax). The model's outputs are
    ``[priority, department]``. Create the layers in the order of this description
    (title embedding, body embedding, title LSTM, body LSTM, ...). Real Keras reports
    1,392,097 parameters.
    """
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(12,), name="tags")
    title_features = layers.Embedding(10000, 64)(title_input)
    body_features = layers.Embedding(10000, 64)(body_input)
    title_features = layers.LSTM(128)(title_features)
    body_features = layers.LSTM(32)(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, activation="sigmoid", name="priority")(x)
    department_pred = layers.Dense(4, activation="softmax", name="department")(x)
    return keras.Model(inputs=[title_input, body_input, tags_input],
                       outputs=[priority_pred, department_pred])
