"""``keras.applications.vgg16``: Keras's module path for VGG16 (built in ``_vgg.py``)."""
from ._vgg import VGG16, decode_predictions, preprocess_input  # noqa: F401
