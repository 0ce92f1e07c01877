"""Small datasets, as in ``keras.datasets``: ``mnist.load_data()``."""
from . import mnist
