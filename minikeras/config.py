"""``keras.config``: the global settings Keras 3 gathers in one module.

The settings themselves live in ``backend.py`` (float type, epsilon) and ``saving``
(safe mode); this module is the Keras 3 address for them. minikeras computes with numpy
on the CPU and stores images channels-last, so ``backend()`` is "numpy" and the only
image data format is "channels_last".
"""
from .backend import epsilon, floatx, set_epsilon, set_floatx
from .saving.safe_mode import enable_unsafe_deserialization

__all__ = ["backend", "enable_unsafe_deserialization", "epsilon", "floatx", "image_data_format",
           "set_epsilon", "set_floatx", "set_image_data_format"]


def backend():
    """The name of the array library minikeras computes with."""
    return "numpy"


def image_data_format():
    """Where images keep their channels: always last, (batch, rows, cols, channels)."""
    return "channels_last"


def set_image_data_format(data_format):
    """Accepts "channels_last", the only layout minikeras's kernels implement."""
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format!r}")
    if data_format != "channels_last":
        raise ValueError("minikeras stores images channels-last only; set_image_data_format"
                         "('channels_first') is not supported. Transpose your data with "
                         "np.moveaxis(x, 1, -1) instead.")



