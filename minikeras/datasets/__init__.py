"""Small datasets, as in ``keras.datasets``: ``mnist``, ``fashion_mnist``, ``cifar10``,
``cifar100``, ``imdb``, ``reuters``, ``boston_housing``, ``california_housing``. Each
``load_data()`` reads the file Keras caches under ``~/.keras/datasets``; minikeras never
downloads (MNIST alone falls back to a subset shipped with the package)."""
from . import mnist
from . import boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb, reuters
