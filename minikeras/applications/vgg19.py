"""``keras.applications.vgg19``: Keras's module path for VGG19 (built in ``_vgg.py``)."""
from ._vgg import VGG19, decode_predictions, preprocess_input  # noqa: F401
