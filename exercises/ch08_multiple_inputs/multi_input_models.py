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
    raise NotImplementedError("ch08.build_multi_input: implement build_multi_input_model()")


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
    raise NotImplementedError("ch08.build_ticket_classifier: implement build_ticket_classifier()")
