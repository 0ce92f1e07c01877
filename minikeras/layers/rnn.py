"""``RNN``: any recurrent cell walked along a sequence, one Python step per time step.

The cell (``layers/rnn_cells.py``, or your own layer with ``state_size`` and
``call(inputs, states)``) computes one step; ``RNN`` does everything around it:

1. the initial states (zeros of the cell's ``state_size``, or the ``initial_state`` given);
2. the loop over time (backwards with ``go_backwards``), calling the cell on each step;
3. masking: at a masked step the states are carried over unchanged and the output repeats the
   previous one (zeros with ``zero_output_for_mask``), as Keras does;
4. what to return: the last output or all of them (``return_sequences``), and the final
   states (``return_state``).

Every step is a few ops on the tape, so gradients flow through time by themselves. This is
slow next to the fused kernels of ``SimpleRNN``/``LSTM``/``GRU`` (a numba loop over the whole
sequence); use those for the built-in recurrences and ``RNN`` for new ones.
"""
from .. import ops, tree
from ..engine.layer import Layer
from ..engine.saving_hooks import saving_function
from .rnn_cells import StackedRNNCells, _state_widths, call_cell, cell_output_size


class RNN(Layer):
    """A recurrent layer around ``cell`` (a list of cells is stacked into a StackedRNNCells)."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        super().__init__(**kwargs)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"Layer {self.name}: the argument `cell` should have a `call` method; "
                             f"received cell={cell!r}.")
        state_size = getattr(cell, "state_size", None)
        if not isinstance(state_size, (int, list, tuple)):
            raise ValueError(f"Layer {self.name}: the RNN cell should have a `state_size` attribute (an integer "
                             f"or a list, one entry per state); received {state_size!r} from {cell!r}.")
        if stateful:
            raise ValueError(f"Layer {self.name}: stateful=True is not supported by minikeras.")
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.unroll = go_backwards, stateful, unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True

    @property
    def state_size(self):
        return [self.cell.state_size] if isinstance(self.cell.state_size, int) else list(self.cell.state_size)

    def __call__(self, inputs, initial_state=None, **kwargs):
        # Initial states become extra inputs of the node, so the graph knows where they come from.
        if initial_state is not None:
            states = tree.flatten(initial_state)
            inputs = [inputs] + states
        return super().__call__(inputs, **kwargs)

    def build(self, input_shape):
        sequence = input_shape[0] if isinstance(input_shape, list) else input_shape
        if len(sequence) < 3:
            raise ValueError(f"Layer {self.name}: expects sequences (batch, time, features...), received input "
                             f"shape {tuple(sequence)}.")
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build((sequence[0],) + tuple(sequence[2:]))
        self.built = True

    def _state_shapes(self, batch):
        shapes = []
        for size in self.state_size:
            shapes.append((batch, size) if isinstance(size, int) else [(batch, s) for s in size])
        return shapes

    def compute_output_shape(self, input_shape):
        sequence = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch, steps = sequence[0], sequence[1]
        width = cell_output_size(self.cell)
        output = (batch, steps, width) if self.return_sequences else (batch, width)
        return [output] + self._state_shapes(batch) if self.return_state else output

    def compute_mask(self, inputs, mask=None):
        mask = mask[0] if isinstance(mask, list) else mask
        out = mask if self.return_sequences else None
        return [out] + [None] * len(self.state_size) if self.return_state else out

    def get_initial_state(self, batch_size):
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        return [ops.zeros((batch_size, w)) for w in _state_widths(self.cell)]

    def _initial_states(self, inputs, initial_state):
        """The states to start from, in the cell's structure (step 1)."""
        if not initial_state:
            return self.get_initial_state(inputs.shape[0])
        flat = [ops.convert_to_tensor(s) for s in tree.flatten(initial_state)]
        # the cell's structure: one slot per state, nested as state_size nests
        slots = [0 if isinstance(size, int) else [0] * len(size) for size in self.state_size]
        if len(flat) != len(tree.flatten(slots)):
            raise ValueError(f"Layer {self.name}: initial_state needs {len(tree.flatten(slots))} tensors for the "
                             f"cell's state_size {self.cell.state_size}; received {len(flat)}.")
        return tree.pack_sequence_as(slots, flat)

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            inputs, initial_state = inputs[0], list(inputs[1:])
        if isinstance(mask, list):
            mask = mask[0]
        # 1. the states to start from
        states = self._initial_states(inputs, initial_state)
        steps = range(inputs.shape[1])
        output, outputs = None, []
        # 2. the loop over time
        for t in (reversed(steps) if self.go_backwards else steps):
            step_output, new_states = call_cell(self.cell, inputs[:, t], states, training)
            new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
            if mask is not None:
                # 3. a masked step keeps the states and repeats the previous output
                keep = ops.expand_dims(ops.cast(mask[:, t], "bool"), -1)
                previous = ops.zeros_like(step_output) if output is None or self.zero_output_for_mask else output
                step_output = ops.where(keep, step_output, previous)
                new_states = tree.pack_sequence_as(new_states, [
                    ops.where(keep, new, old) for new, old in zip(tree.flatten(new_states), tree.flatten(states))])
            output, states = step_output, new_states
            if self.return_sequences:
                outputs.append(output)
        self._reset_dropout_masks(self.cell)
        # 4. what to return
        result = ops.stack(outputs, axis=1) if self.return_sequences else output
        return [result] + list(states) if self.return_state else result

    def _reset_dropout_masks(self, cell):
        """Each sequence draws its own dropout masks (see rnn_cells.DropoutRNNCell)."""
        for c in getattr(cell, "cells", [cell]):
            if hasattr(c, "reset_dropout_mask"):
                c.reset_dropout_mask()
                c.reset_recurrent_dropout_mask()

    def get_config(self):
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
                "cell": saving_function("serialize_layer")(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = saving_function("deserialize_layer")(config.pop("cell"), custom_objects)
        return cls(cell, **config)
