"""``DataAdapter``: what the training loops need from a source of data.

``fit``, ``evaluate`` and ``predict`` do not care where batches come from. They ask an
adapter how many batches an epoch has and iterate over them; every batch is already
standardised: ``(xs, ys, sws, size)``, one array per model input, one target array and
one sample-weight array (or None) per compiled output, and the number of samples.

Each kind of data is one subclass, and ``get_data_adapter`` (in ``__init__.py``) picks the
first whose ``can_handle`` accepts the data. Arrays in memory are checked as a whole, once
(``ArrayDataAdapter``); a source that produces batches one at a time passes each batch
through the same ``prepare`` function as it arrives (``GeneratorDataAdapter`` for generators
and iterables such as a torch ``DataLoader``, ``PyDatasetAdapter``). ``num_batches`` is None
when the source does not know its length; ``epoch_iterator.py`` then reads until it ends.
"""
from abc import ABC, abstractmethod


class DataAdapter(ABC):
    """One source of standardised batches for the loops."""

    @staticmethod
    @abstractmethod
    def can_handle(x):
        """True if this adapter knows how to read ``x``."""

    @classmethod
    @abstractmethod
    def from_data(cls, x, y, sample_weight, class_weight, prepare, batch_size):
        """The adapter for this data. ``prepare(x, y, sample_weight, class_weight)`` checks a set
        of data against the model and returns ``(xs, ys, sws, n)``: all the data at once for
        arrays, or one batch at a time for a source that yields batches."""

    @property
    @abstractmethod
    def num_batches(self):
        """The number of batches in one epoch (the ``steps`` callbacks are told about)."""

    @abstractmethod
    def batches(self, shuffle=False):
        """The batches of one epoch, each ``(xs, ys, sws, size)``; ``shuffle`` is fit's argument
        (True, False or 'batch')."""

    @abstractmethod
    def split(self, validation_split, validation_batch_size):
        """``(training, validation)`` adapters: the last ``validation_split`` of the samples held
        out, as ``fit(validation_split=...)`` does, served in batches of ``validation_batch_size``."""
