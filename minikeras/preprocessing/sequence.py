"""``keras.preprocessing.sequence``: the same ``pad_sequences`` as ``keras.utils``."""
from ..utils.sequence_utils import pad_sequences  # noqa: F401
