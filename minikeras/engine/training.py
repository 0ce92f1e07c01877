"""Training and inference methods of ``Model``: predict (compile/fit/evaluate to come)."""
import numpy as np

from .layer import flatten, pack_like


class Trainer:
    def __init__(self):
        self.optimizer = None
        self.compiled = False

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Run the model on ``x`` in batches of ``batch_size`` (32) and return numpy arrays."""
        batch_size = batch_size or 32
        flat = self._flatten_inputs(x)
        n = len(flat[0])
        pieces = []
        for start in range(0, n, batch_size):
            batch = [t.value[start:start + batch_size] for t in flat]
            out = self._run_graph(batch if len(batch) > 1 else batch[0], training=False)
            pieces.append([np.asarray(o) for o in flatten(out)])
        if not pieces:
            raise ValueError(f"Model {self.name}: predict() received no samples.")
        joined = [np.concatenate(parts, axis=0) for parts in zip(*pieces)]
        return pack_like(self._output_structure, joined)

    def predict_on_batch(self, x):
        out = self._run_graph(x, training=False)
        return pack_like(self._output_structure, [np.asarray(o) for o in flatten(out)])
