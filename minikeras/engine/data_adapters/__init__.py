"""Data adapters: every kind of data ``fit``/``evaluate``/``predict`` accept, behind one interface.

``get_data_adapter`` asks each adapter class in ``ADAPTERS``, in order, whether it can
read the data; the first that can wraps it. A new kind of data source is one new
``DataAdapter`` subclass placed in ``ADAPTERS`` before the arrays.
"""
from .array_data_adapter import ArrayDataAdapter
from .data_adapter import DataAdapter
from .data_adapter_utils import unsupported_data
from .generator_data_adapter import GeneratorDataAdapter
from .py_dataset_adapter import PyDataset, PyDatasetAdapter, Sequence  # noqa: F401

ADAPTERS = [PyDatasetAdapter, GeneratorDataAdapter, ArrayDataAdapter]


def get_data_adapter(model_name, x, y=None, sample_weight=None, class_weight=None, *, prepare, batch_size):
    """The adapter for ``x`` (``prepare``: see ``DataAdapter.from_data``)."""
    for adapter_class in ADAPTERS:
        if adapter_class.can_handle(x):
            return adapter_class.from_data(x, y, sample_weight, class_weight, prepare, batch_size)
    raise unsupported_data(model_name, x)
