"""``EpochIterator``: how many batches of a data adapter one epoch takes.

Without ``steps`` an epoch is one pass over the data: every batch of the arrays, or
everything a generator yields until it stops. With ``steps`` (``steps_per_epoch``,
``validation_steps``, ``evaluate(steps=...)``) an epoch is that many batches, and the
next epoch continues where this one stopped, as in Keras: a generator that never ends
needs ``steps``, and a long dataset can be read a part per epoch. When the data runs out
before the steps are done, the epoch ends early with Keras's warning, and the next epoch
starts a new pass (a generator, readable once, then has nothing left).
"""
import warnings

RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
           "generate at least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` "
           "function when building your dataset.")


class EpochIterator:
    def __init__(self, adapter, steps=None, shuffle=False):
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps <= 0):
            raise ValueError(f"The number of steps must be a positive integer or None, received {steps!r}.")
        self.adapter = adapter
        self.steps = steps
        self.shuffle = shuffle
        self._iterator = None
        self._seen = None           # batches counted in the first full pass of a source of unknown length
        self.ran_out = False        # the last epoch found no data at all

    def reset(self):
        """Start the next epoch with a new pass over the data, as Keras does for every evaluation
        (validation with ``validation_steps`` reads the same first batches each epoch). A
        generator, read once, continues where it stopped: Keras instead replays the first two
        batches it looked at in advance, which minikeras does not imitate."""
        self._iterator = None

    @property
    def num_batches(self):
        """Batches per epoch for the progress bar: ``steps``, else the data's, else None (unknown)."""
        if self.steps is not None:
            return self.steps
        known = self.adapter.num_batches
        return known if known is not None else self._seen

    def __iter__(self):
        """``(step, batch)`` for one epoch."""
        if self.steps is None:
            return self._one_pass()
        return self._some_steps()

    def _one_pass(self):
        count = 0
        for count, batch in enumerate(self.adapter.batches(self.shuffle), start=1):
            yield count - 1, batch
        self.ran_out = count == 0
        if self.ran_out:
            warnings.warn(RAN_OUT, stacklevel=3)
        elif self._seen is None:
            self._seen = count

    def _some_steps(self):
        """``steps`` batches from the pass in progress (a new pass once a known length is used up)."""
        if self._iterator is None:
            self._iterator, self._taken_in_pass = iter(self.adapter.batches(self.shuffle)), 0
        taken = 0
        for step in range(self.steps):
            batch = next(self._iterator, _END)
            if batch is _END:
                self._iterator = None
                warnings.warn(RAN_OUT, stacklevel=3)
                break
            taken += 1
            self._taken_in_pass += 1
            yield step, batch
        self.ran_out = taken == 0
        known = self.adapter.num_batches
        if known is not None and self._taken_in_pass >= known:
            self._iterator = None   # as Keras: the whole data was read, the next epoch starts again


_END = object()
