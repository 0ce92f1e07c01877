"""Recurrent cells: one time step of a recurrent layer, as a layer of its own.

A cell maps ``(inputs_t, states) -> (output_t, new_states)``; ``RNN`` (``layers/rnn.py``)
walks it along a sequence in a Python loop. ``state_size`` says how many states a cell
carries and how wide each is: an int for one state (SimpleRNNCell, GRUCell), a list for
several (LSTMCell: hidden state h and carry c). Writing your own recurrence means writing a
cell: any layer with ``state_size`` and ``call(inputs, states)`` works with ``RNN``.

The cells' weights are the built-in layers' (``kernel`` (input_dim, gates*units),
``recurrent_kernel`` (units, gates*units), ``bias``; LSTM gates i, f, c, o; GRU gates z, r, h),
so a cell's weights can be copied into an LSTM layer and back. The built-in ``SimpleRNN``,
``LSTM`` and ``GRU`` layers do not use these cells: they run the whole sequence in a fused
kernel, which is much faster; the cells exist for the step-by-step view and for stacking.
"""
import inspect

from .. import activations, constraints, initializers, ops, random, regularizers
from ..engine.layer import Layer
from ..engine.saving_hooks import saving_function
from .rnn_weights import add_kernels, lstm_bias_initializer, set_weight_options


class DropoutRNNCell:
    """Dropout for cells, as Keras 3 draws it: one mask per sequence, the same at every step
    (a fresh mask per step would make the recurrence forget at random). ``RNN`` resets the
    masks after each sequence; call ``reset_dropout_mask()`` yourself when you drive a cell."""

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = random.dropout(ops.ones_like(step_input), self.dropout, seed=self.seed_generator)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_state):
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = random.dropout(ops.ones_like(step_state), self.recurrent_dropout,
                                                          seed=self.seed_generator)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None


class _GatedCell(Layer, DropoutRNNCell):
    """Shared code: the three weights, their initializers/regularizers/constraints, dropout."""

    gates = 1

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"Layer {self.name}: `units` must be a positive integer, received {units!r}.")
        for arg, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0 <= rate <= 1:
                raise ValueError(f"Layer {self.name}: `{arg}` must be between 0 and 1, received {rate!r}.")
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        set_weight_options(self, kernel_initializer, recurrent_initializer, bias_initializer,
                           kernel_regularizer, recurrent_regularizer, bias_regularizer,
                           kernel_constraint, recurrent_constraint, bias_constraint)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed) if dropout or recurrent_dropout else None
        self._dropout_mask = self._recurrent_dropout_mask = None

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        add_kernels(self, input_shape, self.gates * self.units)
        self.bias = self.add_weight("bias", self._bias_shape(), initializer=self._bias_initializer(),
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def _dropped(self, inputs, state, training):
        """The step's input and previous state, each times its sequence's dropout mask in training."""
        if training:
            if self.dropout:
                inputs = ops.multiply(inputs, self.get_dropout_mask(inputs))
            if self.recurrent_dropout:
                state = ops.multiply(state, self.get_recurrent_dropout_mask(state))
        return inputs, state

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units)) for _ in range(1 if isinstance(self.state_size, int)
                                                                     else len(self.state_size))]

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}


def lstm_update(z, c, activation, recurrent_activation):
    """One LSTM step from the summed pre-activations ``z`` (gates i, f, g, o along the last
    axis, as Keras orders them) and the carry ``c``: ``(h, c)`` of the next step. The dense
    cell and the convolutional one (``conv_lstm.py``) differ only in how they compute ``z``."""
    zi, zf, zg, zo = ops.split(z, 4, axis=-1)
    i, f, o = recurrent_activation(zi), recurrent_activation(zf), recurrent_activation(zo)
    c = ops.add(ops.multiply(f, c), ops.multiply(i, activation(zg)))
    return ops.multiply(o, activation(c)), c


def _previous(states):
    return states[0] if isinstance(states, (list, tuple)) else states


def _like(states, new):
    """New states in the form the previous ones came: a list, or a single tensor."""
    return list(new) if isinstance(states, (list, tuple)) else new[0]


class SimpleRNNCell(_GatedCell):
    """h_t = activation(x_t W + b + h_{t-1} U); the output is h_t."""

    gates = 1

    def __init__(self, units, activation="tanh", **kwargs):
        if "recurrent_activation" in kwargs:   # a gated cell's argument; this cell has no gate to use it
            raise TypeError("SimpleRNNCell has no gates, so no `recurrent_activation`; received "
                            f"recurrent_activation={kwargs['recurrent_activation']!r}.")
        super().__init__(units, activation=activation, **kwargs)

    def call(self, inputs, states, training=False):
        inputs, h = self._dropped(inputs, _previous(states), training)
        z = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        h = self.activation(ops.add(z, ops.matmul(h, self.recurrent_kernel)))
        return h, _like(states, [h])

    def get_config(self):
        return super().get_config()


