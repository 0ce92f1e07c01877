"""``keras.applications.resnet_v2``: the pre-activation ResNets (built in ``resnet.py``), whose
images are scaled to [-1, 1] ("tf" mode)."""
from . import imagenet_utils
from .resnet import ResNet50V2, ResNet101V2, ResNet152V2  # noqa: F401


def preprocess_input(x, data_format=None):
    """Pixels from [0, 255] to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    return imagenet_utils.decode_predictions(preds, top=top)
