"""Keras 2's import path ``keras.layers.merge``; the layers live in ``merging.py``."""
from .merging import *  # noqa: F401,F403
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add,
                      average, concatenate, dot, maximum, minimum, multiply, subtract)
