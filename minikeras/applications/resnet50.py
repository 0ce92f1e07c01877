"""``keras.applications.resnet50``: Keras's module path for ResNet50 (built in ``resnet.py``)."""
from .resnet import ResNet50, decode_predictions, preprocess_input  # noqa: F401