class LSTMCell(_GatedCell):
    """z = x_t W + h_{t-1} U + b, split into the gates i, f, o (recurrent_activation) and the
    candidate g (activation); c_t = f c_{t-1} + i g and h_t = o activation(c_t). States [h, c]."""

    gates = 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self):
        return lstm_bias_initializer(self)

    def call(self, inputs, states, training=False):
        h, c = states[0], states[1]
        inputs, h = self._dropped(inputs, h, training)
        z = ops.add(ops.matmul(inputs, self.kernel), ops.matmul(h, self.recurrent_kernel))
        if self.bias is not None:
            z = ops.add(z, self.bias)
        h, c = lstm_update(z, c, self.activation, self.recurrent_activation)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_GatedCell):
    """Update gate z and reset gate r (recurrent_activation), candidate hh (activation);
    h_t = z h_{t-1} + (1 - z) hh. With ``reset_after`` (Keras 3's default) the reset gate
    multiplies the recurrent projection after it is computed, and the bias has two rows
    (input and recurrent); without, it multiplies h_{t-1} before."""

    gates = 3

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=False):
        inputs, h = self._dropped(inputs, _previous(states), training)
        units = self.units
        x = ops.matmul(inputs, self.kernel)
        input_bias = recurrent_bias = None
        if self.bias is not None:
            input_bias, recurrent_bias = (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
            x = ops.add(x, input_bias)
        xz, xr, xh = ops.split(x, 3, axis=-1)
        if self.reset_after:
            inner = ops.matmul(h, self.recurrent_kernel)
            if recurrent_bias is not None:
                inner = ops.add(inner, recurrent_bias)
            rz, rr, rh = ops.split(inner, 3, axis=-1)
            z, r = self.recurrent_activation(ops.add(xz, rz)), self.recurrent_activation(ops.add(xr, rr))
            hh = self.activation(ops.add(xh, ops.multiply(r, rh)))
        else:
            inner = ops.matmul(h, self.recurrent_kernel[:, :2 * units])
            rz, rr = ops.split(inner, 2, axis=-1)
            z, r = self.recurrent_activation(ops.add(xz, rz)), self.recurrent_activation(ops.add(xr, rr))
            hh = self.activation(ops.add(xh, ops.matmul(ops.multiply(r, h), self.recurrent_kernel[:, 2 * units:])))
        new_h = ops.add(ops.multiply(z, h), ops.multiply(ops.subtract(1.0, z), hh))
        return new_h, _like(states, [new_h])

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


def _state_widths(cell):
    return [cell.state_size] if isinstance(cell.state_size, int) else list(cell.state_size)


def cell_output_size(cell):
    """A cell's output width: ``output_size`` if it says, else its first state's width."""
    size = getattr(cell, "output_size", None)
    return size if size is not None else _state_widths(cell)[0]


class StackedRNNCells(Layer):
    """Several cells as one: each step runs them in order, each feeding its output to the next.
    ``state_size`` lists each cell's; the states are a list with one entry per cell (a tensor
    for a one-state cell, a list for a cell with several)."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise ValueError(f"Layer {self.name}: `cells` must hold at least one cell, received an empty list.")
        for cell in cells:
            if not callable(getattr(cell, "call", None)) or getattr(cell, "state_size", None) is None:
                raise ValueError(f"Layer {self.name}: every cell needs a `call` method and a `state_size` "
                                 f"attribute; received {cell!r}.")
        self.cells = cells

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build(shape)
            shape = (shape[0], cell_output_size(cell))
        self.built = True

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            zeros = [ops.zeros((batch_size, w)) for w in _state_widths(cell)]
            states.append(zeros[0] if isinstance(cell.state_size, int) else zeros)
        return states

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            single = not isinstance(cell_states, (list, tuple))
            inputs, cell_new = call_cell(cell, inputs, [cell_states] if single else list(cell_states), training)
            cell_new = list(cell_new) if isinstance(cell_new, (list, tuple)) else [cell_new]
            new_states.append(cell_new[0] if single else cell_new)
        return inputs, new_states

    def get_config(self):
        return {**super().get_config(), "cells": [saving_function("serialize_layer")(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [saving_function("deserialize_layer")(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def call_cell(cell, inputs, states, training):
    """``cell(inputs, states)``, passing ``training`` when the cell takes it (a layer's
    ``__call__`` sorts that out; a plain object's ``call`` is asked)."""
    if isinstance(cell, Layer):
        return cell(inputs, states, training=training)
    parameters = inspect.signature(cell.call).parameters
    takes = "training" in parameters or any(p.kind == p.VAR_KEYWORD for p in parameters.values())
    return cell.call(inputs, states, training=training) if takes else cell.call(inputs, states)
