"""``keras.utils.PyDataset`` (alias ``Sequence``) and the adapter that reads it.

A ``PyDataset`` is a Python object that hands out whole batches by index:
``__getitem__(i)`` returns batch ``i`` as ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``,
``__len__`` (or the ``num_batches`` property) says how many there are, ``None`` for an
endless one, and ``on_epoch_begin``/``on_epoch_end`` let it reshuffle or regenerate its
data between epochs. Because batches are asked for by index, the order of the batches
can be shuffled by ``fit`` (``shuffle=True``) without the dataset knowing.

Keras can prepare batches in background threads or processes (``workers``,
``use_multiprocessing``, ``max_queue_size``). minikeras accepts those arguments and reads
the batches one after the other in the training process, as Keras does with
``workers=1``: the results are the same, only the waiting differs.
"""
import itertools
import warnings

from ... import initializers
from .data_adapter import DataAdapter
from .data_adapter_utils import refuse_separate_targets, unpack_x_y_sample_weight
from .generator_data_adapter import to_numpy


def _setting(name):
    """A PyDataset attribute that ``PyDataset.__init__`` sets. Reading it from a subclass that
    did not call ``super().__init__()`` warns (as Keras does) and falls back to the defaults."""
    private = "_" + name

    def read(self):
        self._warn_if_super_not_called()
        return getattr(self, private)

    def write(self, value):
        setattr(self, private, value)
    return property(read, write, doc=f"The ``{name}`` given to ``PyDataset.__init__``.")


class PyDataset:
    """Base class for datasets that return batches by index (Keras 3's ``keras.utils.PyDataset``)."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        missing = [name for name in ("_workers", "_use_multiprocessing", "_max_queue_size")
                   if not hasattr(self, name)]
        if missing:
            self._workers, self._use_multiprocessing, self._max_queue_size = 1, False, 10
            warnings.warn("Your `PyDataset` class should call `super().__init__(**kwargs)` in its constructor. "
                          "`**kwargs` can include `workers`, `use_multiprocessing`, `max_queue_size`. Do not "
                          "pass these arguments to `fit()`, as they will be ignored.", stacklevel=3)

    workers = _setting("workers")
    use_multiprocessing = _setting("use_multiprocessing")
    max_queue_size = _setting("max_queue_size")

    def __getitem__(self, index):
        """Batch number ``index``: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index).")

    @property
    def num_batches(self):
        """The number of batches, or None for a dataset without end. By default ``len(self)``."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError("You need to implement the `num_batches` property:\n\n"
                                  "@property\ndef num_batches(self):\n  return ...")

    def __iter__(self):
        count = self.num_batches
        for i in range(count) if count is not None else itertools.count():
            yield self[i]

    def on_epoch_begin(self):
        """Called at the start of every epoch."""

    def on_epoch_end(self):
        """Called at the end of every epoch (reshuffle the data here)."""


Sequence = PyDataset


class PyDatasetAdapter(DataAdapter):
    @staticmethod
    def can_handle(x):
        return isinstance(x, PyDataset)

    @classmethod
    def from_data(cls, x, y, sample_weight, class_weight, prepare, batch_size):
        refuse_separate_targets("PyDataset", y, sample_weight)
        return cls(x, class_weight, prepare)

    def __init__(self, dataset, class_weight, prepare):
        self.dataset = dataset
        self.class_weight = class_weight
        self.prepare = prepare
        # Read (and so warn about a missing super().__init__) as Keras does; one thread either way.
        self.workers = dataset.workers
        self.use_multiprocessing = dataset.use_multiprocessing
        self.max_queue_size = dataset.max_queue_size

    @property
    def num_batches(self):
        return self.dataset.num_batches

    def raw_batches(self, shuffle=False):
        """1. ``on_epoch_begin``; 2. the batches by index, in order or shuffled (a finite dataset);
        3. ``on_epoch_end`` once the epoch has read them all."""
        self.dataset.on_epoch_begin()
        count = self.dataset.num_batches
        if count is None:
            if shuffle:
                warnings.warn("`shuffle=True` was passed, but will be ignored since the data `x` was provided "
                              "as an infinite PyDataset. The PyDataset is expected to already be shuffled.",
                              stacklevel=2)
            order = itertools.count()
        elif shuffle:
            order = (int(i) for i in initializers.rng().permutation(count))
        else:
            order = range(count)
        for index in order:
            batch = self.dataset[index]
            if not isinstance(batch, (tuple, list, dict)):
                raise ValueError("PyDataset.__getitem__() must return a tuple or a dict. If a tuple, it must be "
                                 "ordered either (input,) or (inputs, targets) or (inputs, targets, "
                                 f"sample_weights). Received: {type(batch).__name__} (batch {index}).")
            yield to_numpy(batch)
        self.dataset.on_epoch_end()

    def batches(self, shuffle=False):
        for batch in self.raw_batches(shuffle):
            x, y, sample_weight = unpack_x_y_sample_weight(batch)
            yield self.prepare(x, y, sample_weight, self.class_weight)

    def split(self, validation_split, validation_batch_size):
        raise ValueError("`validation_split` is only supported for Tensors or NumPy arrays, found following "
                         f"types in the input: {[type(self.dataset)]}")
