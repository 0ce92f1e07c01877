"""Chapter 15, exercise ch15.custom_rnn: a custom recurrent layer inside a functional model.

Write the chapter's ``CustomRNN`` (a Python loop over time steps, with Dense
sublayers) and the functional model that uses it after a ``Conv1D``.
"""

import minikeras as keras
from minikeras import layers, ops


class CustomRNN(layers.Layer):
    """A simple recurrent layer written as a loop, followed by a per-step classifier."""

    def __init__(self, units=32, **kwargs):
        """Create (but do not call) three sublayers, stored as attributes so that
        their weights count as this layer's:

        ``self.projection_1 = layers.Dense(units, activation="tanh")``,
        ``self.projection_2 = layers.Dense(units, activation="tanh")``,
        ``self.classifier = layers.Dense(1, activation="sigmoid")``;
        and keep ``self.units = units``. Pass ``**kwargs`` to ``super().__init__``.
        """
        raise NotImplementedError("ch15.custom_rnn: implement CustomRNN.__init__")

    def build(self, input_shape):
        """Build the three sublayers for the shapes they will receive.

        ``input_shape`` is ``(batch, timesteps, features)``. Call
        ``self.projection_1.build((batch, features))``,
        ``self.projection_2.build((batch, units))`` and
        ``self.classifier.build((batch, None, units))``: their weights then exist
        as soon as this layer is built, so ``count_params`` and the summary see
        them before any data has flowed (Keras 3 recommends this for sublayers).
        """
        raise NotImplementedError("ch15.custom_rnn: implement CustomRNN.build")

    def compute_output_shape(self, input_shape):
        """``(batch, timesteps, 1)`` for an input of shape ``(batch, timesteps, features)``.

        With this method the model learns the output shape without running the
        Python loop of ``call`` on symbolic tensors.
        """
        raise NotImplementedError("ch15.custom_rnn: implement CustomRNN.compute_output_shape")

    def call(self, inputs):
        """``inputs`` has shape ``(batch, timesteps, features)`` with a known batch size.

        Start from ``state = ops.zeros((batch, units))``. For each time step ``t``:
        ``h = projection_1(inputs[:, t, :])``, ``y = h + projection_2(state)``,
        ``state = y``, and keep ``y``. Stack the kept ``y`` along axis 1
        (``ops.stack``) into ``(batch, timesteps, units)`` and return
        ``classifier`` applied to it: ``(batch, timesteps, 1)``.
        """
        raise NotImplementedError("ch15.custom_rnn: implement CustomRNN.call")


def build_mixed_model(batch_size=16, timesteps=10, input_dim=5, units=32):
    """Return the chapter's mixed model: functional outside, custom layer inside.

    ``keras.Input(batch_shape=(batch_size, timesteps, input_dim))`` (CustomRNN
    needs a static batch size), ``layers.Conv1D(32, 3)``, then ``CustomRNN(units)``.
    With the defaults: 2,657 parameters and output shape ``(16, 8, 1)``.
    """
    raise NotImplementedError("ch15.custom_rnn: implement build_mixed_model()")
