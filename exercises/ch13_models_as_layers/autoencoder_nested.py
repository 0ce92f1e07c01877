"""Chapter 13, exercise ch13.autoencoder: an autoencoder made of two nested models."""

import minikeras as keras
from minikeras import layers


def build_encoder():
    """The chapter's encoder, a ``keras.Model`` named ``"encoder"``.

    Input ``(28, 28, 1)`` named ``"original_img"``; ``Conv2D(16, 3, relu)``,
    ``Conv2D(32, 3, relu)``, ``MaxPooling2D(3)``, ``Conv2D(32, 3, relu)``,
    ``Conv2D(16, 3, relu)``, ``GlobalMaxPooling2D()``. Output: 16 numbers per
    image; 18,672 parameters.
    """
    raise NotImplementedError("ch13.autoencoder: implement build_encoder()")


def build_decoder():
    """The chapter's decoder, a ``keras.Model`` named ``"decoder"``.

    Input ``(16,)`` named ``"encoded_img"``; ``Reshape((4, 4, 1))``,
    ``Conv2DTranspose(16, 3, relu)``, ``Conv2DTranspose(32, 3, relu)``,
    ``UpSampling2D(3)``, ``Conv2DTranspose(16, 3, relu)``,
    ``Conv2DTranspose(1, 3, relu)``. Output ``(28, 28, 1)``; 9,569 parameters.
    """
    raise NotImplementedError("ch13.autoencoder: implement build_decoder()")


def build_autoencoder(encoder, decoder):
    """Chain the two models into a ``keras.Model`` named ``"autoencoder"``.

    Make a NEW input ``(28, 28, 1)`` named ``"img"``, call ``encoder`` on it and
    ``decoder`` on the result. The autoencoder's layers are then its input and
    the two nested models themselves (the same objects, not copies): 28,241
    parameters in three rows of the summary.
    """
    raise NotImplementedError("ch13.autoencoder: implement build_autoencoder()")
