"""``keras.preprocessing``: Keras 2's home of the data utilities, kept by Keras 3 as an alias.
Tutorials still write ``from keras.preprocessing.sequence import pad_sequences``."""
from . import sequence  # noqa: F401
