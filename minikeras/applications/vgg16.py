"""``keras.applications.vgg16``: Keras's module path for VGG16 (built in ``vgg.py``)."""
from .vgg import VGG16, decode_predictions, preprocess_input  # noqa: F401
