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
    raise NotImplementedError("ch06.build_shared_input: implement build_shared_input_model()")
