"""``ArrayDataAdapter``: numpy arrays (and lists or dicts of them) held in memory.

The whole data set goes through ``prepare`` once: checked, converted to the model's
dtypes and split per input and output. A batch is then only a slice of each array (or,
when shuffling, an index array), so an epoch costs no per-batch checking or converting.
"""
import math

import numpy as np

from ... import initializers
from .data_adapter import DataAdapter
from .data_adapter_utils import is_dataset_like


class ArrayDataAdapter(DataAdapter):
    @staticmethod
    def can_handle(x):
        return not is_dataset_like(x)

    @classmethod
    def from_data(cls, x, y, sample_weight, class_weight, prepare, batch_size):
        return cls(*prepare(x, y, sample_weight, class_weight), batch_size)

    def __init__(self, xs, ys, sws, n, batch_size):
        """Checked arrays: ``xs`` per input, ``ys`` and ``sws`` per output (None where absent),
        ``n`` samples."""
        self.xs, self.ys, self.sws, self.n = xs, ys, sws, n
        self.batch_size = batch_size

    @property
    def num_batches(self):
        return max(math.ceil(self.n / self.batch_size), 1)

    def batches(self, shuffle=False):
        xs, ys, sws = self.xs, self.ys, self.sws
        for index in _batch_indices(self.n, self.batch_size, shuffle):
            bx = [a[index] for a in xs]
            yield (bx, [None if a is None else a[index] for a in ys],
                   [None if a is None else a[index] for a in sws], len(bx[0]))

    def split(self, validation_split, validation_batch_size):
        n = self.n
        split_at = int(math.floor(n * (1.0 - validation_split)))
        if split_at == 0 or split_at == n:
            raise ValueError(f"Training data contains {n} samples, which is not sufficient to split it "
                             f"into a validation and training set as specified by "
                             f"`validation_split={validation_split}`.")
        return self._part(0, split_at, self.batch_size), self._part(split_at, n, validation_batch_size)

    def _part(self, start, stop, batch_size):
        xs, ys, sws = ([None if a is None else a[start:stop] for a in arrays]
                       for arrays in (self.xs, self.ys, self.sws))
        return ArrayDataAdapter(xs, ys, sws, stop - start, batch_size)


def _batch_indices(n, batch_size, shuffle):
    """Index objects for the batches of one epoch: slices in order, or shuffled indices from the
    minikeras RNG (so ``utils.set_random_seed`` makes the order repeat)."""
    if not shuffle:
        return [slice(start, start + batch_size) for start in range(0, n, batch_size)]
    if shuffle == "batch":
        starts = np.arange(0, n, batch_size)
        initializers.rng().shuffle(starts)
        return [slice(int(s), int(s) + batch_size) for s in starts]
    order = initializers.rng().permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]
